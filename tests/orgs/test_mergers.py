from datetime import date

import pytest

from thidua.awards.models import Award
from thidua.orgs.models import Organization, OrganizationKind

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def provinces():
    return Organization.objects.filter(kind=OrganizationKind.PROVINCE)


def test_63_provinces_before_and_34_after_the_reform():
    assert provinces().valid_on(date(2025, 6, 30)).count() == 63
    assert provinces().valid_on(date(2025, 7, 1)).count() == 34


def test_every_merged_province_has_one_successor_with_two_or_more_predecessors():
    merged = provinces().filter(valid_to=date(2025, 6, 30))
    assert merged.count() == 52
    assert not merged.filter(successor__isnull=True).exists()
    for new in provinces().filter(valid_from=date(2025, 7, 1)):
        assert new.predecessors.count() >= 2, new


def test_reference_cluster_mergers():
    ha_giang = provinces().get(admin_code="02")
    tuyen_quang = ha_giang.successor
    assert (tuyen_quang.name, tuyen_quang.admin_code, tuyen_quang.valid_from) == ("Tuyên Quang", "08", date(2025, 7, 1))
    lao_cai_old = provinces().get(admin_code="10")
    lao_cai_new = lao_cai_old.successor
    assert (lao_cai_new.name, lao_cai_new.admin_code) == ("Lào Cai", "15")
    assert {p.name for p in lao_cai_new.predecessors.all()} == {"Lào Cai", "Yên Bái"}
    assert provinces().get(admin_code="04").successor is None  # Cao Bằng unchanged


def test_former_province_records_are_visible_from_its_successor(central_board):
    ha_giang = provinces().get(admin_code="02")
    tuyen_quang = ha_giang.successor
    ha_giang_awards = Award.objects.filter(province=ha_giang).count()
    assert ha_giang_awards > 0
    # The successor's page counts the former province's records …
    page = central_board.get(f"/don-vi/{tuyen_quang.pk}/")
    assert page.status_code == 200
    assert {r["year"]: r["count"] for r in page.context["by_year"]}[2018] == Award.objects.filter(
        province_id__in=tuyen_quang.lineage_ids(), decision__signed_on__year=2018).count()
    assert "Hà Giang" in page.content.decode()
    # … and the registry filtered on the successor returns them.
    registry = central_board.get("/khen-thuong/", {"province": tuyen_quang.pk})
    assert registry.context["page"].count.value == Award.objects.filter(
        province_id__in=tuyen_quang.lineage_ids()).count() >= ha_giang_awards


def test_lineage_is_transitive():
    a = Organization.objects.create(kind=OrganizationKind.UNIT, name="A")
    b = Organization.objects.create(kind=OrganizationKind.UNIT, name="B")
    c = Organization.objects.create(kind=OrganizationKind.UNIT, name="C")
    a.successor = b
    a.save()
    b.successor = c
    b.save()
    assert c.lineage_ids() == {a.pk, b.pk, c.pk}
    assert [o.pk for o in a.successors_chain()] == [b.pk, c.pk]


def test_tree_path_and_province():
    cao_bang = provinces().get(admin_code="04")
    dept = Organization.objects.create(kind=OrganizationKind.DEPARTMENT, name="Sở Thử nghiệm", parent=cao_bang)
    unit = Organization.objects.create(kind=OrganizationKind.UNIT, name="Phòng Thử", parent=dept)
    assert unit.path == f"{cao_bang.path}{dept.pk}/{unit.pk}/"
    assert unit.province_id == dept.province_id == cao_bang.pk
