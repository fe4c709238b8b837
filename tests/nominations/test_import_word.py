"""Nominee lists from a Word letter (.docx, python-docx): the nominee table is found among the letter's tables, its
columns are mapped by their usual headers and the preview says how; every row is checked like an Excel row (citizen
ID, unit, award type, duplicates) and the rows are added all or none, errors named by table row and column."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import _client_for
from tests.lib.imports.helpers import cid
from tests.nominations.conftest import new_person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

HEADER = ["TT", "Họ tên", "Số CCCD", "Hình thức khen thưởng", "Năm", "Thành tích đạt được"]


@pytest.fixture(autouse=True)
def import_store(settings, tmp_path):
    settings.THIDUA_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def staff(unit):
    return [new_person(unit, f"Cán Bộ Văn Bản {n}", citizen_id=cid(820 + n), birth_year=1986) for n in range(3)]


def letter(rows, header=HEADER) -> bytes:
    """A submission letter: a heading table (no nominee columns), a paragraph, then the list."""
    document = docx.Document()
    heading = document.add_table(rows=2, cols=2)
    heading.cell(0, 0).text, heading.cell(0, 1).text = "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    heading.cell(1, 0).text, heading.cell(1, 1).text = "Số: 12/TTr-SNV", "Độc lập - Tự do - Hạnh phúc"
    document.add_paragraph("Kính trình Chủ tịch UBND tỉnh xem xét, khen thưởng cho các cá nhân có tên sau:")
    table = document.add_table(rows=1, cols=len(header))
    for i, text in enumerate(header):
        table.rows[0].cells[i].text = text
    for n, row in enumerate(rows, 1):
        cells = table.add_row().cells
        for i, value in enumerate([n, *row]):
            cells[i].text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(client, dossier, content: bytes, name="to-trinh.docx"):
    response = client.post(f"/ho-so/{dossier.pk}/nhap/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content[:800]
    purl = response.url.split("?")[0]
    return purl, client.get(purl)


def test_a_word_table_adds_every_row(dossier, staff):
    a, b, c = staff
    client = _client_for("donvi")
    purl, response = upload(client, dossier, letter([
        [a.full_name, a.citizen_id, "Bằng khen cấp bộ, ban, ngành, tỉnh", "2024", "Hoàn thành xuất sắc nhiệm vụ"],
        ["", b.citizen_id, "BK_TINH", "", ""],
        [c.full_name, c.citizen_id, "CSTD_TINH", "2023", "Sáng kiến cấp tỉnh"],
    ]))
    result = response.context["result"]
    assert result.ok, [i.text for i in result.issues]
    assert result.sheet.startswith("Bảng 2 của văn bản Word") and result.total == 3
    understood = result.warnings[0]
    assert "“Số CCCD” → Số định danh cá nhân" in understood and "“Hình thức khen thưởng” → Hình thức đề nghị" in understood
    assert "Đã hiểu các cột" in response.content.decode()
    response = client.post(purl + "ghi", {"sha256": response.context["stored"].sha256, "rows": result.total})
    assert response.status_code == 302
    items = list(dossier.items.order_by("position"))
    assert [(i.person_id, i.award_type.code, i.year) for i in items] == [
        (a.pk, "BK_TINH", 2024), (b.pk, "BK_TINH", 2024), (c.pk, "CSTD_TINH", 2023)]
    assert items[2].achievement == "Sáng kiến cấp tỉnh"


def test_bad_rows_are_named_by_table_row_and_column_and_nothing_is_added(dossier, staff):
    a, b, _ = staff
    before = dossier.items.count()
    client = _client_for("donvi")
    purl, response = upload(client, dossier, letter([
        [a.full_name, a.citizen_id, "BK_TINH", "2024", ""],  # table row 2: good
        ["", cid(899), "BK_TINH", "2024", ""],  # 3: unknown citizen ID
        ["", b.citizen_id, "Huân chương gì đó", "2024", ""],  # 4: unknown award type
        ["", a.citizen_id, "BK_TINH", "2024", ""],  # 5: the same as row 2
        ["Tên Khác", b.citizen_id, "BK_TINH", "20x4", ""],  # 6: name mismatch and a bad year
    ]))
    result = response.context["result"]
    assert {(i.row, i.column) for i in result.issues} == {
        (3, "Số định danh cá nhân"), (4, "Hình thức đề nghị"), (5, "Số định danh cá nhân"), (6, "Năm thành tích")}
    texts = [i.text for i in result.issues]
    assert any(t.startswith("Dòng 3, cột “Số định danh cá nhân”: Không có cá nhân nào mang số định danh") for t in texts)
    # Committing anyway writes nothing.
    response = client.post(purl + "ghi", {"sha256": response.context["stored"].sha256, "rows": result.total})
    assert dossier.items.count() == before


def test_a_letter_without_the_nominee_table_is_refused_with_the_columns_it_needs(dossier):
    client = _client_for("donvi")
    response = client.post(f"/ho-so/{dossier.pk}/nhap/", {
        "file": SimpleUploadedFile("thu.docx", letter([["Ai đó", "x"]], header=["TT", "Họ tên", "Ghi chú"]))})
    purl = response.url.split("?")[0]
    page = client.get(purl)
    assert page.status_code == 400
    assert "không bảng nào có dòng tiêu đề với các cột bắt buộc: “Hình thức đề nghị”" in page.content.decode()
    assert dossier.items.count() == 0


def test_other_imports_do_not_read_word(settings):
    from thidua.lib import imports

    ratings = imports.get_importer("ratings")
    assert not ratings.word_tables
    with pytest.raises(imports.ImportRefused, match="chỉ nhập từ bảng tính"):
        imports.read_word_rows(ratings(None), settings.BASE_DIR / "nonexistent.docx", "x.docx")


@pytest.mark.parametrize("persona", ["province_officer", "other_province_officer", "central_board", "council_member"])
def test_only_the_proposing_unit_imports_a_word_list(persona, dossier, staff):
    client = _client_for({"province_officer": "caobang", "other_province_officer": "laichau",
                          "central_board": "trunguong", "council_member": "hoidong"}[persona])
    a = staff[0]
    response = client.post(f"/ho-so/{dossier.pk}/nhap/", {
        "file": SimpleUploadedFile("to-trinh.docx", letter([[a.full_name, a.citizen_id, "BK_TINH", "2024", ""]]))})
    assert response.status_code in (403, 404)
    assert dossier.items.count() == 0
