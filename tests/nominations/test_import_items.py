"""Importing a dossier's items from Excel (nominations/imports.py): the rules of services.add_item for every row,
each problem named by row and column, all rows or none; who may import into which dossier."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import _client_for
from tests.lib.imports.helpers import cid, xlsx
from tests.nominations.conftest import atype, bk_tinh_candidate, give_award, new_person
from thidua.core.models import AuditEvent
from thidua.nominations import services
from thidua.nominations.checks import check_dossier
from thidua.nominations.models import Dossier, DossierItem
from thidua.orgs.models import Gender, Organization, OrganizationKind, Person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

HEADER = ["STT", "Họ và tên", "Số định danh cá nhân", "Đơn vị, tập thể", "Hình thức đề nghị (*)", "Năm thành tích",
          "Tóm tắt thành tích"]
CID, UNIT, TYPE, YEAR, NAME = "Số định danh cá nhân", "Đơn vị, tập thể", "Hình thức đề nghị", "Năm thành tích", "Họ và tên"


@pytest.fixture(autouse=True)
def import_store(settings, tmp_path):
    settings.THIDUA_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def staff(unit):
    """Four people of a unit inside the unit officer's department, with fresh citizen IDs."""
    return [new_person(unit, f"Cán Bộ Đề Nghị {n}", citizen_id=cid(700 + n), birth_year=1985) for n in range(4)]


def ref(org) -> str:
    return f"{org.name} [#{org.pk}]"


def sheet(rows) -> bytes:
    return xlsx([[n, *r] for n, r in enumerate(rows, start=1)], HEADER, sheet="Danh sách")


def url(d) -> str:
    return f"/ho-so/{d.pk}/nhap/"


def preview(client, d, content: bytes):
    response = client.post(url(d), {"file": SimpleUploadedFile("de-nghi.xlsx", content)})
    assert response.status_code == 302, response.content[:800]
    purl = response.url.split("?")[0]
    return purl, client.get(purl)


def issues(response) -> set[tuple]:
    return {(i.row, i.column) for i in response.context["result"].issues}


def texts(response) -> list[str]:
    return [i.text for i in response.context["result"].issues]


def commit(client, purl, response):
    return client.post(purl + "ghi", {"sha256": response.context["stored"].sha256,
                                      "rows": response.context["result"].total})


def test_good_file_creates_every_item(dossier, staff, unit):
    a, b, c, _ = staff
    rows = [
        [a.full_name, a.citizen_id, "", "BK_TINH", "", "Hoàn thành xuất sắc nhiệm vụ hai năm liền"],
        ["", b.citizen_id, ref(unit), "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh", 2023, ""],
        ["can bo de nghi 2", c.citizen_id, "", "BK_TINH — Bằng khen cấp bộ, ban, ngành, tỉnh", 2024, ""],
        ["", "", ref(unit), "BK_TINH", "", "Tập thể tiêu biểu"],
    ]
    client = _client_for("donvi")
    purl, response = preview(client, dossier, sheet(rows))
    assert response.status_code == 200 and response.context["result"].ok, texts(response)
    before = AuditEvent.objects.count()
    response = commit(client, purl, response)
    assert response.status_code == 302
    items = list(dossier.items.order_by("position"))
    assert [(i.position, i.person_id, i.organization_id, i.award_type.code, i.year) for i in items] == [
        (1, a.pk, None, "BK_TINH", 2024),  # blank year: the dossier's year
        (2, b.pk, None, "CSTD_TINH", 2023),
        (3, c.pk, None, "BK_TINH", 2024),
        (4, None, unit.pk, "BK_TINH", 2024),
    ]
    assert items[0].achievement == "Hoàn thành xuất sắc nhiệm vụ hai năm liền" and items[0].recipient_name == a.full_name
    assert items[3].recipient_name == unit.name and items[3].recipient_class == services.default_recipient_class(
        None, unit, None)
    events = list(AuditEvent.objects.order_by("pk")[before:])
    # one audit row per item (the service) and one for the import with its counts
    assert sum(e.object_type == "nominations.dossieritem" and e.action == "create" for e in events) == 5
    summary = [e for e in events if (e.after or {}).get("import") == "dossier-items"]
    assert len(summary) == 1 and summary[0].after["created"] == 4 and summary[0].after["rows"] == 4


def test_every_kind_of_bad_row_is_named_and_nothing_is_written(dossier, staff, unit, dept, users):
    a, b, c, d = staff
    cao_bang = dept.parent
    outside_unit = Organization.objects.create(kind=OrganizationKind.UNIT, name="Đơn vị ngoài sở", parent=cao_bang)
    outsider = new_person(outside_unit, "Người Ngoài Sở", Gender.FEMALE, citizen_id=cid(790), birth_year=1985)
    give_award(b, "BK_TINH", 2024)  # already in the registry
    other = services.create_dossier(users["donvi"], from_org=dept, granted_by="minister_chairman", year=2024,
                                    title="Hồ sơ khác đang xét")
    services.add_item(users["donvi"], other, award_type=atype("BK_TINH"), person=c)
    Dossier.objects.filter(pk=other.pk).update(state="submitted")  # open, waiting at the province
    services.add_item(users["donvi"], dossier, award_type=atype("CSTD_TINH"), person=d)  # already in this dossier
    rows = [
        ["", cid(791), "", "BK_TINH", 2024, ""],  # 2: unknown citizen ID
        ["", outsider.citizen_id, "", "BK_TINH", 2024, ""],  # 3: person outside the dossier's organisation
        ["", a.citizen_id, "", "HUAN_CHUONG_GIA", 2024, ""],  # 4: unknown award type
        ["", a.citizen_id, "", "BK_TINH", "20x4", ""],  # 5: bad year
        ["", a.citizen_id, "", "BK_TINH", 2024, ""],  # 6: good…
        ["", a.citizen_id, "", "BK_TINH", "", ""],  # 7: …and the same again (blank year = 2024): duplicate in file
        ["", b.citizen_id, "", "BK_TINH", 2024, ""],  # 8: already awarded
        ["", c.citizen_id, "", "BK_TINH", 2024, ""],  # 9: in another open dossier
        ["", d.citizen_id, "", "CSTD_TINH", 2024, ""],  # 10: already in this dossier
        ["", d.citizen_id, "", "BK_TTG", 2024, ""],  # 11: award of another authority
        ["", "", ref(outside_unit), "BK_TINH", 2024, ""],  # 12: collective outside the dossier's organisation
        ["Tên Khác Hẳn", d.citizen_id, "", "BK_TINH", 2024, ""],  # 13: name does not match the citizen ID
        ["", "", "", "BK_TINH", 2024, ""],  # 14: neither person nor collective
        ["", d.citizen_id, "", "TTLDXS", 2024, ""],  # 15: a collective's title for a person
        ["", "", ref(unit), "CSTD_TINH", 2024, ""],  # 16: a person's title for a collective
        ["", "", ref(unit), "BK_TINH", 2023, "the only good collective row"],
    ]
    client = _client_for("donvi")
    purl, response = preview(client, dossier, sheet(rows))
    assert response.status_code == 200
    assert issues(response) == {(2, CID), (3, CID), (4, TYPE), (5, YEAR), (7, CID), (8, CID), (9, CID), (10, CID),
                                (11, TYPE), (12, UNIT), (13, NAME), (14, CID), (15, TYPE), (16, TYPE)}
    by_row = {i.row: i.message for i in response.context["result"].issues}
    assert "Không có cá nhân nào mang số định danh" in by_row[2]
    assert "không thuộc" in by_row[3] and dept.name in by_row[3]
    assert outside_unit.name not in by_row[3]  # a unit outside the officer's scope is not named
    assert "không có trong danh mục" in by_row[4]
    assert "20x4" in by_row[5]
    assert "với dòng 6 trong tệp" in by_row[7]
    assert "đã được khen BK_TINH năm 2024" in by_row[8]
    assert f"hồ sơ #{other.pk}" in by_row[9]
    assert "đã có trong danh sách của hồ sơ này" in by_row[10]
    assert "hồ sơ này trình" in by_row[11]
    assert outside_unit.name in by_row[12]
    assert "không khớp" in by_row[13] and d.full_name in by_row[13]
    assert "không dành cho cá nhân" in by_row[15] and "không dành cho tập thể" in by_row[16]
    assert all(t.startswith("Dòng ") and "cột “" in t for t in texts(response))
    assert b"/ghi" not in response.content  # no commit button while there are errors
    count = DossierItem.objects.count()
    response = commit(client, purl, response)
    assert response.status_code == 409
    assert DossierItem.objects.count() == count
    assert list(dossier.items.values_list("person_id", flat=True)) == [d.pk]


def test_all_or_nothing_when_the_registry_changed_after_the_preview(dossier, staff, users):
    a, b, c, _ = staff
    rows = [["", p.citizen_id, "", "BK_TINH", 2024, ""] for p in (a, b, c)]
    client = _client_for("donvi")
    purl, response = preview(client, dossier, sheet(rows))
    assert response.context["result"].ok
    services.add_item(users["donvi"], dossier, award_type=atype("BK_TINH"), person=c)  # typed in meanwhile
    response = commit(client, purl, response)
    assert response.status_code == 409
    assert list(dossier.items.values_list("person_id", flat=True)) == [c.pk]  # a and b not written either
    assert (4, CID) in issues(response)


def test_template_lists_only_the_dossiers_units_and_authority(dossier, unit, dept):
    from python_calamine import CalamineWorkbook

    response = _client_for("donvi").get(url(dossier) + "mau.xlsx")
    assert response.status_code == 200
    wb = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert wb.get_sheet_by_name("Danh sách").to_python()[0][:2] == ["Họ và tên", "Số định danh cá nhân"]
    lists = wb.get_sheet_by_name("DanhMuc").to_python()
    units = {r[0] for r in lists[1:] if r[0]}
    types = {r[1] for r in lists[1:] if len(r) > 1 and r[1]}
    assert ref(unit) in units and ref(dept) in units
    assert all(u.split(" [#")[0] for u in units)
    expected = set(Organization.objects.filter(path__startswith=dept.path).values_list("pk", flat=True))
    assert {int(u.rsplit("#", 1)[1].rstrip("]")) for u in units} <= expected
    assert any(t.startswith("BK_TINH — ") for t in types) and not any(t.startswith("BK_TTG") for t in types)


def test_who_may_import(dossier, staff):
    good = sheet([["", staff[0].citizen_id, "", "BK_TINH", 2024, ""]])
    anonymous = Client().get(url(dossier))
    assert anonymous.status_code == 302 and anonymous.url.startswith("/dang-nhap/")
    assert _client_for("laichau").get(url(dossier)).status_code == 404  # another province: not found
    assert _client_for("laichau").get(url(dossier) + "mau.xlsx").status_code == 404
    for username in ("trunguong", "kiemtra", "caobang"):  # sees the dossier, is not its proposer
        client = _client_for(username)
        response = client.get(url(dossier))
        assert response.status_code == 403, username
        assert "đơn vị trình hồ sơ" in response.content.decode() or "vai trò" in response.content.decode()
        response = client.post(url(dossier), {"file": SimpleUploadedFile("a.xlsx", good)})
        assert response.status_code == 403
    page = _client_for("donvi").get(url(dossier))
    assert page.status_code == 200 and f"Hồ sơ #{dossier.pk}: {dossier.title}" in page.content.decode()
    assert dossier.items.count() == 0


def test_only_an_editable_dossier(dossier, staff):
    client = _client_for("donvi")
    good = sheet([["", staff[0].citizen_id, "", "BK_TINH", 2024, ""]])
    purl, previewed = preview(client, dossier, good)  # previewed while a draft…
    assert previewed.context["result"].ok
    Dossier.objects.filter(pk=dossier.pk).update(state="submitted")  # …then submitted
    response = client.get(url(dossier))
    assert response.status_code == 403 and "trạng thái" in response.content.decode()
    response = commit(client, purl, previewed)
    assert response.status_code == 403
    assert dossier.items.count() == 0


def test_detail_page_shows_the_import_link_only_to_who_may_add(dossier):
    page = f"/ho-so/{dossier.pk}/"
    assert url(dossier).encode() in _client_for("donvi").get(page).content
    assert url(dossier).encode() not in _client_for("caobang").get(page).content
    assert url(dossier).encode() not in _client_for("trunguong").get(page).content
    Dossier.objects.filter(pk=dossier.pk).update(state="submitted")
    assert url(dossier).encode() not in _client_for("donvi").get(page).content


def test_people_not_in_registry_are_not_created(dossier):
    """The import never creates people: an unknown citizen ID is an error, not a new person."""
    count = Person.objects.count()
    client = _client_for("donvi")
    purl, response = preview(client, dossier, sheet([["Người Mới", cid(799), "", "BK_TINH", 2024, ""]]))
    assert issues(response) == {(2, CID)}
    assert commit(client, purl, response).status_code == 409
    assert Person.objects.count() == count and dossier.items.count() == 0


def test_preview_warns_of_nominees_not_yet_eligible_and_still_writes_them(dossier, staff, unit):
    """The preview says, row by row, who does not meet the rule of the proposed award (the same words as the
    dossier's checks); the warnings do not block: every row is written."""
    eligible = bk_tinh_candidate(unit, "Nông Thị Đủ")
    eligible.citizen_id = cid(790)
    eligible.save(update_fields=["citizen_id"])
    fresh = staff[0]  # no rating, no title: not eligible for BK_TINH 2024
    rows = [["", eligible.citizen_id, "", "BK_TINH", 2024, ""], ["", fresh.citizen_id, "", "BK_TINH", 2024, ""]]
    client = _client_for("donvi")
    purl, response = preview(client, dossier, sheet(rows))
    result = response.context["result"]
    assert result.ok, texts(response)
    assert [(n.row, n.column) for n in result.notes] == [(3, "Hình thức đề nghị")]
    assert result.notes[0].message.startswith("Chưa đủ điều kiện Bằng khen")
    assert "2024" in result.notes[0].message
    assert "cảnh báo (không chặn việc ghi)" in response.content.decode()
    # The dossier's own check of the written item says the same.
    assert commit(client, purl, response).status_code == 302
    item = DossierItem.objects.get(dossier=dossier, person=fresh)
    report = check_dossier(dossier)
    assert result.notes[0].message in [c.message for c in report.items[item.pk].checks]
    assert DossierItem.objects.filter(dossier=dossier).count() == 2
