"""The read replica for reports: with two database aliases, the statistical forms read the records from "replica",
every other page and every write uses "default"; without a replica, everything uses "default"."""

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from thidua.awards.models import Award
from thidua.core.replica import REPLICA, ReplicaRouter, reading_reports

ON_POSTGRESQL = connection.vendor == "postgresql"
if ON_POSTGRESQL:
    # A second alias and a second connection to the test database (what THIDUA_REPLICA_URL gives in production),
    # declared as a test mirror at collection, before the test databases are set up.
    settings.DATABASES.setdefault(REPLICA, {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}})
    pytestmark = [pytest.mark.django_db(databases=["default", REPLICA])]
else:
    pytestmark = [pytest.mark.django_db]
pytestmark.append(pytest.mark.filterwarnings("ignore:Overriding setting DATABASES"))


@pytest.fixture
def replica(settings, monkeypatch):
    """The alias "replica" configured, and every routing answer recorded as (app label, alias). On SQLite the
    in-memory test database allows one connection only: there "replica" shares the default connection, and the
    routing answers say which alias each read asked for."""
    settings.THIDUA_REPLICA_URL = "postgres://replica.example/thidua"  # what turns the routing on in production
    if not ON_POSTGRESQL:
        settings.DATABASES = {**settings.DATABASES, REPLICA: settings.DATABASES["default"]}
        connections[REPLICA] = connections["default"]
    routed = []
    original = ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        alias = original(self, model, **hints)
        routed.append((model._meta.app_label, alias or "default"))
        return alias

    monkeypatch.setattr(ReplicaRouter, "db_for_read", spy)
    yield routed
    if not ON_POSTGRESQL:
        del connections[REPLICA]


@pytest.fixture(scope="module", autouse=True)
def _replica_connection_closed():
    """The second connection is closed after the module's last test has been rolled back, so the test database can
    be dropped at the end of the run. Closed inside a test, it would only be marked for closing (Django does not
    close a connection inside its test transaction) and stay open: PostgreSQL then waited 5 s at the DROP DATABASE
    of the run's end and refused it ("is being accessed by other users")."""
    yield
    if ON_POSTGRESQL:
        connections[REPLICA].close()


def tables(queries) -> str:
    return " ".join(q["sql"] for q in queries)


def test_router_sends_report_reads_to_the_replica_and_writes_to_the_primary(replica):
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    router = ReplicaRouter()
    assert router.db_for_read(Award) is None  # outside a report: the default database
    with reading_reports():
        assert router.db_for_read(Award) == REPLICA
        assert router.db_for_write(Award) == "default"
        # Accounts and sessions never come from the replica (a session written a moment ago must be found).
        assert router.db_for_read(get_user_model()) is None and router.db_for_read(Session) is None
        assert Award.objects.all().db == REPLICA
    assert Award.objects.all().db == "default"
    assert router.allow_migrate(REPLICA, "awards") is False and router.allow_migrate("default", "awards")


def test_without_a_replica_reports_use_the_default_database(settings):
    settings.THIDUA_REPLICA_URL = ""
    settings.DATABASES = {k: v for k, v in settings.DATABASES.items() if k != REPLICA}
    with reading_reports():
        assert ReplicaRouter().db_for_read(Award) is None


def test_statistical_forms_page_reads_the_records_from_the_replica(province_officer, replica):
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = province_officer.get("/khen-thuong/bieu-thong-ke/")
    assert response.status_code == 200 and "0602" in response.content.decode()
    assert ("awards", REPLICA) in replica and ("awards", "default") not in replica
    assert ("sessions", "default") in replica or ("auth", "default") in replica
    assert not [alias for app, alias in replica if app in ("auth", "sessions") and alias == REPLICA]
    if ON_POSTGRESQL:  # two real connections: the award queries ran on the replica's, the session on the primary's
        assert "awards_award" in tables(on_replica.captured_queries)
        assert "awards_award" not in tables(primary.captured_queries)
        assert "django_session" in tables(primary.captured_queries)


def test_registry_page_and_writes_stay_on_the_primary(province_officer, replica):
    assert province_officer.get("/khen-thuong/").status_code == 200
    # A POST under a report path is never routed (writes and their reads stay together).
    province_officer.post("/khen-thuong/bieu-thong-ke/", {})
    assert ("awards", "default") in replica and not [r for r in replica if r[1] == REPLICA]


def test_a_declared_alias_without_the_setting_routes_nothing(settings):
    """The PostgreSQL test run declares the alias for every test: only THIDUA_REPLICA_URL turns the routing on."""
    settings.THIDUA_REPLICA_URL = ""
    settings.DATABASES = {**settings.DATABASES, REPLICA: settings.DATABASES["default"]}
    with reading_reports():
        assert ReplicaRouter().db_for_read(Award) is None
