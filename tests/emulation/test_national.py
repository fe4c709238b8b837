"""The Central Council's clusters and blocks (emulation.national): the reference data before and after the 2025
mergers, a merged province's history following its successor, the set-based timelines and national year."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import cluster_year
from thidua.emulation import national, services
from thidua.emulation.models import Cluster, ClusterKind, ClusterYear
from thidua.orgs.models import Organization, OrganizationKind
from thidua.orgs.services import load_provinces

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_data():
    load_provinces()
    return national.load_national_clusters()


def codes(cluster: Cluster) -> set[str]:
    return set(cluster.reference_members.values_list("admin_code", flat=True))


def test_every_province_in_one_cluster_before_and_after_the_mergers(reference_data):
    data = national.reference()["clusters"]
    assert all(row["source"] for row in data)  # each names its source or says none was found
    before = [c for c in reference_data.values() if c.valid_to == date(2025, 6, 30)]
    after = [c for c in reference_data.values() if c.valid_from == national.MERGER_DAY]
    members_before = [o for c in before for o in c.reference_members.all()]
    members_after = [o for c in after for o in c.reference_members.all()]
    assert len(members_before) == len(set(members_before)) == 63
    assert len(members_after) == len(set(members_after)) == 34
    assert all(o.valid_to is None or o.valid_to >= date(2025, 6, 30) for o in members_before)
    assert all(o.valid_to is None for o in members_after)  # the units that exist from 1/7/2025
    # Illustrative arrangements are marked; those with a found source are not.
    assert not reference_data["C7-DNB"].members_illustrative and reference_data["S1-MNPB"].members_illustrative


def test_blocks_add_the_ministries_once_and_loading_is_idempotent(reference_data):
    blocks = [c for c in reference_data.values() if c.kind == ClusterKind.BLOCK]
    assert len(blocks) == 3 and all(c.reference_members.count() == 5 for c in blocks)
    assert all(o.kind == OrganizationKind.MINISTRY for c in blocks for o in c.reference_members.all())
    n_orgs, n_clusters = Organization.objects.count(), Cluster.objects.count()
    again = national.load_national_clusters()
    assert (Organization.objects.count(), Cluster.objects.count()) == (n_orgs, n_clusters)
    assert {c.pk for c in again.values()} == {c.pk for c in reference_data.values()}
    assert all(c.organised_by.name == national.COUNCIL_NAME for c in again.values())


def test_clusters_in_force_follow_the_mergers(reference_data):
    by_year = {y: set(national.clusters_in_force(y).values_list("code", flat=True)) for y in (2018, 2025, 2026)}
    assert {"C1-MNBG", "K1-KTTH"} <= by_year[2018] and "S1-MNPB" not in by_year[2018]
    assert {"C1-MNBG", "S1-MNPB"} <= by_year[2025]  # both arrangements in the year of the mergers
    assert "C1-MNBG" not in by_year[2026] and "S1-MNPB" in by_year[2026]


def test_a_merged_provinces_history_follows_its_successor(reference_data):
    provinces = load_provinces()
    ha_giang, tuyen_quang_new = provinces[("02", None)], provinces[("08", national.MERGER_DAY)]
    c1, s1 = reference_data["C1-MNBG"], reference_data["S1-MNPB"]
    old = ClusterYear.objects.create(cluster=c1, year=2024, chair=ha_giang)
    old.members.set(c1.reference_members.all())
    new = ClusterYear.objects.create(cluster=s1, year=2026, chair=tuyen_quang_new)
    new.members.set(s1.reference_members.all())
    assert ha_giang.successor_id == tuyen_quang_new.pk and ha_giang in c1.reference_members.all()
    successor_history, own_history = list(national.cluster_history(tuyen_quang_new)), list(national.cluster_history(ha_giang))
    assert successor_history[0] == new and old in successor_history  # (beside the demo: also C1's 2018, 2019)
    assert old in own_history and new not in own_history


def test_timelines_match_the_single_year_timeline_and_national_year_is_set_based(three_provinces):
    world = three_provinces
    first = cluster_year(world, 2031)
    services.open_year(world.cao_bang.office, first, theme="Thử", opened_on=date(2031, 1, 10))
    board = world.board

    def add_clusters(n):
        for i in range(n):
            c = Cluster.objects.create(name=f"Cụm {i}", organised_by=board, kind=ClusterKind.CLUSTER)
            cy = ClusterYear.objects.create(cluster=c, year=2031, chair=world.lai_chau.org,
                                            deputy=world.ha_giang.org)
            cy.members.set([p.org for p in world.provinces])

    def queries():
        national.national_year(world.central, 2031)  # warm: the user's scope
        with CaptureQueriesContext(connection) as q:
            ny = national.national_year(world.central, 2031)
        return ny, len(q.captured_queries)

    board.kind = OrganizationKind.CENTRAL
    board.save()
    ny, few = queries()
    add_clusters(5)
    ny, many = queries()
    assert many == few  # one query set for all clusters, none per row
    years = [r for r in ny.rows if r.cy]  # beside the demo, the clusters in force in 2031 have no year
    assert len(years) == 6 and ny.opened == 1
    row = next(r for r in ny.rows if r.cy == first)
    assert [(s.step, s.done, s.detail) for s in row.steps] == \
        [(s.step, s.done, s.detail) for s in services.timeline(first)]
    assert row.steps[0].done and row.done == 1
    # A province officer sees the clusters its province belongs to; another province's officer none of those
    # it is not in; anonymous nothing.
    def with_years(officer):
        return [r for r in national.national_year(officer, 2031).rows if r.cy]

    assert len(with_years(world.cao_bang.office)) == 6
    Cluster.objects.filter(name="Cụm 0").first().years.first().members.remove(world.ha_giang.org)
    assert len(with_years(world.ha_giang.office)) == 5
