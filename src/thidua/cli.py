"""The `thidua` command: manage.py with the project's settings, plus a few verbs.

    thidua demo            migrate, load the reference scenario, print the demo accounts
    thidua serve           production server (gunicorn) on $PORT (default 8000)
    thidua <django cmd>    any manage.py command (migrate, runserver, createsuperuser, …)
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    args = sys.argv[1:]
    if args and args[0] == "serve":
        port = os.environ.get("PORT", "8000")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["thidua", "migrate", "--noinput"])
        execute_from_command_line(["thidua", "collectstatic", "--noinput", "-v0"])
        os.execvp("gunicorn", ["gunicorn", "thidua.wsgi:application", "--bind", f"127.0.0.1:{port}",
                               "--workers", os.environ.get("WEB_CONCURRENCY", "3"), *args[1:]])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["thidua", *args])


if __name__ == "__main__":
    main()
