"""The opening balances of cumulative indicators: /cum/<pk>/nam/luy-ke-dau-nam/.

A running total (e.g. communes meeting the new-rural standard) carries from one year into the next: the
statistics derive this year's opening balance and base from last year's records (statistics.carried_balances).
Where there is no previous year, or a figure must be corrected, the member's office or the chair enters it here
(services.set_opening_balance); until then the pages say what is missing and the documents leave the share out.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.emulation import services
from thidua.emulation.models import Aggregation
from thidua.emulation.statistics import indicator_summaries
from thidua.emulation.year_views import attempt, load_year, member_param, render_year


@login_required
def opening_balances(request, pk: int):
    year = load_year(request, pk)
    editable = set() if year.locked or not year.opened else (
        {m.pk for m in year.members} if year.roles.can_lead else set(year.roles.member_ids))
    indicators = [
        {"summary": s, "rows": [{"r": r, "editable": r.member.pk in editable} for r in s.members]}
        for s in indicator_summaries(year.cy) if s.indicator.aggregation == Aggregation.CUMULATIVE
    ]
    return render_year(request, "emulation/year/balances.html", year, "results", indicators=indicators)


@login_required
@require_POST
def save_opening_balance(request, pk: int):
    year = load_year(request, pk)
    member = member_param(year, request)
    indicator = year.cy.indicators.filter(code=request.POST.get("chi-tieu", "")).first()
    if member is None or indicator is None:
        raise Http404
    attempt(request, services.set_opening_balance, request.user, year.cy, member, indicator,
             prior=request.POST.get("luy-ke", ""), base=request.POST.get("tong-so", ""),
             success=_("Đã lưu số lũy kế đầu năm của %(org)s.") % {"org": member.name})
    return redirect(year.url("year-balances"))
