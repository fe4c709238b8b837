"""Nominations: dossiers and their items, attachments, the workflow's events, the working-day
calendar and base salary, councils with secret ballots, certificates.

The workflow itself (states, transitions, who may take them, routing between levels, deadlines, vote
thresholds) is data under `nominations/data/`, read by `workflow.py`; the rules live in `services.py`.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import Authority, Award, AwardType, Decision, Initiative, RecipientClass
from thidua.lib.text import fold
from thidua.nominations.workflow import workflow
from thidua.orgs.models import Household, Organization, Person
from thidua.orgs.scope import scope_for


class DossierKind(models.TextChoices):
    """Kinds of commendation (Law art. 8); the codes are those of awards.Basis."""

    MERIT = "merit", _("Thường xuyên (công trạng)")
    ADHOC = "adhoc", _("Đột xuất")
    THEMATIC = "thematic", _("Theo chuyên đề")
    CAREER = "career", _("Quá trình cống hiến")
    SERVICE = "service", _("Niên hạn")


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user) -> DossierQuerySet:
        """Global roles see every dossier; others the dossiers proposed inside their organisations
        (and what merged into them) and the dossiers routed through one of their organisations."""
        scope = scope_for(user)
        if scope.is_global:
            return self
        if scope.user_id is None:
            return self.none()
        q = Q(steps__organization_id__in=scope.lineage_ids) | Q(authority_id__in=scope.lineage_ids)
        for path in scope.lineage_paths:
            q |= Q(from_org__path__startswith=path)
        ids = self.model.objects.filter(q).values("pk")
        return self.filter(pk__in=ids)

    def open(self) -> DossierQuerySet:
        return self.exclude(state__in=workflow().terminal_states)


class Dossier(models.Model):
    """A nomination dossier (hồ sơ đề nghị khen thưởng) from an organisation to the authority above it.

    `steps` is the route the dossier follows (e.g. department → province, or province → Central Board),
    resolved from `data/routing.json` when the dossier is created and kept as it was; `step` is the
    position of the organisation handling it now (`handler`)."""

    from_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="dossiers_sent",
                                 verbose_name=_("đơn vị trình"))
    granted_by = models.CharField(_("thẩm quyền quyết định"), max_length=32, choices=Authority.choices)
    authority = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="dossiers_to_decide",
                                  verbose_name=_("cấp có thẩm quyền"))
    handler = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="dossiers_handled",
                                verbose_name=_("đơn vị đang xử lý"))
    step = models.PositiveSmallIntegerField(_("bước"), default=0)
    route_rule = models.CharField(_("tuyến trình"), max_length=64, blank=True)
    kind = models.CharField(_("loại khen thưởng"), max_length=16, choices=DossierKind.choices,
                            default=DossierKind.MERIT)
    movement = models.ForeignKey("emulation.Movement", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="dossiers", verbose_name=_("phong trào thi đua"))
    year = models.PositiveSmallIntegerField(_("năm thành tích"))
    title = models.CharField(_("trích yếu"), max_length=500)
    title_folded = models.CharField(max_length=500, editable=False, db_index=True)
    letter_number = models.CharField(_("số tờ trình"), max_length=64, blank=True)
    state = models.CharField(_("trạng thái"), max_length=16, default="draft", db_index=True)
    state_entered_at = models.DateTimeField(_("vào trạng thái lúc"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers",
                                 verbose_name=_("quyết định"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người tạo"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ đề nghị khen thưởng")
        verbose_name_plural = _("hồ sơ đề nghị khen thưởng")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["handler", "state"], name="dossier_handler_state")]

    def __str__(self) -> str:
        return f"Hồ sơ #{self.pk}: {self.title}"

    def save(self, *args, **kwargs):
        self.title_folded = fold(self.title)
        super().save(*args, **kwargs)

    @property
    def state_label(self) -> str:
        return workflow().state_label(self.state)


class DossierStep(models.Model):
    """One organisation on a dossier's route, in order."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="dossier_steps")

    class Meta:
        ordering = ["dossier", "position"]
        constraints = [models.UniqueConstraint(fields=["dossier", "position"], name="dossier_step_unique")]


class ItemOutcome(models.TextChoices):
    PENDING = "pending", _("Đang xét")
    RETURNED = "returned", _("Trả lại")
    REJECTED = "rejected", _("Không đề nghị / không khen")
    LOWERED = "lowered", _("Hạ mức khen")
    APPROVED = "approved", _("Đồng ý khen")


# Outcomes that keep an item in the running (sent on, voted on, decided).
ACTIVE_OUTCOMES = (ItemOutcome.PENDING, ItemOutcome.APPROVED, ItemOutcome.LOWERED)


class DossierItem(models.Model):
    """One nominee of a dossier: a person, a collective or a household, for one award type and year."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("số thứ tự"), default=0)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations",
                               verbose_name=_("cá nhân"))
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="nominations", verbose_name=_("tập thể"))
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="nominations", verbose_name=_("hộ gia đình"))
    recipient_name = models.CharField(_("tên người/tập thể được đề nghị"), max_length=255)
    recipient_class = models.CharField(_("đối tượng"), max_length=24, choices=RecipientClass.choices)
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="nominations",
                                   verbose_name=_("hình thức đề nghị"))
    year = models.PositiveSmallIntegerField(_("năm thành tích"))
    achievement = models.TextField(_("tóm tắt thành tích"), blank=True)
    initiatives = models.ManyToManyField(Initiative, blank=True, related_name="nominations",
                                         verbose_name=_("sáng kiến, đề tài làm căn cứ"))
    outcome = models.CharField(_("kết quả"), max_length=16, choices=ItemOutcome.choices, default=ItemOutcome.PENDING)
    lowered_to = models.ForeignKey(AwardType, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("hạ xuống"))
    reason = models.TextField(_("lý do"), blank=True)
    award = models.OneToOneField(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="nomination",
                                 verbose_name=_("bản ghi khen thưởng"))
    # Approved or decided although the eligibility engine found a condition unmet: who chose to go past the
    # warning, when, and why (also in the audit log and the dossier's history).
    override_reason = models.TextField(_("lý do vẫn khen khi chưa đủ điều kiện"), blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("người quyết định vượt cảnh báo"))
    override_at = models.DateTimeField(_("vượt cảnh báo lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mục đề nghị")
        verbose_name_plural = _("danh sách đề nghị")
        ordering = ["dossier", "position", "pk"]
        indexes = [models.Index(fields=["award_type", "year"], name="item_type_year")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, organization__isnull=True, household__isnull=True)
                           | Q(person__isnull=True, organization__isnull=False, household__isnull=True)
                           | Q(person__isnull=True, organization__isnull=True, household__isnull=False)),
                name="item_exactly_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name} — {self.award_type.code} {self.year}"

    @property
    def subject_kind(self) -> str:
        return "individual" if self.person_id else ("collective" if self.organization_id else "household")

    @property
    def final_award_type(self) -> AwardType:
        return self.lowered_to if self.outcome == ItemOutcome.LOWERED and self.lowered_to_id else self.award_type

    @property
    def recipient_unit(self) -> Organization:
        if self.person_id:
            return self.person.organization
        if self.organization_id:
            return self.organization
        return self.household.organization


class AttachmentKind(models.TextChoices):
    SUBMISSION_LETTER = "submission_letter", _("Tờ trình")
    ACHIEVEMENT_REPORT = "achievement_report", _("Báo cáo thành tích")
    MINUTES = "minutes", _("Biên bản họp xét")
    VOTE_MINUTES = "vote_minutes", _("Biên bản kiểm phiếu")
    INITIATIVE_PROOF = "initiative_proof", _("Minh chứng sáng kiến, đề tài")
    RATING_PROOF = "rating_proof", _("Minh chứng xếp loại HTXS")
    DECISION = "decision", _("Quyết định khen thưởng")
    OTHER = "other", _("Tài liệu khác")


# Files a dossier may carry (Law art. 84; electronic copies as Word and PDF, QĐ 311/QĐ-BNV 2025).
ALLOWED_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".jpg", ".jpeg", ".png")
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def validate_attachment(name: str, size: int) -> None:
    """A clear message for a file we do not take: which file, why, and what is accepted."""
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError({"file": f"Tệp “{name}” có đuôi “{ext or '(không có)'}” không được chấp nhận; "
                                       f"chỉ nhận: {', '.join(ALLOWED_EXTENSIONS)}."})
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": f"Tệp “{name}” nặng {size / 1024 / 1024:.1f} MB, vượt giới hạn "
                                       f"{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB."})
    if size == 0:
        raise ValidationError({"file": f"Tệp “{name}” rỗng."})


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"nominations/{instance.dossier_id}/{filename}"


class Attachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    item = models.ForeignKey(DossierItem, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments",
                             verbose_name=_("mục"))
    kind = models.CharField(_("loại tài liệu"), max_length=24, choices=AttachmentKind.choices)
    file = models.FileField(_("tệp"), upload_to=attachment_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu đính kèm")
        verbose_name_plural = _("tài liệu đính kèm")
        ordering = ["dossier", "kind", "pk"]

    def __str__(self) -> str:
        return self.original_name


class AppendOnlyError(Exception):
    pass


EVENT_LABELS = {"create": "Lập hồ sơ", "item_outcome": "Kết quả từng mục",
                "override": "Vẫn khen khi chưa đủ điều kiện", "council_open": "Mở phiên họp Hội đồng",
                "council_close": "Kết thúc phiên họp Hội đồng", "council_adjourn": "Hoãn phiên họp Hội đồng",
                "council_cancel": "Hủy phiên họp Hội đồng", "revoke": "Thu hồi khen thưởng", "revoked": "Đã thu hồi"}


class DossierEventQuerySet(models.QuerySet):
    def update(self, *args, **kwargs):
        raise AppendOnlyError("Dossier events are append-only.")

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Dossier events are append-only.")


class DossierEvent(models.Model):
    """One move of a dossier or one outcome of an item: who, when, from, to, why. Append-only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    item = models.ForeignKey(DossierItem, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    username = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("đơn vị xử lý"))
    transition = models.CharField(_("thao tác"), max_length=32)
    from_state = models.CharField(_("từ trạng thái"), max_length=16, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=16, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    objects = DossierEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("diễn biến hồ sơ")
        verbose_name_plural = _("diễn biến hồ sơ")
        ordering = ["at", "pk"]

    @property
    def label(self) -> str:
        t = workflow().transitions.get(self.transition)
        return t.label_vi if t else EVENT_LABELS.get(self.transition, self.transition)

    @staticmethod
    def _state_label(code: str) -> str:
        if code in workflow().states:
            return workflow().state_label(code)
        return dict(ItemOutcome.choices).get(code, EVENT_LABELS.get(code, code))

    @property
    def from_label(self) -> str:
        return self._state_label(self.from_state) if self.from_state else ""

    @property
    def to_label(self) -> str:
        return self._state_label(self.to_state)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Dossier events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Dossier events are append-only.")


# ---------------------------------------------------------------------------
# Calendar and money: data with dates, editable in the admin.
# ---------------------------------------------------------------------------


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày nghỉ lễ, Tết")
    WORKDAY = "workday", _("Ngày làm bù (thứ Bảy, Chủ nhật đi làm)")


class Holiday(models.Model):
    """A public holiday (or a weekend day worked in exchange) in the working-day calendar."""

    date = models.DateField(_("ngày nghỉ, ngày làm bù"), unique=True)
    kind = models.CharField(_("loại"), max_length=8, choices=DayKind.choices, default=DayKind.HOLIDAY)
    name = models.CharField(_("tên"), max_length=128)
    note = models.CharField(_("căn cứ, ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("lịch ngày nghỉ")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class BaseSalary(models.Model):
    """The base salary (mức lương cơ sở) in force from a date; prize money is a multiple of it."""

    effective_from = models.DateField(_("áp dụng từ"), unique=True)
    amount = models.PositiveIntegerField(_("mức lương cơ sở (đồng)"))
    basis = models.CharField(_("căn cứ"), max_length=255)

    class Meta:
        verbose_name = _("mức lương cơ sở")
        verbose_name_plural = _("mức lương cơ sở")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.amount:,} đ từ {self.effective_from:%d/%m/%Y}".replace(",", ".")


# ---------------------------------------------------------------------------
# Councils and their secret ballots.
# ---------------------------------------------------------------------------


class Council(models.Model):
    """The Emulation & Commendation Council of an organisation (Law art. 90)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="councils",
                                     verbose_name=_("cơ quan"))
    name = models.CharField(_("tên"), max_length=255)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="councils", verbose_name=_("thành viên"))
    # Named in the minutes (who chairs, who records); both are members (nominations.councils.set_officers).
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("Chủ tịch Hội đồng"))
    secretary = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("Thư ký Hội đồng"))
    active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("Hội đồng TĐKT")
        verbose_name_plural = _("Hội đồng TĐKT")

    def __str__(self) -> str:
        return self.name


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Đang bỏ phiếu")
    CLOSED = "closed", _("Đã kết thúc")
    # Ended without a count (no quorum, …): the dossier stays with the council and a new session can be held.
    ADJOURNED = "adjourned", _("Đã hoãn, họp lại ngày khác")
    CANCELLED = "cancelled", _("Đã hủy")


class CouncilSession(models.Model):
    """A council meeting voting on a dossier's items. `member_count` and `quorum` are the snapshot taken
    when the session opens (membership may change later; the thresholds are shares of all members then)."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="sessions")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="council_sessions")
    held_on = models.DateField(_("ngày họp"))
    member_count = models.PositiveSmallIntegerField(_("tổng số thành viên"))
    quorum = models.PositiveSmallIntegerField(_("số thành viên có mặt tối thiểu"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    # An adjourned or cancelled session: why, by whom, and (adjourned) the session that replaces it.
    end_reason = models.TextField(_("lý do hoãn, hủy"), blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    replaced_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="replaces", verbose_name=_("phiên họp lại"))

    class Meta:
        verbose_name = _("phiên họp Hội đồng")
        verbose_name_plural = _("phiên họp Hội đồng")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.council} — {self.held_on:%d/%m/%Y}"


class BallotCount(models.Model):
    """One item voted on in a session, with its threshold; `yes` and `no` are the totals, written once when the
    session closes (0 while it is open). Ballots are SealedCouncilBallot rows: nothing is counted per ballot."""

    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="counts")
    item = models.ForeignKey(DossierItem, on_delete=models.PROTECT, related_name="ballot_counts")
    threshold = models.DecimalField(_("tỷ lệ cần đạt (so với tổng số thành viên)"), max_digits=5, decimal_places=4)
    threshold_basis = models.CharField(max_length=255, blank=True)
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "item"], name="ballot_count_unique")]


class VoteMode(models.TextChoices):
    IN_PERSON = "in_person", _("Bỏ phiếu tại phiên họp")
    WRITTEN = "written", _("Phiếu bằng văn bản (vắng mặt)")


class Participation(models.Model):
    """That a member voted in a session, and how (in person or in writing) — never what they chose.
    A written ballot of an absent member is entered by the council's secretary (`recorded_by`) with the scan of
    the signed paper ballot (`paper`), stored sealed: the scan shows the choice next to the member's name."""

    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="participations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=12, choices=VoteMode.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("người ghi phiếu"))
    paper = models.FileField(_("bản quét phiếu có chữ ký (niêm phong)"), upload_to="council/ballots/", blank=True)
    paper_name = models.CharField(_("tên tệp bản quét"), max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="participation_once")]


class SealedCouncilBallot(models.Model):
    """One ballot of a council session, sealed (core.sealing): no member, no time. A random UUID key, so a dump
    ordered by key does not line ballots up with participations (see emulation.SealedBallot)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="sealed_ballots")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("phiếu biểu quyết niêm phong")
        verbose_name_plural = _("phiếu biểu quyết niêm phong")


# ---------------------------------------------------------------------------
# Certificates.
# ---------------------------------------------------------------------------


class Certificate(models.Model):
    """The printed certificate of an award: golden-register number (per authority and year) and an
    unguessable token for the public verification page."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="certificate")
    authority = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm vào sổ"))
    sequence = models.PositiveIntegerField(_("số thứ tự trong sổ"))
    register_no = models.CharField(_("số sổ vàng"), max_length=32)
    token = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        ordering = ["authority", "year", "sequence"]
        constraints = [models.UniqueConstraint(fields=["authority", "year", "sequence"], name="certificate_register_unique")]

    def __str__(self) -> str:
        return f"Sổ vàng {self.register_no}"


# ---------------------------------------------------------------------------
# Public disclosure of the nominees before the council meets (issue 14 part 4).
# Nghị định 98/2023/NĐ-CP, Điều 46.2 (then Nghị định 152/2025/NĐ-CP, Điều 60.3): the list of nominees for orders
# and State honorary titles is published at least 10 working days before the council meets.
# ---------------------------------------------------------------------------


class DisclosurePolicy(models.Model):
    """Which award types an authority publishes for comments, and for how many working days. Without a row the
    law's list applies (orders and State honorary titles, 10 working days): nominations.disclosure.policy_for."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="disclosure_policy",
                                        verbose_name=_("cơ quan"))
    award_codes = models.JSONField(_("mã hình thức phải công khai"), default=list, blank=True)
    working_days = models.PositiveSmallIntegerField(_("số ngày làm việc lấy ý kiến"), default=10)
    basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("quy định công khai danh sách đề nghị")
        verbose_name_plural = _("quy định công khai danh sách đề nghị")

    def __str__(self) -> str:
        return f"{self.organization}: {', '.join(self.award_codes)} ({self.working_days} ngày làm việc)"


class Disclosure(models.Model):
    """A dossier's list of nominees published for comments from `opens_on` to `closes_on` (working days)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="disclosure")
    token = models.CharField(max_length=32, unique=True, editable=False)
    opens_on = models.DateField(_("công khai từ ngày"))
    closes_on = models.DateField(_("nhận ý kiến đến hết ngày"))
    working_days = models.PositiveSmallIntegerField(_("số ngày làm việc"))
    item_ids = models.JSONField(_("các mục được công khai"), default=list)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("công khai danh sách đề nghị khen thưởng")
        verbose_name_plural = _("công khai danh sách đề nghị khen thưởng")

    def __str__(self) -> str:
        return f"{self.dossier}: {self.opens_on:%d/%m/%Y}–{self.closes_on:%d/%m/%Y}"


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Chưa xử lý")
    ACCEPTED = "accepted", _("Tiếp thu")
    EXPLAINED = "explained", _("Giải trình")
    REJECTED = "rejected", _("Không tiếp thu")


class DisclosureComment(models.Model):
    """A comment from the public (no account): a name and a contact, the text, and the office's handling."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="comments")
    item = models.ForeignKey(DossierItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("về người, tập thể"))
    author_name = models.CharField(_("họ và tên người góp ý"), max_length=128)
    contact = models.CharField(_("địa chỉ, điện thoại hoặc thư điện tử"), max_length=255)
    body = models.TextField(_("nội dung ý kiến"), max_length=4000)
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)
    status = models.CharField(_("xử lý"), max_length=12, choices=CommentStatus.choices, default=CommentStatus.PENDING)
    reply = models.TextField(_("nội dung trả lời, giải trình"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ý kiến góp ý")
        verbose_name_plural = _("ý kiến góp ý")
        ordering = ["received_at", "pk"]
