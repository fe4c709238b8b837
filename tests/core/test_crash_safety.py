"""Crash safety: killing the server during dossier submissions loses nothing that was acknowledged and leaves
nothing half-written. The work is done by bench/crash_safety.py (a throw-away demo database, the production
server under gunicorn, 6 API clients creating dossiers, adding items and submitting, SIGKILL of the server's
process group twice with requests in flight, restart, then checks through the API and the ORM); this test runs
it and asserts on its figures. It starts servers and kills them, so it is marked `slow`: not in `make test`, run by
.ci/run (`make test-slow`) on SQLite (the demo database copied from tests/demo_db.py's cache) and, being `engine`
(its outcome depends on the database), again on PostgreSQL (`make test-slow-pg`: a separate database
`thidua_crash_<pid>` is created on that server and dropped afterwards)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.engine]

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_sigkill_during_dossier_submissions_loses_nothing_acknowledged(tmp_path):
    out = tmp_path / "crash.json"
    run = subprocess.run([sys.executable, str(REPO_ROOT / "bench" / "crash_safety.py"), "--json", str(out),
                          "--threads", "6", "--kill-after", "60", "--rounds", "2"],
                         capture_output=True, text=True, timeout=900, cwd=REPO_ROOT)
    assert out.exists(), f"the crash run did not finish:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    f = json.loads(out.read_text())
    print(json.dumps(f, ensure_ascii=False))
    assert f["problems"] == [] and run.returncode == 0, f["problems"][:20]
    # The kills really happened mid-traffic: every round was killed with requests in flight, after 60 answers.
    assert len(f["rounds"]) == 2
    for r in f["rounds"]:
        assert r["acked"] >= 60 and r["in_flight_at_kill"] >= 1 and r["unanswered"] >= 1
    acked = f["acknowledged"]
    assert acked["dossiers"] >= 10 and acked["items"] >= 10 and acked["submitted"] >= 1
    # Everything acknowledged is in the database after the restart; what is there beyond it can only be work
    # committed by a request that was in flight at a kill (its answer lost with the server).
    unanswered = sum(r["unanswered"] for r in f["rounds"])
    assert 0 <= f["dossiers_in_db"] - acked["dossiers"] <= unanswered
    assert 0 <= f["items_in_db"] - acked["items"] <= unanswered
    assert 0 <= f["submitted_in_db"] - acked["submitted"] <= unanswered
    assert f["integrity"] in ("ok", "n/a")
