"""Exemplary models and the public honours board over the API, through the same services as the pages
(thidua.emulation.exemplars): reads through `visible_to`, writes through `call` (403 role/scope, 409 state/data),
400 only for a body or query that does not match the schema. `/public/honours` is public (no login), throttled
per client address like certificate verification, and shows only what the public board shows."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.api.common import CONFLICT, call, check_filters, visible
from thidua.api.fields import RecordField, SourceDocumentInput, Text
from thidua.awards.models import Award
from thidua.core.throttle import refuse_if_throttled
from thidua.emulation import exemplars as services
from thidua.emulation.exemplar_statistics import (
    BoardFilters,
    ExemplarFilters,
    exemplar_list,
    public_board,
    replication_figures,
    stage_counts,
)
from thidua.emulation.models import (
    EXEMPLAR_STAGE_ORDER,
    Exemplar,
    ExemplarAttachmentKind,
    ExemplarStage,
    Movement,
    PublicHonour,
)
from thidua.lib.uploads import serve_file
from thidua.orgs.models import Organization, Person


class ExemplarQuery(serializers.Serializer):
    province = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    field = serializers.CharField(max_length=128, required=False)
    year = serializers.IntegerField(min_value=1900, max_value=2100, required=False)
    movement = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    stage = serializers.ChoiceField(choices=EXEMPLAR_STAGE_ORDER, required=False)
    q = serializers.CharField(max_length=100, required=False)


class ExemplarRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    province = serializers.CharField()
    field = serializers.CharField()
    stage = serializers.CharField()
    discovered_in = serializers.IntegerField()
    movement = serializers.CharField(allow_null=True)
    replicated_units = serializers.IntegerField()
    replicated_participants = serializers.IntegerField()
    honours = serializers.IntegerField()


def row(e: Exemplar) -> dict:
    return {"id": e.pk, "name": e.name, "kind": "person" if e.person_id else "collective", "province": e.province.name,
            "field": e.field, "stage": e.stage, "discovered_in": e.discovered_in,
            "movement": e.movement.name if e.movement_id else None, "replicated_units": e.replicated_units,
            "replicated_participants": e.replicated_participants, "honours": e.honour_count}


class DiscoverBody(serializers.Serializer):
    province = RecordField(Organization)
    collective = RecordField(Organization, required=False)
    person = RecordField(Person, required=False)
    field = Text(max_length=128, allow_blank=True, required=False)
    story = Text(max_length=5000)
    proposed_by = RecordField(Organization, required=False)
    movement = RecordField(Movement, required=False)
    on = serializers.DateField(required=False)


def detail(request, ex: Exemplar) -> dict:
    units, people = replication_figures(ex)
    return {
        "id": ex.pk, "name": ex.name, "kind": "person" if ex.person_id else "collective", "province": ex.province.name,
        "field": ex.field, "stage": ex.stage, "stage_label": services.stage_label(ex.stage),
        "discovered_in": ex.discovered_in, "story": ex.story, "nurture_plan": ex.nurture_plan,
        "proposed_by": ex.proposed_by.name if ex.proposed_by_id else None,
        "movement": ex.movement.name if ex.movement_id else None,
        "next_moves": [{"to_stage": m.to_stage, "allowed": m.allowed, "reason": m.reason}
                       for m in services.allowed_moves(request.user, ex)],
        "timeline": [{"kind": e.kind, "from_stage": e.from_stage or None, "to_stage": e.to_stage or None,
                      "on": e.happened_on, "note": e.note} for e in ex.events.order_by("happened_on", "pk")],
        "replications": [{"place": r.place, "year": r.year, "units": r.units, "participants": r.participants,
                          "note": r.note} for r in ex.replications.all()],
        "replicated_units": units, "replicated_participants": people,
        "honours": [{"description": h.description, "on": h.honoured_on, "award": h.award_id,
                     "conference": h.conference.title if h.conference_id else None}
                    for h in ex.honours.select_related("conference")],
        "attachments": [{"id": a.pk, "kind": a.kind, "name": a.original_name, "size": a.size}
                        for a in ex.attachments.all()],
        "published": ex.publications.published().exists(),
    }


DETAIL = inline_serializer("ExemplarDetail", {"id": serializers.IntegerField(), "stage": serializers.CharField(),
                                              "timeline": serializers.ListField(child=serializers.DictField())})


class ExemplarListView(generics.ListAPIView):
    parser_classes = [JSONParser]
    serializer_class = ExemplarRowSerializer

    def get_queryset(self):
        f = check_filters(ExemplarQuery, self.request)
        return exemplar_list(Exemplar.objects.visible_to(self.request.user), ExemplarFilters(**f))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([row(e) for e in page])

    @extend_schema(parameters=[ExemplarQuery], summary="Exemplary models visible to me, filtered (with figures)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=DiscoverBody, responses={201: DETAIL, 409: CONFLICT},
                   summary="Record a discovered exemplar (stage 1): the province's emulation office")
    def post(self, request):
        body = DiscoverBody(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        ex = call(lambda: services.discover(
            request.user, province=d["province"], person=d.get("person"), collective=d.get("collective"),
            field=d.get("field", ""), story=d["story"], proposed_by=d.get("proposed_by"), movement=d.get("movement"),
            on=d.get("on")))
        return Response(detail(request, ex), status=201)


class ExemplarStagesView(APIView):
    @extend_schema(parameters=[ExemplarQuery], responses=inline_serializer("ExemplarStages", {
        "stages": serializers.ListField(child=serializers.DictField())}),
        summary="How many exemplars are at each stage (the board's columns)")
    def get(self, request):
        f = check_filters(ExemplarQuery, request)
        f.pop("stage", None)
        qs = exemplar_list(Exemplar.objects.visible_to(request.user), ExemplarFilters(**f))
        return Response({"stages": [{"stage": s, "label": label, "count": n} for s, label, n in stage_counts(qs)]})


def _exemplar(request, pk: int, *, write: bool = False) -> Exemplar:
    qs = Exemplar.objects.visible_to(request.user).select_related("province", "movement", "proposed_by")
    return visible(qs, pk, request, write=write)


class ExemplarDetailView(APIView):
    @extend_schema(responses=DETAIL, summary="An exemplar: its stage, timeline, replications, honours, next move")
    def get(self, request, pk: int):
        return Response(detail(request, _exemplar(request, pk)))


class MoveBody(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=[ExemplarStage.NURTURED.value, ExemplarStage.REPLICATED.value,
                                                ExemplarStage.HONOURED.value])
    note = Text(max_length=5000, allow_blank=True, required=False,
                help_text="nurtured: the plan; replicated: the review's summary; honoured: the honour's wording")
    award = RecordField(Award, required=False, help_text="honoured: the award record of the registry")
    on = serializers.DateField(required=False)


class ExemplarMoveView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=MoveBody, responses={201: DETAIL, 409: CONFLICT},
                   summary="Move an exemplar to its next stage (the guard says who, in which order, with what)")
    def post(self, request, pk: int):
        return _act(request, pk, MoveBody, self.move)

    @staticmethod
    def move(user, ex, d):
        note, on = d.get("note", ""), d.get("on")
        if d["to_stage"] == ExemplarStage.NURTURED:
            return services.nurture(user, ex, plan=note, on=on)
        if d["to_stage"] == ExemplarStage.REPLICATED:
            return services.replicate(user, ex, summary=note, on=on)
        return services.honour(user, ex, award=d.get("award"), description=note, on=on)


def _act(request, pk: int, body_class, action) -> Response:
    """An action on an exemplar: the body checked, `action(user, exemplar, data)` through the service (refusals
    mapped by `call`), the exemplar's new detail answered."""
    ex = _exemplar(request, pk, write=True)
    body = body_class(data=request.data)
    body.is_valid(raise_exception=True)
    call(lambda: action(request.user, ex, body.validated_data))
    return Response(detail(request, ex), status=201)


class ReplicationBody(serializers.Serializer):
    place = Text(max_length=255)
    year = serializers.IntegerField(min_value=1900, max_value=2100)
    units = serializers.IntegerField(min_value=0, max_value=10**6)
    participants = serializers.IntegerField(min_value=0, max_value=10**9)
    note = Text(max_length=500, allow_blank=True, required=False)


class ExemplarReplicationView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=ReplicationBody, responses={201: DETAIL, 409: CONFLICT},
                   summary="Record where the exemplar was replicated, with figures")
    def post(self, request, pk: int):
        return _act(request, pk, ReplicationBody, lambda user, ex, d: services.add_replication(
            user, ex, place=d["place"], year=d["year"], units=d["units"], participants=d["participants"],
            note=d.get("note", "")))


class FollowUpBody(serializers.Serializer):
    note = Text(max_length=5000, help_text="what the follow-up of the nurturing plan found")
    on = serializers.DateField(required=False, help_text="default: today; not before the last step, not in the future")


class ExemplarFollowUpView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=FollowUpBody, responses={201: DETAIL, 409: CONFLICT},
                   summary="Record a follow-up of the nurturing plan (a timeline entry, from the nurturing stage on)")
    def post(self, request, pk: int):
        return _act(request, pk, FollowUpBody,
                    lambda user, ex, d: services.follow_up(user, ex, note=d["note"], on=d.get("on")))


def uploaded(doc: dict | None):
    """A base64 document of the body as the upload the services check (type by content, size), as a page's."""
    return SimpleUploadedFile(doc["name"], doc["content"]) if doc is not None else None


class AttachmentBody(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExemplarAttachmentKind.choices)
    file = SourceDocumentInput(help_text="photo: .jpg or .png; story, document: also .pdf, Word, OpenDocument")


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    size = serializers.IntegerField()


class ExemplarAttachmentView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=AttachmentBody, responses={201: AttachmentSerializer, 409: CONFLICT},
                   summary="Attach the story, a photo or a document (the upload check of the pages)")
    def post(self, request, pk: int):
        ex = _exemplar(request, pk, write=True)
        body = AttachmentBody(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        att = call(lambda: services.add_attachment(request.user, ex, kind=d["kind"], uploaded_file=uploaded(d["file"])))
        return Response({"id": att.pk, "kind": att.kind, "name": att.original_name, "size": att.size}, status=201)


class ExemplarAttachmentFileView(APIView):
    # The type is the stored file's (a photo, a PDF, a Word file…), hence */*.
    @extend_schema(responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="the file, as uploaded")},
                   summary="Download an attachment of an exemplar I may see")
    def get(self, request, pk: int, att: int):
        a = visible(_exemplar(request, pk).attachments.all(), att, request)
        return serve_file(a.file, a.original_name)


class PublishBody(serializers.Serializer):
    exemplar = RecordField(Exemplar, required=False)
    award = RecordField(Award, required=False)
    consent_given_on = serializers.DateField(help_text="the date the person (or the collective's head) consented")
    consent_document = SourceDocumentInput(required=False, help_text="the signed consent (optional): .pdf, Word, "
                                                                     "OpenDocument, .jpg, .png; checked like any upload")


class PublicEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    province = serializers.CharField()
    field = serializers.CharField()
    year = serializers.IntegerField()
    achievement = serializers.CharField()
    honours = serializers.CharField()


PUBLIC_ENTRY = PublicEntrySerializer


def public_entry(p: PublicHonour) -> dict:
    """What the public sees of an entry: nothing beyond name, unit, achievement and honours."""
    return {"id": p.pk, "name": p.name, "unit": p.unit, "province": p.province_name, "field": p.field,
            "year": p.year, "achievement": p.achievement, "honours": p.honours}


class PublishView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=PublishBody, responses={201: PUBLIC_ENTRY, 409: CONFLICT},
                   summary="Publish an honoured exemplar or an award on the public honours board, with consent")
    def post(self, request):
        body = PublishBody(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        ex = d.get("exemplar")
        if ex is not None:
            ex = _exemplar(request, ex.pk, write=True)
        award = d.get("award")
        if award is not None:
            award = visible(Award.objects.visible_to(request.user).select_related("decision__authority", "award_type",
                                                                                  "unit", "province"),
                            award.pk, request, write=True)
        pub = call(lambda: services.publish(request.user, exemplar=ex, award=award,
                                            consent_given_on=d["consent_given_on"],
                                            consent_document=uploaded(d.get("consent_document"))))
        return Response(public_entry(pub), status=201)


class WithdrawBody(serializers.Serializer):
    reason = Text(max_length=500)


class WithdrawView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=WithdrawBody, responses={201: PUBLIC_ENTRY, 409: CONFLICT},
                   summary="Withdraw an entry from the public honours board")
    def post(self, request, pk: int):
        visible_pubs = PublicHonour.objects.filter(province_id__in=Exemplar.objects.visible_to(request.user)
                                                   .values("province_id")) | PublicHonour.objects.filter(
            award__in=Award.objects.visible_to(request.user))
        pub = visible(visible_pubs.distinct(), pk, request, write=True)
        body = WithdrawBody(data=request.data)
        body.is_valid(raise_exception=True)
        call(lambda: services.withdraw(request.user, pub, reason=body.validated_data["reason"]))
        return Response(public_entry(pub), status=201)


class BoardQuery(serializers.Serializer):
    province = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    field = serializers.CharField(max_length=128, required=False)
    year = serializers.IntegerField(min_value=1900, max_value=2100, required=False)
    q = serializers.CharField(max_length=100, required=False)


class PublicBoardView(generics.ListAPIView):
    """Public (no login): the public honours board, throttled per client address like certificate verification."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    public_throttle = "honours"  # per client address, like the page (documents 429 in the schema)
    serializer_class = PublicEntrySerializer

    def get_queryset(self):
        return public_board(BoardFilters(**check_filters(BoardQuery, self.request)))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([public_entry(p) for p in page])

    @extend_schema(parameters=[BoardQuery], summary="The public honours board (public, throttled)")
    def get(self, request, *args, **kwargs):
        if refused := refuse_if_throttled(request, self.public_throttle):
            return refused
        return super().get(request, *args, **kwargs)
