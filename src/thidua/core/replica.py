"""Reports read from a read replica when one is configured (THIDUA_REPLICA_URL).

A national deployment keeps one PostgreSQL primary for every write and may add a streaming replica for the long
reads of statistics. The router sends a read to the alias "replica" only while reports are being read (inside
`reading_reports()`, which the middleware opens for the report paths in THIDUA_REPLICA_PATHS) and only for the
record apps (awards, organisations, emulation, eligibility). Accounts, sessions, jobs and the audit stay on the
primary: a session written a moment ago must never be missed because the replica lags. Writes always go to the
primary. Without THIDUA_REPLICA_URL the router answers nothing and everything uses "default".
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
REPORT_APPS = frozenset({"awards", "orgs", "emulation", "eligibility", "reports"})

_reporting: ContextVar[bool] = ContextVar("thidua_reading_reports", default=False)


def replica_configured() -> bool:
    """THIDUA_REPLICA_URL set and its alias declared (the alias alone does not route: the PostgreSQL test run
    declares it for every test, as test databases are set up once)."""
    return bool(settings.THIDUA_REPLICA_URL) and REPLICA in settings.DATABASES


@contextmanager
def reading_reports():
    """Reads of the record apps inside this block go to the replica (when there is one)."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reporting.get() and model._meta.app_label in REPORT_APPS and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica receives the schema by replication


class ReportReplicaMiddleware:
    """GET and HEAD requests under THIDUA_REPLICA_PATHS read the record apps from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefixes = tuple(getattr(settings, "THIDUA_REPLICA_PATHS", ()))
        if request.method in ("GET", "HEAD") and prefixes and request.path.startswith(prefixes) \
                and replica_configured():
            with reading_reports():
                return self.get_response(request)
        return self.get_response(request)
