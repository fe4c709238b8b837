"""An Excel import of a big file runs as a job: the request stores the upload and checks nothing more; the job
checks every row and writes all or none, with progress; a file with errors writes nothing and the job page lists
the errors by row and column; the job is its owner's."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import _client_for
from tests.lib.imports.helpers import RATINGS_HEADER, cid, xlsx
from thidua.awards.models import Evaluation
from thidua.jobs.imports import KIND
from thidua.jobs.models import Job, JobStatus
from thidua.orgs.models import Organization, Person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
UPLOAD = "/khen-thuong/nhap-xep-loai/"


@pytest.fixture
def staff(db, immediate, settings, tmp_path):
    settings.THIDUA_IMPORT_JOB_MIN_BYTES = 1  # every file is "big" here
    settings.THIDUA_IMPORT_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"
    dept = Organization.objects.get(user_roles__user__username="donvi")
    return [Person.objects.create(full_name=f"Nhân Viên {n}", citizen_id=cid(700 + n), gender="female",
                                  birth_year=1985, organization=dept) for n in range(6)]


def start(client, rows):
    r = client.post(UPLOAD, {"file": SimpleUploadedFile("xep-loai.xlsx", xlsx(rows, RATINGS_HEADER, "Xếp loại"))})
    assert r.status_code == 302
    purl = r.url.split("?")[0]
    page = client.get(purl)
    body = page.content.decode()
    assert page.status_code == 200 and 'id="import-as-job"' in body and page.context["result"] is None  # no check here
    stored = page.context["stored"]
    return purl, client.post(purl + "ghi", {"sha256": stored.sha256})


def test_a_big_import_is_checked_and_written_by_a_job_with_progress(staff):
    client = _client_for("donvi")
    rows = [[p.citizen_id, p.full_name, 2023, "HTT"] for p in staff]
    _purl, r = start(client, rows)
    job = Job.objects.get(kind=KIND)
    assert r.status_code == 302 and r.url == f"/cong-viec/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.owner.username == "donvi", job.message
    assert job.done == job.total == len(rows)  # progress of the write phase
    assert Evaluation.objects.filter(person__in=staff, year=2023).count() == len(rows)
    assert "Đã ghi 6" in job.message and job.result_url == UPLOAD
    # The job page is its owner's; another user gets 404.
    assert client.get(f"/cong-viec/{job.pk}/").status_code == 200
    assert _client_for("laichau").get(f"/cong-viec/{job.pk}/").status_code == 404


def test_a_big_file_with_errors_writes_nothing_and_the_job_page_lists_them(staff):
    client = _client_for("donvi")
    rows = [[p.citizen_id, p.full_name, 2023, "HTT"] for p in staff]
    rows[2][3] = "Giỏi"  # not a rating
    rows[4][2] = 1890  # not a year
    _purl, r = start(client, rows)
    job = Job.objects.get(kind=KIND)
    assert job.status == JobStatus.FAILED and "Không ghi dòng nào: tệp có 2 lỗi" in job.message
    assert {(i["row"], i["column"]) for i in job.data["issues"]} == {(4, "Xếp loại"), (6, "Năm")}
    assert not Evaluation.objects.filter(person__in=staff).exists()  # all or nothing
    page = client.get(f"/cong-viec/{job.pk}/").content.decode()
    assert 'id="job-issues"' in page and "<td>Xếp loại</td>" in page and "<td>6</td>" in page


def test_a_read_only_role_cannot_start_an_import_job(staff):
    # The upload itself is refused to read-only roles (403 with a message); no job, nothing written.
    r = _client_for("kiemtra").post(UPLOAD, {"file": SimpleUploadedFile("a.xlsx", xlsx([], RATINGS_HEADER, "Xếp loại"))})
    assert r.status_code == 403 and not Job.objects.filter(kind=KIND).exists()
