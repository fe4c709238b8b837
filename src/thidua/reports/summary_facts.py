"""The statistical forms' award facts read from the award summary (thidua.awards.summary): what
`facts.award_facts(facts.awards_in_period(org, start, end), dims)` counts from the records, in a few thousand
summary rows whatever the period. See thidua.awards.summary for why a trigger-kept table and how it is checked."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Sum

from thidua.awards.models import AwardType, recipient_kind_of
from thidua.awards.summary import summary_rows
from thidua.orgs.models import TOP_LEVEL_KINDS, Organization
from thidua.reports.facts import Facts, award_facts, awards_in_period

# Dimension → the summary column it comes from (award type attributes are looked up from the small catalogue).
_TYPE_ATTRS = {"level": "level", "report_group": "report_group", "award_type": "code", "category": "category",
               "granted_by": "granted_by"}
SUMMARY_DIMENSIONS = {*_TYPE_ATTRS, "recipient_class", "recipient_kind", "basis", "submitted_by_kind"}


def served(org, dimensions) -> bool:
    """Whether the summary answers these dimensions for this area (else the raw query does)."""
    return set(dimensions) <= SUMMARY_DIMENSIONS and (org is None or org.kind in TOP_LEVEL_KINDS)


def award_period_facts(org, start: date, end: date, dimensions) -> Facts:
    """Counts of the award records in force decided between two dates (inclusive) in an organisation's area
    (None: nationwide), grouped by the dimensions: what `award_facts(awards_in_period(org, start, end), dims)`
    returns, read from the summary when it can (a few thousand rows whatever the period)."""
    dims = set(dimensions)
    if not served(org, dims):
        return award_facts(awards_in_period(org, start, end), dims)
    cols = []
    if dims & set(_TYPE_ATTRS):
        cols.append("award_type_id")
    if dims & {"recipient_class", "recipient_kind"}:
        cols.append("recipient_class")
    if "basis" in dims:
        cols.append("basis")
    if "submitted_by_kind" in dims:
        cols.append("submitted_by_id")
    rows = list(summary_rows(org, start, end).values(*cols).annotate(total=Sum("n")).order_by())
    types = {}
    if "award_type_id" in cols:
        types = {t["pk"]: t for t in AwardType.objects.values("pk", *_TYPE_ATTRS.values())}
    kinds: dict[int, str] = {}
    if "submitted_by_id" in cols:
        ids = {r["submitted_by_id"] for r in rows} - {0}
        kinds = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "kind"))
    merged: dict[tuple, int] = defaultdict(int)
    for r in rows:
        if not r["total"]:
            continue
        facts = {}
        for d in dims:
            if d in _TYPE_ATTRS:
                facts[d] = types[r["award_type_id"]][_TYPE_ATTRS[d]]
            elif d == "recipient_class":
                facts[d] = r["recipient_class"]
            elif d == "recipient_kind":
                facts[d] = str(recipient_kind_of(r["recipient_class"]))
            elif d == "basis":
                facts[d] = r["basis"]
            elif d == "submitted_by_kind":
                facts[d] = kinds.get(r["submitted_by_id"])
        merged[tuple(sorted(facts.items()))] += r["total"]
    return [(dict(key), n) for key, n in merged.items()]
