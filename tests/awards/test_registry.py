import io

import pytest
from python_calamine import CalamineWorkbook

from thidua.awards.models import Award
from thidua.core.text import fold

pytestmark = pytest.mark.django_db


def count(client, **params):
    response = client.get("/khen-thuong/", params)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_search_ignores_diacritics(central_board):
    assert count(central_board, q="cao bang") == Award.objects.filter(recipient_name_folded__contains="cao bang").count() > 0
    n = count(central_board, q="nguyen van")
    assert n > 0
    assert n == count(central_board, q="Nguyễn Văn") == count(central_board, q="NGUYEN VAN")
    page = central_board.get("/khen-thuong/", {"q": "nguyen van"}).context["page"]
    assert all("nguyen van" in fold(a.recipient_name) for a in page)


def test_filters_combine(central_board):
    total = count(central_board, year=2018, level="state")
    assert total == Award.objects.filter(award_type__level="state", decision__signed_on__year=2018).count()
    assert count(central_board, year=2018, level="state", kind="collective") + count(
        central_board, year=2018, level="state", kind="individual") == total
    assert count(central_board, award_type="CO_CP") == Award.objects.filter(award_type__code="CO_CP").count()


def test_invalid_filter_gives_a_message_not_an_error(central_board):
    response = central_board.get("/khen-thuong/", {"year": "abc"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "year" in response.context["form"].errors


def test_sorting_and_pagination(central_board):
    page = central_board.get("/khen-thuong/", {"sort": "name", "level": "state"}).context["page"]
    names = [a.recipient_name_folded for a in page]
    assert names == sorted(names) and len(names) == 50
    second = central_board.get("/khen-thuong/", {"sort": "name", "level": "state", "page": 2}).context["page"]
    assert second.number == 2 and second[0].recipient_name_folded >= names[-1]


def test_export_to_excel_has_the_filtered_rows(province_officer, cluster_year_2018):
    response = province_officer.get("/khen-thuong/export.xlsx",
                                     {"cluster_year": cluster_year_2018.pk, "level": "state", "priority": "on"})
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][2] == "Tên người/tập thể được khen"
    assert len(rows) - 1 == 392
    assert {r[3] for r in rows[1:]} <= {"Tập thể nhỏ", "Người trực tiếp lao động"}
