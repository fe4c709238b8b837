"""Movements, clusters and blocks, cluster years, pacts, indicators and targets,
conferences and their decisions, flag handovers, exemplary models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import Award, AwardType
from thidua.orgs.models import Organization, Person


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

    class Meta:
        verbose_name = "cụm, khối thi đua"
        verbose_name_plural = "cụm, khối thi đua"

    def __str__(self) -> str:
        return self.name


class ClusterYearQuerySet(models.QuerySet):
    def visible_to(self, user) -> ClusterYearQuerySet:
        """Members see their cluster years (the figures are shared at the conference);
        the organising authority and global roles see all they organise."""
        from thidua.core.access import scope_for

        scope = scope_for(user)
        if scope.is_global:
            return self
        if scope.user_id is None:
            return self.none()
        ids = scope.lineage_ids
        return self.filter(Q(members__in=ids) | Q(cluster__organised_by__in=ids)).distinct()


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
    DISCOVERED = "discovered", _("Phát hiện")
    NURTURED = "nurtured", _("Bồi dưỡng")
    SUMMED_UP = "summed_up", _("Tổng kết")
    REPLICATED = "replicated", _("Nhân rộng")


class Exemplar(models.Model):
    """An exemplary model (điển hình tiên tiến): a person or a collective."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="exemplars")
    collective = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="exemplars")
    name = models.CharField("tên điển hình", max_length=255)
    province = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name="tỉnh")
    field = models.CharField("lĩnh vực", max_length=128, blank=True)
    stage = models.CharField("giai đoạn", max_length=16, choices=ExemplarStage.choices, default=ExemplarStage.DISCOVERED)
    story = models.TextField("thành tích nổi bật", blank=True)
    discovered_in = models.PositiveSmallIntegerField("năm phát hiện")

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


class ExemplarHonour(models.Model):
    """An honour given to an exemplary model: at a conference, possibly with an award record."""

    exemplar = models.ForeignKey(Exemplar, on_delete=models.CASCADE, related_name="honours")
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="honours")
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="exemplar_honours")
    description = models.CharField("hình thức tôn vinh", max_length=255)

    class Meta:
        verbose_name = "tôn vinh điển hình"
        verbose_name_plural = "tôn vinh điển hình"
        constraints = [models.UniqueConstraint(fields=["exemplar", "conference"], name="honour_once_per_conference")]
