"""Jobs: enqueue, run, report progress, cancel, retry, and sweep the ones whose worker died.

Contract:
- `enqueue` writes the Job (queued) and its audit row in one transaction, then hands the task to the configured
  backend (database, Redis, or immediate in development). Call it outside a transaction: a worker on another
  machine must see the row.
- `execute` (run by the worker) claims a queued job, runs its kind with a `JobContext`, and always ends the job
  as succeeded, failed (with a message for the user) or cancelled. While it runs, the worker's companion process
  writes its heartbeat (companion.py), and every progress report writes one too.
- `sweep_stale` marks failed every running job whose heartbeat is older than THIDUA_JOB_STALE_SECONDS: a worker
  killed mid-job leaves no job "running" for ever. `thidua worker` runs it at start and periodically.
- `cancel` and `retry` are the user's actions: only on a job the user may see (the caller looked it up through
  `Job.objects.visible_to`), refused with a Vietnamese message (and a "denied" audit row, nothing changed) when
  the job's state does not allow them.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.core import audit, refusals
from thidua.core.refusals import Conflict
from thidua.jobs import registry
from thidua.jobs.models import FINISHED, Job, JobStatus
from thidua.jobs.registry import JobCancelled, JobFailed, JobOutput
from thidua.lib.uploads import safe_name

log = logging.getLogger(__name__)

# Set by `thidua worker` (and inherited by the processes RQ forks). A running job records "<worker name>:<pid of
# the process running it>"; the worker's companion process (companion.py) beats for it while that process lives.
worker_name = f"inline-{socket.gethostname()}"


# --- Enqueue -------------------------------------------------------------------------------------------------

def enqueue(kind: str, *, owner, title: str, params: dict[str, Any] | None = None, organization=None,
            retry_of: Job | None = None) -> Job:
    """Create a queued job of `kind` for `owner` and send it to the workers. Returns the job (already finished
    when the backend is immediate)."""
    if registry.get(kind) is None:
        raise ValueError(f"unknown job kind {kind!r}; registered: {registry.names()}")
    with transaction.atomic():
        job = Job.objects.create(kind=kind, title=title[:255], owner=owner, organization=organization,
                                 params=params or {}, retry_of=retry_of)
        audit.record("create", job, after=audit.snapshot(job, ["kind", "title", "params", "retry_of"]), user=owner,
                     organization=organization)
    _send(job)
    job.refresh_from_db()
    return job


def _send(job: Job) -> None:
    try:
        from thidua.jobs.tasks import run_job

        result = run_job.using(queue_name=settings.THIDUA_TASKS_QUEUE).enqueue(job.pk)
    except Exception as exc:  # the queue is unreachable (Redis down…): the job must not wait for ever
        log.exception("could not enqueue job %s", job.pk)
        _finish(job.pk, JobStatus.FAILED, message=_("Không gửi được công việc tới hàng đợi xử lý (%(error)s). "
                                                    "Hãy thử lại sau hoặc báo quản trị viên.") % {"error": exc},
                statuses=(JobStatus.QUEUED,))
        return
    Job.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=str(result.id)[:64])


# --- Run -----------------------------------------------------------------------------------------------------

class JobContext:
    """What a kind's function gets: the job, its params, and `progress` (which also stops a cancelled job)."""

    def __init__(self, job: Job):
        self.job = job
        self.params = job.params

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        report_progress(self.job, done, total, message)


def report_progress(job: Job, done: int, total: int | None = None, message: str = "") -> None:
    """Record how far the job is (and a heartbeat). Raises JobCancelled when the user asked to cancel."""
    fields: dict[str, Any] = {"done": max(0, int(done)), "heartbeat_at": timezone.now()}
    if total is not None:
        fields["total"] = max(0, int(total))
    if message:
        fields["message"] = message[:500]
    updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, cancel_requested=False).update(**fields)
    if not updated:
        raise JobCancelled()
    job.done = fields["done"]
    if total is not None:
        job.total = fields["total"]


def execute(job_id: int) -> str:
    """Run one job to its end (called by the task). Returns the final status."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker_id=f"{worker_name}:{os.getpid()}"[-128:])
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        log.warning("job %s does not exist (any more); nothing to run", job_id)
        return "missing"
    if not claimed:  # cancelled while queued, or already run by another worker
        return job.status
    kind = registry.get(job.kind)
    if kind is None:
        _finish(job.pk, JobStatus.FAILED, message=_("Máy chủ xử lý không biết loại công việc “%(kind)s” "
                                                    "(phiên bản phần mềm khác?).") % {"kind": job.kind})
        return JobStatus.FAILED
    try:
        output = kind.run(JobContext(job)) or JobOutput()
    except JobCancelled:
        _finish(job.pk, JobStatus.CANCELLED, message=_("Đã hủy theo yêu cầu."))
        return JobStatus.CANCELLED
    except JobFailed as exc:
        _finish(job.pk, JobStatus.FAILED, message=exc.message)
        return JobStatus.FAILED
    except Exception as exc:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job.pk, JobStatus.FAILED,
                message=_("Công việc gặp lỗi không lường trước (%(error)s) và đã dừng. Quản trị viên xem được "
                          "chi tiết; bạn có thể chạy lại.") % {"error": type(exc).__name__},
                error_detail="".join(traceback.format_exception(exc))[-20000:])
        return JobStatus.FAILED
    _succeed(job, output)
    return JobStatus.SUCCEEDED


def _succeed(job: Job, output: JobOutput) -> None:
    job.refresh_from_db()
    if job.cancel_requested:  # asked while the last step ran: the user wanted no result
        _finish(job.pk, JobStatus.CANCELLED, message=_("Đã hủy theo yêu cầu."))
        return
    if output.content is not None:
        name = safe_name(output.filename or "ket-qua")
        job.result.save(name, ContentFile(output.content), save=False)
        job.result_name = name
    job.data = output.data or {}
    job.status = JobStatus.SUCCEEDED
    job.finished_at = timezone.now()
    job.message = (output.message or _("Đã xong."))[:500]
    if job.total is not None:
        job.done = job.total
    job.save(update_fields=["result", "result_name", "data", "status", "finished_at", "message", "done"])


def _finish(job_id: int, status: str, *, message: str, error_detail: str = "",
            statuses: tuple = (JobStatus.QUEUED, JobStatus.RUNNING)) -> bool:
    return bool(Job.objects.filter(pk=job_id, status__in=statuses).update(
        status=status, finished_at=timezone.now(), message=message[:500], error_detail=error_detail))


# --- The user's actions --------------------------------------------------------------------------------------

def cancel(job: Job, user) -> Job:
    """Cancel a queued job at once; ask a running one to stop at its next progress report."""
    refusal = None
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status in FINISHED:
            refusal = _("Công việc “%(title)s” đã kết thúc (%(status)s), không hủy được.") % {
                "title": locked.title, "status": locked.get_status_display()}
        elif locked.cancel_requested:
            refusal = _("Công việc “%(title)s” đang được hủy.") % {"title": locked.title}
        else:
            _cancel(locked, user)
    if refusal:
        refusals.deny(user, locked, refusal, cls=Conflict, reason="cancel: " + refusal)
    return locked


def _cancel(locked: Job, user) -> None:
    before = audit.snapshot(locked, ["status", "cancel_requested"])
    if locked.status == JobStatus.QUEUED:
        locked.status = JobStatus.CANCELLED
        locked.finished_at = timezone.now()
        locked.message = _("Đã hủy trước khi bắt đầu.")
    else:
        locked.cancel_requested = True
        locked.message = _("Đang hủy…")
    locked.save(update_fields=["status", "finished_at", "message", "cancel_requested"])
    audit.record("change", locked, before=before, after=audit.snapshot(locked, ["status", "cancel_requested"]),
                 user=user, reason="cancel")


def retry(job: Job, user) -> Job:
    """A new job with the same kind and parameters as a failed or cancelled one (the old one stays as it was)."""
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        message = _("Chỉ chạy lại được công việc thất bại hoặc đã hủy; “%(title)s” đang ở trạng thái "
                    "%(status)s.") % {"title": job.title, "status": job.get_status_display()}
        refusals.deny(user, job, message, cls=Conflict, reason="retry: " + message)
    return enqueue(job.kind, owner=job.owner, title=job.title, params=job.params, organization=job.organization,
                   retry_of=job)


# --- Jobs whose worker died ----------------------------------------------------------------------------------

def sweep_stale(now=None, stale_after: float | None = None) -> int:
    """Mark failed the running jobs without a heartbeat for `stale_after` seconds. Returns how many."""
    now = now or timezone.now()
    stale_after = float(settings.THIDUA_JOB_STALE_SECONDS if stale_after is None else stale_after)
    limit = now - timedelta(seconds=stale_after)
    stale = list(Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=limit))
    swept = 0
    for job in stale:
        message = _("Tiến trình xử lý đã dừng đột ngột (máy chủ xử lý bị tắt hoặc khởi động lại); không có tín hiệu "
                    "từ %(since)s. Kết quả dở dang đã bỏ; bấm “Chạy lại” để chạy lại.") % {
            "since": timezone.localtime(job.heartbeat_at).strftime("%H:%M:%S %d/%m/%Y")}
        status = JobStatus.CANCELLED if job.cancel_requested else JobStatus.FAILED
        with transaction.atomic():
            if not Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=limit).update(
                    status=status, finished_at=now, message=message[:500]):
                continue  # it beat (or finished) meanwhile
            audit.record("change", job, before={"status": JobStatus.RUNNING}, after={"status": status},
                         reason="stale: no heartbeat", user=None)
        _fail_task_result(job.task_result_id)
        swept += 1
    return swept


def _fail_task_result(result_id: str) -> None:
    """The database backend's own row of a killed worker stays RUNNING: mark it failed too (the task will not be
    run again; a retry is a new job)."""
    if not result_id or settings.THIDUA_TASKS_BACKEND != "database":
        return
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.filter(id=result_id, status="RUNNING").update(status="FAILED", finished_at=timezone.now())
    except Exception:  # a malformed id: nothing to mark
        log.warning("task result %s not marked failed", result_id, exc_info=True)
