"""Test databases built once and copied (tests/conftest.py): the migrated schema, and the reference scenario.

Migrating (36 migrations) and loading the national reference scenario through the services take most of a
worker's start. Each is built once and copied:
- the migrated database replaces the `migrate` run while pytest-django creates the test database: it is the
  migrated copy of tests/demo_db.py (`thidua migrate` in a process of its own, once per key), from which the demo
  database and the worker-process tests' databases start too: an SQLite file (put into the in-memory test database
  with SQLite's backup API, a page copy of the whole database, its migrations table included) or a template
  database on the PostgreSQL server (the test database dropped and created again with CREATE DATABASE … TEMPLATE);
- the scenario: the first worker that needs it loads it into its own test database and saves a copy; every other
  worker (and every later run with the same key) copies that instead. SQLite: a file
  var/test-cache/scenario-<key>.sqlite3; PostgreSQL: a template database `<test database>_scenario_<key>` on the
  same server. It is put in just before the worker's first integration test (fixture `reference_scenario`). Files
  the scenario writes under MEDIA_ROOT (the scan of a written ballot) are kept beside the copies and put back when
  missing.

The scenario's key is a hash of every file under src/thidua and pyproject.toml (any change of code, migrations,
templates or data builds anew), the date in the project's time zone (the scenario dates its dossiers and sessions
from today), SECRET_KEY (sealed ballots), the database engine and this cache directory's own random id
(var/test-cache/id): a PostgreSQL template outlives the checkout that made it, and a fresh clone of the same code the
same day must not take it, because the files the scenario wrote are not beside it (a ballot's scan would be
missing). A file lock (var/test-cache/*.lock) makes the other workers wait while one builds. THIDUA_TEST_CACHE=0
turns the copies off (each worker migrates and loads, as before).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
import time
from pathlib import Path

import django.core.management
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from tests import demo_db

CACHE_DIR = demo_db.CACHE_DIR


def enabled() -> bool:
    return os.environ.get("THIDUA_TEST_CACHE", "1") != "0" and connection.vendor in ("sqlite", "postgresql")


def key() -> str:
    h = hashlib.sha256(demo_db.source_hash().encode())
    h.update(f"|{timezone.localdate()}|{settings.SECRET_KEY}|{settings.TIME_ZONE}|{connection.vendor}".encode())
    h.update(_cache_id().encode())
    return h.hexdigest()[:16]


def _cache_id() -> str:
    """This cache directory's random id, shared with the demo database's PostgreSQL template (tests/demo_db.py)."""
    return demo_db.cache_id()


def _copied_or_built(what: str, build) -> None:
    """This worker's test database from the copy `what`, or built by `build()` (under the lock) and saved."""
    from django.contrib.contenttypes.models import ContentType

    k = key()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    store = _SQLite(what, k) if connection.vendor == "sqlite" else _PostgreSQL(what, k)
    with open(CACHE_DIR / f"{what}-{connection.vendor}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if store.exists():
                store.restore()
                ContentType.objects.clear_cache()
            else:
                started = time.time()
                build()
                _save_media(what, k, started)
                store.save()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    _restore_media(what, k)


def load_scenario_once() -> None:
    """Put the reference scenario into this worker's test database: copied when a copy exists, else loaded."""
    from thidua.demo.scenario import load_reference_scenario

    if enabled():
        _copied_or_built("scenario", load_reference_scenario)
    else:
        load_reference_scenario()


_REAL_CALL_COMMAND = django.core.management.call_command


def copy_migrations(on: bool) -> None:
    """While on (pytest-django creating the test database, tests/conftest.py: django_db_setup): a `migrate` of the
    default database is replaced by a copy of the migrated database of tests/demo_db.py (made when there is none).
    Other commands pass through; off puts Django's call_command back."""
    django.core.management.call_command = _call_command if on else _REAL_CALL_COMMAND


def _call_command(name, *args, **options):
    if name != "migrate" or options.get("database", "default") != "default" or not enabled():
        return _REAL_CALL_COMMAND(name, *args, **options)
    from django.contrib.contenttypes.models import ContentType

    # The migrated copy that every database of the tests starts from (tests/demo_db.py), made by `thidua migrate`
    # in a process of its own once per key: the same schema and post-migrate rows as this migrate would make.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS_MODULE"))}
    if connection.vendor == "sqlite":
        _SQLite.restore_file(demo_db.migrated_sqlite_file(env))
    else:
        _PostgreSQL.copy_database(connection.settings_dict["NAME"],
                                  demo_db.migrated_postgres(os.environ["DATABASE_URL"], env))
    ContentType.objects.clear_cache()


def _save_media(what: str, k: str, started: float) -> None:
    """Copy the files the build wrote under MEDIA_ROOT beside the database copy."""
    for old in CACHE_DIR.glob(f"{what}-*.media"):
        shutil.rmtree(old)
    media_root, copies = Path(settings.MEDIA_ROOT), CACHE_DIR / f"{what}-{k}.media"
    if media_root.is_dir():
        for f in media_root.rglob("*"):
            if f.is_file() and f.stat().st_mtime >= started - 1:
                copy = copies / f.relative_to(media_root)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, copy)


def _restore_media(what: str, k: str) -> None:
    """Put back the build's files that are missing under MEDIA_ROOT (a cleaned var/, another THIDUA_VAR_DIR)."""
    media_root, copies = Path(settings.MEDIA_ROOT), CACHE_DIR / f"{what}-{k}.media"
    for f in copies.rglob("*") if copies.is_dir() else ():
        target = media_root / f.relative_to(copies)
        if f.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, target)


class _SQLite:
    def __init__(self, what: str, k: str):
        self.what = what
        self.path = CACHE_DIR / f"{what}-{k}.sqlite3"

    def exists(self) -> bool:
        return self.path.exists()

    def save(self) -> None:
        for old in CACHE_DIR.glob(f"{self.what}-*.sqlite3"):  # an earlier key's copy: never used again
            old.unlink()
        partial = self.path.with_suffix(".partial")
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        os.replace(partial, self.path)

    def restore(self) -> None:
        self.restore_file(self.path)

    @staticmethod
    def restore_file(path: Path) -> None:
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


class _PostgreSQL:
    """Template databases on the test server; only the newest key's is kept (per test database name)."""

    def __init__(self, what: str, k: str):
        self.db = connection.settings_dict["NAME"]
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        base = self.db.removesuffix(f"_{worker}") if worker else self.db
        self.prefix = f"{base}_{what}_"
        self.template = f"{self.prefix}{k}"[:63]

    @staticmethod
    def _admin(sql: str, params=None) -> list:
        """A statement on the server's maintenance database (outside any transaction: CREATE/DROP DATABASE)."""
        with connection._nodb_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def exists(self) -> bool:
        return bool(self._admin("SELECT 1 FROM pg_database WHERE datname = %s", [self.template]))

    @classmethod
    def copy_database(cls, name: str, template: str) -> None:
        connections.close_all()  # CREATE DATABASE … TEMPLATE needs the source without sessions
        cls._admin(f'DROP DATABASE IF EXISTS "{name}"')
        cls._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def save(self) -> None:
        # The planner's statistics, as a production database has them (autovacuum): the copies carry them, and
        # the tests' queries are planned from them, not from default guesses (the registry's count over the
        # scenario took 57 ms instead of a few). Not for the award rows: the sort tests (tests/awards/
        # test_sort_keys.py) read which index serves a sort of a national registry, and with the statistics of
        # the scenario's 26 000 rows the planner rightly reads the few rows of a slice through another one.
        with connection.cursor() as cursor:
            cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'awards_award'")
            for (table,) in cursor.fetchall():
                cursor.execute(f'ANALYZE "{table}"')
        for (old,) in self._admin("SELECT datname FROM pg_database WHERE datname LIKE %s", [self.prefix + "%"]):
            self._admin(f'DROP DATABASE IF EXISTS "{old}"')
        self.copy_database(self.template, self.db)

    def restore(self) -> None:
        self.copy_database(self.db, self.template)
