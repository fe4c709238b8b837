"""The provinces' reference data (orgs/data/provinces.csv: 63 before 1 July 2025, 34 after, the merger links):
loaded with their tree paths in a few queries, matched on (code, valid_from); a refresh restores what was changed
and leaves the rest (and its ids) alone."""

import csv

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.lib.text import fold
from thidua.orgs.models import Organization, OrganizationKind
from thidua.orgs.services import PROVINCES_CSV, load_provinces

pytestmark = pytest.mark.django_db


def csv_rows() -> list[dict]:
    with open(PROVINCES_CSV, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_provinces_load_with_their_paths_and_mergers_in_a_few_queries():
    rows = csv_rows()
    with CaptureQueriesContext(connection) as queries:
        provinces = load_provinces()
    assert len(queries) <= 12  # not three per province
    assert len(provinces) == len(rows)
    for org in provinces.values():
        org.refresh_from_db()
        assert org.kind == OrganizationKind.PROVINCE and org.path == f"/{org.pk}/" and org.province_id == org.pk
        assert org.name_folded == fold(org.name)
    merged = [r for r in rows if r["successor_code"]]
    assert merged
    for row in merged:
        org = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code=row["code"], valid_to__isnull=False,
                                       valid_from__isnull=True)
        assert org.successor.admin_code == row["successor_code"] and org.successor.valid_from is not None


def test_a_refresh_restores_a_changed_name_and_keeps_ids():
    first = load_provinces()
    row = csv_rows()[0]
    key = (row["code"], None)
    org = first[key]
    Organization.objects.filter(pk=org.pk).update(name="Tên sửa tay", name_folded="ten sua tay")
    with CaptureQueriesContext(connection) as queries:
        again = load_provinces()
    assert len(queries) <= 6
    assert {k: o.pk for k, o in again.items()} == {k: o.pk for k, o in first.items()}
    org.refresh_from_db()
    assert org.name == row["name"] and org.name_folded == fold(row["name"])
