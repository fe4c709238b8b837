"""The `thidua` command: manage.py with the project's settings, plus a few verbs.

    thidua demo                       migrate, load the reference scenario, print the demo accounts
    thidua serve                      production server (gunicorn, DEBUG off) on 127.0.0.1:$PORT (default 8000);
                                      background jobs need workers beside it: run `thidua worker` separately
                                      (one or more, on this machine or others sharing the database / Redis)
    thidua worker [--burst]           run background jobs (THIDUA_TASKS_BACKEND=database|redis) and mark failed
                                      the jobs of a worker that died
    thidua token create USER NAME     API token for an integration (the key is printed once); token revoke ID; token list
    thidua backup FILE                consistent snapshot of the database and uploaded files (.tar.gz)
    thidua restore FILE [--force]     restore such a snapshot into an empty (migrated) database
    thidua <django cmd>               any manage.py command (migrate, runserver, createsuperuser, check --deploy, …)
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    args = sys.argv[1:]
    if args and args[0] == "serve":
        serve(args[1:])
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["thidua", *args])


def serve(extra: list[str]) -> None:
    """Production: DEBUG is forced off (so a real SECRET_KEY is required), migrations applied, static files
    collected for WhiteNoise (skipped when unchanged since the last start), then gunicorn replaces this process.
    BIND overrides 127.0.0.1:$PORT."""
    os.environ["DEBUG"] = "0"
    port = os.environ.get("PORT", "8000")
    bind = os.environ.get("BIND", f"127.0.0.1:{port}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["thidua", "migrate", "--noinput"])
    execute_from_command_line(["thidua", "collectstatic_changed"])
    # Long work (eligibility over a province, big exports, PDF) is queued for `thidua worker`, which runs as its
    # own service (systemd unit, container…) so that web and workers scale and restart independently.
    print("thidua serve: background jobs are run by `thidua worker` (start it separately, see README).",
          file=sys.stderr)
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    if not os.path.exists(gunicorn):
        gunicorn = "gunicorn"
    os.execvp(gunicorn, [gunicorn, "thidua.wsgi:application", "--bind", bind,
                         "--workers", os.environ.get("WEB_CONCURRENCY", "3"), "--access-logfile", "-", *extra])


if __name__ == "__main__":
    main()
