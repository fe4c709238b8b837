"""The personal record over the API: read it, add ratings, initiatives and discipline.
Writes go through awards.services (permission, validation, audit in one place)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.api.common import call
from thidua.api.fields import Required, StrictBooleanField, StrictModelSerializer
from thidua.awards import services
from thidua.awards.models import (
    Discipline,
    DisciplineLevel,
    Evaluation,
    Initiative,
    InitiativeKind,
    InitiativeScope,
    Rating,
    Review,
)
from thidua.orgs.models import Person


class EvaluationSerializer(StrictModelSerializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    on_maternity_leave = StrictBooleanField(required=False, help_text="maternity leave in the year (counts as working time)")

    class Meta:
        model = Evaluation
        fields = ["id", "year", "rating", "on_maternity_leave"]


class InitiativeSerializer(StrictModelSerializer):
    title = Required(max_length=500)
    scope = serializers.ChoiceField(choices=InitiativeScope.choices)
    kind = serializers.ChoiceField(choices=InitiativeKind.choices, default=InitiativeKind.INITIATIVE)
    used_for = serializers.IntegerField(source="used_for_id", read_only=True, allow_null=True)

    class Meta:
        model = Initiative
        fields = ["id", "kind", "code", "title", "scope", "year", "recognised_by", "used_for"]


class DisciplineSerializer(StrictModelSerializer):
    level = serializers.ChoiceField(choices=DisciplineLevel.choices)

    class Meta:
        model = Discipline
        fields = ["id", "level", "starts_on", "ends_on", "decision"]


class ReviewSerializer(StrictModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "kind", "opened_on", "closed_on", "note"]


class RecordAwardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    award_type = serializers.CharField()
    basis = serializers.CharField()
    decision = serializers.CharField()
    revoked = serializers.BooleanField()


class PersonRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    organization = serializers.CharField()
    evaluations = EvaluationSerializer(many=True)
    awards = RecordAwardSerializer(many=True)
    initiatives = InitiativeSerializer(many=True)
    disciplines = DisciplineSerializer(many=True)
    reviews = ReviewSerializer(many=True)


def _person(request, pk) -> Person:
    return get_object_or_404(Person.objects.visible_to(request.user).select_related("organization"), pk=pk)


class PersonRecordView(APIView):
    @extend_schema(responses=PersonRecordSerializer, summary="A person's record year by year")
    def get(self, request, pk: int):
        p = _person(request, pk)
        awards = p.awards.select_related("award_type", "decision").order_by("year")
        return Response({
            "id": p.pk, "full_name": p.full_name, "organization": p.organization.name,
            "evaluations": EvaluationSerializer(p.evaluations.order_by("year"), many=True).data,
            "awards": [{"id": a.pk, "year": a.year, "award_type": a.award_type.code, "basis": a.basis,
                        "decision": f"{a.decision.number} ({a.decision.signed_on:%d/%m/%Y})",
                        "revoked": hasattr(a, "revocation")} for a in awards],
            "initiatives": InitiativeSerializer(p.initiatives.order_by("year"), many=True).data,
            "disciplines": DisciplineSerializer(p.disciplines.order_by("starts_on"), many=True).data,
            "reviews": ReviewSerializer(p.reviews.order_by("opened_on"), many=True).data,
        })


class _RecordCreateView(APIView):
    """POST one record for a person through its service; the serializer validates the body."""

    parser_classes = [JSONParser]  # JSON only: form bodies cannot say null
    serializer_class: type[serializers.Serializer]
    service = None

    def post(self, request, pk: int):
        p = _person(request, pk)
        data = self.serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        obj = call(lambda: type(self).service(request.user, person=p, **data.validated_data))
        return Response(self.serializer_class(obj).data, status=201)


def _create_view(serializer, service, summary):
    return extend_schema(request=serializer, responses={201: serializer}, summary=summary)(
        type(f"{serializer.__name__}CreateView", (_RecordCreateView,), {"serializer_class": serializer, "service": service}))


PersonEvaluationView = _create_view(EvaluationSerializer, services.record_evaluation,
                                    "Set or correct a person's yearly rating")
PersonInitiativeView = _create_view(InitiativeSerializer, services.record_initiative,
                                    "Record a recognised initiative or research project")
PersonDisciplineView = _create_view(DisciplineSerializer, services.record_discipline, "Record a discipline")
