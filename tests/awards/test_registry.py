import io

import pytest
from python_calamine import CalamineWorkbook

from thidua.awards.models import Award
from thidua.lib.text import fold

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def count(client, **params):
    response = client.get("/khen-thuong/", params)
    assert response.status_code == 200
    assert not response.context["page"].count.approximate
    return response.context["page"].count.value


def test_search_ignores_diacritics(central_board):
    assert count(central_board, q="cao bang") == Award.objects.filter(recipient_name_folded__contains="cao bang").count() > 0
    n = count(central_board, q="nguyen van")
    assert n > 0
    assert n == count(central_board, q="Nguyễn Văn") == count(central_board, q="NGUYEN VAN")
    page = central_board.get("/khen-thuong/", {"q": "nguyen van"}).context["page"]
    assert all("nguyen van" in fold(a.recipient_name) for a in page)


def test_a_search_of_one_or_two_letters_finds_what_contains_finds(central_board, settings):
    """Too short for a trigram, the name is tested row by row (no index answers it); the same records."""
    settings.THIDUA_EXACT_COUNT_LIMIT = 10**9  # exact counts (PostgreSQL estimates above the limit)
    for term in ("le", "Lê", "a"):
        expected = Award.objects.filter(recipient_name_folded__contains=fold(term)).count()
        assert count(central_board, q=term) == expected > 0, term
    assert count(central_board, q="le", year=2018) == Award.objects.filter(
        recipient_name_folded__contains="le", decision__signed_on__year=2018).count() > 0


def test_filters_combine(central_board):
    total = count(central_board, year=2018, level="state")
    assert total == Award.objects.filter(award_type__level="state", decision__signed_on__year=2018).count()
    assert count(central_board, year=2018, level="state", kind="collective") + count(
        central_board, year=2018, level="state", kind="individual") == total
    assert count(central_board, award_type="CO_CP") == Award.objects.filter(award_type__code="CO_CP").count()


def test_the_filters_in_use_stay_selected(central_board):
    """The chosen filters come back selected (and only they), so the form shows what the list is filtered by."""
    import re

    html = central_board.get("/khen-thuong/", {"level": "state", "award_type": "CO_CP"}).content.decode()
    selected = re.findall(r'<option value="([^"]*)" selected>', html)
    assert sorted(selected) == ["CO_CP", "state"] and '<option value="provincial">' in html


def test_invalid_filter_gives_a_message_not_an_error(central_board):
    response = central_board.get("/khen-thuong/", {"year": "abc"})
    assert response.status_code == 200
    assert response.context["page"].count.value == 0
    assert "year" in response.context["form"].errors


def test_sorting_and_pagination(central_board):
    page = central_board.get("/khen-thuong/", {"sort": "name", "level": "state"}).context["page"]
    names = [a.recipient_name_folded for a in page]
    assert names == sorted(names) and len(names) == 50
    second = central_board.get("/khen-thuong/", {"sort": "name", "level": "state", "cursor": page.next_cursor}
                               ).context["page"]
    assert second.number == 2 and second[0].recipient_name_folded >= names[-1]
    assert not {a.pk for a in page} & {a.pk for a in second}


def test_export_to_excel_has_the_filtered_rows(province_officer, cluster_year_2018):
    response = province_officer.get("/khen-thuong/export.xlsx",
                                     {"cluster_year": cluster_year_2018.pk, "level": "state", "priority": "on"})
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][2] == "Tên người/tập thể được khen"
    assert len(rows) - 1 == 392
    header = rows[0]
    classes = header.index("Đối tượng")
    assert {r[classes] for r in rows[1:]} <= {"Tập thể nhỏ", "Người trực tiếp lao động"}
    # Officers tell namesakes apart by workplace, position and birth year: the export carries them.
    for column in ("Năm sinh", "Chức vụ", "Đơn vị công tác", "Số sổ vàng"):
        assert column in header
    people = Award.objects.filter(recipient_person__isnull=False, recipient_person__birth_year__isnull=False)
    person_award = people.filter(decision__number__in=[r[header.index("Số quyết định")] for r in rows[1:]]).first()
    if person_award is not None:
        row = next(r for r in rows[1:] if r[2] == person_award.recipient_name
                   and r[header.index("Số quyết định")] == person_award.decision.number)
        assert row[header.index("Đơn vị công tác")] == person_award.unit.name


def test_search_by_decision_number_register_number_and_citizen_id(central_board, unit_officer):
    from thidua.awards.models import Decision
    from thidua.orgs.models import Person

    decision = Decision.objects.filter(awards__isnull=False).exclude(number="").first()
    expected = Award.objects.filter(decision=decision).count()
    assert count(central_board, q=decision.number) == expected > 0
    # Typed without diacritics or in another case, with a stray space: still found.
    assert count(central_board, q=fold(decision.number).upper().replace("/", " /")) == expected
    # A number that only starts alike is not a match.
    assert count(central_board, q=decision.number + "X") == 0
    awarded = Award.objects.exclude(register_no="").first()
    if awarded is not None:
        assert count(central_board, q=awarded.register_no) == Award.objects.filter(
            register_no=awarded.register_no).count()
    person = Person.objects.filter(citizen_id__isnull=False, awards__isnull=False).first()
    if person is None:  # give one recipient a citizen ID (the demo has few)
        person = Award.objects.filter(recipient_person__isnull=False).first().recipient_person
        person.citizen_id = "001090000123"
        Person.objects.filter(pk=person.pk).update(citizen_id="001090000123")
    assert count(central_board, q=person.citizen_id) == Award.objects.filter(recipient_person=person).count() > 0
    # Scope still applies: a department's officer finds, by number, only its own department's records.
    from django.contrib.auth import get_user_model

    visible = Award.objects.visible_to(get_user_model().objects.get(username="donvi"))
    assert visible.filter(decision=decision).count() < expected
    assert count(unit_officer, q=decision.number) == visible.filter(decision=decision).count()


def test_rows_show_their_organisations_from_one_query(central_board, django_assert_max_num_queries):
    """Each row's province, unit and decision authority are the records' own (attach_organizations reads them for
    the whole page in one query), whatever the sort; the page's queries do not grow with its rows."""
    from thidua.awards.authority import issuer_title

    for sort in ("-date", "name", "-type"):
        response = central_board.get("/khen-thuong/", {"sort": sort})
        rows = list(response.context["page"])
        assert len(rows) == 50
        fresh = {a.pk: a for a in Award.objects.select_related("province", "unit", "decision__authority",
                                                                "decision__transcribed_by")
                 .filter(pk__in=[a.pk for a in rows])}
        html = response.content.decode()
        for a in rows:
            f = fresh[a.pk]
            assert (a.province, a.unit, a.decision.authority, a.decision.transcribed_by) == (
                f.province, f.unit, f.decision.authority, f.decision.transcribed_by)
            assert a.province.name == f.province.name and a.unit.name == f.unit.name
            assert f'href="/don-vi/{f.province_id}/">{f.province.name}</a>' in html
            assert issuer_title(f.decision.authority) in html
    with django_assert_max_num_queries(16):
        central_board.get("/khen-thuong/", {"sort": "-date"})
