"""The reference scenario's illustrative names are believable: each commune lies in its own province, and an
emulation flag goes to a collective that leads a province's movement, never to a small team."""

import pytest

from thidua.awards.models import Award
from thidua.demo import names
from thidua.orgs.models import Organization, OrganizationKind

pytestmark = pytest.mark.django_db


def test_communes_are_named_inside_their_own_province(cluster_year_2018):
    communes = Organization.objects.filter(kind=OrganizationKind.COMMUNE, name__startswith="Xã ").select_related("parent")
    assert communes.count() == 7 * 24
    for c in communes:
        own = names.COMMUNES_BY_PROVINCE[c.parent.admin_code]
        assert c.name.removeprefix("Xã ").split(",")[0] in own, c.name
        assert c.name.endswith(f"tỉnh {c.parent.name}"), c.name
    assert not communes.filter(parent__admin_code="04", name__contains="Hữu Lũng").exists()  # a Lạng Sơn district


def test_emulation_flags_go_to_province_level_collectives(cluster_year_2018):
    flags = Award.objects.filter(award_type__code__in=["CO_CP", "CO_TINH"], decision__is_illustrative=True)
    assert flags.exists()
    for a in flags.select_related("recipient_org"):
        assert not a.recipient_org.is_small_collective, a.recipient_org.name
        assert a.recipient_org.kind in (OrganizationKind.DEPARTMENT, OrganizationKind.ENTERPRISE), a.recipient_org.name
