"""The registry at national size: keyset pages (page and API), exact or estimated counts, the trigram index."""

import pytest
from django.db import connection

from thidua.awards.models import Award, AwardType
from thidua.lib.keyset import KeysetPaginator, count_rows
from thidua.lib.text import fold

pytestmark = [pytest.mark.django_db, pytest.mark.integration]  # the personas and awards of the reference scenario

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (CI's PostgreSQL step)")


def clone(award: Award, name: str) -> Award:
    """A new award row like `award` with another recipient name (a write between two page reads)."""
    award.pk = None
    award.recipient_name, award.recipient_name_folded = name, fold(name)
    award.save()
    return award


def walk_api(client, params, insert_between=None):
    """Every page of /api/v1/awards/ following `next`; `insert_between(i)` runs before page i + 1 is read."""
    seen, url, i = [], "/api/v1/awards/", 0
    response = client.get(url, params).json()
    while True:
        seen += [r["id"] for r in response["results"]]
        if not response["next"]:
            return seen, response
        if insert_between:
            insert_between(i)
        i += 1
        response = client.get(response["next"]).json()


@pytest.mark.parametrize("sort", [None, "name", "-date", "type", "-type", "-year", "year"])
def test_api_cursor_pages_neither_repeat_nor_skip_while_rows_are_inserted(province_officer, cluster_year_2018, sort):
    # The cluster year's state awards to collectives: 180 rows in pages of 30. A request costs about the same
    # whatever its page size, and all 747 state awards in pages of 60 took three times as long for fewer pages.
    params = {"cluster_year": cluster_year_2018.pk, "level": "state", "kind": "collective", "page_size": 30}
    if sort:
        params["sort"] = sort
    baseline, first = walk_api(province_officer, params)
    assert len(baseline) == first["count"] > 120  # at least five pages
    last_pk = Award.objects.order_by("-pk").values_list("pk", flat=True).first()
    template = Award.objects.get(pk=baseline[0])
    names = ["Aaa Đầu Danh Sách", "Zzz Cuối Danh Sách", "Mmm Giữa Danh Sách"]

    def insert(i):  # new rows that sort before, inside and after the pages already read
        clone(Award.objects.get(pk=template.pk), names[i % 3])

    seen, _last = walk_api(province_officer, params, insert)
    assert Award.objects.filter(pk__gt=last_pk).count() >= 2
    # The rows that were there are all read, once each and in the same order, whatever was inserted meanwhile.
    assert [pk for pk in seen if pk <= last_pk] == baseline
    assert len(seen) == len(set(seen))


def test_api_previous_link_returns_the_same_page(central_board):
    first = central_board.get("/api/v1/awards/", {"sort": "name", "page_size": 30}).json()
    second = central_board.get(first["next"]).json()
    back = central_board.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]
    assert first["previous"] is None and back["previous"] is None
    names = [fold(r["recipient_name"]) for r in first["results"] + second["results"]]
    assert names == sorted(names)


def test_api_bad_cursor_or_page_size_is_refused_with_a_message(central_board):
    response = central_board.get("/api/v1/awards/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404 and "cursor" in response.json()["detail"]
    # A cursor of another sort does not fit this ordering: refused, not misread.
    name_cursor = central_board.get("/api/v1/awards/", {"sort": "name"}).json()["next"].split("cursor=")[1]
    assert central_board.get("/api/v1/awards/", {"sort": "type", "cursor": name_cursor}).status_code == 404
    response = central_board.get("/api/v1/awards/", {"page_size": "0"})
    assert response.status_code == 400 and "từ 1 đến 200" in str(response.json()["page_size"])


def test_cursor_never_widens_the_scope(central_board, province_officer):
    """A cursor only says where a page starts: another province's officer following the Central Board's cursor
    still sees only rows of their own scope."""
    from tests.conftest import user
    from thidua.orgs.scope import scope_for

    cursor = central_board.get("/api/v1/awards/").json()["next"].split("cursor=")[1]
    rows = province_officer.get("/api/v1/awards/", {"cursor": cursor}).json()["results"]
    visible = set(Award.objects.visible_to(user("caobang")).values_list("pk", flat=True))
    assert rows and {r["id"] for r in rows} <= visible
    assert not scope_for(user("caobang")).is_global


def test_registry_page_next_and_previous(central_board):
    response = central_board.get("/khen-thuong/", {"sort": "-date"})
    first, html = response.context["page"], response.content.decode()
    assert first.number == 1 and 'rel="next"' in html and 'rel="prev"' not in html
    second = central_board.get("/khen-thuong/", {"sort": "-date", "cursor": first.next_cursor}).context["page"]
    assert second.number == 2 and not {a.pk for a in first} & {a.pk for a in second}
    keys = [(a.decision.signed_on, a.pk) for a in list(first) + list(second)]
    assert keys == sorted(keys, reverse=True)
    back = central_board.get("/khen-thuong/", {"sort": "-date", "cursor": second.previous_cursor}).context["page"]
    assert [a.pk for a in back] == [a.pk for a in first] and back.number == 1


def test_registry_page_with_a_broken_cursor_shows_the_first_page_and_says_so(central_board):
    response = central_board.get("/khen-thuong/", {"cursor": "eyJ4Ijo1fQ"})
    assert response.status_code == 200 and response.context["page"].number == 1
    assert "Liên kết trang không hợp lệ" in response.content.decode()


def test_counts_are_exact_below_the_limit(central_board, settings):
    total = Award.objects.filter(revocation__isnull=True).count()
    settings.THIDUA_EXACT_COUNT_LIMIT = total + 1
    response = central_board.get("/khen-thuong/")
    page, html = response.context["page"], response.content.decode()
    assert page.count.value == total and not page.count.approximate
    assert "khoảng" not in html.split('id="result-count"')[1][:80]
    api = central_board.get("/api/v1/awards/").json()
    assert api["count"] == total and api["count_approximate"] is False and api["count_more_than"] is False


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no estimate")
def test_sqlite_counts_exactly_above_the_limit(central_board, settings):
    settings.THIDUA_EXACT_COUNT_LIMIT = 10
    count = count_rows(Award.objects.all())
    assert count.value == Award.objects.count() and not count.approximate


@on_postgresql
def test_postgresql_estimates_above_the_limit_and_says_approximate(central_board, settings):
    with connection.cursor() as c:
        c.execute("ANALYZE")  # the planner estimates the anti-join on revocations from their statistics too
    total = Award.objects.filter(revocation__isnull=True).count()
    settings.THIDUA_EXACT_COUNT_LIMIT = 100
    response = central_board.get("/khen-thuong/")
    page, html = response.context["page"], response.content.decode()
    assert page.count.approximate and page.count.value > 100
    assert abs(page.count.value - total) < total * 0.5  # the planner's estimate, near the truth after ANALYZE
    assert "khoảng" in html.split('id="result-count"')[1][:80]
    api = central_board.get("/api/v1/awards/").json()
    assert api["count_approximate"] is True
    # A selective filter under the limit is still counted exactly.
    exact = central_board.get("/api/v1/awards/", {"q": "nguyen van thanh"}).json()
    assert exact["count_approximate"] is False


@on_postgresql
def test_an_estimate_below_the_passed_limit_is_shown_as_more_than_the_limit(central_board, settings, monkeypatch):
    """The planner can estimate a name search tenfold too low (nationally "nguyen van": ~88 000 records, estimated
    below 10 000). Once the bounded count has passed the limit, an estimate under it says nothing: the page says
    "hơn 100" (more than the limit), not "khoảng 100", and the API sets count_more_than."""
    from thidua.lib import keyset

    settings.THIDUA_EXACT_COUNT_LIMIT = 100
    assert Award.objects.count() > 100
    monkeypatch.setattr(keyset, "planner_estimate", lambda qs: 40)
    response = central_board.get("/khen-thuong/")
    page, html = response.context["page"], response.content.decode()
    assert page.count == keyset.Count(100, approximate=True, more_than=True)
    shown = html.split('id="result-count"')[1][:200]
    assert "hơn" in shown and "khoảng" not in shown and "ước tính" not in shown  # a bound, not an estimate
    api = central_board.get("/api/v1/awards/").json()
    assert (api["count"], api["count_approximate"], api["count_more_than"]) == (100, True, True)
    # An estimate above the limit is still shown as the estimate, rounded to three significant digits.
    monkeypatch.setattr(keyset, "planner_estimate", lambda qs: 12_345)
    assert keyset.count_rows(Award.objects.all()) == keyset.Count(12_300, approximate=True)


@on_postgresql
def test_postgresql_walks_a_decision_year_sorted_by_type_along_its_own_index(central_board):
    """Filtered by decision year and sorted by award type, a page reads along award_dyear_rank_name_id (migration
    0012) from the year's first rank, not the rank index through every year (nationally 1,4 s → 0,16 s)."""
    from django.contrib.auth import get_user_model

    from thidua.awards.filters import RegistryFilterForm, registry_selection

    form = RegistryFilterForm({"year": "2018", "level": "provincial", "sort": "type"},
                              user=get_user_model().objects.get(username="trunguong"))
    qs, name = registry_selection(form)
    assert name is None and qs.exists()
    sql, params = qs.values("pk")[:20].query.sql_with_params()
    with connection.cursor() as c:
        c.execute("SET LOCAL enable_seqscan = off")
        c.execute("SET LOCAL enable_sort = off")  # on a few thousand rows a sort would do; nationally it does not
        c.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in c.fetchall())
    assert "award_dyear_rank_name_id" in plan, plan


@on_postgresql
def test_postgresql_name_search_uses_the_trigram_index():
    with connection.cursor() as c:
        c.execute("SELECT indexname FROM pg_indexes WHERE indexname IN ('award_name_trgm', 'person_name_trgm')")
        assert {r[0] for r in c.fetchall()} == {"award_name_trgm", "person_name_trgm"}
        qs = Award.objects.filter(recipient_name_folded__contains="nguyen van").values("pk")
        sql, params = qs.query.sql_with_params()
        c.execute("SET LOCAL enable_seqscan = off")
        c.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in c.fetchall())
    assert "award_name_trgm" in plan


def test_keyset_paginator_walks_every_row_once_in_mixed_directions():
    qs = Award.objects.filter(award_type__level="state").select_related("award_type")
    paginator = KeysetPaginator(qs, ["-award_type__rank", "recipient_name_folded"], size=37)
    page, seen = paginator.page(None), []
    while True:
        seen += [(-a.award_type.rank, a.recipient_name_folded, a.pk) for a in page]
        if not page.has_next:
            break
        page = paginator.page(page.next_cursor)
    assert len(seen) == qs.count() == len({pk for *_k, pk in seen})
    assert seen == sorted(seen)


@pytest.mark.parametrize("keys", [["-award_type__rank", "recipient_name_folded"], ["-decision__signed_on"],
                                  ["recipient_name_folded"]])
def test_few_rows_are_sorted_after_filtering_in_the_same_order_as_the_index_walk(settings, keys):
    """Under the exact-count limit the page sorts the filtered rows (COALESCE keys, no index order); above it the
    sort index is walked. Both give every row once, in the same order, forward and back."""
    from django.test.utils import CaptureQueriesContext

    qs = Award.objects.filter(award_type__level="state").select_related("award_type", "decision")

    def walk(limit):
        settings.THIDUA_EXACT_COUNT_LIMIT = limit
        paginator = KeysetPaginator(qs, keys, size=29)
        with CaptureQueriesContext(connection) as queries:
            page = paginator.page(None)
        forward, pages = [], [page]
        while True:
            forward += [a.pk for a in page]
            if not page.has_next:
                break
            page = paginator.page(page.next_cursor)
            pages.append(page)
        backward = []
        while page.has_previous:
            page = paginator.page(page.previous_cursor)
            backward = [a.pk for a in page] + backward
        sorts_by_coalesce = any("COALESCE" in q["sql"] and "ORDER BY" in q["sql"] for q in queries.captured_queries)
        return forward, backward, sorts_by_coalesce

    few, few_back, few_coalesce = walk(10**6)
    walked, walked_back, walked_coalesce = walk(0)
    assert few_coalesce and not walked_coalesce
    assert few == walked and len(few) == len(set(few)) == qs.count() > 29
    assert few_back == few[: len(few_back)] and walked_back == walked[: len(walked_back)] and few_back


# A surname, met in one stretch of the name order; a middle name, spread over every order.
@pytest.mark.parametrize("keys, term", [(["recipient_name_folded"], "nguyen"), (["-decision__signed_on"], "thi"),
                                        (["-award_type__rank", "recipient_name_folded"], "nguyen")])
def test_a_name_search_pages_alike_by_bounded_walk_or_through_its_index(settings, keys, term):
    """With the name search given apart (`sparse`), a page is read by walking the selection along the sort for at
    most THIDUA_SPARSE_WALK_ROWS rows, and through the search's own index when that walk ends short of a page. All
    three ways (the short walk, the long walk, the index) give every row once, in the order of the plain query,
    forward and back."""
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    # The state-level types by id: PostgreSQL's statistics then estimate the rows exactly (through the join on the
    # type's level, it would expect 25 times more, and rightly not try the rows one by one).
    state_types = list(AwardType.objects.filter(level="state").values_list("pk", flat=True))
    base = Award.objects.filter(award_type__in=state_types).select_related("award_type", "decision")
    search = Q(recipient_name_folded__contains=term)

    def walk(paginator):
        with CaptureQueriesContext(connection) as queries:
            page = paginator.page(None)
            forward = []
            while True:
                forward += [a.pk for a in page]
                if not page.has_next:
                    break
                page = paginator.page(page.next_cursor)
            backward = []
            while page.has_previous:
                page = paginator.page(page.previous_cursor)
                backward = [a.pk for a in page] + backward
        sql = [q["sql"] for q in queries.captured_queries]
        return forward, backward, sum("_sparse_hit" in s for s in sql), sum("COALESCE" in s for s in sql)

    settings.THIDUA_EXACT_COUNT_LIMIT = 0  # every count "approximate": the walk is tried, never the few-rows sort
    plain, plain_back, _w, _c = walk(KeysetPaginator(base.filter(search), keys, size=7))
    assert len(plain) == len(set(plain)) == base.filter(search).count() > 3 * 7
    assert plain_back and plain_back == plain[: len(plain_back)]
    for budget, walks, falls_back in [(10**6, True, False), (40, True, True)]:
        settings.THIDUA_SPARSE_WALK_ROWS = budget
        forward, backward, walked, sorted_by_index = walk(KeysetPaginator(base, keys, size=7, sparse=search))
        assert (forward, backward) == (plain, plain_back), budget
        assert bool(walked) == walks and bool(sorted_by_index) == falls_back, budget


@on_postgresql
def test_a_name_search_among_few_rows_is_counted_and_sorted_among_them(settings):
    """When the other filters select at most the exact count limit, the name is tested on their rows (written as a
    CASE that no index answers, so PostgreSQL reads them through their own indexes); above it the trigram index
    serves. The same count and the same page either way."""
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    # The state-level types by id: PostgreSQL's statistics then estimate the rows exactly (through the join on the
    # type's level, it would expect 25 times more, and rightly not try the rows one by one).
    state_types = list(AwardType.objects.filter(level="state").values_list("pk", flat=True))
    base = Award.objects.filter(award_type__in=state_types).select_related("award_type", "decision")
    search = Q(recipient_name_folded__contains="nguyen")
    expected = list(base.filter(search).order_by("-decision__signed_on", "-pk").values_list("pk", flat=True))
    assert expected
    for limit, among_few in [(base.count(), True), (base.count() - 1, False)]:
        settings.THIDUA_EXACT_COUNT_LIMIT = limit
        paginator = KeysetPaginator(base, ["-decision__signed_on"], size=len(expected), sparse=search)
        with CaptureQueriesContext(connection) as queries:
            count = paginator.count()
            page = paginator.page(None, count)
        assert (count.value, count.approximate, [a.pk for a in page]) == (len(expected), False, expected), limit
        assert any("CASE WHEN" in q["sql"] for q in queries.captured_queries) == among_few, limit


def test_an_exact_count_of_nothing_reads_no_page():
    from django.test.utils import CaptureQueriesContext

    paginator = KeysetPaginator(Award.objects.filter(recipient_name_folded="khong co ai"), ["-decision__signed_on"])
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(None)
    assert (list(page), page.count.value, page.count.approximate, page.has_next) == ([], 0, False, False)
    assert len(queries.captured_queries) == 1 and "COUNT" in queries.captured_queries[0]["sql"]


@on_postgresql
def test_a_walk_past_its_time_budget_gives_way_to_the_sorted_selection(settings):
    """PostgreSQL: the walk along the sort index has THIDUA_WALK_TIMEOUT_MS; cancelled, the page is read from the
    selection sorted (COALESCE keys) — the same rows in the same order — and the time budget does not outlive it."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL
    from django.test.utils import CaptureQueriesContext

    with connection.cursor() as c:
        c.execute("SHOW statement_timeout")
        before = c.fetchone()[0]
    pks = list(Award.objects.filter(award_type__level="state").order_by("-pk").values_list("pk", flat=True)[:30])
    # Every row read costs 5 ms: a walk cannot finish within 1 ms.
    slow = Award.objects.filter(pk__in=pks).annotate(
        slow=RawSQL("pg_sleep(0.005) IS NOT NULL", [], output_field=BooleanField())).filter(slow=True)
    settings.THIDUA_EXACT_COUNT_LIMIT = 0  # "approximate": the walk is tried
    for timeout, gives_way in [(1, True), (60_000, False)]:
        settings.THIDUA_WALK_TIMEOUT_MS = timeout
        paginator = KeysetPaginator(slow, ["-pk"], size=7)
        with CaptureQueriesContext(connection) as queries:
            page = paginator.page(None)
            second = paginator.page(page.next_cursor)
        assert [a.pk for a in page] + [a.pk for a in second] == pks[:14], timeout
        assert any("COALESCE" in q["sql"] for q in queries.captured_queries) == gives_way, timeout
        with connection.cursor() as c:
            c.execute("SHOW statement_timeout")
            assert c.fetchone()[0] == before


@on_postgresql
def test_a_walk_past_its_time_budget_sorts_the_selection_only_when_it_is_counted_small_enough(settings):
    """A count that is only "more than the exact limit" says nothing of the selection's size: after the time budget,
    the selection is counted up to THIDUA_WALK_SORT_MAX_ROWS before it is sorted; above that, the walk goes on along
    the sort index, as for a count known to be large."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL
    from django.test.utils import CaptureQueriesContext

    from thidua.lib.keyset import Count

    pks = list(Award.objects.order_by("-pk").values_list("pk", flat=True)[:30])
    slow = Award.objects.filter(pk__in=pks).annotate(
        slow=RawSQL("pg_sleep(0.002) IS NOT NULL", [], output_field=BooleanField())).filter(slow=True)
    settings.THIDUA_WALK_TIMEOUT_MS = 1
    guessed_low = Count(10, True, more_than=True)  # the selection has 30 rows
    for max_rows, sorted_ in [(29, False), (30, True)]:
        settings.THIDUA_WALK_SORT_MAX_ROWS = max_rows
        with CaptureQueriesContext(connection) as queries:
            page = KeysetPaginator(slow, ["-pk"], size=7).page(None, count=guessed_low)
        assert [a.pk for a in page] == pks[:7], max_rows
        assert any("COALESCE" in q["sql"] for q in queries.captured_queries) == sorted_, max_rows
        assert sum("COUNT(" in q["sql"] for q in queries.captured_queries) == 1, max_rows


def test_a_province_office_pages_its_cluster_province_by_province_in_id_order(province_officer, settings):
    """The API's default order for a province office (newest records first) is the merge of each cluster province's
    newest rows (KeysetPaginator `by_value`). Walked with an approximate count, the path national selections take,
    forward and back, the pages are exactly the office's records by descending id."""
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import user
    from thidua.orgs.scope import scope_for

    # A province office's scope is its cluster's provinces; the Central Board sees everything, a unit its subtree.
    for username, by_province in [("caobang", True), ("trunguong", False), ("donvi", False)]:
        provinces = scope_for(user(username)).provinces_only()
        assert (provinces is not None and len(provinces) > 1) == by_province, username
    officer = user("caobang")
    settings.THIDUA_EXACT_COUNT_LIMIT = 0
    params = {"level": "state", "page_size": 100}
    expected = list(Award.objects.in_force().visible_to(officer).filter(award_type__level="state")
                    .order_by("-pk").values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        seen, last = walk_api(province_officer, params)
    assert seen == expected and len(expected) > 300
    assert any('"province_id" = ' in q["sql"] for q in queries.captured_queries)
    back, response = [], last
    while response["previous"]:
        response = province_officer.get(response["previous"]).json()
        back = [r["id"] for r in response["results"]] + back
    assert back == expected[: len(back)] and len(back) == len(expected) - len(last["results"])
    # With a name search, common or short (tested row by row), the province-by-province pages are the same.
    for term in ("nguyen", "le"):
        wanted = list(Award.objects.in_force().visible_to(officer).filter(recipient_name_folded__contains=term)
                      .order_by("-pk").values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as queries:
            seen, _last = walk_api(province_officer, {"q": term, "page_size": 100})
        assert seen == wanted and len(wanted) > 100, term
        assert any('"province_id" = ' in q["sql"] for q in queries.captured_queries), term
