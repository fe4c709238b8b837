"""The consolidation of the Government Emulation Flag proposals of every cluster and block (the Central Board
runs it; others see what their scope allows) and the national Word summary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from thidua.core import refusals
from thidua.eligibility import national
from thidua.emulation.national_views import year_param
from thidua.lib.documents import document_response


@login_required
@require_GET
def flags(request):
    year = year_param(request)
    return render(request, "eligibility/national_flags.html", {
        "c": national.flag_consolidation(request.user, year), "year": year, "last_run": national.last_run(year),
        "may_run": national.may_run(request.user),
    })


@login_required
@require_POST
def run(request):
    year = year_param(request)
    try:
        c = national.run_consolidation(request.user, year)
    except refusals.REFUSALS as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, _("Đã tổng hợp %(n)s đề nghị Cờ thi đua của Chính phủ năm %(year)s: %(within)s "
                                    "đơn vị trong tỷ lệ.") % {"n": len(c.rows), "year": year, "within": c.within})
    return redirect(reverse("eligibility:national-flags") + f"?nam={year}")


@login_required
@require_GET
def summary(request, fmt: str):
    year = year_param(request)
    return document_response(request, lambda: national.summary_docx(request.user, year),
                             national.summary_filename(year), fmt)
