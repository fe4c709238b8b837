""""Xét điều kiện" over a big area runs as a background job: the page offers it instead of evaluating in the
request, the job leaves the same result as the page computes for a small area (and the whole Excel file), and its
result page is its owner's only."""

import io

import pytest
from python_calamine import CalamineWorkbook

from tests.eligibility.test_database import lan_and_son, unit  # noqa: F401  (fixtures)
from thidua.jobs.models import Job, JobStatus

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
QUERY = {"year": 2024, "award": "CSTD_TINH"}


@pytest.fixture
def people(lan_and_son):  # noqa: F811
    return lan_and_son


def test_a_big_area_is_offered_as_a_job_instead_of_evaluated_in_the_request(people, province_officer, settings):
    settings.THIDUA_ELIGIBILITY_JOB_MIN_PEOPLE = 1
    page = province_officer.get("/xet-dieu-kien/", {**QUERY, "org": people.pk})
    assert page.status_code == 200 and page.context["big_area"] == 2
    assert page.context.get("evaluated") is None and "Hà Thị Lan" not in page.content.decode()
    assert 'action="/xet-dieu-kien/chay-nen/"' in page.content.decode()
    export = province_officer.get("/xet-dieu-kien/", {**QUERY, "org": people.pk, "export": "xlsx"})
    assert export["Content-Type"].startswith("text/html")  # no Excel built in the request either
    assert not Job.objects.exists()  # a GET starts nothing


def test_the_job_gives_the_page_result_and_the_whole_excel_file(people, province_officer, settings, immediate, media):
    inline = province_officer.get("/xet-dieu-kien/", {**QUERY, "org": people.pk})
    settings.THIDUA_ELIGIBILITY_JOB_MIN_PEOPLE = 1
    response = province_officer.post("/xet-dieu-kien/chay-nen/", {**QUERY, "org": people.pk})
    job = Job.objects.get(kind="eligibility.check")
    assert response.status_code == 302 and response.url == f"/cong-viec/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.owner.username == "caobang" and job.organization == people and job.done == job.total >= 2
    assert "2 đối tượng: 1 đủ điều kiện, 1 thiếu một điều kiện" in job.message
    rows = CalamineWorkbook.from_filelike(io.BytesIO(job.result.read())).get_sheet_by_index(0).to_python()
    assert {r[1] for r in rows[1:]} == {"Hà Thị Lan", "Nông Văn Sơn"}
    detail = province_officer.get(f"/cong-viec/{job.pk}/").content.decode()
    assert job.result_url in detail.replace("&amp;", "&") and "Xem kết quả" in detail
    page = province_officer.get(job.result_url)
    assert page.status_code == 200
    for section in ("eligible", "near"):
        assert [r.subject_name for r in page.context[section]] == [r.subject_name for r in inline.context[section]]
    assert (page.context["n_eligible"], page.context["n_near"]) == (1, 1)
    assert f'href="/cong-viec/{job.pk}/ket-qua/"' in page.content.decode()


def test_someone_else_cannot_see_the_result_nor_start_a_job_outside_their_scope(
        people, province_officer, other_province_officer, settings, immediate, media):
    settings.THIDUA_ELIGIBILITY_JOB_MIN_PEOPLE = 1
    province_officer.post("/xet-dieu-kien/chay-nen/", {**QUERY, "org": people.pk})
    job = Job.objects.get()
    assert other_province_officer.get(job.result_url).status_code == 404
    refused = other_province_officer.post("/xet-dieu-kien/chay-nen/", {**QUERY, "org": people.pk})
    assert refused.status_code == 400 and Job.objects.count() == 1
    assert "Đơn vị" in refused.content.decode()
    assert province_officer.get("/xet-dieu-kien/chay-nen/").status_code == 405
