"""Eligibility API: GET over the database (within the user's scope), POST over the input format."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.eligibility.engine import RuleBook, evaluate_input
from thidua.eligibility.loader import evaluate_database, rulebook, subtree
from thidua.orgs.models import Organization


class CheckSerializer(serializers.Serializer):
    condition = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    basis = serializers.CharField()
    confidence = serializers.ChoiceField(choices=["confirmed", "paraphrased", "unconfirmed"])
    unconfirmed = serializers.BooleanField()
    explanation = serializers.CharField()
    explanation_en = serializers.CharField()
    evidence = serializers.ListField(child=serializers.CharField())


class ResultSerializer(serializers.Serializer):
    subject = serializers.CharField()
    award = serializers.CharField()
    year = serializers.IntegerField()
    eligible = serializers.BooleanField()
    rule = serializers.CharField(allow_null=True)
    checks = CheckSerializer(many=True)


class ResultsSerializer(serializers.Serializer):
    results = ResultSerializer(many=True)


class InputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    subjects = serializers.ListField(child=serializers.DictField(), max_length=10000)
    awards = serializers.ListField(child=serializers.CharField(), required=False)


class EligibilityView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=True),
                    OpenApiParameter("org", OpenApiTypes.INT, required=False, description="organisation id"),
                    OpenApiParameter("award", OpenApiTypes.STR, required=False, many=True, description="award code(s)"),
                    OpenApiParameter("eligible", OpenApiTypes.BOOL, required=False, description="only eligible")],
        responses=ResultsSerializer, summary="Evaluate awards for the people and collectives of an organisation")
    def get(self, request):
        try:
            year = int(request.query_params["year"])
        except (KeyError, ValueError) as exc:
            raise ValidationError({"year": "Cần năm xét (số nguyên)."}) from exc
        awards = request.query_params.getlist("award") or None
        known = rulebook().awards()
        unknown = [a for a in awards or [] if a not in known]
        if unknown:
            raise ValidationError({"award": f"Không có quy định cho: {', '.join(unknown)}."})
        org = None
        if request.query_params.get("org"):
            org = get_object_or_404(Organization.objects.visible_to(request.user), pk=request.query_params["org"])
        people, collectives = subtree(org, request.user)
        results = evaluate_database(year, people, collectives, awards)
        if request.query_params.get("eligible") in ("1", "true"):
            results = (r for r in results if r.eligible)
        return Response({"results": [r.as_dict() for r in results]})

    @extend_schema(request=InputSerializer, responses=ResultsSerializer,
                   summary="Evaluate histories given in the input format (no database records are read)")
    def post(self, request):
        data = InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            return Response(evaluate_input(request.data, data.validated_data.get("awards"), RuleBook.builtin()))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError({"subjects": f"Dữ liệu không hợp lệ: {exc}"}) from exc
