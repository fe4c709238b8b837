"""The daily reminder task (django-tasks): enqueued once a day by `thidua worker` (office.reminders)."""

from datetime import date

from django.conf import settings

try:  # Django 6 has the framework built in; the backport has the same API
    from django.tasks import task
except ImportError:
    from django_tasks import task


@task(queue_name=settings.THIDUA_TASKS_QUEUE)
def send_daily_reminders(day: str) -> int:
    from thidua.office.reminders import run_reminders

    return run_reminders(date.fromisoformat(day))
