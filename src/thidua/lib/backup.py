"""Backup and restore: one .tar.gz with a consistent snapshot of every table and of MEDIA_ROOT.

Archive layout:
    manifest.json        format, time, database vendor, applied migrations, per table: model, columns, rows, sha256
    db/<table>.jsonl     one JSON array per row (columns in manifest order), rows in primary-key order
    media/...            the uploaded files

Consistency: every table is read inside one transaction (REPEATABLE READ, READ ONLY on PostgreSQL; SQLite in WAL
mode reads one snapshot per transaction), so the tables agree with each other. Uploaded files are copied after the
database snapshot; files are only ever added under new names, so every file a row refers to is there.

Restore goes into a migrated database at the same migrations, in one transaction: it refuses a database that holds
data (other than what `migrate` creates: content types, permissions) unless forced, empties the tables, inserts
the rows, resets sequences, checks every foreign key, and verifies each table's row count and checksum against the
manifest before committing. Any difference rolls everything back.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import itertools
import json
import os
import shutil
import tarfile
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

FORMAT = 1
BATCH = 2000
# Tables kept by database triggers (derived rows, e.g. the award summary) are restored as they were backed up:
# an upper app registers (before, after) callables, each given the connection, that suspend its triggers while the
# rows go in and put them back after, inside the restore's transaction.
RESTORE_HOOKS: list[tuple] = []
# Rows that `migrate` itself creates; a database holding only these counts as empty.
MIGRATE_CREATED = {"django_content_type", "auth_permission", "django_session"}


class BackupError(Exception):
    pass


def _models():
    """Every concrete table of the project, once (auto-created many-to-many tables included)."""
    seen, result = set(), []
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if not opts.managed or opts.proxy or opts.swapped or opts.db_table in seen:
            continue
        seen.add(opts.db_table)
        result.append(model)
    return sorted(result, key=lambda m: m._meta.db_table)


def _fields(model):
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def _encode(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _line(row) -> str:
    return json.dumps(row, default=_encode, ensure_ascii=False, separators=(",", ":"))


def _rows(model, using):
    names = [f.attname for f in _fields(model)]
    qs = model._base_manager.using(using).order_by(model._meta.pk.attname).values_list(*names)
    return qs.iterator(chunk_size=BATCH)


def table_checksums(using: str = DEFAULT_DB_ALIAS) -> dict[str, dict]:
    """{table: {"rows": n, "sha256": hex}} computed from the database (the same encoding as the archive)."""
    result = {}
    for model in _models():
        digest, n = hashlib.sha256(), 0
        for row in _rows(model, using):
            digest.update(_line(row).encode() + b"\n")
            n += 1
        result[model._meta.db_table] = {"rows": n, "sha256": digest.hexdigest()}
    return result


def _applied_migrations(connection) -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


@dataclass
class Report:
    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    seconds: float = 0.0
    details: dict = field(default_factory=dict)


def create_backup(path: str | os.PathLike, using: str = DEFAULT_DB_ALIAS) -> Report:
    path = Path(path)
    started = time.monotonic()
    connection = connections[using]
    report = Report(path=path)
    with tempfile.TemporaryDirectory(prefix="thidua-backup-") as tmp:
        tmp_dir = Path(tmp)
        (tmp_dir / "db").mkdir()
        manifest = {"format": FORMAT, "created": timezone.now().isoformat(), "vendor": connection.vendor,
                    "tables": {}, "media": {"files": 0, "bytes": 0}}
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql" and not _in_outer_transaction(connection):
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            manifest["migrations"] = _applied_migrations(connection)
            for model in _models():
                table = model._meta.db_table
                digest, n = hashlib.sha256(), 0
                with open(tmp_dir / "db" / f"{table}.jsonl", "w", encoding="utf-8") as out:
                    for row in _rows(model, using):
                        line = _line(row)
                        out.write(line + "\n")
                        digest.update(line.encode() + b"\n")
                        n += 1
                manifest["tables"][table] = {"model": model._meta.label, "columns": [f.column for f in _fields(model)],
                                             "rows": n, "sha256": digest.hexdigest()}
                report.rows += n
        report.tables = len(manifest["tables"])
        media_root = Path(settings.MEDIA_ROOT)
        media_files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        manifest["media"] = {"files": len(media_files), "bytes": sum(p.stat().st_size for p in media_files)}
        report.files = len(media_files)
        (tmp_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(tmp_dir / "manifest.json", arcname="manifest.json")
            tar.add(tmp_dir / "db", arcname="db")
            for file in media_files:
                tar.add(file, arcname=f"media/{file.relative_to(media_root).as_posix()}", recursive=False)
        os.replace(partial, path)
    report.details = manifest["tables"]
    report.seconds = time.monotonic() - started
    return report


def _in_outer_transaction(connection) -> bool:
    # atomic() has just begun: an outer block exists when more than this one is open (e.g. inside a test).
    return len(connection.atomic_blocks) > 1


def read_manifest(path: str | os.PathLike) -> dict:
    with tarfile.open(path, "r:gz") as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise BackupError("manifest.json is missing: not a thidua backup")
        manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
    return manifest


def non_empty_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    return [m._meta.db_table for m in _models()
            if m._meta.db_table not in MIGRATE_CREATED and m._base_manager.using(using).exists()]


def restore_backup(path: str | os.PathLike, *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> Report:
    path = Path(path)
    started = time.monotonic()
    connection = connections[using]
    manifest = read_manifest(path)
    here = _applied_migrations(connection)
    if manifest["migrations"] != here:
        missing = sorted(set(manifest["migrations"]) - set(here))
        extra = sorted(set(here) - set(manifest["migrations"]))
        raise BackupError("the database is not at the backup's migrations "
                          f"(missing here: {missing[:5]}{'…' if len(missing) > 5 else ''}; "
                          f"not in the backup: {extra[:5]}{'…' if len(extra) > 5 else ''}). "
                          "Restore with the code version that made the backup, after `thidua migrate`.")
    models = {m._meta.db_table: m for m in _models()}
    if set(models) != set(manifest["tables"]):
        raise BackupError(f"tables differ from the backup: {sorted(set(models) ^ set(manifest['tables']))}")
    media_root = Path(settings.MEDIA_ROOT)
    media_present = media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*"))
    if not force:
        busy = non_empty_tables(using)
        if busy or media_present:
            raise BackupError("the database is not empty (" + ", ".join(busy[:8] + (["media files"] if media_present else []))
                              + "); use --force to replace everything with the backup")
    report = Report(path=path, tables=len(models))
    with tempfile.TemporaryDirectory(prefix="thidua-restore-") as tmp, tarfile.open(path, "r:gz") as tar:
        tmp_dir = Path(tmp)
        members = [m for m in tar.getmembers() if m.name.startswith(("db/", "media/"))]
        tar.extractall(tmp_dir, members=members, filter="data")
        with transaction.atomic(using=using):
            for before, _after in RESTORE_HOOKS:
                before(connection)
            with connection.cursor() as cursor:
                _flush(connection, cursor, list(models))
                for table, info in manifest["tables"].items():
                    report.rows += _insert(connection, cursor, models[table], info, tmp_dir / "db" / f"{table}.jsonl")
                for sql in connection.ops.sequence_reset_sql(no_style(), list(models.values())):
                    cursor.execute(sql)
            for _before, after in RESTORE_HOOKS:
                after(connection)
            connection.check_constraints(table_names=list(models))
            actual = table_checksums(using)
            wrong = [t for t, info in manifest["tables"].items()
                     if (actual[t]["rows"], actual[t]["sha256"]) != (info["rows"], info["sha256"])]
            if wrong:
                raise BackupError(f"restored tables differ from the backup: {wrong[:8]}")
        report.details = actual
        # Files after the database has committed: replace MEDIA_ROOT with the backup's files.
        extracted = tmp_dir / "media"
        if media_root.is_dir():
            for child in media_root.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        media_root.mkdir(parents=True, exist_ok=True)
        if extracted.is_dir():
            for item in extracted.iterdir():
                shutil.move(str(item), media_root / item.name)
            report.files = sum(1 for p in media_root.rglob("*") if p.is_file())
    report.seconds = time.monotonic() - started
    return report


def _flush(connection, cursor, tables: list[str]) -> None:
    """Empty the tables. PostgreSQL refuses TRUNCATE while deferred foreign-key checks of earlier statements of
    the same transaction are pending, so those are run first."""
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=False):
        cursor.execute(sql)
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _insert(connection, cursor, model, info: dict, source: Path) -> int:
    fields = _fields(model)
    if [f.column for f in fields] != info["columns"]:
        raise BackupError(f"{model._meta.db_table}: columns differ from the backup")
    qn = connection.ops.quote_name
    target = f"{qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)})"
    n = 0
    with open(source, encoding="utf-8") as lines:
        rows = ([f.get_db_prep_save(f.to_python(v), connection) for f, v in zip(fields, json.loads(line), strict=True)]
                for line in lines)
        if connection.vendor == "postgresql":
            # COPY: several times faster than batched INSERTs on the server, which matters at national size.
            with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            sql = f"INSERT INTO {target} VALUES ({', '.join(['%s'] * len(fields))})"
            while batch := list(itertools.islice(rows, BATCH)):
                cursor.executemany(sql, batch)
                n += len(batch)
    if n != info["rows"]:
        raise BackupError(f"{model._meta.db_table}: {n} rows read, manifest says {info['rows']}")
    return n
