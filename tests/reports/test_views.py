"""The "Biểu thống kê" page and its Excel export: scope by persona, the same figures in page and file, the
official layout (header texts, codes, zero cells blank)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.conftest import _client_for
from thidua.lib.numbers import format_number
from thidua.orgs.models import Organization, OrganizationKind
from thidua.reports import definitions as reports

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
PAGE, EXPORT = "/khen-thuong/bieu-thong-ke/", "/khen-thuong/bieu-thong-ke/export.xlsx"


@pytest.fixture
def cao_bang(db):
    return Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04", valid_from__isnull=True)


@pytest.mark.parametrize("username, status", [("caobang", 200), ("hoidong", 200), ("trunguong", 200), ("kiemtra", 200),
                                              ("admin", 200), ("laichau", 404), ("donvi", 404)])
def test_organisation_outside_the_scope_is_404(cao_bang, username, status):
    client = _client_for(username)
    for url in (PAGE, EXPORT):
        assert client.get(url, {"form": "0602", "org": cao_bang.pk, "year": 2018}).status_code == status, (username, url)


def test_anonymous_goes_to_login(cao_bang):
    for url in (PAGE, EXPORT):
        response = Client().get(url, {"form": "0602", "org": cao_bang.pk, "year": 2018})
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_default_organisation_is_the_users_own_and_global_roles_see_the_country():
    table = _client_for("donvi").get(PAGE, {"form": "0603", "year": 2018}).context["table"]
    assert table.organization == Organization.objects.get(user_roles__user__username="donvi")
    response = _client_for("trunguong").get(PAGE, {"form": "0602", "year": 2018})
    assert response.context["table"].organization is None and "Toàn quốc" in response.content.decode()
    choices = response.context["organizations"]
    assert {o.kind for o in choices} <= {"province", "ministry"}


def test_page_and_excel_show_the_same_figures_in_the_official_layout(cao_bang):
    client = _client_for("caobang")
    params = {"form": "0602", "org": cao_bang.pk, "year": 2018}
    page = client.get(PAGE, params)
    table = page.context["table"]
    html = page.content.decode()
    assert "SỐ LƯỢNG KHEN THƯỞNG CẤP NHÀ NƯỚC" in html and "0602.N/BNV-TĐKT" in html
    total = table.value("01", "1")
    row01 = html.split('<tr data-row="01"')[1].split("</tr>")[0]
    assert f'<td class="table-num">{format_number(total)}</td>' in row01 and total > 100
    response = client.get(EXPORT, {**params, "place": "Cao Bằng"})
    assert response.status_code == 200 and "bieu-0602" in response["Content-Disposition"]
    wb = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    cells = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    flat = [str(v) for row in cells for v in row]
    assert "Biểu số: 0602.N/BNV-TĐKT" in flat
    assert "Ban hành theo Thông tư số 02/2023/TT-BNV ngày 23/3/2023 của Bộ trưởng Bộ Nội vụ" in flat
    assert "Ngày nhận báo cáo: ngày 15 tháng 12 năm báo cáo" in flat
    assert f"Đơn vị báo cáo: {cao_bang.name}" in flat
    assert "Kỳ báo cáo: Năm 2018 (Từ ngày 01/01/2018 đến ngày 31/12/2018)" in flat
    assert "Người lập biểu" in flat and "(Ký, họ tên, đóng dấu)" in flat
    assert any(v.startswith("Cao Bằng, ngày ") for v in flat)
    codes_row = next(i for i, row in enumerate(cells) if row[:2] == ["A", "B"])
    codes = cells[codes_row][2:]
    assert codes == [c.code for c in table.definition.columns]
    by_code = {row[1]: row for row in cells[codes_row + 1:] if len(row) > 1 and row[1]}
    for row in table.rows:
        if row.line.heading:
            continue
        got = by_code[row.line.code][2:2 + len(codes)]
        # Zero cells print blank; the others are the same numbers as the page.
        assert [int(v) if v != "" else 0 for v in got] == row.values, row.line.code
        assert all(v == "" for v, n in zip(got, row.values, strict=True) if n == 0)
    assert by_code["01"][2] == total > 0


@pytest.mark.parametrize("form", ["0601", "0603", "0604", "0605"])
def test_every_form_renders_on_page_and_in_excel(cao_bang, form):
    client = _client_for("caobang")
    params = {"form": form, "org": cao_bang.pk, "year": 2018}
    page = client.get(PAGE, params)
    assert page.status_code == 200
    definition = reports.definition(form)
    assert definition.title in page.content.decode()
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    flat = [str(v) for row in CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
            .to_python() for v in row]
    assert definition.title in flat and f"Biểu số: {definition.symbol}" in flat


def test_bad_parameters_are_refused_with_a_message(cao_bang):
    client = _client_for("caobang")
    response = client.get(EXPORT, {"form": "9999", "org": cao_bang.pk, "year": 2018})
    assert response.status_code == 400 and "9999" in response.content.decode()
    response = client.get(PAGE, {"form": "0602", "org": cao_bang.pk, "year": 2018, "period": "quarter", "part": 7})
    assert response.status_code == 400 and "Quý phải từ 1 đến 4." in response.content.decode()
    response = client.get(PAGE, {"form": "0602", "year": 2018, "period": "range", "start": "2018-05-01",
                                 "end": "2018-04-01"})
    assert response.status_code == 400 and "Khoảng thời gian không hợp lệ" in response.content.decode()
    response = client.get(PAGE, {"form": "0602", "year": 2018, "period": "range", "start": "2018-01-01",
                                 "end": "2018-06-30"})
    assert response.status_code == 200 and response.context["table"].period.label == "Từ 01/01/2018 đến 30/06/2018"
