"""The award row's copies of its award type's rank and its decision's year (thidua.awards.sort_keys): right after
every kind of write, repaired by the migration's batched fill, and read by the registry's sorts and year filter
from their own indexes (PostgreSQL plans)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.functions import ExtractYear

from tests.conftest import user
from tests.factories import copy_awards_by_raw_sql
from thidua.awards import services, sort_keys, summary
from thidua.awards.filters import SORTS, RegistryFilterForm, filter_awards, ordering_of
from thidua.awards.models import Award, AwardType, Decision
from thidua.lib.keyset import KeysetPaginator, count_rows
from thidua.orgs.models import Organization, OrganizationKind, Person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")


def wrong_keys() -> int:
    """Award rows whose copies differ from their award type's rank or their decision's year."""
    return (Award.objects.exclude(award_type_rank=F("award_type__rank"))
            | Award.objects.exclude(decision_year=ExtractYear("decision__signed_on"))).count()


def test_the_reference_scenario_holds_the_right_keys():
    assert Award.objects.count() > 100
    assert Award.objects.values("award_type_rank").distinct().count() > 3
    assert wrong_keys() == 0


def test_every_kind_of_write_keeps_the_keys(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cao_bang = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04", valid_from__isnull=True)
    dept = Organization.objects.get(user_roles__user__username="donvi")
    staff = list(Person.objects.filter(organization=dept).order_by("pk")[:3])
    bk, cstdcs = AwardType.objects.get(code="BK_TINH"), AwardType.objects.get(code="CSTDCS")
    # The service (bulk insert).
    decision = services.record_decision(user("caobang"), authority=cao_bang, number="911/QĐ-UBND",
                                        signed_on=date(2024, 4, 1), summary="Tặng Bằng khen",
                                        awards=[{"award_type": bk, "year": 2023, "person": p} for p in staff])
    awards = Award.objects.filter(decision=decision)
    assert {(a.award_type_rank, a.decision_year) for a in awards} == {(bk.rank, 2024)}
    # One award saved with another type; a bulk update of the type (triggers).
    a = awards.order_by("pk").first()
    a.award_type = cstdcs
    a.save()
    assert Award.objects.get(pk=a.pk).award_type_rank == cstdcs.rank != bk.rank
    awards.update(award_type=bk)
    assert wrong_keys() == 0
    # The decision's day corrected into another year, by a bulk update and by a save.
    Decision.objects.filter(pk=decision.pk).update(signed_on=date(2025, 1, 3))
    assert set(awards.values_list("decision_year", flat=True)) == {2025}
    decision.refresh_from_db()
    decision.signed_on = date(2023, 12, 30)
    decision.save()
    assert set(awards.values_list("decision_year", flat=True)) == {2023}
    # An award type's rank changed in the catalogue: every award of the type follows.
    AwardType.objects.filter(pk=bk.pk).update(rank=bk.rank + 7)
    assert set(awards.values_list("award_type_rank", flat=True)) == {bk.rank + 7}
    # Raw SQL that does not name the copies, and raw SQL that changes the award type: the triggers write them.
    copy_awards_by_raw_sql(decision.pk)
    assert awards.count() == 6
    assert wrong_keys() == 0
    with connection.cursor() as c:
        c.execute("UPDATE awards_award SET award_type_id = %s WHERE decision_id = %s", [cstdcs.pk, decision.pk])
    assert set(awards.values_list("award_type_rank", flat=True)) == {cstdcs.rank}
    assert wrong_keys() == 0
    assert summary.differences() == []


def test_the_batched_fill_repairs_rows_written_without_triggers():
    """What migration 0010 does on a table written before the columns existed (or by a loader with triggers off)."""
    sort_keys.drop_triggers()
    try:
        ids = list(Award.objects.order_by("pk").values_list("pk", flat=True)[:40])
        Award.objects.filter(pk__in=ids[::2]).update(award_type_rank=0)
        Award.objects.filter(pk__in=ids[1::2]).update(decision_year=0)
        assert wrong_keys() == 40
        batches = []
        changed = sort_keys.fill_existing(batch=5000, progress=lambda done, total, n: batches.append(done))
        assert changed == 40 and wrong_keys() == 0
        assert len(batches) > 2  # in batches of ids
        assert sort_keys.fill_existing(batch=20_000) == 0  # a rerun changes nothing
    finally:
        sort_keys.install_triggers()
    assert summary.differences() == []


def registry_page(client, params, cursor=None):
    return client.get("/khen-thuong/", {**params, **({"cursor": cursor} if cursor else {})}).context["page"]


@pytest.mark.parametrize("sort", ["-type", "type"])
@pytest.mark.parametrize("exact_limit", [0, 10**6], ids=["index-walk", "sorted-after-filter"])
def test_the_sort_by_award_type_walks_every_record_once_in_rank_order(central_board, settings, sort, exact_limit):
    # The page's own paginator over the page's query, in pages of 500 with the count taken once (walking the page
    # 50 rows at a time, each page counting again, took 26 s); the page itself must show the walk's first rows.
    # Both ways of reading a page: the sort index walked (many rows) and the filtered rows sorted (few).
    # One province's provincial awards (2,860 rows, four ranks, six pages of 500): the whole country's 19,639 took
    # five to ten times as long and walk the same code.
    settings.THIDUA_EXACT_COUNT_LIMIT = exact_limit
    cao_bang = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04", valid_from__isnull=True)
    params = {"sort": sort, "level": "provincial", "province": cao_bang.pk}
    form = RegistryFilterForm(params, user=user("trunguong"))
    qs = filter_awards(form).select_related("award_type")
    paginator, count = KeysetPaginator(qs, ordering_of(form), 500), count_rows(qs)
    page, seen = paginator.page(None, count), []
    while True:
        seen += [(a.award_type.rank, a.recipient_name_folded, a.pk) for a in page]
        if not page.has_next:
            break
        page = paginator.page(page.next_cursor, count)
    first = registry_page(central_board, params)
    second = registry_page(central_board, params, first.next_cursor)
    assert [a.pk for a in [*first, *second]] == [pk for *_k, pk in seen[: len(first) + len(second)]]
    expected = Award.objects.in_force().filter(award_type__level="provincial", province_id__in=cao_bang.lineage_ids())
    assert len(seen) == expected.count() == len({pk for *_k, pk in seen}) > 1000  # more than two pages of 500
    # Highest rank first with names A→Z, or exactly the reverse.
    ascending = sorted(seen, key=lambda k: (-k[0], k[1], k[2]))
    assert seen == (ascending if sort == "-type" else ascending[::-1])
    assert len({rank for rank, *_ in seen}) > 1


@pytest.mark.parametrize("sort", ["-year", "name", "-type", "-date"])
def test_the_decision_year_filter_selects_the_same_records_whatever_the_sort(sort):
    # A decision year that also holds awards of another achievement year (the filter is not on `year`).
    year = (Award.objects.exclude(year=F("decision_year")).order_by("pk").values_list("decision_year", flat=True)
            .first())
    assert year
    form = RegistryFilterForm({"year": year, "sort": sort}, user=user("trunguong"))
    selected = set(filter_awards(form).values_list("pk", flat=True))
    expected = set(Award.objects.in_force().filter(decision__signed_on__year=year).values_list("pk", flat=True))
    assert selected == expected and expected
    assert Award.objects.filter(pk__in=expected).exclude(year=year).exists()


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as c:
        # The test database is small: without these PostgreSQL would read it whole and sort. Off, it shows which
        # index gives the order, which is what a national registry needs (a Sort node here means no index does).
        c.execute("SET LOCAL enable_seqscan = off")
        c.execute("SET LOCAL enable_bitmapscan = off")
        c.execute("SET LOCAL enable_sort = off")
        c.execute("SET LOCAL enable_incremental_sort = off")
        c.execute("EXPLAIN " + sql, params)
        return "\n".join(r[0] for r in c.fetchall())


def page_queries(params: dict, deep: int) -> list:
    """The queries of the registry page as the Central Board, and of a page `deep` pages further (one per slice)."""
    form = RegistryFilterForm(params, user=user("trunguong"))
    qs = filter_awards(form)
    paginator = KeysetPaginator(qs, ordering_of(form), 20)
    ordered = qs.order_by(*[("-" if desc else "") + name for name, desc in paginator.keys])
    key = list(ordered.values_list(*[name for name, _desc in paginator.keys])[deep * 20 - 1])
    return [ordered[:21]] + [paginator._ordered(qs.filter(*conditions, **equal), True)[:21]
                             for conditions, equal in paginator._branches(key, True)]


@on_postgresql
@pytest.mark.parametrize("params, index", [
    ({"sort": "-type"}, "award_rank_name_id"),
    ({"sort": "type"}, "award_rank_name_id"),
    ({"sort": "-year"}, "award_year_name_id"),
    ({"sort": "year"}, "award_year_name_id"),
    ({"sort": "-year", "year": 2018}, "award_dyear_year_name_id"),
    ({"sort": "name"}, "award_name_id"),
])
def test_postgresql_reads_each_sorted_page_as_an_index_range(params, index):
    queries = page_queries(params, deep=3)
    assert len(queries) == (2 if params["sort"] == "name" else 3)  # the first page, then one query per slice
    for qs in queries:
        text = plan(qs)
        assert index in text and "Sort" not in text, text
    # The cursor page starts inside the index: the run after the changed direction is one row comparison.
    assert "ROW(" in plan(queries[1]) and "Index Cond" in plan(queries[1])
    if "year" in params:
        assert "decision_year =" in plan(queries[0])


def test_sorts_end_with_the_primary_key_and_the_type_sort_reads_the_copied_rank():
    for ordering in SORTS.values():
        assert ordering[-1].lstrip("-") in ("id", "pk")
    assert SORTS["-type"][0] == "-award_type_rank" and SORTS["type"][0] == "award_type_rank"
