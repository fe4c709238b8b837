"""Benchmark: cluster commendation statistics and registry counts as the registry grows.

Runnable alone (`make bench`, or `.venv/bin/python bench/bench_statistics.py [--sizes 100000 400000]`).
Builds a throw-away database (SQLite under a temp dir, or the PostgreSQL of DATABASE_URL with a
`_bench` suffix). The measured slice is fixed: 20,244 records of the 7 cluster provinces decided in
2018 (the size of the reference scenario). The rest of the registry (other provinces, other
years) grows from N to 4N. It prints sizes, seconds, rows per second, the number of SQL queries
(constant: no query per row) and the ratio of the time at 4N to the time at N: ≈ 1 means the
dashboard's cost follows the slice it shows, not the size of the national registry.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("THIDUA_VAR_DIR", tempfile.mkdtemp(prefix="thidua-bench-"))
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from thidua.awards.models import Award, AwardType, Decision, RecipientClass  # noqa: E402
from thidua.awards.services import bulk_record_awards, load_catalogue  # noqa: E402
from thidua.awards.statistics import awards_of, commendation_counts, counts_by  # noqa: E402
from thidua.orgs.models import Organization, OrganizationKind  # noqa: E402
from thidua.orgs.services import load_provinces  # noqa: E402

CLUSTER_CODES = {"02", "04", "20", "10", "12", "11", "14"}
SLICE = 20_244


def create_database() -> None:
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        admin = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
            conn.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    call_command("migrate", verbosity=0)
    load_provinces()
    load_catalogue()


def grow_to(n_total: int, rng: random.Random) -> float:
    """Insert award records until the registry holds n_total; returns rows per second."""
    have = Award.objects.count()
    provinces = list(Organization.objects.filter(kind=OrganizationKind.PROVINCE, valid_from__isnull=True))
    types = list(AwardType.objects.filter(level__in=["state", "provincial"]))
    classes = [c for c, _ in RecipientClass.choices if c != RecipientClass.HOUSEHOLD]
    decisions = {}
    for p in provinces:
        for year in range(2015, 2025):
            decisions[(p.pk, year)], _ = Decision.objects.get_or_create(
                authority=p, number=f"{year}/QĐ-UBND-BENCH", defaults={"signed_on": date(year, 6, 1)})
    start, batch = time.perf_counter(), []
    cluster = [p for p in provinces if p.admin_code in CLUSTER_CODES]
    others = [p for p in provinces if p.admin_code not in CLUSTER_CODES]
    for i in range(have, n_total):
        if i < SLICE:  # the fixed slice the dashboard shows
            p, year = cluster[i % len(cluster)], 2018
        else:  # everything else: other provinces any year, or the cluster in other years
            p = provinces[i % len(provinces)]
            year = 2015 + (i // len(provinces)) % 10
            if p in cluster and year == 2018:
                p = others[i % len(others)]
        batch.append(Award(decision=decisions[(p.pk, year)], award_type=rng.choice(types), year=year,
                           recipient_class=rng.choice(classes), recipient_org=p, recipient_name=f"Tập thể {i}",
                           unit=p, province=p))
        if len(batch) == 20000:
            bulk_record_awards(batch, batch_size=5000)
            batch = []
    if batch:
        bulk_record_awards(batch, batch_size=5000)
    inserted = n_total - have
    return inserted / max(time.perf_counter() - start, 1e-9)


def measure(province_ids: list[int], repeat: int = 5) -> tuple[float, int]:
    best, queries = float("inf"), 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            for level in ("state", "provincial"):
                commendation_counts(awards_of(province_ids, 2018, level))
            counts_by(awards_of(province_ids, 2018), "award_type__level", "recipient_class")
            best = min(best, time.perf_counter() - t)
        queries = len(ctx.captured_queries)
    return best, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 400_000])
    args = parser.parse_args()
    rng = random.Random(7)
    create_database()
    cluster = list(Organization.objects.filter(kind=OrganizationKind.PROVINCE, admin_code__in=CLUSTER_CODES,
                                               valid_from__isnull=True).values_list("pk", flat=True))
    print(f"database: {connection.vendor}")
    print(f"{'records':>10} {'insert rows/s':>14} {'stats s':>9} {'queries':>8}")
    results = []
    for size in sorted(args.sizes):
        rate = grow_to(size, rng)
        with connection.cursor() as c:  # fresh planner statistics, as a deployment's autovacuum/ANALYZE keeps them
            c.execute("ANALYZE")
        seconds, queries = measure(cluster)
        results.append((size, seconds))
        print(f"{size:>10,} {rate:>14,.0f} {seconds:>9.4f} {queries:>8}")
    (n1, t1), (n2, t2) = results[0], results[-1]
    print(f"ratio time({n2:,}) / time({n1:,}) = {t2 / t1:.2f}  (size ratio {n2 / n1:.1f})")


if __name__ == "__main__":
    main()
