"""Pages that run a cluster year, step by step: /cum/<pk>/nam/… — the pieces every step's page shares, and the
overview (the timeline with the actions open to the user now).

The steps have their own modules: year_open_views (opening, framework), year_register_views (registration,
pact), year_result_views and balance_views (results, opening balances), year_score_views (scoring, lock),
year_vote_views (review conference, votes, handover).

Every page answers 404 to a user who cannot see the cluster year (ClusterYear.visible_to) and shows only the
actions the user's role in the year allows (services.year_roles: member officer, chair, organising authority,
observer). Each action has its own URL (POST) and goes through one service of emulation/services.py; a refusal
(PermissionDenied, ValidationError) is shown as the service's message and changes nothing (multi-row forms run in
one transaction). A POST for an action the page did not offer is answered with the reason the service's guard
gives (services.check_…), recorded like any refusal. Successful POSTs redirect (POST-redirect-GET).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from thidua.core import refusals
from thidua.core.refusals import REFUSALS
from thidua.emulation import services
from thidua.emulation.models import (
    ClusterYear,
    Criterion,
    CriterionKind,
    CrossAssignment,
    FlagHandover,
    Pact,
    PactSignature,
    Score,
    ScoreRound,
    Step,
    VoteParticipation,
    VoteSession,
    YearRun,
)
from thidua.emulation.scoring import framework
from thidua.lib.text import fold
from thidua.orgs.models import Organization

# --------------------------------------------------------------------------- shared pieces


@dataclass
class Year:
    """What every page of the year needs: the year, the user's roles in it, the run (None before opening)."""

    cy: ClusterYear
    roles: services.YearRoles
    run: YearRun | None
    members: list[Organization] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return bool(self.run and self.run.locked)

    @property
    def opened(self) -> bool:
        return self.run is not None

    @property
    def my_members(self) -> list[Organization]:
        return [m for m in self.members if m.pk in self.roles.member_ids]

    def url(self, name: str, *args, **query) -> str:
        out = reverse(f"emulation:{name}", args=[self.cy.pk, *args])
        query = {k: v for k, v in query.items() if v not in (None, "")}
        return out + ("?" + urlencode(query) if query else "")


def load_year(request, pk: int) -> Year:
    """The cluster year of the URL as the user sees it; 404 when the user may not see it."""
    cy = get_object_or_404(ClusterYear.objects.visible_to(request.user)
                           .select_related("cluster__organised_by", "chair", "deputy"), pk=pk)
    year = Year(cy, services.year_roles(request.user, cy), YearRun.objects.filter(cluster_year=cy).first())
    year.members = sorted(cy.members.all(), key=lambda o: fold(o.name))
    return year


def show_error(request, text: str) -> None:
    """An error message shown as a Bootstrap "danger" alert (base.html renders the message tags)."""
    messages.error(request, text, extra_tags="danger")


def refuse(request, exc: Exception) -> None:
    """Answer a POST the page did not offer: the guard's refusal is recorded (as the service's would be; once) and
    shown."""
    refusals.record_denial(exc)
    refusals.show(request, exc)


def guarded(request, check, *args, **kwargs) -> bool:
    """Run a service guard (services.check_…): True when the action is allowed now; else its refusal is recorded
    and shown, and False."""
    exc = services.refusal(check, *args, **kwargs)
    if exc is not None:
        refuse(request, exc)
    return exc is None


def attempt(request, action, *args, success: str = "", **kwargs):
    """Run one service call; show its refusal (and return None) or the success message."""
    try:
        result = action(*args, **kwargs)
    except REFUSALS as exc:
        refusals.show(request, exc)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def warn_if_late(request, cy, step: str, on) -> None:
    """After a step's date is recorded: say so when it falls after the step's deadline (services.late_warning)."""
    note = services.late_warning(cy, step, on.date() if hasattr(on, "date") else on)
    if note:
        messages.warning(request, note)


def all_or_nothing(request, calls) -> bool:
    """Several service calls in one transaction (a form of many rows): all saved, or none and the refusal shown
    (the outermost refusals.service block writes a denial once everything is undone)."""
    try:
        with refusals.service():
            for call in calls:
                call()
    except REFUSALS as exc:
        refusals.show(request, exc)
        return False
    return True


def render_year(request, template: str, year: Year, tab: str, **context):
    return render(request, template, {"y": year, "cy": year.cy, "roles": year.roles, "run": year.run, "tab": tab,
                                      **context})


def member_param(year: Year, request, name: str = "don-vi") -> Organization | None:
    """The member named in the form (POST) or the query (GET); 404 for anything that is not a member of the
    year. Whether the user may act for it is for the caller (and in the end the service) to say."""
    raw = request.POST.get(name) if request.method == "POST" else request.GET.get(name)
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError:
        raise Http404 from None
    org = next((m for m in year.members if m.pk == pk), None)
    if org is None:
        raise Http404
    return org


def choose(year: Year, request, allowed: list[Organization], name: str = "don-vi"
           ) -> tuple[Organization | None, bool]:
    """(member, allowed): the member named in the request, else the first allowed one. A POST naming a member
    the user may not act for returns it with allowed=False, so the guard refuses with its own message;
    a GET naming one shows the default instead."""
    chosen = member_param(year, request, name)
    if chosen is not None and chosen in allowed:
        return chosen, True
    if chosen is not None and request.method == "POST":
        return chosen, False
    return (allowed[0], True) if allowed else (None, False)


def acting_member(year: Year, request, *, authority_may: bool = False) -> tuple[Organization | None, bool]:
    """The member the user acts for on this page: its own (the first, or the one chosen), or, for the organising
    authority where the service allows it, any member chosen in the request."""
    if authority_may and year.roles.is_authority and not year.my_members:
        chosen = member_param(year, request)
        return chosen, chosen is not None
    return choose(year, request, year.my_members)


def someone(year: Year, request, member: Organization | None = None) -> Organization | None:
    """The member a refused POST was meant for, so that the guard gives its reason: the one named in the
    request, else the user's own, else any."""
    return member or member_param(year, request) or next(iter(year.my_members), None) or next(
        iter(year.members), None)


def hand_criteria(cy: ClusterYear) -> list[Criterion]:
    return [c for c, _ in framework(cy) if c.is_hand_scored]


# --------------------------------------------------------------------------- overview and timeline


@dataclass
class Action:
    label: str
    url: str
    primary: bool = True


# Steps whose records the lock freezes (services refuse registering, reporting and scoring once locked).
BEFORE_LOCK = {Step.REGISTER, Step.MID_YEAR, Step.YEAR_END, Step.SELF_SCORE, Step.CROSS_SCORE}
STEP_PAGES = {
    Step.OPEN: "year-open", Step.REGISTER: "year-register", Step.PACT: "year-pact", Step.MID_YEAR: "year-results",
    Step.YEAR_END: "year-results", Step.SELF_SCORE: "year-self-score", Step.CROSS_SCORE: "year-cross-score",
    Step.LOCK: "year-scores", Step.VOTE: "year-votes", Step.HANDOVER: "year-votes",
}


def _opening_actions(year: Year, out: dict[str, list[Action]]) -> None:
    lead, mine = year.roles.can_lead, year.my_members
    if lead and not year.locked:
        out[Step.OPEN].append(Action(_("Sửa khung tiêu chí, chỉ tiêu"), year.url("year-framework")))
    if not year.locked:
        for m in mine:
            out[Step.REGISTER].append(Action(_("Đăng ký chỉ tiêu, danh hiệu của %(org)s") % {"org": m.name},
                                             year.url("year-register", **{"don-vi": m.pk})))
        if year.roles.is_authority and not mine:
            out[Step.REGISTER].append(Action(_("Đăng ký thay thành viên"), year.url("year-register")))
    pact = Pact.objects.filter(cluster_year=year.cy).first()
    signed = set(PactSignature.objects.filter(pact__cluster_year=year.cy).values_list("member_id", flat=True))
    if lead and not signed:
        out[Step.PACT].append(Action(_("Soạn giao ước") if pact is None else _("Sửa giao ước"), year.url("year-pact")))
    if pact:
        for m in mine:
            if m.pk not in signed:
                out[Step.PACT].append(Action(_("Ký giao ước cho %(org)s") % {"org": m.name}, year.url("year-pact")))


def _result_actions(year: Year, out: dict[str, list[Action]]) -> None:
    if not year.locked and year.my_members:
        out[Step.MID_YEAR].append(Action(_("Báo cáo sơ kết 6 tháng"), year.url("year-results", ky="mid_year")))
        out[Step.YEAR_END].append(Action(_("Báo cáo kết quả cả năm"), year.url("year-results", ky="year_end")))
    if year.roles.can_lead:
        for step, period in ((Step.MID_YEAR, "mid_year"), (Step.YEAR_END, "year_end")):
            missing = len(services.not_reported(year.cy, period))
            if missing:
                out[step].append(Action(_("Xem %(n)s thành viên chưa báo cáo") % {"n": missing},
                                        year.url("year-results", ky=period) + "#chua-bao-cao", primary=False))


def _scoring_actions(year: Year, out: dict[str, list[Action]]) -> None:
    cy, lead = year.cy, year.roles.can_lead
    hand = cy.criteria.filter(kind__in=[CriterionKind.MANUAL, CriterionKind.BONUS, CriterionKind.PENALTY]).exists()
    if year.locked:
        return
    if year.my_members and hand:
        out[Step.SELF_SCORE].append(Action(_("Tự chấm điểm"), year.url("year-self-score")))
    cross_started = Score.objects.filter(criterion__cluster_year=cy, round=ScoreRound.CROSS).exists()
    if lead and not cross_started:
        out[Step.CROSS_SCORE].append(Action(_("Phân công chấm chéo"), year.url("year-cross-score") + "#phan-cong"))
    assigned = CrossAssignment.objects.filter(cluster_year=cy, scorer_id__in=year.roles.member_ids).count()
    if assigned:
        out[Step.CROSS_SCORE].append(Action(_("Chấm chéo (%(n)s thành viên được phân công)") % {"n": assigned},
                                            year.url("year-cross-score")))
    if lead:
        out[Step.LOCK].append(Action(_("Tổng hợp điểm"), year.url("year-consolidate")))
        out[Step.LOCK].append(Action(_("Khóa điểm"), year.url("year-scores") + "#khoa-diem"))


def _vote_actions(year: Year, out: dict[str, list[Action]]) -> None:
    cy, lead, mine = year.cy, year.roles.can_lead, year.my_members
    conf = services.review_conference(cy)
    handed = FlagHandover.objects.filter(conference=conf).exists() if conf else False
    if lead and conf is None:
        out[Step.VOTE].append(Action(_("Lập hội nghị tổng kết"), year.url("year-votes") + "#hoi-nghi"))
    elif lead and not handed:
        out[Step.VOTE].append(Action(_("Mở phiên bỏ phiếu"), year.url("year-votes") + "#mo-phien"))
    if mine:
        voted = set(VoteParticipation.objects.filter(member__in=mine).values_list("session_id", flat=True))
        now = timezone.now()
        for s in VoteSession.objects.filter(cluster_year=cy, closed_at__isnull=True, opens_at__lte=now,
                                            closes_at__gt=now):
            if s.pk not in voted:
                out[Step.VOTE].append(Action(_("Bỏ phiếu: %(s)s") % {"s": s}, year.url("year-vote", s.pk)))
    nxt = services.next_year(cy)
    if lead and nxt and not handed:
        out[Step.HANDOVER].append(Action(_("Trao cờ luân lưu cho %(org)s") % {"org": nxt.chair.name},
                                         year.url("year-votes") + "#trao-co"))
    if nxt:
        out[Step.HANDOVER].append(Action(_("Năm thi đua %(year)s") % {"year": nxt.year},
                                         reverse("emulation:year", args=[nxt.pk]), primary=False))


def step_actions(year: Year) -> dict[str, list[Action]]:
    """For each step, the actions this user may take now (only those)."""
    out: dict[str, list[Action]] = {s: [] for s in Step.values}
    if year.run is None:
        if year.roles.can_lead:
            out[Step.OPEN].append(Action(_("Mở năm thi đua"), year.url("year-open")))
        return out
    for add in (_opening_actions, _result_actions, _scoring_actions, _vote_actions):
        add(year, out)
    return out


@login_required
@require_GET
def overview(request, pk: int):
    year = load_year(request, pk)
    steps = services.timeline(year.cy)
    actions = step_actions(year)
    finished = steps[-1].done  # the flag is handed over: no step is "in progress" any more
    current = None if finished else next((s.step for s in steps if not s.done and not (
        year.locked and s.step in BEFORE_LOCK)), None)
    rows = []
    for s in steps:
        if s.done:
            state = "done"
        elif year.locked and s.step in BEFORE_LOCK:
            state = "closed"  # can no longer be completed: the scores are locked
        elif s.overdue:
            state = "overdue"
        else:
            state = "current" if s.step == current else "pending"
        rows.append({"s": s, "state": state, "actions": actions[s.step], "current": s.step == current,
                     "page": year.url(STEP_PAGES[s.step], **({"ky": s.step} if s.step in (
                         Step.MID_YEAR, Step.YEAR_END) else {}))})
    done = sum(1 for s in steps if s.done)
    return render_year(request, "emulation/year/overview.html", year, "overview", rows=rows, done=done,
                       total=len(steps), next_year=services.next_year(year.cy), today=date.today(),
                       previous=ClusterYear.objects.filter(cluster=year.cy.cluster, year=year.cy.year - 1).first())

