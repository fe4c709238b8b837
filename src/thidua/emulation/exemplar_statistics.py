"""Figures of the exemplary models and of the public honours board: one function per figure, used by the pages
and the API alike (counts per stage, replication figures, the filtered lists)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from thidua.emulation.models import (
    EXEMPLAR_STAGE_ORDER,
    Exemplar,
    ExemplarReplication,
    ExemplarStage,
    PublicHonour,
)
from thidua.lib.text import fold


@dataclass(frozen=True)
class ExemplarFilters:
    province: int | None = None
    field: str = ""
    year: int | None = None
    movement: int | None = None
    stage: str = ""
    q: str = ""

    def as_query(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def _sum(field: str):
    sub = (ExemplarReplication.objects.filter(exemplar=OuterRef("pk")).order_by().values("exemplar")
           .annotate(t=Sum(field)).values("t"))
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def exemplar_list(qs: QuerySet[Exemplar], f: ExemplarFilters) -> QuerySet[Exemplar]:
    """The exemplars matching the filters, each with its replication figures (units, participants) and its
    number of honours."""
    if f.province:
        qs = qs.filter(province_id=f.province)
    if f.field:
        qs = qs.filter(field=f.field)
    if f.year:
        qs = qs.filter(discovered_in=f.year)
    if f.movement:
        qs = qs.filter(movement_id=f.movement)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.q:
        qs = qs.filter(name_folded__contains=fold(f.q))
    return (qs.select_related("province", "movement", "proposed_by")
            .annotate(replicated_units=_sum("units"), replicated_participants=_sum("participants"),
                      honour_count=Count("honours", distinct=True))
            .order_by("province__name", "name"))


def stage_counts(qs: QuerySet[Exemplar]) -> list[tuple[str, str, int]]:
    """(stage, label, count) in pipeline order, zeros included."""
    counts = dict(qs.order_by().values_list("stage").annotate(n=Count("pk")))
    return [(s, str(ExemplarStage(s).label), counts.get(s, 0)) for s in EXEMPLAR_STAGE_ORDER]


def replication_figures(ex: Exemplar) -> tuple[int, int]:
    """Units that applied the model and people reached, over all its replications."""
    t = ex.replications.aggregate(u=Coalesce(Sum("units"), 0), p=Coalesce(Sum("participants"), 0))
    return t["u"], t["p"]


@dataclass(frozen=True)
class BoardFilters:
    province: int | None = None
    field: str = ""
    year: int | None = None
    q: str = ""


def public_board(f: BoardFilters) -> QuerySet[PublicHonour]:
    """The published entries of the public honours board matching the filters (folded Vietnamese search)."""
    qs = PublicHonour.objects.published()
    if f.province:
        qs = qs.filter(province_id=f.province)
    if f.field:
        qs = qs.filter(field=f.field)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.q:
        for word in fold(f.q).split()[:8]:
            qs = qs.filter(search_folded__contains=word)
    return qs.order_by("-year", "province_name", "name")


def board_choices() -> dict:
    """The filter choices of the public board: provinces, fields and years that have published entries."""
    qs = PublicHonour.objects.published().order_by()
    return {"provinces": sorted(set(qs.values_list("province_id", "province_name")), key=lambda p: fold(p[1])),
            "fields": sorted({f for f in qs.values_list("field", flat=True) if f}, key=fold),
            "years": sorted(set(qs.values_list("year", flat=True)), reverse=True)}
