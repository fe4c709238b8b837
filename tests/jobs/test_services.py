"""Jobs without a worker process: the immediate backend, the database backend's queue row, the runner, cancel,
retry and the stale-job sweep (services), as a user of the reference scenario."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import user
from thidua.core.models import AuditEvent
from thidua.core.refusals import Conflict
from thidua.jobs import services
from thidua.jobs.models import Job, JobStatus

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _enqueue(kind="tests.steps", params=None, who="caobang"):
    return services.enqueue(kind, owner=user(who), title="Thử", params=params or {})


def test_immediate_backend_runs_the_job_with_progress_and_a_result(immediate, media):
    job = services.enqueue("jobs.selftest", owner=user("caobang"), title="Kiểm tra",
                           params={"steps": 4, "step_seconds": 0})
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total) == (4, 4) and job.percent == 100
    assert job.result.read() == b"ok 4\n" and job.result_name == "kiem-tra.txt"
    assert job.task_result_id and job.started_at and job.finished_at
    assert AuditEvent.objects.filter(object_type="jobs.job", object_id=str(job.pk), action="create").exists()


def test_database_backend_queues_a_task_row_that_execute_runs(media):
    job = _enqueue()
    assert job.status == JobStatus.QUEUED
    row = DBTaskResult.objects.get(id=job.task_result_id)
    assert row.status == "READY" and row.args_kwargs["args"] == [job.pk]
    assert services.execute(job.pk) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.message == "ba bước" and job.result.read() == b"abc"
    assert services.execute(job.pk) == JobStatus.SUCCEEDED  # a second delivery does not run it again


def test_expected_failure_keeps_the_message_for_the_user(immediate):
    job = _enqueue("tests.refuse")
    assert job.status == JobStatus.FAILED
    assert job.message == "Đơn vị “Cao Bằng” không có dữ liệu năm 2031." and job.error_detail == ""


def test_unexpected_error_fails_the_job_with_a_clear_message_and_details_for_admins(immediate):
    job = _enqueue("tests.boom")
    assert job.status == JobStatus.FAILED and job.finished_at
    assert "lỗi không lường trước" in job.message and "ZeroDivisionError" in job.message
    assert "division by zero in step 2" in job.error_detail and "division by zero" not in job.message


def test_unreachable_queue_fails_the_job_instead_of_leaving_it_queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["other"]}}
    job = _enqueue()
    assert job.status == JobStatus.FAILED and "hàng đợi" in job.message


def test_cancel_a_queued_job_and_the_worker_then_skips_it():
    job = _enqueue()
    services.cancel(job, user("caobang"))
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.finished_at
    assert services.execute(job.pk) == JobStatus.CANCELLED
    job.refresh_from_db()
    assert job.done == 0 and not job.result


def test_cancel_a_running_job_stops_it_at_its_next_progress_report():
    job = _enqueue()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    services.cancel(job, user("caobang"))
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.cancel_requested
    with pytest.raises(services.JobCancelled):
        services.report_progress(job, 2, 3)


def test_cancelling_a_finished_job_is_refused_and_changes_nothing(immediate):
    job = _enqueue()
    before = Job.objects.filter(pk=job.pk).values().get()
    with pytest.raises(Conflict, match="đã kết thúc"):
        services.cancel(job, user("caobang"))
    assert Job.objects.filter(pk=job.pk).values().get() == before
    assert AuditEvent.objects.filter(object_type="jobs.job", object_id=str(job.pk), action="denied").exists()


def test_retry_makes_a_new_job_with_the_same_params(immediate):
    failed = _enqueue("tests.refuse", params={"year": 2031})
    again = services.retry(failed, user("caobang"))
    assert again.pk != failed.pk and again.retry_of == failed
    assert (again.kind, again.params, again.owner) == (failed.kind, {"year": 2031}, failed.owner)
    done = _enqueue()
    with pytest.raises(Conflict, match="Chỉ chạy lại được"):
        services.retry(done, user("caobang"))
    assert not Job.objects.filter(retry_of=done).exists()


def test_sweep_marks_failed_a_running_job_without_heartbeat_and_spares_a_live_one():
    dead, alive = _enqueue(), _enqueue()
    old = timezone.now() - timezone.timedelta(minutes=10)
    Job.objects.filter(pk=dead.pk).update(status=JobStatus.RUNNING, heartbeat_at=old)
    DBTaskResult.objects.filter(id=dead.task_result_id).update(status="RUNNING")
    Job.objects.filter(pk=alive.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    assert services.sweep_stale(stale_after=60) == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "dừng đột ngột" in dead.message and "Chạy lại" in dead.message
    assert DBTaskResult.objects.get(id=dead.task_result_id).status == "FAILED"
    assert alive.status == JobStatus.RUNNING
    assert services.sweep_stale(stale_after=60) == 0


def test_the_companion_beats_only_for_jobs_whose_process_is_alive():
    import os
    import subprocess

    from thidua.jobs.companion import beat

    gone = subprocess.Popen(["true"])
    gone.wait()
    live, dead, other = _enqueue(), _enqueue(), _enqueue()
    old = timezone.now() - timezone.timedelta(minutes=10)
    for job, worker_id in ((live, f"w1:{os.getpid()}"), (dead, f"w1:{gone.pid}"), (other, f"w2:{os.getpid()}")):
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=old, worker_id=worker_id)
    assert beat("w1") == 1
    beats = dict(Job.objects.filter(pk__in=[live.pk, dead.pk, other.pk]).values_list("pk", "heartbeat_at"))
    assert beats[live.pk] > old and beats[dead.pk] == old and beats[other.pk] == old
