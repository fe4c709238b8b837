"""The Central Council's clusters and blocks nationwide (issue 14 part 5).

Reference data: every cluster of provinces and every block of ministries and central bodies organised by the
Central Emulation and Commendation Council, before and after the 2025 mergers of provinces
(`data/national_clusters.json`, each with its source or marked illustrative). Each cluster runs its own year with
the same machinery as the reference cluster (`ClusterYear`, `YearRun`, `Milestone`); nothing here assumes one
cluster.

Figures, set-based (a fixed number of queries whatever the number of clusters):
- `timelines(cluster_years)`: each year's progress through the steps (`services.timeline` is this for one year);
- `national_year(user, year)`: every cluster and block of the year the user may see, its chair and deputy, its
  progress, its leading units and proposals — the one function behind the national page, the API and the Word
  summary.
The consolidation of the Government flag proposals (checked by the eligibility engine) is
`thidua.eligibility.national`: eligibility reads emulation, never the other way round.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db.models import Count, Q

from thidua.emulation.models import (
    Aggregation,
    Cluster,
    ClusterKind,
    ClusterYear,
    ConferenceKind,
    Criterion,
    CriterionKind,
    CrossAssignment,
    FlagHandover,
    Indicator,
    Milestone,
    PactSignature,
    Proposal,
    ResultReport,
    Score,
    ScoreRound,
    Step,
    Target,
    VoteKind,
    VoteSession,
    YearRun,
)
from thidua.orgs.models import Organization, OrganizationKind
from thidua.orgs.scope import scope_for
from thidua.orgs.services import bulk_create_organizations

DATA = Path(__file__).resolve().parent / "data" / "national_clusters.json"
MERGER_DAY = date(2025, 7, 1)
COUNCIL_NAME = "Hội đồng Thi đua - Khen thưởng Trung ương"
FLAG_CODE = "CO_CP"


# --------------------------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------------------------

def reference() -> dict:
    with open(DATA, encoding="utf-8") as fh:
        return json.load(fh)


def council() -> Organization:
    org, _ = Organization.objects.get_or_create(kind=OrganizationKind.CENTRAL, name=COUNCIL_NAME)
    return org


def load_national_clusters() -> dict[str, Cluster]:
    """Create (or refresh) the Central Council's clusters and blocks and their reference membership; the
    ministries and central bodies of the blocks are added as organisations when missing. Idempotent; a fixed
    number of queries. A cluster already stored under the same name (the reference scenario's) is completed,
    not duplicated."""
    data = reference()["clusters"]
    organiser = council()
    provinces = {(o.admin_code, o.valid_from): o for o in Organization.objects.filter(kind=OrganizationKind.PROVINCE)}
    names = {n for c in data for n in c.get("ministries", [])}
    ministries = {o.name: o for o in Organization.objects.filter(kind=OrganizationKind.MINISTRY, name__in=names)}
    missing = [Organization(kind=OrganizationKind.MINISTRY, name=n) for n in sorted(names - set(ministries))]
    ministries.update({o.name: o for o in bulk_create_organizations(missing)})
    existing = {c.code or c.name: c for c in Cluster.objects.filter(
        Q(code__in=[c["code"] for c in data]) | Q(name__in=[c["name"] for c in data]))}
    clusters: dict[str, Cluster] = {}
    for row in data:
        c = existing.get(row["code"]) or existing.get(row["name"]) or Cluster(name=row["name"])
        c.code, c.kind, c.organised_by = row["code"], row["kind"], organiser
        c.valid_from = date.fromisoformat(row["valid_from"]) if row.get("valid_from") else None
        c.valid_to = date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None
        c.basis, c.members_illustrative = row["source"], bool(row["illustrative"])
        clusters[row["code"]] = c
    Cluster.objects.bulk_create([c for c in clusters.values() if c.pk is None])
    Cluster.objects.bulk_update([c for c in clusters.values()],
                                ["code", "kind", "organised_by", "valid_from", "valid_to", "basis",
                                 "members_illustrative"])
    through = Cluster.reference_members.through
    through.objects.filter(cluster__in=clusters.values()).delete()
    links = []
    for row in data:
        c = clusters[row["code"]]
        after = c.valid_from is not None and c.valid_from >= MERGER_DAY
        for code in row.get("members", []):
            org = (provinces.get((code, MERGER_DAY)) if after else None) or provinces[(code, None)]
            links.append(through(cluster_id=c.pk, organization_id=org.pk))
        links += [through(cluster_id=c.pk, organization_id=ministries[n].pk) for n in row.get("ministries", [])]
    through.objects.bulk_create(links)
    return clusters


def clusters_in_force(year: int):
    """The Central Council's clusters and blocks in force during the year (both arrangements in 2025)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return (Cluster.objects.filter(organised_by__kind=OrganizationKind.CENTRAL)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first)))


def cluster_history(org: Organization):
    """The cluster years of an organisation and of every organisation merged into it: a merged province's
    cluster history follows its successor."""
    return (ClusterYear.objects.filter(members__in=org.lineage_ids()).distinct()
            .select_related("cluster", "chair", "deputy").order_by("-year", "cluster__name"))


# --------------------------------------------------------------------------------------------------------------
# Progress through the steps, for many cluster years at once
# --------------------------------------------------------------------------------------------------------------

@dataclass
class TimelineStep:
    step: str
    label: str
    done: bool
    detail: str
    due_on: date | None

    @property
    def overdue(self) -> bool:
        return not self.done and self.due_on is not None and self.due_on < date.today()


HAND_KINDS = [CriterionKind.MANUAL, CriterionKind.BONUS, CriterionKind.PENALTY]


def _count_by(qs, key: str) -> dict[int, int]:
    return dict(qs.values_list(key).annotate(n=Count("pk")).order_by())


def _members_with_all(qs, key: str, member: str, item: str, needed: dict[int, int]) -> dict[int, int]:
    """Per cluster year: how many members have at least `needed[cy]` distinct items in `qs`."""
    out: dict[int, int] = defaultdict(int)
    for cy_id, _, n in qs.values_list(key, member).annotate(n=Count(item, distinct=True)).order_by():
        if needed.get(cy_id) and n >= needed[cy_id]:
            out[cy_id] += 1
    return out


def timelines(cluster_years) -> dict[int, list[TimelineStep]]:
    """Each step of each year, done or not, from the records (nothing is stored as a status). Fourteen grouped
    queries for any number of cluster years."""
    ids = [cy.pk if isinstance(cy, ClusterYear) else cy for cy in cluster_years]
    if not ids:
        return {}
    runs = {r.cluster_year_id: r for r in YearRun.objects.filter(cluster_year_id__in=ids)}
    through = ClusterYear.members.through
    n_members = dict(through.objects.filter(clusteryear_id__in=ids).values_list("clusteryear_id")
                     .annotate(n=Count("pk")).order_by())
    indicators = Indicator.objects.filter(cluster_year_id__in=ids)
    n_ind = _count_by(indicators, "cluster_year_id")
    planned_ind = _count_by(indicators.exclude(aggregation=Aggregation.CUMULATIVE), "cluster_year_id")
    targets = Target.objects.filter(indicator__cluster_year_id__in=ids)
    key = "indicator__cluster_year_id"
    planned = _members_with_all(targets.filter(planned__isnull=False), key, "member", "indicator", planned_ind)
    mid = _members_with_all(targets.filter(reports__period=ResultReport.Period.MID_YEAR), key, "member", "indicator",
                            n_ind)
    final = _members_with_all(targets.filter(actual__isnull=False), key, "member", "indicator", n_ind)
    signed = _count_by(PactSignature.objects.filter(pact__cluster_year_id__in=ids), "pact__cluster_year_id")
    hand = _count_by(Criterion.objects.filter(cluster_year_id__in=ids, kind__in=HAND_KINDS), "cluster_year_id")
    scores = Score.objects.filter(criterion__cluster_year_id__in=ids)
    self_done: dict[int, int] = defaultdict(int)
    for cy_id, _, n in (scores.filter(round=ScoreRound.SELF).values_list("criterion__cluster_year_id", "member")
                        .annotate(n=Count("criterion")).order_by()):
        if hand.get(cy_id) and n >= hand[cy_id]:
            self_done[cy_id] += 1
    pairs = _count_by(CrossAssignment.objects.filter(cluster_year_id__in=ids), "cluster_year_id")
    cross_done = _count_by(scores.filter(round=ScoreRound.CROSS), "criterion__cluster_year_id")
    sessions: dict[int, list[VoteSession]] = defaultdict(list)
    for s in VoteSession.objects.filter(cluster_year_id__in=ids):
        sessions[s.cluster_year_id].append(s)
    # The review conference of each year: its latest year-end conference (services.review_conference).
    reviews: dict[int, int] = {}
    for cy_id, conf_id in (ClusterYear.objects.filter(pk__in=ids, conferences__kind=ConferenceKind.YEAR_END)
                           .order_by("pk", "-conferences__held_on", "-conferences__pk")
                           .values_list("pk", "conferences__pk")):
        reviews.setdefault(cy_id, conf_id)
    handed = set(FlagHandover.objects.filter(conference_id__in=reviews.values()).values_list("conference_id", flat=True))
    due: dict[int, dict[str, date]] = defaultdict(dict)
    for cy_id, step, day in Milestone.objects.filter(cluster_year_id__in=ids).values_list("cluster_year_id", "step",
                                                                                          "due_on"):
        due[cy_id][step] = day
    out = {}
    for cy_id in ids:
        run, n = runs.get(cy_id), n_members.get(cy_id, 0)
        ni, pi, h, p = n_ind.get(cy_id, 0), planned_ind.get(cy_id, 0), hand.get(cy_id, 0), pairs.get(cy_id, 0)
        ss = sessions.get(cy_id, [])
        decided = {s.kind for s in ss if s.outcome_applied_at}
        conf = reviews.get(cy_id)
        done_hand = conf is not None and conf in handed
        rows = [
            (Step.OPEN, run is not None, f"Mở ngày {run.opened_on:%d/%m/%Y}" if run else "Chưa mở"),
            (Step.REGISTER, pi > 0 and planned.get(cy_id, 0) == n,
             f"{planned.get(cy_id, 0) if pi else 0}/{n} thành viên đã đăng ký đủ chỉ tiêu"),
            (Step.PACT, signed.get(cy_id, 0) == n and n > 0, f"{signed.get(cy_id, 0)}/{n} thành viên đã ký"),
            (Step.MID_YEAR, ni > 0 and mid.get(cy_id, 0) == n, f"{mid.get(cy_id, 0)}/{n} thành viên đã báo cáo"),
            (Step.YEAR_END, ni > 0 and final.get(cy_id, 0) == n, f"{final.get(cy_id, 0)}/{n} thành viên đã báo cáo"),
            (Step.SELF_SCORE, h > 0 and self_done.get(cy_id, 0) == n,
             f"{self_done.get(cy_id, 0)}/{n} thành viên đã tự chấm"),
            (Step.CROSS_SCORE, p > 0 and cross_done.get(cy_id, 0) >= p * h,
             f"{cross_done.get(cy_id, 0)}/{p * h} điểm chấm chéo" if p else "Chưa phân công chấm chéo"),
            (Step.LOCK, bool(run and run.locked), "Đã khóa điểm" if run and run.locked else "Chưa khóa"),
            (Step.VOTE, {VoteKind.FLAG, VoteKind.CHAIR, VoteKind.DEPUTY} <= decided,
             f"{len(decided)} nội dung đã có kết quả, {sum(1 for s in ss if not s.is_closed)} phiên đang mở"),
            (Step.HANDOVER, done_hand, "Đã trao cờ" if done_hand else "Chưa trao cờ"),
        ]
        # Before the year is opened no later step is done, whatever rows exist (e.g. a framework copied in advance).
        out[cy_id] = [TimelineStep(step, Step(step).label, done and (run is not None or step == Step.OPEN), detail,
                                   due[cy_id].get(step)) for step, done, detail in rows]
    return out


# --------------------------------------------------------------------------------------------------------------
# The national page of a year
# --------------------------------------------------------------------------------------------------------------

@dataclass
class ClusterRow:
    cluster: Cluster
    cy: ClusterYear | None
    members: int
    steps: list[TimelineStep] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def total_steps(self) -> int:
        return len(Step.values)

    @property
    def current(self) -> TimelineStep | None:
        return next((s for s in self.steps if not s.done), None)

    @property
    def leads(self) -> list[Proposal]:
        """The leading units: those the cluster's conference proposes for the Government flag."""
        return [p for p in self.proposals if p.award_type.code == FLAG_CODE]

    @property
    def others(self) -> list[Proposal]:
        return [p for p in self.proposals if p.award_type.code != FLAG_CODE]

    @property
    def illustrative(self) -> bool:
        return self.cluster.members_illustrative or bool(self.cy and self.cy.is_illustrative)


@dataclass
class NationalYear:
    year: int
    rows: list[ClusterRow]

    @property
    def clusters(self) -> list[ClusterRow]:
        return [r for r in self.rows if r.cluster.kind == ClusterKind.CLUSTER]

    @property
    def blocks(self) -> list[ClusterRow]:
        return [r for r in self.rows if r.cluster.kind == ClusterKind.BLOCK]

    @property
    def opened(self) -> int:
        return sum(1 for r in self.rows if r.steps and r.steps[0].done)

    @property
    def finished(self) -> int:
        return sum(1 for r in self.rows if r.steps and r.done == r.total_steps)

    @property
    def leads(self) -> list[Proposal]:
        return [p for r in self.rows for p in r.leads]

    @property
    def any_illustrative(self) -> bool:
        return any(r.illustrative for r in self.rows)

    def by_step(self) -> list[tuple[str, int]]:
        """How many clusters and blocks have done each step (the progress chart)."""
        return [(Step(s).label, sum(1 for r in self.rows if any(t.step == s and t.done for t in r.steps)))
                for s in Step.values]


def visible_clusters(user, year: int):
    """The clusters and blocks of the year the user may see: all for the global roles; otherwise those the
    user's organisations (and what merged into them) belong to, by reference or in the year, or organise."""
    qs = clusters_in_force(year)
    scope = scope_for(user)
    if scope.is_global:
        return qs
    if scope.user_id is None:
        return qs.none()
    ids = scope.lineage_ids
    return qs.filter(Q(reference_members__in=ids) | Q(years__members__in=ids) | Q(organised_by__in=ids)).distinct()


def national_year(user, year: int) -> NationalYear:
    """Every cluster and block of the year visible to the user: its year (chair, deputy), progress, leading units
    and proposals. A fixed number of queries (one set for all clusters, none per row)."""
    clusters = list(visible_clusters(user, year).order_by("-kind", "valid_from", "code", "name"))
    cys = {cy.cluster_id: cy for cy in ClusterYear.objects.filter(cluster__in=clusters, year=year)
           .select_related("chair", "deputy")}
    ref_counts = dict(Cluster.reference_members.through.objects.filter(cluster__in=clusters)
                      .values_list("cluster_id").annotate(n=Count("pk")).order_by())
    year_counts = dict(ClusterYear.members.through.objects.filter(clusteryear_id__in=[c.pk for c in cys.values()])
                       .values_list("clusteryear_id").annotate(n=Count("pk")).order_by())
    steps = timelines(list(cys.values()))
    proposals: dict[int, list[Proposal]] = defaultdict(list)
    for p in (Proposal.objects.filter(cluster_year__in=cys.values())
              .select_related("organization", "award_type").order_by("-award_type__rank", "order", "pk")):
        proposals[p.cluster_year_id].append(p)
    rows = []
    for c in clusters:
        cy = cys.get(c.pk)
        rows.append(ClusterRow(c, cy, year_counts.get(cy.pk, 0) if cy else ref_counts.get(c.pk, 0),
                               steps.get(cy.pk, []) if cy else [], proposals.get(cy.pk, []) if cy else []))
    return NationalYear(year, rows)


def national_years() -> list[int]:
    """The years for which a Central Council cluster or block has a cluster year (the page's year choice)."""
    return sorted(set(ClusterYear.objects.filter(cluster__organised_by__kind=OrganizationKind.CENTRAL)
                      .values_list("year", flat=True)), reverse=True)


def default_year() -> int:
    """The year a national page opens on: the latest year with proposals from a Central Council cluster or block
    (the year being consolidated), else the latest with a cluster year, else this year."""
    central = ClusterYear.objects.filter(cluster__organised_by__kind=OrganizationKind.CENTRAL)
    latest = (central.filter(proposals__isnull=False).order_by("-year").values_list("year", flat=True).first()
              or central.order_by("-year").values_list("year", flat=True).first())
    return latest or date.today().year
