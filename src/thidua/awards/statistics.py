"""Commendation statistics: the one place that counts award records.

Pages, the API, Excel exports and Word reports call these functions; nothing
else counts awards. Every function runs one aggregate query whatever the size.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from thidua.awards.models import (
    COLLECTIVE_CLASSES,
    INDIVIDUAL_CLASSES,
    PRIORITY_CLASSES,
    Award,
    RecipientClass,
)


def percent(part, whole) -> Decimal | None:
    """part/whole × 100, unrounded (display rounds); None when the whole is 0 or unknown."""
    if whole in (None, 0) or part is None:
        return None
    return Decimal(part) * 100 / Decimal(whole)


@dataclass(frozen=True)
class CommendationCounts:
    collectives: int
    individuals: int
    households: int
    priority: int  # small collectives + direct workers (Law art. 5 priority)

    @property
    def total(self) -> int:
        return self.collectives + self.individuals + self.households

    @property
    def priority_share(self) -> Decimal | None:
        """Share of small collectives and direct workers over all awards (the seed's 52,48%)."""
        return percent(self.priority, self.total)

    def as_dict(self) -> dict:
        share = self.priority_share
        return {**asdict(self), "total": self.total, "priority_share": float(share) if share is not None else None}


def commendation_counts(awards: QuerySet[Award]) -> CommendationCounts:
    """Counts by recipient kind and the priority share, in one aggregate query."""
    row = awards.aggregate(
        collectives=Count("pk", filter=Q(recipient_class__in=COLLECTIVE_CLASSES)),
        individuals=Count("pk", filter=Q(recipient_class__in=INDIVIDUAL_CLASSES)),
        households=Count("pk", filter=Q(recipient_class=RecipientClass.HOUSEHOLD)),
        priority=Count("pk", filter=Q(recipient_class__in=PRIORITY_CLASSES)),
    )
    return CommendationCounts(**row)


def awards_of(province_ids, year: int, level: str | None = None) -> QuerySet[Award]:
    """Award records in force of the given provinces (with whatever was merged into them),
    decided in the calendar year, optionally of one level (state / provincial / grassroots). The decision's year
    as copied on the award row (thidua.awards.sort_keys): an index range per province (award_prov_dyear_type_class),
    where the decisions of the year joined in walked every later decision first (0,3–0,6 s nationally)."""
    qs = Award.objects.in_force().filter(province_id__in=province_ids, decision_year=year)
    if level:
        qs = qs.filter(award_type__level=level)
    return qs


def counts_by(awards: QuerySet[Award], *fields: str) -> list[dict]:
    """Counts grouped by any fields (level, authority, class, type…), one GROUP BY query."""
    return list(awards.values(*fields).annotate(count=Count("pk")).order_by(*fields))
