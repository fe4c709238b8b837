"""Public disclosure of nominees before the council meets (services: thidua.nominations.disclosure).

- GET/POST /api/v1/public/disclosures/<token>: the list (name, unit, proposed award) and a comment — no login,
  throttled per client address like certificate verification.
- GET/POST /api/v1/dossiers/<pk>/disclosure: the office's view (window, nominees, comments with contacts and
  handling) and publishing.
- POST /api/v1/disclosure-comments/<pk>/handling: accept, explain or reject with a reply.
Refusals answer 403/409 and change nothing.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.api.common import CONFLICT, call
from thidua.api.fields import Required
from thidua.core.throttle import refuse_if_throttled
from thidua.nominations import disclosure as svc
from thidua.nominations.models import CommentStatus, Disclosure, DisclosureComment, Dossier

MAX_ID = 2_147_483_647


class NomineeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    award = serializers.CharField()


class PublicDisclosureSerializer(serializers.Serializer):
    office = serializers.CharField()
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    open = serializers.BooleanField()
    nominees = NomineeSerializer(many=True)


class CommentInputSerializer(serializers.Serializer):
    author_name = Required(max_length=128)
    contact = Required(max_length=255)
    body = Required(max_length=4000)
    item = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(allow_null=True, source="item_id")
    author_name = serializers.CharField()
    contact = serializers.CharField()
    body = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = serializers.CharField()
    reply = serializers.CharField()
    handled_at = serializers.DateTimeField(allow_null=True)


class OfficeDisclosureSerializer(serializers.Serializer):
    published = serializers.BooleanField()
    opens_on = serializers.DateField(allow_null=True)
    closes_on = serializers.DateField(allow_null=True)
    public_url = serializers.CharField(allow_null=True)
    nominees = NomineeSerializer(many=True)
    comments = CommentSerializer(many=True)


class HandlingInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c, _ in CommentStatus.choices if c != CommentStatus.PENDING])
    reply = Required(max_length=4000)


def _public(d: Disclosure) -> dict:
    return {"office": d.dossier.handler.name, "opens_on": d.opens_on, "closes_on": d.closes_on,
            "open": svc.is_open(d), "nominees": [n.__dict__ for n in svc.public_nominees(d)]}


class PublicDisclosureView(APIView):
    """Public: the nominees published for comments, and a comment (no account: a name and a contact)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    public_throttle = "verify"

    def _get(self, request, token: str) -> Disclosure:
        d = Disclosure.objects.select_related("dossier__handler").filter(token=token).first()
        if d is None:
            raise NotFound("Không có danh sách công khai nào mang mã này.")
        return d

    @extend_schema(responses=PublicDisclosureSerializer, summary="A list of nominees published for comments (public)")
    def get(self, request, token: str):
        if refused := refuse_if_throttled(request, self.public_throttle):
            return refused
        return Response(_public(self._get(request, token)))

    @extend_schema(request=CommentInputSerializer, responses={201: None, 409: CONFLICT},
                   summary="Comment on a published list of nominees (public, no account)")
    def post(self, request, token: str):
        if refused := refuse_if_throttled(request, self.public_throttle):
            return refused
        d = self._get(request, token)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = data.validated_data
        call(lambda: svc.comment(d, author_name=f["author_name"], contact=f["contact"], body=f["body"],
                                 item_id=f.get("item")))
        return Response({"received": True, "detail": "Đã nhận ý kiến."}, status=201)


def _office(request, d: Dossier) -> dict:
    pub = Disclosure.objects.filter(dossier=d).first()
    if pub is None:
        return {"published": False, "opens_on": None, "closes_on": None, "public_url": None, "nominees": [],
                "comments": []}
    return {"published": True, "opens_on": pub.opens_on, "closes_on": pub.closes_on,
            "public_url": request.build_absolute_uri(reverse("nominations:disclosure-public", args=[pub.token])),
            "nominees": [n.__dict__ for n in svc.public_nominees(pub)], "comments": list(pub.comments.all())}


class DossierDisclosureView(APIView):
    parser_classes = [JSONParser]

    def _dossier(self, request, pk: int) -> Dossier:
        return get_object_or_404(Dossier.objects.visible_to(request.user).select_related("handler"), pk=pk)

    @extend_schema(responses=OfficeDisclosureSerializer, summary="A dossier's public disclosure and its comments")
    def get(self, request, pk: int):
        return Response(OfficeDisclosureSerializer(_office(request, self._dossier(request, pk))).data)

    @extend_schema(request=None, responses={201: OfficeDisclosureSerializer, 409: CONFLICT},
                   summary="Publish the dossier's nominees for comments (the handling office)")
    def post(self, request, pk: int):
        d = self._dossier(request, pk)
        call(lambda: svc.publish(request.user, d))
        return Response(OfficeDisclosureSerializer(_office(request, d)).data, status=201)


class CommentHandlingView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=HandlingInputSerializer, responses={200: CommentSerializer, 409: CONFLICT},
                   summary="Handle a public comment: accepted, explained or rejected, with a reply")
    def post(self, request, pk: int):
        c = get_object_or_404(DisclosureComment.objects.filter(
            disclosure__dossier__in=Dossier.objects.visible_to(request.user)), pk=pk)
        data = HandlingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        c = call(lambda: svc.handle(request.user, c, **data.validated_data))
        return Response(CommentSerializer(c).data)
