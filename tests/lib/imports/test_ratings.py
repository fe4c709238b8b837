"""Importing yearly ratings: the rules of record_evaluation, by row and column; duplicates in the file and in the
registry; all-or-nothing."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import _client_for
from tests.lib.imports.helpers import RATINGS_HEADER, cid, ods, xlsx
from tests.lib.imports.test_people import commit, issues, preview
from thidua.awards.models import Evaluation
from thidua.core.models import AuditEvent
from thidua.orgs.models import Organization, OrganizationKind, Person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
UPLOAD = "/khen-thuong/nhap-xep-loai/"


@pytest.fixture
def staff(db):
    """Ten people of the unit officer's department and two of Lai Châu, with fresh citizen IDs."""
    dept = Organization.objects.get(user_roles__user__username="donvi")
    lai_chau = Organization.objects.filter(kind=OrganizationKind.DEPARTMENT, parent__admin_code="12").first()
    people = [Person.objects.create(full_name=f"Cán Bộ Số {n}", citizen_id=cid(500 + n), gender="female",
                                    birth_year=1985, organization=dept) for n in range(10)]
    outsiders = [Person.objects.create(full_name=f"Người Lai Châu {n}", citizen_id=cid(600 + n), gender="female",
                                       birth_year=1985, organization=lai_chau) for n in range(2)]
    return people, outsiders


def sheet(rows):
    return xlsx(rows, RATINGS_HEADER, sheet="Xếp loại")


def test_good_file_imports_every_rating(staff):
    people, _ = staff
    rows = [[p.citizen_id, p.full_name, 2023, "HTT"] for p in people] + [
        [people[0].citizen_id, "", 2024, "HTXS — Hoàn thành xuất sắc nhiệm vụ"],
        [people[1].citizen_id, "can bo so 1", 2024, "Hoàn thành nhiệm vụ"]]
    client = _client_for("donvi")
    purl, response = preview(client, sheet(rows), "xep-loai.xlsx", UPLOAD)
    assert response.context["result"].ok, issues(response)
    before = AuditEvent.objects.count()
    assert commit(client, purl, response).status_code == 302
    got = {(e.person_id, e.year): e.rating for e in Evaluation.objects.filter(person__in=people)}
    assert len(got) == 12
    assert got[(people[0].pk, 2024)] == "HTXS" and got[(people[1].pk, 2024)] == "HT" and got[(people[5].pk, 2023)] == "HTT"
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert event.object_type == "awards.evaluation" and event.after["created"] == 12 and event.username == "donvi"


def test_ods_file_imports(staff):
    people, _ = staff
    client = _client_for("caobang")
    purl, response = preview(client, ods([[people[2].citizen_id, "", 2022, "KHT"]], RATINGS_HEADER, "Xếp loại"),
                             "xep-loai.ods", UPLOAD)
    assert response.context["result"].ok
    commit(client, purl, response)
    assert Evaluation.objects.get(person=people[2], year=2022).rating == "KHT"


def test_every_kind_of_bad_rating_row(staff):
    people, outsiders = staff
    Evaluation.objects.create(person=people[3], year=2023, rating="HTT")
    next_year = date.today().year + 1
    rows = [
        [people[0].citizen_id, "", 2023, "HTT"],                 # 2 good
        ["123", "", 2023, "HTT"],                                # 3 bad citizen ID
        [cid(999), "", 2023, "HTT"],                             # 4 nobody with that ID
        [outsiders[0].citizen_id, "", 2023, "HTT"],              # 5 person outside the scope
        [people[1].citizen_id, "", next_year, "HTT"],            # 6 year in the future
        [people[2].citizen_id, "", 2023, "Tốt lắm"],             # 7 unknown rating
        [people[0].citizen_id, "", 2023, "HT"],                  # 8 same person-year as row 2
        [people[3].citizen_id, "", 2023, "HTXS"],                # 9 already rated in the registry
        [people[4].citizen_id, "Tên Khác", 2023, "HTT"],         # 10 name does not match the ID
        [people[5].citizen_id, "", "", "HTT"],                   # 11 empty year
    ]
    client = _client_for("caobang")
    purl, response = preview(client, sheet(rows), "xep-loai.xlsx", UPLOAD)
    found = {row: (column, message) for row, column, message in issues(response)}
    assert len(issues(response)) == len(found) == 9
    assert found[3] == ("Số định danh cá nhân", "Số định danh cá nhân phải gồm đúng 12 chữ số (nhận được: 123).")
    assert found[4] == ("Số định danh cá nhân", f"Không có cá nhân nào mang số định danh {cid(999)} trong hệ thống "
                                                "(nhập danh sách cá nhân trước).")
    assert found[5] == ("Số định danh cá nhân", f"Cá nhân mang số định danh {outsiders[0].citizen_id} thuộc đơn vị "
                                                "ngoài phạm vi quản lý của bạn.")
    assert found[6] == ("Năm", f"Năm {next_year} không hợp lệ (từ 1945 đến {date.today().year}).")
    assert found[7][0] == "Xếp loại" and "“Tốt lắm” không có trong danh mục" in found[7][1] and "HTXS" in found[7][1]
    assert found[8][0] == "Số định danh cá nhân" and "với dòng 2" in found[8][1]
    assert found[9][0] == "Số định danh cá nhân" and "đã có xếp loại năm 2023: Hoàn thành tốt nhiệm vụ" in found[9][1]
    assert found[10] == ("Họ và tên", f"Họ tên “Tên Khác” không khớp với số định danh {people[4].citizen_id} "
                                      f"(trong hệ thống: “{people[4].full_name}”).")
    assert found[11] == ("Năm", "Ô trống: cần nhập năm.")
    before = Evaluation.objects.count()
    assert commit(client, purl, response).status_code == 409
    assert Evaluation.objects.count() == before


def test_one_bad_rating_among_fifty_writes_nothing(staff):
    people, _ = staff
    rows = [[p.citizen_id, "", year, "HTT"] for year in range(2015, 2020) for p in people]
    rows[41][3] = "XUAT SAC"
    client = _client_for("caobang")
    purl, response = preview(client, sheet(rows), "xep-loai.xlsx", UPLOAD)
    assert response.context["result"].total == 50 and issues(response)[0][:2] == (43, "Xếp loại")
    before = Evaluation.objects.count()
    assert commit(client, purl, response).status_code == 409
    assert Evaluation.objects.count() == before


def test_maternity_column_sets_the_yearly_flag(staff):
    """Nghỉ thai sản: Có → the year's flag is set (it counts as working time, ND 98/2023 art. 4); empty → not set;
    a bad value is refused by cell and nothing is written."""
    people, _ = staff
    header = [*RATINGS_HEADER, "Nghỉ thai sản"]
    client = _client_for("donvi")
    bad = xlsx([[people[0].citizen_id, "", 2022, "HTT", "Có"], [people[1].citizen_id, "", 2022, "HTT", "Hình như"]],
               header, sheet="Xếp loại")
    _purl, response = preview(client, bad, "xep-loai.xlsx", UPLOAD)
    assert not response.context["result"].ok
    assert any("Có" in message for _row, _col, message in issues(response))
    assert not Evaluation.objects.filter(person__in=people).exists()
    good = xlsx([[people[0].citizen_id, "", 2022, "HTT", "Có"], [people[1].citizen_id, "", 2022, "HTT", ""],
                 [people[2].citizen_id, "", 2022, "HT", "Không"]], header, sheet="Xếp loại")
    purl, response = preview(client, good, "xep-loai.xlsx", UPLOAD)
    assert response.context["result"].ok, issues(response)
    commit(client, purl, response)
    flags = dict(Evaluation.objects.filter(person__in=people[:3], year=2022).values_list("person_id", "on_maternity_leave"))
    assert flags == {people[0].pk: True, people[1].pk: False, people[2].pk: False}


def test_file_without_the_maternity_column_still_imports(staff):
    people, _ = staff
    client = _client_for("donvi")
    purl, response = preview(client, sheet([[people[3].citizen_id, "", 2021, "HTT"]]), "xep-loai.xlsx", UPLOAD)
    assert response.context["result"].ok, issues(response)
    commit(client, purl, response)
    assert Evaluation.objects.get(person=people[3], year=2021).on_maternity_leave is False
