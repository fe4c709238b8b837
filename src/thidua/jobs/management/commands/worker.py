"""`thidua worker`: run background jobs with the configured backend (THIDUA_TASKS_BACKEND), plus the sweep that
marks failed the jobs of a worker that died (at start, then every THIDUA_JOB_SWEEP_SECONDS from the companion
process that also writes the heartbeat of this worker's jobs: jobs/companion.py).

    thidua worker              run until stopped (SIGTERM/Ctrl+C: finishes the job in hand, then exits)
    thidua worker --burst      run what is queued, then exit (CI, cron)

database: django-tasks-db's `db_worker` (any number of workers, on any machines sharing the database: PostgreSQL
hands each task to one worker with SELECT … FOR UPDATE SKIP LOCKED). redis: django-rq's `rqworker` with
django-tasks-rq's job class.
"""

import os
import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string

from thidua.jobs import companion, services


class Command(BaseCommand):
    help = "Run a background-job worker (database or Redis backend, per THIDUA_TASKS_BACKEND) and the stale-job sweep."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="run the queued jobs, then exit")
        parser.add_argument("--queue", default=None, help="queue name (default: THIDUA_TASKS_QUEUE)")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="database backend: seconds between polls when the queue is empty")
        parser.add_argument("--max-tasks", type=int, default=None, help="exit after this many jobs")

    def handle(self, *args, burst=False, queue=None, interval=1.0, max_tasks=None, verbosity=1, **options):
        backend = settings.THIDUA_TASKS_BACKEND
        queue = queue or settings.THIDUA_TASKS_QUEUE
        name = f"{socket.gethostname()}-{os.getpid()}-{get_random_string(6)}"[:64]
        if backend not in ("database", "redis"):
            raise CommandError(f"THIDUA_TASKS_BACKEND={backend}: jobs run inside the request, there is no queue "
                               "for a worker (set THIDUA_TASKS_BACKEND=database or redis).")
        services.worker_name = name
        swept = services.sweep_stale()
        if verbosity:
            self.stdout.write(f"thidua worker {name}: backend {backend}, queue {queue!r}; "
                              f"{swept} stale job(s) marked failed")
        companion.start(name)
        if backend == "database":
            call_command("db_worker", queue_name=queue, batch=burst, reload=False, interval=interval,
                         startup_delay=False, worker_id=name, max_tasks=max_tasks, verbosity=verbosity,
                         stdout=self.stdout._out, stderr=self.stderr._out)
        elif backend == "redis":
            call_command("rqworker", queue, job_class="django_tasks_rq.Job", burst=burst, name=name,
                         max_jobs=max_tasks, verbosity=verbosity)
