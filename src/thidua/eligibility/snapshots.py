"""Eligibility snapshots: "Xét điều kiện" of a whole province or ministry for one award and year, computed by a
background job (the same `summarise` as the page, parallel over the cores as for any big area) and shown by the
page with its computation time.

Staleness: database triggers on the records the evaluation reads (award records and their revocations, ratings,
initiatives, discipline, reviews, memberships, people) mark stale, in the writing transaction, every snapshot whose
area holds the province of a written row, whatever wrote it (services, imports, bulk loads with triggers on). The
page then says the figures are from before that change and offers the recompute; the snapshot is never silently
recomputed inside a request. Marking is coarse on purpose (any year of the province): a year's eligibility reads
years of history, and one UPDATE of a few snapshot rows per statement is all it costs.
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.utils import timezone

from thidua.eligibility.loader import subtree
from thidua.eligibility.models import EligibilitySnapshot, EligibilitySnapshotArea
from thidua.orgs.scope import scope_for

SNAPSHOT_KIND = "eligibility.snapshot"
RECOMPUTE_ROLES = {"emulation_office", "central_board", "admin"}

SNAP = EligibilitySnapshot._meta.db_table
AREA = EligibilitySnapshotArea._meta.db_table

# Watched table → how a row names its province: a province column, a person, an organisation, an award.
WATCHED = {
    "awards_award": ("province_id",),
    "awards_revocation": ("award",),
    "awards_evaluation": ("person", "organization"),
    "awards_initiative": ("person", "organization"),
    "awards_review": ("person", "organization"),
    "awards_discipline": ("person",),
    "awards_membership": ("person", "organization"),
    "orgs_person": ("own_organization",),
}


def _provinces(rows: str, ways: tuple[str, ...]) -> str:
    parts = []
    for way in ways:
        if way == "province_id":
            parts.append(f"SELECT t.province_id FROM {rows} t")
        elif way == "award":
            parts.append(f"SELECT a.province_id FROM {rows} t JOIN awards_award a ON a.id = t.award_id")
        elif way == "person":
            parts.append(f"SELECT o.province_id FROM {rows} t JOIN orgs_person p ON p.id = t.person_id "
                         "JOIN orgs_organization o ON o.id = p.organization_id")
        elif way == "organization":
            parts.append(f"SELECT o.province_id FROM {rows} t JOIN orgs_organization o ON o.id = t.organization_id")
        elif way == "own_organization":
            parts.append(f"SELECT o.province_id FROM {rows} t JOIN orgs_organization o ON o.id = t.organization_id")
    return " UNION ".join(parts)


def _columns(ways: tuple[str, ...]) -> list[str]:
    cols = []
    for way in ways:
        cols.append({"province_id": "province_id", "award": "award_id", "person": "person_id",
                     "organization": "organization_id", "own_organization": "organization_id"}[way])
    return cols


def _mark(provinces: str, now: str) -> str:
    return (f"UPDATE {SNAP} SET stale_since = {now} WHERE stale_since IS NULL AND id IN "
            f"(SELECT snapshot_id FROM {AREA} WHERE province_id IN ({provinces}));")


def _trigger_names():
    for table in WATCHED:
        for event in ("INSERT", "UPDATE", "DELETE"):
            yield table, event, f"eligibility_stale_{table}_{event.lower()}"


def install_triggers(conn=None) -> None:
    conn = conn or connection
    drop_triggers(conn)
    with conn.cursor() as c:
        for table, event, name in _trigger_names():
            ways = WATCHED[table]
            if conn.vendor == "postgresql":
                sources = {"INSERT": ["new_rows"], "DELETE": ["old_rows"], "UPDATE": ["old_rows", "new_rows"]}[event]
                provinces = " UNION ".join(_provinces(s, ways) for s in sources)
                c.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN\n"
                          f"IF EXISTS (SELECT 1 FROM {SNAP} WHERE stale_since IS NULL) THEN\n"
                          f"{_mark(provinces, 'now()')}\nEND IF;\nRETURN NULL; END $$")
                refs = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows",
                        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}[event]
                c.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {refs} "
                          f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
            else:
                cols = sorted(set(_columns(ways)))
                prefixes = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}[event]
                provinces = " UNION ".join(
                    _provinces("(SELECT " + ", ".join(f"{p}.{col} AS {col}" for col in cols) + ")", ways)
                    for p in prefixes)
                c.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                          f"WHEN EXISTS (SELECT 1 FROM {SNAP} WHERE stale_since IS NULL) BEGIN\n"
                          f"{_mark(provinces, 'CURRENT_TIMESTAMP')}\nEND")


def drop_triggers(conn=None) -> None:
    conn = conn or connection
    with conn.cursor() as c:
        for table, _event, name in _trigger_names():
            if conn.vendor == "postgresql":
                c.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                c.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                c.execute(f"DROP TRIGGER IF EXISTS {name}")


def mark_stale(province_ids) -> int:
    """For writers that switch triggers off (bulk loads): mark stale the snapshots reading these provinces."""
    ids = EligibilitySnapshotArea.objects.filter(province_id__in=list(province_ids)).values("snapshot_id")
    return EligibilitySnapshot.objects.filter(pk__in=ids, stale_since__isnull=True).update(stale_since=timezone.now())


# ---------------------------------------------------------------------------
# Who may ask for a recompute, and the computation itself (run by the job)
# ---------------------------------------------------------------------------


def may_recompute(user, org) -> bool:
    """The province's (ministry's) emulation office, the Central Board and administrators; read-only roles
    (auditor, council member) and unit officers see the snapshot but do not start the work."""
    scope = scope_for(user)
    if scope.user_id is None or org is None:
        return False
    if scope.is_superuser or scope.roles & {"central_board", "admin"}:
        return True
    return "emulation_office" in scope.roles and org.pk in scope.lineage_ids


def snapshot_for(org, year: int, award: str) -> EligibilitySnapshot | None:
    if org is None:
        return None
    return EligibilitySnapshot.objects.filter(organization=org, year=year, award_code=award).first()


def compute(org, year: int, award: str, *, progress=None, job=None) -> EligibilitySnapshot:
    """Evaluate every person and collective of the organisation (and what merged into it) and store the page's
    summary. The rows read are those committed when the work starts; a write during the work marks the stored
    result stale again (the mark is cleared at the start, not at the end)."""
    from thidua.eligibility.views import summarise  # the page's function (views import this module)

    lineage = sorted(org.lineage_ids())
    with transaction.atomic():
        snap, _created = EligibilitySnapshot.objects.get_or_create(organization=org, year=year, award_code=award)
        EligibilitySnapshotArea.objects.filter(snapshot=snap).delete()
        EligibilitySnapshotArea.objects.bulk_create([EligibilitySnapshotArea(snapshot=snap, province_id=p)
                                                     for p in lineage])
        EligibilitySnapshot.objects.filter(pk=snap.pk).update(stale_since=None)
    started = time.monotonic()
    people, collectives = subtree(org)
    summary, _lines = summarise(year, award, org, people, collectives, progress=progress)
    seconds = time.monotonic() - started
    EligibilitySnapshot.objects.filter(pk=snap.pk).update(
        summary=summary, evaluated=summary["evaluated"], computed_at=timezone.now(), seconds=seconds, job=job)
    snap.refresh_from_db()
    return snap
