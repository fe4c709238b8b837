"""The jobs pages: a job is seen (list, detail, progress, result) by its owner and by administrators; anyone else
gets 404 and cannot cancel or retry it (nothing changes); the progress panel polls while the job runs."""

import pytest
from django.test import Client

from tests.conftest import user
from thidua.jobs import services
from thidua.jobs.models import Job, JobStatus

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _client(username):
    client = Client()
    client.force_login(user(username))
    return client


@pytest.fixture
def job():
    return services.enqueue("tests.steps", owner=user("caobang"), title="Xuất sổ khen thưởng Cao Bằng")


def test_the_owner_follows_progress_and_the_panel_polls_while_running(job):
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=3, total=10, message="Đang đọc")
    owner = _client("caobang")
    page = owner.get(f"/cong-viec/{job.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Xuất sổ khen thưởng Cao Bằng" in html and 'max="10" value="3"' in html and "30%" in html
    assert f'hx-get="/cong-viec/{job.pk}/tien-do/"' in html and "Hủy công việc" in html
    panel = owner.get(f"/cong-viec/{job.pk}/tien-do/").content.decode()
    assert panel.startswith('<div id="job-panel"') and "Đang đọc" in panel
    listing = owner.get("/cong-viec/").content.decode()
    assert "Xuất sổ khen thưởng Cao Bằng" in listing and "hx-get" in listing


def test_a_finished_job_stops_polling_and_offers_its_result(job, media):
    services.execute(job.pk)
    owner = _client("caobang")
    panel = owner.get(f"/cong-viec/{job.pk}/tien-do/").content.decode()
    assert "hx-get" not in panel and f"/cong-viec/{job.pk}/ket-qua/" in panel and "Hủy công việc" not in panel
    response = owner.get(f"/cong-viec/{job.pk}/ket-qua/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"abc"
    assert "kết quả.txt" in response["Content-Disposition"] or "k%E1%BA%BFt" in response["Content-Disposition"]


def test_a_failed_job_shows_its_message_and_the_details_only_to_an_administrator(immediate):
    failed = services.enqueue("tests.boom", owner=user("caobang"), title="Thử lỗi")
    owner_html = _client("caobang").get(f"/cong-viec/{failed.pk}/").content.decode()
    assert "lỗi không lường trước" in owner_html and "Chạy lại" in owner_html
    assert "division by zero in step 2" not in owner_html
    admin_html = _client("admin").get(f"/cong-viec/{failed.pk}/").content.decode()
    assert "division by zero in step 2" in admin_html


@pytest.mark.parametrize("username", ["laichau", "donvi", "trunguong", "kiemtra", "hoidong"])
def test_someone_elses_job_is_404_and_their_posts_change_nothing(job, username):
    client = _client(username)
    for path in ("", "tien-do/", "ket-qua/"):
        assert client.get(f"/cong-viec/{job.pk}/{path}").status_code == 404, path
    before = list(Job.objects.values())
    assert client.post(f"/cong-viec/{job.pk}/huy/").status_code == 404
    assert client.post(f"/cong-viec/{job.pk}/chay-lai/").status_code == 404
    assert list(Job.objects.values()) == before
    assert "Xuất sổ khen thưởng Cao Bằng" not in client.get("/cong-viec/").content.decode()


def test_an_administrator_sees_every_job_and_may_cancel_it(job):
    admin = _client("admin")
    assert "Xuất sổ khen thưởng Cao Bằng" in admin.get("/cong-viec/").content.decode()
    assert admin.post(f"/cong-viec/{job.pk}/huy/").status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_owner_cancels_then_retries_from_the_page(job):
    owner = _client("caobang")
    assert owner.post(f"/cong-viec/{job.pk}/huy/").status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    refused = owner.post(f"/cong-viec/{job.pk}/huy/", follow=True).content.decode()
    assert "đã kết thúc" in refused
    response = owner.post(f"/cong-viec/{job.pk}/chay-lai/")
    again = Job.objects.get(retry_of=job)
    assert response.status_code == 302 and response.url == f"/cong-viec/{again.pk}/"
    assert again.params == job.params and again.status == JobStatus.QUEUED


def test_cancel_and_retry_are_post_only_and_anonymous_is_sent_to_login(job):
    owner = _client("caobang")
    assert owner.get(f"/cong-viec/{job.pk}/huy/").status_code == 405
    assert owner.get(f"/cong-viec/{job.pk}/chay-lai/").status_code == 405
    response = Client().get(f"/cong-viec/{job.pk}/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
