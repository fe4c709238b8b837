"""Personal-record services and API: permission, validation, audit; a refusal changes nothing."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import user
from thidua.awards import services
from thidua.awards.models import Award, Decision, Discipline, Evaluation, Initiative, Revocation
from thidua.core.models import AuditEvent
from thidua.orgs.models import Gender, Organization, Person

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def staff(db):
    dept = Organization.objects.get(user_roles__user__username="donvi")
    return Person.objects.create(full_name="Đàm Thị Thu", gender=Gender.FEMALE, organization=dept)


def counts():
    return (Evaluation.objects.count(), Initiative.objects.count(), Discipline.objects.count(), Revocation.objects.count())


def test_rating_create_then_correct_is_audited(staff):
    officer = user("caobang")
    ev = services.record_evaluation(officer, person=staff, year=2024, rating="HTT")
    services.record_evaluation(officer, person=staff, year=2024, rating="HTXS")
    ev.refresh_from_db()
    assert ev.rating == "HTXS" and Evaluation.objects.filter(person=staff).count() == 1
    events = AuditEvent.objects.filter(object_type="awards.evaluation", object_id=str(ev.pk)).order_by("pk")
    assert [e.action for e in events] == ["create", "change"]
    assert events[1].before == {"rating": "HTT"} and events[1].after == {"rating": "HTXS"}
    assert events[1].username == "caobang"


@pytest.mark.parametrize("username", ["laichau", "trunguong", "kiemtra", "hoidong"])
def test_refusal_changes_nothing_and_is_audited(staff, username):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.record_evaluation(user(username), person=staff, year=2024, rating="HTXS")
    assert counts() == before
    denied = AuditEvent.objects.filter(action="denied", username=username).last()
    assert denied is not None and "Sở Nội vụ" in denied.reason


def test_unit_officer_edits_inside_its_unit(staff):
    services.record_evaluation(user("donvi"), person=staff, year=2024, rating="HTT")
    assert Evaluation.objects.filter(person=staff, year=2024).exists()


@pytest.mark.parametrize("kwargs, field", [({"year": 2024, "rating": "GOOD"}, "rating"), ({"year": 1800, "rating": "HTT"}, "year")])
def test_bad_input_names_the_field(staff, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.record_evaluation(user("caobang"), person=staff, **kwargs)
    assert field in exc.value.message_dict
    assert not Evaluation.objects.filter(person=staff).exists()


def test_one_initiative_serves_one_award(staff):
    officer = user("caobang")
    i = services.record_initiative(officer, person=staff, title="Số hóa hồ sơ thi đua", scope="grassroots", year=2024)
    awards = list(Award.objects.filter(province__admin_code="04")[:2])
    services.use_initiative(officer, i, awards[0])
    with pytest.raises(ValidationError, match="đã được dùng cho"):
        services.use_initiative(officer, i, awards[1])
    i.refresh_from_db()
    assert i.used_for_id == awards[0].pk


def test_revocation_is_an_event_and_only_once(staff):
    officer = user("caobang")
    award = Award.objects.filter(province__admin_code="04", decision__authority__admin_code="04",
                                 unit__path__startswith=staff.organization.province.path).first()
    decision = Decision.objects.create(authority=award.province, number="99/QĐ-UBND", signed_on=date(2025, 1, 2))
    services.revoke_award(officer, award, decision=decision, reason="Hồ sơ không trung thực")
    assert Award.objects.in_force().filter(pk=award.pk).count() == 0
    with pytest.raises(ValidationError, match="đã bị thu hồi"):
        services.revoke_award(officer, award, decision=decision, reason="lần hai")
    with pytest.raises(PermissionDenied):
        services.revoke_award(user("laichau"), award, decision=decision, reason="x")


def test_discipline_dates_checked(staff):
    with pytest.raises(ValidationError, match="trước ngày bắt đầu"):
        services.record_discipline(user("caobang"), person=staff, level="warning",
                                   starts_on=date(2024, 5, 1), ends_on=date(2024, 1, 1))
    d = services.record_discipline(user("caobang"), person=staff, level="warning", starts_on=date(2024, 5, 1))
    assert d.pk and AuditEvent.objects.filter(object_type="awards.discipline", object_id=str(d.pk)).exists()


def test_api_record_read_and_write(staff, province_officer, other_province_officer, auditor, client):
    url = f"/api/v1/people/{staff.pk}"
    created = province_officer.post(f"{url}/evaluations", {"year": 2024, "rating": "HTXS"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["rating"] == "HTXS"
    assert province_officer.post(f"{url}/initiatives", {"title": "Cải tiến", "scope": "provincial", "year": 2024},
                                 content_type="application/json").status_code == 201
    assert province_officer.post(f"{url}/disciplines", {"level": "reprimand", "starts_on": "2024-02-01"},
                                 content_type="application/json").status_code == 201
    record = province_officer.get(f"{url}/record").json()
    assert [e["rating"] for e in record["evaluations"]] == ["HTXS"]
    assert record["initiatives"][0]["scope"] == "provincial" and record["disciplines"][0]["level"] == "reprimand"
    before = counts()
    bad = province_officer.post(f"{url}/evaluations", {"year": 2024, "rating": "NOPE"}, content_type="application/json")
    assert bad.status_code == 400 and "rating" in bad.json()
    assert other_province_officer.get(f"{url}/record").status_code == 404
    assert other_province_officer.post(f"{url}/evaluations", {"year": 2024, "rating": "HT"},
                                       content_type="application/json").status_code == 404
    assert auditor.get(f"{url}/record").status_code == 200
    assert auditor.post(f"{url}/evaluations", {"year": 2024, "rating": "HT"}, content_type="application/json").status_code == 403
    assert client.post(f"{url}/evaluations", {"year": 2024, "rating": "HT"}, content_type="application/json").status_code in (401, 403)
    assert counts() == before
