"""Deployment rule data: overrides and additions to the built-in rule sets, and quotas."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from thidua.eligibility.conditions import KINDS
from thidua.orgs.models import Organization


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", _("Đã đối chiếu văn bản")
    PARAPHRASED = "paraphrased", _("Diễn giải")
    UNCONFIRMED = "unconfirmed", _("Chưa xác nhận")


class SubjectKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Cá nhân")
    COLLECTIVE = "collective", _("Tập thể")


class RuleOverride(models.Model):
    """A rule set added by a deployment (e.g. a province's own criteria for its certificate):
    same shape as the built-in rules (eligibility/data/rules.json), no code change needed."""

    authority = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="rule_overrides", verbose_name=_("cơ quan áp dụng"),
                                  help_text=_("Để trống: áp dụng cho toàn hệ thống."))
    award_code = models.CharField(_("mã hình thức"), max_length=32)
    subject_kind = models.CharField(_("đối tượng"), max_length=16, choices=SubjectKind.choices)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    basis = models.CharField(_("căn cứ pháp lý"), max_length=255)
    confidence = models.CharField(_("độ tin cậy"), max_length=16, choices=Confidence.choices,
                                  default=Confidence.CONFIRMED)
    conditions = models.JSONField(_("điều kiện"), help_text=_("Danh sách điều kiện, cùng dạng với rules.json."))
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("quy định bổ sung")
        verbose_name_plural = _("quy định bổ sung")

    def __str__(self) -> str:
        return f"{self.award_code} ({self.get_subject_kind_display()}) từ {self.effective_from:%d/%m/%Y}"

    def clean(self) -> None:
        def walk(specs, path):
            if not isinstance(specs, list):
                raise ValidationError({"conditions": f"{path}: phải là một danh sách điều kiện."})
            for i, spec in enumerate(specs):
                if not isinstance(spec, dict) or spec.get("kind") not in KINDS:
                    raise ValidationError({"conditions": f"{path}[{i}]: loại điều kiện không hợp lệ "
                                                         f"({spec.get('kind') if isinstance(spec, dict) else spec!r}); "
                                                         f"dùng một trong: {', '.join(KINDS)}."})
                params = spec.get("params", {})
                for key in ("options", "conditions"):
                    if key in params:
                        walk(params[key], f"{path}[{i}].{key}")

        walk(self.conditions, "conditions")

    def as_rule(self) -> dict:
        return {
            "id": f"OVERRIDE-{self.pk}", "award": self.award_code, "subject": self.subject_kind,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "basis": self.basis, "confidence": self.confidence, "conditions": self.conditions,
            "authority": str(self.authority_id) if self.authority_id else None,
        }


class Quota(models.Model):
    """A cap set by a granting authority for a year, e.g. CSTĐCS ≤ 15% of LĐTT."""

    authority = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="quotas",
                                  verbose_name=_("cơ quan"))
    year = models.PositiveSmallIntegerField(_("năm"))
    award_code = models.CharField(_("mã hình thức"), max_length=32)
    max_share = models.DecimalField(_("tỷ lệ tối đa"), max_digits=5, decimal_places=4, null=True, blank=True)
    of_award_code = models.CharField(_("so với số"), max_length=32, blank=True)
    max_count = models.PositiveIntegerField(_("số lượng tối đa"), null=True, blank=True)
    tie_breaks = models.JSONField(_("thứ tự ưu tiên khi bằng nhau"), default=list, blank=True)
    basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu số lượng")
        verbose_name_plural = _("chỉ tiêu số lượng")
        constraints = [models.UniqueConstraint(fields=["authority", "year", "award_code"], name="quota_unique")]

    def limit(self, base_count: int) -> int:
        limits = []
        if self.max_share is not None:
            limits.append(math.floor(float(self.max_share) * base_count))
        if self.max_count is not None:
            limits.append(self.max_count)
        return min(limits) if limits else base_count
