"""Cluster votes with sealed ballots: counted only at the close, in memory, from ballots that open only with the
application's key; a recount re-derives the totals; partial results are refused while open; the migration
turns the running counters of an open session into sealed ballots with the same totals."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tests.conftest import user
from thidua.core.models import AuditEvent
from thidua.emulation import services
from thidua.emulation.models import (
    ClusterYear,
    SealedBallot,
    VoteCandidate,
    VoteKind,
    VoteParticipation,
    VoteSession,
)
from thidua.emulation.voting import count_sealed, tally

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

VOTERS = {"Hà Giang": "hagiang", "Cao Bằng": "caobang", "Lạng Sơn": "langson", "Lào Cai": "laocai",
          "Lai Châu": "laichau", "Điện Biên": "dienbien", "Sơn La": "sonla"}


@pytest.fixture
def cy():
    return ClusterYear.objects.get(year=2018, cluster__code="C1-MNBG")


def org(name):
    return ClusterYear.objects.get(year=2018, cluster__code="C1-MNBG").members.get(name=name)


def open_session(cy, names=("Sơn La", "Hà Giang", "Điện Biên"), seats=2):
    now = timezone.now()
    return services.open_vote(user("caobang"), cy, kind=VoteKind.CERTIFICATE, candidates=[org(n) for n in names],
                              seats=seats, opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(minutes=30))


BALLOTS = {"Hà Giang": ["Sơn La"], "Cao Bằng": ["Sơn La", "Điện Biên"], "Lạng Sơn": ["Hà Giang", "Sơn La"],
           "Lào Cai": [], "Lai Châu": ["Sơn La"]}
EXPECTED = [("Sơn La", 4), ("Điện Biên", 1), ("Hà Giang", 1)]  # by votes, then name


def cast_all(session, ballots=BALLOTS):
    for member, choice in ballots.items():
        services.cast_ballot(user(VOTERS[member]), session, org(member), [org(c) for c in choice])


def state(session):
    s = VoteSession.objects.get(pk=session.pk)
    return (s.closed_at, s.ballots_cast, s.blank_ballots, s.outcome_applied_at,
            sorted(VoteCandidate.objects.filter(session=s).values_list("organization_id", "votes")),
            sorted(SealedBallot.objects.filter(session=s).values_list("pk", flat=True)),
            VoteParticipation.objects.filter(session=s).count(), s.proposals.count())


def test_close_counts_the_sealed_ballots_and_a_recount_matches(cy):
    session = open_session(cy)
    cast_all(session)
    assert count_sealed(session).ballots == 5  # what the close will count, nothing stored yet
    assert set(session.candidates.values_list("votes", flat=True)) == {0}
    result = services.close_vote(user("caobang"), session)
    assert [(c.organization.name, c.votes) for c in result.candidates] == EXPECTED
    assert (result.ballots_cast, result.blank_ballots) == (5, 1)
    session.refresh_from_db()
    assert sorted(session.candidates.values_list("organization__name", "votes")) == sorted(EXPECTED)
    # The sealed ballots stay for a recount, which re-derives the same totals; the recount is audited.
    assert session.sealed_ballots.count() == 5
    before = state(session)
    recount = services.recount_vote(user("caobang"), session)
    assert recount.matches and [(c.organization.name, c.votes) for c in recount.tally.candidates] == EXPECTED
    assert state(session) == before
    event = AuditEvent.objects.filter(object_repr__startswith="Kiểm phiếu lại").latest("pk")
    assert event.after["matches"] is True and event.user.username == "caobang"
    # A lost ballot: the recount no longer matches the published result (which it never changes).
    SealedBallot.objects.filter(pk=session.sealed_ballots.first().pk).delete()
    assert not services.recount_vote(user("caobang"), session).matches
    # A ballot sealed for another session does not open in this one.
    other = open_session(cy, ("Lào Cai", "Lạng Sơn"), seats=1)
    services.cast_ballot(user("laocai"), other, org("Lào Cai"), [org("Lạng Sơn")])
    SealedBallot.objects.filter(session=other).update(session=session)
    with pytest.raises(ValidationError, match="không mở được"):
        services.recount_vote(user("caobang"), session)


def test_partial_results_are_refused_while_open(cy):
    session = open_session(cy)
    cast_all(session, {"Hà Giang": ["Sơn La"], "Cao Bằng": ["Sơn La"]})
    with pytest.raises(ValidationError, match="khi phiên bỏ phiếu kết thúc"):
        tally(session)
    with pytest.raises(ValidationError, match="sau khi phiên bỏ phiếu đã kết thúc"):
        services.recount_vote(user("caobang"), session)
    chair = Client()
    chair.force_login(user("caobang"))
    page = chair.get(f"/cum/{cy.pk}/nam/bo-phieu/{session.pk}/").content.decode()
    assert 'id="kiem-phieu"' not in page and "Đã bỏ phiếu: <strong>2/7</strong>" in page
    seen = chair.get(f"/api/v1/votes/{session.pk}").json()
    assert "tally" not in seen and seen["ballots_cast"] == 2
    assert sorted(seen["voted"]) == ["Cao Bằng", "Hà Giang"]
    # The chair may recount from the page after the close.
    services.close_vote(user("caobang"), session)
    response = chair.post(f"/cum/{cy.pk}/nam/bo-phieu/{session.pk}/kiem-lai/", {}, follow=True)
    assert "khớp với kết quả đã công bố" in response.content.decode()


def test_recount_by_a_member_is_refused_and_changes_nothing(cy):
    session = open_session(cy)
    cast_all(session)
    services.close_vote(user("caobang"), session)
    before, denied = state(session), AuditEvent.objects.filter(action="denied").count()
    with pytest.raises(PermissionDenied, match="Chỉ cụm trưởng"):
        services.recount_vote(user("laichau"), session)
    assert state(session) == before
    assert AuditEvent.objects.filter(action="denied").count() == denied + 1
    member = Client()
    member.force_login(user("laichau"))
    member.post(f"/cum/{cy.pk}/nam/bo-phieu/{session.pk}/kiem-lai/", {})
    assert state(session) == before


def test_close_needs_the_key_and_every_ballot(cy, settings):
    old_key = settings.SECRET_KEY
    session = open_session(cy)
    cast_all(session)
    before = state(session)
    # Another key (e.g. a rotation that forgot the old one): nothing opens, nothing is counted or closed.
    settings.SECRET_KEY = "another-key-" + "z" * 50
    with pytest.raises(ValidationError, match="không mở được bằng khóa bí mật"):
        services.close_vote(user("caobang"), session)
    assert state(session) == before
    # The old key among the fallbacks: the ballots open again.
    settings.SECRET_KEY_FALLBACKS = [old_key]
    lost = session.sealed_ballots.first()
    SealedBallot.objects.filter(pk=lost.pk).delete()
    with pytest.raises(ValidationError, match="4 phiếu niêm phong nhưng 5 thành viên"):
        services.close_vote(user("caobang"), session)
    SealedBallot.objects.create(pk=lost.pk, session=session, sealed=lost.sealed)
    assert state(session) == before
    result = services.close_vote(user("caobang"), session)
    assert [(c.organization.name, c.votes) for c in result.candidates] == EXPECTED


def test_migration_turns_running_counters_into_sealed_ballots(cy):
    """An open session counted the old way (counters + participations) and a closed one: after the migration
    the open one has sealed ballots and zero counters, and its close gives the old totals; the closed one keeps
    its totals as they were."""
    migration = importlib.import_module("thidua.emulation.migrations.0003_sealed_ballots")
    closed = cy.vote_sessions.filter(kind=VoteKind.FLAG).get()
    closed_before = state(closed)
    session = open_session(cy, seats=2)
    old = {"Sơn La": 4, "Hà Giang": 2, "Điện Biên": 1}  # 5 ballots, 1 blank: 4 filled ballots of at most 2
    for name, votes in old.items():
        VoteCandidate.objects.filter(session=session, organization=org(name)).update(votes=votes)
    VoteSession.objects.filter(pk=session.pk).update(ballots_cast=5, blank_ballots=1)
    VoteParticipation.objects.bulk_create([VoteParticipation(session=session, member=org(m)) for m in BALLOTS])
    migration.seal_open_sessions(django_apps, None)
    session.refresh_from_db()
    assert (session.ballots_cast, session.blank_ballots) == (0, 0)
    assert set(session.candidates.values_list("votes", flat=True)) == {0}
    assert session.sealed_ballots.count() == 5
    result = services.close_vote(user("caobang"), session)
    assert {c.organization.name: c.votes for c in result.candidates} == old
    assert result.blank_ballots == 1
    closed_after = state(closed)
    assert closed_after[:5] == closed_before[:5]  # the closed session's totals are untouched
