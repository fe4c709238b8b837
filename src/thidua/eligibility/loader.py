"""Streams subject histories out of the database for the evaluator.

People are read in chunks (by id); each chunk costs a fixed number of set-based queries
(ratings, awards, initiatives, discipline, reviews), whatever its size, and memory holds one
chunk at a time. Collectives get their members' figures from grouped queries.

Speed (the national-scale benchmark, bench/bench_eligibility.py): rows come as plain tuples in one fetch per
query (`_fetch`), each table goes into the year records in one pass with a few dict operations a row,
one chunk is alive at a time, decisions are read and their evidence text formatted once per chunk, and
the garbage collector is paused while a chunk is built and evaluated (`gc_paused`). The evaluator answers with compiled "met only" functions
and builds the checks of a result when they are read. `evaluate_rendered` shares the people of a
big area out between the cores.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import signal
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from thidua.awards.models import (
    DISCIPLINE_ORDER,
    Award,
    AwardType,
    Basis,
    Decision,
    Discipline,
    DisciplineLevel,
    Evaluation,
    Initiative,
    Membership,
    Rating,
    Review,
    Revocation,
)
from thidua.eligibility.engine import Result, RuleBook, evaluate, evaluate_all, evaluator
from thidua.eligibility.history import ALIASES, InitiativeFact, MemberStats, Subject, YearRecord, canonical
from thidua.eligibility.labels import award_vi
from thidua.eligibility.models import RuleOverride
from thidua.emulation.models import ClusterYear
from thidua.emulation.scoring import score_sheet
from thidua.orgs.models import Organization, OrganizationKind, Person

# Ad hoc and thematic awards do not count toward merit titles (ND 152 art. 4).
NOT_COUNTING = (Basis.ADHOC, Basis.THEMATIC)
# Years of history read before the year considered (the longest run a rule looks at is 6 to 10 years).
LOOKBACK = 12
WARNING_AND_ABOVE = DISCIPLINE_ORDER[DISCIPLINE_ORDER.index(DisciplineLevel.WARNING):]


def rulebook(authority: Organization | None = None) -> RuleBook:
    rows = RuleOverride.objects.filter(active=True).filter(Q(authority__isnull=True) | Q(authority=authority))
    return RuleBook.builtin([r.as_rule() for r in rows])


def _discipline_years(starts_on: date, ends_on: date | None, first: int, last: int) -> range:
    return range(max(starts_on.year, first), min((ends_on or date(last, 12, 31)).year, last) + 1)


# Loaded records share one empty initiatives tuple (most years have none); `_add_initiative` gives a
# record its own list when it gets one.
NONE: tuple = ()


def _rec(subject: Subject, year: int) -> YearRecord:
    """The subject's record for a year, created on first use (not on every lookup)."""
    rec = subject.years.get(year)
    if rec is None:
        rec = subject.years[year] = YearRecord(None, None, NONE)
    return rec


def _loaded_subject(sid: str, kind: str, gender: str | None, name: str) -> Subject:
    """A subject to fill from the database: every award read goes into its year and into `holds`, so
    the codes in `holds` are its award codes (`Subject.award_codes`, which the evaluator needs; the
    dict itself, which stays picklable, unlike a keys view)."""
    holds = {}
    return Subject(sid, kind, gender, name, {}, holds, None, holds)


def _add_initiative(rec: YearRecord, fact: InitiativeFact) -> None:
    if rec.initiatives:
        rec.initiatives.append(fact)
    else:
        rec.initiatives = [fact]


class _Lookups:
    """Small tables read once per run (award codes) or once per chunk and decision (its evidence text),
    so the big reads carry only ids and need no joins.

    `iter_people_chunks` starts each chunk with `forget()`: keeping the decisions from chunk to chunk
    (a national run names over 100,000) made the later chunks slower (their objects scattered among the
    long-lived texts; one-core CPU +10% at 4M rows) by more than reading a chunk's few thousand again
    costs."""

    CACHE_LIMIT = 50_000  # decisions kept within a chunk (a chunk of people names a few thousand)

    def __init__(self):
        # Armed-forces names read as the titles the rules name (Chiến sĩ tiên tiến → LĐTT).
        self.codes = {pk: canonical(code) for pk, code in AwardType.objects.values_list("pk", "code")}
        self._decisions: dict[int, str] = {}
        self._evidence: dict[tuple[int, int], tuple[str, str]] = {}

    def forget(self) -> None:
        self._evidence.clear()
        self._decisions.clear()

    @staticmethod
    def decisions(ids) -> dict[int, str]:
        return {pk: f"QĐ {number} ngày {signed_on:%d/%m/%Y}"
                for pk, number, signed_on in Decision.objects.filter(pk__in=ids).order_by()
                .values_list("pk", "number", "signed_on")}

    def evidence(self, awards: list[tuple]) -> dict[tuple[int, int], tuple[str, str]]:
        """(award type id, decision id) → (code, "CODE (QĐ … ngày …)"), for every award row given
        (rows: pk, person, year, type, decision). A decision is read and its text formatted once per run,
        however many people it names."""
        cache = self._evidence
        pairs = {(r[3], r[4]) for r in awards}.difference(cache)
        if pairs and len(cache) + len(pairs) > self.CACHE_LIMIT:  # memory stays bounded over a national run
            cache.clear()
            self._decisions.clear()
            pairs = {(r[3], r[4]) for r in awards}
        if pairs:
            decisions = self._decisions
            unknown = {d for _t, d in pairs}.difference(decisions)
            if unknown:
                decisions.update(self.decisions(unknown))
            codes = self.codes
            for type_id, decision_id in pairs:
                code = codes[type_id]
                cache[type_id, decision_id] = (code, f"{award_vi(code)} ({decisions[decision_id]})")
        return cache


def _fetch(qs: QuerySet) -> list[tuple]:
    """The rows of a `values_list` queryset in one fetch, where no value needs converting (ids, years,
    codes): Django would fetch them 100 at a time and pass each row through its iterators. Otherwise
    (converters, or columns added for the ordering), the queryset as usual.

    (Django 5.2 selects a `values_list`'s columns in the order asked, as `ValuesListIterable` does; it
    also fills `annotation_col_map` for plain fields, so that map says nothing about the order.)"""
    compiler = qs.query.get_compiler(qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return []
    if compiler.has_extra_select or compiler.get_converters([col for col, _sql, _alias in compiler.select]):
        return list(qs)
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def person_queries(lo: int, hi: int, first: int, last: int) -> dict[str, QuerySet]:
    """The queries of every row the evaluation needs for people with lo ≤ id ≤ hi (index range scans;
    award rows carry ids, their codes and decisions come from `_Lookups`). The benchmark's floor reads
    these same rows and columns."""
    return {
        "awards": Award.objects.filter(recipient_person__gte=lo, recipient_person__lte=hi, year__lte=last)
        .exclude(basis__in=NOT_COUNTING).order_by()  # no sort: rows go into dicts
        .values_list("pk", "recipient_person_id", "year", "award_type_id", "decision_id"),
        "revoked": Revocation.objects.filter(award__recipient_person__gte=lo, award__recipient_person__lte=hi)
        .order_by().values_list("award_id", flat=True),
        "ratings": Evaluation.objects.filter(person__gte=lo, person__lte=hi, year__range=(first, last))
        .order_by().values_list("person_id", "year", "rating", "on_maternity_leave"),
        "initiatives": Initiative.objects.filter(person__gte=lo, person__lte=hi, year__range=(first, last))
        .order_by().values_list("person_id", "year", "pk", "code", "scope", "kind", "used_for__award_type__code",
                                "used_for__year"),
        "disciplines": Discipline.objects.filter(person__gte=lo, person__lte=hi, starts_on__year__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__year__gte=first)).order_by()
        .values_list("person_id", "level", "starts_on", "ends_on"),
        "reviews": _open_reviews(Review.objects.filter(person__gte=lo, person__lte=hi), last).order_by()
        .values_list("person_id", flat=True),
    }


def read_person_rows(lo: int, hi: int, first: int, last: int) -> dict[str, list]:
    """Every row the evaluation needs for people with lo ≤ id ≤ hi (see `person_queries`)."""
    q = person_queries(lo, hi, first, last)
    return {
        "awards": _fetch(q["awards"]),
        "revoked": set(q["revoked"]),
        "ratings": _fetch(q["ratings"]),
        "initiatives": _fetch(q["initiatives"]),
        "disciplines": list(q["disciplines"]),
        "reviews": list(q["reviews"]),
    }


_gc_lock = threading.Lock()
_gc_state = {"depth": 0, "was_enabled": False}


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while a chunk is read, filled and evaluated.

    A chunk makes hundreds of thousands of objects (rows, year records, results) that stay alive until
    the chunk is done and hold no reference cycles; collections during that time only walk them again
    and again (a quarter of the loader's time). The sections paused run no caller code (results are
    yielded after), so nothing else is left without collection; paused sections may nest or run in
    several threads: the collector comes back when the last one ends, if it was on."""
    with _gc_lock:
        if _gc_state["depth"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["depth"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["depth"] -= 1
            if _gc_state["depth"] == 0 and _gc_state["was_enabled"]:
                gc.enable()


def _fill_person_records(subjects: dict[int, Subject], rows: dict[str, list], lookups: _Lookups,
                         first: int, last: int) -> None:
    """The chunk's rows into its subjects' year records: one pass per table, a few dict operations a row."""
    with gc_paused():
        _fill(subjects, rows, lookups, first, last)


def _fill(subjects: dict[int, Subject], rows: dict[str, list], lookups: _Lookups, first: int, last: int) -> None:
    # Ratings first: one per person and year (a unique constraint), so each simply creates its year's record.
    for pid, year, rating, maternity in rows["ratings"]:
        s = subjects.get(pid)
        if s is not None:
            s.years[year] = YearRecord(rating, None, NONE, None, False, None, bool(maternity))
    revoked, awards = rows["revoked"], rows["awards"]
    evidence = lookups.evidence(awards)
    for pk, pid, year, type_id, decision_id in awards:  # in the order read: `holds` keeps the first
        s = subjects.get(pid)
        if s is None or pk in revoked:
            continue
        rec = s.years.get(year)
        if rec is None:
            rec = s.years[year] = YearRecord(None, None, NONE)
        code, text = evidence[type_id, decision_id]
        rec.awards[code] = text
        if code not in s.holds:
            s.holds[code] = text
    for pid, year, pk, code, scope, kind, used_code, used_year in rows["initiatives"]:
        if pid in subjects:
            used = f"{used_code}:{used_year}" if used_code else None
            _add_initiative(_rec(subjects[pid], year),
                            InitiativeFact(id=code or f"SK-{pk}", scope=scope, kind=kind, used_for=used))
    for pid, level, starts_on, ends_on in rows["disciplines"]:
        if pid not in subjects:
            continue
        for y in _discipline_years(starts_on, ends_on, first, last):
            rec = _rec(subjects[pid], y)
            if rec.discipline is None or DISCIPLINE_ORDER.index(level) > DISCIPLINE_ORDER.index(rec.discipline):
                rec.discipline = level
    for pid in rows["reviews"]:
        if pid in subjects:
            _rec(subjects[pid], last).under_review = True


def _open_reviews(reviews: QuerySet, year: int) -> QuerySet:
    """Reviews open at the end of the year: they block that year."""
    end = date(year, 12, 31)
    return reviews.filter(opened_on__lte=end).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))


def iter_people(people: QuerySet[Person], year: int, lookback: int = LOOKBACK, chunk_size: int = 5000) -> Iterator[Subject]:
    """People in chunks of consecutive ids: each chunk is a fixed number of range queries."""
    for chunk in iter_people_chunks(people, year, lookback, chunk_size):
        yield from chunk


def iter_people_chunks(people: QuerySet[Person], year: int, lookback: int = LOOKBACK,
                       chunk_size: int = 5000) -> Iterator[list[Subject]]:
    """The people's histories, a chunk of consecutive ids at a time (see `iter_people`)."""
    first, last_id, lookups = year - lookback, 0, _Lookups()
    base = people.order_by("pk").values_list("pk", "full_name", "gender")
    while True:
        with gc_paused():
            chunk = list(base.filter(pk__gt=last_id)[:chunk_size])
            if not chunk:
                return
            subjects = {pk: _loaded_subject(str(pk), "individual", g, n) for pk, n, g in chunk}
            lookups.forget()
            _fill_person_records(subjects, read_person_rows(chunk[0][0], chunk[-1][0], first, year), lookups,
                                 first, year)
        last_id = chunk[-1][0]
        out, subjects, chunk = list(subjects.values()), None, None
        yield out
        out = None  # the caller's chunk is freed before the next one is built (see evaluate_database)


def iter_collectives(collectives: QuerySet[Organization], year: int, lookback: int = LOOKBACK,
                     every: bool = False) -> Iterator[Subject]:
    """Organisations with members or a rating in the window (`every`: all those given, even without records, as
    when checking a cluster's proposals), with their members' figures per year."""
    first = year - lookback
    ids = set(Membership.objects.filter(organization__in=collectives, year__range=(first, year))
              .values_list("organization_id", flat=True).distinct())
    ids |= set(Evaluation.objects.filter(organization__in=collectives, year__range=(first, year))
               .values_list("organization_id", flat=True).distinct())
    if every:
        ids |= set(collectives.values_list("pk", flat=True))
    if not ids:
        return
    subjects = {o.pk: _loaded_subject(f"org-{o.pk}", "collective", None, o.name)
                for o in Organization.objects.filter(pk__in=ids).only("pk", "name")}
    for oid, y, rating in Evaluation.objects.filter(organization_id__in=ids, year__range=(first, year)).values_list(
            "organization_id", "year", "rating"):
        _rec(subjects[oid], y).rating = rating
    for oid, y, code, number, signed_on in (Award.objects.in_force().exclude(basis__in=NOT_COUNTING)
                                            .filter(recipient_org_id__in=ids, year__lte=year)
                                            .values_list("recipient_org_id", "year", "award_type__code",
                                                         "decision__number", "decision__signed_on")):
        rec = _rec(subjects[oid], y)
        code = canonical(code)
        rec.awards[code] = f"{award_vi(code)} (QĐ {number} ngày {signed_on:%d/%m/%Y})"
        subjects[oid].holds.setdefault(code, rec.awards[code])
    for row in member_stats(ids, first, year):
        subjects[row["organization_id"]].years.setdefault(row["year"], YearRecord()).members = MemberStats(
            count=row["n"], ldtt=row["n_ldtt"], complete=row["n_complete"], cstdcs=row["n_cstdcs"],
            disciplined=row["n_disciplined"], women=row["n_women"])
    for oid in _open_reviews(Review.objects.filter(organization_id__in=ids), year).values_list("organization_id", flat=True):
        _rec(subjects[oid], year).under_review = True
    for (oid, y), level in cluster_leads(ids, first, year).items():
        _rec(subjects[oid], y).led = level
    yield from subjects.values()


def check_proposals(cluster_year) -> list[tuple]:
    """The award proposals of a cluster year (the flags and certificates its conference proposes), each with the
    engine's result for the proposed member, the award and the cluster's year: (proposal, Result), in the
    proposals' order. A proposal whose award has no rule for collectives in force gets the "no rule" result."""
    proposals = list(cluster_year.proposals.select_related("organization", "award_type"))
    if not proposals:
        return []
    book = rulebook()
    year = cluster_year.year
    subjects = {s.id: s for s in iter_collectives(
        Organization.objects.filter(pk__in={p.organization_id for p in proposals}), year, every=True)}
    out = []
    for p in proposals:
        subject = subjects[f"org-{p.organization_id}"]
        out.append((p, evaluate(subject, p.award_type.code, year, book)))
    return out


def cluster_leads(org_ids, first: int, last: int) -> dict[tuple[int, int], str]:
    """(collective, year) → "central" or "internal" for each collective that led an emulation cluster or block
    that year: ranked first (a shared first place counts for each) with a score above zero in the cluster
    year's own score sheet. "central": a cluster organised by the Central Council (Law art. 25.2); "internal":
    one organised by a ministry or province (arts. 25.1, 26). Eligibility and emulation are the same layer:
    this reads the emulation records, emulation never imports eligibility."""
    ids = set(org_ids)
    out: dict[tuple[int, int], str] = {}
    years = (ClusterYear.objects.filter(year__range=(first, last), members__in=ids).distinct()
             .select_related("cluster__organised_by"))
    for cy in years:
        level = "central" if cy.cluster.organised_by.kind in (OrganizationKind.CENTRAL, OrganizationKind.STATE) \
            else "internal"
        for row in score_sheet(cy).rows:
            if row.rank == 1 and row.total > 0 and row.member.pk in ids:
                if out.get((row.member.pk, cy.year)) != "central":  # a central lead outranks a provincial one
                    out[row.member.pk, cy.year] = level
    return out


def member_stats(org_ids, first: int, last: int) -> list[dict]:
    """Per collective and year: members, and how many are LĐTT, complete their tasks, CSTĐCS,
    disciplined at warning or above, women. One grouped query."""
    def has_award(code):
        codes = [code, *(alias for alias, same in ALIASES.items() if same == code)]  # Chiến sĩ tiên tiến = LĐTT
        return Exists(Award.objects.in_force().filter(recipient_person=OuterRef("person"), year=OuterRef("year"),
                                                      award_type__code__in=codes))

    disciplined = Exists(Discipline.objects.filter(
        person=OuterRef("person"), level__in=WARNING_AND_ABOVE, starts_on__year__lte=OuterRef("year")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__year__gte=OuterRef("year"))))
    complete = Exists(Evaluation.objects.filter(person=OuterRef("person"), year=OuterRef("year"),
                                                rating__in=[Rating.HTXS, Rating.HTT, Rating.HT]))
    return list(
        Membership.objects.filter(organization_id__in=org_ids, year__range=(first, last))
        .annotate(is_ldtt=has_award("LDTT"), is_cstdcs=has_award("CSTDCS"), is_complete=complete, is_disc=disciplined)
        .values("organization_id", "year")
        .annotate(n=Count("pk"), n_ldtt=Count("pk", filter=Q(is_ldtt=True)), n_cstdcs=Count("pk", filter=Q(is_cstdcs=True)),
                  n_complete=Count("pk", filter=Q(is_complete=True)), n_disciplined=Count("pk", filter=Q(is_disc=True)),
                  n_women=Count("pk", filter=Q(person__gender="female")))
        .order_by()
    )


_EVALUATE_BATCH = 500  # people evaluated at a time (a caller that stops early has not paid for the chunk)


def evaluate_database(year: int, people: QuerySet[Person] | None = None, collectives: QuerySet[Organization] | None = None,
                      awards: list[str] | None = None, authority: Organization | None = None,
                      chunk_size: int = 5000) -> Iterator[Result]:
    """Evaluate the requested awards (default all) for the given people and collectives."""
    book = rulebook(authority)
    auth = str(authority.pk) if authority else None
    ind_awards = _individual_awards(book, awards)
    col_awards = [a for a in (awards or book.awards("collective")) if canonical(a) in book.awards("collective")]
    if people is not None and ind_awards:
        run = evaluator(year, book, ind_awards, auth)
        chunks = iter_people_chunks(people, year, chunk_size=chunk_size)
        while (chunk := next(chunks, None)) is not None:
            for i in range(0, len(chunk), _EVALUATE_BATCH):
                with gc_paused():  # results made with no caller code running (see gc_paused)
                    results = run(chunk[i:i + _EVALUATE_BATCH])
                yield from results
            # Drop this chunk (unless the caller keeps its results) before the next is built: one chunk
            # in memory, not two, and the next one's objects go where this one's were (the time per
            # chunk grew along a national run while two chunks were alive at a time).
            chunk = results = None
    if collectives is not None and col_awards:
        yield from evaluate_all(iter_collectives(collectives, year), year, book, col_awards, auth)


def _individual_awards(book: RuleBook, awards: list[str] | None) -> list[str]:
    return [a for a in (awards or book.awards("individual")) if canonical(a) in book.awards("individual")]


def subtree(org: Organization | None, user=None) -> tuple[QuerySet[Person], QuerySet[Organization]]:
    """People and collectives under an organisation (and what merged into it), within the user's scope."""
    people, orgs = Person.objects.all(), Organization.objects.all()
    if user is not None:
        people, orgs = people.visible_to(user), orgs.visible_to(user)
    if org is not None:
        paths = Organization.objects.filter(pk__in=org.lineage_ids()).values_list("path", flat=True)
        q_people, q_orgs = Q(pk__in=[]), Q(pk__in=[])
        for p in paths:
            q_people |= Q(organization__path__startswith=p)
            q_orgs |= Q(path__startswith=p)
        people, orgs = people.filter(q_people), orgs.filter(q_orgs)
    return people, orgs


# ---------------------------------------------------------------------------
# Parallel evaluation: the machine's cores each take a contiguous id range of the people.
# ---------------------------------------------------------------------------

PARALLEL_MIN_PEOPLE = 10_000  # below this, forking and connecting cost more than a second core saves
_BATCH = 10_000  # rendered results per message from a worker
_POLL = 1.0  # seconds between two looks at whether a silent worker is still alive


def compact(r: Result) -> tuple:
    """A small picklable summary of a result: (subject, award, eligible, conditions missing)."""
    return (r.subject, r.award, r.eligible, r.missing_count)


def as_dict(r: Result) -> dict:
    return r.as_dict()


def default_workers() -> int:
    """THIDUA_ELIGIBILITY_WORKERS if set (1: never fork), else the cores this process may use."""
    if os.environ.get("THIDUA_ELIGIBILITY_WORKERS", "").isdigit():
        return max(1, int(os.environ["THIDUA_ELIGIBILITY_WORKERS"]))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Worker processes are forked only where that is safe: a POSIX fork, a single-threaded process
    (the CLI, a gunicorn sync worker; not the threaded development server), no open transaction
    (workers have their own connections and would not see its rows) and no in-memory SQLite."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1 \
            or multiprocessing.current_process().daemon:  # a daemonic process may not have children
        return False
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return False
    return not any(c.in_atomic_block for c in connections.all(initialized_only=True))


def _id_ranges(people: QuerySet[Person], workers: int, min_people: int) -> list[tuple[int, int]] | None:
    """`workers` contiguous id ranges with the same number of people each, or None when one process
    should do it all."""
    if workers <= 1 or not can_fork():
        return None
    ids = list(people.order_by("pk").values_list("pk", flat=True))
    if len(ids) < max(min_people, 2 * workers):
        return None
    return split_ids(ids, workers)


def split_ids(ids: list[int], parts: int) -> list[tuple[int, int]]:
    """Sorted ids cut into at most `parts` contiguous (first, last) ranges of (nearly) equal counts."""
    size = -(-len(ids) // parts)
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def _rendered(results: Iterator[Result], render) -> Iterator:
    for r in results:
        out = render(r)
        if out is not None:
            yield out


def _evaluate_range(year: int, people: QuerySet[Person], lo: int, hi: int, awards, authority) -> Iterator[Result]:
    return evaluate_database(year, people.filter(pk__gte=lo, pk__lte=hi), None, awards, authority)


def _worker(year: int, people: QuerySet[Person], lo: int, hi: int, awards, authority, render, out) -> None:
    """In a forked process: evaluate the id range, send the rendered results in batches, then None
    (done) or the traceback (failed)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the forking server's handler: `terminate` must end it
    try:
        batch = []
        for item in _rendered(_evaluate_range(year, people, lo, hi, awards, authority), render):
            batch.append(item)
            if len(batch) >= _BATCH:
                out.put(batch)
                batch = []
        if batch:
            out.put(batch)
        out.put(None)
    except BaseException:  # noqa: BLE001 — reported to the parent, which raises it
        out.put(traceback.format_exc())
    finally:
        connections.close_all()


def _receive(proc, queue_) -> Iterator[list]:
    """The batches a worker sends, until it says done; an error if it failed or died."""
    while True:
        try:
            item = queue_.get(timeout=_POLL)
        except queue.Empty:
            if proc.is_alive():
                continue
            try:  # it may have ended just after sending its last message
                item = queue_.get(timeout=_POLL)
            except queue.Empty:
                raise RuntimeError(f"eligibility worker ended without its results (exit code {proc.exitcode})") from None
        if item is None:
            return
        if isinstance(item, str):
            raise RuntimeError(f"eligibility worker failed:\n{item}")
        yield item


def evaluate_rendered(year: int, people: QuerySet[Person] | None = None,
                      collectives: QuerySet[Organization] | None = None, awards: list[str] | None = None,
                      authority: Organization | None = None, render=compact, workers: int | None = None,
                      min_people: int = PARALLEL_MIN_PEOPLE) -> Iterator:
    """`render(result)` for every result of `evaluate_database(...)`, in the same order (results
    rendered as None are left out). From `min_people` people up, where forking is safe (`can_fork`),
    the people are shared out in contiguous id ranges between `workers` processes (default: the
    cores): this process evaluates the first range and streams it while forked workers evaluate the
    others, each with its own connection, and send their rendered results back in batches. `render`
    must return something picklable; the forked workers inherit it (no pickling of the function)."""
    ranges = None
    if people is not None and _individual_awards(rulebook(authority), awards):
        ranges = _id_ranges(people, workers or default_workers(), min_people)
    if ranges is None:
        yield from _rendered(evaluate_database(year, people, collectives, awards, authority), render)
        return
    connections.close_all()  # the workers must not share this process's connection; it reopens when used
    ctx = multiprocessing.get_context("fork")
    procs = []
    try:
        for lo, hi in ranges[1:]:
            q = ctx.Queue()
            proc = ctx.Process(target=_worker, daemon=True, args=(year, people, lo, hi, awards, authority, render, q))
            proc.start()
            procs.append((proc, q))
        lo, hi = ranges[0]
        yield from _rendered(_evaluate_range(year, people, lo, hi, awards, authority), render)
        for proc, q in procs:
            for batch in _receive(proc, q):
                yield from batch
            proc.join()
    finally:
        for proc, _q in procs:
            if proc.is_alive():
                proc.terminate()
                proc.join(5)
                if proc.is_alive():
                    proc.kill()
            proc.join()
    if collectives is not None:
        yield from _rendered(evaluate_database(year, None, collectives, awards, authority), render)


def evaluate_people_parallel(year: int, people: QuerySet[Person], awards: list[str] | None = None,
                             authority: Organization | None = None, workers: int = 2, render=compact) -> list:
    """Evaluate people on `workers` processes (see `evaluate_rendered`), each over a contiguous id range
    with its own database connection; returns `render(result)` for every result, in id order."""
    return list(evaluate_rendered(year, people, None, awards, authority, render, workers, min_people=0))
