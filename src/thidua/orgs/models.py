"""Organisations (a tree with validity and mergers), people, households and users' roles."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.lib.text import fold
from thidua.orgs.validators import validate_citizen_id


class OrganizationKind(models.TextChoices):
    STATE = "state", _("Nhà nước (Chủ tịch nước, Chính phủ)")
    CENTRAL = "central", _("Ban Thi đua - Khen thưởng Trung ương")
    MINISTRY = "ministry", _("Bộ, ban, ngành trung ương")
    PROVINCE = "province", _("Tỉnh, thành phố")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("Huyện (trước 1/7/2025)")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    ENTERPRISE = "enterprise", _("Doanh nghiệp, hợp tác xã")
    UNIT = "unit", _("Cơ quan, đơn vị")


class OrganizationQuerySet(models.QuerySet):
    def valid_on(self, day: date) -> OrganizationQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def visible_to(self, user) -> OrganizationQuerySet:
        from thidua.orgs.scope import scope_for

        return scope_for(user).filter_organizations(self)


class Organization(models.Model):
    """An organisation: province, department, commune, unit, small collective…

    `path` is the materialised path of ids ("/3/17/250/") so a subtree is one
    indexed prefix filter. `province` is the top-level ancestor (province or
    ministry), denormalised for scoping and statistics.
    """

    kind = models.CharField(max_length=16, choices=OrganizationKind.choices, db_index=True)
    admin_code = models.CharField("mã hành chính", max_length=16, blank=True, db_index=True)
    name = models.CharField("tên", max_length=255)
    name_en = models.CharField("tên tiếng Anh", max_length=255, blank=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    short_name = models.CharField("tên ngắn", max_length=64, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    province = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors",
        help_text="Đơn vị kế thừa sau sáp nhập, hợp nhất.",
    )
    is_small_collective = models.BooleanField("tập thể nhỏ", default=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["kind", "admin_code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "admin_code", "valid_from"],
                condition=~Q(admin_code=""),
                name="org_admin_code_unique_per_validity",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.valid_from:%Y}–{self.valid_to:%Y})" if self.valid_to and self.valid_from else (
            f"{self.name} (đến {self.valid_to:%d/%m/%Y})" if self.valid_to else self.name
        )

    @property
    def is_current(self) -> bool:
        return self.valid_to is None or self.valid_to >= date.today()

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)
        # Path and province need the id, so they are set after the first insert.
        path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        top = self if self.parent_id is None or self.kind in TOP_LEVEL_KINDS else (self.parent.province or self.parent)
        if path != self.path or self.province_id != top.pk:
            Organization.objects.filter(pk=self.pk).update(path=path, province=top)
            self.path, self.province_id = path, top.pk

    @property
    def place_name(self) -> str:
        """The locality in a document's place line ("Lai Châu, ngày … tháng … năm …", ND 30/2020 Phụ lục I):
        the name of the province where the body sits, without "Tỉnh"/"Thành phố"; central bodies sit in Hà Nội."""
        top = self.province if self.province_id and self.province_id != self.pk else self
        if top.kind != OrganizationKind.PROVINCE:
            return "Hà Nội"
        for prefix in ("Tỉnh ", "tỉnh ", "Thành phố ", "thành phố "):
            if top.name.startswith(prefix):
                return top.name[len(prefix):]
        return top.name

    def lineage_ids(self) -> set[int]:
        """This organisation and every organisation merged into it, transitively."""
        return lineages_ids([self.pk])

    def successors_chain(self) -> list[Organization]:
        chain, current = [], self.successor
        while current is not None and current not in chain:
            chain.append(current)
            current = current.successor
        return chain


def lineages_ids(pks) -> set[int]:
    """The union of `lineage_ids` of several organisations: one query per merge level for all of them, not one
    per organisation (the members of a cluster year)."""
    ids = set(pks)
    frontier = set(ids)
    while frontier:
        frontier = set(Organization.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


TOP_LEVEL_KINDS = {OrganizationKind.PROVINCE, OrganizationKind.MINISTRY, OrganizationKind.CENTRAL, OrganizationKind.STATE}


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> PersonQuerySet:
        from thidua.orgs.scope import scope_for

        return scope_for(user).filter_by_unit(self, "organization")


class Person(models.Model):
    full_name = models.CharField("họ và tên", max_length=128)
    name_folded = models.CharField(max_length=128, editable=False, db_index=True)
    citizen_id = models.CharField("số định danh cá nhân", max_length=12, unique=True, null=True, blank=True)
    gender = models.CharField("giới tính", max_length=8, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField("năm sinh", null=True, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=32, default="Kinh")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="people", verbose_name="đơn vị")
    position = models.CharField("chức vụ", max_length=128, blank=True)
    is_direct_worker = models.BooleanField("người lao động trực tiếp", default=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "cá nhân"
        verbose_name_plural = "cá nhân"
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.citizen_id:
            validate_citizen_id(self.citizen_id, self.gender, self.birth_year)

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)


class Household(models.Model):
    head_name = models.CharField("chủ hộ", max_length=128)
    name_folded = models.CharField(max_length=128, editable=False, db_index=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="households", verbose_name="xã, phường")
    address = models.CharField("địa chỉ", max_length=255, blank=True)

    class Meta:
        verbose_name = "hộ gia đình"
        verbose_name_plural = "hộ gia đình"

    def __str__(self) -> str:
        return f"Hộ {self.head_name}"

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.head_name)
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    UNIT_OFFICER = "unit_officer", _("Cán bộ đơn vị")
    EMULATION_OFFICE = "emulation_office", _("Cơ quan TĐKT tỉnh, bộ")
    CENTRAL_BOARD = "central_board", _("Ban TĐKT Trung ương")
    COUNCIL_MEMBER = "council_member", _("Thành viên Hội đồng TĐKT")
    AUDITOR = "auditor", _("Kiểm tra, giám sát (chỉ xem)")
    ADMIN = "admin", _("Quản trị hệ thống")


class UserRole(models.Model):
    """A user acts for an organisation with a role. Cluster chairmanship follows
    from the organisation being the chair of a cluster year, not from a row here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="user_roles")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"], name="user_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organization}"


# ---------------------------------------------------------------------------
# The emulation sector's own organisations and staff (statistical forms 0604 and 0605 of
# Thông tư 02/2023/TT-BNV). Separate tables, so the organisation and person rows stay as they are.
# ---------------------------------------------------------------------------


class EmulationBody(models.Model):
    """An organisation whose function is emulation & commendation work (form 0604): the emulation department of a
    ministry, the emulation board under a provincial Home Affairs department, and their divisions. Whether it is a
    department/board or a division, of a ministry or of a province, follows from the organisation tree (a body
    whose parent is also a body is a division), so it is not stored twice."""

    organization = models.OneToOneField(Organization, on_delete=models.PROTECT, related_name="emulation_body",
                                        verbose_name=_("đơn vị"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("tổ chức làm công tác TĐKT")
        verbose_name_plural = _("tổ chức làm công tác TĐKT")

    def __str__(self) -> str:
        return str(self.organization)


class TrainingLevel(models.TextChoices):
    """Highest training level (form 0605 rows by training)."""

    ELEMENTARY = "elementary", _("Sơ cấp")
    INTERMEDIATE = "intermediate", _("Trung cấp")
    COLLEGE = "college", _("Cao đẳng")
    UNIVERSITY = "university", _("Đại học")
    POSTGRADUATE = "postgraduate", _("Trên đại học")


class EmulationOfficer(models.Model):
    """A civil servant doing emulation & commendation work (form 0605): age and gender come from the person;
    seniority in emulation work from `since_year` to the end of the reporting period."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="emulation_officer",
                                  verbose_name=_("cá nhân"))
    training = models.CharField(_("trình độ đào tạo"), max_length=16, choices=TrainingLevel.choices)
    since_year = models.PositiveSmallIntegerField(_("làm công tác TĐKT từ năm"))
    until_year = models.PositiveSmallIntegerField(_("thôi làm công tác TĐKT năm"), null=True, blank=True)

    class Meta:
        verbose_name = _("công chức làm công tác TĐKT")
        verbose_name_plural = _("công chức làm công tác TĐKT")

    def __str__(self) -> str:
        return str(self.person)
