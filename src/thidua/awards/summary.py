"""The award summary: counts of award records in force by (decision day, province, award type, recipient class,
basis, submitting office), so that the statistical forms 0602/0603 and the cluster dashboards read a few thousand
summary rows instead of millions of award records.

Why a summary table maintained by triggers, and not materialised views refreshed by jobs:
- A form is asked for any period (a quarter, five years, 15/03–14/09): a materialised view would have to keep the
  same day-level grain to answer it, so it is the same table, only refreshed late. Between two refreshes its figures
  would differ from the registry, whose rows are the figures' evidence; a figure must always match its records.
- Refreshing a view at national size (20 M records) recomputes everything (REFRESH … CONCURRENTLY re-reads the
  whole source) for every small change; the table changes by a few rows per award written.
- Triggers run in the transaction of every write, whatever wrote it: the services, the Excel imports, revocations,
  decisions whose day is corrected, the admin, bulk COPY. No write path can forget it, and a rolled-back write rolls
  the summary back with it. Merges of organisations and lineage need nothing: the summary keeps the province stored
  on each award record, and a province's lineage is resolved when it is read, exactly as the raw query does.
- SQLite and PostgreSQL both run it (row triggers on SQLite, statement triggers with transition tables on
  PostgreSQL, so a bulk load of a million rows costs one grouped upsert per statement, not a million).
- Materialised views exist on PostgreSQL only; the project runs on both.

What keeps it honest: `thidua rebuild_statistics` compares the summary with a raw GROUP BY of the award records
(`differences`) and reports and repairs any drift (`rebuild`), and the tests write awards by every path and compare.
Bulk loaders that switch triggers off (`session_replication_role = replica`: the generator, pg_restore
--disable-triggers) rebuild the provinces they loaded. `thidua restore` restores the table as it was backed up.

Traceability: every figure is the count of `thidua.reports.facts.awards_in_period(org, start, end)` grouped by
the same dimensions (the registry lists those records); `thidua.reports.summary_facts.award_period_facts` answers
from the summary only when it holds every dimension asked for and the area is a province, a ministry or the
country (`summary_rows` below selects the rows of a period). Smaller areas (a department,
a commune) select their units' subtree, which the summary does not carry; their raw query is small.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Q, Sum

from thidua.awards.models import (
    COLLECTIVE_CLASSES,
    INDIVIDUAL_CLASSES,
    PRIORITY_CLASSES,
    Award,
    AwardSummary,
    AwardType,
    RecipientClass,
)
from thidua.awards.statistics import CommendationCounts, counts_by
from thidua.orgs.models import TOP_LEVEL_KINDS, OrganizationKind
from thidua.orgs.scope import scope_for

TABLE = AwardSummary._meta.db_table
KEYS = ("signed_on", "province_id", "award_type_id", "recipient_class", "basis", "submitted_by_id", "grain")
_KEY_LIST = ", ".join(KEYS)
_CONFLICT = "province_id, signed_on, award_type_id, recipient_class, basis, submitted_by_id, grain"
_DAY_KEYS = ", ".join(KEYS[1:-1])
NOT_REVOKED = "NOT EXISTS (SELECT 1 FROM awards_revocation rv0 WHERE rv0.award_id = a.id)"

# ---------------------------------------------------------------------------
# Trigger SQL. A "source" is a SELECT of the summary keys of the award records a write adds or removes.
# ---------------------------------------------------------------------------


def _source(awards: str, decisions: str = "awards_decision d ON d.id = a.decision_id", day: str = "d.signed_on",
            where: str = "") -> str:
    return (f"SELECT {day} AS signed_on, a.province_id AS province_id, a.award_type_id AS award_type_id, "
            f"a.recipient_class AS recipient_class, a.basis AS basis, "
            f"COALESCE(a.submitted_by_id, 0) AS submitted_by_id FROM {awards} JOIN {decisions}"
            + (f" WHERE {where}" if where else ""))


def _year_start(vendor: str, column: str) -> str:
    return f"date_trunc('year', {column})::date" if vendor == "postgresql" else f"substr({column}, 1, 4) || '-01-01'"


def _grains(source: str, vendor: str) -> str:
    """Each award record counted twice: on its decision's day ("d") and in its decision's year ("y")."""
    return (f"SELECT signed_on, {_DAY_KEYS}, 'd' AS grain FROM ({source}) g UNION ALL "
            f"SELECT {_year_start(vendor, 'signed_on')} AS signed_on, {_DAY_KEYS}, 'y' AS grain FROM ({source}) g")


def _pg_change(source: str, sign: str) -> str:
    source = _grains(source, "postgresql")
    if sign == "+":
        return (f"INSERT INTO {TABLE} AS s ({_KEY_LIST}, n) SELECT {_KEY_LIST}, count(*) FROM ({source}) x "
                f"GROUP BY {_KEY_LIST} ORDER BY {_CONFLICT} "
                f"ON CONFLICT ({_CONFLICT}) DO UPDATE SET n = s.n + EXCLUDED.n;")
    match = " AND ".join(f"s.{k} = x.{k}" for k in KEYS)
    return (f"UPDATE {TABLE} s SET n = s.n - x.c FROM (SELECT {_KEY_LIST}, count(*) AS c FROM ({source}) y "
            f"GROUP BY {_KEY_LIST}) x WHERE {match};")


def _sqlite_change(source: str, sign: str) -> str:
    # Row triggers: the source is one award row's keys (a day and a year row). Both statements reach the summary
    # rows through its unique key (an upsert; a row-value IN), never by scanning the summary: a correlated EXISTS
    # on the summary read every summary row for each award written (20 s for the reference scenario's 26 000).
    source = _grains(source, "sqlite")
    if sign == "+":
        # WHERE true: SQLite's parser needs it before an upsert's ON CONFLICT after a SELECT … FROM.
        return (f"INSERT INTO {TABLE} ({_KEY_LIST}, n) SELECT {_KEY_LIST}, count(*) FROM ({source}) x WHERE true "
                f"GROUP BY {_KEY_LIST} ON CONFLICT ({_CONFLICT}) DO UPDATE SET n = n + excluded.n;")
    match = " AND ".join(f"x.{k} = {TABLE}.{k}" for k in KEYS)
    return (f"UPDATE {TABLE} SET n = n - (SELECT count(*) FROM ({source}) x WHERE {match}) "
            f"WHERE ({_KEY_LIST}) IN (SELECT {_KEY_LIST} FROM ({source}) x);")


_AWARD_COLS = ("id", "decision_id", "province_id", "award_type_id", "recipient_class", "basis", "submitted_by_id")


def _triggers(vendor: str) -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """(name, table, event, [(source, sign)…]) for each trigger, with the row sources written for the vendor."""
    if vendor == "postgresql":
        new_a, old_a = "new_rows a", "old_rows a"
        new_r, old_r = "new_rows", "old_rows"
        old_d, new_d = "old_rows", "new_rows"
    else:
        def row(prefix, cols):
            return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in cols) + ")"
        new_a, old_a = row("NEW", _AWARD_COLS) + " a", row("OLD", _AWARD_COLS) + " a"
        new_r, old_r = row("NEW", ("award_id",)), row("OLD", ("award_id",))
        old_d, new_d = row("OLD", ("id", "signed_on")), row("NEW", ("id", "signed_on"))
    revoked_new = _source(f"{new_r} rv JOIN awards_award a ON a.id = rv.award_id")
    revoked_old = _source(f"{old_r} rv JOIN awards_award a ON a.id = rv.award_id")
    moved = f"{old_d} d ON d.id = a.decision_id JOIN {new_d} nd ON nd.id = d.id AND nd.signed_on <> d.signed_on"
    return [
        ("awards_summary_award_insert", "awards_award", "INSERT", [(_source(new_a, where=NOT_REVOKED), "+")]),
        ("awards_summary_award_delete", "awards_award", "DELETE", [(_source(old_a, where=NOT_REVOKED), "-")]),
        ("awards_summary_award_update", "awards_award", "UPDATE",
         [(_source(old_a, where=NOT_REVOKED), "-"), (_source(new_a, where=NOT_REVOKED), "+")]),
        ("awards_summary_revocation_insert", "awards_revocation", "INSERT", [(revoked_new, "-")]),
        ("awards_summary_revocation_delete", "awards_revocation", "DELETE", [(revoked_old, "+")]),
        ("awards_summary_revocation_update", "awards_revocation", "UPDATE", [(revoked_old, "+"), (revoked_new, "-")]),
        ("awards_summary_decision_update", "awards_decision", "UPDATE",
         [(_source("awards_award a", moved, "d.signed_on", NOT_REVOKED), "-"),
          (_source("awards_award a", moved, "nd.signed_on", NOT_REVOKED), "+")]),
    ]


def install_triggers(conn=None) -> None:
    conn = conn or connection
    drop_triggers(conn)
    with conn.cursor() as c:
        for name, table, event, changes in _triggers(conn.vendor):
            if conn.vendor == "postgresql":
                body = "\n".join(_pg_change(src, sign) for src, sign in changes)
                c.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN\n{body}\n"
                          "RETURN NULL; END $$")
                refs = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
                        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}[event]
                c.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {refs} "
                          f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
            else:
                when = " WHEN OLD.signed_on <> NEW.signed_on" if table == "awards_decision" else ""
                # An award row's update counts only when a counted column changes: the row's sort keys are
                # written by an update of their own (thidua.awards.sort_keys, inside the insert), which would
                # otherwise be counted as the row leaving and entering before the insert itself was counted.
                if table == "awards_award" and event == "UPDATE":
                    event = "UPDATE OF " + ", ".join(_AWARD_COLS[1:])
                body = "\n".join(_sqlite_change(src, sign) for src, sign in changes)
                c.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} BEGIN\n{body}\nEND")


def drop_triggers(conn=None) -> None:
    conn = conn or connection
    with conn.cursor() as c:
        for name, table, _event, _changes in _triggers(conn.vendor):
            if conn.vendor == "postgresql":
                c.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                c.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                c.execute(f"DROP TRIGGER IF EXISTS {name}")


# ---------------------------------------------------------------------------
# Check and rebuild
# ---------------------------------------------------------------------------


def _raw_counts_sql(province_ids) -> tuple[str, list]:
    where = NOT_REVOKED
    if province_ids is not None:  # integers, written in the SQL (the source appears twice in it)
        where += f" AND a.province_id IN ({', '.join(str(int(i)) for i in sorted(province_ids)) or '0'})"
    params: list = []
    source = _grains(_source("awards_award a", where=where), connection.vendor)
    return f"SELECT {_KEY_LIST}, count(*) AS c FROM ({source}) y GROUP BY {_KEY_LIST}", params


@dataclass(frozen=True)
class Difference:
    signed_on: date
    province_id: int
    award_type_id: int
    recipient_class: str
    basis: str
    submitted_by_id: int
    grain: str
    summary: int
    records: int


def differences(province_ids=None, limit: int | None = None) -> list[Difference]:
    """Summary rows that disagree with a raw count of the award records in force (both sides grouped by the same
    keys; a key missing on one side counts 0 there). Empty: the summary is exact."""
    raw, params = _raw_counts_sql(province_ids)
    summary = f"SELECT {_KEY_LIST}, n FROM {TABLE} WHERE n <> 0"
    s_params: list = []
    if province_ids is not None:
        ids = sorted(province_ids) or [0]
        summary += f" AND province_id IN ({', '.join(['%s'] * len(ids))})"
        s_params = ids
    if connection.vendor == "sqlite":
        rows = _differences_compared_here(summary, s_params, raw, params)[:limit]
    else:
        on = " AND ".join(f"s.{k} = r.{k}" for k in KEYS)
        cols = ", ".join(f"COALESCE(s.{k}, r.{k})" for k in KEYS)
        sql = (f"SELECT {cols}, COALESCE(s.n, 0), COALESCE(r.c, 0) FROM ({summary}) s FULL OUTER JOIN ({raw}) r "
               f"ON {on} WHERE COALESCE(s.n, 0) <> COALESCE(r.c, 0) ORDER BY 7, 2, 1, 3, 4, 5, 6")
        if limit:
            sql += f" LIMIT {int(limit)}"
        with connection.cursor() as c:
            c.execute(sql, s_params + params)
            rows = c.fetchall()
    return [Difference(date.fromisoformat(r[0]) if isinstance(r[0], str) else r[0], *r[1:]) for r in rows]


def _differences_compared_here(summary: str, s_params: list, raw: str, params: list) -> list[tuple]:
    """SQLite: both sides read and compared by key here, in the order of the SQL (grain, province, day, then the
    other keys). SQLite has no index to join two grouped subqueries on seven columns (a nested loop: seconds on
    the reference scenario); its databases are small enough to read both sides. Keys are never NULL (no
    submitting office is 0)."""
    def key(row) -> tuple:  # the day as text on both sides (the summary's column comes back as a date)
        return (str(row[0]), *row[1:-1])

    with connection.cursor() as c:
        c.execute(summary, s_params)
        have = {key(r): r[-1] for r in c.fetchall()}
        c.execute(raw, params)
        counted = {key(r): r[-1] for r in c.fetchall()}
    rows = [(*k, have.get(k, 0), counted.get(k, 0)) for k in have.keys() | counted.keys()
            if have.get(k, 0) != counted.get(k, 0)]
    return sorted(rows, key=lambda r: (r[6], r[1], r[0], r[2], r[3], r[4], r[5]))


def rebuild(province_ids=None) -> int:
    """Recompute the summary (of some provinces, or all) from the award records, in one transaction that blocks
    award writes meanwhile (PostgreSQL). Returns the number of summary rows written."""
    raw, params = _raw_counts_sql(province_ids)
    with transaction.atomic(), connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("LOCK TABLE awards_award, awards_revocation, awards_decision IN SHARE MODE")
        if province_ids is None:
            c.execute(f"DELETE FROM {TABLE}")
        else:
            ids = sorted(province_ids) or [0]
            c.execute(f"DELETE FROM {TABLE} WHERE province_id IN ({', '.join(['%s'] * len(ids))})", ids)
        c.execute(f"INSERT INTO {TABLE} ({_KEY_LIST}, n) SELECT {_KEY_LIST}, c FROM ({raw}) r", params)
        return c.rowcount


# ---------------------------------------------------------------------------
# Reading: the dashboards' counts (the forms' facts: thidua.reports.summary_facts)
# ---------------------------------------------------------------------------

def summary_rows(org, start: date, end: date):
    """The summary rows of a period: whole calendar years from the yearly rows, the days around them from the
    daily rows (a year or five years read one row per key and year)."""
    first = start.year if start == date(start.year, 1, 1) else start.year + 1
    last = end.year if end == date(end.year, 12, 31) else end.year - 1
    if first > last:
        period = Q(grain="d", signed_on__gte=start, signed_on__lte=end)
    else:
        period = (Q(grain="y", signed_on__gte=date(first, 1, 1), signed_on__lte=date(last, 1, 1))
                  | Q(grain="d", signed_on__gte=start, signed_on__lt=date(first, 1, 1))
                  | Q(grain="d", signed_on__gt=date(last, 12, 31), signed_on__lte=end))
    qs = AwardSummary.objects.filter(period)
    if org is not None:
        qs = qs.filter(province_id__in=sorted(org.lineage_ids()))
    return qs


def commendation_counts_of(province_ids, year: int, level: str | None = None) -> CommendationCounts:
    """The dashboards' counts by recipient kind (and the priority share) of the award records in force of the
    provinces (with their lineage ids already expanded), decided in the calendar year, optionally of one level:
    the figures of `commendation_counts(awards_of(province_ids, year, level))`, from the summary."""
    qs = AwardSummary.objects.filter(province_id__in=sorted(province_ids), grain="y", signed_on=date(year, 1, 1))
    if level:
        qs = qs.filter(award_type_id__in=AwardType.objects.filter(level=level).values("pk"))
    by_class = dict(qs.values_list("recipient_class").annotate(total=Sum("n")).order_by())
    by_class = {k: v or 0 for k, v in by_class.items()}
    return CommendationCounts(
        collectives=sum(by_class.get(c, 0) for c in COLLECTIVE_CLASSES),
        individuals=sum(by_class.get(c, 0) for c in INDIVIDUAL_CLASSES),
        households=by_class.get(RecipientClass.HOUSEHOLD, 0),
        priority=sum(by_class.get(c, 0) for c in PRIORITY_CLASSES),
    )


def counts_by_decision_year(org, user) -> list[dict]:
    """[{"year", "count"}] of the award records in force of an organisation's area (with what merged into it) that
    the user may see, by the year of their decision, oldest first: what the registry lists filtered on the province
    and the year. A province or ministry whose records the user sees whole reads the summary's yearly rows (one
    GROUP BY over all its records took 0,7 s nationally); another area, or a partial view, groups its records."""
    lineage = org.lineage_ids()
    if org.kind in TOP_LEVEL_KINDS:
        scope = scope_for(user)
        if scope.is_global or lineage <= set(scope.provinces_only() or ()):
            rows = (AwardSummary.objects.filter(grain="y", province_id__in=sorted(lineage)).values("signed_on")
                    .annotate(total=Sum("n")).order_by("signed_on"))
            return [{"year": r["signed_on"].year, "count": r["total"]} for r in rows if r["total"]]
    awards = Award.objects.in_force().visible_to(user).filter(
        Q(province_id__in=lineage) if org.kind == OrganizationKind.PROVINCE else Q(unit__path__startswith=org.path))
    return [{"year": r["decision_year"], "count": r["count"]} for r in counts_by(awards, "decision_year")]
