"""The emulation and commendation fund (quỹ thi đua, khen thưởng) of an authority: what came in (sources), what
its decisions owe in prize money (computed per award by nominations.prize from the coefficient and the base
salary in force on the decision date), what was paid, and the balance. `statement` is the one computation that
the page, the Excel file and the Word report show.

A payment beyond the fund's balance is refused unless the officer records an override with its reason (kept on
the payment and in the audit trail); a payment beyond what the decision still owes is always refused."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from thidua.awards import authority as authority_rules
from thidua.awards.models import Decision
from thidua.core import audit
from thidua.lib.documents import date_line, upper_vi
from thidua.lib.exports import workbook
from thidua.lib.numbers import format_date, format_number
from thidua.nominations.prize import decision_prizes
from thidua.orgs.models import Organization
from thidua.papers.models import FundPayment, FundSource
from thidua.papers.services import require


@dataclass
class DecisionLine:
    decision: Decision
    awards: int
    owed: int
    paid: int

    @property
    def outstanding(self) -> int:
        return self.owed - self.paid


@dataclass
class Statement:
    authority: Organization
    year: int
    opening: int  # balance carried from the years before
    sources: list[FundSource] = field(default_factory=list)
    payments: list[FundPayment] = field(default_factory=list)
    decisions: list[DecisionLine] = field(default_factory=list)

    @property
    def received(self) -> int:
        return sum(s.amount for s in self.sources)

    @property
    def paid(self) -> int:
        return sum(p.amount for p in self.payments)

    @property
    def owed(self) -> int:
        return sum(d.owed for d in self.decisions)

    @property
    def outstanding(self) -> int:
        return sum(d.outstanding for d in self.decisions)

    @property
    def closing(self) -> int:
        return self.opening + self.received - self.paid


def _sum(qs) -> int:
    return qs.aggregate(s=Sum("amount"))["s"] or 0


def balance(authority: Organization) -> int:
    """What the fund holds now: everything received minus everything paid."""
    return _sum(FundSource.objects.filter(authority=authority)) - _sum(FundPayment.objects.filter(authority=authority))


def owed(decision: Decision) -> int:
    return sum(line.paid for line in decision_prizes(decision))


def statement(authority: Organization, year: int) -> Statement:
    """The fund of `authority` for `year`: its own decisions signed that year with their prize money owed and paid."""
    opening = (_sum(FundSource.objects.filter(authority=authority, year__lt=year))
               - _sum(FundPayment.objects.filter(authority=authority, year__lt=year)))
    result = Statement(authority, year, opening,
                       sources=list(FundSource.objects.filter(authority=authority, year=year)),
                       payments=list(FundPayment.objects.filter(authority=authority, year=year)
                                     .select_related("decision")))
    decisions = list(Decision.objects.own().filter(authority=authority, signed_on__year=year)
                     .order_by("signed_on", "number"))
    # Paid by the end of the year: a later year's payment of this year's decision does not rewrite this report.
    paid = dict(FundPayment.objects.filter(decision__in=decisions, year__lte=year).values_list("decision")
                .annotate(s=Sum("amount")))
    for d in decisions:
        lines = decision_prizes(d)
        result.decisions.append(DecisionLine(d, len(lines), sum(line.paid for line in lines), paid.get(d.pk, 0)))
    return result


# --- Recording -------------------------------------------------------------------------------------------------

def _require(user, authority: Organization, what: str) -> None:
    verdict = (authority_rules.Verdict(False, "Bạn cần đăng nhập.") if not getattr(user, "is_authenticated", False)
               else authority_rules.ALLOWED if authority_rules.acts_for(user, authority)
               else authority_rules.Verdict(False, f"Chỉ cơ quan thi đua, khen thưởng của {authority.name} mới ghi "
                                                   f"thu, chi quỹ thi đua, khen thưởng của {authority.name}."))
    authority_rules.require(verdict, user, authority, what=what)


def record_source(user, authority: Organization, *, received_on: date, amount: int, description: str,
                  kind: str = "budget") -> FundSource:
    _require(user, authority, "papers.fund_source")
    if amount <= 0:
        raise ValidationError({"amount": "Số tiền phải lớn hơn 0."})
    with transaction.atomic():
        source = FundSource.objects.create(authority=authority, year=received_on.year, received_on=received_on,
                                           amount=amount, description=description, kind=kind, recorded_by=user)
        audit.record("create", source, after=audit.snapshot(source), user=user, organization=authority)
    return source


def record_payment(user, decision: Decision, *, paid_on: date, amount: int, note: str = "",
                   override_reason: str = "") -> FundPayment:
    """Pay prize money of `decision` from its authority's fund."""

    authority = decision.authority
    require(user, decision, "papers.fund_payment")
    if amount <= 0:
        raise ValidationError({"amount": "Số tiền phải lớn hơn 0."})
    if paid_on < decision.signed_on:
        raise ValidationError({"paid_on": f"Ngày chi {paid_on:%d/%m/%Y} trước ngày ký Quyết định {decision.number} "
                                          f"({decision.signed_on:%d/%m/%Y})."})
    override_reason = override_reason.strip()
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=authority.pk).first()  # one payment at a time per fund
        due = owed(decision) - _sum(FundPayment.objects.filter(decision=decision))
        if amount > due:
            raise ValidationError({"amount": f"Quyết định {decision.number} còn phải chi {format_number(due)} đồng; "
                                             f"không chi {format_number(amount)} đồng được."})
        available = balance(authority)
        if amount > available and not override_reason:
            raise ValidationError({"amount": f"Số dư quỹ của {authority.name} còn {format_number(available)} đồng, "
                                             f"không đủ chi {format_number(amount)} đồng. Muốn chi vượt số dư phải ghi "
                                             f"lý do (ví dụ: tạm ứng chờ ngân sách cấp bổ sung)."})
        payment = FundPayment.objects.create(
            authority=authority, year=paid_on.year, decision=decision, paid_on=paid_on, amount=amount, note=note,
            override_reason=override_reason if amount > available else "", recorded_by=user)
        audit.record("create", payment, after=audit.snapshot(payment), user=user, organization=authority,
                     reason=(f"chi vượt số dư ({format_number(available)} đồng): {override_reason}"
                             if amount > available else ""))
    return payment


# --- Reports ---------------------------------------------------------------------------------------------------

def _rows(s: Statement) -> list[list]:
    return [[n, d.decision.number, format_date(d.decision.signed_on), d.awards, d.owed, d.paid, d.outstanding]
            for n, d in enumerate(s.decisions, 1)]


DECISION_HEADER = ["STT", "Quyết định", "Ngày ký", "Số khen thưởng", "Tiền thưởng phải chi", "Đã chi", "Còn phải chi"]


def report_xlsx(s: Statement) -> bytes:
    out = io.BytesIO()
    wb = workbook(out, {"in_memory": True})
    bold = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": "#,##0"})
    ws = wb.add_worksheet("Quỹ")
    ws.write(0, 0, f"Quỹ thi đua, khen thưởng của {s.authority.name} năm {s.year}", bold)
    summary = [("Số dư đầu năm", s.opening), ("Nguồn trong năm", s.received), ("Đã chi trong năm", s.paid),
               ("Số dư cuối kỳ", s.closing), ("Tiền thưởng các quyết định trong năm", s.owed),
               ("Còn phải chi", s.outstanding)]
    for i, (label, value) in enumerate(summary, 2):
        ws.write(i, 0, label)
        ws.write_number(i, 1, value, money)
    ws.set_column(0, 0, 38)
    ws.set_column(1, 6, 18)
    decisions = wb.add_worksheet("Quyết định")
    decisions.write_row(0, 0, DECISION_HEADER, bold)
    for r, row in enumerate(_rows(s), 1):
        decisions.write_row(r, 0, row[:4])
        for c in (4, 5, 6):
            decisions.write_number(r, c, row[c], money)
    decisions.set_column(0, 6, 18)
    sources = wb.add_worksheet("Nguồn")
    sources.write_row(0, 0, ["Ngày nhận", "Nguồn", "Nội dung", "Số tiền"], bold)
    for r, src in enumerate(s.sources, 1):
        sources.write_row(r, 0, [format_date(src.received_on), src.get_kind_display(), src.description])
        sources.write_number(r, 3, src.amount, money)
    payments = wb.add_worksheet("Chi")
    payments.write_row(0, 0, ["Ngày chi", "Quyết định", "Số tiền", "Ghi chú", "Lý do chi vượt số dư"], bold)
    for r, p in enumerate(s.payments, 1):
        payments.write_row(r, 0, [format_date(p.paid_on), p.decision.number])
        payments.write_number(r, 2, p.amount, money)
        payments.write_row(r, 3, [p.note, p.override_reason])
    wb.close()
    return out.getvalue()


def report_docx(s: Statement) -> bytes:
    """The yearly fund report (Word, python-docx), Liberation Serif / Times New Roman 13 pt."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt


    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    head = document.add_table(rows=2, cols=2)
    head.cell(0, 0).text = upper_vi(s.authority.name)
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    head.cell(1, 1).text = "Độc lập - Tự do - Hạnh phúc"
    place = document.add_paragraph(date_line(s.authority.place_name, None, year=s.year + 1))
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(f"BÁO CÁO\nQuỹ thi đua, khen thưởng năm {s.year}").bold = True
    for label, value in (("Số dư đầu năm", s.opening), ("Nguồn trong năm", s.received),
                         ("Đã chi tiền thưởng trong năm", s.paid), ("Số dư cuối kỳ", s.closing),
                         ("Tiền thưởng các quyết định trong năm", s.owed), ("Còn phải chi", s.outstanding)):
        document.add_paragraph(f"{label}: {format_number(value)} đồng.")
    document.add_paragraph("Tiền thưởng theo từng quyết định:")
    table = document.add_table(rows=1, cols=len(DECISION_HEADER))
    table.style = "Table Grid"
    for i, text in enumerate(DECISION_HEADER):
        table.rows[0].cells[i].text = text
    for row in _rows(s):
        cells = table.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = format_number(value) if i >= 3 else str(value)
    total = table.add_row().cells
    total[1].text = "Cộng"
    for i, value in ((4, s.owed), (5, sum(d.paid for d in s.decisions)), (6, s.outstanding)):
        total[i].text = format_number(value)
    overrides = [p for p in s.payments if p.override_reason]
    if overrides:
        document.add_paragraph("Các khoản chi vượt số dư (có ghi lý do):")
        for p in overrides:
            document.add_paragraph(f"- {format_date(p.paid_on)}, QĐ {p.decision.number}: "
                                   f"{format_number(p.amount)} đồng — {p.override_reason}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
