"""Benchmark at national size, on the database bench/national/build.sh built (in-process, best of 3, as the Central
Board: the national view). Prints sizes, then as ratios:

- registry page 1 vs a page 10 000 deep (keyset cursor at row 500 000 of the default sort), target ≤ 1,5;
- API /api/v1/awards/ first page vs a cursor page 10 000 deep, target ≤ 1,5;
- the statistical form 0602 nationally for 5 years vs 1 year (the page's own function), ≤ 1,5 and each < 1 s;
- eligibility per 100 000 people (the snapshot of the largest province, as its background job computes it);
- the name search (trigram index) and counts, for the record;
then peak memory and the load average.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/thidua_registry_national .venv/bin/python bench/national/bench.py
"""

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/thidua_registry_national")
os.environ.setdefault("THIDUA_VAR_DIR", str(ROOT / "var" / "national" / "var"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()  # responses carry their template context (the page's count)

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from thidua.awards.filters import SORTS  # noqa: E402
from thidua.awards.models import Award  # noqa: E402
from thidua.lib.keyset import KeysetPaginator  # noqa: E402
from thidua.lib.numbers import format_number  # noqa: E402

DEEP_PAGE = 10_000
PAGE_SIZE = 50



def n(value, digits=0) -> str:
    return format_number(value, digits)


def shown(count) -> str:
    """The count as the registry page shows it (exact, "khoảng …" for an estimate, "hơn …" above a lower bound)."""
    return f"{'hơn ' if count.more_than else 'khoảng ' if count.approximate else ''}{n(count.value)}"


def best_of(fn, times=3) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def get(client, url, params=None):
    def run():
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, params, response.status_code, response.content[:300])
        return response
    return run


def deep_cursor(ordering, number) -> str:
    """The cursor a reader reaches after `number - 1` pages (one OFFSET query here, outside the timings)."""
    qs = Award.objects.in_force().order_by(*ordering)
    key = list(qs.values_list(*[f.lstrip("-") for f in ordering])[(number - 1) * PAGE_SIZE - 1])
    return KeysetPaginator(qs, ordering, PAGE_SIZE).encode("a", key, number)


def sizes() -> None:
    with connection.cursor() as c:
        c.execute("SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE n_live_tup > 50000 ORDER BY 2 DESC")
        rows = c.fetchall()
        c.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = c.fetchone()[0]
    for name, count in rows:
        print(f"  {name:<28} {n(count):>14}")
    records = dict(rows)
    print(f"  rating + award records: {n(records.get('awards_evaluation', 0) + records.get('awards_award', 0))}; "
          f"all rows {n(sum(records.values()))}; database {size}")


def ratio_line(label, first, deep, target=1.5) -> bool:
    ratio = deep / first
    ok = ratio <= target
    print(f"{label}: {n(first * 1000)} ms vs {n(deep * 1000)} ms → ratio {n(ratio, 2)} "
          f"({'≤' if ok else '>'} {n(target, 1)}) {'OK' if ok else 'OVER'}")
    return ok


def main() -> int:
    if connection.vendor != "postgresql":
        print("bench/national needs PostgreSQL (DATABASE_URL)")
        return 2
    print(f"== Database {connection.settings_dict['NAME']}")
    sizes()
    board = Client()
    board.force_login(get_user_model().objects.get(username="trunguong"))
    results = []

    print("\n== Registry page (/khen-thuong/, default sort: newest decisions first)")
    cursor = deep_cursor(SORTS["-date"], DEEP_PAGE + 1)
    first = best_of(get(board, "/khen-thuong/"))
    deep = best_of(get(board, "/khen-thuong/", {"cursor": cursor}))
    results.append(ratio_line(f"page 1 vs page {n(DEEP_PAGE + 1)}", first, deep))
    page = board.get("/khen-thuong/").context["page"]
    print(f"  count shown: {shown(page.count)}")

    print("\n== API /api/v1/awards/ (default order: newest records first)")
    cursor = deep_cursor(["-pk"], DEEP_PAGE + 1)
    first = best_of(get(board, "/api/v1/awards/"))
    deep = best_of(get(board, "/api/v1/awards/", {"cursor": cursor}))
    results.append(ratio_line(f"first vs cursor page {n(DEEP_PAGE + 1)}", first, deep))
    for sort in ("name", "-year", "type"):
        cursor = deep_cursor(list(SORTS[sort]), 200)
        first = best_of(get(board, "/api/v1/awards/", {"sort": sort}))
        deep = best_of(get(board, "/api/v1/awards/", {"sort": sort, "cursor": cursor}))
        ratio_line(f"  sort={sort}: first vs cursor page 200", first, deep)

    print("\n== API as a province office (Cao Bằng: its cluster's provinces), default order: newest records first")
    office = Client()
    office.force_login(get_user_model().objects.get(username="caobang"))
    first = best_of(get(office, "/api/v1/awards/"))
    following = office.get("/api/v1/awards/").json()["next"]
    second = best_of(get(office, following))
    print(f"  page 1: {n(first * 1000)} ms, page 2: {n(second * 1000)} ms")

    print("\n== Name search (bounded walk along the sort, else the trigram index), exact or approximate counts")
    # Full names, a middle name (spread over the name order) and a surname (one stretch of it), by date and by name.
    for q, sort in (("nguyen van", None), ("tran thi hoa", None), ("hoang minh duc", None), ("thi", None),
                    ("thi", "name"), ("pham", None), ("pham", "name"), ("pham", "-name")):
        params = {"q": q, **({"sort": sort} if sort else {})}
        t = best_of(get(board, "/khen-thuong/", params))
        page = board.get("/khen-thuong/", params).context["page"]
        print(f"  q={q!r}{f' sort={sort}' if sort else ''}: {n(t * 1000)} ms, "
              f"{shown(page.count)} records")
    for params in ({"year": 2020, "level": "state"}, {"year": 2020, "level": "grassroots", "sort": "name"},
                   {"year": 2018, "level": "provincial", "kind": "collective", "sort": "-year"},
                   {"year": 2021, "kind": "collective", "sort": "type"}):
        t = best_of(get(board, "/khen-thuong/", params))
        print(f"  filters {params}: {n(t * 1000)} ms")

    print("\n== Statistical form 0602, nationally (the page /khen-thuong/bieu-thong-ke/)")
    one = best_of(get(board, "/khen-thuong/bieu-thong-ke/", {"form": "0602", "period": "year", "year": 2024}))
    five = best_of(get(board, "/khen-thuong/bieu-thong-ke/", {"form": "0602", "period": "five_years",
                                                               "year": 2024}))
    results.append(ratio_line("1 year vs 5 years", one, five))
    under = one < 1 and five < 1
    print(f"  each under 1 s: {'OK' if under else 'NO'}")
    results.append(under)

    print("\n== Eligibility per 100 000 people")
    eligibility_per_100k()

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory: {n(peak)} MB; load average: {', '.join(n(x, 2) for x in os.getloadavg())}")
    print("all targets met" if all(results) else "some targets NOT met (see OVER / NO above)")
    return 0


def eligibility_per_100k() -> None:
    """The largest generated province, CSTĐCS for 2024: the snapshot the eligibility page shows, computed as its
    background job computes it."""
    from django.db.models import Count

    from thidua.eligibility import snapshots
    from thidua.orgs.models import Organization, Person

    province = (Organization.objects.filter(kind="province").annotate(people=Count("units__people"))
                .order_by("-people").first()) if hasattr(Organization, "units") else None
    if province is None:
        top = (Person.objects.values("organization__province").annotate(k=Count("id")).order_by("-k").first())
        province = Organization.objects.get(pk=top["organization__province"])
    people = Person.objects.filter(organization__province=province)
    count = people.count()
    start = time.perf_counter()
    # The job's work (thidua.eligibility.jobs runs this): every person and collective evaluated, the summary stored.
    snap = snapshots.compute(province, 2024, "CSTDCS")
    what = f"snapshot of CSTĐCS 2024 (thidua.eligibility.snapshots.compute: {n(snap.evaluated)} evaluated)"
    seconds = time.perf_counter() - start
    print(f"  {province.name}: {n(count)} people, {n(seconds, 2)} s → {n(seconds * 100_000 / max(count, 1), 1)} s "
          f"per 100 000 people — {what}")


if __name__ == "__main__":
    sys.exit(main())
