"""The award catalogue (awards/data/catalogue.csv, rules.md section 1): loaded and refreshed in a few queries,
matched on code; a refresh restores what was changed, adds what is new and leaves the rest (and its ids) alone."""

import csv

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.awards.models import AwardType
from thidua.awards.services import CATALOGUE_CSV, load_catalogue

pytestmark = pytest.mark.django_db


def catalogue_rows() -> list[dict]:
    with open(CATALOGUE_CSV, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_catalogue_loads_every_row_in_a_few_queries():
    rows = catalogue_rows()
    for _ in range(2):  # into this database (empty, or holding the catalogue), then a refresh that changes nothing
        with CaptureQueriesContext(connection) as queries:
            loaded = load_catalogue()
        assert len(queries) <= 5  # not one or two per row
    assert list(loaded) == [r["code"] for r in rows]
    for row in rows:
        t = AwardType.objects.get(code=row["code"])
        assert loaded[row["code"]].pk == t.pk
        assert (t.name, t.level, t.rank, t.for_individual) == (
            row["name"], row["level"], int(row["rank"]), row["for_individual"] == "1")


def test_a_refresh_restores_changes_adds_new_codes_and_keeps_ids(tmp_path):
    rows = catalogue_rows()
    first = load_catalogue()
    changed, kept = rows[0]["code"], rows[1]["code"]
    AwardType.objects.filter(code=changed).update(name="Sửa tay", rank=999)
    extra = {**rows[-1], "code": "THU_NGHIEM", "name": "Danh hiệu thử nghiệm", "rank": "7"}
    path = tmp_path / "catalogue.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows, extra])

    again = load_catalogue(path)

    assert AwardType.objects.get(code=changed).name == rows[0]["name"]
    assert AwardType.objects.get(code=changed).rank == int(rows[0]["rank"])
    assert again[kept].pk == first[kept].pk and again[changed].pk == first[changed].pk
    assert AwardType.objects.get(code="THU_NGHIEM").name == "Danh hiệu thử nghiệm"
    assert AwardType.objects.filter(code__in=[*first, "THU_NGHIEM"]).count() == len(first) + 1
