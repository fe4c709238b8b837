"""Step 5 of the cluster year: the review conference, the secret ballots and the handover of the rotating flag.
/cum/<pk>/nam/bo-phieu/ (hoi-nghi/ schedules the conference, mo-phien/ opens a session, trao-co/ records the
handover) and one session, /cum/<pk>/nam/bo-phieu/<sid>/ (phieu/ casts a ballot, ket-thuc/ closes it, kiem-lai/
recounts the sealed ballots, vong-moi/ opens a tie round)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.emulation import forms as f
from thidua.emulation import services
from thidua.emulation.models import ClusterYear, FlagHandover, Step, VoteKind, VoteParticipation, VoteSession
from thidua.emulation.scoring import score_sheet
from thidua.emulation.voting import needed, tally
from thidua.emulation.year_views import (
    Year,
    attempt,
    choose,
    guarded,
    load_year,
    render_year,
    show_error,
    someone,
    warn_if_late,
)
from thidua.orgs.models import Organization

# --------------------------------------------------------------------------- the review conference and sessions


def _default_candidates(year: Year, kind: str, sheet) -> tuple[list[int], int]:
    """Sensible defaults: the flag among the top three of the ranking; certificates among the next four (not the
    unit already proposed for the flag), two seats; the chair among members who have not chaired recently;
    the deputy among members other than next year's chair."""
    cy, run = year.cy, year.run
    ranked = [r.member.pk for r in sheet.rows]
    if kind == VoteKind.FLAG:
        return ranked[:3], 1
    if kind == VoteKind.CERTIFICATE:
        flag = set(cy.proposals.filter(vote_session__kind=VoteKind.FLAG).values_list("organization_id", flat=True))
        return [m for m in ranked if m not in flag][:4] if flag else ranked[1:5], 2
    if kind == VoteKind.CHAIR:
        barred = services.recent_chairs(cy, run.rotation_years if run else 3)
        return [m.pk for m in year.members if m.pk not in barred], 1
    nxt = services.next_year(cy)
    return [m.pk for m in year.members if not nxt or m.pk != nxt.chair_id], 1


def _default_review_day(cy: ClusterYear) -> date:
    """The year-end review of year Y is held early in Y+1: on the day of the previous review moved on one year,
    else mid-March of Y+1 (a year entered late keeps its own dates, not today's)."""
    prev = ClusterYear.objects.filter(cluster=cy.cluster, year=cy.year - 1).first()
    previous = services.review_conference(prev) if prev else None
    if previous is None:
        return date(cy.year + 1, 3, 15)
    try:
        return previous.held_on.replace(year=previous.held_on.year + 1)
    except ValueError:  # 29 February
        return previous.held_on.replace(year=previous.held_on.year + 1, day=28)


def _session_state(s: VoteSession, now) -> str:
    if s.is_closed:
        return "closed"
    if now < s.opens_at:
        return "pending"
    if now >= s.closes_at:
        return "expired"
    return "open"


class _Votes:
    """The votes page's state: the conference, next year, the handover, the sessions, the kind of vote to open
    next (the first without a result), and the three forms the chair may be offered."""

    def __init__(self, year: Year, request):
        cy = year.cy
        self.year = year
        self.conf = services.review_conference(cy)
        self.next_year = services.next_year(cy)
        self.handover = (FlagHandover.objects.filter(conference=self.conf).select_related("from_org", "to_org")
                         .first() if self.conf else None)
        self.sessions = list(VoteSession.objects.filter(cluster_year=cy).order_by("opens_at", "kind", "round"))
        decided = {s.kind for s in self.sessions if s.outcome_applied_at}
        open_kinds = {s.kind for s in self.sessions if not s.is_closed}
        self.pending_kinds = [k for k in VoteKind.values if k not in decided and k not in open_kinds]
        default_kind = self.pending_kinds[0] if self.pending_kinds else VoteKind.CERTIFICATE
        kind = request.POST.get("kind") or request.GET.get("kind") or default_kind
        self.kind = kind if kind in VoteKind.values else default_kind

    def review_form(self, data=None):
        cy = self.year.cy
        if not self.year.roles.can_lead or self.conf is not None:
            return None
        return f.ReviewForm(data, initial={
            "title": _("Hội nghị tổng kết công tác thi đua, khen thưởng năm %(year)s của %(cluster)s") % {
                "year": cy.year, "cluster": cy.cluster.name},
            "held_on": _default_review_day(cy), "place": cy.chair.name})

    def vote_form(self, data=None):
        year, cy = self.year, self.year.cy
        if not year.roles.can_lead or self.conf is None or not year.opened:
            return None
        candidates, seats = _default_candidates(year, self.kind, score_sheet(cy))
        form = f.VoteOpenForm(data, members=cy.members.order_by("name_folded"),
                              initial={"kind": self.kind, "candidates": candidates, "seats": seats,
                                       **f.WindowForm.default_window(on=self.conf.held_on)})
        # Choosing another kind reloads the suggested candidates and seats (htmx; a plain GET without JS).
        form.fields["kind"].widget.attrs.update({
            "hx-get": year.url("year-votes"), "hx-trigger": "change", "hx-select": "#mo-phien",
            "hx-target": "#mo-phien", "hx-swap": "outerHTML"})
        return form

    def handover_form(self, data=None):
        if not self.year.roles.can_lead or self.next_year is None or self.conf is None or self.handover is not None:
            return None
        return f.HandoverForm(data, initial={
            "handed_on": self.conf.held_on,
            "handed_by": _("Đại diện lãnh đạo tỉnh %(org)s") % {"org": self.year.cy.chair.name}})


def _votes_page(request, year: Year, votes: _Votes, **bound):
    """The votes page; `bound` holds the one form posted again after an invalid or refused submission."""
    cy = year.cy
    forms = {"review_form": votes.review_form(), "vote_form": votes.vote_form(),
             "handover_form": votes.handover_form(), **bound}
    now = timezone.now()
    voted = set(VoteParticipation.objects.filter(session__cluster_year=cy, member_id__in=year.roles.member_ids)
                .values_list("session_id", flat=True))
    n_voted = dict(VoteParticipation.objects.filter(session__cluster_year=cy).values("session_id")
                   .annotate(n=Count("pk")).values_list("session_id", "n"))
    session_rows = [{"s": s, "state": _session_state(s, now), "tally": tally(s) if s.is_closed else None,
                     "voted": s.pk in voted, "n_voted": n_voted.get(s.pk, 0)} for s in votes.sessions]
    return render_year(request, "emulation/year/votes.html", year, "votes", conf=votes.conf,
                       next_year=votes.next_year, handover=votes.handover, sessions=session_rows, kind=votes.kind,
                       all_decided=not votes.pending_kinds,
                       proposals=cy.proposals.select_related("organization", "award_type"), locked=year.locked,
                       **forms)


@login_required
@require_GET
def votes(request, pk: int):
    year = load_year(request, pk)
    return _votes_page(request, year, _Votes(year, request))


def _votes_action(request, pk: int, check, form_for: str, act):
    """The step's three actions alike: the year, its guard (a refusal is recorded and shown, then back to the votes
    page), the posted form bound (`form_for` names the _Votes method and the page's form); when it is valid,
    `act(year, cleaned_data)` calls the service and answers a redirect when done (None: refused, shown). An invalid
    or refused form is shown again with what was posted."""
    year = load_year(request, pk)
    if not guarded(request, check, request.user, year.cy):
        return redirect(year.url("year-votes"))
    votes = _Votes(year, request)
    form = getattr(votes, form_for)(request.POST)
    if form is not None and form.is_valid():
        done = act(year, form.cleaned_data)
        if done is not None:
            return done
    return _votes_page(request, year, votes, **{form_for: form})


@login_required
@require_POST
def schedule_review(request, pk: int):
    def act(year: Year, d: dict):
        if attempt(request, services.schedule_review, request.user, year.cy, title=d["title"],
                   held_on=d["held_on"], place=d["place"], success=_("Đã lập hội nghị tổng kết.")):
            warn_if_late(request, year.cy, Step.VOTE, d["held_on"])
            return redirect(year.url("year-votes"))
        return None

    return _votes_action(request, pk, services.check_schedule_review, "review_form", act)


@login_required
@require_POST
def open_vote(request, pk: int):
    def act(year: Year, d: dict):
        session = attempt(request, services.open_vote, request.user, year.cy, kind=d["kind"],
                          candidates=list(d["candidates"]), opens_at=d["opens_at"], closes_at=d["closes_at"],
                          seats=d["seats"], threshold_percent=d["threshold_percent"],
                          threshold_strict=d["threshold_strict"], quorum_percent=d["quorum_percent"],
                          quorum_strict=d["quorum_strict"])
        if not session:
            return None
        messages.success(request, _("Đã mở phiên bỏ phiếu “%(s)s”.") % {"s": session})
        warn_if_late(request, year.cy, Step.VOTE, timezone.localtime(d["opens_at"]))
        return redirect(year.url("year-vote", session.pk))

    return _votes_action(request, pk, services.check_open_vote, "vote_form", act)


@login_required
@require_POST
def hand_over_flag(request, pk: int):
    def act(year: Year, d: dict):
        if attempt(request, services.hand_over_flag, request.user, year.cy, handed_on=d["handed_on"],
                   handed_by=d["handed_by"], success=_("Đã ghi nhận trao cờ luân lưu.")):
            warn_if_late(request, year.cy, Step.HANDOVER, d["handed_on"])
            return redirect(year.url("year-votes") + "#trao-co")
        return None

    return _votes_action(request, pk, services.check_hand_over, "handover_form", act)


# --------------------------------------------------------------------------- one session


class _Session:
    """A vote session as this user sees it: the candidates, who voted, the member the user votes for now."""

    def __init__(self, year: Year, request, sid: int):
        self.session = get_object_or_404(VoteSession.objects.select_related("award_type", "conference"), pk=sid,
                                         cluster_year=year.cy)
        self.candidates = (Organization.objects.filter(pk__in=self.session.candidates.values("organization_id"))
                           .order_by("name_folded"))
        self.voted_ids = set(VoteParticipation.objects.filter(session=self.session)
                             .values_list("member_id", flat=True))
        self.member, self.allowed = choose(year, request, [m for m in year.my_members if m.pk not in self.voted_ids])
        self.state = _session_state(self.session, timezone.now())
        self.result = tally(self.session) if self.session.is_closed else None
        self.following = VoteSession.objects.filter(previous=self.session).first()
        self.tie_offered = bool(year.roles.can_lead and self.result and self.result.needs_new_round
                                and self.following is None)

    def ballot(self, data=None):
        if self.member is None or not self.allowed or self.state != "open":
            return None
        return f.BallotForm(data, candidates=self.candidates, seats=self.session.seats)


def _session_page(request, year: Year, s: _Session, *, tie_form=None, ballot=None, confirming=None):
    session = s.session
    if tie_form is None and s.tie_offered:
        tie_form = f.WindowForm(initial=f.WindowForm.default_window(1))
    return render_year(
        request, "emulation/year/vote.html", year, "votes", session=session, state=s.state,
        candidates=s.candidates, ballot=ballot or s.ballot(), member=s.member, result=s.result, tie_form=tie_form,
        following=s.following, threshold=needed(session.electorate, session.threshold_percent, session.threshold_strict),
        quorum=needed(session.electorate, session.quorum_percent, session.quorum_strict),
        participation=[{"member": m, "voted": m.pk in s.voted_ids} for m in year.members],
        my_voted=[m for m in year.my_members if m.pk in s.voted_ids], voted_count=len(s.voted_ids),
        proposals=session.proposals.select_related("organization", "award_type"),
        next_year=services.next_year(year.cy) if session.kind in (VoteKind.CHAIR, VoteKind.DEPUTY) else None,
        zero=Decimal(0), confirming=confirming)


@login_required
@require_GET
def vote(request, pk: int, sid: int):
    year = load_year(request, pk)
    return _session_page(request, year, _Session(year, request, sid))


@login_required
@require_POST
def cast_ballot(request, pk: int, sid: int):
    """Accepted or refused, back to the session (nothing to keep on the form)."""
    year = load_year(request, pk)
    s = _Session(year, request, sid)
    back = redirect(year.url("year-vote", sid))
    ballot = s.ballot(request.POST)
    if ballot is None:  # already voted, outside the window, or not a member: the guard says which
        voter = someone(year, request, s.member)
        if voter is not None:
            guarded(request, services.check_cast_ballot, request.user, s.session, voter)
        return back
    if not ballot.is_valid():
        return _session_page(request, year, s, ballot=ballot)
    if request.POST.get("confirm") != "1":
        # A ballot cannot be changed once cast: show the choices (or "blank") and ask again, without JS.
        return _session_page(request, year, s, ballot=ballot, confirming=list(ballot.cleaned_data["choices"]))
    attempt(request, services.cast_ballot, request.user, s.session, s.member, list(ballot.cleaned_data["choices"]),
            success=_("%(org)s đã bỏ phiếu. Kết quả được công bố khi phiên kết thúc.") % {"org": s.member.name})
    return back


@login_required
@require_POST
def close_vote(request, pk: int, sid: int):
    year = load_year(request, pk)
    session = get_object_or_404(VoteSession, pk=sid, cluster_year=year.cy)
    if request.POST.get("confirm") != "1":
        show_error(request, _("Cần xác nhận kết thúc phiên bỏ phiếu."))
    elif attempt(request, services.close_vote, request.user, session):
        messages.success(request, _("Đã kết thúc phiên “%(s)s”; kết quả kiểm phiếu được công bố.") % {"s": session})
    return redirect(year.url("year-vote", sid))


@login_required
@require_POST
def recount_vote(request, pk: int, sid: int):
    year = load_year(request, pk)
    session = get_object_or_404(VoteSession, pk=sid, cluster_year=year.cy)
    recounted = attempt(request, services.recount_vote, request.user, session)
    if recounted and recounted.matches:
        messages.success(request, _("Kiểm phiếu lại từ %(n)s phiếu niêm phong: khớp với kết quả đã công bố.")
                         % {"n": recounted.tally.ballots_cast})
    elif recounted:
        show_error(request, _("Kiểm phiếu lại: KHÔNG khớp với kết quả đã công bố; cần kiểm tra dữ liệu phiên."))
    return redirect(year.url("year-vote", sid))


@login_required
@require_POST
def open_tie_round(request, pk: int, sid: int):
    year = load_year(request, pk)
    s = _Session(year, request, sid)
    form = f.WindowForm(request.POST)
    if form.is_valid():
        new = attempt(request, services.open_tie_round, request.user, s.session,
                      opens_at=form.cleaned_data["opens_at"], closes_at=form.cleaned_data["closes_at"])
        if new:
            messages.success(request, _("Đã mở vòng %(n)s giữa các đơn vị bằng phiếu.") % {"n": new.round})
            return redirect(year.url("year-vote", new.pk))
    if not s.tie_offered:
        return redirect(year.url("year-vote", sid))
    return _session_page(request, year, s, tie_form=form)
