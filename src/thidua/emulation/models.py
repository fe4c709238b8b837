"""Movements, clusters and blocks, cluster years, pacts, indicators and targets,
conferences and their decisions, flag handovers, exemplary models."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import Award, AwardType
from thidua.lib.text import fold
from thidua.orgs.models import Organization, Person
from thidua.orgs.scope import scope_for


class MovementKind(models.TextChoices):
    REGULAR = "regular", _("Thường xuyên")
    PERIODIC = "periodic", _("Theo đợt")
    THEMATIC = "thematic", _("Chuyên đề")


class Movement(models.Model):
    name = models.CharField("tên phong trào", max_length=255)
    kind = models.CharField("loại", max_length=16, choices=MovementKind.choices)
    launched_by = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="movements_launched",
                                    verbose_name="cấp phát động")
    launched_by_title = models.CharField("người phát động", max_length=128, blank=True)
    launched_on = models.DateField("ngày phát động", null=True, blank=True)
    ends_on = models.DateField("ngày kết thúc", null=True, blank=True)
    directive = models.CharField("văn bản, chỉ thị gắn với phong trào", max_length=255, blank=True)

    class Meta:
        verbose_name = "phong trào thi đua"
        verbose_name_plural = "phong trào thi đua"
        ordering = ["launched_on", "name"]

    def __str__(self) -> str:
        return self.name


class ClusterKind(models.TextChoices):
    CLUSTER = "cluster", _("Cụm thi đua")
    BLOCK = "block", _("Khối thi đua")


class Cluster(models.Model):
    name = models.CharField("tên", max_length=255)
    kind = models.CharField("loại", max_length=16, choices=ClusterKind.choices, default=ClusterKind.CLUSTER)
    organised_by = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="clusters_organised",
                                     verbose_name="cấp tổ chức")
    # Reference data of the Central Council's clusters and blocks (emulation/data/national_clusters.json).
    code = models.CharField("mã cụm, khối", max_length=32, blank=True, db_index=True)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    basis = models.CharField("nguồn thành phần cụm, khối", max_length=500, blank=True)
    members_illustrative = models.BooleanField("thành phần cụm, khối là minh họa", default=False)
    reference_members = models.ManyToManyField(Organization, blank=True, related_name="reference_clusters",
                                               verbose_name="thành phần theo quyết định phân chia")

    class Meta:
        verbose_name = "cụm, khối thi đua"
        verbose_name_plural = "cụm, khối thi đua"

    def __str__(self) -> str:
        return self.name


class ClusterYearQuerySet(models.QuerySet):
    def visible_to(self, user) -> ClusterYearQuerySet:
        """Members see their cluster years (the figures are shared at the conference);
        the organising authority and global roles see all they organise."""
        scope = scope_for(user)
        if scope.is_global:
            return self
        if scope.user_id is None:
            return self.none()
        ids = scope.lineage_ids
        return self.filter(Q(members__in=ids) | Q(cluster__organised_by__in=ids)).distinct()


def cluster_peer_ids(lineage_ids: set[int]) -> set[int]:
    """The peer rule of scoping (registered in EmulationConfig.ready): the members of every cluster year one of
    these organisations belongs to."""
    through = ClusterYear.members.through
    years = through.objects.filter(organization_id__in=lineage_ids).values("clusteryear_id")
    return set(through.objects.filter(clusteryear_id__in=years).values_list("organization_id", flat=True))


class ClusterYear(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="years", verbose_name="cụm")
    year = models.PositiveSmallIntegerField("năm")
    theme = models.CharField("chủ đề thi đua", max_length=500, blank=True)
    chair = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name="cụm trưởng")
    deputy = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="cụm phó")
    members = models.ManyToManyField(Organization, related_name="cluster_years", verbose_name="thành viên")
    movements = models.ManyToManyField(Movement, blank=True, related_name="cluster_years", verbose_name="phong trào")
    directions = models.TextField("phương hướng năm sau", blank=True,
                                  help_text="Mỗi dòng một nhiệm vụ, thống nhất tại hội nghị tổng kết.")
    is_illustrative = models.BooleanField("số liệu từng thành viên là minh họa", default=False)

    objects = ClusterYearQuerySet.as_manager()

    class Meta:
        verbose_name = "năm thi đua của cụm"
        verbose_name_plural = "năm thi đua của cụm"
        ordering = ["cluster", "-year"]
        constraints = [models.UniqueConstraint(fields=["cluster", "year"], name="cluster_year_unique")]

    def __str__(self) -> str:
        return f"{self.cluster.name} — năm {self.year}"

    def direction_lines(self) -> list[str]:
        return [line.strip(" -•") for line in self.directions.splitlines() if line.strip()]


class Aggregation(models.TextChoices):
    """How per-member values add up to the cluster's figure."""

    SUM = "sum", _("Cộng giá trị các thành viên")
    CUMULATIVE = "cumulative", _("Lũy kế (số trước kỳ + thực hiện), tỷ lệ trên tổng số")
    SHARE = "share", _("Tỷ lệ trên tổng số (tử số/mẫu số)")
    MEMBERS_MET = "members_met", _("Số thành viên đạt chỉ tiêu")


class Indicator(models.Model):
    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("mã", max_length=32)
    name = models.CharField("chỉ tiêu", max_length=255)
    unit = models.CharField("đơn vị tính", max_length=64)
    unit_short = models.CharField("đơn vị ngắn", max_length=32, blank=True)
    aggregation = models.CharField("cách tổng hợp", max_length=16, choices=Aggregation.choices, default=Aggregation.SUM)
    base_label = models.CharField("mẫu số", max_length=128, blank=True,
                                  help_text="Với chỉ tiêu lũy kế/tỷ lệ: tổng số dùng làm mẫu số (ví dụ: tổng số xã).")
    value_decimals = models.PositiveSmallIntegerField("số chữ số thập phân của giá trị", default=0)
    percent_decimals = models.PositiveSmallIntegerField("số chữ số thập phân của tỷ lệ %", default=1)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["cluster_year", "order"]
        constraints = [models.UniqueConstraint(fields=["cluster_year", "code"], name="indicator_code_unique")]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """A member's plan and result for one indicator.

    `prior` is the cumulative count before the year (cumulative indicators);
    `base` the denominator (e.g. the member's number of communes).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    member = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="targets")
    planned = models.DecimalField("kế hoạch", max_digits=20, decimal_places=3, null=True, blank=True)
    actual = models.DecimalField("thực hiện", max_digits=20, decimal_places=3, null=True, blank=True)
    prior = models.DecimalField("lũy kế trước kỳ", max_digits=20, decimal_places=3, null=True, blank=True)
    base = models.DecimalField("mẫu số", max_digits=20, decimal_places=3, null=True, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "chỉ tiêu của thành viên"
        verbose_name_plural = "chỉ tiêu của thành viên"
        constraints = [models.UniqueConstraint(fields=["indicator", "member"], name="target_unique")]


class ConferenceKind(models.TextChoices):
    MID_YEAR = "mid_year", _("Sơ kết")
    YEAR_END = "year_end", _("Tổng kết")
    CELEBRATION = "celebration", _("Lễ kỷ niệm, đại hội thi đua")
    PACT_SIGNING = "pact_signing", _("Ký kết giao ước")


class Conference(models.Model):
    kind = models.CharField("loại", max_length=16, choices=ConferenceKind.choices)
    title = models.CharField("tên hội nghị", max_length=500)
    cluster_year = models.ForeignKey(ClusterYear, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="conferences", verbose_name="năm thi đua được tổng kết")
    held_on = models.DateField("ngày")
    place = models.CharField("địa điểm", max_length=255)
    host = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="conferences_hosted",
                             verbose_name="đơn vị đăng cai")

    class Meta:
        verbose_name = "hội nghị"
        verbose_name_plural = "hội nghị"
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"


class ConferenceGuest(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField("họ tên", max_length=128, blank=True)
    title = models.CharField("chức vụ", max_length=500)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]


class Proposal(models.Model):
    """A conference decision to propose a member for an award (flag, certificate)."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="proposals")
    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.PROTECT, related_name="proposals")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="proposals")
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="proposals")
    proposed_to = models.CharField("đề nghị lên", max_length=128, default="Thủ tướng Chính phủ")
    order = models.PositiveSmallIntegerField(default=0)
    vote_session = models.ForeignKey("VoteSession", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="proposals", verbose_name="kết quả bỏ phiếu")

    class Meta:
        verbose_name = "đề nghị khen thưởng của cụm"
        verbose_name_plural = "đề nghị khen thưởng của cụm"
        ordering = ["-award_type__rank", "order"]


class FlagHandover(models.Model):
    """The rotating flag passes from the outgoing chair to the incoming chair."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="flag_handovers")
    from_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name="bàn giao")
    to_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tiếp nhận")
    handed_on = models.DateField("ngày trao")
    conference = models.ForeignKey(Conference, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="flag_handovers")
    handed_by = models.CharField("người trao", max_length=255, blank=True)

    class Meta:
        verbose_name = "trao cờ luân lưu"
        verbose_name_plural = "trao cờ luân lưu"
        ordering = ["-handed_on"]


class Pact(models.Model):
    cluster_year = models.OneToOneField(ClusterYear, on_delete=models.CASCADE, related_name="pact")
    title = models.CharField("tên giao ước", max_length=255)
    commitments = models.TextField("nội dung giao ước", blank=True)
    conference = models.ForeignKey(Conference, null=True, blank=True, on_delete=models.PROTECT, related_name="pacts")

    class Meta:
        verbose_name = "giao ước thi đua"
        verbose_name_plural = "giao ước thi đua"


class PactSignature(models.Model):
    pact = models.ForeignKey(Pact, on_delete=models.CASCADE, related_name="signatures")
    member = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="pact_signatures")
    signed_on = models.DateField("ngày ký")
    signatory = models.CharField("người ký", max_length=128)
    position = models.CharField("chức vụ", max_length=128)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pact", "member"], name="pact_signature_unique")]


class ExemplarStage(models.TextChoices):
    """The four stages of an exemplary model (phát hiện, bồi dưỡng, tổng kết và nhân rộng, tôn vinh), in order."""

    DISCOVERED = "discovered", _("Phát hiện")
    NURTURED = "nurtured", _("Bồi dưỡng")
    REPLICATED = "replicated", _("Tổng kết, nhân rộng")
    HONOURED = "honoured", _("Tôn vinh")


EXEMPLAR_STAGE_ORDER = [s.value for s in ExemplarStage]


class ExemplarQuerySet(models.QuerySet):
    def visible_to(self, user) -> ExemplarQuerySet:
        """Global roles see all; an office (and its council) the exemplars of its province and its cluster peers
        (the cluster reports on them together); anyone else those whose person or collective is in their subtrees."""
        scope = scope_for(user)
        if scope.is_global:
            return self
        if scope.user_id is None:
            return self.none()
        units = scope.filter_organizations(Organization.objects.all()).values("pk")
        q = Q(collective__in=units) | Q(person__organization__in=units)
        if scope.roles & {"emulation_office", "council_member"}:
            q |= Q(province_id__in=sorted(scope.peer_ids))
        return self.filter(q)


class Exemplar(models.Model):
    """An exemplary model (điển hình tiên tiến): a person or a collective, moved through the four stages by
    thidua.emulation.exemplars (each move an ExemplarEvent and an audit row)."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="exemplars")
    collective = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="exemplars")
    name = models.CharField("tên điển hình", max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True, default="")
    province = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tỉnh")
    field = models.CharField("lĩnh vực", max_length=128, blank=True)
    stage = models.CharField("giai đoạn", max_length=16, choices=ExemplarStage.choices, default=ExemplarStage.DISCOVERED)
    story = models.TextField("thành tích nổi bật", blank=True)
    discovered_in = models.PositiveSmallIntegerField("năm phát hiện")
    # Discovered: who proposed it, from which movement.
    proposed_by = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="đơn vị phát hiện, đề xuất")
    movement = models.ForeignKey(Movement, null=True, blank=True, on_delete=models.PROTECT, related_name="exemplars",
                                 verbose_name="phong trào")
    # Nurtured: the plan (its follow-up is in the events).
    nurture_plan = models.TextField("kế hoạch bồi dưỡng", blank=True)
    is_illustrative = models.BooleanField("dữ liệu minh họa", default=False)

    objects = ExemplarQuerySet.as_manager()

    class Meta:
        verbose_name = "điển hình tiên tiến"
        verbose_name_plural = "điển hình tiên tiến"
        ordering = ["province", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, collective__isnull=True) | Q(person__isnull=True, collective__isnull=False),
                name="exemplar_person_or_collective",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def stage_index(self) -> int:
        return EXEMPLAR_STAGE_ORDER.index(self.stage)


class ExemplarHonour(models.Model):
    """An honour given to an exemplary model: at a conference, and/or with an award record of the registry."""

    exemplar = models.ForeignKey(Exemplar, on_delete=models.CASCADE, related_name="honours")
    conference = models.ForeignKey(Conference, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="honours")
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="exemplar_honours")
    description = models.CharField("hình thức tôn vinh", max_length=255)
    honoured_on = models.DateField("ngày tôn vinh", null=True, blank=True)

    class Meta:
        verbose_name = "tôn vinh điển hình"
        verbose_name_plural = "tôn vinh điển hình"
        constraints = [
            models.UniqueConstraint(fields=["exemplar", "conference"], name="honour_once_per_conference"),
            models.UniqueConstraint(fields=["exemplar", "award"], name="honour_once_per_award"),
            models.CheckConstraint(condition=Q(conference__isnull=False) | Q(award__isnull=False),
                                   name="honour_conference_or_award"),
        ]


class ExemplarEventKind(models.TextChoices):
    MOVE = "move", _("Chuyển giai đoạn")
    FOLLOW_UP = "follow_up", _("Theo dõi, bồi dưỡng")


class ExemplarEvent(models.Model):
    """The timeline of an exemplary model: each move between stages (from → to) and each follow-up note."""

    exemplar = models.ForeignKey(Exemplar, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("loại", max_length=16, choices=ExemplarEventKind.choices, default=ExemplarEventKind.MOVE)
    from_stage = models.CharField("từ giai đoạn", max_length=16, choices=ExemplarStage.choices, blank=True)
    to_stage = models.CharField("sang giai đoạn", max_length=16, choices=ExemplarStage.choices, blank=True)
    happened_on = models.DateField("ngày")
    note = models.TextField("nội dung", blank=True)
    by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "diễn biến điển hình"
        verbose_name_plural = "diễn biến điển hình"
        ordering = ["exemplar", "happened_on", "pk"]


class ExemplarReplication(models.Model):
    """Where the model was replicated, with figures (units that applied it, people reached)."""

    exemplar = models.ForeignKey(Exemplar, on_delete=models.CASCADE, related_name="replications")
    place = models.CharField("nơi nhân rộng", max_length=255)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="đơn vị nhân rộng")
    year = models.PositiveSmallIntegerField("năm")
    units = models.PositiveIntegerField("số đơn vị áp dụng", default=0)
    participants = models.PositiveIntegerField("số người tham gia, hưởng lợi", default=0)
    note = models.CharField("kết quả", max_length=500, blank=True)

    class Meta:
        verbose_name = "nhân rộng điển hình"
        verbose_name_plural = "nhân rộng điển hình"
        ordering = ["exemplar", "year", "pk"]


class ExemplarAttachmentKind(models.TextChoices):
    STORY = "story", _("Câu chuyện, bài viết")
    PHOTO = "photo", _("Hình ảnh")
    DOCUMENT = "document", _("Tài liệu")


class ExemplarAttachment(models.Model):
    """A file of an exemplary model, accepted by thidua.lib.uploads.check_upload; served after a visibility check."""

    exemplar = models.ForeignKey(Exemplar, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("loại", max_length=16, choices=ExemplarAttachmentKind.choices)
    file = models.FileField("tệp", upload_to="exemplars/%Y/")
    original_name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveIntegerField("dung lượng", default=0)
    uploaded_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp của điển hình"
        verbose_name_plural = "tệp của điển hình"
        ordering = ["exemplar", "uploaded_at", "pk"]


class PublicHonourQuerySet(models.QuerySet):
    def published(self) -> PublicHonourQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class PublicHonour(models.Model):
    """An entry of the public honours board (/vinh-danh/): an exemplar or an award an authority chose to publish,
    with the person's consent recorded. What the public sees is copied here at publication (name, unit,
    achievement, honours) and nothing else: never the citizen ID, birth date or contact of anyone."""

    exemplar = models.ForeignKey(Exemplar, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="publications")
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="publications")
    authority = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="cơ quan công bố")
    # What the public sees.
    name = models.CharField("tên", max_length=255)
    unit = models.CharField("đơn vị", max_length=255, blank=True)
    achievement = models.TextField("thành tích", blank=True)
    honours = models.TextField("khen thưởng, tôn vinh", blank=True)
    province = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tỉnh")
    province_name = models.CharField("tên tỉnh", max_length=255)
    field = models.CharField("lĩnh vực", max_length=128, blank=True)
    year = models.PositiveSmallIntegerField("năm")
    search_folded = models.TextField(editable=False, default="")
    # The consent of the person (or the collective's head).
    consent_given_on = models.DateField("ngày đồng ý công bố")
    consent_recorded_by = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    consent_recorded_at = models.DateTimeField("ghi nhận đồng ý lúc")
    consent_document = models.FileField("văn bản đồng ý", upload_to="consents/%Y/", blank=True)
    # Publication and withdrawal.
    published_by = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField("công bố lúc")
    withdrawn_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField("rút lúc", null=True, blank=True)
    withdrawal_reason = models.CharField("lý do rút", max_length=500, blank=True)
    changed_at = models.DateTimeField(db_index=True)  # publication or withdrawal: the public board's cache key

    objects = PublicHonourQuerySet.as_manager()

    class Meta:
        verbose_name = "mục trên bảng vinh danh"
        verbose_name_plural = "bảng vinh danh"
        ordering = ["-year", "province_name", "name"]
        indexes = [models.Index(fields=["withdrawn_at", "-year", "province"], name="public_honour_board")]
        constraints = [
            models.CheckConstraint(condition=Q(exemplar__isnull=False, award__isnull=True)
                                   | Q(exemplar__isnull=True, award__isnull=False), name="public_honour_one_subject"),
            models.UniqueConstraint(fields=["exemplar"], condition=Q(withdrawn_at__isnull=True),
                                    name="public_honour_exemplar_once"),
            models.UniqueConstraint(fields=["award"], condition=Q(withdrawn_at__isnull=True),
                                    name="public_honour_award_once"),
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------------------
# The year run in the system: calendar, scoring framework, scores, vote sessions.
# ---------------------------------------------------------------------------------------------------------


class Step(models.TextChoices):
    """The steps of a cluster year, in order (shared/domain/cluster-cycle.md)."""

    OPEN = "open", _("Mở năm thi đua")
    REGISTER = "register", _("Đăng ký chỉ tiêu, danh hiệu")
    PACT = "pact", _("Ký giao ước thi đua")
    MID_YEAR = "mid_year", _("Báo cáo sơ kết 6 tháng")
    YEAR_END = "year_end", _("Báo cáo kết quả cả năm")
    SELF_SCORE = "self_score", _("Tự chấm điểm")
    CROSS_SCORE = "cross_score", _("Chấm chéo")
    LOCK = "lock", _("Cụm trưởng tổng hợp, khóa điểm")
    VOTE = "vote", _("Bỏ phiếu tại hội nghị tổng kết")
    HANDOVER = "handover", _("Trao cờ luân lưu, mở năm sau")


class Milestone(models.Model):
    """The calendar of a cluster year: the date each step is due."""

    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.CASCADE, related_name="milestones")
    step = models.CharField("bước", max_length=16, choices=Step.choices)
    due_on = models.DateField("hạn")

    class Meta:
        verbose_name = "mốc thời gian"
        verbose_name_plural = "lịch năm thi đua"
        constraints = [models.UniqueConstraint(fields=["cluster_year", "step"], name="milestone_unique")]


class YearRun(models.Model):
    """How the year is run: who opened it, scoring settings, the lock. One row per cluster year that is
    run in the system (a year loaded only as figures has none)."""

    cluster_year = models.OneToOneField(ClusterYear, on_delete=models.CASCADE, related_name="run")
    opened_on = models.DateField("ngày mở năm thi đua")
    opened_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    min_cross_scorers = models.PositiveSmallIntegerField(
        "số đơn vị chấm chéo tối thiểu cho mỗi thành viên", default=2)
    rotation_years = models.PositiveSmallIntegerField(
        "không bầu lại cụm trưởng đã làm trong số năm gần nhất", default=3)
    scores_locked_at = models.DateTimeField("khóa điểm lúc", null=True, blank=True)
    scores_locked_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")

    class Meta:
        verbose_name = "tổ chức năm thi đua"
        verbose_name_plural = "tổ chức năm thi đua"

    @property
    def locked(self) -> bool:
        return self.scores_locked_at is not None


class CriterionKind(models.TextChoices):
    GROUP = "group", _("Nhóm tiêu chí")
    MANUAL = "manual", _("Chấm theo đánh giá")
    INDICATOR = "indicator", _("Chấm theo % kế hoạch chỉ tiêu")
    BONUS = "bonus", _("Điểm thưởng")
    PENALTY = "penalty", _("Điểm trừ")


class Criterion(models.Model):
    """One node of the scoring framework. A group's maximum is the sum of its children's.

    Indicator criteria are scored by formula from the member's % of plan: full points at 100%,
    proportional below, and above 100% `bonus_per_percent` points per percentage point up to `bonus_cap`.
    """

    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField("mã", max_length=16)
    name = models.CharField("tiêu chí", max_length=500)
    kind = models.CharField("cách chấm", max_length=16, choices=CriterionKind.choices, default=CriterionKind.MANUAL)
    max_points = models.DecimalField("điểm tối đa", max_digits=7, decimal_places=2, default=0)
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="criteria")
    bonus_per_percent = models.DecimalField("điểm thưởng mỗi 1% vượt kế hoạch", max_digits=6, decimal_places=3,
                                            null=True, blank=True)
    bonus_cap = models.DecimalField("điểm thưởng vượt tối đa", max_digits=7, decimal_places=2, null=True, blank=True)
    guidance = models.TextField("hướng dẫn chấm", blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "tiêu chí chấm điểm"
        verbose_name_plural = "khung tiêu chí chấm điểm"
        ordering = ["cluster_year", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criterion_max_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def is_hand_scored(self) -> bool:
        return self.kind in (CriterionKind.MANUAL, CriterionKind.BONUS, CriterionKind.PENALTY)


class TitleRegistration(models.Model):
    """A member registers the titles it aims for in the year."""

    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.CASCADE, related_name="title_registrations")
    member = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="+")
    registered_on = models.DateField("ngày đăng ký")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster_year", "member", "award_type"],
                                               name="title_registration_unique")]


class ResultReport(models.Model):
    """A member's result for one indicator at a reporting period, with its evidence.
    The year-end report's value is also written to Target.actual (what the statistics read)."""

    class Period(models.TextChoices):
        MID_YEAR = "mid_year", _("6 tháng đầu năm")
        YEAR_END = "year_end", _("Cả năm")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField("kỳ báo cáo", max_length=16, choices=Period.choices)
    value = models.DecimalField("kết quả", max_digits=20, decimal_places=3)
    evidence = models.FileField("minh chứng", upload_to="evidence/%Y/", blank=True)
    reported_at = models.DateTimeField("báo cáo lúc", auto_now=True)
    reported_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["target", "period"], name="result_report_unique")]


class CrossAssignment(models.Model):
    """The chair assigns `scorer` to cross-score `member` (never itself)."""

    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.CASCADE, related_name="cross_assignments")
    scorer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "scorer", "member"], name="cross_assignment_unique"),
            models.CheckConstraint(condition=~Q(scorer=models.F("member")), name="cross_assignment_not_self"),
        ]


class ScoreRound(models.TextChoices):
    SELF = "self", _("Tự chấm")
    CROSS = "cross", _("Chấm chéo")
    FINAL = "final", _("Cụm trưởng tổng hợp")


class Score(models.Model):
    """Points given to `member` for a hand-scored criterion by `scorer` in a round.
    Indicator criteria are never stored: they are computed from the targets. Every change is an audit event."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    scorer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    round = models.CharField("vòng chấm", max_length=8, choices=ScoreRound.choices)
    points = models.DecimalField("điểm", max_digits=7, decimal_places=2)
    comment = models.TextField("nhận xét, lý do", blank=True)
    evidence = models.FileField("minh chứng", upload_to="evidence/%Y/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "điểm"
        verbose_name_plural = "điểm"
        constraints = [
            models.UniqueConstraint(fields=["criterion", "member", "scorer", "round"], name="score_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_points_positive"),
        ]


class VoteKind(models.TextChoices):
    FLAG = "flag", _("Đơn vị dẫn đầu đề nghị tặng Cờ thi đua")
    CERTIFICATE = "certificate", _("Đơn vị đề nghị tặng Bằng khen")
    CHAIR = "chair", _("Cụm trưởng năm sau")
    DEPUTY = "deputy", _("Cụm phó năm sau")


class VoteSession(models.Model):
    """One secret-ballot vote at the review conference.

    Secrecy at rest: a ballot is one SealedBallot (its content encrypted with a key derived from SECRET_KEY, no
    voter, no time) and one VoteParticipation (who voted, no choice); nothing is counted while the session is
    open. Closing opens the sealed ballots in memory and stores only the totals (VoteCandidate.votes,
    `ballots_cast`, `blank_ballots`); the sealed ballots stay for a recount.
    Threshold and quorum are shares of ALL members of the cluster year (strict: "more than").
    """

    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.CASCADE, related_name="vote_sessions")
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="vote_sessions")
    kind = models.CharField("nội dung bầu", max_length=16, choices=VoteKind.choices)
    award_type = models.ForeignKey(AwardType, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="hình thức đề nghị")
    seats = models.PositiveSmallIntegerField("số đơn vị được chọn", default=1)
    round = models.PositiveSmallIntegerField("vòng", default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="next_round", verbose_name="vòng trước")
    opens_at = models.DateTimeField("mở phiếu lúc")
    closes_at = models.DateTimeField("đóng phiếu lúc")
    closed_at = models.DateTimeField("đã kết thúc lúc", null=True, blank=True)
    threshold_percent = models.DecimalField("ngưỡng trúng (% tổng số thành viên)", max_digits=5, decimal_places=2,
                                            default=50)
    threshold_strict = models.BooleanField("phải vượt ngưỡng (quá …%)", default=True)
    quorum_percent = models.DecimalField("số phiếu tối thiểu (% tổng số thành viên)", max_digits=5,
                                         decimal_places=2, default=50)
    quorum_strict = models.BooleanField("phải vượt (quá …%)", default=True)
    electorate = models.PositiveSmallIntegerField("tổng số thành viên có quyền bỏ phiếu")
    # Totals, written once when the session closes (0 while it is open).
    ballots_cast = models.PositiveSmallIntegerField("số phiếu thu về", default=0)
    blank_ballots = models.PositiveSmallIntegerField("số phiếu trống", default=0)
    outcome_applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "phiên bỏ phiếu"
        verbose_name_plural = "phiên bỏ phiếu"
        ordering = ["cluster_year", "kind", "round"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="vote_window_positive"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="vote_seats_positive"),
        ]

    def __str__(self) -> str:
        suffix = f" (vòng {self.round})" if self.round > 1 else ""
        return f"{self.get_kind_display()}{suffix}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class VoteCandidate(models.Model):
    session = models.ForeignKey(VoteSession, on_delete=models.CASCADE, related_name="candidates")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveSmallIntegerField("số phiếu", default=0)  # the total, written at close

    class Meta:
        ordering = ["session", "organization__name"]
        constraints = [models.UniqueConstraint(fields=["session", "organization"], name="vote_candidate_unique")]


class VoteParticipation(models.Model):
    """That `member` has voted in `session`: no choice, no time (a time could be matched with the counters)."""

    session = models.ForeignKey(VoteSession, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="vote_once_per_member")]


class SealedBallot(models.Model):
    """One ballot of a session, sealed (core.sealing): no voter, no time, no order of its own. The key is a
    random UUID so that a dump ordered by key does not line ballots up with participations; the order in which
    a database stores rows (file pages, WAL frames) still follows arrival, which tells nothing without the key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(VoteSession, on_delete=models.CASCADE, related_name="sealed_ballots")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = "phiếu bầu niêm phong"
        verbose_name_plural = "phiếu bầu niêm phong"
