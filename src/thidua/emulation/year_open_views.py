"""Step 1 of the cluster year: opening it (/cum/<pk>/nam/mo/) and its framework of criteria and indicators
(/cum/<pk>/nam/khung/, one URL per action: save or delete a criterion, save or delete an indicator)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.emulation import forms as f
from thidua.emulation import services
from thidua.emulation.models import ClusterYear, CriterionKind, Milestone, Step, YearRun
from thidua.emulation.scoring import framework, group_max, max_total
from thidua.emulation.year_views import Year, attempt, guarded, load_year, render_year

# --------------------------------------------------------------------------- opening the year


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


def _opened_message(cy: ClusterYear, copied: bool) -> str:
    text = _("Đã mở năm thi đua %(year)s.") % {"year": cy.year}
    if copied:
        text += " " + _("Đã sao chép %(i)s chỉ tiêu và %(c)s tiêu chí của năm %(prev)s để chỉnh sửa.") % {
            "i": cy.indicators.count(), "c": cy.criteria.count(), "prev": cy.year - 1}
    return text


@login_required
def open_year(request, pk: int):
    year = load_year(request, pk)
    cy = year.cy
    form = None
    if request.method == "POST" and not guarded(request, services.check_open_year, request.user, cy):
        return redirect(year.url("year-open"))
    if year.roles.can_lead and not year.opened:
        form = f.OpenYearForm(request.POST or None, initial=_open_initial(year), year=cy.year)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            if attempt(request, services.open_year, request.user, cy, theme=d["theme"], opened_on=d["opened_on"],
                       movements=list(d["movements"]), milestones=form.milestones(),
                       copy_framework=d["copy_framework"], min_cross_scorers=d["min_cross_scorers"],
                       rotation_years=d["rotation_years"]):
                messages.success(request, _opened_message(cy, d["copy_framework"]))
                return redirect(year.url("year"))
    calendar = dict(Milestone.objects.filter(cluster_year=cy).values_list("step", "due_on"))
    return render_year(request, "emulation/year/open.html", year, "open", form=form,
                       previous=ClusterYear.objects.filter(cluster=cy.cluster, year=cy.year - 1).first(),
                       calendar=[(s.label, calendar.get(s.value)) for s in Step if s.value in calendar],
                       movements=cy.movements.select_related("launched_by"))


# --------------------------------------------------------------------------- the framework


def _criterion_initial(editing, tree) -> dict:
    if editing is None:
        return {"order": (max((c.order for c, _ in tree), default=-1) + 1)}
    return {"code": editing.code, "name": editing.name, "kind": editing.kind, "max_points": editing.max_points,
            "parent_code": editing.parent.code if editing.parent else "",
            "indicator_code": editing.indicator.code if editing.indicator else "",
            "bonus_per_percent": editing.bonus_per_percent, "bonus_cap": editing.bonus_cap,
            "guidance": editing.guidance, "order": editing.order}


def _framework_page(request, year: Year, *, criterion_data=None, indicator_data=None):
    """The framework page; a form bound to what was posted (an invalid or refused save) is shown again."""
    cy = year.cy
    tree = framework(cy)
    indicators = list(cy.indicators.all())
    groups = [c for c, _ in tree if c.kind == CriterionKind.GROUP]
    editable = year.roles.can_lead and year.opened and not year.locked
    code = criterion_data.get("code") if criterion_data is not None else request.GET.get("sua")
    editing = next((c for c, _ in tree if c.code == code), None)
    code = indicator_data.get("code") if indicator_data is not None else request.GET.get("sua-chi-tieu")
    editing_ind = next((i for i in indicators if i.code == code), None)
    ind_initial = {"aggregation": "sum", "percent_decimals": 1}
    if editing_ind:
        ind_initial = {k: getattr(editing_ind, k) for k in ("code", "name", "unit", "aggregation", "percent_decimals")}
    crit_form = f.CriterionForm(criterion_data, initial=_criterion_initial(editing, tree), groups=groups,
                                indicators=indicators, editing=bool(editing))
    ind_form = f.IndicatorForm(indicator_data, initial=ind_initial, editing=bool(editing_ind))
    if criterion_data is not None:
        crit_form.is_valid()
    if indicator_data is not None:
        ind_form.is_valid()
    rows = [{"c": c, "depth": d, "max": group_max(c, tree), "indent": range(d)} for c, d in tree]
    return render_year(request, "emulation/year/framework.html", year, "framework", rows=rows,
                       indicators=indicators, max_total=max_total(tree), editable=editable, crit_form=crit_form,
                       ind_form=ind_form, editing=editing, editing_ind=editing_ind, kinds=CriterionKind)


@login_required
@require_GET
def framework_page(request, pk: int):
    return _framework_page(request, load_year(request, pk))


def _framework_form(request, year: Year, form_class, **kwargs):
    """The posted criterion or indicator form, once the guard allows editing (None: refused, shown)."""
    if not guarded(request, services.check_lead_unlocked, request.user, year.cy):
        return None
    return form_class(request.POST, **kwargs)


@login_required
@require_POST
def save_criterion(request, pk: int):
    year = load_year(request, pk)
    cy = year.cy
    tree = framework(cy)
    form = _framework_form(request, year, f.CriterionForm, groups=[c for c, _ in tree if c.kind == CriterionKind.GROUP],
                           indicators=list(cy.indicators.all()),
                           editing=any(c.code == request.POST.get("code") for c, _ in tree))
    if form is None:
        return redirect(year.url("year-framework"))
    if form.is_valid():
        d = form.cleaned_data
        if attempt(request, services.save_criterion, request.user, cy, code=d["code"], name=d["name"],
                   kind=d["kind"], max_points=d["max_points"], parent_code=d["parent_code"],
                   indicator_code=d["indicator_code"], bonus_per_percent=d["bonus_per_percent"],
                   bonus_cap=d["bonus_cap"], guidance=d["guidance"], order=d["order"] or 0,
                   success=_("Đã lưu tiêu chí %(code)s.") % {"code": d["code"]}):
            return redirect(year.url("year-framework"))
    return _framework_page(request, year, criterion_data=request.POST)


@login_required
@require_POST
def save_indicator(request, pk: int):
    year = load_year(request, pk)
    cy = year.cy
    form = _framework_form(request, year, f.IndicatorForm,
                           editing=cy.indicators.filter(code=request.POST.get("code", "")).exists())
    if form is None:
        return redirect(year.url("year-framework"))
    if form.is_valid():
        d = form.cleaned_data
        if attempt(request, services.save_indicator, request.user, cy, code=d["code"], name=d["name"],
                   unit=d["unit"], aggregation=d["aggregation"], percent_decimals=d["percent_decimals"],
                   success=_("Đã lưu chỉ tiêu %(code)s.") % {"code": d["code"]}):
            return redirect(year.url("year-framework") + "#chi-tieu")
    return _framework_page(request, year, indicator_data=request.POST)


@login_required
@require_POST
def delete_criterion(request, pk: int):
    year = load_year(request, pk)
    code = request.POST.get("code", "")
    attempt(request, services.delete_criterion, request.user, year.cy, code=code,
            success=_("Đã xóa tiêu chí %(code)s.") % {"code": code})
    return redirect(year.url("year-framework"))


@login_required
@require_POST
def delete_indicator(request, pk: int):
    year = load_year(request, pk)
    code = request.POST.get("code", "")
    attempt(request, services.delete_indicator, request.user, year.cy, code=code,
            success=_("Đã xóa chỉ tiêu %(code)s.") % {"code": code})
    return redirect(year.url("year-framework") + "#chi-tieu")
