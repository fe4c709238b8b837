"""Step 3 of the cluster year: the members report their results, mid-year and year-end (/cum/<pk>/nam/ket-qua/),
with evidence files (/cum/<pk>/nam/minh-chung/…). The opening balances of cumulative indicators are in
balance_views."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from thidua.emulation import forms as f
from thidua.emulation import services
from thidua.emulation.models import ResultReport, Score, Target
from thidua.emulation.statistics import indicator_summaries
from thidua.emulation.year_views import (
    Year,
    acting_member,
    all_or_nothing,
    guarded,
    load_year,
    render_year,
    someone,
)
from thidua.lib.uploads import serve_file


def _period(request) -> str:
    period = request.POST.get("period") or request.GET.get("ky") or ResultReport.Period.YEAR_END
    return period if period in ResultReport.Period.values else ResultReport.Period.YEAR_END


def _changes(form, indicators, reports, member, period) -> list[tuple]:
    """(indicator, value, evidence) for each row that differs from the stored report; an evidence file alone
    keeps the stored value."""
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
    return changes


def _save(request, year: Year, member, form, indicators, reports, period):
    """Save the posted results in one transaction; the redirect when saved or nothing changed, else None."""
    changes = _changes(form, indicators, reports, member, period)
    if not changes:
        messages.info(request, _("Không có thay đổi."))
        return redirect(year.url("year-results", ky=period))
    if all_or_nothing(request, [
            partial(services.report_result, request.user, year.cy, member, i, period=period, value=value,
                    evidence=evidence) for i, value, evidence in changes]):
        messages.success(request, _("Đã lưu %(n)s kết quả của %(org)s (%(period)s).") % {
            "n": len(changes), "org": member.name, "period": ResultReport.Period(period).label.lower()})
        return redirect(year.url("year-results", ky=period))
    return None


def _matrix(year: Year, summaries, reports) -> list[dict]:
    by_member = [{r.member.pk: r for r in s.members} for s in summaries]
    matrix = []
    for m in year.members:
        cells = []
        for s, rows in zip(summaries, by_member, strict=True):
            mid = reports.get((s.indicator.pk, m.pk, ResultReport.Period.MID_YEAR))
            end = reports.get((s.indicator.pk, m.pk, ResultReport.Period.YEAR_END))
            cells.append({"r": rows[m.pk], "ind": s.indicator, "mid": mid, "end": end})
        matrix.append({"member": m, "cells": cells})
    return matrix


def _form_rows(form, member, indicators, targets, reports, period) -> list[dict]:
    if form is None:
        return []
    out = []
    for ind, value, evidence_field in form.rows():
        t = targets.get((ind.pk, member.pk))
        out.append({"ind": ind, "value": value, "evidence": evidence_field, "planned": t.planned if t else None,
                    "report": reports.get((ind.pk, member.pk, period))})
    return out


@login_required
def results(request, pk: int):
    year = load_year(request, pk)
    cy = year.cy
    period = _period(request)
    indicators = list(cy.indicators.all())
    member, allowed = acting_member(year, request)
    offered = member is not None and allowed and year.opened and not year.locked and indicators
    if request.method == "POST" and not offered:  # not the user's member, not open, locked: the guard says which
        target = someone(year, request, member)
        if target is not None and indicators:
            guarded(request, services.check_member_unlocked, request.user, cy, target)
        return redirect(year.url("year-results", ky=period))
    reports = {(r.target.indicator_id, r.target.member_id, r.period): r
               for r in ResultReport.objects.filter(target__indicator__cluster_year=cy).select_related("target")}
    targets = {(t.indicator_id, t.member_id): t for t in Target.objects.filter(indicator__cluster_year=cy)}
    form = None
    if offered:
        initial = {"period": period}
        for i in indicators:
            r = reports.get((i.pk, member.pk, period))
            if r:
                initial[f"value_{i.code}"] = r.value
        form = f.ResultForm(request.POST or None, request.FILES or None, initial=initial, indicators=indicators)
        if request.method == "POST" and form.is_valid():
            done = _save(request, year, member, form, indicators, reports, period)
            if done is not None:
                return done
    summaries = indicator_summaries(cy)
    missing = None
    if year.roles.can_lead and year.opened:
        missing = [(label, services.not_reported(cy, p)) for p, label in ResultReport.Period.choices]
    return render_year(request, "emulation/year/results.html", year, "results", form=form, member=member,
                       period=period, periods=ResultReport.Period.choices, summaries=summaries,
                       matrix=_matrix(year, summaries, reports), missing=missing,
                       form_rows=_form_rows(form, member, indicators, targets, reports, period))


@login_required
def evidence(request, pk: int, kind: str, obj: int):
    """An evidence file, for whoever may see the cluster year."""
    year = load_year(request, pk)
    if kind == "ket-qua":
        row = get_object_or_404(ResultReport, pk=obj, target__indicator__cluster_year=year.cy)
    elif kind == "diem":
        row = get_object_or_404(Score, pk=obj, criterion__cluster_year=year.cy)
    else:
        raise Http404
    if not row.evidence:
        raise Http404
    return serve_file(row.evidence)
