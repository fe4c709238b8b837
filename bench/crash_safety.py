"""Crash safety of dossier submission: kill the production server with SIGKILL while several
clients submit dossiers through the API, restart it, and check from the database that nothing acknowledged was
lost and nothing is half-written.

    .venv/bin/python bench/crash_safety.py [--threads 6] [--kill-after 60] [--rounds 2] [--json FILE] [--keep]

1. `thidua demo` into a temporary THIDUA_VAR_DIR (SQLite) or, when DATABASE_URL points to PostgreSQL, into a
   throw-away database `thidua_crash_<pid>` created next to it (dropped afterwards): built once and copied
   (tests/demo_db.py: a file, a template database);
   fresh people (one per dossier, so the duplicate check never blocks) in the unit officer's department and
   the unit officer's API token (what `thidua token create donvi crash-safety` makes), in one Django process.
2. Each round: the production server (gunicorn, 2 workers, DEBUG off: what `thidua serve` execs, without its
   slow collectstatic) in its own process group; N threads loop as fast as they
   can over: POST /api/v1/dossiers/ → POST …/items (twice) → POST …/transitions
   {"transition": "submit", "confirm": true} (confirmed: the test nominees are not eligible);
   after `--kill-after` acknowledged requests the whole process group gets SIGKILL, with requests in flight.
3. The server is restarted (every acknowledged dossier must then answer GET 200 with its acknowledged items and
   state), stopped, and `check` runs in a separate process with the ORM on the same database:
   every 2xx is fully there; every dossier of the run has its create event, route steps and audit row;
   a submitted dossier has its submit event (and a draft none); every item has its audit row; every audit row
   of the run points to an existing object (no orphan audit for rolled-back work); SQLite integrity_check.
Prints (and writes with --json) the counts: acknowledged, lost, in flight at the kill, timings. Exit status 1
on any violation. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
from tests import demo_db  # noqa: E402  (the repository root on the path first)

VENV_BIN = Path(sys.executable).parent
TITLE = "Kiểm thử mất điện"  # prefix of the titles of the dossiers this run creates
PEOPLE = 3000


# --- inside Django (run as a subprocess: `python bench/crash_safety.py --inner setup|check FILE`) -------------


def inner_setup(out: Path) -> None:
    import django

    django.setup()
    from thidua.orgs.models import Gender, Organization, OrganizationKind, Person

    dept = Organization.objects.get(user_roles__user__username="donvi")
    unit = Organization.objects.create(kind=OrganizationKind.UNIT, name="Phòng kiểm thử mất điện", parent=dept)
    people = Person.objects.bulk_create([Person(full_name=f"Người thử {i:05d}", gender=Gender.FEMALE,
                                                organization=unit) for i in range(PEOPLE)])
    if people[0].pk is None:  # backends that do not return ids from bulk_create
        people = list(Person.objects.filter(organization=unit).order_by("pk"))
    # The unit officer's API token, as `thidua token create donvi crash-safety` makes it (in this process: one
    # Django start fewer).
    from django.contrib.auth import get_user_model

    from thidua.core.tokens import create_token

    _token, key = create_token(get_user_model().objects.get(username="donvi"), "crash-safety")
    out.write_text(json.dumps({"dept": dept.pk, "people": [p.pk for p in people], "key": key}))


def inner_check(path: Path) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from thidua.core.models import AuditEvent
    from thidua.nominations.models import Dossier, DossierEvent, DossierItem

    acked = json.loads(path.read_text())
    problems: list[str] = []
    dossiers = {d.pk: d for d in Dossier.objects.filter(title__startswith=TITLE)}
    items_of: dict[int, set[int]] = {}
    for dossier_id, item_id in DossierItem.objects.filter(dossier__in=list(dossiers)).values_list("dossier_id", "pk"):
        items_of.setdefault(dossier_id, set()).add(item_id)
    events: dict[int, list[str]] = {}
    for dossier_id, transition in DossierEvent.objects.filter(dossier__in=list(dossiers)).values_list(
            "dossier_id", "transition"):
        events.setdefault(dossier_id, []).append(transition)
    # 1. Everything acknowledged is there.
    for did in acked["dossiers"]:
        if int(did) not in dossiers:
            problems.append(f"acknowledged dossier #{did} is missing")
    for did, item_id in acked["items"]:
        if item_id not in items_of.get(did, set()):
            problems.append(f"acknowledged item #{item_id} of dossier #{did} is missing")
    for did in acked["submitted"]:
        d = dossiers.get(did)
        if d is None or d.state != "submitted" or "submit" not in events.get(did, []):
            problems.append(f"acknowledged submission of dossier #{did} is lost "
                            f"(state {d.state if d else None}, events {events.get(did)})")
    # 2. Nothing is half-written.
    audit = {(a, t, i) for a, t, i in AuditEvent.objects.filter(username="donvi").values_list(
        "action", "object_type", "object_id")}
    dossier_type, item_type = Dossier._meta.label_lower, DossierItem._meta.label_lower
    steps = dict(Dossier.objects.filter(pk__in=list(dossiers)).values_list("pk").annotate(
        n=Count("steps")))
    for did, d in dossiers.items():
        ev = events.get(did, [])
        if ev[:1] != ["create"]:
            problems.append(f"dossier #{did} has no create event ({ev})")
        if not steps.get(did):
            problems.append(f"dossier #{did} has no route steps")
        if ("create", dossier_type, str(did)) not in audit:
            problems.append(f"dossier #{did} has no audit row")
        if (d.state == "submitted") != ("submit" in ev) or (d.state == "submitted") != (d.submitted_at is not None):
            problems.append(f"dossier #{did}: state {d.state}, submitted_at {d.submitted_at}, events {ev}")
        if d.state == "submitted" and not items_of.get(did):
            problems.append(f"dossier #{did} submitted without items")
    all_items = {x for s in items_of.values() for x in s}
    for item_id in all_items:
        if ("create", item_type, str(item_id)) not in audit:
            problems.append(f"item #{item_id} has no audit row")
    # Audit rows of the run that point to nothing: work rolled back but audited.
    for action, otype, oid in audit:
        if otype == dossier_type and oid.isdigit() and int(oid) not in dossiers and action in ("create", "change"):
            if Dossier.objects.filter(pk=int(oid)).exists():
                continue  # a dossier of another run / the demo
            problems.append(f"audit {action} row for dossier #{oid} that does not exist")
        if otype == item_type and oid.isdigit() and int(oid) not in all_items and action == "create":
            if not DossierItem.objects.filter(pk=int(oid)).exists():
                problems.append(f"audit {action} row for item #{oid} that does not exist")
    orphans = DossierEvent.objects.exclude(dossier__in=Dossier.objects.all()).count()
    if orphans:
        problems.append(f"{orphans} dossier events without their dossier")
    integrity = "n/a"
    if connection.vendor == "sqlite":
        with connection.cursor() as c:
            integrity = c.execute("PRAGMA integrity_check").fetchone()[0]
            fk = c.execute("PRAGMA foreign_key_check").fetchall()
        if integrity != "ok":
            problems.append(f"SQLite integrity_check: {integrity}")
        if fk:
            problems.append(f"SQLite foreign_key_check: {fk[:5]}")
    result = {"dossiers_in_db": len(dossiers), "submitted_in_db": sum(d.state == "submitted" for d in dossiers.values()),
              "items_in_db": len(all_items), "audit_types": [dossier_type, item_type], "integrity": integrity,
              "problems": problems}
    path.with_suffix(".result.json").write_text(json.dumps(result))


# --- outside: servers and clients ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(base: str, key: str, method: str, path: str, body: dict | None = None, timeout: float = 30):
    """(status, json) or raises OSError when the connection fails (no answer: not acknowledged)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": f"Token {key}", "Content-Type": "application/json", "Accept": "application/json"})
    try:
        with OPENER.open(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()[:300]


class Run:
    def __init__(self, env: dict, var_dir: Path):
        self.env, self.var_dir = env, var_dir
        self.server = None
        self.base = ""

    def inner(self, what: str, path: Path):
        subprocess.run([sys.executable, __file__, "--inner", what, str(path)], env=self.env, cwd=REPO_ROOT,
                       check=True, timeout=600)

    def start(self) -> float:
        t0 = time.monotonic()
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        log = open(self.var_dir / "server.log", "ab")
        # The command `thidua serve` ends with (os.execvp), without its migrate + collectstatic: the API needs
        # no static files, and collectstatic (compressing ~55 MB) takes minutes on a loaded machine.
        self.server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "thidua.wsgi:application", "--bind",
                                        f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"],
                                       env=self.env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        log.close()
        deadline = time.monotonic() + 120
        while True:
            try:
                with OPENER.open(self.base + "/dang-nhap/", timeout=5):  # any answer: a worker serves
                    break
            except urllib.error.HTTPError:
                break
            except OSError:
                if self.server.poll() is not None or time.monotonic() > deadline:
                    tail = (self.var_dir / "server.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError("thidua serve did not start:\n" + tail) from None
                time.sleep(0.2)
        return time.monotonic() - t0

    def kill(self) -> None:
        if self.server is not None:
            try:
                os.killpg(self.server.pid, signal.SIGKILL)  # the gunicorn master and its workers
            except ProcessLookupError:
                pass
            self.server.wait(timeout=30)
            self.server = None

    def stop(self) -> None:
        if self.server is not None:
            try:
                os.killpg(self.server.pid, signal.SIGTERM)
                self.server.wait(timeout=30)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                self.kill()
            self.server = None


def round_(run: Run, key: str, dept: int, people: list[int], lock: threading.Lock, acked: dict, threads: int,
           kill_after: int) -> dict:
    """One crash: clients until `kill_after` acknowledgements, SIGKILL, wait for the clients."""
    count = {"acked": 0, "refused": 0, "busy_503": 0, "in_flight_at_kill": 0, "unanswered": 0}
    sending = [0]
    killed = threading.Event()

    def next_person():
        with lock:
            return people.pop() if people else None

    def send(method, path, body=None):
        with lock:
            sending[0] += 1
        try:
            status, data = call(run.base, key, method, path, body)
        except OSError:
            with lock:
                count["unanswered"] += 1
            raise
        finally:
            with lock:
                sending[0] -= 1
        with lock:
            if 200 <= status < 300:
                count["acked"] += 1
            elif status == 503:
                count["busy_503"] += 1
            else:
                count["refused"] += 1
        return status, data

    def client(n: int) -> None:
        try:
            while not killed.is_set():
                status, d = send("POST", "/api/v1/dossiers/", {
                    "from_org": dept, "granted_by": "minister_chairman", "year": 2024,
                    "title": f"{TITLE} {n}-{time.monotonic_ns()}"})
                if status == 503:  # the database was busy: a clear refusal, not an acknowledgement
                    continue
                if status != 201:
                    raise RuntimeError(f"create refused: {status} {d}")
                with lock:
                    acked["dossiers"].append(d["id"])
                added = 0
                for _ in range(2):
                    person = next_person()
                    if person is None:
                        return
                    status, item = send("POST", f"/api/v1/dossiers/{d['id']}/items",
                                        {"person": person, "award_type": "BK_TINH",
                                         "achievement": "Hoàn thành xuất sắc nhiệm vụ"})
                    if status == 503:
                        continue
                    if status != 201:
                        raise RuntimeError(f"item refused: {status} {item}")
                    added += 1
                    with lock:
                        acked["items"].append([d["id"], item["id"]])
                if not added:
                    continue
                status, moved = send("POST", f"/api/v1/dossiers/{d['id']}/transitions", {"transition": "submit", "confirm": True})
                if status == 503:
                    continue
                if status != 200:
                    raise RuntimeError(f"submit refused: {status} {moved}")
                with lock:
                    acked["submitted"].append(d["id"])
        except OSError:
            return  # the server died under us: this request was not acknowledged

    errors: list[BaseException] = []

    def guarded(n):
        try:
            client(n)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            if not killed.is_set():
                errors.append(exc)

    workers = [threading.Thread(target=guarded, args=(n,), daemon=True) for n in range(threads)]
    t0 = time.monotonic()
    for w in workers:
        w.start()
    while count["acked"] < kill_after and not errors and any(w.is_alive() for w in workers):
        time.sleep(0.005)
    with lock:
        count["in_flight_at_kill"] = sending[0]
    killed.set()
    run.kill()
    count["seconds_to_kill"] = round(time.monotonic() - t0, 2)
    for w in workers:
        w.join(timeout=60)
    if errors:
        raise RuntimeError(f"a client failed before the kill: {errors[0]!r}")
    return count


def pg_database(url: str) -> tuple[str, callable]:
    """A throw-away database name on the PostgreSQL server of `url`: (its url, drop())."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"thidua_crash_{os.getpid()}"
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))

    def drop():
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return urllib.parse.urlunsplit(parts._replace(path="/" + name)), drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--kill-after", type=int, default=60, help="acknowledged requests before the SIGKILL")
    parser.add_argument("--rounds", type=int, default=2, help="kill/restart cycles")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--inner", nargs=2, metavar=("WHAT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
        {"setup": inner_setup, "check": inner_check}[args.inner[0]](Path(args.inner[1]))
        return 0

    t_start = time.monotonic()
    var_dir = Path(tempfile.mkdtemp(prefix="thidua-crash-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_"))}
    env.update({"THIDUA_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "thidua.settings", "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(48), "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
                "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "SECURE_HSTS_SECONDS": "0",
                "PYTHONUNBUFFERED": "1", "NO_PROXY": "127.0.0.1,localhost"})
    drop = None
    url = env.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"], drop = pg_database(url)
    else:
        env.pop("DATABASE_URL", None)
    run = Run(env, var_dir)
    figures: dict = {"database": "postgresql" if drop else "sqlite", "rounds": []}
    status = 0
    try:
        # The demo database built once and copied (tests/demo_db.py: an SQLite file, a PostgreSQL template
        # database), with its SECRET_KEY.
        if drop:
            run.env = demo_db.prepare_postgres(url, urllib.parse.urlsplit(env["DATABASE_URL"]).path[1:], var_dir, env)
        else:
            run.env = demo_db.prepare(var_dir, env)
        run.inner("setup", var_dir / "setup.json")
        setup = json.loads((var_dir / "setup.json").read_text())
        key = setup["key"]
        figures["setup_seconds"] = round(time.monotonic() - t_start, 1)
        people = list(reversed(setup["people"]))
        acked = {"dossiers": [], "items": [], "submitted": []}
        lock = threading.Lock()
        for _ in range(args.rounds):
            start_s = run.start()
            r = round_(run, key, setup["dept"], people, lock, acked, args.threads, args.kill_after)
            r["start_seconds"] = round(start_s, 1)
            figures["rounds"].append(r)
        # Restart after the last kill: the acknowledged work answers through the API.
        figures["restart_seconds"] = round(run.start(), 1)
        lost_api = []
        for did in acked["dossiers"]:
            st, d = call(run.base, key, "GET", f"/api/v1/dossiers/{did}")
            if st != 200:
                lost_api.append(f"GET dossier #{did}: {st}")
                continue
            have = {i["id"] for i in d["items"]}
            lost_api += [f"item #{i} of #{did} not in GET" for x, i in acked["items"] if x == did and i not in have]
            if did in acked["submitted"] and d["state"] != "submitted":
                lost_api.append(f"dossier #{did} acknowledged submitted, now {d['state']}")
        run.stop()
        check_file = var_dir / "acked.json"
        check_file.write_text(json.dumps(acked))
        run.inner("check", check_file)
        result = json.loads(check_file.with_suffix(".result.json").read_text())
        # Committed but unacknowledged work can only come from the requests that were in flight at a kill.
        unanswered = sum(r["unanswered"] for r in figures["rounds"])
        extra = (result["dossiers_in_db"] - len(acked["dossiers"])) + (result["items_in_db"] - len(acked["items"])) \
            + (result["submitted_in_db"] - len(acked["submitted"]))
        if extra > unanswered:
            lost_api.append(f"{extra} unacknowledged rows in the database, only {unanswered} requests unanswered")
        result["problems"] = lost_api + result["problems"]
        figures.update({"acknowledged": {k: len(v) for k, v in acked.items()}, **result})
        figures["lost"] = len(result["problems"])
        if result["problems"]:
            status = 1
    finally:
        run.stop()
        if drop:
            drop()
        if args.keep:
            print(f"kept {var_dir}", file=sys.stderr)
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    figures["total_seconds"] = round(time.monotonic() - t_start, 1)
    text = json.dumps(figures, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
