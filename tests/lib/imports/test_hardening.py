"""A hostile or unlucky upload: a zip bomb is refused before it is opened, reading stops after the row limit,
and a commit lock left by a crashed worker does not block the upload."""

from __future__ import annotations

import fcntl
import io
import zipfile

import pytest

from tests.conftest import _client_for
from tests.lib.imports.helpers import PEOPLE_HEADER, xlsx
from tests.lib.imports.test_people import commit, dept, person_row, preview, upload  # noqa: F401 - fixture
from thidua.core.models import AuditEvent
from thidua.lib import imports
from thidua.orgs.models import Person

pytestmark = pytest.mark.django_db


def bomb(megabytes: int = 60) -> bytes:
    """An .xlsx-shaped zip whose sheet inflates to `megabytes` of zeros (about 1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return buf.getvalue()


@pytest.mark.integration
def test_a_zip_bomb_is_refused_before_anything_is_stored_or_opened(import_store, monkeypatch):
    opened = []
    monkeypatch.setattr("python_calamine.CalamineWorkbook.from_path", lambda *a, **k: opened.append(a))
    content = bomb()
    assert len(content) < 200 * 1024
    response = upload(_client_for("caobang"), content, "bom.xlsx")
    assert response.status_code == 400
    error = response.context["error"]
    assert "“bom.xlsx”" in error and "bom nén" in error and "không mở tệp này" in error
    assert opened == [] and not any(import_store.rglob("upload*"))


def test_a_stored_file_is_checked_again_before_calamine_opens_it(tmp_path):
    """read_rows (preview and commit) refuses a zip over the limits even if it reached the store another way."""
    path = tmp_path / "upload.xlsx"
    path.write_bytes(bomb(30))
    importer = imports.get_importer("people")(None)
    with pytest.raises(imports.ImportRefused, match="bom nén"):
        imports.read_rows(importer, path, "ds.xlsx")


@pytest.mark.integration
def test_the_uncompressed_size_is_limited(settings):
    settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_MB = 1
    settings.UPLOAD_ZIP_MAX_RATIO = 10_000
    response = upload(_client_for("caobang"), bomb(2), "lon.xlsx")
    assert response.status_code == 400 and "khi giải nén nặng 2 MB, vượt giới hạn 1 MB" in response.context["error"]


@pytest.mark.integration
def test_reading_stops_after_the_row_limit(settings, dept, monkeypatch):  # noqa: F811
    settings.IMPORT_MAX_ROWS = 10
    made = []
    real_row = imports.Row
    monkeypatch.setattr(imports, "Row", lambda *a, **k: made.append(1) or real_row(*a, **k))
    purl, response = preview(_client_for("caobang"), xlsx([person_row(n, dept) for n in range(1, 501)],
                                                          PEOPLE_HEADER))
    assert response.status_code == 400 and "tối đa 10 dòng" in response.context["refused"]
    assert len(made) == 10  # the 11th data row ends the reading; the other 490 are never converted


def _clean_preview(dept):  # noqa: F811
    client = _client_for("caobang")
    purl, response = preview(client, xlsx([person_row(n, dept) for n in range(1, 4)], PEOPLE_HEADER))
    assert response.context["result"].ok
    return client, purl, response, response.context["stored"]


@pytest.mark.integration
def test_a_lock_left_by_a_crashed_commit_is_freed(dept):  # noqa: F811
    """A worker killed during a commit leaves commit.lock behind; no process holds it, so the upload commits."""
    client, purl, response, stored = _clean_preview(dept)
    (stored.dir / "commit.lock").write_text('{"pid": 999999, "at": 0}')
    before = Person.objects.count()
    assert commit(client, purl, response).status_code == 302
    assert Person.objects.count() == before + 3


@pytest.mark.integration
def test_a_commit_in_progress_still_answers_409_and_writes_nothing(dept):  # noqa: F811
    client, purl, response, stored = _clean_preview(dept)
    with open(stored.dir / "commit.lock", "a+") as holder:  # another worker, alive, writing this upload
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        before, audit_before = Person.objects.count(), AuditEvent.objects.count()
        r = commit(client, purl, response)
        assert r.status_code == 409 and "đang được ghi" in r.content.decode()
        assert Person.objects.count() == before and AuditEvent.objects.count() == audit_before
    assert commit(client, purl, response).status_code == 302  # the holder finished (here: went away)
    assert Person.objects.count() == before + 3


def test_the_lock_of_a_killed_worker_is_released_by_the_system(tmp_path):
    """kill -9 of the process holding the commit lock frees it: no stale lock survives its holder."""
    import subprocess
    import sys

    stored = imports.StoredUpload("t" * 32, tmp_path, {})
    holder = ("import fcntl, sys, time\nf = open(sys.argv[1], 'a+')\nfcntl.flock(f.fileno(), fcntl.LOCK_EX)\n"
              "print('held', flush=True)\ntime.sleep(120)\n")
    worker = subprocess.Popen([sys.executable, "-c", holder, str(tmp_path / "commit.lock")], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert worker.stdout.readline().strip() == "held"
        assert stored.lock() is False
    finally:
        worker.kill()
        worker.wait(timeout=30)
    assert stored.lock() is True
    stored.unlock()
