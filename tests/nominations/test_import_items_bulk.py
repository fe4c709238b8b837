"""The dossier-items import is set-based: its queries do not grow with the rows, and a bad row anywhere (or a
refusal when writing) leaves nothing written. `services.add_items` behind it: the rules of `add_item` per entry,
positions after the last item, one audit row per item."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.lib.imports.helpers import cid, xlsx
from tests.nominations.conftest import atype
from tests.nominations.test_import_items import HEADER
from thidua.core.models import AuditEvent
from thidua.lib import imports
from thidua.nominations import services
from thidua.nominations.imports import DossierItemImporter
from thidua.nominations.models import DossierItem
from thidua.orgs.models import Gender, Person
from thidua.orgs.services import bulk_create_people

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture(autouse=True)
def import_store(settings, tmp_path):
    settings.THIDUA_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def crowd(unit):
    """230 people of the unit (inside the dossier's department) with fresh citizen IDs."""
    return bulk_create_people([Person(full_name=f"Người Đề Nghị {n}", gender=Gender.FEMALE, citizen_id=cid(20_000 + n),
                                      birth_year=1985, organization=unit) for n in range(230)])


def rows_for(people, unit, collectives: int = 0) -> list[list]:
    types = ["BK_TINH", "CSTD_TINH"]
    rows = [[p.full_name, p.citizen_id, "", types[n % 2], 2024, f"Thành tích {n}"] for n, p in enumerate(people)]
    rows += [["", "", f"{unit.name} [#{unit.pk}]", "BK_TINH", 2024 - n, ""] for n in range(collectives)]
    return rows


def upload(user, dossier, rows):
    content = xlsx([[n, *r] for n, r in enumerate(rows, start=1)], HEADER, sheet="Danh sách")
    return imports.UploadStore.save(user, DossierItemImporter.kind, SimpleUploadedFile("de-nghi.xlsx", content),
                                    {"dossier": dossier.pk})


def preview_and_commit(user, dossier, rows) -> tuple[int, list[str], list[str]]:
    """(rows written, SQL of the preview, SQL of the commit), as the pages run them."""
    stored = upload(user, dossier, rows)
    ctx = imports.ImportContext(user=user, params={"dossier": dossier.pk})
    with CaptureQueriesContext(connection) as check:
        result = imports.run(DossierItemImporter(user, dossier=dossier.pk), stored.path, stored.name, ctx)
    assert result.ok, result.issues[:3]
    ctx = imports.ImportContext(user=user, params={"dossier": dossier.pk})
    with CaptureQueriesContext(connection) as write:
        written = imports.commit(DossierItemImporter(user, dossier=dossier.pk), stored, ctx,
                                 expected_rows=result.total)
    return written, [q["sql"] for q in check], [q["sql"] for q in write]


def inserts(sql: list[str]) -> int:
    return sum(q.lstrip().upper().startswith("INSERT") for q in sql)


def test_queries_do_not_grow_with_the_rows(users, dept, unit, crowd):
    donvi = users["donvi"]
    warm, small, big = (services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024,
                                                title=title) for title in ("Khởi động", "Nhỏ", "Lớn"))
    preview_and_commit(donvi, warm, rows_for(crowd[206:207], unit))  # per-process caches (catalogue, workflow)
    written10, check10, write10 = preview_and_commit(donvi, small, rows_for(crowd[:8], unit, collectives=2))
    written200, check200, write200 = preview_and_commit(donvi, big, rows_for(crowd[8:206], unit, collectives=2))
    assert (written10, written200) == (10, 200)
    # The preview and every lookup of the commit: the same queries for 10 rows as for 200.
    assert len(check200) == len(check10), (len(check10), len(check200))
    assert len(write200) - inserts(write200) == len(write10) - inserts(write10)
    # The writes are batched inserts (items, their audit rows, the import's row): on SQLite a batch holds 999
    # values (about 70 rows of 14 fields), on PostgreSQL 2000 rows; never one insert per row.
    assert inserts(write10) == 3
    assert inserts(write200) <= 1 + 2 * -(-200 // 60), write200
    assert big.items.count() == 200 and small.items.count() == 10
    # every item with its audit row (snapshot of the item) and the import's summary row
    items = list(big.items.order_by("position"))
    assert [i.position for i in items] == list(range(1, 201))
    audited = AuditEvent.objects.filter(object_type="nominations.dossieritem", action="create",
                                        object_id__in=[str(i.pk) for i in items])
    assert audited.count() == 200
    first = audited.get(object_id=str(items[0].pk))
    assert first.after["person_id"] == crowd[8].pk and first.after["dossier_id"] == big.pk
    assert first.username == "donvi" and first.object_repr.startswith(crowd[8].full_name)


@pytest.mark.parametrize("where", [0, 97, 199])
def test_a_bad_row_anywhere_writes_nothing(users, dept, unit, crowd, where):
    donvi = users["donvi"]
    dossier = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="Hồ sơ")
    rows = rows_for(crowd[:200], unit)
    rows[where][1] = cid(29_999)  # nobody has this citizen ID
    stored = upload(donvi, dossier, rows)
    ctx = imports.ImportContext(user=donvi, params={"dossier": dossier.pk})
    result = imports.run(DossierItemImporter(donvi, dossier=dossier.pk), stored.path, stored.name, ctx)
    assert [(i.row, i.column) for i in result.issues] == [(where + 2, "Số định danh cá nhân")]
    items, events = DossierItem.objects.count(), AuditEvent.objects.count()
    with pytest.raises(imports.StaleImport):
        imports.commit(DossierItemImporter(donvi, dossier=dossier.pk), stored, ctx, expected_rows=result.total)
    assert DossierItem.objects.count() == items and AuditEvent.objects.count() == events
    assert dossier.items.count() == 0


def test_add_items_refuses_all_when_one_entry_is_wrong(users, dossier, crowd):
    services.add_item(users["donvi"], dossier, award_type=atype("BK_TINH"), person=crowd[0])
    entries = [services.NewItem(atype("BK_TINH"), person=p) for p in crowd[1:50]]
    entries[30] = services.NewItem(atype("TTLDXS"), person=crowd[31])  # a collective's title for a person
    items, events = DossierItem.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.add_items(users["donvi"], dossier, entries)
    assert exc.value.index == 30 and "không dành cho cá nhân" in " ".join(exc.value.messages)
    assert DossierItem.objects.count() == items and AuditEvent.objects.count() == events
    entries[30] = services.NewItem(atype("CSTD_TINH"), person=crowd[31], year=2023, achievement="  Xuất sắc  ")
    added = services.add_items(users["donvi"], dossier, entries)
    assert [i.position for i in added] == list(range(2, 51))  # after the item already there
    assert dossier.items.get(person=crowd[31]).achievement == "Xuất sắc"
    assert AuditEvent.objects.count() == events + 49


def test_add_items_is_refused_whole_to_who_may_not_edit(users, dossier, crowd):
    entries = [services.NewItem(atype("BK_TINH"), person=p) for p in crowd[:5]]
    with pytest.raises(Exception) as exc:
        services.add_items(users["caobang"], dossier, entries)
    assert "đơn vị trình hồ sơ" in str(exc.value) or "vai trò" in str(exc.value)
    assert dossier.items.count() == 0
    assert AuditEvent.objects.filter(action="denied", object_type="nominations.dossier",
                                     object_id=str(dossier.pk)).exists()
