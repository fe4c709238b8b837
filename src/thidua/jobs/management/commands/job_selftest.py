"""`thidua job_selftest USERNAME [--steps N] [--wait SECONDS]`: enqueue the self-test job (and optionally wait for a
worker to finish it): checks after a deployment that workers are running and share the queue."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from thidua.jobs import services
from thidua.jobs.models import Job, JobStatus


class Command(BaseCommand):
    help = "Enqueue the self-test background job; with --wait, wait for a worker to finish it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--steps", type=int, default=3)
        parser.add_argument("--step-seconds", type=float, default=0.1)
        parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the result (0: do not wait)")

    def handle(self, username, steps, step_seconds, wait, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        job = services.enqueue("jobs.selftest", owner=user, title="Kiểm tra máy chủ xử lý",
                               params={"steps": steps, "step_seconds": step_seconds})
        self.stdout.write(f"job {job.pk} {job.status}")
        deadline = time.monotonic() + wait
        while wait and job.status not in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED):
            if time.monotonic() > deadline:
                raise CommandError(f"job {job.pk} still {job.status} after {wait} s: is a worker running?")
            time.sleep(0.2)
            job = Job.objects.get(pk=job.pk)
        if wait:
            self.stdout.write(f"job {job.pk} {job.status}: {job.message}")
            if job.status != JobStatus.SUCCEEDED:
                raise CommandError(f"job {job.pk} {job.status}")
