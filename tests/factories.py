"""Factories (factory-boy) for unit tests that build their own data, and the small three-province world of the
`three_provinces` fixture (tests/conftest.py).

Organisations are saved through Organization.save, which sets the materialised path and the province, so a unit
made here is scoped exactly like one of the reference scenario. Provinces are matched on their official code
(get-or-create): a unit test that runs beside the reference scenario reuses its province rows and must therefore
assert only on what it built itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import factory
from django.contrib.auth import get_user_model
from django.test import Client
from factory.django import DjangoModelFactory

from thidua.orgs.models import Gender, Organization, OrganizationKind, Person, Role, UserRole

TEST_PASSWORD = "mat-khau-thu-nghiem"  # hashed with MD5 under thidua.settings_test

GIVEN_NAMES = ["Lan", "Hoa", "Mai", "Sơn", "Hùng", "Dũng", "Thảo", "Tuấn", "Hằng", "Minh"]
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Nông", "Lò", "Hà", "Đặng", "Vi"]


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("kind", "admin_code", "valid_from")

    kind = OrganizationKind.PROVINCE
    admin_code = factory.Sequence(lambda n: f"9{n:03d}")
    valid_from = None
    name = factory.Sequence(lambda n: f"Tỉnh thử nghiệm {n}")
    short_name = factory.LazyAttribute(lambda o: f"Tỉnh {o.name}")


class CentralBoardFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("kind", "name")

    kind = OrganizationKind.CENTRAL
    name = "Ban Thi đua - Khen thưởng Trung ương"


class DepartmentFactory(DjangoModelFactory):
    """A department of a province (its Home Affairs department by default: the emulation office's home)."""

    class Meta:
        model = Organization

    kind = OrganizationKind.DEPARTMENT
    parent = factory.SubFactory(ProvinceFactory)
    name = factory.LazyAttribute(lambda o: f"Sở Nội vụ tỉnh {o.parent.name}")


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrganizationKind.UNIT
    parent = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Phòng thử nghiệm {n}")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(
        lambda n: f"{FAMILY_NAMES[n % 10]} Thị {GIVEN_NAMES[(n // 10) % 10]}" if n % 2 else
        f"{FAMILY_NAMES[n % 10]} Văn {GIVEN_NAMES[(n // 10) % 10]}")
    gender = factory.Sequence(lambda n: Gender.FEMALE if n % 2 else Gender.MALE)
    organization = factory.SubFactory(UnitFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"thu-nghiem-{n}")
    password = factory.django.Password(TEST_PASSWORD)


class RoleFactory(DjangoModelFactory):
    """A user acting for an organisation with a role (the emulation office of a province by default)."""

    class Meta:
        model = UserRole

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(ProvinceFactory)
    role = Role.EMULATION_OFFICE


def officer(organization: Organization, role: str = Role.EMULATION_OFFICE, username: str | None = None):
    """A user with one role for an organisation."""
    user = UserFactory(**({"username": username} if username else {}))
    RoleFactory(user=user, organization=organization, role=role)
    return user


def copy_awards_by_raw_sql(decision_id: int) -> None:
    """Insert a copy of each award of a decision by raw SQL that names none of the derived columns (sort keys,
    summary): what a bulk loader does, so the database's triggers must keep them."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("INSERT INTO awards_award (decision_id, award_type_id, year, basis, recipient_class, "
                  "recipient_person_id, recipient_name, recipient_name_folded, unit_id, province_id, register_no, "
                  "created_at) SELECT decision_id, award_type_id, year, basis, recipient_class, recipient_person_id, "
                  "recipient_name, recipient_name_folded, unit_id, province_id, '', created_at FROM awards_award "
                  "WHERE decision_id = %s", [decision_id])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Province:
    org: Organization
    home_affairs: Organization  # Sở Nội vụ: where unit officers of the province sit
    office: object  # the emulation office's officer (a user)
    unit_officer: object


@dataclass
class ThreeProvinces:
    """Cao Bằng, Lai Châu and Hà Giang (official codes 04, 12, 02), each with its Home Affairs department, an
    emulation-office officer and a unit officer; the Central Board with an officer, a council member of Cao Bằng,
    an auditor; and the award catalogue."""

    cao_bang: Province
    lai_chau: Province
    ha_giang: Province
    board: Organization
    central: object
    council_member: object
    auditor: object
    provinces: list[Province] = field(default_factory=list)

    def client(self, user) -> Client:
        return client_for(user)


def three_provinces() -> ThreeProvinces:
    from thidua.awards.services import load_catalogue

    load_catalogue()
    made = []
    for code, name, slug in (("04", "Cao Bằng", "caobang"), ("12", "Lai Châu", "laichau"),
                             ("02", "Hà Giang", "hagiang")):
        org = ProvinceFactory(admin_code=code, name=name)
        dept = DepartmentFactory(parent=org)
        made.append(Province(org=org, home_affairs=dept, office=officer(org, username=f"tp-{slug}"),
                             unit_officer=officer(dept, Role.UNIT_OFFICER, username=f"tp-donvi-{slug}")))
    board = CentralBoardFactory()
    cao_bang = made[0]
    return ThreeProvinces(
        *made, board=board, central=officer(board, Role.CENTRAL_BOARD, username="tp-trunguong"),
        council_member=officer(cao_bang.org, Role.COUNCIL_MEMBER, username="tp-hoidong"),
        auditor=officer(board, Role.AUDITOR, username="tp-kiemtra"), provinces=made)


def cluster_year(world: ThreeProvinces, year: int = 2031, *, chair: Province | None = None):
    """A cluster of the three provinces organised by the Central Board, its year `year` chaired by Cao Bằng (or
    `chair`); not opened."""
    from thidua.emulation.models import Cluster, ClusterYear

    cluster, _ = Cluster.objects.get_or_create(name="Cụm thi đua thử nghiệm ba tỉnh",
                                               defaults={"organised_by": world.board})
    cy = ClusterYear.objects.create(cluster=cluster, year=year, chair=(chair or world.cao_bang).org)
    cy.members.set([p.org for p in world.provinces])
    return cy
