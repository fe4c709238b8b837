"""The framework itself: the template (header, notes, dropdowns, hidden lists), a new kind plugged in with a few
lines (award types, organisations), pages by persona, tokens tied to their user, progress."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from tests.conftest import _client_for, user
from tests.lib.imports.helpers import PEOPLE_HEADER, xlsx
from tests.lib.imports.test_people import person_row, preview
from thidua.awards.import_columns import AwardTypeColumn
from thidua.lib import imports
from thidua.orgs.import_columns import OrganizationColumn
from thidua.orgs.models import Organization, OrganizationKind, Person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def list_columns(data) -> dict[str, list]:
    lists = data["DanhMuc"]
    return {h: [row[i] for row in lists[1:] if i < len(row) and row[i] != ""] for i, h in enumerate(lists[0])}


def sheets(content: bytes) -> dict[str, list[list]]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}


def test_template_has_header_notes_dropdowns_and_scoped_lists():
    response = _client_for("caobang").get("/don-vi/nhap-ca-nhan/mau.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    content = response.content
    data = sheets(content)
    assert list(data) == ["Cá nhân", "DanhMuc", "HuongDan"]
    assert data["Cá nhân"][0] == ["Họ và tên (*)", "Số định danh cá nhân (*)", "Giới tính (*)", "Năm sinh (*)",
                                  "Dân tộc", "Đơn vị (*)", "Chức vụ", "Lao động trực tiếp"]
    columns = list_columns(data)
    assert columns["GioiTinh"] == ["Nam", "Nữ"] and columns["CoKhong"] == ["Có", "Không"]
    assert len(columns["DanToc"]) == 54 and "Kinh" in columns["DanToc"]
    cao_bang = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04", valid_from__isnull=True)
    in_scope = Organization.objects.filter(path__startswith=cao_bang.path).valid_on(date.today())
    assert len(columns["DonVi"]) == in_scope.count()
    assert all(v.endswith("]") and "[#" in v for v in columns["DonVi"])
    assert not any("Lai Châu" in v for v in columns["DonVi"])
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        sheet1 = zf.read("xl/worksheets/sheet1.xml").decode()
        workbook = zf.read("xl/workbook.xml").decode()
        names = [n for n in zf.namelist() if "comments" in n]
    assert sheet1.count("<dataValidation ") == 4 and "<formula1>DonVi</formula1>" in sheet1
    assert 'state="hidden"' in workbook and names  # the list sheet is hidden; header notes are comments
    # The unit officer's list is its own department's subtree only.
    data = sheets(_client_for("donvi").get("/don-vi/nhap-ca-nhan/mau.xlsx").content)
    dept = Organization.objects.get(user_roles__user__username="donvi")
    units = list_columns(data)["DonVi"]
    subtree = Organization.objects.filter(path__startswith=dept.path)
    assert sorted(units) == sorted(f"{o.name} [#{o.pk}]" for o in subtree)


def test_filled_template_round_trips():
    """Download the template, fill two rows in its own sheet, upload: both rows are valid."""
    client = _client_for("donvi")
    template = sheets(client.get("/don-vi/nhap-ca-nhan/mau.xlsx").content)
    unit = list_columns(template)["DonVi"][-1]
    dept = Organization.objects.get(user_roles__user__username="donvi")
    rows = [person_row(n, dept, org=unit)[1:] for n in (1, 2)]
    purl, response = preview(client, xlsx(rows, template["Cá nhân"][0]))
    assert response.context["result"].ok and response.context["result"].total == 2


def test_ratings_template_lists_ratings_with_codes():
    data = sheets(_client_for("caobang").get("/khen-thuong/nhap-xep-loai/mau.xlsx").content)
    assert data["Xếp loại"][0] == ["Số định danh cá nhân (*)", "Họ và tên", "Năm (*)", "Xếp loại (*)", "Nghỉ thai sản"]
    assert [row[0] for row in data["DanhMuc"][1:]] == ["HTXS — Hoàn thành xuất sắc nhiệm vụ",
                                                       "HTT — Hoàn thành tốt nhiệm vụ", "HT — Hoàn thành nhiệm vụ",
                                                       "KHT — Không hoàn thành nhiệm vụ"]


class AwardListImporter(imports.Importer):
    """A kind plugged in with a few lines, as a dossier-items importer will be: award type, unit, year."""

    kind = "test-award-list"
    title = "Danh sách thử"
    sheet = "Danh sách"
    audit_type = "awards.award"
    columns = [imports.TextColumn("name", "Họ và tên", required=True),
               AwardTypeColumn("award_type", "Hình thức", required=True, levels=["provincial", "grassroots"]),
               OrganizationColumn("unit", "Đơn vị", required=True),
               imports.YearColumn("year", "Năm", required=True)]
    unique_in_file = [("name", "award_type", "year")]
    written: list = []

    def existing(self, keys, ctx):
        return {k: "đã đề nghị" for k in keys if k[0] == "Đã Có"}

    def commit(self, rows, ctx):
        AwardListImporter.written = [r.values for r in rows]
        return len(rows)


def test_a_new_kind_checks_award_types_and_duplicates(tmp_path):
    dept = Organization.objects.get(user_roles__user__username="donvi")
    unit = f"{dept.name} [#{dept.pk}]"
    rows = [["Nguyễn A", "BK_TINH", unit, 2024], ["Nguyễn B", "Chiến sĩ thi đua cơ sở", unit, 2024],
            ["Nguyễn C", "BK_XYZ", unit, 2024], ["Nguyễn D", "BK_TTG", unit, 2024],
            ["Nguyễn A", "bk_tinh — bằng khen cấp bộ, ban, ngành, tỉnh", unit, 2024],
            ["Đã Có", "LDTT", unit, 2024]]
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx(rows, ["Họ và tên", "Hình thức", "Đơn vị", "Năm"], sheet="Danh sách"))
    ctx = imports.ImportContext(user=user("donvi"))
    result = imports.run(AwardListImporter(ctx.user), path, "ds.xlsx", ctx)
    found = {(i.row, i.column): i.message for i in result.issues}
    assert found == {
        (4, "Hình thức"): "Hình thức khen thưởng “BK_XYZ” không có trong danh mục (mã hoặc tên, ví dụ “BK_TINH”).",
        (5, "Hình thức"): "Hình thức khen thưởng “BK_TTG” không có trong danh mục (mã hoặc tên, ví dụ “BK_TINH”).",
        (6, "Họ và tên"): "Trùng Họ và tên + Hình thức + Năm (Nguyễn A, BK_TINH, 2024) với dòng 2 trong tệp.",
        (7, "Họ và tên"): "Đã có trong hệ thống: đã đề nghị.",
    }
    assert [r.values["award_type"] for r in result.rows[:2]] == ["BK_TINH", "CSTDCS"]
    assert AwardListImporter.written == []


def test_read_only_roles_are_refused_with_a_message_and_write_nothing():
    dept = Organization.objects.get(user_roles__user__username="donvi")
    content = xlsx([person_row(1, dept)], PEOPLE_HEADER)
    before = Person.objects.count()
    for username in ("trunguong", "kiemtra", "hoidong"):
        client = _client_for(username)
        for url in ("/don-vi/nhap-ca-nhan/", "/don-vi/nhap-ca-nhan/mau.xlsx", "/khen-thuong/nhap-xep-loai/"):
            response = client.get(url)
            assert response.status_code == 403 and "chỉ được xem" in response.content.decode(), (username, url)
        response = client.post("/don-vi/nhap-ca-nhan/", {"file": SimpleUploadedFile("a.xlsx", content)})
        assert response.status_code == 403
        index = client.get("/khen-thuong/nhap/").content.decode()
        assert "chỉ được xem" in index and "Tải lên tệp" not in index
    assert Person.objects.count() == before


def test_anonymous_is_sent_to_login():
    from django.test import Client

    client = Client()
    for url in ("/khen-thuong/nhap/", "/don-vi/nhap-ca-nhan/", "/don-vi/nhap-ca-nhan/mau.xlsx",
                "/don-vi/nhap-ca-nhan/" + "a" * 32 + "/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/dang-nhap/"), url
    response = client.post("/don-vi/nhap-ca-nhan/" + "a" * 32 + "/ghi", {"sha256": "x", "rows": 1})
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


def test_a_token_belongs_to_its_user(import_store):
    dept = Organization.objects.get(user_roles__user__username="donvi")
    owner = _client_for("caobang")
    purl, response = preview(owner, xlsx([person_row(1, dept)], PEOPLE_HEADER))
    sha = response.context["stored"].sha256
    before = Person.objects.count()
    for username in ("laichau", "donvi", "admin"):
        other = _client_for(username)
        assert other.get(purl).status_code == 404
        assert other.get(purl + "tien-do").status_code == 404
        assert other.post(purl + "ghi", {"sha256": sha, "rows": 1}).status_code == 404
    assert Person.objects.count() == before
    # The same token under the other kind's URL is not found either; a malformed token never touches the disk.
    token = purl.rstrip("/").rsplit("/", 1)[1]
    assert owner.get(f"/khen-thuong/nhap-xep-loai/{token}/").status_code == 404
    assert owner.get("/don-vi/nhap-ca-nhan/..%2F..%2Fetc/").status_code == 404
    assert len(token) == 32 and (import_store / token / "meta.json").exists()
    # Commit is POST only.
    assert owner.get(purl + "ghi").status_code == 405


def test_index_lists_the_kinds_with_their_links():
    html = _client_for("caobang").get("/khen-thuong/nhap/").content.decode()
    for text in ("Danh sách cá nhân", "Xếp loại hằng năm", "/don-vi/nhap-ca-nhan/mau.xlsx",
                 "/khen-thuong/nhap-xep-loai/"):
        assert text in html


def test_waiting_page_polls_progress_and_progress_reports_counts():
    dept = Organization.objects.get(user_roles__user__username="donvi")
    client = _client_for("caobang")
    response = client.post("/don-vi/nhap-ca-nhan/",
                           {"file": SimpleUploadedFile("a.xlsx", xlsx([person_row(n, dept) for n in range(1, 4)],
                                                                      PEOPLE_HEADER))})
    wait = client.get(response.url)
    purl = response.url.split("?")[0]
    html = wait.content.decode()
    assert f'hx-get="{purl}"' in html and f'hx-get="{purl}tien-do"' in html and "<script" not in html.split("<main")[1].split("</main>")[0]
    # The htmx request gets the result fragment, and the check wrote its progress.
    fragment = client.get(purl, HTTP_HX_REQUEST="true")
    assert 'id="import-result"' in fragment.content.decode() and "<html" not in fragment.content.decode()
    progress = client.get(purl + "tien-do").content.decode()
    assert "3 / 3" in progress


def test_a_choice_column_made_while_english_is_active_still_reads_vietnamese_labels():
    """The columns are made when their module is imported, in whatever language the first request had: the labels
    (lazy translations) are read at each parse, in the active language and in Vietnamese."""
    from django.utils import translation

    from thidua.lib.imports import ChoiceColumn
    from thidua.orgs.models import Gender

    with translation.override("en"):
        column = ChoiceColumn("gender", "Giới tính", choices=Gender.choices, list_name="GioiTinh")
        assert column.parse("Female", None) == Gender.FEMALE
    with translation.override("vi"):
        assert column.parse("Nữ", None) == Gender.FEMALE
        assert column.parse("nu", None) == Gender.FEMALE
