"""Streams subject histories out of the database for the evaluator.

People are read in chunks (by id); each chunk costs a fixed number of set-based queries
(ratings, awards, initiatives, discipline, reviews), whatever its size, and memory holds one
chunk at a time. Collectives get their members' figures from grouped queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

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
from thidua.eligibility.engine import Result, RuleBook, evaluate_all
from thidua.eligibility.history import InitiativeFact, MemberStats, Subject, YearRecord
from thidua.eligibility.models import RuleOverride
from thidua.orgs.models import Organization, Person

# Ad hoc and thematic awards do not count toward merit titles (ND 152 art. 4).
NOT_COUNTING = (Basis.ADHOC, Basis.THEMATIC)
WARNING_AND_ABOVE = DISCIPLINE_ORDER[DISCIPLINE_ORDER.index(DisciplineLevel.WARNING):]


def rulebook(authority: Organization | None = None) -> RuleBook:
    rows = RuleOverride.objects.filter(active=True).filter(Q(authority__isnull=True) | Q(authority=authority))
    return RuleBook.builtin([r.as_rule() for r in rows])


def _discipline_years(starts_on: date, ends_on: date | None, first: int, last: int) -> range:
    return range(max(starts_on.year, first), min((ends_on or date(last, 12, 31)).year, last) + 1)


def _rec(subject: Subject, year: int) -> YearRecord:
    """The subject's record for a year, created on first use (not on every lookup)."""
    rec = subject.years.get(year)
    if rec is None:
        rec = subject.years[year] = YearRecord()
    return rec


class _Lookups:
    """Small tables read once per run (award codes) or once per chunk (decisions), so the
    big reads carry only ids and need no joins."""

    def __init__(self):
        self.codes = dict(AwardType.objects.values_list("pk", "code"))

    @staticmethod
    def decisions(ids) -> dict[int, str]:
        return {pk: f"QĐ {number} ngày {signed_on:%d/%m/%Y}"
                for pk, number, signed_on in Decision.objects.filter(pk__in=ids).values_list("pk", "number", "signed_on")}


def read_person_rows(lo: int, hi: int, first: int, last: int) -> dict[str, list]:
    """Every row the evaluation needs for people with lo ≤ id ≤ hi: index range scans, no joins."""
    return {
        "awards": list(Award.objects.filter(recipient_person__gte=lo, recipient_person__lte=hi, year__lte=last)
                       .exclude(basis__in=NOT_COUNTING).order_by()  # no sort: rows go into dicts
                       .values_list("pk", "recipient_person_id", "year", "award_type_id", "decision_id")),
        "revoked": set(Revocation.objects.filter(award__recipient_person__gte=lo, award__recipient_person__lte=hi)
                       .values_list("award_id", flat=True)),
        "ratings": list(Evaluation.objects.filter(person__gte=lo, person__lte=hi, year__range=(first, last))
                        .order_by().values_list("person_id", "year", "rating")),
        "initiatives": list(Initiative.objects.filter(person__gte=lo, person__lte=hi, year__range=(first, last))
                            .values_list("person_id", "year", "pk", "code", "scope", "kind",
                                         "used_for__award_type__code", "used_for__year")),
        "disciplines": list(Discipline.objects.filter(person__gte=lo, person__lte=hi, starts_on__year__lte=last)
                            .filter(Q(ends_on__isnull=True) | Q(ends_on__year__gte=first))
                            .values_list("person_id", "level", "starts_on", "ends_on")),
        "reviews": list(_open_reviews(Review.objects.filter(person__gte=lo, person__lte=hi), last)
                        .values_list("person_id", flat=True)),
    }


def _fill_person_records(subjects: dict[int, Subject], rows: dict[str, list], lookups: _Lookups,
                         first: int, last: int) -> None:
    revoked = rows["revoked"]
    awards = [r for r in rows["awards"] if r[1] in subjects and r[0] not in revoked]
    decisions = lookups.decisions({r[4] for r in awards})
    codes = lookups.codes
    for _pk, pid, year, type_id, decision_id in awards:
        s = subjects[pid]
        rec = s.years.get(year) or _rec(s, year)
        code = codes[type_id]
        rec.awards[code] = evidence = f"{code} ({decisions[decision_id]})"
        s.holds.setdefault(code, evidence)
    for pid, year, rating in rows["ratings"]:
        s = subjects.get(pid)
        if s is not None:
            rec = s.years.get(year)
            if rec is None:
                s.years[year] = YearRecord(rating)
            else:
                rec.rating = rating
    for pid, year, pk, code, scope, kind, used_code, used_year in rows["initiatives"]:
        if pid in subjects:
            used = f"{used_code}:{used_year}" if used_code else None
            _rec(subjects[pid], year).initiatives.append(
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


def iter_people(people: QuerySet[Person], year: int, lookback: int = 12, chunk_size: int = 5000) -> Iterator[Subject]:
    """People in chunks of consecutive ids: each chunk is a fixed number of range queries."""
    first, last_id, lookups = year - lookback, 0, _Lookups()
    base = people.order_by("pk").values_list("pk", "full_name", "gender")
    while True:
        chunk = list(base.filter(pk__gt=last_id)[:chunk_size])
        if not chunk:
            return
        subjects = {pk: Subject(id=str(pk), kind="individual", gender=g, name=n) for pk, n, g in chunk}
        _fill_person_records(subjects, read_person_rows(chunk[0][0], chunk[-1][0], first, year), lookups, first, year)
        yield from subjects.values()
        last_id = chunk[-1][0]


def iter_collectives(collectives: QuerySet[Organization], year: int, lookback: int = 12) -> Iterator[Subject]:
    """Organisations with members or a rating in the window, with their members' figures per year."""
    first = year - lookback
    ids = set(Membership.objects.filter(organization__in=collectives, year__range=(first, year))
              .values_list("organization_id", flat=True).distinct())
    ids |= set(Evaluation.objects.filter(organization__in=collectives, year__range=(first, year))
               .values_list("organization_id", flat=True).distinct())
    if not ids:
        return
    subjects = {o.pk: Subject(id=f"org-{o.pk}", kind="collective", name=o.name)
                for o in Organization.objects.filter(pk__in=ids).only("pk", "name")}
    for oid, y, rating in Evaluation.objects.filter(organization_id__in=ids, year__range=(first, year)).values_list(
            "organization_id", "year", "rating"):
        _rec(subjects[oid], y).rating = rating
    for oid, y, code, number, signed_on in (Award.objects.in_force().exclude(basis__in=NOT_COUNTING)
                                            .filter(recipient_org_id__in=ids, year__lte=year)
                                            .values_list("recipient_org_id", "year", "award_type__code",
                                                         "decision__number", "decision__signed_on")):
        rec = _rec(subjects[oid], y)
        rec.awards[code] = f"{code} (QĐ {number} ngày {signed_on:%d/%m/%Y})"
        subjects[oid].holds.setdefault(code, rec.awards[code])
    for row in member_stats(ids, first, year):
        subjects[row["organization_id"]].years.setdefault(row["year"], YearRecord()).members = MemberStats(
            count=row["n"], ldtt=row["n_ldtt"], complete=row["n_complete"], cstdcs=row["n_cstdcs"],
            disciplined=row["n_disciplined"], women=row["n_women"])
    for oid in _open_reviews(Review.objects.filter(organization_id__in=ids), year).values_list("organization_id", flat=True):
        _rec(subjects[oid], year).under_review = True
    yield from subjects.values()


def member_stats(org_ids, first: int, last: int) -> list[dict]:
    """Per collective and year: members, and how many are LĐTT, complete their tasks, CSTĐCS,
    disciplined at warning or above, women. One grouped query."""
    def has_award(code):
        return Exists(Award.objects.in_force().filter(recipient_person=OuterRef("person"), year=OuterRef("year"),
                                                      award_type__code=code))

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


def evaluate_database(year: int, people: QuerySet[Person] | None = None, collectives: QuerySet[Organization] | None = None,
                      awards: list[str] | None = None, authority: Organization | None = None,
                      chunk_size: int = 5000) -> Iterator[Result]:
    """Evaluate the requested awards (default all) for the given people and collectives."""
    book = rulebook(authority)
    auth = str(authority.pk) if authority else None
    ind_awards = [a for a in (awards or book.awards("individual")) if a in book.awards("individual")]
    col_awards = [a for a in (awards or book.awards("collective")) if a in book.awards("collective")]
    if people is not None and ind_awards:
        yield from evaluate_all(iter_people(people, year, chunk_size=chunk_size), year, book, ind_awards, auth)
    if collectives is not None and col_awards:
        yield from evaluate_all(iter_collectives(collectives, year), year, book, col_awards, auth)


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
# Parallel evaluation: the machine's cores each take a contiguous id range.
# ---------------------------------------------------------------------------

_PARALLEL_JOB: dict = {}


def compact(r: Result) -> tuple:
    """A small picklable summary of a result: (subject, award, eligible, conditions missing)."""
    return (r.subject, r.award, r.eligible, len(r.missing))


def as_dict(r: Result) -> dict:
    return r.as_dict()


def _evaluate_range(lo: int, hi: int, out) -> None:
    job = _PARALLEL_JOB
    people = job["people"].filter(pk__gte=lo, pk__lte=hi)
    rendered = [job["render"](r) for r in evaluate_database(job["year"], people, None, job["awards"],
                                                            job["authority"])]
    out.put(rendered)


def evaluate_people_parallel(year: int, people: QuerySet[Person], awards: list[str] | None = None,
                             authority: Organization | None = None, workers: int = 2, render=compact) -> list:
    """Evaluate people on `workers` processes (fork), each over a contiguous id range with its own
    database connection; returns `render(result)` for every result, in id order per range."""
    import multiprocessing

    from django.db import connections

    ids = list(people.order_by("pk").values_list("pk", flat=True))
    if workers <= 1 or len(ids) < 2 * workers:
        return [render(r) for r in evaluate_database(year, people, None, awards, authority)]
    size = -(-len(ids) // workers)
    ranges = [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]
    _PARALLEL_JOB.update(year=year, people=people, awards=awards, authority=authority, render=render)
    connections.close_all()  # children must open their own connections
    ctx = multiprocessing.get_context("fork")
    queues = [ctx.Queue() for _ in ranges]
    procs = [ctx.Process(target=_evaluate_range, args=(lo, hi, q)) for (lo, hi), q in zip(ranges, queues, strict=True)]
    for p in procs:
        p.start()
    results = []
    for p, q in zip(procs, queues, strict=True):
        results.extend(q.get())
        p.join()
        if p.exitcode:
            raise RuntimeError(f"eligibility worker failed with exit code {p.exitcode}")
    return results
