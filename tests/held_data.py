"""Data written once for a module or class of tests and rolled back after its last one.

Building the same rows again for every test of a module (a generated province, a fixture world of 600 awards) was
most of those tests' time. Here the rows are written in a transaction held open around the tests that read them;
each test runs inside it in its own savepoint (pytest-django wraps every `db` test in one), so what a test writes
is undone before the next, and the held transaction itself is rolled back at the end: no later test, on SQLite or
PostgreSQL, sees these rows. The tests using it must only need the rows, not an empty province or a fresh state
of what they read (a test that does: put it outside the class or module that holds the data)."""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def held_open(django_db_blocker, build):
    """Yield `build()`'s result, its rows written in a transaction that is rolled back on exit."""
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        try:
            value = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
