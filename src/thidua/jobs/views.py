"""The jobs pages: my jobs (administrators: everyone's), one job with a progress panel that htmx polls while the
job runs, cancel and retry (POST), the result to download. A job of someone else is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from thidua.core import refusals
from thidua.core.refusals import Conflict
from thidua.jobs import registry, services
from thidua.jobs.models import Job, JobStatus, is_job_admin
from thidua.lib.uploads import serve_file


def _job(request, pk: int) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user).select_related("owner", "organization"), pk=pk)


def _context(request, job: Job) -> dict:
    kind = registry.get(job.kind)
    return {"job": job, "kind_label": kind.label if kind else job.kind, "is_admin": is_job_admin(request.user),
            "can_retry": job.status in (JobStatus.FAILED, JobStatus.CANCELLED)}


@login_required
def job_list(request):
    jobs = Job.objects.visible_to(request.user).select_related("owner", "organization")
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    labels = {name: registry.get(name).label for name in registry.names()}
    rows = [(job, labels.get(job.kind, job.kind)) for job in page]
    context = {"page": page, "rows": rows, "is_admin": is_job_admin(request.user),
               "polling": any(not job.finished for job in page)}
    if request.htmx:
        return render(request, "jobs/_table.html", context)
    return render(request, "jobs/list.html", context)


@login_required
def job_detail(request, pk: int):
    job = _job(request, pk)
    return render(request, "jobs/detail.html", _context(request, job))


@login_required
def job_progress(request, pk: int):
    """The panel alone (polled by htmx every second while the job is queued or running)."""
    job = _job(request, pk)
    return render(request, "jobs/_panel.html", _context(request, job))


@login_required
@require_POST
def job_cancel(request, pk: int):
    job = _job(request, pk)
    try:
        services.cancel(job, request.user)
    except Conflict as exc:
        messages.error(request, refusals.message(exc))
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def job_retry(request, pk: int):
    job = _job(request, pk)
    try:
        new = services.retry(job, request.user)
    except Conflict as exc:
        messages.error(request, refusals.message(exc))
        return redirect("jobs:detail", pk=job.pk)
    return redirect("jobs:detail", pk=new.pk)


@login_required
def job_download(request, pk: int):
    job = _job(request, pk)
    if job.status != JobStatus.SUCCEEDED or not job.result:
        raise Http404("Công việc chưa có kết quả để tải.")
    return serve_file(job.result, job.result_name or None)
