"""Two copies kept on each award row so that the registry's sorts and filters are index ranges of the award table
alone: `award_type_rank` (the rank of its award type: the sort "by award type") and `decision_year` (the year its
decision was signed: the filter "decision year"). Read through a join, PostgreSQL can only sort or filter after
reading the award rows, and at national size (20 M records) the sort by award type took 25–30 s and the decision
year filter with the year sort 8–19 s; on the row, an index (award_rank_name_id, award_dyear_year_name_id) answers a
page.

Who keeps them: the code that writes awards sets them (`fill`, from the award type and decision it holds: Award.save,
bulk_record_awards, the generator's COPY), and database triggers make them right whatever wrote the row (the admin, a
restore, raw SQL) and follow the sources when an award type's rank or a decision's day is corrected. On PostgreSQL
a BEFORE row trigger sets them on every insert; on SQLite (no BEFORE-trigger assignment) an AFTER trigger corrects a
row only when they differ, which the code's own writes never do. A row whose award type or decision is not there yet
(foreign keys are checked at commit) keeps the values it was given; a restore (thidua.lib.backup) puts the rows back
as they were backed up, with these triggers suspended like the summary's.

`fill_existing` writes them on rows already there (the migration), in batches of ids, each batch its own
transaction: on a national table one UPDATE of 20 M rows would hold its locks and WAL for the whole run.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection as default_connection

# (name, table, event) of every trigger, for dropping them.
_PG_TRIGGERS = [
    ("awards_award_sort_keys", "awards_award"),
    ("awards_awardtype_sort_keys", "awards_awardtype"),
    ("awards_decision_sort_keys", "awards_decision"),
]
_SQLITE_TRIGGERS = ["awards_award_sort_keys_insert", "awards_award_sort_keys_update",
                    "awards_awardtype_sort_keys", "awards_decision_sort_keys"]

_PG_SQL = [
    """CREATE FUNCTION awards_award_sort_keys() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        NEW.award_type_rank := coalesce((SELECT t.rank FROM awards_awardtype t WHERE t.id = NEW.award_type_id),
                                        NEW.award_type_rank);
        NEW.decision_year := coalesce((SELECT extract(year FROM d.signed_on)::int FROM awards_decision d
                                       WHERE d.id = NEW.decision_id), NEW.decision_year);
        RETURN NEW; END $$""",
    # Not on updates of the copies themselves: those come from the two triggers below, the decision's before its
    # new day is stored (this one would read the old day back).
    """CREATE TRIGGER awards_award_sort_keys BEFORE INSERT OR UPDATE OF award_type_id, decision_id
        ON awards_award FOR EACH ROW EXECUTE FUNCTION awards_award_sort_keys()""",
    """CREATE FUNCTION awards_awardtype_sort_keys() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE awards_award SET award_type_rank = NEW.rank WHERE award_type_id = NEW.id;
        RETURN NULL; END $$""",
    """CREATE TRIGGER awards_awardtype_sort_keys AFTER UPDATE OF rank ON awards_awardtype FOR EACH ROW
        WHEN (OLD.rank IS DISTINCT FROM NEW.rank) EXECUTE FUNCTION awards_awardtype_sort_keys()""",
    # BEFORE the decision changes: the award summary's statement trigger, fired by this nested update of the award
    # rows, then reads the decision's old day on both sides (no change), and the decision's own summary trigger
    # moves the counts once. Fired after, it would count them into the new day before that trigger did too.
    """CREATE FUNCTION awards_decision_sort_keys() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE awards_award SET decision_year = extract(year FROM NEW.signed_on)::int WHERE decision_id = NEW.id;
        RETURN NEW; END $$""",
    """CREATE TRIGGER awards_decision_sort_keys BEFORE UPDATE OF signed_on ON awards_decision FOR EACH ROW
        WHEN (extract(year FROM OLD.signed_on) IS DISTINCT FROM extract(year FROM NEW.signed_on))
        EXECUTE FUNCTION awards_decision_sort_keys()""",
]

_SQLITE_RANK = "(SELECT t.rank FROM awards_awardtype t WHERE t.id = NEW.award_type_id)"
_SQLITE_YEAR = "(SELECT CAST(strftime('%Y', d.signed_on) AS INTEGER) FROM awards_decision d WHERE d.id = NEW.decision_id)"
_SQLITE_FIX = (f"WHEN NEW.award_type_rank IS NOT {_SQLITE_RANK} OR NEW.decision_year IS NOT {_SQLITE_YEAR} BEGIN "
               f"UPDATE awards_award SET award_type_rank = coalesce({_SQLITE_RANK}, award_type_rank), "
               f"decision_year = coalesce({_SQLITE_YEAR}, decision_year) WHERE id = NEW.id; END")
_SQLITE_SQL = [
    f"CREATE TRIGGER awards_award_sort_keys_insert AFTER INSERT ON awards_award FOR EACH ROW {_SQLITE_FIX}",
    f"CREATE TRIGGER awards_award_sort_keys_update AFTER UPDATE OF award_type_id, decision_id ON awards_award "
    f"FOR EACH ROW {_SQLITE_FIX}",
    "CREATE TRIGGER awards_awardtype_sort_keys AFTER UPDATE OF rank ON awards_awardtype FOR EACH ROW "
    "WHEN OLD.rank IS NOT NEW.rank BEGIN "
    "UPDATE awards_award SET award_type_rank = NEW.rank WHERE award_type_id = NEW.id; END",
    "CREATE TRIGGER awards_decision_sort_keys AFTER UPDATE OF signed_on ON awards_decision FOR EACH ROW "
    "WHEN strftime('%Y', OLD.signed_on) IS NOT strftime('%Y', NEW.signed_on) BEGIN "
    "UPDATE awards_award SET decision_year = CAST(strftime('%Y', NEW.signed_on) AS INTEGER) "
    "WHERE decision_id = NEW.id; END",
]


def install_triggers(conn=None) -> None:
    conn = conn or default_connection
    drop_triggers(conn)
    with conn.cursor() as c:
        for sql in (_PG_SQL if conn.vendor == "postgresql" else _SQLITE_SQL):
            c.execute(sql)


def drop_triggers(conn=None) -> None:
    conn = conn or default_connection
    with conn.cursor() as c:
        if conn.vendor == "postgresql":
            for name, table in _PG_TRIGGERS:
                c.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                c.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            for name in _SQLITE_TRIGGERS:
                c.execute(f"DROP TRIGGER IF EXISTS {name}")


def fill(awards: Iterable) -> None:
    """Set the copies on unsaved award instances from their award type and decision (those already loaded on the
    instance; the others read in one query each)."""
    from thidua.awards.models import AwardType, Decision

    awards = list(awards)
    type_ids = {a.award_type_id for a in awards if not _cached(a, "award_type")}
    decision_ids = {a.decision_id for a in awards if not _cached(a, "decision")}
    ranks = dict(AwardType.objects.filter(pk__in=type_ids).values_list("pk", "rank")) if type_ids else {}
    days = dict(Decision.objects.filter(pk__in=decision_ids).values_list("pk", "signed_on")) if decision_ids else {}
    for a in awards:
        a.award_type_rank = a.award_type.rank if _cached(a, "award_type") else ranks.get(a.award_type_id, 0)
        day = a.decision.signed_on if _cached(a, "decision") else days.get(a.decision_id)
        a.decision_year = day.year if day else 0


def _cached(award, relation: str) -> bool:
    return award._meta.get_field(relation).is_cached(award)


def fill_existing(batch: int = 200_000, conn=None, progress=None) -> int:
    """Write the copies on every award row whose copies differ from their sources, `batch` ids at a time, each
    batch committed on its own (call outside a transaction). Returns the rows changed.

    On PostgreSQL the session skips the triggers while it does (session_replication_role = replica, when the role
    may): the award summary's statement trigger would subtract and re-add every row, and the copies are what this
    writes. Rows written meanwhile by the application get theirs from the triggers."""
    conn = conn or default_connection
    changed = 0
    with conn.cursor() as c:
        c.execute("SELECT min(id), max(id) FROM awards_award")
        low, high = c.fetchone()
        if low is None:
            return 0
        replica = False
        if conn.vendor == "postgresql":
            try:
                c.execute("SET session_replication_role = replica")
                replica = True
            except Exception:  # not a superuser: the triggers run, the result is the same
                pass
        try:
            for start in range(low, high + 1, batch):
                end = start + batch - 1
                if conn.vendor == "postgresql":
                    c.execute(
                        "UPDATE awards_award a SET award_type_rank = t.rank, "
                        "decision_year = extract(year FROM d.signed_on)::int "
                        "FROM awards_awardtype t, awards_decision d "
                        "WHERE a.id BETWEEN %s AND %s AND t.id = a.award_type_id AND d.id = a.decision_id "
                        "AND (a.award_type_rank IS DISTINCT FROM t.rank "
                        "OR a.decision_year IS DISTINCT FROM extract(year FROM d.signed_on)::int)", [start, end])
                else:
                    rank = "(SELECT t.rank FROM awards_awardtype t WHERE t.id = awards_award.award_type_id)"
                    year = ("(SELECT CAST(strftime('%%Y', d.signed_on) AS INTEGER) FROM awards_decision d "
                            "WHERE d.id = awards_award.decision_id)")
                    c.execute(f"UPDATE awards_award SET award_type_rank = {rank}, decision_year = {year} "
                              f"WHERE id BETWEEN %s AND %s AND (award_type_rank IS NOT {rank} "
                              f"OR decision_year IS NOT {year})", [start, end])
                changed += max(c.rowcount, 0)
                if progress:
                    progress(end - low + 1, high - low + 1, changed)
        finally:
            if replica:
                c.execute("SET session_replication_role = origin")
        if conn.vendor == "postgresql" and changed:
            c.execute("ANALYZE awards_award")  # the planner's statistics of the new columns (the filter's estimate)
    return changed
