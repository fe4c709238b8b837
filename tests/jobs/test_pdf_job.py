"""PDF conversion of documents as a job: the ".pdf" link builds the Word file, queues the conversion and sends the
user to the job page; clicking again while it is pending starts nothing new; once converted the link answers the
PDF. A failed conversion says why. Each user's conversions are their own."""

import pytest
from django.core.files.storage import default_storage

from thidua.jobs import services
from thidua.jobs.models import Job, JobStatus
from thidua.lib import documents

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def pdf_jobs(settings, media):
    settings.THIDUA_PDF_AS_JOB = True


def _url(cy, fmt="pdf"):
    return f"/cum/{cy.pk}/van-ban/thong-cao-bao-chi.{fmt}"


@pytest.mark.slow
def test_the_pdf_link_queues_one_conversion_then_serves_its_result(libreoffice, pdf_jobs, province_officer,
                                                                   other_province_officer, cluster_year_2018):
    first = province_officer.get(_url(cluster_year_2018))
    job = Job.objects.get(kind="documents.pdf")
    assert first.status_code == 302 and first.url == f"/cong-viec/{job.pk}/"
    assert job.status == JobStatus.QUEUED and job.owner.username == "caobang"
    assert default_storage.exists(job.params["input"]) and job.params["filename"].endswith(".pdf")
    again = province_officer.get(_url(cluster_year_2018))
    assert again.status_code == 302 and again.url == first.url and Job.objects.count() == 1
    # Another user's click is their own job; they cannot open this one.
    other = other_province_officer.get(_url(cluster_year_2018))
    assert other.status_code == 302 and Job.objects.count() == 2
    assert other_province_officer.get(f"/cong-viec/{job.pk}/").status_code == 404
    assert services.execute(job.pk) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.result.read().startswith(b"%PDF") and not default_storage.exists(job.params["input"])
    done = province_officer.get(_url(cluster_year_2018))
    assert done.status_code == 200 and done["Content-Type"] == "application/pdf"
    assert done.content.startswith(b"%PDF") and Job.objects.count() == 2


def test_a_failed_conversion_fails_the_job_with_the_reason(pdf_jobs, province_officer, cluster_year_2018,
                                                           monkeypatch, immediate):
    monkeypatch.setenv("THIDUA_SOFFICE", "/bin/true")  # "installed"

    def broken(docx, **kw):
        raise documents.PdfConversionError("LibreOffice không tạo được tệp PDF (mã 77).")

    monkeypatch.setattr(documents, "to_pdf", broken)
    response = province_officer.get(_url(cluster_year_2018))
    job = Job.objects.get(kind="documents.pdf")
    assert response.status_code == 302 and job.status == JobStatus.FAILED
    assert job.message == "LibreOffice không tạo được tệp PDF (mã 77)."
    assert "mã 77" in province_officer.get(f"/cong-viec/{job.pk}/").content.decode()


def test_the_word_file_is_still_served_in_the_request(pdf_jobs, province_officer, cluster_year_2018):
    response = province_officer.get(_url(cluster_year_2018, "docx"))
    assert response.status_code == 200 and response.content.startswith(b"PK") and not Job.objects.exists()
