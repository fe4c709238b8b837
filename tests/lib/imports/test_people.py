"""Importing people: a good file in each format, every kind of bad row named by row and column, file-level
refusals, all-or-nothing, and the stale preview that cannot half-commit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import _client_for
from tests.lib.imports.helpers import PEOPLE_HEADER, cid, ods, xls, xlsx
from thidua.core.models import AuditEvent
from thidua.orgs.models import Organization, OrganizationKind, Person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
UPLOAD = "/don-vi/nhap-ca-nhan/"


@pytest.fixture
def dept(db):
    """Sở Nội vụ tỉnh Cao Bằng: the unit officer's department, inside Cao Bằng's scope."""
    return Organization.objects.get(user_roles__user__username="donvi")


@pytest.fixture
def other_dept(dept):
    """Another department of Cao Bằng: inside the province office's scope, outside the unit officer's."""
    return Organization.objects.filter(parent=dept.parent, kind=OrganizationKind.DEPARTMENT).exclude(pk=dept.pk).first()


@pytest.fixture
def lai_chau_dept(db):
    return Organization.objects.filter(kind=OrganizationKind.DEPARTMENT, parent__admin_code="12").first()


def ref(org) -> str:
    return f"{org.name} [#{org.pk}]"


def person_row(n: int, unit, **over) -> list:
    gender = over.pop("gender", "Nữ" if n % 2 else "Nam")
    year = over.pop("year", 1970 + n % 30)
    g = "female" if gender == "Nữ" else "male"
    row = {"stt": n, "name": f"Người Thử Nghiệm {n}", "cid": cid(n, g, year if isinstance(year, int) else 1985),
           "gender": gender, "year": year, "ethnicity": "Tày", "org": ref(unit), "position": "Chuyên viên",
           "direct": "Không"}
    row.update(over)
    return [row["stt"], row["name"], row["cid"], row["gender"], row["year"], row["ethnicity"], row["org"],
            row["position"], row["direct"]]


def upload(client, content: bytes, name: str = "danh-sach.xlsx", url: str = UPLOAD):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def preview_url(response) -> str:
    assert response.status_code == 302, getattr(response, "content", b"")[:500]
    return response.url.split("?")[0]


def preview(client, content: bytes, name: str = "danh-sach.xlsx", url: str = UPLOAD):
    """Upload then GET the preview (the synchronous check): (preview url, response)."""
    purl = preview_url(upload(client, content, name, url))
    return purl, client.get(purl)


def issues(response) -> list[tuple]:
    return [(i.row, i.column, i.message) for i in response.context["result"].issues]


def commit(client, purl: str, response):
    result = response.context["result"]
    return client.post(purl + "ghi", {"sha256": response.context["stored"].sha256, "rows": result.total})


@pytest.mark.parametrize("fmt, name", [(xlsx, "ds.xlsx"), (xls, "ds.xls"), (ods, "ds.ods")])
def test_good_file_in_each_format_imports_every_row(dept, fmt, name):
    client = _client_for("caobang")
    rows = [person_row(n, dept) for n in range(1, 6)]
    rows[0][5] = "H'Mông"  # a common spelling, stored as the official name
    rows[1][8] = "Có"
    purl, response = preview(client, fmt(rows, PEOPLE_HEADER), name)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.ok and result.total == 5 and result.issues == []
    before = AuditEvent.objects.count()
    response = commit(client, purl, response)
    assert response.status_code == 302 and response.url == UPLOAD
    people = {p.citizen_id: p for p in Person.objects.filter(citizen_id__in=[r[2] for r in rows])}
    assert len(people) == 5
    p1, p2 = people[rows[0][2]], people[rows[1][2]]
    assert (p1.full_name, p1.gender, p1.birth_year, p1.ethnicity, p1.organization_id, p1.position) == (
        "Người Thử Nghiệm 1", "female", 1971, "Mông", dept.pk, "Chuyên viên")
    assert p1.name_folded == "nguoi thu nghiem 1" and p2.is_direct_worker and not p1.is_direct_worker
    # One audit event for the whole import, with its counts.
    events = AuditEvent.objects.order_by("pk")[before:]
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.object_type, event.username) == ("create", "orgs.person", "caobang")
    assert event.after["rows"] == 5 and event.after["created"] == 5 and event.after["file"] == name
    # The token is consumed: the preview is gone, a second commit finds nothing.
    assert client.get(purl).status_code == 404
    assert client.post(purl + "ghi", {"sha256": "x", "rows": 5}).status_code == 404


def test_citizen_id_typed_as_a_number_gets_its_leading_zero_back(dept):
    client = _client_for("caobang")
    row = person_row(7, dept)
    number = int(row[2])  # Excel shows 96185000007: the leading 0 is lost
    row[2] = number
    purl, response = preview(client, xlsx([row], PEOPLE_HEADER))
    assert response.context["result"].ok, issues(response)
    commit(client, purl, response)
    assert Person.objects.filter(citizen_id=f"{number:012d}").exists()


def test_every_kind_of_bad_row_is_named_by_row_and_column(dept, other_dept, lai_chau_dept):
    existing = Person.objects.filter(organization__path__startswith=dept.parent.path, citizen_id__isnull=False).first()
    rows = [
        person_row(1, dept),                                        # row 2: good
        person_row(2, dept, cid="12345"),                           # row 3: not 12 digits
        person_row(3, dept, cid="999185000003"),                    # row 4: unknown province code
        person_row(4, dept, cid=cid(4, "male", 1974)),              # row 5: ID says male, row says Nữ? (n=4 → Nam)
        person_row(5, dept, org="Sở Không Tồn Tại"),                # row 6: unknown organisation
        person_row(6, lai_chau_dept),                               # row 7: outside Cao Bằng
        person_row(7, dept, year=1890, cid=cid(7)),                 # row 8: birth year out of range
        person_row(8, dept, year="năm tám mươi"),                   # row 9: not a year
        person_row(1, dept, stt=9, name="Trùng Số"),                # row 10: same ID as row 2
        person_row(10, dept, cid=existing.citizen_id),              # row 11: already in the registry
        person_row(11, dept, name=""),                              # row 12: empty required cell
        person_row(12, dept, gender="Không rõ"),                    # row 13: unknown gender
        person_row(13, dept, ethnicity="Sao Hỏa"),                  # row 14: unknown ethnic group
        person_row(14, dept, org=f"Tên sửa tay [#{other_dept.pk}]"),  # row 15: id and name disagree
        person_row(15, dept, direct="có lẽ"),                       # row 16: not a yes/no
    ]
    rows[3][3], rows[3][4] = "Nữ", 1974  # the ID encodes a man born 1974; the row says a woman
    client = _client_for("caobang")
    purl, response = preview(client, xlsx(rows, PEOPLE_HEADER))
    found = issues(response)
    by_row = {}
    for row, column, message in found:
        by_row.setdefault(row, []).append((column, message))

    def one(row):
        assert len(by_row.get(row, [])) == 1, (row, by_row.get(row))
        return by_row[row][0]

    assert 2 not in by_row
    assert one(3) == ("Số định danh cá nhân", "Số định danh cá nhân phải gồm đúng 12 chữ số (nhận được: 12345).")
    column, message = one(4)
    assert column == "Số định danh cá nhân" and "Mã tỉnh" in message and "999" in message
    column, message = one(5)
    assert column == "Số định danh cá nhân" and "không khớp giới tính/năm sinh (nữ, 1974)" in message
    assert one(6) == ("Đơn vị", "Không tìm thấy đơn vị “Sở Không Tồn Tại”; hãy chọn từ danh sách.")
    assert one(7) == ("Đơn vị", f"Đơn vị “{lai_chau_dept.name}” nằm ngoài phạm vi quản lý của bạn.")
    column, message = one(8)
    assert column == "Năm sinh" and "1890" in message
    column, message = one(9)
    assert column == "Năm sinh" and "năm tám mươi" in message
    column, message = one(10)
    assert column == "Số định danh cá nhân" and "Trùng" in message and "dòng 2" in message and rows[0][2] in message
    column, message = one(11)
    assert column == "Số định danh cá nhân" and "Đã có trong hệ thống" in message and existing.full_name in message
    assert one(12) == ("Họ và tên", "Ô trống: cần nhập họ và tên.")
    column, message = one(13)
    assert column == "Giới tính" and "Không rõ" in message
    column, message = one(14)
    assert column == "Dân tộc" and "Sao Hỏa" in message
    column, message = one(15)
    assert column == "Đơn vị" and "không khớp tên “Tên sửa tay”" in message
    column, message = one(16)
    assert column == "Lao động trực tiếp" and "có lẽ" in message
    # The page lists them with the row and the column; no commit button; nothing written.
    html = response.content.decode()
    assert "Tệp có lỗi nên chưa ghi dòng nào" in html and 'id="commit-form"' not in html
    assert "Sở Không Tồn Tại" in html
    before = Person.objects.count()
    assert commit(client, purl, response).status_code == 409
    assert Person.objects.count() == before


def test_unit_officer_cannot_import_into_another_department(dept, other_dept):
    client = _client_for("donvi")
    purl, response = preview(client, xlsx([person_row(1, dept), person_row(2, other_dept)], PEOPLE_HEADER))
    assert issues(response) == [(3, "Đơn vị", f"Đơn vị “{other_dept.name}” nằm ngoài phạm vi quản lý của bạn.")]


def test_bare_organisation_name_is_accepted_when_unique_in_scope(dept):
    unit = Organization.objects.create(kind=OrganizationKind.UNIT, name="Tổ Thử Nghiệm Nhập Liệu", parent=dept)
    client = _client_for("caobang")
    purl, response = preview(client, xlsx([person_row(1, dept, org="to thu nghiem NHAP lieu")], PEOPLE_HEADER))
    assert response.context["result"].ok, issues(response)
    commit(client, purl, response)
    assert Person.objects.get(citizen_id=cid(1, "female", 1971)).organization == unit
    # Two organisations of the scope share a name: the row must use the list (name with its #id).
    twin = Organization.objects.create(kind=OrganizationKind.UNIT, name="Tổ Thử Nghiệm Nhập Liệu", parent=dept)
    purl, response = preview(client, xlsx([person_row(2, dept, org="Tổ Thử Nghiệm Nhập Liệu")], PEOPLE_HEADER))
    assert issues(response) == [(2, "Đơn vị", "Có 2 đơn vị tên “Tổ Thử Nghiệm Nhập Liệu”; hãy chọn từ danh sách "
                                               "(tên kèm mã #).")]
    purl, response = preview(client, xlsx([person_row(2, dept, org=ref(twin))], PEOPLE_HEADER))
    assert response.context["result"].ok


def test_one_bad_row_among_fifty_writes_nothing(dept):
    client = _client_for("caobang")
    rows = [person_row(n, dept) for n in range(1, 51)]
    rows[36][2] = "0961850000AB"
    purl, response = preview(client, xlsx(rows, PEOPLE_HEADER))
    result = response.context["result"]
    assert result.total == 50 and result.error_rows == 1 and len(result.valid_rows) == 49
    assert issues(response)[0][:2] == (38, "Số định danh cá nhân")
    before, audit_before = Person.objects.count(), AuditEvent.objects.count()
    response = commit(client, purl, response)
    assert response.status_code == 409 and "Chưa ghi dòng nào" in response.content.decode()
    assert Person.objects.count() == before and AuditEvent.objects.count() == audit_before


def test_stale_preview_cannot_half_commit(dept):
    """The preview was clean; before the commit someone registers one of the people: nothing is written."""
    client = _client_for("caobang")
    rows = [person_row(n, dept) for n in range(1, 21)]
    purl, response = preview(client, xlsx(rows, PEOPLE_HEADER))
    assert response.context["result"].ok
    Person.objects.create(full_name="Người Khác", citizen_id=rows[9][2], gender="female", organization=dept)
    before = Person.objects.count()
    response = commit(client, purl, response)
    assert response.status_code == 409
    assert "Đã có trong hệ thống" in response.content.decode() and "Dòng" not in response.content.decode()[:0]
    assert Person.objects.count() == before
    assert not Person.objects.filter(citizen_id=rows[0][2]).exists()


def test_commit_with_a_different_row_count_or_file_is_refused(dept):
    client = _client_for("caobang")
    purl, response = preview(client, xlsx([person_row(n, dept) for n in range(1, 4)], PEOPLE_HEADER))
    sha = response.context["stored"].sha256
    before = Person.objects.count()
    r = client.post(purl + "ghi", {"sha256": sha, "rows": 2})  # the preview the user saw had 2 rows
    assert r.status_code == 409 and "bản xem trước có 2 dòng" in r.content.decode()
    r = client.post(purl + "ghi", {"sha256": "0" * 64, "rows": 3})
    assert r.status_code == 409
    assert Person.objects.count() == before
    assert client.post(purl + "ghi", {"sha256": sha, "rows": 3}).status_code == 302
    assert Person.objects.count() == before + 3


@pytest.mark.parametrize("content, name, message", [
    (b"Ho ten,CCCD\nA,1\n", "danh-sach.csv", "loại tệp “.csv” không được chấp nhận; chỉ nhận .ods, .xls, .xlsx"),
    (b"Ho ten,CCCD\nA,1\n", "doi-duoi.xlsx", "không phải bảng tính .xlsx (có thể đã bị đổi đuôi)"),
    (b"PK\x03\x04garbage", "hong.xlsx", "bị hỏng"),
    (b"", "rong.xlsx", "rỗng"),
])
def test_non_excel_files_are_refused_with_a_clear_message(content, name, message):
    response = upload(_client_for("caobang"), content, name)
    assert response.status_code == 400
    assert message in response.context["error"] and name in response.context["error"]


def test_too_large_file_is_refused(settings, dept):
    settings.IMPORT_MAX_BYTES = 2000
    content = xlsx([person_row(n, dept) for n in range(1, 60)], PEOPLE_HEADER)
    response = upload(_client_for("caobang"), content)
    assert response.status_code == 400
    size = round(len(content) / 1024)
    assert response.context["error"] == f"Tệp “danh-sach.xlsx” quá lớn: {size} KB, vượt giới hạn 2 KB."


def test_too_many_rows_is_refused(settings, dept):
    settings.IMPORT_MAX_ROWS = 10
    purl, response = preview(_client_for("caobang"), xlsx([person_row(n, dept) for n in range(1, 12)], PEOPLE_HEADER))
    assert response.status_code == 400 and "tối đa 10 dòng" in response.context["refused"]


def test_wrong_sheet_or_columns_is_refused(dept):
    client = _client_for("caobang")
    content = xlsx([["a", "b"]], ["Tên", "Mã"], sheet="Sheet1")
    purl, response = preview(client, content)
    assert response.status_code == 400
    refused = response.context["refused"]
    assert "không có trang tính “Cá nhân”" in refused and "“Số định danh cá nhân”" in refused
    # The right sheet with a required column missing (and an extra one): the missing column is named.
    header = [h for h in PEOPLE_HEADER if not h.startswith("Năm sinh")] + ["Ghi chú riêng"]
    rows = [[c for i, c in enumerate(person_row(1, dept)) if i != 4] + ["x"]]
    purl, response = preview(client, xlsx(rows, header))
    assert "Thiếu cột bắt buộc: Năm sinh." in response.context["refused"]


def test_sheet_under_another_name_is_found_by_its_header(dept):
    purl, response = preview(_client_for("caobang"), xlsx([person_row(1, dept)], PEOPLE_HEADER, sheet="Trang1"))
    assert response.context["result"].ok and response.context["result"].sheet == "Trang1"


def test_empty_sheet_is_reported(dept):
    purl, response = preview(_client_for("caobang"), xlsx([], PEOPLE_HEADER))
    result = response.context["result"]
    assert not result.ok and "không có dòng dữ liệu nào" in result.issues[0].message
    assert 'id="commit-form"' not in response.content.decode()
