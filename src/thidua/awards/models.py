"""The award catalogue, decisions, award records and revocations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.lib.choices import ChoicesDisplay
from thidua.orgs.models import Household, Organization, Person
from thidua.orgs.scope import scope_for


class AwardCategory(models.TextChoices):
    TITLE = "title", _("Danh hiệu thi đua")
    FORM = "form", _("Hình thức khen thưởng")
    HONORARY = "honorary", _("Danh hiệu vinh dự nhà nước")


class AwardLevel(models.TextChoices):
    STATE = "state", _("Cấp Nhà nước")
    PROVINCIAL = "provincial", _("Cấp bộ, ban, ngành, tỉnh")
    GRASSROOTS = "grassroots", _("Cấp cơ sở")


class Authority(models.TextChoices):
    PRESIDENT = "president", _("Chủ tịch nước")
    PRIME_MINISTER = "prime_minister", _("Thủ tướng Chính phủ")
    MINISTER_CHAIRMAN = "minister_chairman", _("Bộ trưởng, Chủ tịch UBND tỉnh")
    HEAD_OF_UNIT = "head_of_unit", _("Thủ trưởng đơn vị, Chủ tịch UBND xã")


class AwardType(models.Model):
    """One entry of the catalogue (rules.md section 1)."""

    code = models.CharField("mã", max_length=32, unique=True)
    name = models.CharField("tên", max_length=255)
    name_en = models.CharField("tên tiếng Anh", max_length=255)
    category = models.CharField("loại", max_length=16, choices=AwardCategory.choices)
    level = models.CharField("cấp", max_length=16, choices=AwardLevel.choices, db_index=True)
    granted_by = models.CharField("thẩm quyền", max_length=32, choices=Authority.choices)
    for_individual = models.BooleanField("cá nhân", default=False)
    for_collective = models.BooleanField("tập thể", default=False)
    for_household = models.BooleanField("hộ gia đình", default=False)
    legal_basis = models.CharField("căn cứ pháp lý", max_length=255, blank=True)
    prize_coefficient_individual = models.DecimalField(
        "hệ số tiền thưởng (cá nhân)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    prize_coefficient_collective = models.DecimalField(
        "hệ số tiền thưởng (tập thể)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    report_group = models.CharField(
        "nhóm thống kê", max_length=32, blank=True,
        help_text="Cột của biểu thống kê 0602/0603 mà hình thức này được đếm vào.",
    )
    rank = models.PositiveSmallIntegerField("thứ bậc", default=0, help_text="Cao hơn là hình thức cao hơn.")

    class Meta:
        verbose_name = "hình thức, danh hiệu"
        verbose_name_plural = "danh mục khen thưởng"
        ordering = ["-rank", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (English pages show `name_en`); official documents use `name`."""
        from django.utils.translation import get_language

        return self.name_en if self.name_en and (get_language() or "").startswith("en") else self.name


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> DecisionQuerySet:
        scope = scope_for(user)
        if scope.is_global:
            return self
        visible_awards = Award.objects.visible_to(user)
        # An authority's list holds its own decisions; a transcription belongs to the office that made it.
        return self.filter(Q(pk__in=visible_awards.values("decision_id"))
                           | Q(authority_id__in=scope.lineage_ids, transcribed_by__isnull=True)
                           | Q(transcribed_by_id__in=scope.lineage_ids))

    def own(self) -> DecisionQuerySet:
        """Decisions issued by their authority and recorded by its office (not transcriptions)."""
        return self.filter(transcribed_by__isnull=True)


class Decision(models.Model):
    number = models.CharField("số quyết định", max_length=64)
    signed_on = models.DateField("ngày ký", db_index=True)
    authority = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="decisions", verbose_name="cơ quan ban hành"
    )
    signer_name = models.CharField("người ký", max_length=128, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=128, blank=True)
    summary = models.CharField("trích yếu", max_length=500, blank=True)
    is_illustrative = models.BooleanField(
        "dữ liệu minh họa", default=False, help_text="Quyết định do dữ liệu mẫu tạo ra, không phải văn bản thật."
    )
    # A transcription: another authority's decision (e.g. an order of the President for a province's staff)
    # recorded by this office from the document it received. It is a copy, not the authority's own record,
    # so it stays out of the authority's numbering and carries the scan of the source document.
    transcribed_by = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="transcribed_decisions",
        verbose_name="cơ quan ghi lại",
        help_text="Trống: quyết định do chính cơ quan ban hành ghi. Có giá trị: bản ghi lại quyết định của cơ quan "
                  "khác, do cơ quan này nhập từ văn bản nhận được.",
    )
    source_document = models.FileField("văn bản gốc (bản chụp)", upload_to="decisions/%Y/", blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "quyết định khen thưởng"
        verbose_name_plural = "quyết định khen thưởng"
        ordering = ["-signed_on", "number"]
        constraints = [
            # Numbers are unique per authority among its own decisions; a transcription never takes its number.
            models.UniqueConstraint(fields=["authority", "number"], condition=Q(transcribed_by__isnull=True),
                                    name="decision_number_unique"),
            models.UniqueConstraint(fields=["transcribed_by", "authority", "number"],
                                    condition=Q(transcribed_by__isnull=False),
                                    name="decision_transcription_unique"),
            models.CheckConstraint(condition=Q(transcribed_by__isnull=True) | ~Q(source_document=""),
                                   name="decision_transcription_has_source"),
        ]
        # The decision list's order (newest first, id as tie-break) read straight from an index; the registry's
        # search by decision number (a prefix: pattern_ops on PostgreSQL, ignored elsewhere).
        indexes = [models.Index(fields=["signed_on", "id"], name="decision_signed_on_id"),
                   models.Index(fields=["number"], name="decision_number", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"QĐ {self.number} ngày {self.signed_on:%d/%m/%Y}"

    @property
    def is_transcribed(self) -> bool:
        return self.transcribed_by_id is not None

    @property
    def issuer(self) -> str:
        """"Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng": the signing office as printed (awards.authority.issuer_title)."""
        from thidua.awards.authority import issuer_title

        return issuer_title(self.authority)


class Basis(models.TextChoices):
    """Kinds of commendation (Law art. 8), in the order of forms 0602/0603 rows 15–21."""

    MERIT = "merit", _("Thường xuyên (công trạng)")
    THEMATIC = "thematic", _("Theo chuyên đề")
    ADHOC = "adhoc", _("Đột xuất")
    FOREIGN = "foreign", _("Đối ngoại")
    CAREER = "career", _("Quá trình cống hiến")
    SERVICE = "service", _("Niên hạn")
    RESISTANCE = "resistance", _("Kháng chiến")


class RecipientClass(models.TextChoices):
    """Recipient category at the time of the award (forms 0602/0603 rows 6–14)."""

    COLLECTIVE = "collective", _("Tập thể")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    SMALL_COLLECTIVE = "small_collective", _("Tập thể nhỏ")
    HOUSEHOLD = "household", _("Hộ gia đình")
    LEADER_CENTRAL = "leader_central", _("Lãnh đạo cấp bộ, tỉnh trở lên")
    LEADER_DEPARTMENT = "leader_department", _("Lãnh đạo cấp vụ, sở")
    BUSINESS_PERSON = "business_person", _("Doanh nhân")
    OTHER_LEADER = "other_leader", _("Lãnh đạo khác (từ phó trưởng phòng)")
    DIRECT_WORKER = "direct_worker", _("Người trực tiếp lao động")
    INDIVIDUAL_OTHER = "individual_other", _("Cá nhân khác")


COLLECTIVE_CLASSES = (RecipientClass.COLLECTIVE, RecipientClass.ENTERPRISE, RecipientClass.SMALL_COLLECTIVE)
INDIVIDUAL_CLASSES = (
    RecipientClass.LEADER_CENTRAL, RecipientClass.LEADER_DEPARTMENT, RecipientClass.BUSINESS_PERSON,
    RecipientClass.OTHER_LEADER, RecipientClass.DIRECT_WORKER, RecipientClass.INDIVIDUAL_OTHER,
)
# The policy priority of Law art. 5 that the seed reports as a share.
PRIORITY_CLASSES = (RecipientClass.SMALL_COLLECTIVE, RecipientClass.DIRECT_WORKER)


class RecipientKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Cá nhân")
    COLLECTIVE = "collective", _("Tập thể")
    HOUSEHOLD = "household", _("Hộ gia đình")


def recipient_kind_of(recipient_class: str) -> str:
    if recipient_class in COLLECTIVE_CLASSES:
        return RecipientKind.COLLECTIVE
    if recipient_class == RecipientClass.HOUSEHOLD:
        return RecipientKind.HOUSEHOLD
    return RecipientKind.INDIVIDUAL


class AwardQuerySet(models.QuerySet):
    def in_force(self) -> AwardQuerySet:
        """Awards not revoked: a revoked award stops counting everywhere. NOT EXISTS, not a LEFT JOIN … IS NULL:
        PostgreSQL plans it as an anti-join and estimates it from the revocations' statistics, whereas the join
        form, with few or no revocations, was estimated to keep 0,5 % of the awards (wrong counts, parallel plans
        for a 50-row page)."""
        return self.filter(~models.Exists(Revocation.objects.filter(award_id=models.OuterRef("pk"))))

    def visible_to(self, user) -> AwardQuerySet:
        return scope_for(user).filter_by_province(self)

    def of_kind(self, kind: str) -> AwardQuerySet:
        classes = {
            RecipientKind.COLLECTIVE: COLLECTIVE_CLASSES,
            RecipientKind.INDIVIDUAL: INDIVIDUAL_CLASSES,
            RecipientKind.HOUSEHOLD: (RecipientClass.HOUSEHOLD,),
        }[kind]
        return self.filter(recipient_class__in=classes)


class Award(ChoicesDisplay, models.Model):
    """One award record: one recipient, one award type, one decision."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="awards", verbose_name="quyết định")
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="awards", verbose_name="hình thức")
    year = models.PositiveSmallIntegerField("năm thành tích")
    basis = models.CharField("loại khen thưởng", max_length=16, choices=Basis.choices, default=Basis.MERIT)
    recipient_class = models.CharField("đối tượng", max_length=24, choices=RecipientClass.choices)
    recipient_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="awards", verbose_name="cá nhân"
    )
    recipient_org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="awards_received",
        verbose_name="tập thể",
    )
    recipient_household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="awards", verbose_name="hộ gia đình"
    )
    # The name as printed in the decision, and the unit/province at the time of the award:
    # history stays as it was when people move or units merge.
    recipient_name = models.CharField("tên người/tập thể được khen", max_length=255)
    recipient_name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    unit = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="awards_in_unit", verbose_name="đơn vị"
    )
    province = models.ForeignKey(  # indexed with the id (award_province_id), not alone
        Organization, on_delete=models.PROTECT, related_name="awards_in_province", verbose_name="tỉnh, bộ",
        db_index=False,
    )
    submitted_by = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="awards_submitted",
        verbose_name="cơ quan trình",
    )
    register_no = models.CharField("số sổ vàng", max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Copies of the award type's rank and the decision's year, kept in step by thidua.awards.sort_keys (the code
    # that writes awards, and triggers): the registry sorts and filters by them from this table's own indexes.
    # Not "positive" fields: their CHECK would make adding the column scan a national table under lock.
    award_type_rank = models.SmallIntegerField(default=0, db_default=0, editable=False)
    decision_year = models.SmallIntegerField(default=0, db_default=0, editable=False)

    objects = AwardQuerySet.as_manager()

    class Meta:
        verbose_name = "bản ghi khen thưởng"
        verbose_name_plural = "bản ghi khen thưởng"
        ordering = ["-year", "recipient_name"]
        indexes = [
            models.Index(fields=["province", "year"], name="award_province_year"),
            # Statistics select a province set and the decisions of a period: one index range per pair.
            models.Index(fields=["province", "decision"], name="award_province_decision"),
            models.Index(fields=["province", "id"], name="award_province_id"),
            models.Index(fields=["award_type", "year"], name="award_type_year"),
            models.Index(fields=["year", "recipient_class"], name="award_year_class"),
            models.Index(fields=["register_no"], name="award_register_no"),  # search by golden-register number
            # The registry's name sort, read page by page from a key (thidua.lib.keyset). The search "name
            # contains" uses a trigram index on PostgreSQL (migration 0008, not expressible for SQLite here).
            models.Index(fields=["recipient_name_folded", "id"], name="award_name_id"),
            # The year sorts: newest years first with names A→Z read forwards, the oldest first read backwards.
            models.Index(fields=["-year", "recipient_name_folded", "id"], name="award_year_name_id"),
            # The sort by award type (highest first, names A→Z; read backwards for the lowest first) and the
            # decision year filter with the year sort (migration 0010: built concurrently on PostgreSQL).
            models.Index(fields=["-award_type_rank", "recipient_name_folded", "id"], name="award_rank_name_id"),
            models.Index(fields=["decision_year", "-year", "recipient_name_folded", "id"],
                         name="award_dyear_year_name_id"),
            # The decision year filter with the sort by award type (migration 0012): nationally, the provincial
            # awards of 2021 by type went from 1,4 s (the year's rows picked out of every year's) to 0,16 s.
            models.Index(fields=["decision_year", "-award_type_rank", "recipient_name_folded", "id"],
                         name="award_dyear_rank_name_id"),
            # The decision year with a kind (migration 0014): when a walk along the sort runs out of time, the
            # year's collective awards are read through it and sorted (nationally 1,08 → 0,49 s by type).
            models.Index(fields=["decision_year", "recipient_class"], name="award_dyear_class"),
            # The registry's common filters, a decision year with a level (its award types) and a kind, nationally
            # and in a province set (an office, a cluster year's members): a bounded count reads only the matching
            # rows (migration 0015; nationally 0,6 s → 0,04 s for one year's provincial awards to individuals).
            models.Index(fields=["decision_year", "award_type", "recipient_class"], name="award_dyear_type_class"),
            models.Index(fields=["province", "decision_year", "award_type", "recipient_class"],
                         name="award_prov_dyear_type_class"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(recipient_person__isnull=False, recipient_org__isnull=True, recipient_household__isnull=True)
                    | Q(recipient_person__isnull=True, recipient_org__isnull=False, recipient_household__isnull=True)
                    | Q(recipient_person__isnull=True, recipient_org__isnull=True, recipient_household__isnull=False)
                ),
                name="award_exactly_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.award_type.code} {self.year} — {self.recipient_name}"

    def save(self, *args, **kwargs):
        from thidua.awards import sort_keys

        sort_keys.fill([self])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"award_type", "decision"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "award_type_rank", "decision_year"}
        super().save(*args, **kwargs)

    @property
    def recipient_kind(self) -> str:
        return recipient_kind_of(self.recipient_class)

    @property
    def issued_name(self) -> str:
        """The award as its decision names it ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng")."""
        from thidua.awards.authority import issued_award_name

        return issued_award_name(self.award_type, self.decision.authority)


class Revocation(models.Model):
    """Revoking an award is an event with its own decision; the award row is never edited."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="revocation")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="revocations")
    reason = models.TextField("lý do")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "thu hồi khen thưởng"
        verbose_name_plural = "thu hồi khen thưởng"


# ---------------------------------------------------------------------------
# The personal record that eligibility reads: yearly ratings, initiatives,
# discipline, open reviews, collective membership. Person XOR collective on each row.
# ---------------------------------------------------------------------------


class Rating(models.TextChoices):
    """Yearly task rating, best first."""

    HTXS = "HTXS", _("Hoàn thành xuất sắc nhiệm vụ")
    HTT = "HTT", _("Hoàn thành tốt nhiệm vụ")
    HT = "HT", _("Hoàn thành nhiệm vụ")
    KHT = "KHT", _("Không hoàn thành nhiệm vụ")


def _one_subject() -> Q:
    return Q(person__isnull=False, organization__isnull=True) | Q(person__isnull=True, organization__isnull=False)


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_for(user)
        if scope.is_global:
            return self
        if scope.user_id is None:
            return self.none()
        # Unit ids first (organisation path index), then the rows by their own unit columns.
        return self.filter(scope.units_q("person__organization") | scope.units_q("organization"))


class Evaluation(models.Model):
    """The yearly rating of a person or a collective (đánh giá, xếp loại)."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("năm"))
    rating = models.CharField(_("xếp loại"), max_length=4, choices=Rating.choices)
    # Maternity leave counts as working time (ND 98/2023, then ND 152/2025, art. 4): such a year keeps a run
    # of years alive in the eligibility rules. A database default, so bulk writers that name columns still work.
    on_maternity_leave = models.BooleanField(_("nghỉ thai sản trong năm"), default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("đánh giá, xếp loại")
        verbose_name_plural = _("đánh giá, xếp loại")
        # Lists and statistics filter ratings by year (and rating) across a scope.
        indexes = [models.Index(fields=["year", "rating"], name="evaluation_year_rating")]
        constraints = [
            models.CheckConstraint(condition=_one_subject(), name="evaluation_one_subject"),
            models.UniqueConstraint(fields=["person", "year"], condition=Q(person__isnull=False),
                                    name="evaluation_person_year"),
            models.UniqueConstraint(fields=["organization", "year"], condition=Q(organization__isnull=False),
                                    name="evaluation_org_year"),
        ]


class InitiativeKind(models.TextChoices):
    INITIATIVE = "initiative", _("Sáng kiến")
    RESEARCH = "research", _("Đề tài khoa học")


class InitiativeScope(models.TextChoices):
    """Scope of effect, ordered from narrowest."""

    GRASSROOTS = "grassroots", _("Cấp cơ sở")
    PROVINCIAL = "provincial", _("Cấp bộ, ngành, tỉnh")
    NATIONAL = "national", _("Toàn quốc")


class Initiative(models.Model):
    """A recognised initiative or accepted research project. One initiative serves one award
    only (CV 5007/BNV-TĐKT 2023): `used_for` is set when an award relies on it."""

    kind = models.CharField(_("loại"), max_length=16, choices=InitiativeKind.choices, default=InitiativeKind.INITIATIVE)
    code = models.CharField(_("mã"), max_length=64, blank=True)
    title = models.CharField(_("tên"), max_length=500)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="initiatives")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="initiatives")
    scope = models.CharField(_("phạm vi ảnh hưởng"), max_length=16, choices=InitiativeScope.choices)
    year = models.PositiveSmallIntegerField(_("năm công nhận"))
    recognised_by = models.CharField(_("quyết định công nhận"), max_length=255, blank=True)
    used_for = models.OneToOneField(Award, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="initiative_used", verbose_name=_("đã dùng cho khen thưởng"))

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("sáng kiến, đề tài")
        verbose_name_plural = _("sáng kiến, đề tài")
        constraints = [models.CheckConstraint(condition=_one_subject(), name="initiative_one_subject")]
        indexes = [models.Index(fields=["person", "year"], name="initiative_person_year"),
                   models.Index(fields=["year", "scope"], name="initiative_year_scope")]


class DisciplineLevel(models.TextChoices):
    """Discipline, from the lightest; "cảnh cáo" and above block collective titles (Law art. 28)."""

    REPRIMAND = "reprimand", _("Khiển trách")
    WARNING = "warning", _("Cảnh cáo")
    DEMOTION = "demotion", _("Hạ bậc lương, giáng chức")
    DISMISSAL = "dismissal", _("Cách chức, buộc thôi việc")


DISCIPLINE_ORDER = [c for c, _label in DisciplineLevel.choices]


class Discipline(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disciplines")
    level = models.CharField(_("hình thức kỷ luật"), max_length=16, choices=DisciplineLevel.choices)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    decision = models.CharField(_("quyết định kỷ luật"), max_length=255, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("kỷ luật")
        verbose_name_plural = _("kỷ luật")


class ReviewKind(models.TextChoices):
    DISCIPLINE_REVIEW = "discipline_review", _("Đang xem xét kỷ luật")
    INSPECTION = "inspection", _("Đang thanh tra, kiểm tra")
    INVESTIGATION = "investigation", _("Đang điều tra")
    COMPLAINT = "complaint", _("Có đơn thư khiếu nại, tố cáo đang giải quyết")


class Review(models.Model):
    """An open review (discipline review, inspection, investigation, complaint): blocks awards while open."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="reviews")
    kind = models.CharField(_("loại"), max_length=24, choices=ReviewKind.choices)
    opened_on = models.DateField(_("từ ngày"))
    closed_on = models.DateField(_("kết thúc"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("đang xem xét")
        verbose_name_plural = _("đang xem xét")
        constraints = [models.CheckConstraint(condition=_one_subject(), name="review_one_subject")]


class Membership(models.Model):
    """A person counted as a member of a collective in a year (for the ≥70% LĐTT conditions)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    year = models.PositiveSmallIntegerField(_("năm"))

    class Meta:
        verbose_name = _("thành viên tập thể")
        verbose_name_plural = _("thành viên tập thể")
        constraints = [models.UniqueConstraint(fields=["person", "organization", "year"], name="membership_unique")]
        indexes = [models.Index(fields=["organization", "year"], name="membership_org_year")]


class AwardSummary(models.Model):
    """Award records in force counted by (decision day, province, award type, recipient class, basis, submitting
    office): the summary behind the statistical forms and dashboards at national size. Maintained by database
    triggers in the transaction of every award write; see thidua.awards.summary for why and how it is checked.
    Plain integer keys, no foreign keys: it is an index of the award records, never a source of truth."""

    signed_on = models.DateField()
    province_id = models.IntegerField()
    award_type_id = models.IntegerField()
    recipient_class = models.CharField(max_length=24)
    basis = models.CharField(max_length=16)
    submitted_by_id = models.IntegerField(default=0)  # 0: no submitting office (a NULL would defeat the upsert key)
    # "d": the day's count; "y": the whole year's (signed_on is then 1 January), so that a period of whole years
    # reads one row per key and year, not one per day.
    grain = models.CharField(max_length=1, default="d")
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = "số khen thưởng tổng hợp"
        verbose_name_plural = "số khen thưởng tổng hợp"
        constraints = [models.UniqueConstraint(
            fields=["province_id", "signed_on", "award_type_id", "recipient_class", "basis", "submitted_by_id", "grain"],
            name="award_summary_key")]
        # National figures read a range of days (or years) over every province.
        indexes = [models.Index(fields=["grain", "signed_on"], name="award_summary_grain_signed_on")]
