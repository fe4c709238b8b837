"""Scores, totals and ranking of a cluster year.

`score_sheet` is the one function behind the scoring page, the API, the Excel export and the chair's
submission letter. Indicator criteria are computed from the members' % of plan (the statistics module);
hand-scored criteria come from Score rows: the final score is the chair's consolidated score where one
is stored, otherwise the mean of the cross scores.

Ranking tie-breaks, in order (stated on the page and in the letter):
  1. higher total; 2. higher points from measured indicators; 3. fewer penalty points;
  4. more bonus points. Members equal on all four share the rank (1, 2, 2, 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from thidua.emulation.models import ClusterYear, Criterion, CriterionKind, Score, ScoreRound
from thidua.emulation.statistics import indicator_summaries
from thidua.lib.text import fold
from thidua.orgs.models import Organization

TWO = Decimal("0.01")
HUNDRED = Decimal(100)
TIE_BREAKS = [
    _("Tổng điểm cao hơn"),
    _("Điểm các chỉ tiêu đo được (theo % kế hoạch) cao hơn"),
    _("Điểm trừ ít hơn"),
    _("Điểm thưởng nhiều hơn"),
]


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def formula_points(criterion: Criterion, percent_of_plan: Decimal | None) -> tuple[Decimal, Decimal]:
    """(points, bonus) of an indicator criterion for a % of plan: full points at 100%, proportional
    below; above 100% `bonus_per_percent` per percentage point, capped at `bonus_cap`."""
    if percent_of_plan is None or percent_of_plan <= 0:
        return Decimal(0), Decimal(0)
    points = criterion.max_points * min(percent_of_plan, HUNDRED) / HUNDRED
    bonus = Decimal(0)
    if percent_of_plan > HUNDRED and criterion.bonus_per_percent:
        bonus = (percent_of_plan - HUNDRED) * criterion.bonus_per_percent
        if criterion.bonus_cap is not None:
            bonus = min(bonus, criterion.bonus_cap)
    return q2(points), q2(bonus)


def mean(values: list[Decimal]) -> Decimal | None:
    return q2(sum(values, Decimal(0)) / len(values)) if values else None


@dataclass
class Cell:
    """One member × one leaf criterion."""

    criterion: Criterion
    self_points: Decimal | None = None
    self_comment: str = ""
    cross: list[tuple[Organization, Decimal, str]] = field(default_factory=list)
    final_stored: Decimal | None = None
    final_reason: str = ""
    computed: Decimal | None = None  # indicator criteria
    computed_bonus: Decimal = Decimal(0)
    percent_of_plan: Decimal | None = None

    @property
    def cross_mean(self) -> Decimal | None:
        return mean([p for _, p, _ in self.cross])

    @property
    def final(self) -> Decimal | None:
        if self.criterion.kind == CriterionKind.INDICATOR:
            return self.computed
        return self.final_stored if self.final_stored is not None else self.cross_mean

    @property
    def differs_from_cross(self) -> bool:
        return self.final_stored is not None and self.cross_mean is not None and self.final_stored != self.cross_mean


@dataclass
class MemberScore:
    member: Organization
    cells: dict[int, Cell]
    rank: int | None = None
    tie_broken: bool = False  # same total as a neighbour, ordered by a tie-break

    def _sum(self, kinds, attr="final") -> Decimal:
        return q2(sum((getattr(c, attr) or Decimal(0) for c in self.cells.values() if c.criterion.kind in kinds),
                      Decimal(0)))

    @property
    def indicator_points(self) -> Decimal:
        return self._sum({CriterionKind.INDICATOR})

    @property
    def manual_points(self) -> Decimal:
        return self._sum({CriterionKind.MANUAL})

    @property
    def bonus(self) -> Decimal:
        return q2(self._sum({CriterionKind.BONUS}) + self._sum({CriterionKind.INDICATOR}, "computed_bonus"))

    @property
    def penalty(self) -> Decimal:
        return self._sum({CriterionKind.PENALTY})

    @property
    def total(self) -> Decimal:
        return q2(self.indicator_points + self.manual_points + self.bonus - self.penalty)

    @property
    def self_total(self) -> Decimal:
        """The member's own score: its self-scores, with indicator criteria computed."""
        total = Decimal(0)
        for c in self.cells.values():
            if c.criterion.kind == CriterionKind.INDICATOR:
                total += (c.computed or 0) + c.computed_bonus
            elif c.self_points is not None:
                total += -c.self_points if c.criterion.kind == CriterionKind.PENALTY else c.self_points
        return q2(total)

    @property
    def complete(self) -> bool:
        """Every hand-scored criterion has a final score."""
        return all(c.final is not None for c in self.cells.values())

    def sort_key(self):
        return (-self.total, -self.indicator_points, self.penalty, -self.bonus)

    def as_dict(self) -> dict:
        def num(v):
            return float(v) if v is not None else None

        return {
            "member_id": self.member.pk, "member": self.member.name, "rank": self.rank,
            "total": num(self.total), "self_total": num(self.self_total),
            "indicator_points": num(self.indicator_points), "manual_points": num(self.manual_points),
            "bonus": num(self.bonus), "penalty": num(self.penalty), "complete": self.complete,
            "tie_broken": self.tie_broken,
            "criteria": [
                {"code": c.criterion.code, "self": num(c.self_points), "cross_mean": num(c.cross_mean),
                 "cross": [{"scorer": s.name, "points": num(p)} for s, p, _ in c.cross],
                 "final": num(c.final), "final_reason": c.final_reason, "percent_of_plan": num(c.percent_of_plan),
                 "bonus": num(c.computed_bonus) if c.criterion.kind == CriterionKind.INDICATOR else None}
                for c in self.cells.values()
            ],
        }


@dataclass
class ScoreSheet:
    cluster_year: ClusterYear
    criteria: list[tuple[Criterion, int]]  # the tree, flattened, with depth
    rows: list[MemberScore]  # ranked
    max_total: Decimal
    locked: bool

    @property
    def leaves(self) -> list[Criterion]:
        return [c for c, _ in self.criteria if c.kind != CriterionKind.GROUP]

    def row_for(self, member_id: int) -> MemberScore | None:
        return next((r for r in self.rows if r.member.pk == member_id), None)

    def as_dict(self) -> dict:
        return {
            "cluster_year": self.cluster_year.pk, "locked": self.locked, "max_total": float(self.max_total),
            "tie_breaks": [str(t) for t in TIE_BREAKS],
            "criteria": [{"code": c.code, "name": c.name, "kind": c.kind, "max_points": float(group_max(c, self.criteria)),
                          "depth": d, "parent": c.parent.code if c.parent_id else None} for c, d in self.criteria],
            "ranking": [r.as_dict() for r in self.rows],
        }


def framework(cluster_year: ClusterYear) -> list[tuple[Criterion, int]]:
    """The criteria tree in display order, with depth; one query."""
    nodes = list(cluster_year.criteria.select_related("indicator", "parent"))
    children: dict[int | None, list[Criterion]] = {}
    for c in nodes:
        children.setdefault(c.parent_id, []).append(c)
    out: list[tuple[Criterion, int]] = []

    def walk(parent_id, depth):
        for c in sorted(children.get(parent_id, []), key=lambda c: (c.order, c.code)):
            out.append((c, depth))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return out


def group_max(criterion: Criterion, tree: list[tuple[Criterion, int]]) -> Decimal:
    """A group's maximum is the sum of its (non-bonus, non-penalty) descendants' maxima."""
    if criterion.kind != CriterionKind.GROUP:
        return criterion.max_points
    kids = [c for c, _ in tree if c.parent_id == criterion.pk]
    return sum((group_max(k, tree) for k in kids if k.kind not in (CriterionKind.BONUS, CriterionKind.PENALTY)),
               Decimal(0))


def max_total(tree: list[tuple[Criterion, int]]) -> Decimal:
    return sum((c.max_points for c, _ in tree if c.kind in (CriterionKind.MANUAL, CriterionKind.INDICATOR)), Decimal(0))


def rank(rows: list[MemberScore]) -> list[MemberScore]:
    """Order by the tie-breaks; equal keys share a rank (competition ranking)."""
    rows = sorted(rows, key=lambda r: (r.sort_key(), fold(r.member.name)))
    for i, r in enumerate(rows):
        if i and rows[i - 1].sort_key() == r.sort_key():
            r.rank = rows[i - 1].rank
        else:
            r.rank = i + 1
        r.tie_broken = False
    for a, b in zip(rows, rows[1:], strict=False):
        if a.total == b.total and a.rank != b.rank:
            a.tie_broken = b.tie_broken = True
    return rows


def score_sheet(cluster_year: ClusterYear) -> ScoreSheet:
    """Every member's scores per criterion, totals and rank; three queries plus the statistics'."""
    tree = framework(cluster_year)
    leaves = [c for c, _ in tree if c.kind != CriterionKind.GROUP]
    members = list(cluster_year.members.all())
    percent = {(s.indicator.pk, m.member.pk): m.percent_of_plan
               for s in indicator_summaries(cluster_year) for m in s.members}
    rows = {m.pk: MemberScore(m, {c.pk: Cell(c) for c in leaves}) for m in members}
    for row in rows.values():
        for cell in row.cells.values():
            if cell.criterion.kind == CriterionKind.INDICATOR:
                cell.percent_of_plan = percent.get((cell.criterion.indicator_id, row.member.pk))
                cell.computed, cell.computed_bonus = formula_points(cell.criterion, cell.percent_of_plan)
    scores = (Score.objects.filter(criterion__cluster_year=cluster_year, member__in=rows)
              .select_related("scorer").order_by("scorer__name"))
    for s in scores:
        cell = rows[s.member_id].cells.get(s.criterion_id)
        if cell is None:
            continue
        if s.round == ScoreRound.SELF:
            cell.self_points, cell.self_comment = s.points, s.comment
        elif s.round == ScoreRound.CROSS:
            cell.cross.append((s.scorer, s.points, s.comment))
        else:
            cell.final_stored, cell.final_reason = s.points, s.comment
    run = getattr(cluster_year, "run", None)  # the reverse one-to-one raises an AttributeError subclass when absent
    return ScoreSheet(cluster_year, tree, rank(list(rows.values())), max_total(tree), bool(run and run.locked))
