"""Benchmark: evaluate every award for every subject over 1M and 4M rating/award rows.

Runnable alone (`make bench`, or `.venv/bin/python bench/bench_eligibility.py [--people 60000 240000]`).
Builds a throw-away database (SQLite under a temp dir, or the PostgreSQL of DATABASE_URL with a
`_bench` suffix), generates people with 10 years of history with `thidua.demo.generator`, then:
- the floor: the time to read the same rows once (ratings, awards, initiatives) with no evaluation;
- the evaluation: every award with a rule, for every person, streamed in chunks, on one core
  and on all cores (`evaluate_people_parallel`, one id range per core);
and prints rows, seconds, rows/s, peak memory, eval/floor, and time(4×)/time(1×).
"""

import argparse
import os
import resource
import sys
import tempfile
import time
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

from thidua.awards.models import Award, Evaluation, Initiative  # noqa: E402
from thidua.demo.generator import generate  # noqa: E402
from thidua.eligibility.loader import evaluate_database, evaluate_people_parallel  # noqa: E402
from thidua.orgs.models import Person  # noqa: E402

LAST_YEAR = 2024


def fresh_database() -> None:
    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        connection.close()
        admin = f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{s["NAME"]}"')
            conn.execute(f'CREATE DATABASE "{s["NAME"]}"')
    else:  # SQLite: a new file for each size, so the sizes do not add up
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{connection.settings_dict['NAME']}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor_seconds(people) -> float:
    """Read every row the evaluation reads, once, with no work on it."""
    t = time.perf_counter()
    for _ in Evaluation.objects.filter(person__in=people).values_list("person_id", "year", "rating").iterator(5000):
        pass
    for _ in (Award.objects.filter(recipient_person__in=people)
              .values_list("recipient_person_id", "year", "award_type__code", "decision__number", "decision__signed_on")
              .iterator(5000)):
        pass
    for _ in Initiative.objects.filter(person__in=people).values_list("person_id", "year", "scope").iterator(5000):
        pass
    return time.perf_counter() - t


def run(people_count: int, seed: int) -> dict:
    fresh_database()
    t = time.perf_counter()
    counts = generate(people=people_count, years=10, seed=seed, last_year=LAST_YEAR)
    gen = time.perf_counter() - t
    with connection.cursor() as c:
        c.execute("ANALYZE")
    rows = Evaluation.objects.count() + Award.objects.count()
    people = Person.objects.all()
    floor = floor_seconds(people)
    t = time.perf_counter()
    n = eligible = 0
    for r in evaluate_database(LAST_YEAR, people, None):
        n += 1
        eligible += r.eligible
    evaluation = time.perf_counter() - t
    t = time.perf_counter()
    parallel = evaluate_people_parallel(LAST_YEAR, people, workers=os.cpu_count() or 2)
    evaluation_parallel = time.perf_counter() - t
    assert len(parallel) == n and sum(1 for r in parallel if r[2]) == eligible
    return {"eval_par_s": evaluation_parallel, "people": Person.objects.count(), "rows": rows, "generated": sum(counts.values()), "gen_s": gen,
            "floor_s": floor, "eval_s": evaluation, "results": n, "eligible": eligible, "peak_mb": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[60_000, 240_000])
    args = parser.parse_args()
    print(f"database: {connection.vendor}")
    print(f"{'people':>8} {'rating+award rows':>18} {'gen s':>7} {'floor s':>8} {'eval s':>7} {'rows/s':>10} "
          f"{'eval/floor':>10} {f'eval {os.cpu_count()} cores':>13} {'results':>9} {'eligible':>9} {'peak MB':>8}")
    out = []
    for people in args.people:
        m = run(people, seed=7)
        out.append(m)
        print(f"{m['people']:>8,} {m['rows']:>18,} {m['gen_s']:>7.1f} {m['floor_s']:>8.2f} {m['eval_s']:>7.2f} "
              f"{m['rows'] / m['eval_s']:>10,.0f} {m['eval_s'] / m['floor_s']:>10.2f} {m['eval_par_s']:>13.2f} {m['results']:>9,} "
              f"{m['eligible']:>9,} {m['peak_mb']:>8.0f}")
    if len(out) > 1:
        a, b = out[0], out[-1]
        print(f"ratio eval time {b['rows']:,} rows / {a['rows']:,} rows = {b['eval_s'] / a['eval_s']:.2f} "
              f"(size ratio {b['rows'] / a['rows']:.2f})")


if __name__ == "__main__":
    main()
