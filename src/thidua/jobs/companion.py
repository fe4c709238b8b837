"""The worker's companion: a small process forked by `thidua worker` before it starts taking jobs. It

- writes the heartbeat of the jobs this worker is running, while the process running each one is alive
  (a job's `worker_id` is "<worker name>:<pid>": the worker itself, or the work-horse RQ forks per job);
- runs the stale-job sweep every THIDUA_JOB_SWEEP_SECONDS (any worker's dead jobs, on any machine);
- ends when the worker ends (its parent is gone): a killed worker's jobs stop beating and are swept.

A process rather than a thread so that the worker stays single-threaded: the eligibility evaluation forks its own
processes over the cores only from a single-threaded process (thidua.eligibility.loader.can_fork).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time

from django.conf import settings
from django.db import connections
from django.utils import timezone

from thidua.jobs.models import Job, JobStatus
from thidua.jobs.services import sweep_stale

log = logging.getLogger(__name__)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def beat(name: str) -> int:
    """Write the heartbeat of this worker's running jobs whose process is alive. Returns how many."""
    alive = []
    for pk, worker_id in Job.objects.filter(status=JobStatus.RUNNING, worker_id__startswith=f"{name}:").values_list(
            "pk", "worker_id"):
        pid = worker_id.rsplit(":", 1)[-1]
        if pid.isdigit() and _alive(int(pid)):
            alive.append(pk)
    if alive:
        Job.objects.filter(pk__in=alive, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
    return len(alive)


def _run(name: str, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the worker decides, we follow
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    every_beat = float(settings.THIDUA_JOB_HEARTBEAT_SECONDS)
    every_sweep = float(settings.THIDUA_JOB_SWEEP_SECONDS)
    next_sweep = time.monotonic() + every_sweep
    while os.getppid() == parent:
        try:
            beat(name)
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + every_sweep
                sweep_stale()
                _daily()
        except Exception:  # the database may be away for a moment; try again at the next beat
            log.warning("job heartbeat/sweep failed", exc_info=True)
            connections.close_all()
        time.sleep(every_beat)
    connections.close_all()
    os._exit(0)


def _daily() -> None:
    """The daily jobs (django-tasks has no scheduler): enqueued once a day whatever the number of workers."""
    from django.utils.module_loading import import_string

    for path in settings.THIDUA_DAILY_JOBS:
        import_string(path)()


def start(name: str) -> multiprocessing.Process:
    connections.close_all()  # the child must not share this process's connection
    proc = multiprocessing.get_context("fork").Process(target=_run, args=(name, os.getpid()), daemon=True,
                                                       name=f"{name}-companion")
    proc.start()
    return proc
