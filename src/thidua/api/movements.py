"""Emulation movements in the API (/api/v1/movements/…): list and launch, a movement with its figures (the same
movement_statistics as the page and the Word report), adopt, register, reviews, reports and the thematic
commendation dossier a review proposes. Reads go through `Movement.objects.visible_to`; writes through the
services (emulation.movements, nominations.movement_commendations), refusals 403/409 via `api.common.call`."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.api.common import CONFLICT, call
from thidua.api.fields import Required, StrictCharField
from thidua.awards.models import Authority, AwardType
from thidua.emulation import movements as services
from thidua.emulation.models import (
    Movement,
    MovementKind,
    MovementRegistration,
    MovementReview,
    MovementReviewKind,
    ParticipantKind,
)
from thidua.emulation.movement_statistics import movement_summary, registrations
from thidua.nominations import movement_commendations
from thidua.orgs.models import Organization, Person
from thidua.orgs.scope import scope_for

MAX_ID = 2_147_483_647
MAX_COUNT = 10_000_000


def id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _text(max_length: int) -> StrictCharField:
    return StrictCharField(required=False, allow_blank=True, max_length=max_length)


def _obj(qs, pk, field: str):
    if pk is None:
        return None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"{field}: không có {qs.model._meta.verbose_name} #{pk} trong phạm vi của bạn.")
    return obj


def _movement(request, pk: int) -> Movement:
    return _obj(Movement.objects.visible_to(request.user).select_related("launched_by", "parent"), pk, "movement")


# --------------------------------------------------------------------------- output


class MovementSerializer(serializers.ModelSerializer):
    launched_by_name = serializers.CharField(source="launched_by.name", read_only=True)

    class Meta:
        model = Movement
        fields = ["id", "name", "kind", "parent", "launched_by", "launched_by_name", "launched_by_title",
                  "launched_on", "ends_on", "directive", "decision_number", "decision_date", "target_groups", "goals",
                  "criteria", "registration_opens", "registration_closes", "midterm_review_on", "final_review_on",
                  "planned_commendations"]


class LevelSerializer(serializers.Serializer):
    movement_id = serializers.IntegerField()
    organization = serializers.CharField()
    organization_id = serializers.IntegerField()
    depth = serializers.IntegerField()
    units = serializers.IntegerField()
    collectives = serializers.IntegerField()
    individuals = serializers.IntegerField()
    titles = serializers.IntegerField()


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField()
    registrations = serializers.IntegerField()


class ReviewFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    movement = serializers.IntegerField()
    kind = serializers.CharField()
    held_on = serializers.DateField()
    reports = serializers.IntegerField()
    collectives = serializers.IntegerField()
    individuals = serializers.IntegerField()
    exemplars = serializers.IntegerField()
    initiatives = serializers.IntegerField()


class MovementDetailSerializer(serializers.Serializer):
    movement = MovementSerializer()
    participants = serializers.IntegerField()
    units = serializers.IntegerField()
    collectives = serializers.IntegerField()
    individuals = serializers.IntegerField()
    titles = serializers.IntegerField()
    adoptions = serializers.IntegerField()
    dossiers = serializers.IntegerField()
    levels = LevelSerializer(many=True)
    months = MonthSerializer(many=True)
    reviews = ReviewFiguresSerializer(many=True)


def detail_of(m: Movement) -> dict:
    s = movement_summary(m)
    return {
        "movement": MovementSerializer(m).data, "participants": s.participants, "units": s.units,
        "collectives": s.collectives, "individuals": s.individuals, "titles": s.titles, "adoptions": s.adoptions,
        "dossiers": s.dossiers,
        "levels": [{"movement_id": r.movement_id, "organization": r.organization, "organization_id": r.organization_id,
                    "depth": r.depth, "units": r.units, "collectives": r.collectives, "individuals": r.individuals,
                    "titles": r.titles} for r in s.levels],
        "months": [{"month": label, "registrations": n} for label, n in s.months],
        "reviews": [{"id": rf.review.pk, "movement": rf.review.movement_id, "kind": rf.review.kind,
                     "held_on": rf.review.held_on, "reports": rf.reports, "collectives": rf.collectives,
                     "individuals": rf.individuals, "exemplars": rf.exemplars, "initiatives": rf.initiatives}
                    for rf in s.reviews],
    }


class RegistrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = MovementRegistration
        fields = ["id", "movement", "participant_kind", "organization", "person", "award_type", "registered_on",
                  "commitment"]


# --------------------------------------------------------------------------- input


class PlanInputSerializer(serializers.Serializer):
    name = Required(max_length=255)
    kind = serializers.ChoiceField(choices=MovementKind.choices, required=False, default=MovementKind.THEMATIC)
    launched_by_title = _text(128)
    launched_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    directive = _text(255)
    decision_number = _text(64)
    decision_date = serializers.DateField(required=False, allow_null=True)
    target_groups = _text(4000)
    goals = _text(4000)
    criteria = _text(4000)
    registration_opens = serializers.DateField(required=False, allow_null=True)
    registration_closes = serializers.DateField(required=False, allow_null=True)
    midterm_review_on = serializers.DateField(required=False, allow_null=True)
    final_review_on = serializers.DateField(required=False, allow_null=True)
    planned_commendations = _text(4000)

    def plan(self) -> services.MovementPlan:
        d = self.validated_data
        return services.MovementPlan(**{k: d.get(k, None if k.endswith(("_on", "_date", "_opens", "_closes")) else "")
                                        for k in services.MovementPlan.__dataclass_fields__})


class LaunchInputSerializer(PlanInputSerializer):
    organization = id_field(help_text="the launching organisation (its level: ministry, province, department, unit)")


class RegisterInputSerializer(serializers.Serializer):
    organization = id_field(help_text="the unit or collective, or the individual's unit")
    participant_kind = serializers.ChoiceField(choices=ParticipantKind.choices)
    person = id_field(required=False, allow_null=True)
    award_type = StrictCharField(required=False, allow_null=True, max_length=32,
                                 help_text="code of the title registered for, e.g. CSTDCS")
    commitment = _text(4000)


class ReviewInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MovementReviewKind.choices)
    held_on = serializers.DateField()
    period_end = serializers.DateField(required=False, allow_null=True)
    conclusions = _text(8000)


class ReportInputSerializer(serializers.Serializer):
    organization = id_field()
    collectives = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False, default=0)
    individuals = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False, default=0)
    exemplars = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False, default=0)
    initiatives = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False, default=0)
    summary = _text(8000)


class CommendInputSerializer(serializers.Serializer):
    granted_by = serializers.ChoiceField(choices=Authority.choices)
    award_type = StrictCharField(required=False, allow_null=True, max_length=32)
    registrations = serializers.ListField(child=id_field(), required=False,
                                          max_length=movement_commendations.REGISTRATIONS_MAX)
    title = _text(500)


class DossierRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    movement = serializers.IntegerField()
    state = serializers.CharField()
    title = serializers.CharField()


class IdSerializer(serializers.Serializer):
    id = serializers.IntegerField()


# --------------------------------------------------------------------------- views


def _orgs(request):
    return Organization.objects.visible_to(request.user)


class MovementListView(generics.ListAPIView):
    serializer_class = MovementSerializer
    parser_classes = [JSONParser]

    def get_queryset(self):
        return Movement.objects.visible_to(self.request.user).select_related("launched_by").order_by("pk")

    @extend_schema(request=LaunchInputSerializer, responses={201: MovementDetailSerializer, 409: CONFLICT},
                   summary="Launch a movement at the organisation's level")
    def post(self, request):
        data = LaunchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = _obj(_orgs(request), data.validated_data["organization"], "organization")
        m = call(lambda: services.launch(request.user, org, data.plan()))
        return Response(detail_of(m), status=201)


class MovementDetailView(APIView):
    @extend_schema(responses=MovementDetailSerializer,
                   summary="A movement with its figures rolled up over its adoptions (as its page and report)")
    def get(self, request, pk: int):
        return Response(detail_of(_movement(request, pk)))


class MovementAdoptView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=LaunchInputSerializer, responses={201: MovementDetailSerializer, 409: CONFLICT},
                   summary="Adopt the movement as the organisation's own sub-movement (its own plan)")
    def post(self, request, pk: int):
        parent = _movement(request, pk)
        data = LaunchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = _obj(_orgs(request), data.validated_data["organization"], "organization")
        m = call(lambda: services.adopt(request.user, parent, org, data.plan()))
        return Response(detail_of(m), status=201)


class MovementRegistrationsView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=RegistrationSerializer(many=True),
                   summary="Registrations of the movement and its sub-movements in the user's scope (first 1,000)")
    def get(self, request, pk: int):
        m = _movement(request, pk)
        rows = scope_for(request.user).filter_by_unit(registrations(services.movement_tree_ids(m)), "organization")[:1000]
        return Response(RegistrationSerializer(rows, many=True).data)

    @extend_schema(request=RegisterInputSerializer, responses={201: RegistrationSerializer, 409: CONFLICT},
                   summary="Register a unit, collective or individual within the registration window")
    def post(self, request, pk: int):
        m = _movement(request, pk)
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        org = _obj(_orgs(request), d["organization"], "organization")
        person = _obj(Person.objects.visible_to(request.user), d.get("person"), "person")
        award_type = None
        if d.get("award_type"):
            award_type = AwardType.objects.filter(code=d["award_type"]).first()
            if award_type is None:
                raise NotFound(f"award_type: không có danh hiệu mã {d['award_type']}.")
        reg = call(lambda: services.register(request.user, m, organization=org, person=person,
                                             participant_kind=d["participant_kind"], award_type=award_type,
                                             commitment=d.get("commitment", "")))
        return Response(RegistrationSerializer(reg).data, status=201)


class MovementReviewsView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=ReviewInputSerializer, responses={201: IdSerializer, 409: CONFLICT},
                   summary="Open a sơ kết or tổng kết of the movement (its launching level)")
    def post(self, request, pk: int):
        m = _movement(request, pk)
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        review = call(lambda: services.open_review(request.user, m, kind=d["kind"], held_on=d["held_on"],
                                                   period_end=d.get("period_end"),
                                                   conclusions=d.get("conclusions", "")))
        return Response({"id": review.pk}, status=201)


def _review(request, pk: int, rid: int) -> MovementReview:
    m = _movement(request, pk)
    return _obj(MovementReview.objects.filter(movement_id__in=services.movement_tree_ids(m))
                .select_related("movement__launched_by"), rid, "review")


class MovementReviewReportView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=ReportInputSerializer, responses={201: IdSerializer, 409: CONFLICT},
                   summary="A participant's report and figures for the review")
    def post(self, request, pk: int, rid: int):
        review = _review(request, pk, rid)
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        org = _obj(_orgs(request), d["organization"], "organization")
        report = call(lambda: services.submit_report(
            request.user, review, org, collectives=d["collectives"], individuals=d["individuals"],
            exemplars=d["exemplars"], initiatives=d["initiatives"], summary=d.get("summary", "")))
        return Response({"id": report.pk}, status=201)


class MovementCommendView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=CommendInputSerializer, responses={201: DossierRefSerializer, 409: CONFLICT},
                   summary="Propose thematic commendations: a thematic dossier through the dossier service")
    def post(self, request, pk: int, rid: int):
        review = _review(request, pk, rid)
        data = CommendInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        award_type = None
        if d.get("award_type"):
            award_type = AwardType.objects.filter(code=d["award_type"]).first()
            if award_type is None:
                raise NotFound(f"award_type: không có hình thức mã {d['award_type']}.")
        chosen, missing = movement_commendations.chosen_registrations(d.get("registrations") or [])
        if missing:
            raise NotFound(f"registrations: không có đăng ký #{', #'.join(map(str, missing))}.")
        dossier = call(lambda: movement_commendations.propose(
            request.user, review, granted_by=d["granted_by"], award_type=award_type, registrations=chosen,
            title=d.get("title", "")))
        return Response({"id": dossier.pk, "kind": dossier.kind, "movement": dossier.movement_id,
                         "state": dossier.state, "title": dossier.title}, status=201)
