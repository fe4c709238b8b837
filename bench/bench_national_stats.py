"""Statistics and eligibility at national size, on a generated PostgreSQL database; prints ratios.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/thidua_stats_bench \\
        .venv/bin/python bench/bench_national_stats.py [--build --people 200000 --years 10 --province 01,79]

--build creates the database if needed, migrates, loads the reference scenario and runs `thidua generate` (once;
reuse the database afterwards). Then, best of --repeat runs, as the Central Board sees it (nationwide):
- forms 0602 and 0603 (reports.compute) for one year and for five years, and their ratio (target ≤ 1,5, each
  < 1 s), from the award summary; the same five years counted from the award records (--raw) for comparison;
- the dashboards' counts (summary.commendation_counts_of) for every province, one year;
- `thidua rebuild_statistics --check` over the whole summary (the raw count it compares with);
- an eligibility snapshot (eligibility.snapshots.compute, parallel as the job runs it) of the province with the
  most people: seconds per 100 000 people.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def vn(x: float, d: int = 0) -> str:
    s = f"{x:,.{d}f}"
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def ensure_database(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", action="store_true")
    ap.add_argument("--people", type=int, default=200_000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--province", default="01,79")
    ap.add_argument("--year", type=int, default=2024, help="last year of the periods measured")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--raw", action="store_true", help="also count five years from the award records")
    ap.add_argument("--award", default="CSTDCS", help="award of the eligibility snapshot")
    ap.add_argument("--no-eligibility", action="store_true")
    args = ap.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point at a PostgreSQL database (e.g. …/thidua_stats_bench)")
    if args.build:
        ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if args.build:
        call_command("migrate", verbosity=0)
        from thidua.awards.models import Award

        if not Award.objects.exists():
            from thidua.demo.scenario import load_reference_scenario

            load_reference_scenario()
            t = time.perf_counter()
            call_command("generate", people=args.people, years=args.years, province=args.province, seed=1)
            print(f"generated in {vn(time.perf_counter() - t, 1)} s")

    from thidua.awards import summary
    from thidua.awards.models import Award, AwardSummary
    from thidua.orgs.models import Organization, OrganizationKind
    from thidua.reports import definitions as reports
    from thidua.reports import facts

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM awards_award")
        awards = c.fetchone()[0]
        c.execute("SELECT count(*) FROM awards_evaluation")
        ratings = c.fetchone()[0]
    print(f"database {connection.settings_dict['NAME']}: {vn(awards)} award records, {vn(ratings)} ratings, "
          f"{vn(AwardSummary.objects.count())} summary rows; load average {vn(os.getloadavg()[0], 2)}")

    one = reports.Period.make("year", args.year)
    five = reports.Period.make("five_years", args.year)
    print(f"\nStatistical forms, nationwide (best of {args.repeat}):")
    worst_ratio = 0.0
    for form in ("0602", "0603"):
        definition = reports.definition(form, one.end)
        t1, table1 = best(lambda d=definition: reports.compute(d, None, one), args.repeat)
        t5, table5 = best(lambda d=definition: reports.compute(d, None, five), args.repeat)
        ratio = t5 / t1 if t1 else float("inf")
        worst_ratio = max(worst_ratio, ratio)
        print(f"  {form}: 1 year {vn(t1 * 1000)} ms (total {vn(table1.rows[0].values[0])}), "
              f"5 years {vn(t5 * 1000)} ms (total {vn(table5.rows[0].values[0])}); ratio 5y/1y {vn(ratio, 2)} "
              f"{'OK' if ratio <= 1.5 and t1 < 1 and t5 < 1 else 'OVER TARGET'}")
        if args.raw:
            tr, _ = best(lambda d=definition: facts.award_facts(
                facts.awards_in_period(None, five.start, five.end), d.dimensions), 1)
            print(f"        5 years counted from the award records: {vn(tr * 1000)} ms ({vn(tr / t5, 1)}× slower)")
    provinces = list(Organization.objects.filter(kind__in=[OrganizationKind.PROVINCE, OrganizationKind.MINISTRY])
                     .values_list("pk", flat=True))
    td, counts = best(lambda: summary.commendation_counts_of(provinces, args.year), args.repeat)
    print(f"  dashboard counts, every province, {args.year}: {vn(td * 1000)} ms ({vn(counts.total)} awards)")
    print(f"  worst forms ratio 5y/1y: {vn(worst_ratio, 2)} (target ≤ 1,5)")

    t = time.perf_counter()
    diffs = summary.differences()
    print(f"\nrebuild_statistics --check: {vn(time.perf_counter() - t, 1)} s, {len(diffs)} differences "
          f"(raw count of {vn(Award.objects.in_force().count())} records in force)")

    if args.no_eligibility:
        return
    from django.db.models import Count

    from thidua.eligibility import snapshots
    from thidua.orgs.models import Person

    row = (Person.objects.values("organization__province").annotate(n=Count("pk")).order_by("-n").first())
    province = Organization.objects.get(pk=row["organization__province"])
    t = time.perf_counter()
    snap = snapshots.compute(province, args.year, args.award)
    seconds = time.perf_counter() - t
    print(f"\nEligibility snapshot {args.award} {args.year}, {province.name}: {vn(snap.evaluated)} subjects in "
          f"{vn(seconds, 1)} s → {vn(seconds * 100_000 / max(1, snap.evaluated), 1)} s per 100 000 "
          f"({vn(snap.summary['n_eligible'])} eligible; workers: "
          f"{os.environ.get('THIDUA_ELIGIBILITY_WORKERS', 'all cores')})")


if __name__ == "__main__":
    main()
