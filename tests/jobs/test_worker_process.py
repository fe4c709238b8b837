"""Real worker processes (`thidua worker`) on a throw-away SQLite database shared with the test through files:
a job survives its worker being killed (SIGKILL mid-job: the sweep at the next worker's start marks it failed with
a clear message; a retry then runs to the end), and the Redis backend (django-tasks-rq) runs a job end to end.

The Redis test needs the server at REDIS_URL (127.0.0.1:6379 by default); it is skipped without one, except when
THIDUA_REQUIRE_REDIS=1 (.ci/run sets it), where a missing server fails it. The worker tests start processes and
wait for heartbeats: they are `slow` (make test-slow); the Redis one runs in .ci/run's Redis step. The test reads and
writes the database through one Django process of its own (DjangoShell), not a new one for each reading."""

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests import demo_db

THIDUA = str(Path(sys.executable).parent / "thidua")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """One migrated database for the module (copied per test): migrations take a few seconds, so the empty
    migrated database is itself built once and copied (tests/demo_db.py)."""
    base = tmp_path_factory.mktemp("jobs-db")
    env = _env(base)
    demo_db.migrated_sqlite(base / "db.sqlite3", env)
    _django(env, "from django.contrib.auth import get_user_model as g; g().objects.create_user('owner', password='x')")
    return base / "db.sqlite3"


def _env(var: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "THIDUA_TASKS", "PYTEST"))}
    env.update({"DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}", "THIDUA_VAR_DIR": str(var), "DEBUG": "1",
                "THIDUA_JOB_HEARTBEAT_SECONDS": "0.5", "THIDUA_JOB_STALE_SECONDS": "3", **extra})
    return env


def _django(env: dict, code: str) -> str:
    run = subprocess.run([sys.executable, "-c", _SETUP + code], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


_SETUP = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'thidua.settings'); django.setup()\n"
# The loop of a Django process that runs the snippets it is sent (one JSON string a line) as `_django` runs one
# per process, answering with their output; its connection closed after each, as at a process's end.
_SHELL = _SETUP + """
import contextlib, io, json, sys, traceback
from django.db import connections
for line in sys.stdin:
    out, ok = io.StringIO(), True
    try:
        with contextlib.redirect_stdout(out):
            exec(json.loads(line), {})
    except BaseException:
        ok = False
        out.write(traceback.format_exc())
    finally:
        connections.close_all()
    print("\x1eanswer " + json.dumps({"ok": ok, "out": out.getvalue()}), flush=True)
"""


class DjangoShell:
    """The test's side of the database: one Django process for all of a test's snippets (enqueue, read a job,
    retry, sweep), each as `_django` would run it in a process of its own. A Django start costs about 0.7 s of
    CPU, and the tests read the job's state every few tenths of a second while they wait."""

    def __init__(self, env: dict):
        self.proc = subprocess.Popen([sys.executable, "-c", _SHELL], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.pending = b""

    def _line(self, code: str) -> str:
        while b"\n" not in self.pending:
            if not select.select([self.proc.stdout], [], [], 120)[0]:
                raise AssertionError(f"no answer in 120 s to:\n{code}")
            chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
            assert chunk, f"the Django process ended (status {self.proc.wait(timeout=10)})"
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode()

    def __call__(self, code: str) -> str:
        self.proc.stdin.write(json.dumps(code).encode() + b"\n")
        self.proc.stdin.flush()
        # Lines that are not an answer (anything printed while Django started) are passed over.
        while not (line := self._line(code)).startswith("\x1eanswer "):
            pass
        reply = json.loads(line.removeprefix("\x1eanswer "))
        assert reply["ok"], reply["out"][-3000:]
        return reply["out"]

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _enqueue(django, **params) -> int:
    return int(django("from django.contrib.auth import get_user_model as g\nfrom thidua.jobs import services\n"
                      f"print(services.enqueue('jobs.selftest', owner=g().objects.get(username='owner'), "
                      f"title='Kiểm tra', params={params!r}).pk)").strip().splitlines()[-1])


def _job(django, pk: int) -> dict:
    out = django("import json\nfrom thidua.jobs.models import Job\n"
                 f"print(json.dumps(Job.objects.filter(pk={pk}).values('status', 'done', 'total', 'message', "
                 "'retry_of', 'params', 'task_result_id').get(), ensure_ascii=False))")
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def env(migrated, tmp_path):
    shutil.copy(migrated, tmp_path / "db.sqlite3")
    return _env(tmp_path)


@pytest.fixture
def django(env):
    shell = DjangoShell(env)
    yield shell
    shell.close()


@pytest.mark.slow
def test_a_killed_worker_leaves_a_failed_job_that_can_be_retried(env, django, tmp_path):
    go = tmp_path / "go"  # the job waits for this file before its steps: the kill always lands mid-job
    pk = _enqueue(django, steps=12, step_seconds=0.05, quiet_until_file=str(go))
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen([THIDUA, "worker", "--interval", "0.2"], env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while (state := _job(django, pk))["total"] != 12:
            assert time.monotonic() < deadline and worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    state = _job(django, pk)
    assert state["status"] == "running" and state["done"] == 0  # killed mid-job: nothing else will end it
    time.sleep(3.5)  # longer than THIDUA_JOB_STALE_SECONDS
    run = subprocess.run([THIDUA, "worker", "--burst"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "1 stale job(s) marked failed" in run.stdout, run.stdout + run.stderr
    state = _job(django, pk)
    assert state["status"] == "failed", state
    assert "dừng đột ngột" in state["message"] and "Chạy lại" in state["message"]
    # The retry is a new job with the same parameters; a worker runs it to the end.
    go.touch()
    new = int(django("from thidua.jobs import services\nfrom thidua.jobs.models import Job\n"
                     f"j = Job.objects.get(pk={pk}); print(services.retry(j, j.owner).pk)").strip().split()[-1])
    run = subprocess.run([THIDUA, "worker", "--burst"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    again = _job(django, new)
    assert again["retry_of"] == pk and again["params"] == {"steps": 12, "step_seconds": 0.05, "quiet_until_file": str(go)}
    assert again["status"] == "succeeded" and again["done"] == again["total"] == 12


@pytest.mark.slow
def test_a_live_job_that_reports_nothing_for_a_while_is_not_swept(env, django, tmp_path):
    """The worker's companion process beats for the job while the process running it lives."""
    go = tmp_path / "go"
    pk = _enqueue(django, steps=2, step_seconds=0, quiet_until_file=str(go))
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen([THIDUA, "worker", "--interval", "0.2"], env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _job(django, pk)["status"] == "queued":
            assert time.monotonic() < deadline and worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        time.sleep(4)  # longer than THIDUA_JOB_STALE_SECONDS without a progress report
        swept = django("from thidua.jobs.services import sweep_stale; print(sweep_stale())").split()[-1]
        assert swept == "0" and _job(django, pk)["status"] == "running"
        go.touch()
        deadline = time.monotonic() + 120
        while (state := _job(django, pk))["status"] == "running":
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.3)
        assert state["status"] == "succeeded", state
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=20)


def _redis_url() -> str | None:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        if os.environ.get("THIDUA_REQUIRE_REDIS") == "1":
            pytest.fail(f"THIDUA_REQUIRE_REDIS=1 but Redis does not answer at {url}")
        pytest.skip(f"no Redis at {url}")
    return url


@pytest.mark.slow
@pytest.mark.redis
def test_redis_backend_runs_a_job_through_a_worker(migrated, tmp_path):
    url = _redis_url()
    shutil.copy(migrated, tmp_path / "db.sqlite3")
    # A queue of its own: another test run on the same Redis server cannot take this job.
    env = _env(tmp_path, THIDUA_TASKS_BACKEND="redis", REDIS_URL=url, THIDUA_TASKS_QUEUE=f"thidua-test-{uuid.uuid4().hex[:8]}")
    django = DjangoShell(env)
    try:
        pk = _enqueue(django, steps=3, step_seconds=0.05)
        queued = _job(django, pk)
        assert queued["status"] == "queued" and queued["task_result_id"]
        run = subprocess.run([THIDUA, "worker", "--burst"], env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        assert "backend redis" in run.stdout
        done = _job(django, pk)
        assert done["status"] == "succeeded" and done["done"] == done["total"] == 3, done
        # The task result is read back through the Django Tasks API on the Redis backend.
        status = django("from django_tasks import default_task_backend as b\n"
                        f"print(b.get_result({queued['task_result_id']!r}).status)").strip().splitlines()[-1]
        assert status.endswith("SUCCESSFUL")
    finally:
        django.close()
