"""The reference scenario built once and copied into each test database (tests/conftest.py: `reference_scenario`).

Loading the national reference scenario through the services takes most of a worker's start. Here the first worker
that needs it loads it into its own test database and saves a copy; every other worker (and every later run with
the same key) copies that instead:
- SQLite (in-memory test databases): the copy is a file var/test-cache/scenario-<key>.sqlite3, written and read
  with SQLite's backup API (a page copy: the whole database, its migrations table included);
- PostgreSQL: the copy is a template database `<test database>_scn_<key>` on the same server; a worker drops its
  (empty, migrated) test database and creates it again with CREATE DATABASE … TEMPLATE.
Files the scenario writes under MEDIA_ROOT (the scan of a written ballot) are copied beside the SQLite file and put
back when missing.

The key is a hash of every file under src/thidua (any change of code, migrations, templates or data builds anew),
the local date (the scenario dates its dossiers and sessions from today), SECRET_KEY (sealed ballots), the time zone
and the database engine. A file lock (var/test-cache/*.lock) makes the other workers wait while one builds.
THIDUA_TEST_CACHE=0 turns the copy off (each worker loads the scenario, as before).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
import time
from pathlib import Path

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
    return h.hexdigest()[:16]


def load_once() -> None:
    """Put the reference scenario into this worker's test database: copied when a copy exists, else loaded (under
    the lock, so that only one worker loads) and saved."""
    from django.contrib.contenttypes.models import ContentType

    from thidua.demo.scenario import load_reference_scenario

    if not enabled():
        load_reference_scenario()
        return
    k = key()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    store = _SQLite(k) if connection.vendor == "sqlite" else _PostgreSQL(k)
    with open(CACHE_DIR / f"scenario-{connection.vendor}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if store.exists():
                store.restore()
                ContentType.objects.clear_cache()
            else:
                started = time.time()
                load_reference_scenario()
                _save_media(k, started)
                store.save()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    _restore_media(k)


def _save_media(k: str, started: float) -> None:
    """Copy the files the load wrote under MEDIA_ROOT beside the database copy."""
    for old in CACHE_DIR.glob("scenario-*.media"):
        shutil.rmtree(old)
    media_root, copies = Path(settings.MEDIA_ROOT), CACHE_DIR / f"scenario-{k}.media"
    if media_root.is_dir():
        for f in media_root.rglob("*"):
            if f.is_file() and f.stat().st_mtime >= started - 1:
                copy = copies / f.relative_to(media_root)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, copy)


def _restore_media(k: str) -> None:
    """Put back the scenario's files that are missing under MEDIA_ROOT (a cleaned var/, another THIDUA_VAR_DIR)."""
    media_root, copies = Path(settings.MEDIA_ROOT), CACHE_DIR / f"scenario-{k}.media"
    for f in copies.rglob("*") if copies.is_dir() else ():
        target = media_root / f.relative_to(copies)
        if f.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, target)


class _SQLite:
    def __init__(self, k: str):
        self.path = CACHE_DIR / f"scenario-{k}.sqlite3"

    def exists(self) -> bool:
        return self.path.exists()

    def save(self) -> None:
        for old in CACHE_DIR.glob("scenario-*.sqlite3"):  # an earlier key's copy: never used again
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
        connection.ensure_connection()
        source = sqlite3.connect(self.path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


class _PostgreSQL:
    """Template databases on the test server; only the newest key's is kept (per test database name)."""

    def __init__(self, k: str):
        self.db = connection.settings_dict["NAME"]
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        base = self.db.removesuffix(f"_{worker}") if worker else self.db
        self.prefix = f"{base}_scn_"
        self.template = f"{self.prefix}{k}"[:63]

    def _admin(self, sql: str, params=None) -> list:
        """A statement on the server's maintenance database (outside any transaction: CREATE/DROP DATABASE)."""
        with connection._nodb_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def exists(self) -> bool:
        return bool(self._admin("SELECT 1 FROM pg_database WHERE datname = %s", [self.template]))

    def _copy(self, name: str, template: str) -> None:
        connections.close_all()  # CREATE DATABASE … TEMPLATE needs the source without sessions
        self._admin(f'DROP DATABASE IF EXISTS "{name}"')
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def save(self) -> None:
        for (old,) in self._admin("SELECT datname FROM pg_database WHERE datname LIKE %s", [self.prefix + "%"]):
            self._admin(f'DROP DATABASE IF EXISTS "{old}"')
        self._copy(self.template, self.db)

    def restore(self) -> None:
        self._copy(self.db, self.template)
