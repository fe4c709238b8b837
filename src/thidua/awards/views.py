"""The award registry: filter, search without diacritics, sort, paginate, export to Excel."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.awards.exports import registry_xlsx
from thidua.awards.filters import RegistryFilterForm, filter_awards, ordering_of, registry_selection
from thidua.awards.jobs import EXPORT_KIND, export_job_min_rows
from thidua.awards.models import Award, Decision
from thidua.awards.summary import counts_by_decision_year
from thidua.jobs import services as job_services
from thidua.lib import charts
from thidua.lib.keyset import InvalidCursor, KeysetPaginator
from thidua.orgs.models import Organization

PAGE_SIZE = 50


@login_required
def registry(request):
    form = RegistryFilterForm(request.GET, user=request.user)
    # The page's query joins only what it sorts by; the names shown come by id in a few small queries (a nine-table
    # join took PostgreSQL 70 ms to plan on a national registry).
    # The four organisations of a row (its decision's authority and transcriber, its province and unit) come in one
    # query for the page (attach_organizations), not one query each.
    qs, name_search = registry_selection(form)
    qs = qs.select_related("award_type", "decision").prefetch_related("recipient_person")
    # Keyset pages: page 10 000 costs what page 1 does (see thidua.lib.keyset); the count is exact up to a limit.
    paginator = KeysetPaginator(qs, ordering_of(form), PAGE_SIZE, sparse=name_search)
    count = paginator.count()
    try:
        page, cursor_error = paginator.page(request.GET.get("cursor") or None, count), False
    except InvalidCursor:
        page, cursor_error = paginator.page(None, count), True
    attach_organizations(page.object_list)
    in_use = sum(1 for f in form.visible_fields() if f.name != "q" and request.GET.get(f.name))
    return render(request, "awards/registry.html", {"form": form, "page": page, "cursor_error": cursor_error,
                                                    "sort": request.GET.get("sort", "-date"), "filters_in_use": in_use})


def attach_organizations(awards) -> None:
    """Set each award's province and unit and its decision's authority and transcriber from one query: what
    prefetch_related of the four relations gave (the same rows, through the base manager), in one query not four."""
    relations = [(Award.province.field, "province_id", lambda a: a), (Award.unit.field, "unit_id", lambda a: a),
                 (Decision.authority.field, "authority_id", lambda a: a.decision),
                 (Decision.transcribed_by.field, "transcribed_by_id", lambda a: a.decision)]
    ids = {getattr(holder(a), attname) for a in awards for _f, attname, holder in relations}
    ids.discard(None)
    orgs = Organization._base_manager.in_bulk(ids) if ids else {}
    for a in awards:
        for field, attname, holder in relations:
            obj = holder(a)
            pk = getattr(obj, attname)
            field.set_cached_value(obj, orgs.get(pk) if pk is not None else None)


@login_required
def registry_export(request):
    """The Excel file of the filtered registry; over `export_job_min_rows` rows a page offers a background job."""
    form = RegistryFilterForm(request.GET, user=request.user)
    awards = filter_awards(form)
    limit = export_job_min_rows()
    if awards.order_by()[: limit + 1].count() > limit:  # bounded: never counts the whole registry
        return render(request, "awards/export_job.html",
                      {"limit": limit, "filters": [(k, v) for k, vs in request.GET.lists() if k in form.fields
                                                   for v in vs]})
    content = registry_xlsx(awards)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="so-khen-thuong.xlsx"'
    return response


@login_required
@require_POST
def registry_export_job(request):
    """Start the Excel export of the filtered registry as a background job."""
    form = RegistryFilterForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "awards/export_job.html", {"form_errors": form.errors}, status=400)
    filters = {k: vs for k, vs in request.POST.lists() if k in form.fields and any(vs)}
    job = job_services.enqueue(EXPORT_KIND, owner=request.user, title=str(_("Xuất sổ khen thưởng ra Excel")),
                               params={"filters": filters})
    return redirect("jobs:detail", pk=job.pk)


def organization_awards(request, org) -> dict:
    """The award records of an organisation's page, by decision year (with a chart), within what the user may see
    (orgs.views, registered in AwardsConfig.ready)."""
    by_year = counts_by_decision_year(org, request.user)
    chart = (charts.column_chart([(r["year"], r["count"]) for r in by_year],
                                 title="Số bản ghi khen thưởng theo năm quyết định") if by_year else None)
    return {"by_year": by_year, "chart": chart}
