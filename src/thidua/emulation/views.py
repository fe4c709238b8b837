"""Cluster pages: the list of cluster years and the cluster-year dashboard."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from thidua.emulation.models import ClusterYear
from thidua.emulation.statistics import cluster_year_summary, exemplars_of
from thidua.lib import charts
from thidua.lib.numbers import format_percent


@login_required
def home(request):
    years = (ClusterYear.objects.visible_to(request.user)
             .select_related("cluster", "chair", "deputy").order_by("cluster__name", "-year"))
    return render(request, "emulation/home.html", {"cluster_years": years})


@login_required
def dashboard(request, pk: int):
    cy = get_object_or_404(ClusterYear.objects.visible_to(request.user)
                           .select_related("cluster__organised_by", "chair", "deputy"), pk=pk)
    summary = cluster_year_summary(cy)
    registry = reverse("awards:registry") + f"?cluster_year={cy.pk}"
    for s in summary.indicators:
        s.chart = charts.percent_bars([(m.member.name, m.percent_of_plan) for m in s.members],
                                      decimals=s.indicator.percent_decimals) if s.percent_of_plan is not None else None
    commendations = [
        {"level": level, "title": title, "counts": counts, "donut": charts.donut(
            [(_("Tập thể nhỏ, người lao động trực tiếp"), counts.priority), (_("Đối tượng khác"), counts.total - counts.priority)],
            center_label=format_percent(counts.priority_share, 2))}
        for level, title, counts in (
            ("state", _("Khen thưởng cấp Nhà nước (Chủ tịch nước, Thủ tướng Chính phủ)"), summary.state_awards),
            ("provincial", _("Khen thưởng của Chủ tịch UBND các tỉnh (cấp tỉnh)"), summary.provincial_awards),
        )
    ]
    return render(request, "emulation/dashboard.html", {
        "cy": cy, "s": summary, "registry": registry, "commendations": commendations,
        "members": summary.members,
        "movements": cy.movements.select_related("launched_by"),
    })


@login_required
def indicator_detail(request, pk: int, code: str):
    cy = get_object_or_404(ClusterYear.objects.visible_to(request.user), pk=pk)
    summary = next((s for s in cluster_year_summary(cy).indicators if s.indicator.code == code), None)
    if summary is None:
        raise Http404
    chart = charts.percent_bars([(m.member.name, m.percent_of_plan) for m in summary.members],
                                title=summary.indicator.name, decimals=summary.indicator.percent_decimals)
    return render(request, "emulation/indicator.html", {"cy": cy, "s": summary, "chart": chart})


@login_required
def exemplars(request, pk: int):
    cy = get_object_or_404(ClusterYear.objects.visible_to(request.user).select_related("cluster"), pk=pk)
    national = request.GET.get("honour") != "review"
    rows = exemplars_of(cy, national=national).select_related("province", "person", "collective").prefetch_related(
        "honours__conference", "honours__award__decision")
    return render(request, "emulation/exemplars.html", {"cy": cy, "rows": rows, "national": national})
