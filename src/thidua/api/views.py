"""API views: thin, they call the same statistics and filters as the pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.api.pagination import KeysetPagination
from thidua.api.serializers import AwardSerializer, ClusterYearSerializer, ClusterYearSummarySerializer
from thidua.awards.filters import RegistryFilterForm, registry_selection
from thidua.emulation.models import ClusterYear
from thidua.emulation.statistics import cluster_year_summary
from thidua.orgs.scope import scope_for


class ClusterYearList(generics.ListAPIView):
    serializer_class = ClusterYearSerializer

    def get_queryset(self):
        return ClusterYear.objects.visible_to(self.request.user).select_related("cluster", "chair", "deputy")


class ClusterYearSummaryView(APIView):
    @extend_schema(responses=ClusterYearSummarySerializer, summary="Every figure of the cluster-year dashboard")
    def get(self, request, pk: int):
        cy = get_object_or_404(ClusterYear.objects.visible_to(request.user).select_related("cluster", "chair", "deputy"), pk=pk)
        return Response(cluster_year_summary(cy).as_dict())


REGISTRY_PARAMS = [
    OpenApiParameter(name, OpenApiTypes.STR, required=False, description=desc)
    for name, desc in [
        ("q", "name contains (diacritics ignored)"), ("year", "year of the decision"), ("level", "state|provincial|grassroots"),
        ("authority", "issuing organisation id"), ("province", "province id (includes merged predecessors)"),
        ("kind", "individual|collective|household"), ("recipient_class", "recipient category"),
        ("priority", "'on': small collectives and direct workers only"), ("basis", "merit|thematic|adhoc|…"),
        ("award_type", "award code, e.g. BK_TTG"), ("cluster_year", "records behind a cluster-year figure"),
        ("sort", "year|-year|name|-name|type|-type|date|-date; without it, the newest records first (by id)"),
    ]
]


class AwardList(generics.ListAPIView):
    serializer_class = AwardSerializer
    pagination_class = KeysetPagination

    @extend_schema(parameters=REGISTRY_PARAMS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        form = RegistryFilterForm(self.request.query_params, user=self.request.user)
        qs, name_search = registry_selection(form)
        qs = qs.select_related("award_type", "decision__authority", "province")
        if not self.request.query_params.get("sort"):
            # The default walks the primary key backwards: any page is an index range, whereas the decision
            # date lives in another table and a deep page sorted by it sorts every row first.
            qs = qs.order_by("-pk")
            provinces = scope_for(self.request.user).provinces_only()
            if provinces and len(provinces) > 1:
                self.keyset_by_value = ("province_id", provinces)
        if name_search is None:
            return qs
        self.keyset_split = (qs, name_search)  # KeysetPagination pages the name search with a bounded walk
        return qs.filter(name_search)
