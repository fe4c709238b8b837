"""Browser-test fixtures: a real `thidua` server on a throw-away SQLite file, and headless Debian Chromium.

These tests never use pytest-django's database fixtures. The server runs in a subprocess:
`thidua demo` (migrate + reference scenario + demo accounts; built once and copied, tests/demo_db.py) into a
temporary THIDUA_VAR_DIR, then `thidua runserver --noreload` on a free port. The browser is Debian's Chromium (a
Playwright-downloaded browser is never used): its headless shell (package chromium-headless-shell) when installed,
else /usr/bin/chromium. The shell renders with the same Blink; the full browser in headless mode spent twice the CPU
on the same tests (72 against 37 core-seconds for the 17 tests, most of .ci/run's browser step).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests import demo_db

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent  # not resolved: the venv's python may be a symlink to the system one
CHROMIUM = os.environ.get("THIDUA_CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if Path(path).exists()),
    "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 60  # seconds for runserver to answer
TIMEOUT_MS = 30_000  # Playwright actions and assertions
NAVIGATION_TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no log)"


def _answers(url: str) -> bool:
    """True once the server sends any HTTP response (even an error status). Ignores proxy settings."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """Base URL (no trailing slash) of a running `thidua` server loaded with the reference scenario."""
    thidua = VENV_BIN / "thidua"
    assert thidua.exists(), f"{thidua} not found: install the project in the venv (make test-browser does)"
    var_dir = tmp_path_factory.mktemp("thidua-var")
    env = {
        **os.environ,
        "THIDUA_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "thidua.settings",
        "DEBUG": "true",  # runserver serves the static files (Bootstrap) only with DEBUG on
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)  # always SQLite under var_dir, even when CI has DATABASE_URL set

    env = demo_db.prepare(var_dir, env)  # `thidua demo`, built once and copied (tests/demo_db.py)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = var_dir / "runserver.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(thidua), "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(base_url + "/dang-nhap/"):
            if proc.poll() is not None:
                pytest.fail(f"runserver exited with {proc.returncode}:\n{_tail(log_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"runserver did not answer within {START_TIMEOUT} s:\n{_tail(log_path)}")
            time.sleep(0.25)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        print(f"\nthidua server log: {log_path}")


@pytest.fixture(scope="session")
def chromium_browser():
    """Headless Debian Chromium driven by Playwright (sync API), one per session."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium-headless-shell fonts-liberation"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium_browser):
    """A fresh page (own context: no cookies) at 1400x1000, Vietnamese locale."""
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def touch_page(chromium_browser):
    """A page at desktop size in a touch-enabled context (resized to the phone's width by `check_both`)."""
    width, height = 1440, 900
    context = chromium_browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                           has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
