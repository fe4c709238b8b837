"""The Central Board's national page for a year: every cluster and block of the Central Council, its chair and
deputy, its progress through the year's steps, its leading units and proposals, and a chart of progress. Every
logged-in user may open it; the rows are those their scope allows (all for the Central Board)."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from thidua.emulation.national import national_year, national_years
from thidua.lib import charts


def year_param(request) -> int:
    """The year asked (?nam=), else the latest year with a cluster year, else this year."""
    raw = request.GET.get("nam", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    years = national_years()
    return years[0] if years else date.today().year


@login_required
@require_GET
def national(request):
    year = year_param(request)
    ny = national_year(request.user, year)
    running = [r for r in ny.rows if r.cy]
    chart = charts.percent_bars(
        [(r.cluster.code or r.cluster.name[:14], Decimal(r.done * 100) / r.total_steps) for r in running],
        title=_("Tiến độ các bước của năm thi đua (%)"), decimals=0) if running else None
    return render(request, "emulation/national.html", {
        "ny": ny, "year": year, "years": sorted(set(national_years()) | {year}, reverse=True), "chart": chart,
    })
