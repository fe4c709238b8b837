"""The tally of a vote session: one function behind the results page, the API and the vote-count minutes.

Rules (per session, configurable): the quorum and the threshold are shares of ALL members of the cluster
year ("more than half" by default). Candidates reaching the threshold are elected in order of votes, up
to the number of seats. Where candidates tie for the last seat(s) — or, when nobody reaches the threshold,
for first place — a new round is held among the tied for the seats still open.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from thidua.core.text import fold
from thidua.emulation.models import VoteCandidate, VoteSession
from thidua.orgs.models import Organization


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
    if candidates is None:
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
