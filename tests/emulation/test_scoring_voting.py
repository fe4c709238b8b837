"""Formula scoring, ranking and tie-breaks; the tally (threshold, quorum, tie rounds); the services' refusals
and ballot secrecy, on the reference scenario's 2018 year (run through the machinery) and the 2019 year."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import user
from thidua.core.models import AuditEvent
from thidua.emulation import services
from thidua.emulation.models import (
    ClusterYear,
    Criterion,
    CriterionKind,
    Proposal,
    Score,
    ScoreRound,
    SealedBallot,
    VoteCandidate,
    VoteKind,
    VoteParticipation,
    VoteSession,
)
from thidua.emulation.scoring import MemberScore, formula_points, rank, score_sheet
from thidua.emulation.statistics import indicator_summaries
from thidua.emulation.voting import needed, tally
from thidua.orgs.models import Organization

pytestmark = pytest.mark.django_db


def crit(max_points="10", rate=None, cap=None, kind=CriterionKind.INDICATOR):
    return Criterion(code="X", name="x", kind=kind, max_points=Decimal(max_points),
                     bonus_per_percent=Decimal(rate) if rate else None, bonus_cap=Decimal(cap) if cap else None)


# ----------------------------------------------------------------------------- formula


@pytest.mark.parametrize("pct, rate, cap, expected", [
    ("100", None, None, ("10.00", "0.00")),       # full points at 100%
    ("87.5", None, None, ("8.75", "0.00")),       # proportional below
    ("0", None, None, ("0.00", "0.00")),
    (None, None, None, ("0.00", "0.00")),         # not reported
    ("130", None, None, ("10.00", "0.00")),       # no bonus configured: capped at the maximum
    ("104.3", "0.2", "2", ("10.00", "0.86")),     # 4.3 points above plan × 0.2
    ("121", "0.2", "2", ("10.00", "2.00")),       # 21 × 0.2 = 4.2, capped at 2
    ("121", "0.2", None, ("10.00", "4.20")),      # no cap
])
def test_formula_points(pct, rate, cap, expected):
    points, bonus = formula_points(crit(rate=rate, cap=cap), Decimal(pct) if pct is not None else None)
    assert (points, bonus) == (Decimal(expected[0]), Decimal(expected[1]))


def row(name, indicator="0", manual="0", bonus="0", penalty="0"):
    """A MemberScore with one cell per kind (final = the given points)."""
    from thidua.emulation.scoring import Cell

    cells = {}
    for i, (kind, value) in enumerate([(CriterionKind.INDICATOR, indicator), (CriterionKind.MANUAL, manual),
                                       (CriterionKind.BONUS, bonus), (CriterionKind.PENALTY, penalty)]):
        c = Cell(Criterion(pk=i + 1, code=str(i), name="", kind=kind, max_points=Decimal(100)))
        if kind == CriterionKind.INDICATOR:
            c.computed = Decimal(value)
        else:
            c.final_stored = Decimal(value)
        cells[i + 1] = c
    return MemberScore(Organization(name=name), cells)


def test_ranking_and_each_tie_break():
    rows = rank([
        row("A", indicator="20", manual="60"),                         # 80
        row("B", indicator="25", manual="55"),                         # 80, more indicator points → before A
        row("C", indicator="20", manual="61", penalty="1"),            # 80, same indicator points as A, a penalty → after A
        row("D", indicator="20", manual="59", bonus="1"),              # 80, like A on 2 and 3, more bonus → before A
        row("E", indicator="20", manual="59", bonus="1"),              # identical to D → shares its rank
        row("F", indicator="30", manual="60"),                         # 90 → first
    ])
    assert [(r.member.name, r.rank) for r in rows] == [("F", 1), ("B", 2), ("D", 3), ("E", 3), ("A", 5), ("C", 6)]
    assert [r.total for r in rows] == [Decimal(90)] + [Decimal(80)] * 5
    assert not rows[0].tie_broken and all(r.tie_broken for r in rows[1:])


@pytest.mark.integration
def test_scenario_ranking_is_computed_from_the_stored_scores(cluster_year_2018):
    sheet = score_sheet(cluster_year_2018)
    percent = {(s.indicator.code, m.member.pk): m.percent_of_plan
               for s in indicator_summaries(cluster_year_2018) for m in s.members}
    cao_bang = sheet.rows[0]
    # Recompute Cao Bằng's total independently from the rows.
    expected = Decimal(0)
    for c in sheet.leaves:
        if c.kind == CriterionKind.INDICATOR:
            pct = percent[(c.indicator.code, cao_bang.member.pk)]
            base = c.max_points * min(pct, Decimal(100)) / 100
            extra = min((pct - 100) * c.bonus_per_percent, c.bonus_cap) if c.bonus_per_percent and pct > 100 else 0
            expected += round(base, 2) + round(Decimal(extra), 2)
        else:
            final = Score.objects.filter(criterion=c, member=cao_bang.member, round=ScoreRound.FINAL).first()
            cross = list(Score.objects.filter(criterion=c, member=cao_bang.member, round=ScoreRound.CROSS)
                         .values_list("points", flat=True))
            value = final.points if final else round(sum(cross) / len(cross), 2)
            expected += -value if c.kind == CriterionKind.PENALTY else value
    assert cao_bang.member.name == "Cao Bằng" and cao_bang.total == expected
    assert sheet.max_total == sum(c.max_points for c in sheet.leaves if c.kind in ("manual", "indicator")) == 100
    assert [r.rank for r in sheet.rows] == sorted(r.rank for r in sheet.rows)
    # The chair's override differs from the cross mean and carries its reason.
    dien_bien = next(r for r in sheet.rows if r.member.name == "Điện Biên")
    b4 = next(c for c in dien_bien.cells.values() if c.criterion.code == "B4")
    assert b4.differs_from_cross and b4.final == Decimal(17) and "minh chứng" in b4.final_reason


@pytest.mark.integration
def test_scenario_outcomes_come_from_the_ballots(cluster_year_2018):
    """Cao Bằng (flag), Lai Châu and Lào Cai (certificate), Lai Châu chair and Sơn La deputy for 2019."""
    sessions = {s.kind: s for s in cluster_year_2018.vote_sessions.all()}
    assert set(sessions) == {VoteKind.FLAG, VoteKind.CERTIFICATE, VoteKind.CHAIR, VoteKind.DEPUTY}
    for s in sessions.values():
        assert s.is_closed and s.ballots_cast == 7 == s.participations.count() == s.sealed_ballots.count()
        # The demo's ballots went through the sealed path: a recount from them gives the stored totals.
        assert services.recount_vote(user("caobang"), s).matches
    flag = tally(sessions[VoteKind.FLAG])
    assert [o.name for o in flag.elected] == ["Cao Bằng"] == [score_sheet(cluster_year_2018).rows[0].member.name]
    assert sorted(o.name for o in tally(sessions[VoteKind.CERTIFICATE]).elected) == ["Lai Châu", "Lào Cai"]
    proposals = {(p.organization.name, p.award_type.code, p.vote_session.kind) for p in Proposal.objects.filter(
        cluster_year=cluster_year_2018)}
    assert proposals == {("Cao Bằng", "CO_CP", "flag"), ("Lai Châu", "BK_TTG", "certificate"),
                         ("Lào Cai", "BK_TTG", "certificate")}
    nxt = ClusterYear.objects.get(cluster=cluster_year_2018.cluster, year=2019)
    assert (nxt.chair.name, nxt.deputy.name) == ("Lai Châu", "Sơn La")
    assert [o.name for o in tally(sessions[VoteKind.CHAIR]).elected] == ["Lai Châu"]
    h = cluster_year_2018.cluster.flag_handovers.get()
    assert (h.from_org.name, h.to_org.name) == ("Cao Bằng", "Lai Châu")
    assert nxt.pact.signatures.count() == 7


# ----------------------------------------------------------------------------- tally


@pytest.mark.parametrize("n, pct, strict, expected", [(7, 50, True, 4), (8, 50, True, 5), (8, 50, False, 4),
                                                       (10, 80, False, 8), (9, 90, False, 9), (7, Decimal("66.67"),
                                                                                              False, 5)])
def test_needed(n, pct, strict, expected):
    assert needed(n, Decimal(pct), strict) == expected


def fake_session(votes: dict[str, int], *, seats=1, cast=7, electorate=7):
    s = VoteSession(kind=VoteKind.CERTIFICATE, seats=seats, electorate=electorate, ballots_cast=cast,
                    threshold_percent=Decimal(50), threshold_strict=True, quorum_percent=Decimal(50),
                    quorum_strict=True)
    return s, [VoteCandidate(organization=Organization(name=k), votes=v) for k, v in votes.items()]


@pytest.mark.parametrize("votes, seats, cast, elected, tied, seats_open", [
    ({"A": 5, "B": 2}, 1, 7, ["A"], [], 0),
    ({"A": 3, "B": 3, "C": 1}, 1, 7, [], ["A", "B"], 1),           # nobody over half, leaders level: new round
    ({"A": 3, "B": 2, "C": 2}, 1, 7, [], [], 0),                   # nobody over half, one leader: no winner
    ({"A": 4, "B": 4}, 1, 7, [], ["A", "B"], 1),                   # both over half, one seat: new round
    ({"A": 6, "B": 5, "C": 5}, 2, 7, ["A"], ["B", "C"], 1),         # tie for the last seat
    ({"A": 6, "B": 5, "C": 4}, 2, 7, ["A", "B"], [], 0),
    ({"A": 6, "B": 1}, 1, 3, [], [], 0),                           # 3 of 7 ballots: no quorum, nobody elected
])
def test_tally(votes, seats, cast, elected, tied, seats_open):
    session, candidates = fake_session(votes, seats=seats, cast=cast)
    t = tally(session, candidates)
    assert [o.name for o in t.elected] == elected
    assert [o.name for o in t.tied] == tied
    assert t.seats_open == seats_open
    assert t.quorum_met == (cast >= 4)


# ----------------------------------------------------------------------------- services on a live session


@pytest.fixture
def cy2018(cluster_year_2018):
    return cluster_year_2018


def org(name):
    """A member of the 2018 cluster (before the 2025 mergers) by name."""
    return ClusterYear.objects.get(year=2018, cluster__code="C1-MNBG").members.get(name=name)


VOTERS = {"Hà Giang": "hagiang", "Cao Bằng": "caobang", "Lạng Sơn": "langson", "Lào Cai": "laocai",
          "Lai Châu": "laichau", "Điện Biên": "dienbien", "Sơn La": "sonla"}


def open_session(cy, candidates, seats=1, kind=VoteKind.CERTIFICATE, minutes=30, **kw):
    now = timezone.now()
    # A second certificate vote (e.g. an extra proposal) is allowed; flag/chair/deputy already have results.
    return services.open_vote(user("caobang"), cy, kind=kind, candidates=[org(c) for c in candidates], seats=seats,
                              opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(minutes=minutes), **kw)


@pytest.mark.integration
def test_ballot_secrecy_double_vote_window_and_hidden_results(cy2018):
    session = open_session(cy2018, ["Sơn La", "Hà Giang"])
    before_audit = AuditEvent.objects.count()
    services.cast_ballot(user("sonla"), session, org("Sơn La"), [org("Hà Giang")])
    services.cast_ballot(user("hagiang"), session, org("Hà Giang"), [org("Sơn La")])
    services.cast_ballot(user("laichau"), session, org("Lai Châu"), [])  # a blank ballot
    # Secrecy: no table holds a member next to a choice. Look at every row of every model that points at the
    # session or a candidate, and at the audit rows written by the ballots.
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields() if f.concrete}
        if model is VoteParticipation:
            assert names == {"id", "session", "member"}
        elif model is SealedBallot:
            assert names == {"id", "session", "sealed"}  # no member, no time
        elif model is VoteCandidate:
            assert names == {"id", "session", "organization", "votes"}
        elif model is VoteSession:
            assert "member" not in names and "choice" not in names
    # Nothing is counted while the session is open: the counters stay 0, the tally is refused, and the three
    # sealed ballots (one choice, one choice, blank) have the same length.
    session.refresh_from_db()
    assert (session.ballots_cast, session.blank_ballots) == (0, 0)
    assert set(session.candidates.values_list("votes", flat=True)) == {0}
    with pytest.raises(ValidationError, match="khi phiên bỏ phiếu kết thúc"):
        tally(session)
    assert len({len(bytes(b)) for b in session.sealed_ballots.values_list("sealed", flat=True)}) == 1
    assert session.sealed_ballots.count() == 3
    events = AuditEvent.objects.order_by("pk")[before_audit:]
    for e in events:
        text = f"{e.object_repr} {e.before} {e.after} {e.reason}"
        assert e.object_type == "emulation.voteparticipation"
        assert "Hà Giang" not in text or e.object_repr.startswith("Hà Giang")  # names only the voter
        assert e.after is None and e.before is None
    # Double vote, wrong member, non-candidate, too many choices: refused, nothing changes.
    counts = lambda: (list(session.candidates.order_by("pk").values_list("votes", flat=True)),  # noqa: E731
                      VoteParticipation.objects.filter(session=session).count(), session.sealed_ballots.count())
    snapshot = counts()
    with pytest.raises(ValidationError, match="đã bỏ phiếu"):
        services.cast_ballot(user("sonla"), session, org("Sơn La"), [org("Sơn La")])
    with pytest.raises(PermissionDenied, match="không thay mặt"):
        services.cast_ballot(user("sonla"), session, org("Điện Biên"), [org("Sơn La")])
    with pytest.raises(ValidationError, match="ứng viên của phiên"):
        services.cast_ballot(user("dienbien"), session, org("Điện Biên"), [org("Lai Châu")])
    with pytest.raises(ValidationError, match="nhiều hơn"):
        services.cast_ballot(user("dienbien"), session, org("Điện Biên"), [org("Sơn La"), org("Hà Giang")])
    assert counts() == snapshot
    # Outside the window: too late (closed by the chair) and too early (a session opening tomorrow).
    services.close_vote(user("caobang"), session)
    session.refresh_from_db()
    assert (session.ballots_cast, session.blank_ballots) == (3, 1)
    assert sorted(session.candidates.values_list("organization__name", "votes")) == [("Hà Giang", 1), ("Sơn La", 1)]
    snapshot = counts()
    with pytest.raises(ValidationError, match="đã đóng"):
        services.cast_ballot(user("dienbien"), session, org("Điện Biên"), [org("Sơn La")])
    later = services.open_vote(user("caobang"), cy2018, kind=VoteKind.CERTIFICATE, candidates=[org("Sơn La")],
                               opens_at=timezone.now() + timedelta(days=1),
                               closes_at=timezone.now() + timedelta(days=1, hours=1))
    with pytest.raises(ValidationError, match="chưa mở"):
        services.cast_ballot(user("dienbien"), later, org("Điện Biên"), [org("Sơn La")])
    assert counts() == snapshot and later.participations.count() == 0
    # 3 ballots of 7 members: no quorum, nobody elected, no proposal.
    assert not tally(session).quorum_met and not session.proposals.exists()


@pytest.mark.integration
def test_tie_round_among_the_tied(cy2018):
    session = open_session(cy2018, ["Sơn La", "Hà Giang", "Điện Biên"])
    ballots = {"hagiang": "Sơn La", "caobang": "Sơn La", "langson": "Hà Giang", "laocai": "Hà Giang",
               "laichau": "Điện Biên", "dienbien": "Điện Biên", "sonla": "Hà Giang"}
    for voter, choice in ballots.items():
        member = next(k for k, v in VOTERS.items() if v == voter)
        services.cast_ballot(user(voter), session, org(member), [org(choice)])
    result = services.close_vote(user("caobang"), session)
    assert result.elected == [] and not result.tied  # Hà Giang 3 of 7: below "more than half", no tie at the top
    # A tie at the top: a new session where two get 3 each.
    s2 = open_session(cy2018, ["Sơn La", "Hà Giang", "Điện Biên"])
    for voter, choice in {"hagiang": "Sơn La", "caobang": "Sơn La", "langson": "Sơn La", "laocai": "Hà Giang",
                          "laichau": "Hà Giang", "dienbien": "Hà Giang", "sonla": "Điện Biên"}.items():
        member = next(k for k, v in VOTERS.items() if v == voter)
        services.cast_ballot(user(voter), s2, org(member), [org(choice)])
    r2 = services.close_vote(user("caobang"), s2)
    assert sorted(o.name for o in r2.tied) == ["Hà Giang", "Sơn La"] and r2.needs_new_round
    with pytest.raises(ValidationError):
        services.open_tie_round(user("caobang"), session, opens_at=timezone.now(),
                                closes_at=timezone.now() + timedelta(minutes=5))
    now = timezone.now()
    s3 = services.open_tie_round(user("caobang"), s2, opens_at=now - timedelta(seconds=1),
                                 closes_at=now + timedelta(minutes=5))
    assert s3.round == 2 and s3.previous == s2
    assert sorted(s3.candidates.values_list("organization__name", flat=True)) == ["Hà Giang", "Sơn La"]
    before = Proposal.objects.count()
    for voter in ("hagiang", "caobang", "langson", "laocai", "laichau"):
        member = next(k for k, v in VOTERS.items() if v == voter)
        services.cast_ballot(user(voter), s3, org(member), [org("Sơn La")])
    r3 = services.close_vote(user("caobang"), s3)
    assert [o.name for o in r3.elected] == ["Sơn La"]
    assert Proposal.objects.count() == before + 1 and Proposal.objects.get(vote_session=s3).organization.name == "Sơn La"


@pytest.mark.integration
def test_refusals_change_nothing(cy2018):
    criterion = cy2018.criteria.get(code="B1")
    score_count, audit_denied = Score.objects.count(), AuditEvent.objects.filter(action="denied").count()
    # Scoring after the lock.
    with pytest.raises(ValidationError, match="đã khóa"):
        services.score(user("caobang"), cy2018, member=org("Cao Bằng"), criterion=criterion, round=ScoreRound.SELF,
                       points=10)
    # A member that is not the chair cannot lock or open votes; an outsider is not a member.
    with pytest.raises(PermissionDenied, match="Chỉ cụm trưởng"):
        services.open_vote(user("laichau"), cy2018, kind=VoteKind.CERTIFICATE, candidates=[org("Sơn La")],
                           opens_at=timezone.now(), closes_at=timezone.now() + timedelta(minutes=5))
    # Rotation: the 2018 chair cannot stand for chair again.
    nxt = services.next_year(cy2018)
    with pytest.raises(ValidationError):
        services.open_vote(user("caobang"), cy2018, kind=VoteKind.CHAIR, candidates=[org("Cao Bằng")],
                           opens_at=timezone.now(), closes_at=timezone.now() + timedelta(minutes=5))
    with pytest.raises(ValidationError, match="đã được trao"):
        services.hand_over_flag(user("caobang"), cy2018, handed_on=date(2019, 3, 19))
    assert Score.objects.count() == score_count and services.next_year(cy2018).chair == nxt.chair
    assert AuditEvent.objects.filter(action="denied").count() >= audit_denied + 2
    assert VoteSession.objects.filter(cluster_year=cy2018, closed_at__isnull=True).count() == 0


@pytest.mark.integration
def test_scoring_rules(cy2018):
    nxt = services.next_year(cy2018)
    services.open_year(user("laichau"), nxt, theme="Thi đua 2019", opened_on=date(2019, 3, 25), copy_framework=True)
    assert sorted(nxt.criteria.values_list("code", flat=True)) == sorted(cy2018.criteria.values_list("code", flat=True))
    assert nxt.criteria.get(code="A1").indicator.cluster_year == nxt
    b1 = nxt.criteria.get(code="B1")
    a1 = nxt.criteria.get(code="A1")
    with pytest.raises(ValidationError, match="từ 0 đến 20"):
        services.score(user("sonla"), nxt, member=org("Sơn La"), criterion=b1, round=ScoreRound.SELF, points=21)
    with pytest.raises(ValidationError, match="tự động"):
        services.score(user("sonla"), nxt, member=org("Sơn La"), criterion=a1, round=ScoreRound.SELF, points=5)
    with pytest.raises(PermissionDenied):  # cross-scoring without an assignment
        services.score(user("sonla"), nxt, member=org("Hà Giang"), criterion=b1, round=ScoreRound.CROSS, points=5)
    services.assign_cross_scoring(user("laichau"), nxt)
    pairs = list(nxt.cross_assignments.values_list("scorer__name", "member__name"))
    assert all(s != m for s, m in pairs) and len(pairs) == 14
    assert all(sum(1 for _, m in pairs if m == name) == 2 for name in VOTERS)
    scorer = nxt.cross_assignments.filter(member=org("Sơn La")).first().scorer
    services.score(user(VOTERS[scorer.name]), nxt, member=org("Sơn La"), criterion=b1, round=ScoreRound.CROSS,
                   points=15)
    with pytest.raises(ValidationError, match="ghi lý do"):  # the final differs from the cross mean
        services.score(user("laichau"), nxt, member=org("Sơn La"), criterion=b1, round=ScoreRound.FINAL, points=18)
    s = services.score(user("laichau"), nxt, member=org("Sơn La"), criterion=b1, round=ScoreRound.FINAL, points=18,
                       reason="Bổ sung minh chứng")
    s2 = services.score(user("laichau"), nxt, member=org("Sơn La"), criterion=b1, round=ScoreRound.FINAL, points=16,
                        reason="Điều chỉnh theo biên bản")
    assert s2.pk == s.pk
    change = AuditEvent.objects.filter(object_type="emulation.score", object_id=str(s.pk)).order_by("-pk").first()
    assert (change.before["points"], change.after["points"], change.reason, change.username) == \
        ("18.00", "16.00", "Điều chỉnh theo biên bản", "laichau")
    with pytest.raises(ValidationError, match="chưa báo cáo kết quả cả năm"):  # results first
        services.lock_scores(user("laichau"), nxt)
    for m in nxt.members.all():
        for ind in nxt.indicators.all():
            services.report_result(user(VOTERS[m.name]), nxt, m, ind, period="year_end", value=10)
    with pytest.raises(ValidationError, match="Chưa đủ điểm"):  # then every criterion scored
        services.lock_scores(user("laichau"), nxt)
    assert not nxt.run.locked
