"""Pages that run a cluster year, step by step: /cum/<pk>/nam/…

Every page answers 404 to a user who cannot see the cluster year (ClusterYear.visible_to) and shows only the
actions the user's role in the year allows (services.year_roles: member officer, chair, organising authority,
observer). Every POST goes through one service of emulation/services.py; a refusal (PermissionDenied,
ValidationError) is shown as the service's message and changes nothing (multi-row forms run in one
transaction). Successful POSTs redirect (POST-redirect-GET).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.awards.models import AwardType
from thidua.core import refusals
from thidua.core.models import AuditEvent
from thidua.core.refusals import REFUSALS
from thidua.emulation import forms as f
from thidua.emulation import services
from thidua.emulation.models import (
    ClusterYear,
    Criterion,
    CriterionKind,
    CrossAssignment,
    FlagHandover,
    Milestone,
    Pact,
    PactSignature,
    ResultReport,
    Score,
    ScoreRound,
    Step,
    Target,
    TitleRegistration,
    VoteKind,
    VoteParticipation,
    VoteSession,
    YearRun,
)
from thidua.emulation.scoring import TIE_BREAKS, framework, group_max, max_total, score_sheet
from thidua.emulation.statistics import indicator_summaries
from thidua.emulation.voting import needed, tally
from thidua.lib.text import fold
from thidua.lib.uploads import serve_file
from thidua.orgs.models import Organization

HISTORY_PAGE = 50  # score-history rows per page


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


def _year(request, pk: int) -> Year:
    cy = get_object_or_404(ClusterYear.objects.visible_to(request.user)
                           .select_related("cluster__organised_by", "chair", "deputy"), pk=pk)
    year = Year(cy, services.year_roles(request.user, cy), YearRun.objects.filter(cluster_year=cy).first())
    year.members = sorted(cy.members.all(), key=lambda o: fold(o.name))
    return year


def _error(request, text: str) -> None:
    """An error message shown as a Bootstrap "danger" alert (base.html renders the message tags)."""
    messages.error(request, text, extra_tags="danger")


def _attempt(request, action, *args, success: str = "", **kwargs):
    """Run one service call; show its refusal (and return None) or the success message."""
    try:
        result = action(*args, **kwargs)
    except REFUSALS as exc:
        refusals.show(request, exc)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def _all_or_nothing(request, calls) -> bool:
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


def _render(request, template: str, year: Year, tab: str, **context):
    return render(request, template, {"y": year, "cy": year.cy, "roles": year.roles, "run": year.run, "tab": tab,
                                      **context})


def _member_param(year: Year, request, name: str = "don-vi") -> Organization | None:
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


def _choose(year: Year, request, allowed: list[Organization], name: str = "don-vi"
            ) -> tuple[Organization | None, bool]:
    """(member, allowed): the member named in the request, else the first allowed one. A POST naming a member
    the user may not act for returns it with allowed=False, so the service refuses with its own message;
    a GET naming one shows the default instead."""
    chosen = _member_param(year, request, name)
    if chosen is not None and chosen in allowed:
        return chosen, True
    if chosen is not None and request.method == "POST":
        return chosen, False
    return (allowed[0], True) if allowed else (None, False)


def _acting_member(year: Year, request, *, authority_may: bool = False) -> tuple[Organization | None, bool]:
    """The member the user acts for on this page: its own (the first, or the one chosen), or, for the organising
    authority where the service allows it, any member chosen in the request."""
    if authority_may and year.roles.is_authority and not year.my_members:
        chosen = _member_param(year, request)
        return chosen, chosen is not None
    return _choose(year, request, year.my_members)


def _someone(year: Year, request, member: Organization | None = None) -> Organization | None:
    """The member a refused POST is attempted for, so that the service gives its reason: the one named in the
    request, else the user's own, else any."""
    return member or _member_param(year, request) or next(iter(year.my_members), None) or next(
        iter(year.members), None)


def _hand_criteria(cy: ClusterYear) -> list[Criterion]:
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


def _step_actions(year: Year) -> dict[str, list[Action]]:
    """For each step, the actions this user may take now (only those)."""
    cy, roles, run = year.cy, year.roles, year.run
    out: dict[str, list[Action]] = {s: [] for s in Step.values}
    lead, mine = roles.can_lead, year.my_members
    if run is None:
        if lead:
            out[Step.OPEN].append(Action(_("Mở năm thi đua"), year.url("year-open")))
        return out
    locked = run.locked
    if lead and not locked:
        out[Step.OPEN].append(Action(_("Sửa khung tiêu chí, chỉ tiêu"), year.url("year-framework")))
    if not locked:
        for m in mine:
            out[Step.REGISTER].append(Action(_("Đăng ký chỉ tiêu, danh hiệu của %(org)s") % {"org": m.name},
                                             year.url("year-register", **{"don-vi": m.pk})))
        if roles.is_authority and not mine:
            out[Step.REGISTER].append(Action(_("Đăng ký thay thành viên"), year.url("year-register")))
    pact = Pact.objects.filter(cluster_year=cy).first()
    signed = set(PactSignature.objects.filter(pact__cluster_year=cy).values_list("member_id", flat=True))
    if lead and not signed:
        out[Step.PACT].append(Action(_("Soạn giao ước") if pact is None else _("Sửa giao ước"), year.url("year-pact")))
    if pact:
        for m in mine:
            if m.pk not in signed:
                out[Step.PACT].append(Action(_("Ký giao ước cho %(org)s") % {"org": m.name}, year.url("year-pact")))
    if not locked and mine:
        out[Step.MID_YEAR].append(Action(_("Báo cáo sơ kết 6 tháng"), year.url("year-results", ky="mid_year")))
        out[Step.YEAR_END].append(Action(_("Báo cáo kết quả cả năm"), year.url("year-results", ky="year_end")))
    if lead:
        for step, period in ((Step.MID_YEAR, "mid_year"), (Step.YEAR_END, "year_end")):
            missing = len(services.not_reported(cy, period))
            if missing:
                out[step].append(Action(_("Xem %(n)s thành viên chưa báo cáo") % {"n": missing},
                                        year.url("year-results", ky=period) + "#chua-bao-cao", primary=False))
    hand = cy.criteria.filter(kind__in=[CriterionKind.MANUAL, CriterionKind.BONUS, CriterionKind.PENALTY]).exists()
    if not locked and mine and hand:
        out[Step.SELF_SCORE].append(Action(_("Tự chấm điểm"), year.url("year-self-score")))
    if not locked:
        cross_started = Score.objects.filter(criterion__cluster_year=cy, round=ScoreRound.CROSS).exists()
        if lead and not cross_started:
            out[Step.CROSS_SCORE].append(Action(_("Phân công chấm chéo"), year.url("year-cross-score") + "#phan-cong"))
        assigned = CrossAssignment.objects.filter(cluster_year=cy, scorer_id__in=roles.member_ids).count()
        if assigned:
            out[Step.CROSS_SCORE].append(Action(_("Chấm chéo (%(n)s thành viên được phân công)") % {"n": assigned},
                                                year.url("year-cross-score")))
        if lead:
            out[Step.LOCK].append(Action(_("Tổng hợp điểm"), year.url("year-consolidate")))
            out[Step.LOCK].append(Action(_("Khóa điểm"), year.url("year-scores") + "#khoa-diem"))
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
    return out


@login_required
def overview(request, pk: int):
    year = _year(request, pk)
    steps = services.timeline(year.cy)
    actions = _step_actions(year)
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
    return _render(request, "emulation/year/overview.html", year, "overview", rows=rows, done=done,
                   total=len(steps), next_year=services.next_year(year.cy), today=date.today(),
                   previous=ClusterYear.objects.filter(cluster=year.cy.cluster, year=year.cy.year - 1).first())


# --------------------------------------------------------------------------- 1. opening the year, framework


def _default_opening(cy: ClusterYear, prev: ClusterYear | None) -> date:
    """The day a year is usually opened: the review conference of the year before (where the new pact is signed),
    else, for a past year being entered now, mid-January of that year; today only for the current year."""
    conference = services.review_conference(prev) if prev else None
    if conference is not None and conference.held_on.year in (cy.year - 1, cy.year):
        return conference.held_on
    today = date.today()
    return today if cy.year >= today.year else date(cy.year, 1, 15)


def _open_initial(year: Year) -> dict:
    """Defaults: last year's theme and movements, its calendar moved on by one year, the usual settings."""
    cy = year.cy
    prev = ClusterYear.objects.filter(cluster=cy.cluster, year=cy.year - 1).first()
    initial = {"theme": cy.theme or (prev.theme if prev else ""), "opened_on": _default_opening(cy, prev),
               "min_cross_scorers": 2, "rotation_years": 3, "copy_framework": bool(prev and prev.criteria.exists())}
    if prev:
        initial["movements"] = list(prev.movements.values_list("pk", flat=True))
        prev_run = YearRun.objects.filter(cluster_year=prev).first()
        if prev_run:
            initial.update(min_cross_scorers=prev_run.min_cross_scorers, rotation_years=prev_run.rotation_years)
        for step, due in Milestone.objects.filter(cluster_year=prev).values_list("step", "due_on"):
            try:
                initial[f"due_{step}"] = due.replace(year=due.year + 1)
            except ValueError:  # 29 February
                initial[f"due_{step}"] = due.replace(year=due.year + 1, day=28)
    return initial


@login_required
def open_year(request, pk: int):
    year = _year(request, pk)
    cy = year.cy
    prev = ClusterYear.objects.filter(cluster=cy.cluster, year=cy.year - 1).first()
    form = None
    if year.roles.can_lead and not year.opened:
        form = f.OpenYearForm(request.POST or None, initial=_open_initial(year), year=cy.year)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            run = _attempt(request, services.open_year, request.user, cy, theme=d["theme"], opened_on=d["opened_on"],
                           movements=list(d["movements"]), milestones=form.milestones(),
                           copy_framework=d["copy_framework"], min_cross_scorers=d["min_cross_scorers"],
                           rotation_years=d["rotation_years"])
            if run:
                text = _("Đã mở năm thi đua %(year)s.") % {"year": cy.year}
                if d["copy_framework"]:
                    text += " " + _("Đã sao chép %(i)s chỉ tiêu và %(c)s tiêu chí của năm %(prev)s để chỉnh sửa.") % {
                        "i": cy.indicators.count(), "c": cy.criteria.count(), "prev": cy.year - 1}
                messages.success(request, text)
                return redirect(year.url("year"))
    elif request.method == "POST":
        _attempt(request, services.open_year, request.user, cy, theme=request.POST.get("theme", ""),
                 opened_on=date.today())
        return redirect(year.url("year-open"))
    calendar = dict(Milestone.objects.filter(cluster_year=cy).values_list("step", "due_on"))
    return _render(request, "emulation/year/open.html", year, "open", form=form, previous=prev,
                   calendar=[(s.label, calendar.get(s.value)) for s in Step if s.value in calendar],
                   movements=cy.movements.select_related("launched_by"))


@login_required
def framework_page(request, pk: int):
    year = _year(request, pk)
    cy = year.cy
    tree = framework(cy)
    indicators = list(cy.indicators.all())
    groups = [c for c, _ in tree if c.kind == CriterionKind.GROUP]
    editable = year.roles.can_lead and year.opened and not year.locked
    action = request.POST.get("action") if request.method == "POST" else None
    editing = next((c for c, _ in tree if c.code == (request.POST.get("code") if action == "criterion"
                                                       else request.GET.get("sua"))), None)
    editing_ind = next((i for i in indicators if i.code == (request.POST.get("code") if action == "indicator"
                                                            else request.GET.get("sua-chi-tieu"))), None)
    crit_initial = {"order": (max((c.order for c, _ in tree), default=-1) + 1)}
    if editing:
        crit_initial = {"code": editing.code, "name": editing.name, "kind": editing.kind,
                        "max_points": editing.max_points, "parent_code": editing.parent.code if editing.parent else "",
                        "indicator_code": editing.indicator.code if editing.indicator else "",
                        "bonus_per_percent": editing.bonus_per_percent, "bonus_cap": editing.bonus_cap,
                        "guidance": editing.guidance, "order": editing.order}
    ind_initial = {"aggregation": "sum", "percent_decimals": 1}
    if editing_ind:
        ind_initial = {k: getattr(editing_ind, k) for k in ("code", "name", "unit", "aggregation", "percent_decimals")}
    crit_form = f.CriterionForm(request.POST if action == "criterion" else None, initial=crit_initial,
                                groups=groups, indicators=indicators, editing=bool(editing))
    ind_form = f.IndicatorForm(request.POST if action == "indicator" else None, initial=ind_initial,
                               editing=bool(editing_ind))
    deletes = {"delete-criterion": (services.delete_criterion, _("Đã xóa tiêu chí %(code)s."), ""),
               "delete-indicator": (services.delete_indicator, _("Đã xóa chỉ tiêu %(code)s."), "#chi-tieu")}
    if request.method == "POST" and action in deletes:  # the service refuses (and audits) whoever may not
        fn, message, anchor = deletes[action]
        code = request.POST.get("code", "")
        _attempt(request, fn, request.user, cy, code=code, success=message % {"code": code})
        return redirect(year.url("year-framework") + anchor)
    if request.method == "POST" and not editable:  # not the chair, not open, locked: the service says which
        if action == "indicator":
            _attempt(request, services.save_indicator, request.user, cy, code=request.POST.get("code", "") or "-",
                     name=request.POST.get("name", "") or "-", unit=request.POST.get("unit", ""))
        elif action == "criterion":
            _attempt(request, services.save_criterion, request.user, cy, code=request.POST.get("code", "") or "-",
                     name=request.POST.get("name", "") or "-", kind=CriterionKind.MANUAL, max_points=0)
        else:
            return HttpResponseNotAllowed(["GET"])
        return redirect(year.url("year-framework"))
    if request.method == "POST":
        if action == "criterion" and crit_form.is_valid():
            d = crit_form.cleaned_data
            done = _attempt(request, services.save_criterion, request.user, cy, code=d["code"], name=d["name"],
                            kind=d["kind"], max_points=d["max_points"], parent_code=d["parent_code"],
                            indicator_code=d["indicator_code"], bonus_per_percent=d["bonus_per_percent"],
                            bonus_cap=d["bonus_cap"], guidance=d["guidance"], order=d["order"] or 0,
                            success=_("Đã lưu tiêu chí %(code)s.") % {"code": d["code"]})
            if done:
                return redirect(year.url("year-framework"))
        elif action == "indicator" and ind_form.is_valid():
            d = ind_form.cleaned_data
            done = _attempt(request, services.save_indicator, request.user, cy, code=d["code"], name=d["name"],
                            unit=d["unit"], aggregation=d["aggregation"], percent_decimals=d["percent_decimals"],
                            success=_("Đã lưu chỉ tiêu %(code)s.") % {"code": d["code"]})
            if done:
                return redirect(year.url("year-framework") + "#chi-tieu")
        elif action not in ("criterion", "indicator"):
            return HttpResponseNotAllowed(["GET"])
    rows = [{"c": c, "depth": d, "max": group_max(c, tree), "indent": range(d)} for c, d in tree]
    return _render(request, "emulation/year/framework.html", year, "framework", rows=rows, indicators=indicators,
                   max_total=max_total(tree), editable=editable, crit_form=crit_form, ind_form=ind_form,
                   editing=editing, editing_ind=editing_ind, kinds=CriterionKind)


# --------------------------------------------------------------------------- 2. registration and pact


@login_required
def register(request, pk: int):
    year = _year(request, pk)
    cy = year.cy
    indicators = list(cy.indicators.all())
    member, allowed = _acting_member(year, request, authority_may=True)
    targets = {(t.indicator_id, t.member_id): t for t in Target.objects.filter(indicator__cluster_year=cy)}
    registered: dict[int, list[AwardType]] = {}
    for r in TitleRegistration.objects.filter(cluster_year=cy).select_related("award_type").order_by("-award_type__rank"):
        registered.setdefault(r.member_id, []).append(r.award_type)
    form = None
    can_register = year.opened and not year.locked and (year.roles.is_member or year.roles.is_authority)
    if member is not None and allowed and can_register:
        mine = {a.code for a in registered.get(member.pk, [])}
        initial = {f"plan_{i.code}": targets[(i.pk, member.pk)].planned for i in indicators
                   if (i.pk, member.pk) in targets}
        initial["titles"] = sorted(mine)
        form = f.RegistrationForm(request.POST or None, initial=initial, indicators=indicators,
                                  award_types=f.title_choices(cy))
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data

            def current(i):
                t = targets.get((i.pk, member.pk))
                return t.planned if t else None

            plans = {i.code: d[f"plan_{i.code}"] for i in indicators if d[f"plan_{i.code}"] != current(i)}
            titles = [c for c in d["titles"] if c not in mine]
            if not plans and not titles:
                messages.info(request, _("Không có thay đổi."))
                return redirect(year.url("year-register", **{"don-vi": member.pk}))
            if _attempt(request, services.register, request.user, cy, member, plans=plans, titles=titles,
                        success=_("Đã lưu đăng ký của %(org)s.") % {"org": member.name}):
                return redirect(year.url("year-register", **{"don-vi": member.pk}))
    elif request.method == "POST":
        # Not the user's member, or the year is not open / is locked: the service says why; nothing changes.
        target = _someone(year, request, member)
        if target is not None and _attempt(request, services.register, request.user, cy, target, plans={}):
            messages.info(request, _("Không có thay đổi."))
        return redirect(year.url("year-register"))
    table = [{"member": m, "plans": [targets.get((i.pk, m.pk)) for i in indicators],
              "titles": registered.get(m.pk, [])} for m in year.members]
    return _render(request, "emulation/year/register.html", year, "register", form=form, member=member,
                   indicators=indicators, table=table, can_register=can_register,
                   registered_titles=registered.get(member.pk, []) if member else [])


@login_required
def pact(request, pk: int):
    year = _year(request, pk)
    cy = year.cy
    the_pact = Pact.objects.filter(cluster_year=cy).first()
    signatures = {s.member_id: s for s in PactSignature.objects.filter(pact__cluster_year=cy)}
    action = request.POST.get("action") if request.method == "POST" else None
    pact_form = sign_form = None
    if year.roles.can_lead and not signatures:
        pact_form = f.PactForm(request.POST if action == "pact" else None, initial={
            "title": the_pact.title if the_pact else _("Giao ước thi đua năm %(year)s của %(cluster)s") % {
                "year": cy.year, "cluster": cy.cluster.name},
            "commitments": the_pact.commitments if the_pact else ""})
    unsigned = [m for m in year.my_members if m.pk not in signatures]
    member, allowed = _choose(year, request, unsigned)
    if the_pact and member and allowed:
        sign_form = f.SignForm(request.POST if action == "sign" else None, initial={"signed_on": date.today()})
    if request.method == "POST":
        if action == "pact" and pact_form is not None:
            if pact_form.is_valid():
                if _attempt(request, services.save_pact, request.user, cy, title=pact_form.cleaned_data["title"],
                            commitments=pact_form.cleaned_data["commitments"],
                            conference=services.review_conference(cy), success=_("Đã lưu giao ước.")):
                    return redirect(year.url("year-pact"))
        elif action == "sign" and sign_form is not None:
            if sign_form.is_valid():
                d = sign_form.cleaned_data
                if _attempt(request, services.sign_pact, request.user, cy, member, signatory=d["signatory"],
                            position=d["position"], signed_on=d["signed_on"],
                            success=_("%(org)s đã ký giao ước.") % {"org": member.name}):
                    return redirect(year.url("year-pact"))
        elif action == "sign":  # already signed, no pact, not the user's member: the service says which
            target = _someone(year, request, member)
            if target is not None:
                _attempt(request, services.sign_pact, request.user, cy, target,
                         signatory=request.POST.get("signatory", "") or "-",
                         position=request.POST.get("position", "") or "-", signed_on=date.today())
            return redirect(year.url("year-pact"))
        elif action == "pact":
            _attempt(request, services.save_pact, request.user, cy, title=request.POST.get("title", "") or "-",
                     commitments=request.POST.get("commitments", "") or "-")
            return redirect(year.url("year-pact"))
        else:
            return HttpResponseNotAllowed(["GET"])
    rows = [{"member": m, "sig": signatures.get(m.pk)} for m in year.members]
    return _render(request, "emulation/year/pact.html", year, "pact", pact=the_pact, rows=rows,
                   signed=len(signatures), pact_form=pact_form, sign_form=sign_form, member=member,
                   commitments=[line.strip(" -•") for line in (the_pact.commitments if the_pact else "").splitlines()
                                if line.strip()])


# --------------------------------------------------------------------------- 3. results


@login_required
def results(request, pk: int):
    year = _year(request, pk)
    cy = year.cy
    period = request.POST.get("period") or request.GET.get("ky") or ResultReport.Period.YEAR_END
    if period not in ResultReport.Period.values:
        period = ResultReport.Period.YEAR_END
    indicators = list(cy.indicators.all())
    member, allowed = _acting_member(year, request)
    reports = {(r.target.indicator_id, r.target.member_id, r.period): r
               for r in ResultReport.objects.filter(target__indicator__cluster_year=cy).select_related("target")}
    targets = {(t.indicator_id, t.member_id): t for t in Target.objects.filter(indicator__cluster_year=cy)}
    form = None
    if member is not None and allowed and year.opened and not year.locked and indicators:
        initial = {"period": period}
        for i in indicators:
            r = reports.get((i.pk, member.pk, period))
            if r:
                initial[f"value_{i.code}"] = r.value
        form = f.ResultForm(request.POST or None, request.FILES or None, initial=initial, indicators=indicators)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            changes = []
            for i in indicators:
                value, evidence = d[f"value_{i.code}"], d.get(f"evidence_{i.code}")
                old = reports.get((i.pk, member.pk, period))
                if value is None and evidence is not None and old is not None:
                    value = old.value
                if value is None or (old is not None and old.value == value and evidence is None):
                    continue
                changes.append((i, value, evidence))
            if not changes:
                messages.info(request, _("Không có thay đổi."))
                return redirect(year.url("year-results", ky=period))
            if _all_or_nothing(request, [
                    partial(services.report_result, request.user, cy, member, i, period=period, value=value,
                            evidence=evidence) for i, value, evidence in changes]):
                messages.success(request, _("Đã lưu %(n)s kết quả của %(org)s (%(period)s).") % {
                    "n": len(changes), "org": member.name, "period": ResultReport.Period(period).label.lower()})
                return redirect(year.url("year-results", ky=period))
    elif request.method == "POST":  # not the user's member, not open, locked: the service says which
        target = _someone(year, request, member)
        if target is not None and indicators:
            _attempt(request, services.report_result, request.user, cy, target, indicators[0], period=period,
                     value=request.POST.get(f"value_{indicators[0].code}") or "0")
        return redirect(year.url("year-results", ky=period))
    summaries = indicator_summaries(cy)
    by_member = [{r.member.pk: r for r in s.members} for s in summaries]
    matrix = []
    for m in year.members:
        cells = []
        for s, rows in zip(summaries, by_member, strict=True):
            r = rows[m.pk]
            mid = reports.get((s.indicator.pk, m.pk, ResultReport.Period.MID_YEAR))
            end = reports.get((s.indicator.pk, m.pk, ResultReport.Period.YEAR_END))
            cells.append({"r": r, "ind": s.indicator, "mid": mid, "end": end})
        matrix.append({"member": m, "cells": cells})
    my_rows = []
    if member is not None:
        for i in indicators:
            t = targets.get((i.pk, member.pk))
            my_rows.append({"ind": i, "planned": t.planned if t else None,
                            "mid": reports.get((i.pk, member.pk, ResultReport.Period.MID_YEAR)),
                            "end": reports.get((i.pk, member.pk, ResultReport.Period.YEAR_END))})
    form_rows = []
    if form is not None:
        for (ind, value, evidence_field), mine in zip(form.rows(), my_rows, strict=True):
            form_rows.append({"ind": ind, "value": value, "evidence": evidence_field, "planned": mine["planned"],
                              "report": mine["mid"] if period == ResultReport.Period.MID_YEAR else mine["end"]})
    missing = None
    if year.roles.can_lead and year.opened:
        missing = [(label, services.not_reported(cy, p)) for p, label in ResultReport.Period.choices]
    return _render(request, "emulation/year/results.html", year, "results", form=form, member=member,
                   period=period, periods=ResultReport.Period.choices, summaries=summaries, matrix=matrix,
                   missing=missing, form_rows=form_rows)


@login_required
def evidence(request, pk: int, kind: str, obj: int):
    """An evidence file, for whoever may see the cluster year."""
    year = _year(request, pk)
    if kind == "ket-qua":
        row = get_object_or_404(ResultReport, pk=obj, target__indicator__cluster_year=year.cy)
    elif kind == "diem":
        row = get_object_or_404(Score, pk=obj, criterion__cluster_year=year.cy)
    else:
        raise Http404
    if not row.evidence:
        raise Http404
    return serve_file(row.evidence)


# --------------------------------------------------------------------------- 4. scoring


@login_required
def scores(request, pk: int):
    """Ranking with the tie-breaks, progress of the scoring, the lock."""
    year = _year(request, pk)
    cy = year.cy
    if request.method == "POST":
        if request.POST.get("action") != "lock":
            return HttpResponseNotAllowed(["GET"])
        if request.POST.get("confirm") != "1":
            _error(request, _("Cần xác nhận khóa điểm."))
        else:
            _attempt(request, services.lock_scores, request.user, cy,
                     success=_("Đã khóa điểm năm %(year)s; xếp hạng đã chốt.") % {"year": cy.year})
        return redirect(year.url("year-scores"))
    sheet = score_sheet(cy)
    hand = [c for c in sheet.leaves if c.is_hand_scored]
    min_cross = year.run.min_cross_scorers if year.run else 0
    progress = []
    for r in sheet.rows:
        self_n = sum(1 for c in hand if r.cells[c.pk].self_points is not None)
        cross_n = min((len(r.cells[c.pk].cross) for c in hand), default=0)
        progress.append({"row": r, "self_n": self_n, "cross_n": cross_n})
    return _render(request, "emulation/year/scores.html", year, "scores", sheet=sheet, progress=progress,
                   hand=hand, min_cross=min_cross, tie_breaks=TIE_BREAKS, subtab="ranking",
                   can_lock=year.roles.can_lead and year.opened and not year.locked)


def _save_scores(request, year: Year, member: Organization, criteria, form, round_: str, existing: dict,
                 scorer: Organization | None = None) -> bool | None:
    """Save the changed rows of a self/cross score form in one transaction (all or nothing).
    Returns True when saved, False when nothing changed, None when refused."""
    d = form.cleaned_data
    changes = []
    for c in criteria:
        points, comment = d[f"points_{c.pk}"], d[f"comment_{c.pk}"].strip()
        evidence = d.get(f"evidence_{c.pk}")
        old = existing.get(c.pk)
        if points is None:
            if old is None or (comment == old.comment and evidence is None):
                continue
            points = old.points
        if old is not None and old.points == points and old.comment == comment and evidence is None:
            continue
        changes.append((c, points, comment, evidence))
    if not changes:
        messages.info(request, _("Không có thay đổi."))
        return False
    if not _all_or_nothing(request, [
            partial(services.score, request.user, year.cy, member=member, criterion=c, round=round_, points=points,
                    comment=comment, evidence=evidence, scorer=scorer) for c, points, comment, evidence in changes]):
        return None
    messages.success(request, _("Đã lưu %(n)s điểm cho %(org)s.") % {"n": len(changes), "org": member.name})
    return True


@login_required
def self_score(request, pk: int):
    year = _year(request, pk)
    cy = year.cy
    member, allowed = _acting_member(year, request)
    hand = _hand_criteria(cy)
    sheet = score_sheet(cy)
    form = None
    existing = {}
    if member is not None:
        existing = {s.criterion_id: s for s in Score.objects.filter(criterion__cluster_year=cy, member=member,
                                                                    round=ScoreRound.SELF)}
    if member is not None and allowed and year.opened and not year.locked and hand:
        initial = {}
        for c in hand:
            if c.pk in existing:
                initial[f"points_{c.pk}"] = existing[c.pk].points
                initial[f"comment_{c.pk}"] = existing[c.pk].comment
        form = f.ScoreForm(request.POST or None, request.FILES or None, initial=initial, criteria=hand, evidence=True)
        if request.method == "POST" and form.is_valid():
            if _save_scores(request, year, member, hand, form, ScoreRound.SELF, existing) is not None:
                return redirect(year.url("year-self-score"))
    elif request.method == "POST":  # not the user's member, not open, locked: the service says which
        target = _someone(year, request, member)
        if target is not None and hand:
            _attempt(request, services.score, request.user, cy, member=target, criterion=hand[0],
                     round=ScoreRound.SELF, points="0")
        return redirect(year.url("year-self-score"))
    row = sheet.row_for(member.pk) if member else None
    lines = []
    for c, depth in sheet.criteria:
        cell = row.cells.get(c.pk) if row else None
        lines.append({"c": c, "depth": depth, "cell": cell, "old": existing.get(c.pk),
                      "fields": form.row(c) if form and c.is_hand_scored else None})
    matrix = [{"member": r.member, "points": [r.cells[c.pk].self_points for c in hand], "total": r.self_total}
              for r in sorted(sheet.rows, key=lambda r: fold(r.member.name))]
    return _render(request, "emulation/year/self_score.html", year, "scores", subtab="self", sheet=sheet,
                   member=member, form=form, lines=lines, hand=hand, row=row, matrix=matrix)


@login_required
def cross_score(request, pk: int):
    year = _year(request, pk)
    cy = year.cy
    roles = year.roles
    hand = _hand_criteria(cy)
    assignments = list(CrossAssignment.objects.filter(cluster_year=cy).select_related("scorer", "member"))
    cross_scores = list(Score.objects.filter(criterion__cluster_year=cy, round=ScoreRound.CROSS))
    started = bool(cross_scores)
    can_assign = roles.can_lead and year.opened and not year.locked and not started
    action = request.POST.get("action") if request.method == "POST" else None
    mine = [a for a in assignments if a.scorer_id in roles.member_ids]
    targets = sorted({a.member for a in mine}, key=lambda o: fold(o.name))
    target, allowed = _choose(year, request, targets, "thanh-vien")
    scorer = next((a.scorer for a in mine if allowed and a.member_id == target.pk), None)
    form = None
    existing = {}
    if target is not None and scorer is not None:
        existing = {s.criterion_id: s for s in cross_scores if s.member_id == target.pk and s.scorer_id == scorer.pk}
    if target is not None and allowed and year.opened and not year.locked and hand:
        initial = {}
        for c in hand:
            if c.pk in existing:
                initial[f"points_{c.pk}"], initial[f"comment_{c.pk}"] = existing[c.pk].points, existing[c.pk].comment
        form = f.ScoreForm(request.POST if action == "score" else None, initial=initial, criteria=hand)
    if request.method == "POST":
        if action == "auto":
            _attempt(request, services.assign_cross_scoring, request.user, cy,
                     success=_("Đã phân công chấm chéo theo vòng luân phiên."))
            return redirect(year.url("year-cross-score") + "#phan-cong")
        elif action == "manual":
            by_pk = {m.pk: m for m in year.members}
            pairs = []
            for raw in request.POST.getlist("pair"):
                try:
                    s_pk, m_pk = (int(x) for x in raw.split("-"))
                    pairs.append((by_pk[s_pk], by_pk[m_pk]))
                except (ValueError, KeyError):
                    raise Http404 from None
            _attempt(request, services.assign_cross_scoring, request.user, cy, pairs,
                     success=_("Đã lưu phân công chấm chéo (%(n)s cặp).") % {"n": len(pairs)})
            return redirect(year.url("year-cross-score") + "#phan-cong")
        elif action == "score":
            if form is not None:
                if form.is_valid():
                    saved = _save_scores(request, year, target, hand, form, ScoreRound.CROSS, existing, scorer=scorer)
                    if saved is not None:
                        return redirect(year.url("year-cross-score", **{"thanh-vien": target.pk}))
            else:  # not assigned (or locked): the service refuses with its reason
                member = target or next(iter(year.members), None)
                if member is not None and hand:
                    _attempt(request, services.score, request.user, cy, member=member, criterion=hand[0],
                             round=ScoreRound.CROSS, points="0")
                return redirect(year.url("year-cross-score"))
        else:
            return HttpResponseNotAllowed(["GET"])
    by_member: dict[int, list[Organization]] = {}
    for a in assignments:
        by_member.setdefault(a.member_id, []).append(a.scorer)
    done = {}
    for s in cross_scores:
        done[(s.scorer_id, s.member_id)] = done.get((s.scorer_id, s.member_id), 0) + 1
    pairs = {(a.scorer_id, a.member_id) for a in assignments}
    assignment_rows = [{"member": m, "scorers": [{"org": s, "done": done.get((s.pk, m.pk), 0)}
                                                 for s in sorted(by_member.get(m.pk, []), key=lambda o: fold(o.name))]}
                       for m in year.members]
    grid = [{"scorer": s, "cells": [{"member": m, "self": s.pk == m.pk, "on": (s.pk, m.pk) in pairs}
                                    for m in year.members]} for s in year.members]
    self_scores = {}
    if target is not None:
        self_scores = {s.criterion_id: s for s in Score.objects.filter(criterion__cluster_year=cy, member=target,
                                                                       round=ScoreRound.SELF)}
    lines = [{"c": c, "self": self_scores.get(c.pk), "old": existing.get(c.pk),
              "fields": form.row(c) if form else None} for c in hand]
    return _render(request, "emulation/year/cross_score.html", year, "scores", subtab="cross", hand=hand,
                   assignment_rows=assignment_rows, grid=grid, can_assign=can_assign, started=started,
                   targets=targets, target=target, scorer=scorer, form=form, lines=lines,
                   has_assignments=bool(assignments), min_cross=year.run.min_cross_scorers if year.run else None)


@login_required
def consolidate(request, pk: int):
    """The chair's consolidation grid: self / each cross / mean / final with its reason."""
    year = _year(request, pk)
    cy = year.cy
    sheet = score_sheet(cy)
    hand = [c for c in sheet.leaves if c.is_hand_scored]
    member = _member_param(year, request, "thanh-vien") or (year.members[0] if year.members else None)
    row = sheet.row_for(member.pk) if member else None
    editable = year.roles.can_lead and year.opened and not year.locked and bool(hand)
    form = None
    if row is not None and editable:
        initial = {}
        for c in hand:
            cell = row.cells[c.pk]
            if cell.final_stored is not None:
                initial[f"final_{c.pk}"], initial[f"reason_{c.pk}"] = cell.final_stored, cell.final_reason
        form = f.FinalScoreForm(request.POST or None, initial=initial, criteria=hand)
        if request.method == "POST" and form.is_valid():
            changes = []
            for c in hand:
                value, reason = form.cleaned_data[f"final_{c.pk}"], form.cleaned_data[f"reason_{c.pk}"].strip()
                cell = row.cells[c.pk]
                if value is None or (value == cell.final_stored and reason == cell.final_reason):
                    continue
                changes.append((c, value, reason))
            if not changes:
                messages.info(request, _("Không có thay đổi."))
                return redirect(year.url("year-consolidate", **{"thanh-vien": member.pk}))
            if _all_or_nothing(request, [
                    partial(services.score, request.user, cy, member=member, criterion=c, round=ScoreRound.FINAL,
                            points=value, reason=reason) for c, value, reason in changes]):
                messages.success(request, _("Đã lưu %(n)s điểm tổng hợp của %(org)s.") % {
                    "n": len(changes), "org": member.name})
                return redirect(year.url("year-consolidate", **{"thanh-vien": member.pk}))
    elif request.method == "POST":  # not the chair, not open, locked: the service says which
        if member is not None and hand:
            current = row.cells[hand[0].pk].final if row else None
            _attempt(request, services.score, request.user, cy, member=member, criterion=hand[0],
                     round=ScoreRound.FINAL, points=current if current is not None else 0)
        return redirect(year.url("year-consolidate", **({"thanh-vien": member.pk} if member else {})))
    scorers = []
    if row is not None:
        names = {}
        for c in hand:
            for s, _p, _c in row.cells[c.pk].cross:
                names[s.pk] = s
        scorers = sorted(names.values(), key=lambda o: fold(o.name))
    lines = []
    for c in hand:
        cell = row.cells[c.pk] if row else None
        by_scorer = {s.pk: (p, comment) for s, p, comment in cell.cross} if cell else {}
        lines.append({"c": c, "cell": cell, "cross": [by_scorer.get(s.pk) for s in scorers],
                      "fields": form.row(c) if form else None})
    return _render(request, "emulation/year/consolidate.html", year, "scores", subtab="consolidate", sheet=sheet,
                   member=member, row=row, lines=lines, scorers=scorers, form=form, editable=editable)


@login_required
def score_history(request, pk: int):
    """Every change of the year's score rows (thidua.core.audit: who, when, before, after, why)."""
    year = _year(request, pk)
    cy = year.cy
    member = _member_param(year, request, "thanh-vien")
    rows = Score.objects.filter(criterion__cluster_year=cy)
    if member is not None:
        rows = rows.filter(member=member)
    # The same rows audit.history(score) returns, for all the year's scores in one query.
    events = AuditEvent.objects.filter(object_type=Score._meta.label_lower,
                                       object_id__in=[str(pk) for pk in rows.values_list("pk", flat=True)]
                                       ).order_by("-at", "-id")
    page = Paginator(events, HISTORY_PAGE).get_page(request.GET.get("page"))
    for e in page:
        e.points_before = (e.before or {}).get("points")
        e.points_after = (e.after or {}).get("points")
    return _render(request, "emulation/year/score_history.html", year, "scores", subtab="history", page=page,
                   events=page.object_list, member=member)


# --------------------------------------------------------------------------- 5. votes and handover


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


def _session_state(s: VoteSession, now) -> str:
    if s.is_closed:
        return "closed"
    if now < s.opens_at:
        return "pending"
    if now >= s.closes_at:
        return "expired"
    return "open"


@login_required
def votes(request, pk: int):
    year = _year(request, pk)
    cy = year.cy
    lead = year.roles.can_lead
    conf = services.review_conference(cy)
    nxt = services.next_year(cy)
    handover = FlagHandover.objects.filter(conference=conf).select_related("from_org", "to_org").first() if conf else None
    action = request.POST.get("action") if request.method == "POST" else None
    sessions = list(VoteSession.objects.filter(cluster_year=cy).order_by("opens_at", "kind", "round"))
    decided = {s.kind for s in sessions if s.outcome_applied_at}
    open_kinds = {s.kind for s in sessions if not s.is_closed}
    pending_kinds = [k for k in VoteKind.values if k not in decided and k not in open_kinds]
    default_kind = pending_kinds[0] if pending_kinds else VoteKind.CERTIFICATE
    kind = request.POST.get("kind") or request.GET.get("kind") or default_kind
    if kind not in VoteKind.values:
        kind = default_kind
    review_form = vote_form = handover_form = None
    if lead and conf is None:
        review_form = f.ReviewForm(request.POST if action == "review" else None, initial={
            "title": _("Hội nghị tổng kết công tác thi đua, khen thưởng năm %(year)s của %(cluster)s") % {
                "year": cy.year, "cluster": cy.cluster.name},
            "held_on": _default_review_day(cy), "place": cy.chair.name})
    if lead and conf is not None and year.opened:
        candidates, seats = _default_candidates(year, kind, score_sheet(cy))
        vote_form = f.VoteOpenForm(request.POST if action == "open" else None,
                                   members=cy.members.order_by("name_folded"),
                                   initial={"kind": kind, "candidates": candidates, "seats": seats,
                                            **f.WindowForm.default_window(on=conf.held_on)})
        # Choosing another kind reloads the suggested candidates and seats (htmx; a plain GET without JS).
        vote_form.fields["kind"].widget.attrs.update({
            "hx-get": year.url("year-votes"), "hx-trigger": "change", "hx-select": "#mo-phien",
            "hx-target": "#mo-phien", "hx-swap": "outerHTML"})
    if lead and nxt is not None and conf is not None and handover is None:
        handover_form = f.HandoverForm(request.POST if action == "handover" else None, initial={
            "handed_on": conf.held_on, "handed_by": _("Đại diện lãnh đạo tỉnh %(org)s") % {"org": cy.chair.name}})
    if request.method == "POST":
        offered = {"review": review_form, "open": vote_form, "handover": handover_form}
        if action not in offered:
            return HttpResponseNotAllowed(["GET"])
        form = offered[action]
        if form is None:  # not offered to this user, or not in this state: the service says why, nothing changes
            post = request.POST
            if action == "review":
                _attempt(request, services.schedule_review, request.user, cy, title=post.get("title") or "-",
                         held_on=date.today(), place=post.get("place") or "-")
            elif action == "open":
                _attempt(request, services.open_vote, request.user, cy, kind=kind, candidates=[],
                         opens_at=timezone.now(), closes_at=timezone.now() + timedelta(hours=1))
            else:
                _attempt(request, services.hand_over_flag, request.user, cy, handed_on=date.today())
            return redirect(year.url("year-votes"))
        if form.is_valid():
            d = form.cleaned_data
            if action == "review":
                if _attempt(request, services.schedule_review, request.user, cy, title=d["title"],
                            held_on=d["held_on"], place=d["place"], success=_("Đã lập hội nghị tổng kết.")):
                    return redirect(year.url("year-votes"))
            elif action == "open":
                session = _attempt(request, services.open_vote, request.user, cy, kind=d["kind"],
                                   candidates=list(d["candidates"]), opens_at=d["opens_at"],
                                   closes_at=d["closes_at"], seats=d["seats"],
                                   threshold_percent=d["threshold_percent"], threshold_strict=d["threshold_strict"],
                                   quorum_percent=d["quorum_percent"], quorum_strict=d["quorum_strict"])
                if session:
                    messages.success(request, _("Đã mở phiên bỏ phiếu “%(s)s”.") % {"s": session})
                    return redirect(year.url("year-vote", session.pk))
            elif _attempt(request, services.hand_over_flag, request.user, cy, handed_on=d["handed_on"],
                          handed_by=d["handed_by"], success=_("Đã ghi nhận trao cờ luân lưu.")):
                return redirect(year.url("year-votes") + "#trao-co")
        # invalid or refused: the form is shown again with what was typed
    now = timezone.now()
    voted = set(VoteParticipation.objects.filter(session__cluster_year=cy, member_id__in=year.roles.member_ids)
                .values_list("session_id", flat=True))
    n_voted = dict(VoteParticipation.objects.filter(session__cluster_year=cy).values("session_id")
                   .annotate(n=Count("pk")).values_list("session_id", "n"))
    session_rows = [{"s": s, "state": _session_state(s, now), "tally": tally(s) if s.is_closed else None,
                     "voted": s.pk in voted, "n_voted": n_voted.get(s.pk, 0)} for s in sessions]
    return _render(request, "emulation/year/votes.html", year, "votes", conf=conf, next_year=nxt,
                   handover=handover, sessions=session_rows, review_form=review_form, vote_form=vote_form,
                   handover_form=handover_form, kind=kind, all_decided=not pending_kinds,
                   proposals=cy.proposals.select_related(
                       "organization", "award_type"), locked=year.locked)


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


@login_required
def vote(request, pk: int, sid: int):
    year = _year(request, pk)
    cy = year.cy
    session = get_object_or_404(VoteSession.objects.select_related("award_type", "conference"), pk=sid,
                                cluster_year=cy)
    candidates = (Organization.objects.filter(pk__in=session.candidates.values("organization_id"))
                  .order_by("name_folded"))
    voted_ids = set(VoteParticipation.objects.filter(session=session).values_list("member_id", flat=True))
    mine = year.my_members
    member, allowed = _choose(year, request, [m for m in mine if m.pk not in voted_ids])
    now = timezone.now()
    state = _session_state(session, now)
    action = request.POST.get("action") if request.method == "POST" else None
    ballot = None
    if member is not None and allowed and state == "open":
        ballot = f.BallotForm(request.POST if action == "ballot" else None, candidates=candidates,
                              seats=session.seats)
    tie_form = None
    result = tally(session) if session.is_closed else None
    following = VoteSession.objects.filter(previous=session).first()
    if year.roles.can_lead and result and result.needs_new_round and following is None:
        tie_form = f.WindowForm(request.POST if action == "tie" else None, initial=f.WindowForm.default_window(1))
    if request.method == "POST":
        if action == "ballot":
            if ballot is not None:
                if ballot.is_valid():  # accepted or refused, back to the session (nothing to keep on the form)
                    _attempt(request, services.cast_ballot, request.user, session, member,
                             list(ballot.cleaned_data["choices"]),
                             success=_("%(org)s đã bỏ phiếu. Kết quả được công bố khi phiên kết thúc.") % {
                                 "org": member.name})
                    return redirect(year.url("year-vote", session.pk))
            else:  # already voted, outside the window, or not a member: the service says which
                voter = _someone(year, request, member)
                if voter is not None:
                    chosen = list(candidates.filter(pk__in=[int(x) for x in request.POST.getlist("choices")
                                                           if x.isdigit()]))
                    _attempt(request, services.cast_ballot, request.user, session, voter, chosen)
                return redirect(year.url("year-vote", session.pk))
        elif action == "close":
            if request.POST.get("confirm") != "1":
                _error(request, _("Cần xác nhận kết thúc phiên bỏ phiếu."))
            else:
                res = _attempt(request, services.close_vote, request.user, session)
                if res:
                    messages.success(request, _("Đã kết thúc phiên “%(s)s”; kết quả kiểm phiếu được công bố.") % {
                        "s": session})
            return redirect(year.url("year-vote", session.pk))
        elif action == "recount":
            recounted = _attempt(request, services.recount_vote, request.user, session)
            if recounted and recounted.matches:
                messages.success(request, _("Kiểm phiếu lại từ %(n)s phiếu niêm phong: khớp với kết quả đã công bố.")
                                 % {"n": recounted.tally.ballots_cast})
            elif recounted:
                _error(request, _("Kiểm phiếu lại: KHÔNG khớp với kết quả đã công bố; cần kiểm tra dữ liệu phiên."))
            return redirect(year.url("year-vote", session.pk))
        elif action == "tie":
            form = tie_form or f.WindowForm(request.POST)
            if form.is_valid():
                new = _attempt(request, services.open_tie_round, request.user, session,
                               opens_at=form.cleaned_data["opens_at"], closes_at=form.cleaned_data["closes_at"])
                if new:
                    messages.success(request, _("Đã mở vòng %(n)s giữa các đơn vị bằng phiếu.") % {"n": new.round})
                    return redirect(year.url("year-vote", new.pk))
            if tie_form is None:
                return redirect(year.url("year-vote", session.pk))
        else:
            return HttpResponseNotAllowed(["GET"])
    threshold = needed(session.electorate, session.threshold_percent, session.threshold_strict)
    quorum = needed(session.electorate, session.quorum_percent, session.quorum_strict)
    participation = [{"member": m, "voted": m.pk in voted_ids} for m in year.members]
    return _render(request, "emulation/year/vote.html", year, "votes", session=session, state=state,
                   candidates=candidates, ballot=ballot, member=member, result=result, tie_form=tie_form,
                   following=following, threshold=threshold, quorum=quorum, participation=participation,
                   my_voted=[m for m in mine if m.pk in voted_ids], voted_count=len(voted_ids),
                   proposals=session.proposals.select_related("organization", "award_type"),
                   next_year=services.next_year(cy) if session.kind in (VoteKind.CHAIR, VoteKind.DEPUTY) else None,
                   zero=Decimal(0))
