"""Organisation pages: the provinces (before and after 1/7/2025), the tree, the merger history."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from thidua.awards.models import Award
from thidua.awards.statistics import counts_by
from thidua.core import charts
from thidua.core.text import fold
from thidua.orgs.models import Organization, OrganizationKind

REFORM_DAY = date(2025, 7, 1)


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
    awards = Award.objects.in_force().visible_to(request.user).filter(
        Q(province_id__in=lineage) if org.kind == OrganizationKind.PROVINCE else Q(unit__path__startswith=org.path))
    by_year = counts_by(awards, "year")
    chart = charts.column_chart([(r["year"], r["count"]) for r in by_year], title="Số bản ghi khen thưởng theo năm") if by_year else None
    return render(request, "orgs/detail.html", {
        "org": org, "predecessors": predecessors, "successors": org.successors_chain(),
        "children_summary": [(kinds.get(c["kind"], c["kind"]), c["n"]) for c in children],
        "child_rows": child_rows, "by_year": by_year, "chart": chart,
        "by_level": counts_by(awards, "award_type__level"),
    })
