"""The suite's foreign-key check on SQLite (tests/conftest.py) reads only the tables written since the last check.
It must still find a row pointing at nothing: written directly, or left behind when the row it points at goes."""

import pytest
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, connection, transaction

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's PRAGMA")]


def violation(sql, params):
    """Run `sql` in a savepoint, return the check's error, roll the savepoint back (the test ends clean)."""
    connection.check_constraints()  # a clean state: what follows is the only write since
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        connection.check_constraints()
    return str(error.value)


def test_a_row_pointing_at_nothing_is_found():
    group = Group.objects.create(name="Tổ kiểm tra")
    message = violation("INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)", [987654, group.pk])
    assert "auth_user_groups" in message and "987654" in message


def test_a_row_left_pointing_at_a_deleted_row_is_found():
    user = User.objects.create(username="kiemtra-khoa")
    user.groups.add(Group.objects.create(name="Tổ kiểm tra"))
    message = violation("DELETE FROM auth_user WHERE id = %s", [user.pk])
    assert "auth_user_groups" in message and "auth_user" in message


def test_nothing_written_nothing_found():
    connection.check_constraints()
    User.objects.create(username="kiemtra-hople")
    connection.check_constraints()  # a valid write passes
