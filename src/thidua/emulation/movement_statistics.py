"""Every figure of a movement, computed once for its page, the API and the review report (Word): participation
rolled up over the movement's tree of adoptions (set-based: one grouped query per figure, none per row),
participation over time, its reviews with the participants' figures, and the commendations it produced.

The commendations are the thematic dossiers linked to the movement (nominations.Dossier.movement), read through
the reverse relation `Movement.dossiers`: emulation sits below nominations and imports nothing of it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from thidua.emulation.models import (
    Movement,
    MovementRegistration,
    MovementReview,
    MovementReviewReport,
    ParticipantKind,
)
from thidua.emulation.movements import movement_tree_ids

FIGURES = ("collectives", "individuals", "exemplars", "initiatives")


@dataclass
class LevelRow:
    """Participation at one level of the tree: the movement (the launching level's own or a sub-movement)."""

    movement_id: int
    name: str
    organization: str
    organization_id: int
    depth: int
    units: int = 0
    collectives: int = 0
    individuals: int = 0
    titles: int = 0

    @property
    def total(self) -> int:
        return self.units + self.collectives + self.individuals


@dataclass
class ReviewFigures:
    review: MovementReview
    reports: int
    collectives: int
    individuals: int
    exemplars: int
    initiatives: int


@dataclass
class MovementSummary:
    movement: Movement
    tree_ids: list[int]
    levels: list[LevelRow]
    adoptions: int
    months: list[tuple[str, int]]
    reviews: list[ReviewFigures]
    dossiers: int
    dossiers_by_state: dict[str, int] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return sum(r.units for r in self.levels)

    @property
    def collectives(self) -> int:
        return sum(r.collectives for r in self.levels)

    @property
    def individuals(self) -> int:
        return sum(r.individuals for r in self.levels)

    @property
    def titles(self) -> int:
        return sum(r.titles for r in self.levels)

    @property
    def participants(self) -> int:
        return self.units + self.collectives + self.individuals


def dossier_model():
    """nominations.Dossier, reached through the reverse relation of its `movement` field (no upward import)."""
    return Movement._meta.get_field("dossiers").related_model


def participation(tree_ids: list[int]) -> dict[int, dict[str, int]]:
    """Registrations per movement of the tree and participant kind, titles apart: ONE grouped query."""
    rows = (MovementRegistration.objects.filter(movement_id__in=tree_ids)
            .values("movement_id", "participant_kind")
            .annotate(n=Count("pk"), titles=Count("pk", filter=Q(award_type__isnull=False))))
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"unit": 0, "collective": 0, "individual": 0, "titles": 0})
    for r in rows:
        out[r["movement_id"]][r["participant_kind"]] += r["n"]
        out[r["movement_id"]]["titles"] += r["titles"]
    return out


def participation_by_movement(movement_ids: list[int]) -> dict[int, int]:
    """For a list page: each movement's participants rolled up over its own tree (a few queries for the whole
    list, however long: the trees are walked level by level for all movements at once)."""
    parent_of: dict[int, int | None] = dict.fromkeys(movement_ids)
    frontier = list(movement_ids)
    while frontier:
        children = [(pk, parent) for pk, parent in Movement.objects.filter(parent_id__in=frontier)
                    .values_list("pk", "parent_id") if pk not in parent_of or parent_of[pk] is None]
        for pk, parent in children:
            parent_of[pk] = parent
        frontier = [pk for pk, _ in children]
    counts = dict(MovementRegistration.objects.filter(movement_id__in=list(parent_of)).values("movement_id")
                  .annotate(n=Count("pk")).values_list("movement_id", "n"))
    listed = set(movement_ids)
    out: dict[int, int] = dict.fromkeys(movement_ids, 0)
    for pk in parent_of:
        node, seen = pk, set()
        while node is not None and node not in seen:  # up the chain: every listed ancestor (and itself) counts it
            seen.add(node)
            if node in listed:
                out[node] += counts.get(pk, 0)
            node = parent_of.get(node)
    return out


def review_figures(reviews) -> list[ReviewFigures]:
    """Each review with the totals of its participants' reports: one grouped query."""
    reviews = list(reviews)
    sums = {r["review_id"]: r for r in MovementReviewReport.objects.filter(review__in=reviews).values("review_id")
            .annotate(reports=Count("pk"), **{f: Sum(f) for f in FIGURES})}
    out = []
    for rv in reviews:
        s = sums.get(rv.pk, {})
        out.append(ReviewFigures(review=rv, reports=s.get("reports", 0),
                                 **{f: s.get(f) or 0 for f in FIGURES}))
    return out


def movement_summary(movement: Movement) -> MovementSummary:
    """The movement's figures, rolled up over its sub-movements."""
    tree_ids = movement_tree_ids(movement)
    nodes = list(Movement.objects.filter(pk__in=tree_ids).select_related("launched_by")
                 .values("pk", "name", "parent_id", "launched_by__name", "launched_by_id"))
    by_pk = {n["pk"]: n for n in nodes}

    def depth(pk: int) -> int:
        d = 0
        while pk != movement.pk and by_pk.get(pk, {}).get("parent_id"):
            pk, d = by_pk[pk]["parent_id"], d + 1
        return d

    counts = participation(tree_ids)
    levels = []
    for pk in tree_ids:  # tree order: the movement first, then level by level
        n = by_pk[pk]
        c = counts.get(pk, {})
        levels.append(LevelRow(movement_id=pk, name=n["name"], organization=n["launched_by__name"],
                               organization_id=n["launched_by_id"], depth=depth(pk), units=c.get("unit", 0),
                               collectives=c.get("collective", 0), individuals=c.get("individual", 0),
                               titles=c.get("titles", 0)))
    months = [(f"{r['m']:%m/%Y}", r["n"]) for r in
              MovementRegistration.objects.filter(movement_id__in=tree_ids).annotate(m=TruncMonth("registered_on"))
              .values("m").annotate(n=Count("pk")).order_by("m")]
    reviews = review_figures(MovementReview.objects.filter(movement_id__in=tree_ids)
                             .select_related("movement__launched_by").order_by("held_on", "pk"))
    by_state = dict(dossier_model().objects.filter(movement_id__in=tree_ids).values("state")
                    .annotate(n=Count("pk")).values_list("state", "n"))
    return MovementSummary(movement=movement, tree_ids=tree_ids, levels=levels, adoptions=len(tree_ids) - 1,
                           months=months, reviews=reviews, dossiers=sum(by_state.values()), dossiers_by_state=by_state)


def movement_dossiers(summary: MovementSummary, user):
    """The commendation dossiers the movement produced that the user may see."""
    return (dossier_model().objects.visible_to(user).filter(movement_id__in=summary.tree_ids)
            .select_related("from_org", "movement").order_by("-created_at"))


def review_reports(review: MovementReview):
    return MovementReviewReport.objects.filter(review=review).select_related("organization").order_by(
        "organization__name")


def registrations(movement_ids: list[int], *, on: date | None = None):
    qs = (MovementRegistration.objects.filter(movement_id__in=movement_ids)
          .select_related("organization", "person", "award_type", "movement__launched_by")
          .order_by("movement_id", "organization__name", "pk"))
    if on is not None:
        qs = qs.filter(registered_on__lte=on)
    return qs


def kind_label(kind: str) -> str:
    return str(dict(ParticipantKind.choices).get(kind, kind))
