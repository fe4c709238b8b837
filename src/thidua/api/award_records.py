"""Award records, decisions, ratings and initiatives over the API.

Reads: scoped by `visible_to(user)`, paginated, filtered on indexed columns, one query per page (select_related).
Writes: a revocation (an event with its decision; the award row is never edited), a decision with its awards
(recorded outside the dossier flow, e.g. historical records), a rating; each through awards.services. Who may
issue, transcribe and revoke is decided by awards.authority: only the granting authority's emulation office (or
an administrator) records its decisions and revokes what it granted; a province's office may transcribe another
authority's decision for its staff (`transcribed: true`, with the scan as `source_document`).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.api.common import CONFLICT, Conflict, YearFilter, call, check_filters, visible
from thidua.api.eligibility import AWARD_CODES
from thidua.api.fields import RecordField, Required, SourceDocumentInput, StrictBooleanField, StrictCharField
from thidua.api.pagination import KeysetPagination
from thidua.api.serializers import AwardSerializer
from thidua.awards import services
from thidua.awards.models import (
    Award,
    AwardType,
    Basis,
    Decision,
    Evaluation,
    Initiative,
    InitiativeKind,
    InitiativeScope,
    Rating,
    RecipientClass,
)
from thidua.orgs.models import Household, Organization, Person

# ---------------------------------------------------------------------------
# Award records: detail and revocation
# ---------------------------------------------------------------------------


class RevocationSerializer(serializers.Serializer):
    decision = serializers.IntegerField(source="decision_id")
    decision_number = serializers.CharField(source="decision.number")
    decision_signed_on = serializers.DateField(source="decision.signed_on")
    decision_authority_name = serializers.CharField(source="decision.authority.name")
    decision_transcribed_by = serializers.IntegerField(source="decision.transcribed_by_id", allow_null=True,
                                                       help_text="set when the revocation decision is a transcription")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class AwardDetailSerializer(AwardSerializer):
    decision = serializers.IntegerField(source="decision_id")
    recipient_person = serializers.IntegerField(source="recipient_person_id", allow_null=True)
    recipient_org = serializers.IntegerField(source="recipient_org_id", allow_null=True)
    recipient_household = serializers.IntegerField(source="recipient_household_id", allow_null=True)
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    revocation = serializers.SerializerMethodField()

    class Meta(AwardSerializer.Meta):
        fields = [*AwardSerializer.Meta.fields, "decision", "recipient_person", "recipient_org",
                  "recipient_household", "unit", "unit_name", "register_no", "revocation"]

    @extend_schema_field(RevocationSerializer(allow_null=True))
    def get_revocation(self, obj):
        rev = getattr(obj, "revocation", None)
        return RevocationSerializer(rev).data if rev is not None else None


def _awards(request):
    return Award.objects.visible_to(request.user).select_related(
        "award_type", "decision__authority", "province", "unit", "revocation__decision__authority")


class AwardDetailView(APIView):
    @extend_schema(responses=AwardDetailSerializer, summary="An award record, with its revocation if revoked")
    def get(self, request, pk: int):
        return Response(AwardDetailSerializer(visible(_awards(request), pk, request)).data)


class RevokeSerializer(serializers.Serializer):
    decision = RecordField(Decision, help_text="the revocation decision (record it first with POST /decisions/)")
    reason = Required(max_length=2000)


class AwardRevocationView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=RevokeSerializer, responses={201: AwardDetailSerializer, 409: CONFLICT},
                   summary="Revoke an award: a new event with its decision (the award row is kept)")
    def post(self, request, pk: int):
        award = visible(_awards(request), pk, request, write=True)
        data = RevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = visible(Decision.objects.visible_to(request.user), data.validated_data["decision"].pk, request,
                           write=True, label="decision")
        call(lambda: services.revoke_award(request.user, award, decision=decision,
                                           reason=data.validated_data["reason"]))
        return Response(AwardDetailSerializer(_awards(request).get(pk=award.pk)).data, status=201)


# ---------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------


class DecisionSerializer(serializers.ModelSerializer):
    authority = serializers.IntegerField(source="authority_id")
    authority_name = serializers.CharField(source="authority.name")
    transcribed = serializers.BooleanField(source="is_transcribed",
                                           help_text="a copy of the authority's decision, recorded by another office")
    transcribed_by = serializers.IntegerField(source="transcribed_by_id", allow_null=True,
                                              help_text="the office that recorded the copy")
    transcribed_by_name = serializers.CharField(source="transcribed_by.name", allow_null=True, default=None)
    has_source_document = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "number", "signed_on", "authority", "authority_name", "signer_name", "signer_title",
                  "summary", "is_illustrative", "transcribed", "transcribed_by", "transcribed_by_name",
                  "has_source_document"]

    def get_has_source_document(self, obj) -> bool:
        return bool(obj.source_document)


class DecisionAwardRowSerializer(serializers.ModelSerializer):
    award_type = serializers.CharField(source="award_type.code")
    unit = serializers.IntegerField(source="unit_id")
    revoked = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = ["id", "award_type", "year", "basis", "recipient_class", "recipient_name", "unit", "revoked"]

    def get_revoked(self, obj) -> bool:
        return getattr(obj, "revocation", None) is not None


class DecisionDetailSerializer(DecisionSerializer):
    awards = DecisionAwardRowSerializer(many=True, help_text="the decision's awards inside my scope")

    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "awards"]


class DecisionAwardInput(serializers.Serializer):
    award_type = serializers.ChoiceField(choices=AWARD_CODES)
    year = serializers.IntegerField(min_value=1945, max_value=2100, help_text="year of the achievement")
    basis = serializers.ChoiceField(choices=Basis.choices, default=Basis.MERIT)
    recipient_class = serializers.ChoiceField(choices=RecipientClass.choices, required=False,
                                              help_text="default: from the recipient")
    person = RecordField(Person, required=False, allow_null=True)
    organization = RecordField(required=False, allow_null=True, help_text="a collective recipient")
    household = RecordField(Household, required=False, allow_null=True)
    recipient_name = StrictCharField(max_length=255, allow_blank=True, required=False,
                                     help_text="as printed in the decision (default: the recipient's name)")
    register_no = StrictCharField(max_length=32, allow_blank=True, required=False)


class DecisionCreateSerializer(serializers.Serializer):
    authority = RecordField(help_text="the issuing organisation (for a transcription: the authority that issued "
                                      "the decision being copied)")
    transcribed = StrictBooleanField(default=False, help_text="true: record a copy of another authority's decision "
                                     "for your own staff (needs source_document); it stays out of that authority's "
                                     "numbering")
    office = RecordField(required=False, help_text="for a transcription: the province or ministry office recording "
                                                   "it (default: yours)")
    source_document = SourceDocumentInput(required=False, help_text="for a transcription: the scan of the decision")
    number = Required(max_length=64)
    signed_on = serializers.DateField()
    signer_name = StrictCharField(max_length=128, allow_blank=True, required=False)
    signer_title = StrictCharField(max_length=128, allow_blank=True, required=False)
    summary = StrictCharField(max_length=500, allow_blank=True, required=False)
    awards = DecisionAwardInput(many=True, max_length=1000,
                                help_text="its award records; each recipient's unit must be in your scope")


class DecisionFilter(serializers.Serializer):
    year = YearFilter(help_text="year signed")
    authority = RecordField(required=False, help_text="issuing organisation")
    number = StrictCharField(required=False, allow_blank=True, max_length=64)


def _decisions(request):
    return Decision.objects.visible_to(request.user).select_related("authority", "transcribed_by")


class DecisionListView(generics.ListAPIView):
    serializer_class = DecisionSerializer
    pagination_class = KeysetPagination
    parser_classes = [JSONParser]

    def get_queryset(self):
        f = check_filters(DecisionFilter, self.request)
        qs = _decisions(self.request)
        if "year" in f:  # a range on the indexed date, not EXTRACT(year)
            qs = qs.filter(signed_on__gte=date(f["year"], 1, 1), signed_on__lt=date(f["year"] + 1, 1, 1))
        if "authority" in f:
            qs = qs.filter(authority=f["authority"])
        if "number" in f:
            qs = qs.filter(number=f["number"])
        return qs.order_by("-signed_on", "-pk")

    @extend_schema(parameters=[DecisionFilter], summary="Decisions in my scope (newest first)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=DecisionCreateSerializer, responses={201: DecisionDetailSerializer, 409: CONFLICT},
                   summary="Record a signed decision with its awards (outside the dossier flow, e.g. history), "
                           "or transcribe another authority's decision for your staff")
    def post(self, request):
        data = DecisionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = dict(data.validated_data)
        people = Person.objects.visible_to(request.user).select_related("organization")
        orgs = Organization.objects.visible_to(request.user)
        households = Household.objects.filter(organization__in=orgs).select_related("organization")
        types = {t.code: t for t in AwardType.objects.filter(code__in={a["award_type"] for a in f["awards"]})}
        rows = []
        for n, a in enumerate(f["awards"], start=1):
            if a["award_type"] not in types:
                raise Conflict({"awards": f"Dòng {n}: không có hình thức {a['award_type']} trong danh mục."})
            row = {**a, "award_type": types[a["award_type"]]}
            for key, qs in (("person", people), ("organization", orgs), ("household", households)):
                if row.get(key) is not None:
                    row[key] = visible(qs, row[key].pk, request, write=True, label=f"awards[{n}].{key}")
            rows.append(row)
        f["awards"] = rows
        doc = f.pop("source_document", None)
        if doc is not None:
            from django.core.files.uploadedfile import SimpleUploadedFile

            f["source_document"] = SimpleUploadedFile(doc["name"], doc["content"])
        if f.get("office") is not None:
            f["office"] = visible(orgs, f["office"].pk, request, write=True, label="office")
        decision = call(lambda: services.record_decision(request.user, **f))
        return Response(decision_detail(request, decision.pk), status=201)


def decision_detail(request, pk) -> dict:
    decision = visible(_decisions(request), pk, request)
    awards = (decision.awards.visible_to(request.user).select_related("award_type", "revocation")
              .order_by("pk"))
    return {**DecisionSerializer(decision).data, "awards": DecisionAwardRowSerializer(awards, many=True).data}


class DecisionDetailView(APIView):
    @extend_schema(responses=DecisionDetailSerializer, summary="A decision with its awards inside my scope")
    def get(self, request, pk: int):
        return Response(decision_detail(request, pk))


# ---------------------------------------------------------------------------
# Ratings and initiatives: lists with filters for people and collectives
# ---------------------------------------------------------------------------


class SubjectFilter(serializers.Serializer):
    person = RecordField(Person, required=False, help_text="this person's rows")
    organization = RecordField(required=False, help_text="this collective's own rows")
    under = RecordField(required=False, help_text="rows of people and collectives of this organisation's subtree")
    subject = serializers.ChoiceField(choices=[("person", "person"), ("collective", "collective")], required=False)
    year = YearFilter()


def subject_filter(request, qs, f: dict):
    """The person / collective / subtree filters shared by ratings and initiatives; ids outside scope: 404."""
    if "person" in f:
        qs = qs.filter(person=visible(Person.objects.visible_to(request.user), f["person"].pk, request, label="person"))
    orgs = Organization.objects.visible_to(request.user)
    if "organization" in f:
        qs = qs.filter(organization=visible(orgs, f["organization"].pk, request, label="organization"))
    if "under" in f:
        path = visible(orgs, f["under"].pk, request, label="under").path
        qs = qs.filter(Q(person__organization__path__startswith=path) | Q(organization__path__startswith=path))
    if f.get("subject") == "person":
        qs = qs.filter(person__isnull=False)
    elif f.get("subject") == "collective":
        qs = qs.filter(organization__isnull=False)
    if "year" in f:
        qs = qs.filter(year=f["year"])
    return qs


class EvaluationListSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", allow_null=True)
    organization = serializers.IntegerField(source="organization_id", allow_null=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = ["id", "year", "rating", "on_maternity_leave", "person", "organization", "name"]

    def get_name(self, obj) -> str:
        return obj.person.full_name if obj.person_id else obj.organization.name


class EvaluationFilter(SubjectFilter):
    rating = serializers.ChoiceField(choices=Rating.choices, required=False)


class EvaluationCreateSerializer(serializers.Serializer):
    person = RecordField(Person, required=False, allow_null=True)
    organization = RecordField(required=False, allow_null=True, help_text="a collective")
    year = serializers.IntegerField(min_value=1945, max_value=2100)
    rating = serializers.ChoiceField(choices=Rating.choices)
    on_maternity_leave = StrictBooleanField(required=False, help_text="a person's maternity leave in the year")


class EvaluationListView(generics.ListAPIView):
    serializer_class = EvaluationListSerializer
    pagination_class = KeysetPagination
    parser_classes = [JSONParser]

    def get_queryset(self):
        f = check_filters(EvaluationFilter, self.request)
        qs = subject_filter(self.request, Evaluation.objects.visible_to(self.request.user), f)
        if "rating" in f:
            qs = qs.filter(rating=f["rating"])
        return qs.select_related("person", "organization").order_by("-year", "-pk")

    @extend_schema(parameters=[EvaluationFilter], summary="Yearly ratings of people and collectives in my scope")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=EvaluationCreateSerializer, responses={201: EvaluationListSerializer, 409: CONFLICT},
                   summary="Set or correct the yearly rating of a person or a collective")
    def post(self, request):
        data = EvaluationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = dict(data.validated_data)
        if f.get("person") is not None:
            f["person"] = visible(Person.objects.visible_to(request.user).select_related("organization"),
                                  f["person"].pk, request, write=True, label="person")
        if f.get("organization") is not None:
            f["organization"] = visible(Organization.objects.visible_to(request.user), f["organization"].pk,
                                        request, write=True, label="organization")
        ev = call(lambda: services.record_evaluation(request.user, **f))
        return Response(EvaluationListSerializer(ev).data, status=201)


class InitiativeListSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", allow_null=True)
    organization = serializers.IntegerField(source="organization_id", allow_null=True)
    used_for = serializers.IntegerField(source="used_for_id", allow_null=True)

    class Meta:
        model = Initiative
        fields = ["id", "kind", "code", "title", "scope", "year", "recognised_by", "person", "organization",
                  "used_for"]


class InitiativeFilter(SubjectFilter):
    scope = serializers.ChoiceField(choices=InitiativeScope.choices, required=False)
    kind = serializers.ChoiceField(choices=InitiativeKind.choices, required=False)
    used = serializers.BooleanField(required=False, allow_null=True, default=None,
                                    help_text="true: already serves an award; false: still free")


class InitiativeListView(generics.ListAPIView):
    serializer_class = InitiativeListSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        f = check_filters(InitiativeFilter, self.request)
        qs = subject_filter(self.request, Initiative.objects.visible_to(self.request.user), f)
        for key in ("scope", "kind"):
            if key in f:
                qs = qs.filter(**{key: f[key]})
        if "used" in f:
            qs = qs.filter(used_for__isnull=not f["used"])
        return qs.order_by("-year", "-pk")

    @extend_schema(parameters=[InitiativeFilter], summary="Initiatives and research projects in my scope")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
