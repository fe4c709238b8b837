"""The emulation and commendation fund: sources in, prize money owed per decision (from nominations.prize), payments
out, balance; a payment beyond the balance is refused unless an override with its reason is recorded (audited);
the yearly report (Excel, Word) adds up to the decisions; only the authority's office records, global roles read."""

import io
from datetime import date, timedelta

import docx
import pytest
from django.core.exceptions import ValidationError
from python_calamine import CalamineWorkbook

from tests.conftest import user
from thidua.core.models import AuditEvent
from thidua.nominations.prize import decision_prizes
from thidua.papers import fund
from thidua.papers.models import FundPayment, FundSource

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _url(decision, part=""):
    return f"/giay-to/quy/{decision.authority.pk}/{decision.signed_on.year}/{part}"


def _owed(decision) -> int:
    return sum(line.paid for line in decision_prizes(decision))


def test_sources_payments_balance_and_the_override(province_officer, demo_decision):
    owed = _owed(demo_decision)
    assert owed > 0
    year = demo_decision.signed_on.year
    response = province_officer.post(_url(demo_decision, "nguon/"), {
        "received_on": f"{year}-01-10", "kind": "budget", "description": "Dự toán ngân sách năm", "amount": owed // 2})
    assert response.status_code == 302 and FundSource.objects.get().amount == owed // 2

    # Beyond the balance, no reason: refused with the figures, nothing written.
    page = province_officer.post(_url(demo_decision, "chi/"), {
        "decision": demo_decision.pk, "paid_on": demo_decision.signed_on.isoformat(), "amount": owed}, follow=True)
    text = page.content.decode()
    assert "không đủ chi" in text and "Muốn chi vượt số dư phải ghi lý do" in text and not FundPayment.objects.exists()
    # Beyond what the decision owes: refused even with a reason.
    province_officer.post(_url(demo_decision, "chi/"), {
        "decision": demo_decision.pk, "paid_on": demo_decision.signed_on.isoformat(), "amount": owed + 10_000,
        "override_reason": "thử"})
    assert not FundPayment.objects.exists()
    # With the reason: paid, the reason kept and audited.
    before = AuditEvent.objects.count()
    province_officer.post(_url(demo_decision, "chi/"), {
        "decision": demo_decision.pk, "paid_on": demo_decision.signed_on.isoformat(), "amount": owed,
        "override_reason": "Tạm ứng, chờ ngân sách cấp bổ sung"})
    payment = FundPayment.objects.get()
    assert payment.amount == owed and payment.override_reason == "Tạm ứng, chờ ngân sách cấp bổ sung"
    event = AuditEvent.objects.filter(pk__gt=before, action="create", reason__startswith="chi vượt số dư").get()
    assert "Tạm ứng, chờ ngân sách cấp bổ sung" in event.reason and event.user.username == "caobang"

    s = fund.statement(demo_decision.authority, year)
    line = next(d for d in s.decisions if d.decision.pk == demo_decision.pk)
    assert (line.owed, line.paid, line.outstanding) == (owed, owed, 0)
    assert s.received == owed // 2 and s.paid == owed and s.closing == s.opening + owed // 2 - owed
    assert fund.balance(demo_decision.authority) == owed // 2 - owed  # negative: the override is visible
    page = province_officer.get(_url(demo_decision)).content.decode()
    assert "chi vượt số dư" in page


def test_the_reports_add_up_to_the_decisions(province_officer, demo_decision):
    year = demo_decision.signed_on.year
    fund.record_source(user("caobang"), demo_decision.authority,
                       received_on=demo_decision.signed_on, amount=50_000_000, description="Ngân sách")
    s = fund.statement(demo_decision.authority, year)
    assert s.owed == sum(_owed(d.decision) for d in s.decisions)
    xlsx = province_officer.get(_url(demo_decision, "bao-cao.xlsx"))
    assert xlsx.status_code == 200
    wb = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    summary = {row[0]: row[1] for row in wb.get_sheet_by_name("Quỹ").to_python() if len(row) > 1 and row[0]}
    assert summary["Nguồn trong năm"] == 50_000_000
    assert summary["Tiền thưởng các quyết định trong năm"] == s.owed
    rows = wb.get_sheet_by_name("Quyết định").to_python()[1:]
    assert sum(r[4] for r in rows) == s.owed and len(rows) == len(s.decisions)
    word = province_officer.get(_url(demo_decision, "bao-cao.docx"))
    assert word.status_code == 200
    document = docx.Document(io.BytesIO(word.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Quỹ thi đua, khen thưởng năm {year}" in text and "Nguồn trong năm: 50.000.000 đồng." in text
    total_row = document.tables[-1].rows[-1].cells
    assert total_row[1].text == "Cộng" and total_row[4].text == f"{s.owed:,}".replace(",", ".")


def test_a_payment_in_a_later_year_counts_there_and_never_before_the_decision(demo_decision):
    """Prize money is often paid after the year of the decision: the payment belongs to the year it is made (its
    statement's payments, the balance), the decision's own year keeps what was paid by its end; a payment dated
    before the decision is signed is refused and writes nothing."""
    officer, authority, year = user("caobang"), demo_decision.authority, demo_decision.signed_on.year
    owed = _owed(demo_decision)
    fund.record_source(officer, authority, received_on=demo_decision.signed_on, amount=owed, description="Ngân sách")
    with pytest.raises(ValidationError, match="trước ngày ký"):
        fund.record_payment(officer, demo_decision, paid_on=demo_decision.signed_on - timedelta(days=1), amount=1)
    assert not FundPayment.objects.exists()
    fund.record_payment(officer, demo_decision, paid_on=date(year + 1, 2, 1), amount=owed)
    this_year, next_year = fund.statement(authority, year), fund.statement(authority, year + 1)
    line = next(d for d in this_year.decisions if d.decision.pk == demo_decision.pk)
    assert (line.paid, line.outstanding, this_year.paid) == (0, owed, 0)
    assert (next_year.paid, next_year.opening, next_year.closing) == (owed, this_year.closing, this_year.closing - owed)


@pytest.mark.parametrize("persona, status", [("other_province_officer", 404), ("council_member", 404),
                                             ("unit_officer", 404), ("central_board", 200), ("auditor", 200)])
def test_only_the_office_records_and_global_roles_read(persona, status, request, demo_decision):
    who = request.getfixturevalue(persona)
    page = who.get(_url(demo_decision))
    assert page.status_code == status
    if status == 200:
        assert "Ghi khoản chi" not in page.content.decode()
    who.post(_url(demo_decision, "nguon/"), {"received_on": demo_decision.signed_on.isoformat(), "kind": "budget",
                                              "description": "x", "amount": 1})
    who.post(_url(demo_decision, "chi/"), {"decision": demo_decision.pk, "paid_on": demo_decision.signed_on.isoformat(),
                                           "amount": 10_000, "override_reason": "x"})
    assert not FundSource.objects.exists() and not FundPayment.objects.exists()
