"""The nominee form: initiatives labelled by code, title, scope and year; searchable person, collective and household
pickers fed by a scoped endpoint (name or citizen ID); only the fields and awards of the chosen recipient kind."""

from __future__ import annotations

import pytest

from tests.lib.imports.helpers import cid
from tests.nominations.conftest import atype, client_for, new_person, snapshot
from thidua.awards.models import Initiative
from thidua.orgs.models import Organization, OrganizationKind, Person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def nominee(dossier, unit):
    p = new_person(unit, "Đinh Thị Tìm Kiếm", citizen_id=cid(880, "female", 1985), birth_year=1985)
    Initiative.objects.create(person=p, code="SK-2023-77", title="Số hóa hồ sơ thi đua", scope="provincial", year=2023)
    return p


def test_form_labels_initiatives_and_renders_only_the_chosen_people(dossier, nominee):
    page = client_for("donvi").get(f"/ho-so/{dossier.pk}/muc/them/").content.decode()
    assert "SK-2023-77 — Số hóa hồ sơ thi đua (Cấp bộ, ngành, tỉnh, 2023)" in page
    assert "Initiative object" not in page
    assert f'hx-get="/ho-so/{dossier.pk}/muc/tim-doi-tuong/?kind=person"' in page
    assert nominee.full_name not in page  # not listed until searched for (a province has too many people)
    assert 'class="for-person' in page and "for-organization" in page  # awards marked with their recipient kinds


@pytest.mark.parametrize("query", ["tim kiem", "ĐINH THỊ", cid(880, "female", 1985)[:9]])
def test_search_by_name_without_accents_or_by_citizen_id(dossier, nominee, query):
    r = client_for("donvi").get(f"/ho-so/{dossier.pk}/muc/tim-doi-tuong/", {"kind": "person", "person_q": query})
    assert r.status_code == 200 and f'<option value="{nominee.pk}">Đinh Thị Tìm Kiếm' in r.content.decode()


def test_search_stays_inside_the_dossier_and_the_scope(dossier, nominee):
    lai_chau = Organization.objects.filter(kind=OrganizationKind.DEPARTMENT, parent__admin_code="12").first()
    Person.objects.create(full_name="Đinh Thị Tìm Kiếm Lai Châu", gender="female", organization=lai_chau)
    body = client_for("donvi").get(f"/ho-so/{dossier.pk}/muc/tim-doi-tuong/",
                                   {"kind": "person", "person_q": "tim kiem"}).content.decode()
    assert "Lai Châu" not in body
    for username, status in (("laichau", 404), ("caobang", 403), ("hoidong", 403), ("trunguong", 403)):
        assert client_for(username).get(f"/ho-so/{dossier.pk}/muc/tim-doi-tuong/",
                                        {"kind": "person", "person_q": "tim"}).status_code == status, username
    assert client_for("donvi").get(f"/ho-so/{dossier.pk}/muc/tim-doi-tuong/", {"kind": "x"}).status_code == 404


def test_collectives_search_and_an_individual_award_refused_for_a_collective(dossier, unit):
    donvi = client_for("donvi")
    body = donvi.get(f"/ho-so/{dossier.pk}/muc/tim-doi-tuong/",
                     {"kind": "organization", "organization_q": "thi dua thu nghiem"}).content.decode()
    assert f'<option value="{unit.pk}">Phòng Thi đua thử nghiệm</option>' in body
    before = snapshot(dossier)
    r = donvi.post(f"/ho-so/{dossier.pk}/muc/them/", {"recipient_kind": "organization", "organization": unit.pk,
                                                       "award_type": atype("CSTD_TINH").pk, "year": 2024})
    assert r.status_code == 200 and "không dành cho tập thể" in r.content.decode()
    assert snapshot(dossier) == before
