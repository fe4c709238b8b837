"""Who may issue, transcribe and revoke (awards/authority.py), through the services, the API and the pages.

Only the office of the authority that grants an award type records its decisions and revokes what it granted
(or the successor's office after a merger); a province's office may transcribe another authority's decision for
its own staff, marked as such, with the source document, outside that authority's numbering. Every refusal is
a 'denied' audit row and no Decision, Award or Revocation row."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import user
from thidua.awards import authority, services
from thidua.awards.models import Award, AwardType, Decision, Revocation
from thidua.core.models import AuditEvent
from thidua.orgs.models import Organization, OrganizationKind, Person, Role, UserRole

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PDF = b"%PDF-1.4\n% scan of the signed decision\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def province(code: str, current: bool = False) -> Organization:
    qs = Organization.objects.filter(kind=OrganizationKind.PROVINCE, admin_code=code)
    return qs.filter(valid_from__isnull=not current).get()


def state(name: str) -> Organization:
    return Organization.objects.get(kind=OrganizationKind.STATE, name=name)


@pytest.fixture
def cao_bang() -> Organization:
    return province("04")


@pytest.fixture
def president() -> Organization:
    return state("Chủ tịch nước")


@pytest.fixture
def dept() -> Organization:
    return Organization.objects.get(user_roles__user__username="donvi")


@pytest.fixture
def staff(dept) -> Person:
    return Person.objects.filter(organization=dept).order_by("pk").first()


def atype(code: str) -> AwardType:
    return AwardType.objects.get(code=code)


def pdf(name: str = "qd.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Decision, Award, Revocation)}


def denied(username: str) -> int:
    return AuditEvent.objects.filter(action="denied", username=username).count()


def client_for(username: str) -> Client:
    c = Client()
    c.force_login(user(username))
    return c


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def office_user(username: str, org: Organization, role: str = Role.EMULATION_OFFICE):
    u, _ = get_user_model().objects.get_or_create(username=username)
    UserRole.objects.get_or_create(user=u, organization=org, role=role)
    return u


def provincial_award(cao_bang, staff) -> Award:
    """A Bằng khen of the provincial chairman for a person of the unit officer's department, with a certificate."""
    from thidua.nominations import certificates

    decision = services.record_decision(user("caobang"), authority=cao_bang, number="501/QĐ-UBND",
                                        signed_on=date(2024, 4, 1), summary="Tặng Bằng khen",
                                        awards=[{"award_type": atype("BK_TINH"), "year": 2023, "person": staff}])
    award = decision.awards.get()
    certificates.issue([award], cao_bang, 2024, certificates.next_register_numbers(cao_bang, 2024, 1))
    return award


def refused(fn, username: str, match: str | None = None) -> PermissionDenied:
    before, denied_before = counts(), denied(username)
    with pytest.raises(PermissionDenied, match=match) as exc:
        fn()
    assert counts() == before
    assert denied(username) == denied_before + 1
    return exc.value


# --- Revoking -------------------------------------------------------------------------------------------------


def test_unit_officer_cannot_revoke_a_provincial_award(cao_bang, staff):
    """The unit officer sees the award of its department's staff but never revokes: not on the certificate page
    (which used to create the revocation decision in the province's name), nor through the service or the API."""
    award = provincial_award(cao_bang, staff)
    donvi = client_for("donvi")
    page = donvi.get(f"/chung-nhan/{award.pk}/")
    assert page.status_code == 200 and 'id="revoke"' not in page.content.decode()
    before, denied_before = counts(), denied("donvi")
    r = donvi.post(f"/chung-nhan/{award.pk}/thu-hoi/", {"number": "9/QĐ-TH", "signed_on": "2024-06-01",
                                                       "reason": "Khai man"}, follow=True)
    assert r.status_code == 200 and "Chỉ cơ quan thi đua, khen thưởng của Cao Bằng" in r.content.decode()
    assert counts() == before and denied("donvi") == denied_before + 1
    token = award.certificate.token
    assert "Còn hiệu lực" in Client().get(f"/xac-minh/{token}/").content.decode()
    # The service, with a proper revocation decision of the province, refuses the unit officer as well.
    revocation = Decision.objects.create(authority=cao_bang, number="10/QĐ-TH", signed_on=date(2024, 6, 1))
    refused(lambda: services.revoke_award(user("donvi"), award, decision=revocation, reason="x"), "donvi",
            "Chỉ cơ quan thi đua, khen thưởng của Cao Bằng")
    # The API too: the award's own decision is visible to it, so the authority rule (not the scope) answers.
    before, denied_before = counts(), denied("donvi")
    r = post(donvi, f"/api/v1/awards/{award.pk}/revocation", {"decision": award.decision_id, "reason": "x"})
    assert r.status_code == 403 and counts() == before and denied("donvi") == denied_before + 1
    # The province's office revokes it; the verification page then says so, naming the decision.
    ok = client_for("caobang").post(f"/chung-nhan/{award.pk}/thu-hoi/", {
        "number": "11/QĐ-TH", "signed_on": "2024-06-02", "reason": "Khai man thành tích"}, follow=True)
    assert ok.status_code == 200 and Revocation.objects.filter(award=award).exists()
    body = Client().get(f"/xac-minh/{token}/").content.decode()
    assert "Đã bị thu hồi" in body and "11/QĐ-TH" in body


def test_only_the_granting_authority_revokes(cao_bang, staff):
    """A decision of another authority does not revoke an award, even in the hands of a legitimate office."""
    award = provincial_award(cao_bang, staff)
    lai_chau = province("12")
    other = Decision.objects.create(authority=lai_chau, number="3/QĐ-TH", signed_on=date(2024, 6, 1))
    refused(lambda: services.revoke_award(user("laichau"), award, decision=other, reason="x"), "laichau",
            "Chỉ Cao Bằng")
    own = Decision.objects.create(authority=cao_bang, number="4/QĐ-TH", signed_on=date(2024, 6, 1))
    for username in ("laichau", "trunguong", "hoidong", "kiemtra"):
        refused(lambda u=username: services.revoke_award(user(u), award, decision=own, reason="x"), username)
    services.revoke_award(user("admin"), award, decision=own, reason="Quản trị nhập theo văn bản")
    assert Revocation.objects.get(award=award).decision == own


def test_the_successor_revokes_an_award_of_its_predecessor():
    """After the 2025 merger Tuyên Quang (new) holds Hà Giang's powers: its office revokes a Hà Giang award, in
    its own name; Hà Giang's former office no longer issues after the merger; Lai Châu never."""
    from thidua.nominations import services as nominations

    ha_giang, tuyen_quang = province("02"), province("08", current=True)
    award = Award.objects.filter(decision__authority=ha_giang, revocation__isnull=True).order_by("pk").first()
    assert award is not None and ha_giang.successor_id == tuyen_quang.pk
    tq = office_user("tuyenquang", tuyen_quang)
    revocation = nominations.revoke(tq, award, number="12/QĐ-UBND", signed_on=date(2025, 8, 1),
                                    reason="Phát hiện khai man")
    assert revocation.decision.authority == tuyen_quang and revocation.created_by == tq
    assert authority.can_issue(tq, ha_giang, [atype("BK_TINH")], signed_on=date(2025, 6, 1))
    hg = office_user("hagiang", ha_giang)
    later = authority.can_issue(hg, ha_giang, [atype("BK_TINH")], signed_on=date(2025, 8, 1))
    assert not later and "Tuyên Quang" in later.reason
    other = Award.objects.filter(decision__authority=ha_giang, revocation__isnull=True).order_by("pk").last()
    refused(lambda: nominations.revoke(user("laichau"), other, number="13/QĐ-UBND", signed_on=date(2025, 8, 1),
                                       reason="x"), "laichau")


def test_a_cluster_chair_has_no_power_over_members(cao_bang):
    """Chairing the cluster (Cao Bằng in 2018, Lai Châu in 2019) gives no power to issue or revoke for members."""
    lai_chau = province("12")
    lc_person = Person.objects.filter(organization__province=lai_chau).order_by("pk").first()
    refused(lambda: services.record_decision(user("caobang"), authority=lai_chau, number="1/QĐ-CT",
                                             signed_on=date(2019, 3, 1),
                                             awards=[{"award_type": atype("BK_TINH"), "year": 2018,
                                                      "person": lc_person}]), "caobang", "Chỉ cơ quan")
    cb_award = Award.objects.filter(decision__authority=cao_bang, revocation__isnull=True).order_by("pk").first()
    lc_decision = Decision.objects.create(authority=lai_chau, number="2/QĐ-CT", signed_on=date(2019, 3, 1))
    refused(lambda: services.revoke_award(user("laichau"), cb_award, decision=lc_decision, reason="x"), "laichau")


# --- Issuing --------------------------------------------------------------------------------------------------


def test_a_province_records_no_decision_of_another_authority(cao_bang, president, staff):
    """Cao Bằng's office once recorded decisions 'issued' by Lai Châu or the President for its staff; they then
    sat in those authorities' lists and took their numbers. Now refused (403), audited, nothing written."""
    caobang = client_for("caobang")
    for auth_org, code in ((province("12"), "BK_TINH"), (president, "HCLD3"), (state("Thủ tướng Chính phủ"), "BK_TTG")):
        before, denied_before = counts(), denied("caobang")
        r = post(caobang, "/api/v1/decisions/", {"authority": auth_org.pk, "number": "77/QĐ", "signed_on": "2024-01-05",
                                                 "awards": [{"award_type": code, "year": 2023, "person": staff.pk}]})
        assert r.status_code == 403, r.content
        assert f"do {auth_org.name} ban hành" in r.json()["detail"] and "bản sao" in r.json()["detail"]
        assert counts() == before and denied("caobang") == denied_before + 1
    # The President's own office (the Central Board) records number 77/QĐ freely.
    r = post(client_for("trunguong"), "/api/v1/decisions/", {"authority": president.pk, "number": "77/QĐ",
                                                              "signed_on": "2024-01-05", "awards": [
                                                                  {"award_type": "HCLD3", "year": 2023,
                                                                   "person": staff.pk}]})
    assert r.status_code == 201, r.content


def test_a_province_cannot_issue_an_order_itself(cao_bang, staff):
    """Huân chương Sao vàng is the President's: a province issuing it in its own name is refused."""
    before, denied_before = counts(), denied("caobang")
    r = post(client_for("caobang"), "/api/v1/decisions/", {
        "authority": cao_bang.pk, "number": "1/QĐ-UBND", "signed_on": "2024-01-05",
        "awards": [{"award_type": "HC_SAO_VANG", "year": 2023, "person": staff.pk}]})
    assert r.status_code == 403 and "Huân chương Sao vàng" in r.json()["detail"]
    assert "Chủ tịch nước" in r.json()["detail"]
    assert counts() == before and denied("caobang") == denied_before + 1
    # A department's head grants grassroots titles, not the provincial chairman's Bằng khen.
    dept = staff.organization
    verdict = authority.can_issue(office_user("sonv", dept), dept, [atype("BK_TINH")], [dept])
    assert not verdict and "Bằng khen" in verdict.reason
    assert authority.can_issue(office_user("sonv", dept), dept, [atype("GIAY_KHEN")], [dept])


def test_unit_officer_and_read_only_roles_never_issue(cao_bang, dept, staff):
    rows = [{"award_type": atype("GIAY_KHEN"), "year": 2023, "person": staff}]
    for username, org in (("donvi", dept), ("donvi", cao_bang), ("hoidong", cao_bang), ("kiemtra", cao_bang),
                          ("trunguong", cao_bang)):
        refused(lambda u=username, o=org: services.record_decision(user(u), authority=o, number="5/QĐ",
                                                                   signed_on=date(2024, 1, 5), awards=rows),
                username)


def test_recipients_must_be_within_the_authoritys_jurisdiction(cao_bang):
    lc_person = Person.objects.filter(organization__province=province("12")).order_by("pk").first()
    exc = refused(lambda: services.record_decision(user("admin"), authority=cao_bang, number="6/QĐ",
                                                   signed_on=date(2024, 1, 5),
                                                   awards=[{"award_type": atype("BK_TINH"), "year": 2023,
                                                            "person": lc_person}]), "admin")
    assert "không thuộc phạm vi" in str(exc)


def test_decision_step_of_a_dossier_obeys_the_authority_rules(dept):
    """The nominations decision step: the department's dossier is decided by the department's own office, not by
    the unit officer who prepared it (refused, audited, nothing changed)."""
    from tests.nominations.conftest import new_person
    from thidua.nominations import services as nominations
    from thidua.nominations.models import Certificate, Dossier

    donvi = user("donvi")
    unit = Organization.objects.filter(parent=dept).order_by("pk").first()
    d = nominations.create_dossier(donvi, from_org=dept, granted_by="head_of_unit", year=2024, title="Giấy khen")
    nominations.add_item(donvi, d, award_type=atype("GIAY_KHEN"), person=new_person(unit, "Người Được Khen"))
    for t in ("submit", "receive", "appraise", "propose"):
        nominations.move(donvi, d, t)
    certs = Certificate.objects.count()
    office = office_user("vp-sonv", dept)
    assert "decide" not in [t.code for t in nominations.allowed_transitions(donvi, d)]  # no button either
    assert "decide" in [t.code for t in nominations.allowed_transitions(office, d)]
    refused(lambda: nominations.record_decision(donvi, d, number="1/QĐ-SNV", signed_on=date(2025, 1, 15),
                                                signer_name="A"), "donvi", "Chỉ cơ quan thi đua, khen thưởng")
    assert Dossier.objects.get(pk=d.pk).state == "proposed" and Certificate.objects.count() == certs
    decision = nominations.record_decision(office, d, number="1/QĐ-SNV",
                                           signed_on=date(2025, 1, 15), signer_name="A")
    assert decision.authority == dept and not decision.is_transcribed


# --- Transcribing ---------------------------------------------------------------------------------------------


def transcription_body(president, staff, number="120/QĐ-CTN", content=PDF, name="qd-ctn.pdf") -> dict:
    return {"authority": president.pk, "number": number, "signed_on": "2024-02-01", "transcribed": True,
            "signer_title": "Chủ tịch nước", "summary": "Tặng Huân chương Lao động hạng Ba",
            "source_document": {"name": name, "content": base64.b64encode(content).decode()},
            "awards": [{"award_type": "HCLD3", "year": 2023, "person": staff.pk}]}


def test_transcribing_a_presidents_decision_for_the_provinces_staff(cao_bang, president, staff):
    caobang = client_for("caobang")
    r = post(caobang, "/api/v1/decisions/", transcription_body(president, staff))
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["transcribed"] is True and data["transcribed_by"] == cao_bang.pk and data["has_source_document"]
    decision = Decision.objects.get(pk=data["id"])
    assert decision.authority == president and decision.transcribed_by == cao_bang
    assert decision.source_document.read() == PDF
    created = AuditEvent.objects.get(object_type="awards.decision", object_id=str(decision.pk), action="create")
    assert created.username == "caobang" and "Bản ghi lại" in created.reason
    # The registry shows it as a transcription.
    page = caobang.get("/khen-thuong/", {"q": staff.full_name}).content.decode()
    assert "bản ghi lại — Cao Bằng" in page
    # It does not take the President's number: the Central Board records the President's own 120/QĐ-CTN.
    own = post(client_for("trunguong"), "/api/v1/decisions/", {
        "authority": president.pk, "number": "120/QĐ-CTN", "signed_on": "2024-02-01",
        "awards": [{"award_type": "HCLD3", "year": 2023, "person": staff.pk}]})
    assert own.status_code == 201, own.content
    assert not Decision.objects.get(pk=own.json()["id"]).is_transcribed
    # The President's own list holds its decision, not Cao Bằng's copy; Cao Bằng's list holds its copy.
    assert set(Decision.objects.own().filter(authority=president, number="120/QĐ-CTN")
               .values_list("pk", flat=True)) == {own.json()["id"]}
    assert decision.pk in [d["id"] for d in caobang.get("/api/v1/decisions/", {"number": "120/QĐ-CTN"})
                           .json()["results"]]
    # The same copy twice is a conflict; nothing written.
    before = counts()
    again = post(caobang, "/api/v1/decisions/", transcription_body(president, staff))
    assert again.status_code == 409 and counts() == before


def test_a_transcription_needs_its_source_document(president, staff):
    caobang = client_for("caobang")
    before = counts()
    body = transcription_body(president, staff)
    del body["source_document"]
    r = post(caobang, "/api/v1/decisions/", body)
    assert r.status_code == 409 and "source_document" in r.json()
    exe = post(caobang, "/api/v1/decisions/", transcription_body(president, staff, content=b"MZ\x90\x00binary",
                                                                  name="setup.pdf"))
    assert exe.status_code == 409 and "setup.pdf" in str(exe.json()["source_document"])
    bad = post(caobang, "/api/v1/decisions/", {**transcription_body(president, staff),
                                               "source_document": {"name": "a.pdf", "content": "%%%"}})
    assert bad.status_code == 400
    assert counts() == before


def test_transcription_refusals(cao_bang, president, staff):
    """Only a province's or ministry's office transcribes, for its own staff, decisions of other authorities,
    with award types within that authority's power."""
    rows = [{"award_type": atype("HCLD3"), "year": 2023, "person": staff}]

    def transcribe(username, auth_org=president, awards=rows, office=None):
        return lambda: services.record_decision(user(username), authority=auth_org, number="8/QĐ-CTN",
                                                signed_on=date(2024, 2, 1), awards=awards, transcribed=True,
                                                source_document=pdf(), office=office)

    for username in ("donvi", "hoidong", "kiemtra", "trunguong", "laichau"):
        refused(transcribe(username), username)
    refused(transcribe("caobang", auth_org=cao_bang), "caobang", "chính Cao Bằng")  # its own: not a copy
    refused(transcribe("caobang", awards=[{"award_type": atype("BK_TINH"), "year": 2023, "person": staff}]),
            "caobang", "Chủ tịch nước không có thẩm quyền tặng")
    lc_person = Person.objects.filter(organization__province=province("12")).order_by("pk").first()
    refused(transcribe("caobang", awards=[{"award_type": atype("HCLD3"), "year": 2023, "person": lc_person}]),
            "caobang", "chỉ dành cho cán bộ")
    refused(transcribe("caobang", office=province("12")), "caobang")  # on behalf of another province's office
    with pytest.raises(ValidationError):
        services.record_decision(user("caobang"), authority=president, number="8/QĐ-CTN", signed_on=date(2024, 2, 1),
                                 awards=rows, transcribed=True)


def test_verification_page_shows_a_transcription_honestly(cao_bang, president, staff):
    """A President's award known through Cao Bằng's copy, revoked by a transcribed revocation decision: the public
    page says both are copies recorded by Cao Bằng, not the President's own register."""
    from thidua.nominations import certificates

    caobang = user("caobang")
    decision = services.record_decision(caobang, authority=president, number="130/QĐ-CTN", signed_on=date(2024, 2, 1),
                                        transcribed=True, source_document=pdf(),
                                        awards=[{"award_type": atype("HCLD3"), "year": 2023, "person": staff}])
    award = decision.awards.get()
    (cert,) = certificates.issue([award], president, 2024, certificates.next_register_numbers(president, 2024, 1))
    body = Client().get(f"/xac-minh/{cert.token}/").content.decode()
    assert "Còn hiệu lực" in body and "Bản ghi lại do Cao Bằng nhập từ văn bản của Chủ tịch nước" in body
    # Cao Bằng cannot revoke it in its own name, nor in the President's; it may transcribe the President's revocation.
    own = Decision.objects.create(authority=cao_bang, number="14/QĐ-TH", signed_on=date(2024, 9, 1))
    refused(lambda: services.revoke_award(caobang, award, decision=own, reason="x"), "caobang")
    rd = services.record_decision(caobang, authority=president, number="200/QĐ-CTN", signed_on=date(2024, 9, 1),
                                  transcribed=True, source_document=pdf("thu-hoi.pdf"), awards=[],
                                  summary="Hủy quyết định khen thưởng")
    services.revoke_award(caobang, award, decision=rd, reason="Khai man thành tích")
    body = Client().get(f"/xac-minh/{cert.token}/").content.decode()
    assert "Đã bị thu hồi" in body and "200/QĐ-CTN" in body and "(bản ghi lại do Cao Bằng nhập)" in body
    api = Client().get(f"/api/v1/verify/{cert.token}").json()
    assert api["valid"] is False and api["decision_transcribed_by"] == "Cao Bằng"
    assert api["revocation"]["number"] == "200/QĐ-CTN" and api["revocation"]["transcribed_by"] == "Cao Bằng"


def test_form_choices_follow_the_rules(cao_bang, president, dept):
    assert set(authority.issuing_authorities(user("caobang"))) >= {cao_bang}
    assert president not in authority.issuing_authorities(user("caobang"))
    assert president in authority.issuing_authorities(user("trunguong"))
    assert not authority.issuing_authorities(user("donvi")).exists()
    assert not authority.issuing_authorities(user("hoidong")).exists()
    assert "HC_SAO_VANG" not in set(authority.award_types_for(cao_bang).values_list("code", flat=True))
    assert set(authority.award_types_for(president).values_list("granted_by", flat=True)) == {"president"}
    assert authority.transcribing_offices(user("caobang")) == [cao_bang]
    assert authority.transcribing_offices(user("donvi")) == []
