"""The statistical forms' award facts read from the award summary (thidua.awards.summary): what
`facts.award_facts(facts.awards_in_period(org, start, end), dims)` counts from the records, in a few thousand
summary rows whatever the period. See thidua.awards.summary for why a trigger-kept table and how it is checked."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import connections
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
        grouped = summary_rows(org, start, end).values(*cols, "submitted_by_id").annotate(total=Sum("n")).order_by()
        rows = _by_submitting_kind(grouped, cols)
    else:
        rows = summary_rows(org, start, end).values_list(*cols).annotate(total=Sum("n")).order_by()
    types = {}
    if "award_type_id" in cols:
        types = {t["pk"]: t for t in AwardType.objects.values("pk", *_TYPE_ATTRS.values())}
    # Each dimension's value from a row (a tuple: the columns, [the submitting office's kind], the count).
    at = {c: i for i, c in enumerate(cols)}
    kind_at = len(cols)
    getters = []
    for d in sorted(dims):
        if d in _TYPE_ATTRS:
            getters.append((d, lambda r, a=_TYPE_ATTRS[d], i=at["award_type_id"]: types[r[i]][a]))
        elif d in ("recipient_class", "basis"):
            getters.append((d, lambda r, i=at[d]: r[i]))
        elif d == "recipient_kind":
            getters.append((d, lambda r, i=at["recipient_class"]: str(recipient_kind_of(r[i]))))
        elif d == "submitted_by_kind":
            getters.append((d, lambda r, i=kind_at: r[i]))
    merged: dict[tuple, int] = defaultdict(int)
    for r in rows:
        if r[-1]:
            merged[tuple((d, get(r)) for d, get in getters)] += r[-1]
    return [(dict(key), n) for key, n in merged.items()]


def _by_submitting_kind(rows, cols: list[str]) -> list[tuple]:
    """The summary's grouped rows regrouped by the kind of their submitting office, in the database: the offices
    are thousands (a row per office and key, five times as many for five years), their kinds a handful. On the
    queryset's database (the replica while reports are read, thidua.core.replica)."""
    sql, params = rows.query.sql_with_params()
    keep = "".join(f'x."{c}", ' for c in cols)
    with connections[rows.db].cursor() as cursor:
        cursor.execute(f"SELECT {keep}o.kind, SUM(x.total) FROM ({sql}) x "
                       f"LEFT JOIN {Organization._meta.db_table} o ON o.id = x.submitted_by_id "
                       f"GROUP BY {keep}o.kind", params)
        return cursor.fetchall()
