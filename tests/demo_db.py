"""The demo database (`thidua demo`: migrate, reference scenario, demo accounts) built once and copied for each
process-level use: the browser tests (tests/browser/conftest.py), bench/api_fuzz.py and bench/crash_safety.py.
Building it takes about half a minute on a 2-core machine; a copy takes a fraction of a second.

    env = prepare(var_dir, env)   # var_dir holds thidua.sqlite3 and media/ afterwards; env gets SECRET_KEY
    env = prepare_postgres(url, name, var_dir, env)   # database `name` on `url`'s server, from a template
    migrated_sqlite(path, env)   # an empty migrated SQLite database (tests/jobs/test_worker_process.py)
    migrated_sqlite_file(env), migrated_postgres(url, env)   # the migrated copy itself: a file, a template

Every database here starts from one migrated copy per key (`thidua migrate` once: a file
var/test-cache/empty-db-<key>.sqlite3, a template `<database>_migrated_<key>` on a PostgreSQL server): the demo
database is that copy with the scenario loaded, and the test databases of tests/scenario_cache.py are copies of it
too.

The copy lives in var/test-cache/demo-<key>/ (THIDUA_TEST_CACHE_DIR to move it); the collected static files, when
asked (api_fuzz, the production test: production settings serve hashed names), in var/test-cache/static-<key>/.
Their key is a hash of every file under src/thidua, pyproject.toml and the date in Vietnam (the scenario dates its
dossiers and sessions from today), so any change of code, migrations or data builds it anew. Sealed ballots open
only with the SECRET_KEY they were sealed with: the copy keeps the key it was built with, and `prepare` puts it into
the returned environment. THIDUA_TEST_CACHE=0 runs `thidua demo` every time (with a fresh key).

On PostgreSQL the copy is a template database on the server, `<database>_demo_<key>` (the database of the url
given, e.g. thidua_ci_demo_…), and its SECRET_KEY and the files `thidua demo` wrote (a ballot's scan) are kept in
var/test-cache/demo-pg-<key>/. The key there also holds this cache directory's id (var/test-cache/id): the
template outlives the checkout that built it, and another checkout has neither its key nor its files.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.parse
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = Path(os.environ.get("THIDUA_TEST_CACHE_DIR", REPO_ROOT / "var" / "test-cache"))
THIDUA = Path(sys.executable).parent / "thidua"  # not resolved: the venv's python may be a symlink


def source_hash() -> str:
    """A hash of every file under src/thidua (names and contents; compiled files left out) and of pyproject.toml."""
    root = REPO_ROOT / "src" / "thidua"
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    h.update((REPO_ROOT / "pyproject.toml").read_bytes())  # the dependencies (Bootstrap's static files)
    return h.hexdigest()


def key() -> str:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    return hashlib.sha256(f"{source_hash()}|{today}".encode()).hexdigest()[:16]


def cache_id() -> str:
    """A random id made once per cache directory (per checkout); written atomically, so racing processes agree."""
    path = CACHE_DIR / "id"
    if not path.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = CACHE_DIR / f"id.{os.getpid()}"
        partial.write_text(os.urandom(8).hex())
        try:
            os.link(partial, path)  # fails when another process was first: its id stands
        except FileExistsError:
            pass
        finally:
            partial.unlink()
    return path.read_text()


def _demo(var_dir: Path, env: dict) -> None:
    """`thidua demo` into var_dir (SQLite, unless env names a DATABASE_URL, already migrated by the caller).
    On SQLite the migrated database is copied in first: the demo's own migrate then has nothing to do."""
    if "DATABASE_URL" not in env and os.environ.get("THIDUA_TEST_CACHE", "1") != "0":
        Path(var_dir).mkdir(parents=True, exist_ok=True)
        migrated_sqlite(Path(var_dir) / "thidua.sqlite3", env)
    run = subprocess.run([str(THIDUA), "demo"], env={**env, "THIDUA_VAR_DIR": str(var_dir)}, cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=900)
    if run.returncode != 0:
        raise RuntimeError(f"`thidua demo` failed ({run.returncode}):\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")


def _collectstatic(var_dir: Path, env: dict) -> None:
    subprocess.run([str(THIDUA), "collectstatic_changed"], env={**env, "THIDUA_VAR_DIR": str(var_dir)},
                   cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL, timeout=900)


def prepare(var_dir: Path, env: dict, *, static: bool = False) -> dict:
    """The demo database in `var_dir` (SQLite: env must not name another DATABASE_URL); returns `env` with
    THIDUA_VAR_DIR and the SECRET_KEY of the copy. `static`: also the collected static files (production
    settings: `env` has DEBUG=0), collected once into the copy."""
    var_dir = Path(var_dir)
    env = {**env, "THIDUA_VAR_DIR": str(var_dir)}
    env.pop("DATABASE_URL", None)
    if os.environ.get("THIDUA_TEST_CACHE", "1") == "0":
        env["SECRET_KEY"] = secrets.token_urlsafe(48)
        _demo(var_dir, env)
        if static:
            _collectstatic(var_dir, env)
        return env
    if static:  # first: a process that needs only the database builds it meanwhile, under the other lock
        _static_files(var_dir, env)

    def build(path: Path) -> None:
        secret = secrets.token_urlsafe(48)
        _demo(path, {**env, "SECRET_KEY": secret})
        (path / "secret-key").write_text(secret)

    def use(copy: Path) -> None:
        shutil.copytree(copy, var_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("secret-key"))
        env["SECRET_KEY"] = (copy / "secret-key").read_text()

    _cached("demo", build, use)
    return env


def _static_files(var_dir: Path, env: dict) -> None:
    """The collected static files (production settings) in var_dir/static: collected once per key into
    var/test-cache/static-<key>/ and copied. Their own copy and lock, apart from the demo database's: the collect
    (compressing ~60 MB, most of a minute of CPU) needs no database, and the processes that need only the
    database do not wait for it."""
    _cached("static", lambda path: _collectstatic(path, {**env, "SECRET_KEY": secrets.token_urlsafe(48)}),
            lambda copy: shutil.copytree(copy / "static", Path(var_dir) / "static", dirs_exist_ok=True))


def migrated_sqlite(target: Path, env: dict) -> None:
    """An empty migrated SQLite database at `target`: a copy of migrated_sqlite_file(env)."""
    if os.environ.get("THIDUA_TEST_CACHE", "1") == "0":
        _migrate(f"sqlite:///{target}", env)
        return
    shutil.copyfile(migrated_sqlite_file(env), target)


def migrated_sqlite_file(env: dict) -> Path:
    """The empty migrated SQLite database of this key, var/test-cache/empty-db-<key>.sqlite3 (`thidua migrate`,
    ~8 s of CPU, run once per key). Every SQLite database of the tests starts from it: the test databases
    (tests/scenario_cache.py), the demo database, the worker-process tests' databases. `env` as for `thidua`; its
    DATABASE_URL is replaced."""
    found = []
    _cached("empty-db", lambda path: _migrate(f"sqlite:///{path}", env), found.append, suffix=".sqlite3")
    return found[0]


def _migrate(url: str, env: dict) -> None:
    subprocess.run([str(THIDUA), "migrate", "-v0"], env={**env, "DATABASE_URL": url}, cwd=REPO_ROOT, check=True,
                   timeout=600)


def _cached(kind: str, build, use, *, suffix: str = "") -> None:
    """`use(copy)` of var/test-cache/<kind>-<key><suffix>, which `build(path)` makes once per key. Under the kind's
    lock, so racing processes wait for one build; built under another name and renamed, so a copy that exists is
    complete; an earlier key's copy (never used again) is removed first."""
    copy = CACHE_DIR / f"{kind}-{key()}{suffix}"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / f"{kind}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not copy.exists():
            earlier = re.compile(rf"{re.escape(kind)}-([0-9a-f]{{16}}|building){re.escape(suffix)}")
            for old in CACHE_DIR.iterdir():
                if earlier.fullmatch(old.name):  # not another kind's (demo-pg-…) copies
                    shutil.rmtree(old) if old.is_dir() else old.unlink()
            building = CACHE_DIR / f"{kind}-building{suffix}"
            build(building)
            os.replace(building, copy)
        use(copy)


def prepare_postgres(url: str, name: str, var_dir: Path, env: dict) -> dict:
    """Database `name` on the PostgreSQL server of `url` (dropped first if it exists) as a copy of the demo
    database, from the template `<url's database>_demo_<key>` (itself made from migrated_postgres' template), and
    the files the demo wrote in `var_dir`; returns `env` with DATABASE_URL (of `name`), THIDUA_VAR_DIR and the
    SECRET_KEY of the copy. The caller drops `name`."""
    var_dir = Path(var_dir)
    parts = urllib.parse.urlsplit(url)
    env = {**env, "THIDUA_VAR_DIR": str(var_dir),
           "DATABASE_URL": urllib.parse.urlunsplit(parts._replace(path="/" + name))}
    sql = _pg_sql(url)
    sql(f'DROP DATABASE IF EXISTS "{name}"')
    if os.environ.get("THIDUA_TEST_CACHE", "1") == "0":
        sql(f'CREATE DATABASE "{name}"')
        env["SECRET_KEY"] = secrets.token_urlsafe(48)
        _demo(var_dir, env)
        return env
    k = _pg_key()
    prefix = f"{parts.path.lstrip('/')}_demo_"
    template = f"{prefix}{k}"[:63]
    copy = CACHE_DIR / f"demo-pg-{k}"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / "demo-pg.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = sql("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if not (built and (copy / "secret-key").exists()):
            for (old,) in sql("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"]):
                sql(f'DROP DATABASE IF EXISTS "{old}"')  # an earlier key's template: never used again
            for old in CACHE_DIR.glob("demo-pg-*"):
                if old.is_dir():
                    shutil.rmtree(old)
            sql(f'CREATE DATABASE "{template}" TEMPLATE "{migrated_postgres(url, env)}"')
            build = CACHE_DIR / "demo-pg-building"
            shutil.rmtree(build, ignore_errors=True)
            secret = secrets.token_urlsafe(48)
            template_url = urllib.parse.urlunsplit(parts._replace(path="/" + template))
            _demo(build, {**env, "SECRET_KEY": secret, "DATABASE_URL": template_url})
            (build / "secret-key").write_text(secret)  # written last: marks the copy complete
            build.rename(copy)
        sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        shutil.copytree(copy, var_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("secret-key"))
    env["SECRET_KEY"] = (copy / "secret-key").read_text()
    return env


def migrated_postgres(url: str, env: dict) -> str:
    """The name of the template database on `url`'s server that holds the empty migrated schema,
    `<url's database>_migrated_<key>` (`thidua migrate` once per key, built under another name and renamed, so a
    template that exists is complete). The demo template above and the PostgreSQL test databases
    (tests/scenario_cache.py) start from it. `env` as for `thidua`; its DATABASE_URL is replaced."""
    sql, parts = _pg_sql(url), urllib.parse.urlsplit(url)
    prefix = f"{parts.path.lstrip('/')}_migrated_"
    template = f"{prefix}{_pg_key()}"[:63]
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / "migrated-pg.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not sql("SELECT 1 FROM pg_database WHERE datname = %s", [template]):
            for (old,) in sql("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"]):
                sql(f'DROP DATABASE IF EXISTS "{old}"')  # an earlier key's (or an interrupted build)
            building = f"{prefix}building"[:63]
            sql(f'CREATE DATABASE "{building}"')
            _migrate(urllib.parse.urlunsplit(parts._replace(path="/" + building)), env)
            sql(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    return template


def _pg_key() -> str:
    """The key of the PostgreSQL templates: also this cache directory's id (a template outlives the checkout)."""
    return hashlib.sha256(f"{key()}|{cache_id()}|postgresql".encode()).hexdigest()[:16]


def _pg_sql(url: str):
    """A function running one statement on the maintenance database of `url`'s server, outside a transaction
    (CREATE and DROP DATABASE), returning its rows."""
    import psycopg

    admin = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))

    def sql(statement: str, params=None) -> list:
        with psycopg.connect(admin, autocommit=True) as c:
            cursor = c.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    return sql
