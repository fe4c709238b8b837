"""Benchmark: the synthetic data generator (`thidua generate`) at two sizes.

Runnable alone (`.venv/bin/python bench/bench_generate.py [--people 6000 24000] [--years 10]`).
For each size it builds a throw-away database (SQLite under a temp dir, or the PostgreSQL of
DATABASE_URL with a `_bench_generate` suffix), migrates it, and generates N people × Y years under
Cao Bằng (04). It prints people, rows written, seconds, rows per second and peak memory, then the
ratio of the time of the largest size to the smallest beside the ratio of their row counts
(≈ equal means the generator scales linearly: bulk writes, no per-row query).
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("THIDUA_VAR_DIR", tempfile.mkdtemp(prefix="thidua-bench-gen-"))
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_bench_generate"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from thidua.awards.services import load_catalogue  # noqa: E402
from thidua.demo.generator import ProgressBar, generate  # noqa: E402
from thidua.orgs.services import load_provinces  # noqa: E402


def fresh_database() -> None:
    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        connection.close()
        admin = f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{s["NAME"]}"')
            conn.execute(f'CREATE DATABASE "{s["NAME"]}"')
    else:
        connection.close()
        path = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    load_provinces()
    load_catalogue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[6000, 24000])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--progress", action="store_true", help="draw the progress bar on stderr")
    args = parser.parse_args()
    print(f"database: {connection.vendor}; {args.years} years ending 2024; province 04")
    print(f"{'people':>9} {'rows':>11} {'ratings+awards':>15} {'seconds':>9} {'rows/s':>10} {'peak MB':>8}")
    results = []
    for people in sorted(args.people):
        fresh_database()
        bar = ProgressBar(label=f"{people} people") if args.progress else None
        t = time.perf_counter()
        counts = generate(people, args.years, args.seed, "04", progress=bar)
        seconds = time.perf_counter() - t
        if bar:
            bar.finish()
        rows = sum(counts.values())
        core = counts["awards_evaluation"] + counts["awards_award"]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results.append((rows, seconds))
        print(f"{people:>9,} {rows:>11,} {core:>15,} {seconds:>9.2f} {rows / seconds:>10,.0f} {peak:>8.0f}")
        for table, n in counts.items():
            print(f"{'':>9} {table:<22} {n:>10,}")
    (r1, t1), (r2, t2) = results[0], results[-1]
    print(f"size ratio rows({r2:,}) / rows({r1:,}) = {r2 / r1:.2f}; time ratio = {t2 / t1:.2f}  "
          f"(≈ equal: linear)")


if __name__ == "__main__":
    main()
