"""Organisation pages: the provinces (before and after 1/7/2025), the tree, the merger history.

The apps above add their figures to an organisation's page through `register_detail_context` (called in their
AppConfig.ready(); awards: the award records by year and level): the organisations know nothing of them."""

from collections.abc import Callable
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from thidua.lib.text import fold
from thidua.orgs.models import Organization, OrganizationKind

REFORM_DAY = date(2025, 7, 1)
# (request, organisation) → extra context of the organisation's page.
DETAIL_CONTEXT: list[Callable] = []


def register_detail_context(contribute: Callable) -> None:
    if contribute not in DETAIL_CONTEXT:
        DETAIL_CONTEXT.append(contribute)


@login_required
def organization_list(request):
    period = request.GET.get("period", "current")
    qs = Organization.objects.visible_to(request.user).filter(kind=OrganizationKind.PROVINCE)
    if period == "before":
        qs = qs.valid_on(REFORM_DAY.replace(day=1, month=6))
    elif period != "all":
        qs = qs.valid_on(date.today())
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name_folded__contains=fold(q))
    qs = qs.select_related("successor").annotate(n_predecessors=Count("predecessors")).order_by("admin_code", "valid_from")
    return render(request, "orgs/list.html", {"orgs": qs, "period": period, "q": q})


@login_required
def organization_detail(request, pk: int):
    org = get_object_or_404(Organization.objects.visible_to(request.user).select_related("parent", "successor"), pk=pk)
    lineage = org.lineage_ids()
    predecessors = Organization.objects.filter(pk__in=lineage - {org.pk}).select_related("successor").order_by("name")
    children = (org.children.values("kind").annotate(n=Count("pk")).order_by("kind"))
    kinds = dict(OrganizationKind.choices)
    child_rows = org.children.order_by("kind", "name")[:200]
    context = {
        "org": org, "predecessors": predecessors, "successors": org.successors_chain(),
        "children_summary": [(kinds.get(c["kind"], c["kind"]), c["n"]) for c in children],
        "child_rows": child_rows,
    }
    for contribute in DETAIL_CONTEXT:
        context.update(contribute(request, org))
    return render(request, "orgs/detail.html", context)
