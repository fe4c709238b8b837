"""Official papers: signed PDFs of decisions and certificates, print layouts of certificate blanks, and the
emulation and commendation fund (quỹ thi đua, khen thưởng) of an authority."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import AwardType, Decision
from thidua.nominations.models import Certificate
from thidua.orgs.models import Organization


class SignedKind(models.TextChoices):
    DECISION = "decision", _("Quyết định")
    CERTIFICATE = "certificate", _("Bằng khen, giấy khen (bản điện tử)")


class SignedDocument(models.Model):
    """A PDF signed by the issuing authority, as stored when it was signed (its SHA-256 with it): the public
    verification checks this file's signature."""

    kind = models.CharField(_("loại văn bản"), max_length=16, choices=SignedKind.choices)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="signed_documents")
    certificate = models.OneToOneField(Certificate, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="signed_document")
    pdf = models.FileField(_("tệp PDF đã ký"), upload_to="ky-so/%Y/")
    sha256 = models.CharField(max_length=64)
    signer = models.CharField(_("chủ thể chứng thư"), max_length=255)
    signed_at = models.DateTimeField(_("thời gian ký"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("người thực hiện"))

    class Meta:
        verbose_name = _("văn bản đã ký số")
        verbose_name_plural = _("văn bản đã ký số")
        constraints = [
            models.UniqueConstraint(fields=["decision"], condition=Q(kind="decision"), name="signed_decision_once"),
            models.CheckConstraint(condition=Q(kind="decision", certificate__isnull=True)
                                   | Q(kind="certificate", certificate__isnull=False), name="signed_kind_target"),
        ]


class PageSize(models.TextChoices):
    A4_LANDSCAPE = "A4L", _("A4 ngang (297 × 210 mm)")
    A3_LANDSCAPE = "A3L", _("A3 ngang (420 × 297 mm)")


class PrintLayout(models.Model):
    """Where the text goes on an office's pre-printed blank of an award type. Empty office or award type: the
    layout for every office / every award type (the most specific one applies). Positions in millimetres from
    the top left corner of the sheet; the offsets move everything (found with the calibration page)."""

    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="print_layouts", verbose_name=_("cơ quan"))
    award_type = models.ForeignKey(AwardType, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="print_layouts", verbose_name=_("hình thức"))
    page_size = models.CharField(_("khổ phôi"), max_length=4, choices=PageSize.choices, default=PageSize.A4_LANDSCAPE)
    offset_x_mm = models.DecimalField(_("dịch ngang (mm)"), max_digits=5, decimal_places=1, default=0)
    offset_y_mm = models.DecimalField(_("dịch dọc (mm)"), max_digits=5, decimal_places=1, default=0)
    # [{"field": "recipient", "x": 148.5, "y": 95, "size": 22, "bold": true, "italic": false, "align": "center",
    #   "width": 230}, …]: see printing.FIELDS for the field names.
    fields = models.JSONField(_("vị trí các dòng chữ"), default=list)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("mẫu in phôi")
        verbose_name_plural = _("mẫu in phôi")
        constraints = [models.UniqueConstraint(fields=["organization", "award_type"], name="print_layout_unique",
                                               nulls_distinct=False)]


class FundSource(models.Model):
    """Money put into an authority's emulation and commendation fund for a year (a budget allocation, another
    lawful source)."""

    authority = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="fund_sources",
                                  verbose_name=_("cơ quan"))
    year = models.PositiveSmallIntegerField(_("năm"))
    received_on = models.DateField(_("ngày nhận"))
    kind = models.CharField(_("nguồn"), max_length=16, choices=[("budget", _("Ngân sách nhà nước")),
                                                              ("other", _("Nguồn hợp pháp khác"))], default="budget")
    description = models.CharField(_("nội dung"), max_length=255)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nguồn quỹ thi đua, khen thưởng")
        verbose_name_plural = _("nguồn quỹ thi đua, khen thưởng")
        ordering = ["received_on", "pk"]
        indexes = [models.Index(fields=["authority", "year"], name="fund_source_authority_year")]


class FundPayment(models.Model):
    """Prize money paid out of the fund for a decision. A payment beyond the balance is refused unless an
    override with its reason is recorded (audited)."""

    authority = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="fund_payments",
                                  verbose_name=_("cơ quan"))
    year = models.PositiveSmallIntegerField(_("năm"))
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="fund_payments",
                                 verbose_name=_("quyết định"))
    paid_on = models.DateField(_("ngày chi"))
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    override_reason = models.CharField(_("lý do chi vượt số dư"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khoản chi tiền thưởng")
        verbose_name_plural = _("khoản chi tiền thưởng")
        ordering = ["paid_on", "pk"]
        indexes = [models.Index(fields=["authority", "year"], name="fund_payment_authority_year")]
