"""The one Django Tasks task: run a Job by id. Every kind of job goes through it, so a worker needs to import only
this module (the kinds register themselves when Django starts)."""

from django.conf import settings

from thidua.jobs.services import execute

try:  # Django 6 has the framework built in; the backport has the same API
    from django.tasks import task
except ImportError:
    from django_tasks import task


@task(queue_name=settings.THIDUA_TASKS_QUEUE)
def run_job(job_id: int) -> str:
    return execute(job_id)
