"""Shared fixtures: the reference scenario, loaded once per test database, and the personas.

Two kinds of database tests:
- unit tests build their own data with the factories of tests/factories.py (the `three_provinces` fixture below:
  three provinces, their offices and officers, the Central Board; the award catalogue);
- integration tests (marked `integration`) run on the national reference scenario of thidua.demo.scenario,
  put once into the test database of an xdist worker, just before its first integration test (fixture
  `reference_scenario`). Unit tests must pass on both an empty database and one holding the scenario (a worker
  that ran integration tests may run unit tests after them): `pytest -m "not integration"` checks the first.

The migrated database and the scenario are built once and copied (tests/scenario_cache.py, tests/demo_db.py): the
first process that needs one builds it and saves a copy (SQLite: a file under var/test-cache/, restored with SQLite's
backup API; PostgreSQL: a template database, restored by CREATE DATABASE … TEMPLATE); the other workers, later runs
of the same day on the same source, and the slow tests copy it. The workers take the tests from the two ends of one
list (_RunOrder below), so one runs unit tests while the other builds. THIDUA_TEST_CACHE=0 migrates and loads in
every worker as before.

Personas (Healthchecks/Saleor style), all from the reference scenario's demo accounts (integration tests):
- province_officer: Cao Bằng's emulation office (also the 2018 cluster chair);
- other_province_officer: Lai Châu's emulation office;
- unit_officer: an officer of one department of Cao Bằng;
- central_board, council_member, auditor; and anonymous (the plain `client`).
"""

import gc
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests import scenario_cache


def pytest_configure(config):
    # The suite makes millions of short-lived ORM and template objects. At Python's default threshold (700) the
    # cyclic collector runs tens of thousands of times, and its older generations walk the same long-lived objects
    # (modules, URL resolver, caches) again and again; a higher threshold, and the objects alive after collection
    # frozen out of its walks, save a few percent of the suite's CPU.
    gc.set_threshold(50_000, 20, 100)
    config.pluginmanager.register(_RunOrder(), "thidua-run-order")


@pytest.hookimpl(tryfirst=True)  # before `-m` selects: a test on the scenario is selected as `integration`
def pytest_collection_modifyitems(items):
    """A test that takes a persona or the 2018 cluster year runs on the reference scenario, whether or not its
    module says so: it is marked `integration` here, so that alone or under `-m "not integration"` it is handled
    as one (unmarked, it would find no scenario and fail when run on its own)."""
    on_the_scenario = {*PERSONAS, "cluster_year_2018"}
    for item in items:
        if on_the_scenario & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.integration)


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def _copy_migrations():
    """On while pytest-django creates the test database (switched off by django_db_setup below)."""
    scenario_cache.copy_migrations(True)


@pytest.fixture(scope="session")
def django_db_setup(_copy_migrations, django_db_setup):
    """The test database: migrated, or copied from a migrated one (tests/scenario_cache.py)."""
    scenario_cache.copy_migrations(False)


@pytest.fixture(scope="session")
def reference_scenario(django_db_setup, django_db_blocker):
    """The reference scenario committed into this worker's test database, before its first integration test (put
    first among that test's fixtures by _RunOrder below, so before any transaction a fixture holds open). Built once
    and copied (tests/scenario_cache.py). The unit tests this worker ran before saw the empty database; what they
    left in the caches is cleared with it."""
    from django.core.cache import caches

    with django_db_blocker.unblock():
        scenario_cache.load_scenario_once()
    for cache in caches.all():
        cache.clear()


class _RunOrder:
    """The order of the tests, and which worker takes which (pytest-xdist, `-n 2`).

    Tests without the database first, then unit tests, then the integration tests; one worker takes tests from the
    front of that list, the other from its end. So while the second builds the migrated database and the reference
    scenario (or copies them), the first runs tests that need neither or only the first, instead of waiting for
    the builds under their lock (on a clean checkout: about 15 s of one core's work). The walks through a whole
    cluster year (single tests of 3–12 s) are at the very end: the second worker runs them first, and the two meet
    among short tests (one of them at the meeting point left a core idle for 10 s at the end of the PostgreSQL
    run)."""

    LONG = ("tests/emulation/test_year_pages.py", "tests/emulation/test_year_api.py")

    @pytest.hookimpl(trylast=True)  # after pytest-django's own sort (database tests first)
    def pytest_collection_modifyitems(self, items):
        def kind(item) -> int:
            if item.get_closest_marker("integration"):
                return 3 if item.nodeid.startswith(self.LONG) else 2
            return 1 if item.get_closest_marker("django_db") or "db" in item.fixturenames else 0

        items.sort(key=kind)
        for item in items:
            if kind(item) >= 2 and "reference_scenario" not in item.fixturenames:
                item.fixturenames.insert(0, "reference_scenario")  # shared by a function's parametrized items

    @pytest.hookimpl(tryfirst=True, optionalhook=True)
    def pytest_xdist_make_scheduler(self, config, log):
        from xdist.scheduler import LoadScheduling

        if config.getvalue("dist") != "load":
            return None

        class FromBothEnds(LoadScheduling):
            def _send_tests(self, node, num):
                if node is not self.nodes[0] or num <= 0:
                    return super()._send_tests(node, num)
                tests = self.pending[-num:]
                del self.pending[-num:]
                self.node2pending[node].extend(tests)
                node.send_runtest_some(tests)

        return FromBothEnds(config, log)


@pytest.fixture(scope="session", autouse=True)
def _foreign_keys_checked_when_rows_changed():
    """Django checks the foreign keys of the SQLite database after each test (PRAGMA foreign_key_check, before the
    rollback: rows written with deferred constraints). On the reference scenario a full check reads the whole
    database, about 15 ms a test. After the first full check on a connection, an SQLite authorizer (called when a
    statement is prepared, trigger bodies included) notes the tables that statements insert into, update or delete
    from; the next check reads only those and the tables whose keys point at an updated or deleted one. Nothing
    written: no check. A schema change, or a change the authorizer did not see, brings back a full check."""
    import sqlite3

    from django.db.backends.sqlite3.base import DatabaseWrapper

    real = DatabaseWrapper.check_constraints
    changing = {sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE}

    class Watch:
        """What was written on one raw connection since its last check."""

        def __init__(self, raw):
            self.raw, self.written, self.changed, self.referencing = raw, set(), set(), {}
            raw.set_authorizer(self.authorize)  # SQLite re-prepares the statements prepared before it
            self.version = raw.execute("PRAGMA schema_version").fetchone()[0]
            for (table,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                for key in raw.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
                    self.referencing.setdefault(key[2], set()).add(table)  # table -> tables with a key to it
            self.checked()

        def authorize(self, action, table, _column, database, _trigger):
            if database == "main" and (action == sqlite3.SQLITE_INSERT or action in changing):
                self.written.add(table)
                if action in changing:
                    self.changed.add(table)
            return sqlite3.SQLITE_OK

        def checked(self):
            self.written.clear()
            self.changed.clear()
            self.total_changes = self.raw.total_changes

        def to_check(self) -> set[str] | None:
            """The tables to check; None for all of them."""
            if self.raw.execute("PRAGMA schema_version").fetchone()[0] != self.version or (
                self.raw.total_changes != self.total_changes and not self.written
            ):
                return None
            return self.written.union(*(self.referencing.get(table, set()) for table in self.changed))

    def check_constraints(self, table_names=None):
        if table_names is not None or self.connection is None:
            return real(self, table_names)
        watch = getattr(self, "_thidua_watch", None)
        tables = watch.to_check() if watch is not None and watch.raw is self.connection else None
        if tables is None:
            real(self, None)
            self._thidua_watch = Watch(self.connection)
        elif tables:
            real(self, sorted(tables))
            watch.checked()

    DatabaseWrapper.check_constraints = check_constraints
    yield
    DatabaseWrapper.check_constraints = real


@pytest.fixture(scope="session")
def _uploads_root(tmp_path_factory):
    return tmp_path_factory.mktemp("imports")


_test_number = itertools.count()


@pytest.fixture(autouse=True)
def _uploads_of_this_test(settings, _uploads_root):
    """Each test keeps its Excel and Word uploads in a folder of its own. They are files, not rows: in the shared
    var/imports they outlived the test's rollback and, with two workers, an upload made by one worker's test appeared
    in the other's work list between two readings of it (a flaky menu count). The folder is made only when used."""
    settings.THIDUA_IMPORT_DIR = _uploads_root / str(next(_test_number))


@pytest.fixture(autouse=True)
def _work_in_the_request(settings):
    """PDF conversion and the registry's Excel export answer inside the request here (the tests read the file from
    the response; the demo registry is over the export's job threshold). Their background-job paths are tested in
    tests/jobs/ (test_pdf_job.py, test_registry_export_job.py), which set these back."""
    settings.THIDUA_PDF_AS_JOB = False
    settings.THIDUA_EXPORT_JOB_MIN_ROWS = 10**9


@pytest.fixture
def three_provinces(db):
    """A small world for unit tests (tests/factories.py): three provinces with their offices and officers, the
    Central Board, the award catalogue."""
    from tests.factories import three_provinces

    return three_provinces()


def _client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def cluster_year_2018(db):
    from thidua.emulation.models import ClusterYear

    return ClusterYear.objects.get(year=2018, cluster__code="C1-MNBG")


# persona fixture name → demo account of the reference scenario
PERSONAS = {
    "province_officer": "caobang",
    "other_province_officer": "laichau",
    "unit_officer": "donvi",
    "central_board": "trunguong",
    "council_member": "hoidong",
    "auditor": "kiemtra",
    "admin_client_demo": "admin",
}


def _persona(username: str):
    @pytest.fixture
    def logged_in_client(db):
        return _client_for(username)

    return logged_in_client


for _name, _username in PERSONAS.items():
    globals()[_name] = _persona(_username)


def user(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def libreoffice():
    """The LibreOffice program for PDF tests. Skipped on a developer machine without it; a failure when
    THIDUA_REQUIRE_PDF=1 (set by .ci/run, which installs LibreOffice), so CI cannot silently skip them."""
    import os

    from thidua.lib.documents import soffice_path

    path = soffice_path()
    if path is None:
        if os.environ.get("THIDUA_REQUIRE_PDF") == "1":
            pytest.fail("THIDUA_REQUIRE_PDF=1 but LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui fonts-liberation2)")
    return path
