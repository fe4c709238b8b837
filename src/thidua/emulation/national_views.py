"""The Central Board's national page for a year: every cluster and block of the Central Council, its chair and
deputy, its progress through the year's steps, its leading units and proposals, and a chart of progress. Every
logged-in user may open it; the rows are those their scope allows (all for the Central Board)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from thidua.emulation.national import default_year, national_year, national_years
from thidua.lib import charts


def year_param(request) -> int:
    """The year asked (?nam=), else the year being consolidated (national.default_year)."""
    raw = request.GET.get("nam", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return default_year()


@login_required
@require_GET
def national(request):
    year = year_param(request)
    ny = national_year(request.user, year)
    by_step = ny.by_step()
    chart = charts.column_chart([(str(i), n) for i, (_, n) in enumerate(by_step, start=1)],
                                title=_("Số cụm, khối đã xong từng bước"), height=220) if ny.rows else None
    return render(request, "emulation/national.html", {
        "ny": ny, "year": year, "years": sorted(set(national_years()) | {year}, reverse=True), "chart": chart, "by_step": by_step,
    })
