"""Cluster-year figures: indicator progress, commendations, exemplary models, outcomes.

`cluster_year_summary` is the one function behind the dashboard, the summary
API, the Excel export and the year-end report. It reads records and computes;
it stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from thidua.awards.models import AwardLevel
from thidua.awards.statistics import CommendationCounts, awards_of, percent
from thidua.awards.summary import commendation_counts_of
from thidua.emulation.models import (
    Aggregation,
    ClusterYear,
    ConferenceKind,
    Exemplar,
    FlagHandover,
    Indicator,
    ResultReport,
    Target,
)
from thidua.lib.text import fold
from thidua.orgs.models import Organization, lineages_ids


def _sum(values) -> Decimal | None:
    values = [v for v in values if v is not None]
    return sum(values, Decimal(0)) if values else None


@dataclass
class MemberResult:
    member: Organization
    planned: Decimal | None
    actual: Decimal | None
    prior: Decimal | None
    base: Decimal | None
    mid_year: Decimal | None = None  # the member's mid-year report (ResultReport, period mid_year), if any
    # Cumulative indicators: True where `prior`/`base` were carried from the previous year's records
    # instead of entered for this year.
    prior_carried: bool = False
    base_carried: bool = False

    @property
    def percent_of_plan(self) -> Decimal | None:
        return percent(self.actual, self.planned)

    @property
    def cumulative(self) -> Decimal | None:
        if self.actual is None or self.prior is None:
            return None  # without the opening balance there is no running total to state
        return self.prior + self.actual

    @property
    def share_of_base(self) -> Decimal | None:
        numerator = self.cumulative if self.prior is not None else self.actual
        return percent(numerator, self.base)

    @property
    def met(self) -> bool | None:
        if self.actual is None or self.planned is None:
            return None
        return self.actual >= self.planned


@dataclass
class IndicatorSummary:
    indicator: Indicator
    members: list[MemberResult]

    @property
    def planned(self) -> Decimal | None:
        return _sum(m.planned for m in self.members)

    @property
    def actual(self) -> Decimal | None:
        return _sum(m.actual for m in self.members)

    @property
    def mid_year(self) -> Decimal | None:
        return _sum(m.mid_year for m in self.members)

    @property
    def percent_of_plan(self) -> Decimal | None:
        if self.indicator.aggregation == Aggregation.MEMBERS_MET:
            return None
        return percent(self.actual, self.planned)

    @property
    def cumulative(self) -> Decimal | None:
        if self.indicator.aggregation != Aggregation.CUMULATIVE or not self.balances_complete:
            return None
        return _sum(m.cumulative for m in self.members)

    @property
    def base(self) -> Decimal | None:
        if self.indicator.aggregation == Aggregation.CUMULATIVE and not self.balances_complete:
            return None  # a partial base would understate the denominator
        return _sum(m.base for m in self.members)

    @property
    def share_of_base(self) -> Decimal | None:
        if self.indicator.aggregation == Aggregation.CUMULATIVE:
            return percent(self.cumulative, self.base)
        if self.indicator.aggregation == Aggregation.SHARE:
            return percent(self.actual, self.base)
        return None

    @property
    def members_met(self) -> int:
        return sum(1 for m in self.members if m.met)

    @property
    def missing_balances(self) -> list[MemberResult]:
        """Members of a cumulative indicator whose opening balance or base is unknown (neither entered nor
        carried from a previous year): the cumulative figure and its share cannot be stated without them."""
        if self.indicator.aggregation != Aggregation.CUMULATIVE:
            return []
        return [m for m in self.members if m.prior is None or m.base is None]

    @property
    def balances_complete(self) -> bool:
        return not self.missing_balances

    @property
    def members_reported(self) -> int:
        return sum(1 for m in self.members if m.actual is not None)

    def as_dict(self) -> dict:
        ind = self.indicator

        def num(v):
            return float(v) if v is not None else None

        return {
            "id": ind.pk,
            "code": ind.code,
            "name": ind.name,
            "unit": ind.unit,
            "aggregation": ind.aggregation,
            "planned": num(self.planned),
            "actual": num(self.actual),
            "percent_of_plan": num(self.percent_of_plan),
            "cumulative": num(self.cumulative),
            "base": num(self.base),
            "share_of_base": num(self.share_of_base),
            "members_met": self.members_met,
            "members_count": len(self.members),
            "members": [
                {
                    "member_id": m.member.pk,
                    "member": m.member.name,
                    "planned": num(m.planned),
                    "actual": num(m.actual),
                    "percent_of_plan": num(m.percent_of_plan),
                    "prior": num(m.prior),
                    "cumulative": num(m.cumulative) if ind.aggregation == Aggregation.CUMULATIVE else None,
                    "base": num(m.base),
                    "share_of_base": num(m.share_of_base),
                    "met": m.met,
                    "prior_carried": m.prior_carried,
                    "base_carried": m.base_carried,
                }
                for m in self.members
            ],
        }


def indicator_summaries(cluster_year: ClusterYear, members=None) -> list[IndicatorSummary]:
    """Every indicator of the year with each member's plan, mid-year, actual and %; three queries (plus the
    previous years' when a cumulative indicator carries its balances forward). `members`: the year's members in
    Vietnamese order when the caller has read them already."""
    if members is None:
        members = sorted_members(cluster_year)
    targets = {
        (t.indicator_id, t.member_id): t
        for t in Target.objects.filter(indicator__cluster_year=cluster_year)
    }
    mid_year = dict(ResultReport.objects.filter(target__indicator__cluster_year=cluster_year,
                                                period=ResultReport.Period.MID_YEAR)
                    .values_list("target_id", "value"))
    indicators = list(cluster_year.indicators.all())
    carried = (carried_balances(cluster_year, members)
               if any(i.aggregation == Aggregation.CUMULATIVE for i in indicators) else {})
    out = []
    for ind in indicators:
        rows = []
        for m in members:
            t = targets.get((ind.pk, m.pk))
            row = MemberResult(m, t and t.planned, t and t.actual, t and t.prior, t and t.base,
                               mid_year.get(t.pk) if t else None)
            if ind.aggregation == Aggregation.CUMULATIVE:
                prior, base = carried.get((ind.code, m.pk), (None, None))
                if row.prior is None and prior is not None:
                    row.prior, row.prior_carried = prior, True
                if row.base is None and base is not None:
                    row.base, row.base_carried = base, True
            rows.append(row)
        out.append(IndicatorSummary(ind, rows))
    return out


def carried_balances(cluster_year: ClusterYear, members=None) -> dict[tuple[str, int], tuple]:
    """What each cumulative indicator of the previous year of the same cluster ended with, per member of this
    year: (cumulative at the end of last year, last year's base), keyed by (indicator code, member id).

    The running total is not stored again each year: it is derived from the records of the years before
    (a year's own entered opening balance wins). A member formed by a merger carries the sum of the members
    merged into it; a value is carried only when every one of them had it.
    """
    previous = ClusterYear.objects.filter(cluster_id=cluster_year.cluster_id, year=cluster_year.year - 1).first()
    if previous is None:
        return {}
    members = members if members is not None else list(cluster_year.members.all())
    ends = {}
    for s in indicator_summaries(previous):
        if s.indicator.aggregation != Aggregation.CUMULATIVE:
            continue
        for m in s.members:
            ends[(s.indicator.code, m.member.pk)] = (m.cumulative if m.prior is not None else None, m.base)
    codes = {code for code, _ in ends}
    out = {}
    for member in members:
        sources = [pk for pk in member.lineage_ids() if any((c, pk) in ends for c in codes)]
        for code in codes:
            rows = [ends[(code, pk)] for pk in sources if (code, pk) in ends]
            if not rows:
                continue
            prior = _sum(r[0] for r in rows) if all(r[0] is not None for r in rows) else None
            base = _sum(r[1] for r in rows) if all(r[1] is not None for r in rows) else None
            out[(code, member.pk)] = (prior, base)
    return out


def sorted_members(cluster_year: ClusterYear) -> list[Organization]:
    """The members of a cluster year in Vietnamese order (Đ after D)."""
    return sorted(cluster_year.members.all(), key=lambda o: fold(o.name))


def member_lineage_ids(cluster_year: ClusterYear, members=None) -> set[int]:
    return lineages_ids(m.pk for m in (cluster_year.members.all() if members is None else members))


def registry_cluster_year_filter(qs, cluster_year_id, user):
    """The award registry narrowed to a cluster year's members and year: the same selection as the dashboard
    figure the link came from (registered in EmulationConfig.ready); none() for a cluster year the user can't see."""
    cy = ClusterYear.objects.visible_to(user).filter(pk=cluster_year_id).first()
    if cy is None:
        return qs.none()
    # The year on the decision too (the same records): the page sorted by decision date then walks the decisions'
    # (signed_on, id) index from the year's end instead of from the newest decision (2,8 s nationally).
    return qs & awards_of(member_lineage_ids(cy), cy.year).filter(decision__signed_on__year=cy.year)


@dataclass
class ClusterYearSummary:
    cluster_year: ClusterYear
    indicators: list[IndicatorSummary]
    state_awards: CommendationCounts
    provincial_awards: CommendationCounts
    exemplars_honoured_nationally: int
    exemplars_honoured_at_review: int
    review_conference: object | None
    proposals: list = field(default_factory=list)
    next_year: ClusterYear | None = None
    handover: FlagHandover | None = None
    pact_signatures: int = 0
    members: list = field(default_factory=list)  # in Vietnamese order (the dashboard lists them)

    @property
    def members_count(self) -> int:
        return len(self.members)

    def as_dict(self) -> dict:
        cy, conf, nxt, h = self.cluster_year, self.review_conference, self.next_year, self.handover
        return {
            "cluster_year": {"id": cy.pk, "cluster": cy.cluster.name, "year": cy.year, "theme": cy.theme,
                             "chair": cy.chair.name, "deputy": cy.deputy.name if cy.deputy else None,
                             "members": self.members_count, "illustrative_member_figures": cy.is_illustrative},
            "indicators": [s.as_dict() for s in self.indicators],
            "commendations": {"state": self.state_awards.as_dict(), "provincial": self.provincial_awards.as_dict()},
            "exemplars": {"honoured_nationally": self.exemplars_honoured_nationally,
                          "honoured_at_review": self.exemplars_honoured_at_review},
            "review_conference": {"id": conf.pk, "title": conf.title, "held_on": conf.held_on.isoformat(),
                                  "place": conf.place, "host": conf.host.name} if conf else None,
            "proposals": [{"organization": p.organization.name, "award_type": p.award_type.code,
                           "award_name": p.award_type.name, "proposed_to": p.proposed_to} for p in self.proposals],
            "next_year": {"id": nxt.pk, "year": nxt.year, "chair": nxt.chair.name,
                          "deputy": nxt.deputy.name if nxt.deputy else None,
                          "pact_signatures": self.pact_signatures} if nxt else None,
            "flag_handover": {"from": h.from_org.name, "to": h.to_org.name, "on": h.handed_on.isoformat()} if h else None,
        }


def exemplars_of(cluster_year: ClusterYear, *, national: bool, ids: set[int] | None = None):
    """Exemplary models of the members honoured during the year: at national celebrations
    (national=True) or at the cluster's own year-end review (national=False). `ids`: member_lineage_ids of the
    year when the caller has them."""
    if ids is None:
        ids = member_lineage_ids(cluster_year)
    qs = Exemplar.objects.filter(province_id__in=ids)
    if national:
        honour = Q(honours__conference__kind=ConferenceKind.CELEBRATION,
                   honours__conference__held_on__year=cluster_year.year)
    else:
        honour = Q(honours__conference__kind=ConferenceKind.YEAR_END, honours__conference__cluster_year=cluster_year)
    return qs.filter(honour).distinct()


def cluster_year_summary(cluster_year: ClusterYear) -> ClusterYearSummary:
    members = sorted_members(cluster_year)  # read once for the figures, the exemplars and the count
    ids = member_lineage_ids(cluster_year, members)
    review = cluster_year.conferences.filter(kind=ConferenceKind.YEAR_END).select_related("host").first()
    next_year = (
        ClusterYear.objects.filter(cluster=cluster_year.cluster, year=cluster_year.year + 1)
        .select_related("chair", "deputy").annotate(n_signatures=Count("pact__signatures")).first()
    )
    handover = None
    if review:
        handover = FlagHandover.objects.filter(conference=review).select_related("from_org", "to_org").first()
    return ClusterYearSummary(
        cluster_year=cluster_year,
        indicators=indicator_summaries(cluster_year, members),
        state_awards=commendation_counts_of(ids, cluster_year.year, AwardLevel.STATE),
        provincial_awards=commendation_counts_of(ids, cluster_year.year, AwardLevel.PROVINCIAL),
        exemplars_honoured_nationally=exemplars_of(cluster_year, national=True, ids=ids).count(),
        exemplars_honoured_at_review=exemplars_of(cluster_year, national=False, ids=ids).count(),
        review_conference=review,
        proposals=list(cluster_year.proposals.select_related("organization", "award_type")),
        next_year=next_year,
        handover=handover,
        pact_signatures=next_year.n_signatures if next_year else 0,
        members=members,
    )
