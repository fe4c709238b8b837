"""The award scope filter is index-friendly and selects exactly what the scope's definition says.

Definition (orgs/scope.py): an office (emulation office, council member) sees the awards of its cluster peers'
provinces and of its own subtrees; other roles the awards of their subtrees. The filter resolves the ids first
(peer provinces, subtree units) so the award table is read through its province/unit indexes, never joined row
by row to the organisation table."""

from __future__ import annotations

import pytest
from django.db.models import Q

from tests.conftest import user
from thidua.awards.models import Award, Evaluation
from thidua.orgs import scope as access
from thidua.orgs.scope import OFFICE_ROLES, scope_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

USERS = ["caobang", "laichau", "donvi", "hoidong", "trunguong", "kiemtra"]


def by_definition(username: str):
    scope = scope_for(user(username))
    if scope.is_global:
        return Award.objects.all()
    paths = Q(pk__in=[])
    for path in scope.lineage_paths:
        paths |= Q(unit__path__startswith=path)
    if scope.roles & OFFICE_ROLES:
        return Award.objects.filter(Q(province_id__in=scope.peer_ids) | paths)
    return Award.objects.filter(paths)


@pytest.mark.parametrize("username", USERS)
def test_award_scope_equals_its_definition(username):
    got = set(Award.objects.visible_to(user(username)).values_list("pk", flat=True))
    assert got == set(by_definition(username).values_list("pk", flat=True))
    assert got  # every persona sees some awards in the reference scenario


@pytest.mark.parametrize("username", ["caobang", "donvi"])
def test_award_scope_reads_ids_not_paths(username):
    sql = str(Award.objects.visible_to(user(username)).query)
    assert "LIKE" not in sql.upper() and "orgs_organization" not in sql, sql


@pytest.mark.parametrize("username", ["caobang", "donvi", "laichau"])
def test_record_scope_equals_its_definition(username):
    scope = scope_for(user(username))
    expected = Q(pk__in=[])
    for path in scope.lineage_paths:
        expected |= Q(person__organization__path__startswith=path) | Q(organization__path__startswith=path)
    got = set(Evaluation.objects.visible_to(user(username)).values_list("pk", flat=True))
    assert got == set(Evaluation.objects.filter(expected).values_list("pk", flat=True))
    assert got or username == "laichau"  # the scenario rates Cao Bằng's people only


def test_large_subtree_falls_back_to_a_subquery(monkeypatch):
    """Beyond UNIT_IDS_MAX units the filter is a subquery (no huge literal list), with the same result."""

    expected = set(Award.objects.visible_to(user("donvi")).values_list("pk", flat=True))
    monkeypatch.setattr(access, "UNIT_IDS_MAX", 1)
    qs = Award.objects.visible_to(user("donvi"))
    assert "SELECT" in str(qs.query).upper().split("WHERE", 1)[1]
    assert set(qs.values_list("pk", flat=True)) == expected
