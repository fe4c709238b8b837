"""Logged-in sessions made once for a module of tests (tests/test_matrix.py, tests/emulation/test_year_pages.py):
logging nine or fifteen accounts in again for each of hundreds of tests was a fifth of the matrix's time."""

from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client


def create_outsider():
    """Hà Nội's emulation office (`hanoi`): a province outside the 2018 cluster, for the access tests."""
    from thidua.orgs.models import Organization, OrganizationKind, Role, UserRole

    user = get_user_model().objects.create_user("hanoi", password="x")
    UserRole.objects.create(user=user, role=Role.EMULATION_OFFICE,
                            organization=Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="01"))
    return user


@contextmanager
def sessions_held_open(django_db_blocker, usernames: dict[str, str], before=None):
    """One logged-in session per name (name → session key) for a whole module of tests, instead of logging every
    account in again in each test. `before()` writes what they need first (an extra account). All of it lives in a
    transaction held open around the module's tests and rolled back after them; each test runs inside it in its own
    savepoint (pytest-django), so whatever a test writes, the sessions' own changes included, is undone before the
    next one. Give each test new Client objects on these keys (`clients_on`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        if before is not None:
            before()
        keys = {}
        for name, username in usernames.items():
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            keys[name] = client.session.session_key
        yield keys
        transaction.set_rollback(True)


def clients_on(keys: dict[str, str]) -> dict[str, Client]:
    """New clients (no cookie of an earlier test) on the sessions of `sessions_held_open`, and an anonymous one."""
    out = {"anonymous": Client()}
    for name, key in keys.items():
        out[name] = Client()
        out[name].cookies[settings.SESSION_COOKIE_NAME] = key
    return out
