"""Prize money (rules.md section 7, Nghị định 152/2025 Điều 49–54).

amount = coefficient × base salary in force on the decision date, rounded UP to the next 10.000 đ;
a household gets 1,5 × the individual amount (rounded up again); when one recipient receives several
titles (danh hiệu thi đua) for the same year, only the highest amount is paid. Computed, never stored.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from thidua.awards.models import Award, AwardCategory, RecipientKind
from thidua.nominations.models import BaseSalary

ROUND_TO = 10_000
HOUSEHOLD_FACTOR = Decimal("1.5")


def round_up(amount: Decimal | int, step: int = ROUND_TO) -> int:
    """Round up to the next multiple of `step` (an exact multiple stays as it is)."""
    return int((Decimal(amount) / step).to_integral_value(rounding=ROUND_CEILING)) * step


def prize_amount(coefficient: Decimal, base_salary: int, household: bool = False) -> int:
    individual = round_up(Decimal(coefficient) * base_salary)
    return round_up(HOUSEHOLD_FACTOR * individual) if household else individual


def base_salary_on(day: date, table: list[tuple[date, int]]) -> int | None:
    """The base salary in force on `day` from (effective_from, amount) rows."""
    in_force = [(d, a) for d, a in table if d <= day]
    return max(in_force)[1] if in_force else None


DEFAULT_BASE_SALARY = Path(__file__).parent / "data" / "base_salary.csv"


def base_salary_csv(path: Path = DEFAULT_BASE_SALARY) -> list[tuple[date, int]]:
    with open(path, encoding="utf-8") as fh:
        return [(date.fromisoformat(r["effective_from"]), int(r["amount"])) for r in csv.DictReader(fh)]


def base_salary_table() -> list[tuple[date, int]]:
    """The BaseSalary table (edited in the admin; `thidua demo` loads data/base_salary.csv into it); while it is
    empty, the defaults of data/base_salary.csv."""
    return list(BaseSalary.objects.values_list("effective_from", "amount")) or base_salary_csv()


@dataclass
class PrizeLine:
    award_id: int
    recipient: str
    award_code: str
    award_name: str
    kind: str  # individual | collective | household
    coefficient: Decimal | None
    base_salary: int | None
    amount: int | None  # the full amount for this award
    paid: int  # what is paid (0 when a higher title of the same year is paid instead)
    note: str = ""


def decision_prizes(decision) -> list[PrizeLine]:
    """The prize statement of one decision: a fixed number of queries whatever its size."""
    from django.db.models import Q

    table = base_salary_table()
    base = base_salary_on(decision.signed_on, table)
    awards = list(Award.objects.filter(decision=decision).select_related("award_type").order_by("pk"))
    # Titles of the same years already held by these recipients from earlier decisions (in force): one query.
    keys = {(a.recipient_person_id, a.recipient_org_id, a.recipient_household_id, a.year) for a in awards}
    earlier_lines = []
    if awards:
        who = (Q(recipient_person_id__in={k[0] for k in keys if k[0]}) | Q(recipient_org_id__in={k[1] for k in keys if k[1]})
               | Q(recipient_household_id__in={k[2] for k in keys if k[2]}))
        earlier = (Award.objects.in_force().filter(who, award_type__category=AwardCategory.TITLE,
                                                   decision__signed_on__lt=decision.signed_on,
                                                   year__in={k[3] for k in keys})
                   .select_related("award_type", "decision"))
        earlier_lines = [(e, _line(e, base_salary_on(e.decision.signed_on, table))) for e in earlier]

    lines = [_line(a, base) for a in awards]
    by_recipient: dict[tuple, list[tuple]] = {}
    for a, line in zip(awards, lines, strict=True):
        if a.award_type.category == AwardCategory.TITLE and line.amount:
            by_recipient.setdefault((a.recipient_person_id, a.recipient_org_id, a.recipient_household_id, a.year),
                                    []).append((a, line))
    for key, group in by_recipient.items():
        prior = [(e, pl) for e, pl in earlier_lines
                 if (e.recipient_person_id, e.recipient_org_id, e.recipient_household_id, e.year) == key and pl.amount]
        best_prior = max(prior, key=lambda p: p[1].amount, default=None)
        ordered = sorted(group, key=lambda p: (-p[1].amount, -p[0].award_type.rank))
        for i, (_a, line) in enumerate(ordered):
            if best_prior is not None and best_prior[1].amount >= line.amount:
                e = best_prior[0]
                line.paid = 0
                line.note = (f"Không chi: đã nhận mức cao hơn cho năm {e.year} ({e.award_type.code}, "
                             f"QĐ {e.decision.number}).")
            elif i > 0:
                line.paid = 0
                line.note = f"Không chi: cùng năm {ordered[0][0].year} được chi mức cao nhất ({ordered[0][0].award_type.code})."
    return lines


def _line(award, base: int | None) -> PrizeLine:
    kind = award.recipient_kind
    atype = award.award_type
    coef = atype.prize_coefficient_collective if kind == RecipientKind.COLLECTIVE else atype.prize_coefficient_individual
    if coef is None or base is None:
        note = ("Chưa có hệ số tiền thưởng trong danh mục." if coef is None
                else "Chưa có mức lương cơ sở áp dụng cho ngày quyết định.")
        return PrizeLine(award.pk, award.recipient_name, atype.code, atype.name, kind, coef, base, None, 0, note)
    amount = prize_amount(coef, base, household=kind == RecipientKind.HOUSEHOLD)
    note = "Hộ gia đình: 1,5 lần mức cá nhân." if kind == RecipientKind.HOUSEHOLD else ""
    return PrizeLine(award.pk, award.recipient_name, atype.code, atype.name, kind, coef, base, amount, amount, note)
