"""Record endpoints (api/registry.py, api/award_records.py): organisations, people, award records and their
revocation, decisions with their awards, ratings and initiatives.

Each write: the right role succeeds with an audit row; another province's officer (outside the scope: 404) and a
read-only role (403) are refused with a 'denied' audit row and nothing changed. Lists: scoped, filtered,
paginated; ids outside the scope answer 404."""

from __future__ import annotations

import pytest

from tests.conftest import user
from thidua.awards.models import Award, Decision, Evaluation, Initiative, Revocation
from thidua.core.models import AuditEvent
from thidua.orgs.models import Organization, OrganizationKind, Person
from thidua.orgs.scope import scope_for

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def dept(db) -> Organization:
    """The Cao Bằng department of the unit officer (donvi)."""
    return Organization.objects.get(user_roles__user__username="donvi")


@pytest.fixture
def cao_bang(db) -> Organization:
    return Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04")


@pytest.fixture
def staff(dept) -> Person:
    return Person.objects.filter(organization=dept).order_by("pk").first()


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Organization, Person, Award, Decision, Revocation, Evaluation)}


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def denied_rows(username: str) -> int:
    return AuditEvent.objects.filter(action="denied", username=username).count()


def assert_refused(response, status, username, before):
    assert response.status_code == status, response.content
    assert counts() == before
    assert AuditEvent.objects.filter(action="denied", username=username).exists()


# --- Organisations ------------------------------------------------------------------------------------------


def test_organisation_create_and_update_by_the_province_office(province_officer, dept):
    r = post(province_officer, "/api/v1/organisations/", {"parent": dept.pk, "kind": "unit", "name": "Phòng Thi đua"})
    assert r.status_code == 201, r.content
    org = Organization.objects.get(pk=r.json()["id"])
    assert org.parent == dept and org.path == f"{dept.path}{org.pk}/" and org.province_id == dept.province_id
    created = AuditEvent.objects.get(object_type="orgs.organization", object_id=str(org.pk), action="create")
    assert created.username == "caobang" and created.after["name"] == "Phòng Thi đua"
    r = patch(province_officer, f"/api/v1/organisations/{org.pk}", {"name": "Phòng Thi đua - Khen thưởng"})
    assert r.status_code == 200 and r.json()["name"] == "Phòng Thi đua - Khen thưởng"
    change = AuditEvent.objects.get(object_type="orgs.organization", object_id=str(org.pk), action="change")
    assert change.before == {"name": "Phòng Thi đua", "name_folded": "phong thi dua"}
    assert change.after["name"] == "Phòng Thi đua - Khen thưởng"


@pytest.mark.parametrize("client_name, username, status", [("other_province_officer", "laichau", 404),
                                                           ("auditor", "kiemtra", 403),
                                                           ("central_board", "trunguong", 403)])
def test_organisation_writes_refused(request, client_name, username, status, dept):
    client, before = request.getfixturevalue(client_name), counts()
    r = post(client, "/api/v1/organisations/", {"parent": dept.pk, "kind": "unit", "name": "Đơn vị lạ"})
    assert_refused(r, status, username, before)
    name = dept.name
    r = patch(client, f"/api/v1/organisations/{dept.pk}", {"name": "Đổi tên"})
    assert r.status_code == status and Organization.objects.get(pk=dept.pk).name == name
    assert "Đổi tên" not in r.content.decode()


def test_a_province_is_reference_data(province_officer, cao_bang):
    before, denied = counts(), denied_rows("caobang")
    r = patch(province_officer, f"/api/v1/organisations/{cao_bang.pk}", {"name": "Cao Bằng mới"})
    assert r.status_code == 403 and "Cao Bằng" in r.json()["detail"]
    assert counts() == before and denied_rows("caobang") == denied + 1
    assert Organization.objects.get(pk=cao_bang.pk).name == cao_bang.name


def test_organisation_code_clash_is_a_conflict(province_officer, dept):
    body = {"parent": dept.pk, "kind": "commune", "name": "Xã A", "admin_code": "99999"}
    assert post(province_officer, "/api/v1/organisations/", body).status_code == 201
    before = counts()
    r = post(province_officer, "/api/v1/organisations/", {**body, "name": "Xã B"})
    assert r.status_code == 409 and "99999" in str(r.json()) and counts() == before


def test_organisation_list_filters_and_scope(province_officer, unit_officer, dept, cao_bang):
    data = province_officer.get("/api/v1/organisations/", {"under": dept.pk}).json()
    expected = Organization.objects.filter(path__startswith=dept.path)
    assert data["count"] == expected.count() and {o["id"] for o in data["results"]} <= set(expected.values_list("pk", flat=True))
    children = province_officer.get("/api/v1/organisations/", {"parent": cao_bang.pk, "kind": "department"}).json()
    assert children["count"] == Organization.objects.filter(parent=cao_bang, kind="department").count() > 0
    # The unit officer sees its department's subtree only; the province is outside it.
    assert unit_officer.get(f"/api/v1/organisations/{cao_bang.pk}").status_code == 404
    assert unit_officer.get("/api/v1/organisations/", {"under": cao_bang.pk}).status_code == 404
    mine = unit_officer.get("/api/v1/organisations/").json()
    assert mine["count"] == Organization.objects.visible_to(user("donvi")).count()
    assert all(o["path"].startswith(dept.path) for o in mine["results"])


def test_organisation_list_is_paginated(central_board):
    total = Organization.objects.count()
    assert total > 50
    first = central_board.get("/api/v1/organisations/").json()
    assert first["count"] == total and len(first["results"]) == 50 and first["next"]
    second = central_board.get("/api/v1/organisations/", {"page": 2}).json()
    assert not {o["id"] for o in first["results"]} & {o["id"] for o in second["results"]}
    assert central_board.get("/api/v1/organisations/", {"page": 10_000}).status_code == 404
    assert central_board.get("/api/v1/organisations/", {"page": "x"}).status_code == 404


# --- People -------------------------------------------------------------------------------------------------


def test_person_create_and_update(unit_officer, province_officer, dept):
    r = post(unit_officer, "/api/v1/people/", {"full_name": "Nông Văn Dũng", "gender": "male", "birth_year": 1985,
                                               "organization": dept.pk, "position": "Chuyên viên"})
    assert r.status_code == 201, r.content
    person = Person.objects.get(pk=r.json()["id"])
    assert person.organization == dept and person.citizen_id is None
    assert AuditEvent.objects.filter(object_type="orgs.person", object_id=str(person.pk), action="create",
                                     username="donvi").exists()
    r = patch(province_officer, f"/api/v1/people/{person.pk}", {"position": "Trưởng phòng", "is_direct_worker": True})
    assert r.status_code == 200 and r.json()["position"] == "Trưởng phòng"
    change = AuditEvent.objects.get(object_type="orgs.person", object_id=str(person.pk), action="change")
    assert change.username == "caobang" and change.after == {"position": "Trưởng phòng", "is_direct_worker": True}
    # The same values again (or an empty body): nothing to record.
    assert patch(province_officer, f"/api/v1/people/{person.pk}", {"position": "Trưởng phòng"}).status_code == 200
    assert patch(province_officer, f"/api/v1/people/{person.pk}", {}).status_code == 200
    assert AuditEvent.objects.filter(object_type="orgs.person", object_id=str(person.pk), action="change").count() == 1


@pytest.mark.parametrize("client_name, username, status", [("other_province_officer", "laichau", 404),
                                                           ("council_member", "hoidong", 403),
                                                           ("auditor", "kiemtra", 403)])
def test_person_writes_refused(request, client_name, username, status, dept, staff):
    client, before = request.getfixturevalue(client_name), counts()
    r = post(client, "/api/v1/people/", {"full_name": "Người lạ", "gender": "female", "organization": dept.pk})
    assert_refused(r, status, username, before)
    r = patch(client, f"/api/v1/people/{staff.pk}", {"full_name": "Tên khác"})
    assert r.status_code == status and Person.objects.get(pk=staff.pk).full_name == staff.full_name


def test_unit_officer_cannot_move_a_person_out_of_its_unit(unit_officer, staff, cao_bang):
    other = Organization.objects.filter(parent=cao_bang).exclude(pk=staff.organization_id).order_by("pk").first()
    before = counts()
    r = patch(unit_officer, f"/api/v1/people/{staff.pk}", {"organization": other.pk})
    assert r.status_code == 404 and counts() == before  # the other department is outside its scope
    assert Person.objects.get(pk=staff.pk).organization_id == staff.organization_id


def test_person_duplicate_citizen_id_is_a_conflict(province_officer, dept):
    body = {"full_name": "Lục Thị Hoa", "gender": "female", "birth_year": 1990, "organization": dept.pk,
            "citizen_id": "004190000123"}
    assert post(province_officer, "/api/v1/people/", body).status_code == 201
    before = counts()
    r = post(province_officer, "/api/v1/people/", {**body, "full_name": "Người khác"})
    assert r.status_code == 409 and "004190000123" in str(r.json()) and counts() == before
    bad = post(province_officer, "/api/v1/people/", {**body, "citizen_id": "004090000124"})  # century digit: male
    assert bad.status_code == 409 and "citizen_id" in bad.json()  # well-formed, refused by the check digits


def test_person_list_filters_and_scope(province_officer, other_province_officer, unit_officer, dept, staff):
    data = province_officer.get("/api/v1/people/", {"organization": dept.pk}).json()
    assert data["count"] == Person.objects.filter(organization=dept).count()
    assert {p["organization"] for p in data["results"]} == {dept.pk}
    found = province_officer.get("/api/v1/people/", {"q": staff.full_name.upper()}).json()
    assert staff.pk in [p["id"] for p in found["results"]]
    assert other_province_officer.get(f"/api/v1/people/{staff.pk}").status_code == 404
    assert other_province_officer.get("/api/v1/people/", {"under": dept.pk}).status_code == 404
    lai_chau = other_province_officer.get("/api/v1/people/").json()
    assert lai_chau["count"] == Person.objects.visible_to(user("laichau")).count()
    assert staff.pk not in [p["id"] for p in lai_chau["results"]]
    assert unit_officer.get(f"/api/v1/people/{staff.pk}").json()["full_name"] == staff.full_name


# --- Award records and revocation ---------------------------------------------------------------------------


@pytest.fixture
def cb_award(cao_bang, dept) -> Award:
    """A Cao Bằng award granted by the province, outside the unit officer's department, not revoked."""
    return (Award.objects.filter(province=cao_bang, decision__authority=cao_bang, revocation__isnull=True)
            .exclude(unit__path__startswith=dept.path).order_by("pk").first())


def revocation_decision(client, cao_bang, number="01/QĐ-TH") -> int:
    r = post(client, "/api/v1/decisions/", {"authority": cao_bang.pk, "number": number, "signed_on": "2024-05-02",
                                            "summary": "Thu hồi Bằng khen", "awards": []})
    assert r.status_code == 201, r.content
    return r.json()["id"]


def test_award_detail_and_revocation(province_officer, unit_officer, cb_award, cao_bang):
    r = province_officer.get(f"/api/v1/awards/{cb_award.pk}")
    assert r.status_code == 200 and r.json()["revocation"] is None and r.json()["unit"] == cb_award.unit_id
    assert unit_officer.get(f"/api/v1/awards/{cb_award.pk}").status_code == 404
    decision = revocation_decision(province_officer, cao_bang)
    r = post(province_officer, f"/api/v1/awards/{cb_award.pk}/revocation", {"decision": decision, "reason": "Khai man thành tích"})
    assert r.status_code == 201, r.content
    assert r.json()["revocation"]["decision"] == decision and r.json()["revocation"]["reason"] == "Khai man thành tích"
    rev = Revocation.objects.get(award=cb_award)
    assert AuditEvent.objects.filter(object_type="awards.revocation", object_id=str(rev.pk), action="create",
                                     username="caobang").exists()
    # Twice: the state refuses (409), nothing changes.
    before = counts()
    again = post(province_officer, f"/api/v1/awards/{cb_award.pk}/revocation", {"decision": decision, "reason": "Lần hai"})
    assert again.status_code == 409 and "đã bị thu hồi" in str(again.json()) and counts() == before
    # A revoked award leaves the registry list (in force only) but keeps its record.
    listed = province_officer.get("/api/v1/awards/", {"q": cb_award.recipient_name}).json()
    assert cb_award.pk not in [a["id"] for a in listed["results"]]


@pytest.mark.parametrize("client_name, username", [("other_province_officer", "laichau"), ("auditor", "kiemtra"),
                                                   ("central_board", "trunguong"), ("council_member", "hoidong")])
def test_revocation_refused(request, province_officer, client_name, username, cb_award, cao_bang):
    """Lai Châu's office sees the award (cluster peer) but may not revoke it; the auditor, the Central Board and
    a council member do not act for the province's emulation office."""
    client, before = request.getfixturevalue(client_name), counts()
    # A decision both may see (the award's own), so the service itself refuses: 403.
    r = post(client, f"/api/v1/awards/{cb_award.pk}/revocation", {"decision": cb_award.decision_id, "reason": "Không được"})
    assert_refused(r, 403, username, before)
    # A decision outside the caller's scope (Cao Bằng's, without awards) is not even named: 404, still audited.
    decision = revocation_decision(province_officer, cao_bang)
    before, denied = counts(), denied_rows(username)
    r = post(client, f"/api/v1/awards/{cb_award.pk}/revocation", {"decision": decision, "reason": "Không được"})
    assert r.status_code == (404 if username == "laichau" else 403) and counts() == before, r.content
    assert denied_rows(username) == denied + 1


# --- Decisions ----------------------------------------------------------------------------------------------


def test_decision_with_awards_is_recorded_and_audited(province_officer, cao_bang, dept, staff):
    collective = Organization.objects.filter(path__startswith=dept.path).exclude(pk=dept.pk).order_by("pk").first()
    body = {"authority": cao_bang.pk, "number": "1234/QĐ-UBND", "signed_on": "2015-12-20",
            "signer_title": "Chủ tịch", "summary": "Khen thưởng năm 2015 (nhập lại từ sổ)",
            "awards": [{"award_type": "BK_TINH", "year": 2015, "person": staff.pk},
                       {"award_type": "BK_TINH", "year": 2015, "organization": collective.pk, "basis": "thematic"}]}
    r = post(province_officer, "/api/v1/decisions/", body)
    assert r.status_code == 201, r.content
    decision = Decision.objects.get(pk=r.json()["id"])
    awards = list(decision.awards.order_by("pk"))
    assert [(a.recipient_person_id, a.recipient_org_id) for a in awards] == [(staff.pk, None), (None, collective.pk)]
    assert {a.province_id for a in awards} == {cao_bang.pk} and awards[1].basis == "thematic"
    assert awards[0].recipient_name == staff.full_name and awards[0].recipient_class in ("individual_other", "direct_worker")
    assert [a["id"] for a in r.json()["awards"]] == [a.pk for a in awards]
    assert AuditEvent.objects.filter(object_type="awards.decision", object_id=str(decision.pk), action="create").exists()
    assert AuditEvent.objects.filter(object_type="awards.award", action="create", username="caobang",
                                     object_id__in=[str(a.pk) for a in awards]).count() == 2
    # The same number again: a conflict, nothing written.
    before = counts()
    again = post(province_officer, "/api/v1/decisions/", body)
    assert again.status_code == 409 and "1234/QĐ-UBND" in str(again.json()) and counts() == before
    # Found by the list filters; its detail shows its awards.
    listed = province_officer.get("/api/v1/decisions/", {"year": 2015, "authority": cao_bang.pk}).json()
    assert decision.pk in [d["id"] for d in listed["results"]]
    assert all(d["signed_on"].startswith("2015") for d in listed["results"])
    detail = province_officer.get(f"/api/v1/decisions/{decision.pk}").json()
    assert len(detail["awards"]) == 2


def test_decision_input_is_checked(province_officer, cao_bang, staff):
    """Well-formed bodies the data refuses: 409 with the row named; a body off the schema: 400."""
    before = counts()
    base = {"authority": cao_bang.pk, "number": "9/QĐ", "signed_on": "2016-01-05"}
    r = post(province_officer, "/api/v1/decisions/", {**base, "awards": [{"award_type": "TTLDTT", "year": 2015,
                                                                        "person": staff.pk}]})
    assert r.status_code == 409 and "Dòng 1" in str(r.json())  # a collective title for a person
    r = post(province_officer, "/api/v1/decisions/", {**base, "awards": [{"award_type": "BK_TINH", "year": 2017,
                                                                        "person": staff.pk}]})
    assert r.status_code == 409 and "2017" in str(r.json())  # achievement after the signing year
    r = post(province_officer, "/api/v1/decisions/", {**base, "awards": [{"award_type": "BK_TINH", "year": 2015}]})
    assert r.status_code == 409 and "người nhận" in str(r.json())
    r = post(province_officer, "/api/v1/decisions/", {**base, "awards": [{"award_type": "NO_SUCH", "year": 2015,
                                                                        "person": staff.pk}]})
    assert r.status_code == 400 and "award_type" in str(r.json())
    assert counts() == before


@pytest.mark.parametrize("client_name, username, status", [("other_province_officer", "laichau", 404),
                                                           ("auditor", "kiemtra", 403),
                                                           ("unit_officer", "donvi", 403),
                                                           ("central_board", "trunguong", 403),
                                                           ("council_member", "hoidong", 403)])
def test_decision_refused(request, client_name, username, status, cao_bang, staff):
    """Only the province's emulation office records the province's decisions: a unit officer (even for its own
    department's staff), the Central Board, a council member and the auditor are refused."""
    client, before = request.getfixturevalue(client_name), counts()
    body = {"authority": cao_bang.pk, "number": "77/QĐ", "signed_on": "2016-01-05",
            "awards": [{"award_type": "BK_TINH", "year": 2015, "person": staff.pk}]}
    assert_refused(post(client, "/api/v1/decisions/", body), status, username, before)


def test_decision_outside_scope_is_404(unit_officer, cb_award):
    """A decision none of whose awards the unit officer sees (and not issued by its lineage): 404."""
    scope = scope_for(user("donvi"))
    decision = (Decision.objects.exclude(pk__in=Decision.objects.visible_to(user("donvi")).values("pk"))
                .order_by("pk").first())
    assert decision is not None and decision.authority_id not in scope.lineage_ids
    assert unit_officer.get(f"/api/v1/decisions/{decision.pk}").status_code == 404
    ids = [d["id"] for d in unit_officer.get("/api/v1/decisions/").json()["results"]]
    assert decision.pk not in ids


# --- Ratings and initiatives --------------------------------------------------------------------------------


def test_evaluation_list_filters(province_officer, other_province_officer, dept, staff):
    from thidua.awards import services

    collective = Organization.objects.filter(path__startswith=dept.path).exclude(pk=dept.pk).order_by("pk").first()
    officer = user("caobang")
    services.record_evaluation(officer, person=staff, year=2023, rating="HTXS")
    services.record_evaluation(officer, organization=collective, year=2023, rating="HTT")
    data = province_officer.get("/api/v1/evaluations/", {"person": staff.pk}).json()
    assert data["count"] == Evaluation.objects.filter(person=staff).count() >= 1
    assert {e["person"] for e in data["results"]} == {staff.pk}
    coll = province_officer.get("/api/v1/evaluations/", {"subject": "collective", "under": dept.pk, "year": 2023}).json()
    assert coll["count"] >= 1 and all(e["person"] is None and e["year"] == 2023 for e in coll["results"])
    assert collective.pk in [e["organization"] for e in coll["results"]]
    best = province_officer.get("/api/v1/evaluations/", {"rating": "HTXS", "year": 2023}).json()
    assert staff.pk in [e["person"] for e in best["results"]] and {e["rating"] for e in best["results"]} == {"HTXS"}
    assert other_province_officer.get("/api/v1/evaluations/", {"person": staff.pk}).status_code == 404
    assert province_officer.get("/api/v1/evaluations/", {"rating": "GOOD"}).status_code == 400


def test_collective_rating_by_post(province_officer, auditor, dept):
    collective = Organization.objects.filter(path__startswith=dept.path).exclude(pk=dept.pk).order_by("pk").first()
    r = post(province_officer, "/api/v1/evaluations/", {"organization": collective.pk, "year": 2022, "rating": "HTT"})
    assert r.status_code == 201 and r.json()["organization"] == collective.pk
    assert Evaluation.objects.get(organization=collective, year=2022).rating == "HTT"
    assert AuditEvent.objects.filter(object_type="awards.evaluation", object_id=str(r.json()["id"]),
                                     action__in=("create", "change"), username="caobang").exists()
    before = counts()
    r = post(auditor, "/api/v1/evaluations/", {"organization": collective.pk, "year": 2021, "rating": "HTT"})
    assert_refused(r, 403, "kiemtra", before)


def test_initiative_list_filters(province_officer, staff):
    from thidua.awards import services

    officer = user("caobang")
    free = services.record_initiative(officer, person=staff, title="Số hóa sổ vàng", scope="provincial", year=2022)
    used = services.record_initiative(officer, person=staff, title="Phần mềm xét duyệt", scope="grassroots", year=2022)
    award = Award.objects.filter(province=staff.organization.province_id).order_by("pk").first()
    services.use_initiative(officer, used, award)
    mine = province_officer.get("/api/v1/initiatives/", {"person": staff.pk, "year": 2022}).json()
    assert {i["id"] for i in mine["results"]} >= {free.pk, used.pk}
    still_free = province_officer.get("/api/v1/initiatives/", {"person": staff.pk, "used": "false"}).json()
    assert free.pk in [i["id"] for i in still_free["results"]] and used.pk not in [i["id"] for i in still_free["results"]]
    prov = province_officer.get("/api/v1/initiatives/", {"scope": "provincial", "person": staff.pk}).json()
    assert [i["id"] for i in prov["results"]] == [free.pk]
    assert prov["count"] == Initiative.objects.filter(person=staff, scope="provincial").count()


def test_an_empty_filter_value_is_refused_not_ignored(client):
    """`?kind=` is not a kind nor `?current=` a boolean: 400 naming them (the schema forbids both)."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="trunguong"))
    response = client.get("/api/v1/organisations/?current=&kind=&q=")
    assert response.status_code == 400 and set(response.json()) == {"current", "kind"}
    assert client.get("/api/v1/organisations/?q=").status_code == 200  # free text may be empty
