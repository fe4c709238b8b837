"""Facts behind the statistical report forms 0601–0605 (Thông tư 02/2023/TT-BNV): each source returns a list of
(dimensions, count) pairs from ONE grouped query (awards) or one pass over a few rows (movements, emulation
bodies and staff). thidua.reports.definitions evaluates the forms' declarative cells over them, so the page, the
Excel form and any other consumer get every figure from here. Award records are counted as in
thidua.awards.statistics.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q, QuerySet

from thidua.awards.models import Award, Decision, recipient_kind_of
from thidua.emulation.models import ClusterYear, Movement
from thidua.lib.text import fold
from thidua.orgs.models import (
    TOP_LEVEL_KINDS,
    EmulationBody,
    EmulationOfficer,
    Organization,
    OrganizationKind,
)

Facts = list[tuple[dict, int]]

# Dimension → ORM path, for award records.
AWARD_DIMENSIONS = {
    "level": "award_type__level",
    "report_group": "award_type__report_group",
    "award_type": "award_type__code",
    "category": "award_type__category",
    "granted_by": "award_type__granted_by",
    "recipient_class": "recipient_class",
    "basis": "basis",
    "submitted_by_kind": "submitted_by__kind",
    "gender": "recipient_person__gender",
    "ethnicity": "recipient_person__ethnicity",
}
# Dimensions derived from another one (computed in Python on the grouped rows).
AWARD_DERIVED = {
    "recipient_kind": ("recipient_class", lambda v: str(recipient_kind_of(v))),
    "ethnic_minority": ("ethnicity", lambda v: bool(v) and fold(v) != "kinh"),
}
MOVEMENT_DIMENSIONS = {"launch_level", "scope", "duration", "method", "kind"}
BODY_DIMENSIONS = {"top_kind", "tier"}
STAFF_DIMENSIONS = {"gender", "age", "training", "seniority"}


def _lineage_paths(org) -> list[str]:
    return list(Organization.objects.filter(pk__in=org.lineage_ids()).values_list("path", flat=True))


def _under(prefix: str, paths: list[str]) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{prefix}path__startswith": p})
    return q


def awards_in_period(org, start, end) -> QuerySet[Award]:
    """Award records in force whose decision was signed between two dates (inclusive), of an organisation's
    subtree and of what merged into it (org None: nationwide). A province or ministry selects on the
    denormalised province (an index range); another organisation on its subtree of units."""
    decisions = Decision.objects.filter(signed_on__gte=start, signed_on__lte=end).values("pk")
    qs = Award.objects.in_force().filter(decision_id__in=decisions)
    if org is None:
        return qs
    if org.kind in TOP_LEVEL_KINDS:
        return qs.filter(province_id__in=org.lineage_ids())
    return qs.filter(_under("unit__", _lineage_paths(org)))


def award_facts(awards: QuerySet[Award], dimensions) -> Facts:
    """Counts of award records grouped by the given dimensions, in one GROUP BY query."""
    dims = set(dimensions)
    unknown = dims - set(AWARD_DIMENSIONS) - set(AWARD_DERIVED)
    if unknown:
        raise ValueError(f"unknown award dimensions: {sorted(unknown)}")
    base_dims = {AWARD_DERIVED[d][0] if d in AWARD_DERIVED else d for d in dims}
    fields = {d: AWARD_DIMENSIONS[d] for d in sorted(base_dims)}
    out = []
    for row in awards.values(*fields.values()).annotate(n=Count("pk")).order_by():
        facts = {d: row[f] for d, f in fields.items()}
        for d in dims & set(AWARD_DERIVED):
            source, fn = AWARD_DERIVED[d]
            facts[d] = fn(facts[source])
        out.append((facts, row["n"]))
    return out


def _full_months(start, end) -> int:
    """Whole months from start to end inclusive (1/1–31/12 is 12)."""
    after = end + timedelta(days=1)
    return (after.year - start.year) * 12 + after.month - start.month - (1 if after.day < start.day else 0)


def movement_duration(launched_on, ends_on, kind: str) -> str:
    """Duration class of form 0601 rows 06–10; a regular movement without an end date runs one year."""
    if launched_on and ends_on:
        months = _full_months(launched_on, ends_on)
    elif kind == "regular":
        months = 12
    else:
        return "unknown"
    if months < 12:
        return "lt1"
    if months == 12:
        return "y1"
    if months < 36:
        return "y1_3"
    return "y3_5" if months < 60 else "ge5"


def movement_facts(org, start, end) -> Facts:
    """Movements launched in the period (launch date in it; without a launch date, carried out in a cluster year
    of the period), by the organisation's subtree or carried out by it in its cluster years (org None: all).

    launch_level: central (State, Central Council/Board) | ministry_province | unit.
    scope: cluster_block when launched within a cluster/block (by its organiser or that year's chair),
    otherwise nationwide / ministry_locality / unit after the launching level.
    duration: lt1 | y1 | y1_3 | y3_5 | ge5 | unknown. method: thematic (thematic or periodic) | regular."""
    K = OrganizationKind
    in_period = Q(launched_on__gte=start, launched_on__lte=end)
    years_cy = ClusterYear.objects.filter(year__gte=start.year, year__lte=end.year)
    if org is not None:
        paths = _lineage_paths(org)
        years_cy = years_cy.filter(members__in=org.lineage_ids())
        own = _under("launched_by__", paths)
        qs = Movement.objects.filter((own & in_period) | Q(pk__in=years_cy.values("movements"), launched_on__isnull=True)
                                     | Q(pk__in=years_cy.values("movements")) & in_period)
    else:
        qs = Movement.objects.filter(in_period | Q(pk__in=years_cy.values("movements"), launched_on__isnull=True))
    movements = list(qs.distinct().values("pk", "kind", "launched_on", "ends_on", "launched_by_id", "launched_by__kind"))
    # Cluster years carrying these movements: launched by the organiser or the chair → cluster/block scope.
    links = ClusterYear.movements.through.objects.filter(movement_id__in=[m["pk"] for m in movements]).values_list(
        "movement_id", "clusteryear__chair_id", "clusteryear__cluster__organised_by_id")
    cluster_launchers: dict[int, set[int]] = {}
    for movement_id, chair_id, organiser_id in links:
        cluster_launchers.setdefault(movement_id, set()).update({chair_id, organiser_id})
    out = []
    for m in movements:
        kind = m["launched_by__kind"]
        level = ("central" if kind in (K.STATE, K.CENTRAL) else
                 "ministry_province" if kind in (K.MINISTRY, K.PROVINCE) else "unit")
        if m["launched_by_id"] in cluster_launchers.get(m["pk"], ()):
            scope = "cluster_block"
        else:
            scope = {"central": "nationwide", "ministry_province": "ministry_locality", "unit": "unit"}[level]
        out.append(({"launch_level": level, "scope": scope, "kind": m["kind"],
                     "duration": movement_duration(m["launched_on"], m["ends_on"], m["kind"]),
                     "method": "regular" if m["kind"] == "regular" else "thematic"}, 1))
    return out


def emulation_body_facts(org, on) -> Facts:
    """Organisations doing emulation work (orgs.EmulationBody) in force on a day, in the organisation's subtree.
    tier: department (a body whose parent is not a body) | division. top_kind: ministry | province | other."""
    orgs = Organization.objects.valid_on(on)
    if org is not None:
        orgs = orgs.filter(_under("", _lineage_paths(org)))
    rows = list(EmulationBody.objects.filter(organization__in=orgs).values(
        "organization_id", "organization__parent_id", "organization__province__kind"))
    parents = {r["organization__parent_id"] for r in rows} - {None}
    bodies = set(EmulationBody.objects.filter(organization_id__in=parents).values_list("organization_id", flat=True))
    out = []
    for r in rows:
        top = r["organization__province__kind"]
        out.append(({"tier": "division" if r["organization__parent_id"] in bodies else "department",
                     "top_kind": top if top in ("ministry", "province") else "other"}, 1))
    return out


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for limit, band in ((30, "le30"), (40, "31_40"), (50, "41_50"), (55, "51_55"), (60, "56_60")):
        if age <= limit:
            return band
    return "gt60"


def seniority_band(years: int) -> str:
    return "lt5" if years < 5 else ("5_10" if years < 10 else "ge10")


def emulation_staff_facts(org, on) -> Facts:
    """Civil servants doing emulation work (orgs.EmulationOfficer) in post in the year of `on`, in the
    organisation's subtree: gender, age band and seniority (at the end of the period), training level."""
    qs = EmulationOfficer.objects.filter(since_year__lte=on.year).filter(
        Q(until_year__isnull=True) | Q(until_year__gte=on.year))
    if org is not None:
        qs = qs.filter(_under("person__organization__", _lineage_paths(org)))
    out = []
    for gender, birth_year, training, since in qs.values_list("person__gender", "person__birth_year", "training",
                                                              "since_year"):
        out.append(({"gender": gender, "age": age_band(on.year - birth_year if birth_year else None),
                     "training": training, "seniority": seniority_band(on.year - since)}, 1))
    return out
