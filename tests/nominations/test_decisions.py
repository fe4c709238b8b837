"""Decisions: approved items become award records linked to the decision, with golden-register numbers and
certificates; prize money from the coefficient and the base salary in force on the decision date; revocation."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.nominations.conftest import atype, build, give_award, new_person, snapshot, user
from thidua.awards.models import Award, Initiative, RecipientClass
from thidua.eligibility.models import Quota
from thidua.nominations import certificates, services
from thidua.nominations.models import BaseSalary, Certificate, DossierEvent
from thidua.nominations.prize import base_salary_csv, base_salary_on, decision_prizes, prize_amount, round_up
from thidua.orgs.models import Household

pytestmark = pytest.mark.django_db


# --- Prize money: pure arithmetic, checked against hand computation ------------------------------------------


def by_hand(coefficient: str, base: int) -> int:
    """coefficient × base, in whole đồng, rounded up to the next 10.000 (integer arithmetic only)."""
    num, _, frac = coefficient.partition(".")
    scale = 10 ** len(frac)
    exact_times_scale = int(num + frac) * base  # = coefficient × base × scale
    return -(-exact_times_scale // (10_000 * scale)) * 10_000


@pytest.mark.parametrize("coefficient,base,expected", [
    ("3.0", 2_340_000, 7_020_000),  # CSTĐ tỉnh: exact
    ("0.3", 2_340_000, 710_000),  # LĐTT: 702.000 → 710.000
    ("0.8", 2_340_000, 1_880_000),  # TTLĐTT: 1.872.000 → 1.880.000
    ("4.5", 1_490_000, 6_710_000),  # CSTĐTQ in 2020: 6.705.000 → 6.710.000
    ("1.5", 1_800_000, 2_700_000),  # BK tỉnh in 2023: exact
    ("0.3", 1_800_000, 540_000),
    ("12", 2_340_000, 28_080_000),  # Cờ thi đua của Chính phủ
])
def test_prize_amount_rounds_up_to_ten_thousand(coefficient, base, expected):
    assert prize_amount(Decimal(coefficient), base) == expected == by_hand(coefficient, base)


def test_household_gets_one_and_a_half_times_the_individual_amount():
    individual = by_hand("1.5", 2_340_000)  # 3.510.000
    assert prize_amount(Decimal("1.5"), 2_340_000, household=True) == math.ceil(individual * 3 / 2 / 10_000) * 10_000
    assert prize_amount(Decimal("0.3"), 2_340_000, household=True) == 1_070_000  # 1,5 × 710.000 = 1.065.000 → ↑


@pytest.mark.integration
def test_round_up_and_base_salary_in_force_on_the_decision_date():
    assert (round_up(7_020_000), round_up(7_020_001), round_up(1)) == (7_020_000, 7_030_000, 10_000)
    table = base_salary_csv()
    assert table == [(date(2019, 7, 1), 1_490_000), (date(2023, 7, 1), 1_800_000), (date(2024, 7, 1), 2_340_000)]
    assert base_salary_on(date(2023, 6, 30), table) == 1_490_000
    assert base_salary_on(date(2023, 7, 1), table) == 1_800_000
    assert base_salary_on(date(2024, 6, 30), table) == 1_800_000
    assert base_salary_on(date(2024, 7, 1), table) == 2_340_000
    assert base_salary_on(date(2019, 6, 30), table) is None
    assert list(BaseSalary.objects.order_by("effective_from").values_list("effective_from", "amount")) == table


# --- Decisions ------------------------------------------------------------------------------------------------


@pytest.mark.integration
def test_decision_creates_awards_certificates_and_uses_initiatives(dept, unit, cao_bang):
    caobang, donvi = user("caobang"), user("donvi")
    d = build("council_voted", dept, unit)
    p = new_person(unit, "Lý Văn Sáng", is_direct_worker=True)
    services.set_item_outcome(caobang, d.items.first(), "approved", "")
    ini = Initiative.objects.create(person=p, title="Bản đồ số", scope="provincial", year=2024)
    d2 = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="Có sáng kiến")
    item = services.add_item(donvi, d2, award_type=atype("BK_TINH"), person=p, initiatives=[ini])
    for actor, code in ((donvi, "submit"), (caobang, "receive"), (caobang, "appraise"), (caobang, "propose")):
        services.move(actor, d2, code)
    before = Certificate.objects.filter(authority=cao_bang, year=2025).count()
    decision = services.record_decision(caobang, d2, number="TN-1/QĐ-UBND", signed_on=date(2025, 3, 20),
                                        signer_name="Hoàng Xuân Ánh", signer_title="Chủ tịch UBND tỉnh")
    (award,) = decision.awards.all()
    item.refresh_from_db()
    ini.refresh_from_db()
    assert (item.award, item.outcome, ini.used_for) == (award, "approved", award)
    assert (award.award_type.code, award.year, award.basis, award.recipient_person, award.recipient_class) == (
        "BK_TINH", 2024, "merit", p, RecipientClass.DIRECT_WORKER)
    assert (award.unit, award.province, award.submitted_by, decision.authority) == (unit, cao_bang, dept, cao_bang)
    cert = award.certificate
    assert (cert.sequence, cert.register_no, award.register_no) == (before + 1, f"{before + 1:04d}/2025",
                                                                   f"{before + 1:04d}/2025")
    assert len(cert.token) >= 32 and not cert.token.isdigit()
    d2.refresh_from_db()
    assert (d2.state, d2.decision) == ("decided", decision)
    assert DossierEvent.objects.filter(dossier=d2, transition="decide", to_state="decided").exists()
    # The next decision of the same authority and year continues the register.
    services.move(caobang, d, "propose")
    decision2 = services.record_decision(caobang, d, number="TN-2/QĐ-UBND", signed_on=date(2025, 3, 21),
                                         signer_name="A")
    seqs = sorted(Certificate.objects.filter(award__decision=decision2).values_list("sequence", flat=True))
    assert seqs == [before + 2, before + 3]
    # A cited initiative is now used: citing it again is blocked.
    d3 = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="Lần hai")
    services.add_item(donvi, d3, award_type=atype("CSTD_TINH"), person=p, initiatives=[ini])
    with pytest.raises(ValidationError, match="đã được dùng cho BK_TINH"):
        services.move(donvi, d3, "submit")


@pytest.mark.integration
def test_items_left_out_of_the_decision_are_not_awarded(dept, unit):
    caobang, donvi = user("caobang"), user("donvi")
    d2 = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2024, title="Hai người")
    a = services.add_item(donvi, d2, award_type=atype("BK_TINH"), person=new_person(unit, "Được"))
    b = services.add_item(donvi, d2, award_type=atype("BK_TINH"), person=new_person(unit, "Không Được"))
    for actor, code in ((donvi, "submit"), (caobang, "receive"), (caobang, "appraise"), (caobang, "propose")):
        services.move(actor, d2, code)
    services.record_decision(caobang, d2, number="TN-3/QĐ-UBND", signed_on=date(2025, 3, 1), signer_name="A", items=[a])
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.outcome, b.outcome, b.award) == ("approved", "rejected", None)
    assert b.reason == "Không có trong quyết định số TN-3/QĐ-UBND."


@pytest.mark.integration
def test_decision_refusals_change_nothing(dept, unit, cao_bang):
    caobang = user("caobang")
    d = build("proposed", dept, unit)  # one item needs a council vote, and it passed
    give_award(new_person(unit, "Số Trùng"), "LDTT", 2024, authority=cao_bang, number="TN-TRUNG/QĐ-UBND")
    cases = [
        (user("hoidong"), {}, PermissionDenied),  # wrong role
        (user("donvi"), {}, PermissionDenied),  # wrong level
        (caobang, {"number": ""}, ValidationError),
        (caobang, {"signer_name": " "}, ValidationError),
        (caobang, {"signed_on": date(2099, 1, 1)}, ValidationError),
        (caobang, {"number": "TN-TRUNG/QĐ-UBND"}, ValidationError),  # the authority already has that number
        (caobang, {"items": [type(d.items.first())(pk=0)]}, ValidationError),
    ]
    for actor, override, error in cases:
        kwargs = {"number": "TN-9/QĐ-UBND", "signed_on": date(2025, 3, 1), "signer_name": "A", **override}
        before = snapshot(d)
        with pytest.raises(error):
            services.record_decision(actor, d, **kwargs)
        assert snapshot(d) == before, override
    appraisal = build("appraisal", dept, unit, vote_item=False)
    with pytest.raises(ValidationError, match="trạng thái"):
        services.record_decision(caobang, appraisal, number="TN-10/QĐ-UBND", signed_on=date(2025, 3, 1), signer_name="A")


@pytest.mark.integration
def test_a_title_needing_a_vote_is_not_decided_without_one(dept, unit):
    caobang = user("caobang")
    d = build("appraisal", dept, unit)  # CSTD_TINH item, no council
    services.move(caobang, d, "propose")
    before = snapshot(d)
    with pytest.raises(ValidationError, match=r"Cần Hội đồng TĐKT biểu quyết.*CSTD_TINH, cần ≥ 90%"):
        services.record_decision(caobang, d, number="TN-11/QĐ-UBND", signed_on=date(2025, 3, 1), signer_name="A")
    assert snapshot(d) == before


@pytest.mark.integration
def test_decision_refused_beyond_the_quota(dept, unit, cao_bang):
    caobang = user("caobang")
    d = build("proposed", dept, unit, vote_item=False)
    awarded = Award.objects.in_force().filter(award_type__code="BK_TINH", year=2024,
                                              unit__path__startswith=cao_bang.path).count()
    Quota.objects.create(authority=cao_bang, year=2024, award_code="BK_TINH", max_count=awarded)
    with pytest.raises(ValidationError, match=f"vượt chỉ tiêu số lượng — BK_TINH năm 2024: tối đa {awarded}"):
        services.record_decision(caobang, d, number="TN-12/QĐ-UBND", signed_on=date(2025, 3, 1), signer_name="A")
    Quota.objects.filter(authority=cao_bang, year=2024).update(max_count=awarded + 1)
    services.record_decision(caobang, d, number="TN-12/QĐ-UBND", signed_on=date(2025, 3, 1), signer_name="A")


def _decide(dossier, number, signed_on, items_people_types):
    """A grassroots or provincial dossier with the given (recipient, award code) items, decided on `signed_on`."""
    donvi, caobang = user("donvi"), user("caobang")
    for recipient, code in items_people_types:
        kw = {"household": recipient} if isinstance(recipient, Household) else {"person": recipient}
        services.add_item(donvi, dossier, award_type=atype(code), **kw)
    handler = caobang if dossier.handler.kind == "province" else donvi
    for actor, code in ((donvi, "submit"), (handler, "receive"), (handler, "appraise")):
        services.move(actor, dossier, code)
    if any(code in ("CSTDCS", "CSTD_TINH") for _, code in items_people_types):
        return None
    services.move(handler, dossier, "propose")
    decider = caobang if dossier.handler.kind == "province" else office_of(dossier.handler)
    return services.record_decision(decider, dossier, number=number, signed_on=signed_on, signer_name="A")


def office_of(org):
    """A user of the organisation's own emulation office: a unit officer prepares the dossier, never decides."""
    from django.contrib.auth import get_user_model

    from thidua.orgs.models import Role, UserRole

    office, _ = get_user_model().objects.get_or_create(username=f"vanphong-{org.pk}")
    UserRole.objects.get_or_create(user=office, organization=org, role=Role.EMULATION_OFFICE)
    return office


@pytest.mark.integration
def test_prize_statement_of_a_decision(dept, unit, cao_bang):
    """The decision's prize lines: coefficient × base salary on the decision date, rounded up; households 1,5×."""
    donvi = user("donvi")
    d = services.create_dossier(donvi, from_org=dept, granted_by="minister_chairman", year=2023, title="Tiền thưởng")
    person = new_person(unit, "Người Nhận")
    household = Household.objects.create(head_name="Nông Văn Hộ", organization=unit)
    decision = _decide(d, "TN-20/QĐ-UBND", date(2023, 9, 1), [(person, "BK_TINH"), (household, "BK_TINH")])
    lines = {line.recipient: line for line in decision_prizes(decision)}
    assert lines["Người Nhận"].base_salary == 1_800_000  # in force on 1/9/2023
    assert lines["Người Nhận"].paid == by_hand("1.5", 1_800_000) == 2_700_000
    assert lines["Hộ Nông Văn Hộ"].paid == math.ceil(1.5 * 2_700_000 / 10_000) * 10_000 == 4_050_000
    assert "1,5 lần" in lines["Hộ Nông Văn Hộ"].note


@pytest.mark.integration
def test_only_the_highest_title_of_the_same_year_is_paid(dept, unit):
    """LĐTT and CSTĐCS for the same person and year in one decision (head of unit): only CSTĐCS is paid; an
    earlier higher title of the same year means nothing more is paid for a lower one."""
    donvi = user("donvi")
    d = services.create_dossier(donvi, from_org=dept, granted_by="head_of_unit", year=2024, title="Cơ sở")
    assert d.handler == dept and d.authority == dept
    p = new_person(unit, "Hai Danh Hiệu")
    for code in ("LDTT", "CSTDCS"):
        services.add_item(donvi, d, award_type=atype(code), person=p)
    services.move(donvi, d, "submit")
    services.move(donvi, d, "receive")  # the department both proposes (for its unit) and decides
    services.move(donvi, d, "appraise")
    ldtt, cstdcs = d.items.order_by("position")
    services.set_item_outcome(donvi, cstdcs, "approved", "")
    # CSTDCS needs a council vote: the department has no council in the demo, so create one.
    from thidua.nominations.models import Council

    council = Council.objects.create(organization=dept, name="Hội đồng TĐKT Sở Nội vụ")
    council.members.set([user("donvi"), user("hoidong")])
    services.move(donvi, d, "to_council")
    session = services.open_session(donvi, d, date(2025, 1, 10))
    choices = {c.item_id: "yes" for c in session.counts.all()}
    for m in council.members.all():
        services.cast_ballot(m, session, choices)
    services.close_session(donvi, session)
    services.move(donvi, d, "propose")
    with pytest.raises(PermissionDenied, match="Chỉ cơ quan thi đua, khen thưởng"):
        services.record_decision(donvi, d, number="TN-21/QĐ-SNV", signed_on=date(2025, 1, 15), signer_name="A")
    decision = services.record_decision(office_of(dept), d, number="TN-21/QĐ-SNV", signed_on=date(2025, 1, 15),
                                        signer_name="A")
    lines = {line.award_code: line for line in decision_prizes(decision)}
    assert (lines["CSTDCS"].amount, lines["CSTDCS"].paid) == (by_hand("1", 2_340_000), 2_340_000)
    assert (lines["LDTT"].amount, lines["LDTT"].paid) == (by_hand("0.3", 2_340_000), 0)
    assert "mức cao nhất (CSTDCS)" in lines["LDTT"].note
    # Later, a lower title of the same year (an LĐTT decided separately) is not paid either.
    d2 = services.create_dossier(donvi, from_org=dept, granted_by="head_of_unit", year=2024, title="Sau")
    q = new_person(unit, "Đã Có Cao Hơn")
    give_award(q, "CSTDCS", 2024, authority=dept, signed_on=date(2025, 1, 5), number="TN-22/QĐ-SNV")
    later = _decide(d2, "TN-23/QĐ-SNV", date(2025, 2, 1), [(q, "LDTT")])
    (line,) = decision_prizes(later)
    assert line.paid == 0 and "đã nhận mức cao hơn" in line.note


# --- Revocation and verification ------------------------------------------------------------------------------


@pytest.mark.integration
def test_revocation_shows_revoked_on_the_verification_page(client):
    cert = Certificate.objects.filter(award__revocation__isnull=True).order_by("pk").first()
    award = cert.award
    page = client.get(f"/xac-minh/{cert.token}/")
    assert page.status_code == 200 and "Còn hiệu lực" in page.content.decode()
    with pytest.raises(PermissionDenied):
        services.revoke(user("laichau"), award, number="TN-TH-1", signed_on=date(2025, 6, 1), reason="Gian dối")
    with pytest.raises(ValidationError):
        services.revoke(user("caobang"), award, number="TN-TH-1", signed_on=date(2025, 6, 1), reason="  ")
    assert not hasattr(type(award).objects.get(pk=award.pk), "revocation")
    revocation = services.revoke(user("caobang"), award, number="TN-TH-1/QĐ-UBND", signed_on=date(2025, 6, 1),
                                 reason="Kê khai thành tích không trung thực")
    assert revocation.decision.authority == award.decision.authority
    assert not Award.objects.in_force().filter(pk=award.pk).exists()
    body = client.get(f"/xac-minh/{cert.token}/").content.decode()
    assert "Đã bị thu hồi" in body and "Còn hiệu lực" not in body
    assert certificates.verify(cert.token).valid is False
    assert client.get(f"/api/v1/verify/{cert.token}").json()["valid"] is False
    with pytest.raises(ValidationError, match="đã bị thu hồi"):
        services.revoke(user("caobang"), award, number="TN-TH-2/QĐ-UBND", signed_on=date(2025, 6, 1), reason="Lại")
    item = award.nomination
    assert DossierEvent.objects.filter(item=item, transition="revoke").exists()
