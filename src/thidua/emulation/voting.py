"""The tally of a vote session: one function behind the results page, the API and the vote-count minutes.

Rules (per session, configurable): the quorum and the threshold are shares of ALL members of the cluster
year ("more than half" by default). Candidates reaching the threshold are elected in order of votes, up
to the number of seats. Where candidates tie for the last seat(s) — or, when nobody reaches the threshold,
for first place — a new round is held among the tied for the seats still open.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from thidua.emulation.models import VoteCandidate, VoteSession
from thidua.lib import sealing
from thidua.lib.text import fold
from thidua.orgs.models import Organization

PURPOSE = "thidua.emulation.vote-session"


def _context(session: VoteSession) -> str:
    return f"vote-session:{session.pk}"


def seal_ballot(session: VoteSession, candidate_ids, chosen_ids) -> bytes:
    """A ballot's content (the chosen candidates' organisation ids), sealed. Every ballot of a session has the
    size of the fullest one (all candidates), so a blank ballot cannot be told from a full one by its length."""
    size = len(sealing.encode(sorted(candidate_ids)))
    return sealing.seal(sorted(chosen_ids), purpose=PURPOSE, context=_context(session), size=size)


@dataclass
class Count:
    ballots: int
    blank: int
    votes: dict[int, int]  # organisation id → votes


def count_sealed(session: VoteSession) -> Count:
    """Open every sealed ballot of the session in memory and count. Nothing is written here."""
    candidate_ids = set(session.candidates.values_list("organization_id", flat=True))
    out = Count(0, 0, dict.fromkeys(candidate_ids, 0))
    for blob in session.sealed_ballots.values_list("sealed", flat=True).iterator():
        try:
            chosen = sealing.open_sealed(blob, purpose=PURPOSE, context=_context(session))
        except sealing.SealError:
            raise ValidationError(f"Phiên “{session}”: có phiếu niêm phong không mở được bằng khóa bí mật của ứng "
                                  "dụng (khóa đã bị thay, hoặc phiếu đã bị sửa).") from None
        if (not isinstance(chosen, list) or len(set(chosen)) != len(chosen) or len(chosen) > session.seats
                or not set(chosen) <= candidate_ids):
            raise ValidationError(f"Phiên “{session}”: có phiếu niêm phong không hợp lệ.")
        out.ballots += 1
        out.blank += not chosen
        for oid in chosen:
            out.votes[oid] += 1
    return out


def recount(session: VoteSession) -> Tally:
    """The tally re-derived from the sealed ballots (not from the stored totals), for a recount after close."""
    if not session.is_closed:
        raise ValidationError("Chỉ kiểm phiếu lại sau khi phiên bỏ phiếu đã kết thúc.")
    counted = count_sealed(session)
    fresh = copy.copy(session)
    fresh.ballots_cast, fresh.blank_ballots = counted.ballots, counted.blank
    candidates = [VoteCandidate(session=session, organization=c.organization, votes=counted.votes[c.organization_id])
                  for c in session.candidates.select_related("organization")]
    return tally(fresh, candidates)


def needed(electorate: int, percent: Decimal, strict: bool) -> int:
    """The smallest whole number of votes that meets `percent` of `electorate` ("more than" when strict)."""
    exact = Decimal(electorate) * Decimal(percent) / 100
    return math.floor(exact) + 1 if strict else math.ceil(exact)


@dataclass
class CandidateResult:
    organization: Organization
    votes: int
    share: Decimal  # of all members, in %
    reaches_threshold: bool
    elected: bool = False
    tied: bool = False


@dataclass
class Tally:
    session: VoteSession
    electorate: int
    ballots_cast: int
    blank_ballots: int
    quorum_votes: int
    threshold_votes: int
    candidates: list[CandidateResult]
    elected: list[Organization] = field(default_factory=list)
    tied: list[Organization] = field(default_factory=list)
    seats_open: int = 0  # seats left for a tie round

    @property
    def quorum_met(self) -> bool:
        return self.ballots_cast >= self.quorum_votes

    @property
    def participation(self) -> Decimal:
        return Decimal(self.ballots_cast) * 100 / self.electorate if self.electorate else Decimal(0)

    @property
    def needs_new_round(self) -> bool:
        return bool(self.tied) and self.quorum_met

    def as_dict(self) -> dict:
        return {
            "session": self.session.pk, "kind": self.session.kind, "round": self.session.round,
            "electorate": self.electorate, "ballots_cast": self.ballots_cast, "blank_ballots": self.blank_ballots,
            "quorum_votes": self.quorum_votes, "quorum_met": self.quorum_met, "threshold_votes": self.threshold_votes,
            "candidates": [{"organization_id": c.organization.pk, "organization": c.organization.name,
                            "votes": c.votes, "share_of_members": float(round(c.share, 2)),
                            "reaches_threshold": c.reaches_threshold, "elected": c.elected, "tied": c.tied}
                           for c in self.candidates],
            "elected": [o.name for o in self.elected],
            "tied": [o.name for o in self.tied], "seats_open": self.seats_open,
        }


def tally(session: VoteSession, candidates: list[VoteCandidate] | None = None) -> Tally:
    """The result from the stored totals, which exist only once the session is closed: partial results of an
    open session are never computed (there is nothing to compute them from, and the refusal says so)."""
    if candidates is None:
        if not session.is_closed:
            raise ValidationError("Kết quả chỉ được công bố khi phiên bỏ phiếu kết thúc.")
        candidates = list(session.candidates.select_related("organization"))
    n = session.electorate
    threshold = needed(n, session.threshold_percent, session.threshold_strict)
    quorum = needed(n, session.quorum_percent, session.quorum_strict)
    rows = sorted(
        (CandidateResult(c.organization, c.votes, Decimal(c.votes) * 100 / n if n else Decimal(0), c.votes >= threshold)
         for c in candidates),
        key=lambda r: (-r.votes, fold(r.organization.name)),
    )
    t = Tally(session, n, session.ballots_cast, session.blank_ballots, quorum, threshold, rows)
    if not t.quorum_met:
        return t
    reaching = [r for r in rows if r.reaches_threshold]
    seats = session.seats
    if len(reaching) > seats:
        boundary = reaching[seats - 1].votes
        clear = [r for r in reaching if r.votes > boundary]
        tied = [r for r in reaching if r.votes == boundary]
        if len(clear) + len(tied) > seats:
            for r in clear:
                r.elected = True
            for r in tied:
                r.tied = True
            t.seats_open = seats - len(clear)
        else:
            for r in reaching[:seats]:
                r.elected = True
    elif reaching:
        for r in reaching:
            r.elected = True
    elif rows and rows[0].votes > 0:
        top = [r for r in rows if r.votes == rows[0].votes]
        if len(top) > 1:  # nobody reached the threshold and the leaders are level: vote again among them
            for r in top:
                r.tied = True
            t.seats_open = seats
    t.elected = [r.organization for r in rows if r.elected]
    t.tied = [r.organization for r in rows if r.tied]
    return t
