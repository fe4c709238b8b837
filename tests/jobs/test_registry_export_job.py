"""The registry's Excel export over the threshold is a background job: the export link answers a page offering it,
the job writes the same rows as the in-request export (the owner's scope, applied in the worker)."""

import io

import pytest
from python_calamine import CalamineWorkbook

from thidua.jobs.models import Job, JobStatus
from thidua.orgs.models import Organization, OrganizationKind

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _rows(content: bytes) -> list:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()[1:]


def test_over_the_threshold_the_export_link_offers_a_job(province_officer, settings):
    settings.THIDUA_EXPORT_JOB_MIN_ROWS = 3
    response = province_officer.get("/khen-thuong/export.xlsx", {"year": 2018, "page": 2})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'action="/khen-thuong/xuat-chay-nen/"' in html and 'name="year" value="2018"' in html
    assert 'name="page"' not in html and not Job.objects.exists()


@pytest.mark.parametrize("persona", ["province_officer", "other_province_officer", "unit_officer"])
def test_the_job_writes_the_rows_the_request_would(persona, request, settings, immediate, media):
    client = request.getfixturevalue(persona)
    # Cao Bằng's decisions of 2018 (some thousands of rows, not the year's twenty thousand): seen whole by the
    # cluster's offices, a department's share of them by the unit officer.
    cao_bang = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04").pk
    filters = {"year": 2018, "authority": cao_bang}
    settings.THIDUA_EXPORT_JOB_MIN_ROWS = 10**9
    inline = _rows(client.get("/khen-thuong/export.xlsx", filters).content)
    settings.THIDUA_EXPORT_JOB_MIN_ROWS = 0
    response = client.post("/khen-thuong/xuat-chay-nen/", filters)
    job = Job.objects.get(kind="awards.registry_export")
    assert response.status_code == 302 and response.url == f"/cong-viec/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.params == {"filters": {"year": ["2018"],
                                                                            "authority": [str(cao_bang)]}}
    assert len(inline) > 100 and _rows(job.result.read()) == inline and job.done == job.total == len(inline)
    assert client.get(f"/cong-viec/{job.pk}/ket-qua/").status_code == 200


def test_a_bad_filter_starts_no_job(province_officer):
    response = province_officer.post("/khen-thuong/xuat-chay-nen/", {"year": "abc"})
    assert response.status_code == 400 and "Bộ lọc không hợp lệ" in response.content.decode()
    assert not Job.objects.exists()
