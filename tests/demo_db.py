"""The demo database (`thidua demo`: migrate, reference scenario, demo accounts, on SQLite) built once and copied
for each process-level use: the browser tests (tests/browser/conftest.py), bench/api_fuzz.py and, on SQLite,
bench/crash_safety.py. Building it takes about a minute on a quiet 2-core machine; a copy takes a fraction of a second.

    env = prepare(var_dir, env)   # var_dir holds thidua.sqlite3 and media/ afterwards; env gets SECRET_KEY

The copy lives in var/test-cache/demo-<key>/ (THIDUA_TEST_CACHE_DIR to move it), with the collected static files
when asked (api_fuzz: production settings serve hashed names). Its key is a hash of every file under src/thidua,
pyproject.toml and the date in Vietnam (the scenario dates its dossiers and sessions from today), so any change of
code, migrations or data builds it anew. Sealed ballots open only with the SECRET_KEY they were sealed with: the
copy keeps the key it was built with, and `prepare` puts it into the returned environment. THIDUA_TEST_CACHE=0
runs `thidua demo` every time (with a fresh key).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = Path(os.environ.get("THIDUA_TEST_CACHE_DIR", REPO_ROOT / "var" / "test-cache"))
THIDUA = Path(sys.executable).parent / "thidua"  # not resolved: the venv's python may be a symlink


def source_hash() -> str:
    """A hash of every file under src/thidua (names and contents; compiled files left out) and of pyproject.toml."""
    root = REPO_ROOT / "src" / "thidua"
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    h.update((REPO_ROOT / "pyproject.toml").read_bytes())  # the dependencies (Bootstrap's static files)
    return h.hexdigest()


def key() -> str:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    return hashlib.sha256(f"{source_hash()}|{today}".encode()).hexdigest()[:16]


def _demo(var_dir: Path, env: dict) -> None:
    run = subprocess.run([str(THIDUA), "demo"], env={**env, "THIDUA_VAR_DIR": str(var_dir)}, cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=900)
    if run.returncode != 0:
        raise RuntimeError(f"`thidua demo` failed ({run.returncode}):\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")


def _collectstatic(var_dir: Path, env: dict) -> None:
    subprocess.run([str(THIDUA), "collectstatic", "--noinput"], env={**env, "THIDUA_VAR_DIR": str(var_dir)},
                   cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL, timeout=900)


def prepare(var_dir: Path, env: dict, *, static: bool = False) -> dict:
    """The demo database in `var_dir` (SQLite: env must not name another DATABASE_URL); returns `env` with
    THIDUA_VAR_DIR and the SECRET_KEY of the copy. `static`: also the collected static files (production
    settings: `env` has DEBUG=0), collected once into the copy."""
    var_dir = Path(var_dir)
    env = {**env, "THIDUA_VAR_DIR": str(var_dir)}
    env.pop("DATABASE_URL", None)
    if os.environ.get("THIDUA_TEST_CACHE", "1") == "0":
        env["SECRET_KEY"] = secrets.token_urlsafe(48)
        _demo(var_dir, env)
        if static:
            _collectstatic(var_dir, env)
        return env
    copy = CACHE_DIR / f"demo-{key()}"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / "demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (copy / "secret-key").exists():
            for old in CACHE_DIR.glob("demo-*"):  # an earlier key's copy: never used again
                if old.is_dir():
                    shutil.rmtree(old)
            build = CACHE_DIR / "demo-building"
            shutil.rmtree(build, ignore_errors=True)
            secret = secrets.token_urlsafe(48)
            _demo(build, {**env, "SECRET_KEY": secret})
            (build / "secret-key").write_text(secret)  # written last: marks the copy complete
            build.rename(copy)
        if static and not (copy / "static-collected").exists():
            _collectstatic(copy, {**env, "SECRET_KEY": (copy / "secret-key").read_text()})
            (copy / "static-collected").touch()
        shutil.copytree(copy, var_dir, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("secret-key", "static-collected"))
    env["SECRET_KEY"] = (copy / "secret-key").read_text()
    return env
