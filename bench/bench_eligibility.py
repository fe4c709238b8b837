"""Benchmark: evaluate every award for every subject over 1M and 4M rating/award rows.

Runnable alone (`make bench`, or `.venv/bin/python bench/bench_eligibility.py [--people 60000 240000]`).
Builds throw-away databases (SQLite under a temp dir, or the PostgreSQL of DATABASE_URL with a
`_bench` suffix), generates people with 10 years of history with `thidua.demo.generator`, then:
- the floor: the time to read once, with no work on them, the rows and columns the evaluation reads
  (people, ratings, awards, revocations, initiatives, discipline, reviews, decisions: the loader's own
  queries, `person_queries`), one streamed query per table;
- the evaluation: every award with a rule, for every person, streamed in chunks, on one core
  and on all cores (`evaluate_people_parallel`, one id range per core);
and prints rows, seconds, rows/s, peak memory, eval/floor, time(4×)/time(1×), the CPU seconds of the
one-core evaluation (steadier than wall times on a shared machine) and the load average.

Each size has its own database (`<name>_<people>`, or `<file>-<people>.sqlite3`). The machine may be
shared: the sizes are measured in `--repeat` rounds (floor, one core, all cores, size after size), so a
change of load hits every size, and the medians are printed. `--reuse` uses a size's database again
when it holds the requested number of people (the generator is deterministic; set THIDUA_VAR_DIR
for SQLite) instead of generating it again.
"""

import argparse
import os
import resource
import statistics
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
from django.db.models import Max, Min  # noqa: E402

from thidua.awards.models import Award, Decision, Evaluation  # noqa: E402
from thidua.demo.generator import generate  # noqa: E402
from thidua.eligibility.loader import (  # noqa: E402
    LOOKBACK,
    evaluate_database,
    evaluate_people_parallel,
    person_queries,
)
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


BASE_NAME = str(connection.settings_dict["NAME"])


def use_database(people_count: int) -> None:
    """Switch to the bench database of a size (`<name>_<people>`, or `<file>-<people>.sqlite3`)."""
    base = Path(BASE_NAME)
    name = f"{BASE_NAME}_{people_count}" if connection.vendor == "postgresql" else \
        str(base.with_name(f"{base.stem}-{people_count}{base.suffix}"))
    connection.close()
    connection.settings_dict["NAME"] = name


def existing_people() -> int:
    try:
        return Person.objects.count()
    except Exception:  # noqa: BLE001 — no database or no tables yet
        connection.close()
        return -1


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stream(qs) -> int:
    """Read a queryset's rows as the database gives them (a server-side cursor on PostgreSQL), with no
    work on them: the cheapest way to have every row in Python once."""
    sql, params = qs.query.get_compiler(qs.db).as_sql()
    n = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20_000):
            n += len(rows)
    return n


def floor_seconds(people) -> float:
    """Read once every row and column the evaluation reads (loader.person_queries, the people, the
    decisions the awards name), one query per table over the whole id range, with no work on them.

    (Before the personal record fed the loader, the floor read only ratings, awards and initiatives, the awards joined to
    their codes and decisions: not the columns the evaluation reads, and without the people,
    discipline, reviews and revocations.)"""
    t = time.perf_counter()
    ids = people.aggregate(lo=Min("pk"), hi=Max("pk"))
    queries = person_queries(ids["lo"], ids["hi"], LAST_YEAR - LOOKBACK, LAST_YEAR)
    _stream(people.order_by().values_list("pk", "full_name", "gender"))
    for qs in queries.values():
        _stream(qs)
    _stream(Decision.objects.filter(pk__in=queries["awards"].values("decision_id")).order_by()
            .values_list("pk", "number", "signed_on"))
    return time.perf_counter() - t


def prepare(people_count: int, seed: int, reuse: bool) -> dict:
    """The size's database, generated unless --reuse finds it complete; its row count."""
    gen = 0.0
    use_database(people_count)
    if not (reuse and existing_people() == people_count):
        fresh_database()
        t = time.perf_counter()
        generate(people=people_count, years=10, seed=seed, last_year=LAST_YEAR)
        gen = time.perf_counter() - t
        with connection.cursor() as c:
            c.execute("ANALYZE")
    return {"people": Person.objects.count(), "rows": Evaluation.objects.count() + Award.objects.count(),
            "gen_s": gen, "runs": {"floor": [], "eval": [], "eval_cpu": [], "eval_par": []}}


def evaluate_one_core(people) -> tuple[float, int, int, float]:
    """Wall seconds, results, eligible, and this process's CPU seconds (steadier than the wall time
    when other people load the machine; the database server's work is not in it)."""
    t, cpu = time.perf_counter(), time.process_time()
    n = eligible = 0
    for r in evaluate_database(LAST_YEAR, people, None):
        n += 1
        eligible += r.eligible
    return time.perf_counter() - t, n, eligible, time.process_time() - cpu


def _peak_child(out) -> None:
    evaluate_one_core(Person.objects.all())
    connection.close()
    out.put(peak_mb())


def streaming_peak_mb(people_count: int) -> float:
    """Peak memory of one streamed evaluation on one core, in a process of its own (so that what this
    process holds from other sizes does not count)."""
    import multiprocessing

    use_database(people_count)
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    proc = ctx.Process(target=_peak_child, args=(q,))
    proc.start()
    peak = q.get()
    proc.join()
    return peak


def measure(m: dict, people_count: int) -> None:
    """One round for a size: the floor, one core, all cores."""
    use_database(people_count)
    people = Person.objects.all()
    m["runs"]["floor"].append(floor_seconds(people))
    seconds, m["results"], m["eligible"], cpu = evaluate_one_core(people)
    m["runs"]["eval"].append(seconds)
    m["runs"]["eval_cpu"].append(cpu)
    t = time.perf_counter()
    parallel = evaluate_people_parallel(LAST_YEAR, people, workers=os.cpu_count() or 2)
    m["runs"]["eval_par"].append(time.perf_counter() - t)
    assert len(parallel) == m["results"] and sum(1 for r in parallel if r[2]) == m["eligible"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[60_000, 240_000])
    parser.add_argument("--repeat", type=int, default=3, help="measurements per size (medians are printed)")
    parser.add_argument("--reuse", action="store_true", help="use again a bench database that has the size's people")
    args = parser.parse_args()
    cores = os.cpu_count()
    print(f"database: {connection.vendor}; {args.repeat} rounds over the sizes, medians; peak MB: one streamed "
          f"evaluation on one core, in its own process")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {cores} cores")
    print(f"{'people':>8} {'rating+award rows':>18} {'gen s':>7} {'floor s':>8} {'eval s':>7} {'rows/s':>10} "
          f"{'eval/floor':>10} {f'eval {cores} cores':>13} {f'{cores} cores/floor':>15} {'results':>9} "
          f"{'eligible':>9} {'peak MB':>8}")
    sizes = {people: prepare(people, seed=7, reuse=args.reuse) for people in args.people}
    for people, m in sizes.items():
        m["peak_mb"] = streaming_peak_mb(people)
    for _ in range(args.repeat):  # rounds over the sizes: a change of load on a shared machine hits them all
        for people, m in sizes.items():
            measure(m, people)
    out = []
    for m in sizes.values():
        m["floor_s"], m["eval_s"], m["eval_cpu_s"], m["eval_par_s"] = (
            statistics.median(m["runs"][k]) for k in ("floor", "eval", "eval_cpu", "eval_par"))
        out.append(m)
        print(f"{m['people']:>8,} {m['rows']:>18,} {m['gen_s']:>7.1f} {m['floor_s']:>8.2f} {m['eval_s']:>7.2f} "
              f"{m['rows'] / m['eval_s']:>10,.0f} {m['eval_s'] / m['floor_s']:>10.2f} {m['eval_par_s']:>13.2f} "
              f"{m['eval_par_s'] / m['floor_s']:>15.2f} {m['results']:>9,} {m['eligible']:>9,} {m['peak_mb']:>8.0f}")
        print("    runs (s; eval_cpu: CPU s of the one-core evaluation): " + "; ".join(f"{k} " + ", ".join(f"{v:.2f}" for v in vs) for k, vs in m["runs"].items()))
    if len(out) > 1:
        a, b = out[0], out[-1]
        print(f"ratio eval time {b['rows']:,} rows / {a['rows']:,} rows = {b['eval_s'] / a['eval_s']:.2f} on one core, "
              f"{b['eval_par_s'] / a['eval_par_s']:.2f} on {cores} cores (size ratio {b['rows'] / a['rows']:.2f}; "
              f"floor ratio {b['floor_s'] / a['floor_s']:.2f}; one-core CPU ratio "
              f"{b['eval_cpu_s'] / a['eval_cpu_s']:.2f})")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
