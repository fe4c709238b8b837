"""Backup and restore round trip on the suite's database (SQLite or PostgreSQL): every table's row count and
row checksum come back identical, and so do the uploaded files; a non-empty database is refused without --force;
a tampered archive is refused and changes nothing."""

import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from tests.conftest import user
from thidua.awards.models import Award
from thidua.core import audit
from thidua.core.tokens import create_token
from thidua.lib.backup import _flush, _models, read_manifest, table_checksums
from thidua.orgs.models import Organization

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.engine, pytest.mark.integration]  # whole-database dumps and restores


def raw_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for model in _models():
            table = model._meta.db_table
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def flush_everything():
    with connection.cursor() as cursor:
        _flush(connection, cursor, [m._meta.db_table for m in _models()])


def uploaded_files(root):
    (root / "ho-so" / "2025").mkdir(parents=True)
    (root / "ho-so" / "2025" / "tờ trình.pdf").write_bytes(b"%PDF-1.4 thi dua")
    (root / "logo.png").write_bytes(bytes(range(256)))
    return root


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = uploaded_files(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def backup_at_start(django_db_setup, django_db_blocker, tmp_path_factory):
    """A backup of the database as every test here starts on it (the reference scenario, committed) with the files
    of `media`: made once per worker for the tests that change nothing before their backup (a dump of the whole
    database is seconds of CPU, more on PostgreSQL)."""
    base = tmp_path_factory.mktemp("backup-at-start")
    archive = base / "b.tar.gz"
    with override_settings(MEDIA_ROOT=uploaded_files(base / "media")), django_db_blocker.unblock():
        call_command("backup", str(archive), stdout=io.StringIO())
    return archive


def test_round_trip_into_an_empty_database(tmp_path, media):
    audit.record("create", object_type="x.y", object_id=1, after={"số": 1.5, "ngày": "2025-07-01"})
    create_token(user("caobang"), "tích hợp")
    before, counts = table_checksums(), raw_counts()
    assert counts["awards_award"] > 1000 and counts["core_auditevent"] >= 2
    archive = tmp_path / "thidua.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    manifest = read_manifest(archive)
    assert {t: i["rows"] for t, i in manifest["tables"].items()} == counts
    assert manifest["media"] == {"files": 2, "bytes": 16 + 256}
    assert "tables" in out.getvalue()

    # An empty migrated database (emulated by emptying every table) and no files.
    flush_everything()
    for f in media.rglob("*"):
        if f.is_file():
            f.unlink()
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "checksum match" in out.getvalue()
    assert raw_counts() == counts
    assert table_checksums() == before
    assert (media / "ho-so" / "2025" / "tờ trình.pdf").read_bytes() == b"%PDF-1.4 thi dua"
    assert (media / "logo.png").read_bytes() == bytes(range(256))
    # The restored database works: ids continue after the restored ones.
    assert Organization.objects.create(kind="unit", name="mới").pk > max(
        Organization.objects.exclude(name="mới").values_list("pk", flat=True))
    assert user("caobang").check_password("thidua2018")


def test_restore_refuses_a_non_empty_database_unless_forced(backup_at_start, media):
    archive = backup_at_start
    before = table_checksums()
    Organization.objects.filter(admin_code="04").update(short_name="đổi sau sao lưu")
    user("laichau").delete()
    (media / "thua.txt").write_text("tệp thêm sau sao lưu")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert table_checksums() == before
    assert not (media / "thua.txt").exists() and (media / "logo.png").exists()


def test_a_tampered_archive_is_refused_and_changes_nothing(tmp_path, backup_at_start, media):
    archive, tampered = backup_at_start, tmp_path / "t.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if member.name == "db/awards_award.jsonl":
                lines = data.decode().splitlines()
                row = json.loads(lines[0])
                row[1] = row[1] + 1 if isinstance(row[1], int) else row[1]
                lines[0] = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
                data = ("\n".join(lines) + "\n").encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data) if data is not None else None)
    Award.objects.filter(pk=Award.objects.order_by("pk").values("pk")[:1]).update(year=1999)
    before = table_checksums()
    with pytest.raises(CommandError, match="differ"):
        call_command("restore", str(tampered), "--force")
    assert table_checksums() == before
    assert Award.objects.order_by("pk").first().year == 1999
