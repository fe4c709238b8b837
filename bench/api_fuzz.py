"""Schemathesis against the API's own OpenAPI schema, with an authenticated token (`make api-fuzz`, .ci/run).

    .venv/bin/python bench/api_fuzz.py [--max-examples 20] [--max-time 0] [--seed 1] [--http] [-- extra schemathesis args]

1. `thidua demo` (migrate + reference scenario + demo accounts) into a temporary THIDUA_VAR_DIR (SQLite),
   then `collectstatic` (production settings serve hashed static names): both built once and copied
   (tests/demo_db.py, var/test-cache/);
2. `thidua token create trunguong api-fuzz` (the Central Board: national scope, so every id is in scope);
3. `schemathesis run /api/v1/schema/ -H "Authorization: Token <key>" --checks all` against the application
   in-process, with production settings (DEBUG=0): schemathesis' own CLI, with its schema loaded from Django's
   WSGI application instead of a URL, so that every request goes through its WSGI transport (no server, no
   sockets). Two such processes run side by side, each on its own copy of the database: one runs the coverage
   phase, the other the examples, fuzzing and stateful phases (one process is bound to one core: the fuzzer and
   the application share its interpreter).
   --http runs one schemathesis process over HTTP against `thidua runserver 127.0.0.1:<free port>` instead.
   Either way: every operation, every phase (examples, coverage, fuzzing, stateful) once, at most --max-examples
   cases per operation; exits non-zero on any 5xx, schema violation or other failed check.
   No time budget by default: under --max-time schemathesis keeps fuzzing until the budget is spent (a longer
   soak, e.g. --max-time 600, finds more); one pass is what CI needs. A wall-clock limit stops a hung run.

Nothing but 127.0.0.1 is contacted. The temporary directory is removed afterwards (--keep to keep it and the
server log).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
from tests import demo_db  # noqa: E402  (the repository root on the path first)

VENV_BIN = Path(sys.executable).parent  # not resolved: the venv's python may be a symlink to the system one
# The phases of each in-process run, side by side: about the same time each.
PHASE_GROUPS = ["coverage", "examples,fuzzing,stateful"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def in_process(argv: list[str]) -> None:
    """`schemathesis <argv>` in this process, its schema (and every request) going to Django's WSGI application:
    the CLI's own loader, which would fetch the LOCATION URL, is replaced by `from_wsgi` on that URL's path."""
    import logging
    from urllib.parse import urlsplit

    import schemathesis
    import schemathesis.cli.loaders
    from django.core.wsgi import get_wsgi_application
    from schemathesis.cli import schemathesis as cli
    from schemathesis.transport.wsgi import WSGITransport

    app = get_wsgi_application()  # sets Django up (and its logging)
    # Django logs every 4xx as a warning (thousands, all expected); a 5xx is still logged, with its traceback.
    logging.getLogger("django.request").setLevel(logging.ERROR)

    # The `ignored_auth` check resends a case without credentials through the WSGI transport with the run's
    # network settings, which the transport drops only when it is given a `requests` session (schemathesis
    # 4.32: "EnvironBuilder got an unexpected keyword argument 'max_redirects'", the check errors on every
    # operation). They mean nothing in-process.
    send = WSGITransport.send

    def send_without_socket_settings(self, case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    WSGITransport.send = send_without_socket_settings

    def load_schema(location: str, config):
        # As the CLI's loader does: the project config's parent (the run's options) goes to the loader.
        return schemathesis.openapi.from_wsgi(urlsplit(location).path, app, config=config._parent)

    schemathesis.cli.loaders.load_schema = load_schema
    cli.main(args=argv, prog_name="schemathesis")


def verdict(status: int, output: str) -> int:
    """schemathesis' exit status, except for a fuzzer-internal error while it built test data."""
    summary = re.search(r"(\d+) generated, (\d+) passed", output)
    tool_errors = re.findall(r"Runtime Error: (\d+)", output)
    if status != 0 and summary and summary.group(1) == summary.group(2) and tool_errors \
            and "❌" not in output.split("SUMMARY")[-1] and "schemathesis/transport/" not in output:
        # Every generated request passed every check; what failed is the fuzzer itself while it built test
        # data (a known hypothesis/schemathesis internal error). Reported, not fatal. An error while sending a
        # request is fatal: the checks of that case did not run.
        print(f"WARNING: schemathesis had {sum(map(int, tool_errors))} internal runtime error(s) "
              "while generating data; every generated request passed every check.", flush=True)
        return 0
    return status


def main() -> int:
    if sys.argv[1:2] == ["--in-process"]:
        in_process(sys.argv[2:])  # exits with schemathesis' status
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=20,
                        help="test cases per API operation and phase (default 20: every operation and phase still runs)")
    parser.add_argument("--max-time", type=int, default=0,
                        help="keep fuzzing for this many seconds (default 0: one pass of every phase, then stop)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--http", action="store_true",
                        help="one schemathesis over HTTP against `thidua runserver` on a free port, not in-process")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, server log)")
    parser.add_argument("extra", nargs="*", help="further schemathesis arguments (after --)")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="thidua-fuzz-"))
    env = {
        **os.environ,
        "THIDUA_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "thidua.settings",
        # Production settings, over plain HTTP on the loopback interface (in-process: the Host is "localhost").
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "PYTHONUNBUFFERED": "1",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    env.pop("DATABASE_URL", None)  # always a throw-away SQLite file
    thidua = str(VENV_BIN / "thidua")
    server = None
    log_path = var_dir / "server.log"
    try:
        t0 = time.monotonic()
        # The demo database and the collected static files (production settings serve hashed names), built once
        # and copied (tests/demo_db.py); the environment gets the SECRET_KEY the copy was built with.
        env = demo_db.prepare(var_dir, env, static=True)
        key = subprocess.run([thidua, "token", "create", "trunguong", "api-fuzz"], env=env, cwd=REPO_ROOT,
                             check=True, capture_output=True, text=True, timeout=120).stdout.strip()
        print(f"demo database and token ready in {time.monotonic() - t0:.0f} s ({var_dir})", flush=True)

        options = [
            "-H", f"Authorization: Token {key}",
            "--checks", "all",
            "--max-examples", str(args.max_examples),
            *(["--max-time", str(args.max_time)] if args.max_time > 0 else []),
            "--seed", str(args.seed),
            "--generation-database", "none",
            "--workers", "2",
            "--no-color",
            *args.extra,
        ]
        runs: list[tuple[list[str], dict, Path]] = []  # (command, environment, working directory)
        if args.http:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            with open(log_path, "wb") as log:
                server = subprocess.Popen([thidua, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env,
                                          cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 60
            while not answers(base + "/api/v1/schema/"):
                if server.poll() is not None or time.monotonic() > deadline:
                    print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
                    print("the server did not start", file=sys.stderr)
                    return 2
                time.sleep(0.25)
            schemathesis = shutil.which("schemathesis", path=str(VENV_BIN)) or "schemathesis"
            runs.append(([schemathesis, "run", f"{base}/api/v1/schema/", *options, "--request-timeout", "30"],
                         env, var_dir))
        else:
            for n, phases in enumerate(PHASE_GROUPS):
                # A copy of the database (with the token) for each process; the static files (read only) shared.
                run_dir = var_dir / f"run-{n}"
                shutil.copytree(var_dir, run_dir, ignore=shutil.ignore_patterns("run-*", "static"))
                (run_dir / "static").symlink_to(var_dir / "static")
                runs.append(([sys.executable, __file__, "--in-process", "run", "http://localhost/api/v1/schema/",
                              *options, "--phases", phases], {**env, "THIDUA_VAR_DIR": str(run_dir)}, run_dir))

        t1 = time.monotonic()
        started = []
        for command, run_env, cwd in runs:
            shown = [("Authorization: Token " + key[:6] + "…") if c.endswith(key) else c for c in command]
            print("$ " + " ".join(shown), flush=True)
            output = tempfile.TemporaryFile("w+")  # in-process, the application's log goes there too
            started.append((subprocess.Popen(command, cwd=cwd, env=run_env, stdout=output, stderr=subprocess.STDOUT,
                                             text=True), output))
        status = 0
        for process, output in started:
            try:
                code = process.wait(timeout=max(900, 2 * args.max_time))
            except subprocess.TimeoutExpired:
                process.kill()
                code = process.wait()
                print("schemathesis did not finish in time", flush=True)
            output.seek(0)
            text = output.read()
            output.close()
            print(f"schemathesis ran {time.monotonic() - t1:.0f} s", flush=True)
            print(text, flush=True)
            print(f"schemathesis exit status {code}", flush=True)
            code = verdict(code, text)
            status = status or code
        if status != 0 and args.http:
            errors = [line for line in log_path.read_text(errors="replace").splitlines()
                      if '" 5' in line or "Traceback" in line or "Error" in line]
            if errors:
                print("server log (5xx / errors):\n" + "\n".join(errors[-30:]), file=sys.stderr)
        return status
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        if args.keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
