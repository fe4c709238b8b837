"""The Central Council's clusters and blocks over the API: the national year (every cluster and block the caller
may see, with chair, deputy, progress, leading units and proposals), the consolidation of the Government flag
proposals and its run by the Central Board (403 for any other role, changing nothing). Same functions as the pages
(`emulation.national.national_year`, `eligibility.national.flag_consolidation` / `run_consolidation`)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.api.common import call
from thidua.eligibility import national as flags
from thidua.emulation.national import national_year

YEAR = OpenApiParameter("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, OpenApiParameter.PATH,
                        description="năm thi đua")


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "Năm phải trong khoảng 2000–2100."})
    return year


def national_dict(user, year: int) -> dict:
    ny = national_year(user, year)
    return {"year": year, "clusters": len(ny.clusters), "blocks": len(ny.blocks), "opened": ny.opened,
            "finished": ny.finished, "rows": [{
                "cluster_id": r.cluster.pk, "code": r.cluster.code, "name": r.cluster.name, "kind": r.cluster.kind,
                "valid_from": r.cluster.valid_from, "valid_to": r.cluster.valid_to, "basis": r.cluster.basis,
                "illustrative": r.illustrative, "members": r.members,
                "cluster_year": r.cy.pk if r.cy else None,
                "chair": r.cy.chair.name if r.cy else None,
                "deputy": r.cy.deputy.name if r.cy and r.cy.deputy_id else None,
                "steps_done": r.done, "steps_total": r.total_steps,
                "timeline": [{"step": t.step, "done": t.done, "due_on": t.due_on} for t in r.steps],
                "leading_units": [p.organization.name for p in r.leads],
                "proposals": [{"organisation": p.organization.name, "award": p.award_type.code} for p in r.proposals],
            } for r in ny.rows]}


class NationalYearView(APIView):
    @extend_schema(parameters=[YEAR], responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
                   summary="Every Central Council cluster and block of the year the caller may see, with progress")
    def get(self, request, year: int):
        return Response(national_dict(request.user, _year(year)))


class NationalFlagsView(APIView):
    @extend_schema(parameters=[YEAR], responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
                   summary="The Government flag proposals of every cluster and block, checked and ranked for the quota")
    def get(self, request, year: int):
        return Response(flags.flag_consolidation(request.user, _year(year)).as_dict())


class EmptyBody(serializers.Serializer):
    pass


class NationalFlagsRunView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(parameters=[YEAR], request=EmptyBody, responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT,
                                                 403: OpenApiTypes.OBJECT},
                   summary="Run the consolidation (Central Board only); its outcome is recorded in the audit trail")
    def post(self, request, year: int):
        year = _year(year)
        EmptyBody(data=request.data).is_valid(raise_exception=True)
        return Response(call(lambda: flags.run_consolidation(request.user, year).as_dict()), status=201)
