"""Nominations API: dossiers, items, transitions, decisions, council ballots and the public verification of a
certificate. Thin: every write calls nominations.services, every read goes through Dossier.visible_to (outside
the scope → 404). Refusals (api.common.call): 403 for a wrong role or level, 409 for a wrong state, a missing
reason or failed checks; 400 only for a body that does not match the schema; nothing changes."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.api.common import call
from thidua.api.eligibility import AWARD_CODES
from thidua.api.fields import Required, StrictCharField
from thidua.awards.models import Authority, AwardType, Initiative, RecipientClass
from thidua.core.throttle import refuse_if_throttled
from thidua.emulation.models import Movement
from thidua.nominations import certificates, services
from thidua.nominations.checks import check_dossier
from thidua.nominations.models import (
    Dossier,
    DossierItem,
    DossierKind,
    ItemOutcome,
)
from thidua.nominations.prize import decision_prizes
from thidua.nominations.workdays import Calendar
from thidua.nominations.workflow import workflow
from thidua.orgs.models import Household, Organization, Person

MAX_ID = 2_147_483_647

def id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


class DossierDeadlineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    basis = serializers.CharField()
    working_days = serializers.IntegerField()
    started = serializers.DateField()
    due = serializers.DateField()
    days_left = serializers.IntegerField(help_text="working days from today to the due date; negative when overdue")
    overdue = serializers.BooleanField()


class DossierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=DossierKind.choices)
    year = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    granted_by = serializers.ChoiceField(choices=Authority.choices)
    from_org = serializers.CharField()
    from_org_id = serializers.IntegerField()
    handler = serializers.CharField()
    authority = serializers.CharField()
    letter_number = serializers.CharField()
    created_at = serializers.DateTimeField()
    deadline = DossierDeadlineSerializer(allow_null=True)


class ItemCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    status = serializers.ChoiceField(choices=["ok", "info", "warn", "block"])
    message = serializers.CharField()
    details = serializers.ListField(child=serializers.CharField())


class ItemCertificateSerializer(serializers.Serializer):
    register_no = serializers.CharField()
    verification_url = serializers.URLField()


class DossierItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    recipient_name = serializers.CharField()
    recipient_kind = serializers.ChoiceField(choices=["individual", "collective", "household"])
    person = serializers.IntegerField(allow_null=True)
    organization = serializers.IntegerField(allow_null=True)
    household = serializers.IntegerField(allow_null=True)
    recipient_class = serializers.ChoiceField(choices=RecipientClass.choices)
    award_type = serializers.CharField()
    final_award_type = serializers.CharField()
    year = serializers.IntegerField()
    achievement = serializers.CharField()
    initiatives = serializers.ListField(child=serializers.IntegerField())
    outcome = serializers.ChoiceField(choices=ItemOutcome.choices)
    reason = serializers.CharField()
    eligible = serializers.BooleanField(allow_null=True, help_text="from the eligibility engine; null: no rule applies")
    checks = ItemCheckSerializer(many=True)
    award = serializers.IntegerField(allow_null=True)
    certificate = ItemCertificateSerializer(allow_null=True)


class DossierQuotaSerializer(serializers.Serializer):
    award_code = serializers.CharField()
    year = serializers.IntegerField()
    limit = serializers.IntegerField()
    awarded = serializers.IntegerField()
    other_dossiers = serializers.IntegerField()
    this_dossier = serializers.IntegerField()
    remaining = serializers.IntegerField()
    basis = serializers.CharField()


class DossierEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField()
    organization = serializers.CharField(allow_null=True)
    transition = serializers.CharField()
    label = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    item = serializers.IntegerField(allow_null=True)


class DossierDecisionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    signed_on = serializers.DateField()
    authority = serializers.CharField()
    signer_name = serializers.CharField()


class DossierDetailSerializer(DossierSerializer):
    route = serializers.ListField(child=serializers.CharField())
    step = serializers.IntegerField()
    items = DossierItemSerializer(many=True)
    quotas = DossierQuotaSerializer(many=True)
    events = DossierEventSerializer(many=True)
    allowed_transitions = serializers.ListField(child=serializers.CharField())
    decision = DossierDecisionOutSerializer(allow_null=True)


def _deadline(d: Dossier, calendar: Calendar) -> dict | None:
    dl = services.dossier_deadline(d, calendar)
    if dl is None:
        return None
    return {"code": dl.code, "label": dl.label, "basis": dl.basis, "working_days": dl.working_days, "started": dl.started,
            "due": dl.due, "days_left": dl.days_left, "overdue": dl.overdue}


def dossier_dict(d: Dossier, calendar: Calendar) -> dict:
    return {"id": d.pk, "title": d.title, "kind": d.kind, "year": d.year, "state": d.state, "state_label": d.state_label,
            "granted_by": d.granted_by, "from_org": d.from_org.name, "from_org_id": d.from_org_id,
            "handler": d.handler.name, "authority": d.authority.name, "letter_number": d.letter_number,
            "created_at": d.created_at, "deadline": _deadline(d, calendar)}


def _verification_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("api-verify", args=[token]))


def dossier_detail(request, d: Dossier) -> dict:
    items = list(d.items.select_related("award_type", "lowered_to", "person", "organization", "household",
                                        "award__certificate").prefetch_related("initiatives"))
    report = check_dossier(d, items) if d.state not in (*workflow().terminal_states, "decided") else None
    out = dossier_dict(d, Calendar.from_db())
    out.update({
        "route": [s.organization.name for s in d.steps.select_related("organization").order_by("position")],
        "step": d.step,
        "items": [{
            "id": i.pk, "position": i.position, "recipient_name": i.recipient_name, "recipient_kind": i.subject_kind,
            "person": i.person_id, "organization": i.organization_id, "household": i.household_id,
            "recipient_class": i.recipient_class, "award_type": i.award_type.code,
            "final_award_type": i.final_award_type.code, "year": i.year, "achievement": i.achievement,
            "initiatives": [x.pk for x in i.initiatives.all()], "outcome": i.outcome, "reason": i.reason,
            "eligible": report.items[i.pk].eligible if report else None,
            "checks": [c.__dict__ for c in report.items[i.pk].checks] if report else [],
            "award": i.award_id,
            "certificate": ({"register_no": i.award.certificate.register_no,
                             "verification_url": _verification_url(request, i.award.certificate.token)}
                            if i.award_id and hasattr(i.award, "certificate") else None),
        } for i in items],
        "quotas": [{"award_code": q.award_code, "year": q.year, "limit": q.limit, "awarded": q.awarded,
                    "other_dossiers": q.other_dossiers, "this_dossier": q.this_dossier, "remaining": q.remaining,
                    "basis": q.basis} for q in (report.quotas if report else [])],
        "events": [{"at": e.at, "user": e.username, "organization": e.organization.name if e.organization else None,
                    "transition": e.transition, "label": e.label, "from_state": e.from_state, "to_state": e.to_state,
                    "reason": e.reason, "item": e.item_id}
                   for e in d.events.select_related("organization").order_by("at", "pk")],
        "allowed_transitions": [t.code for t in services.allowed_transitions(request.user, d)],
        "decision": ({"id": d.decision.pk, "number": d.decision.number, "signed_on": d.decision.signed_on,
                      "authority": d.authority.name, "signer_name": d.decision.signer_name} if d.decision_id else None),
    })
    return out


def _dossier(request, pk: int) -> Dossier:
    return get_object_or_404(Dossier.objects.visible_to(request.user).select_related(
        "from_org", "handler", "authority", "decision"), pk=pk)


# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------


class DossierInputSerializer(serializers.Serializer):
    from_org = id_field(help_text="the proposing organisation's id")
    granted_by = serializers.ChoiceField(choices=Authority.choices, help_text="the deciding authority")
    kind = serializers.ChoiceField(choices=DossierKind.choices, default=DossierKind.MERIT)
    movement = id_field(required=False, allow_null=True, help_text="the movement (thematic dossiers)")
    year = serializers.IntegerField(min_value=1945, max_value=2100)
    title = Required(max_length=500)
    letter_number = StrictCharField(max_length=64, required=False, allow_blank=True)



class ItemInputSerializer(serializers.Serializer):
    person = id_field(required=False, allow_null=True)
    organization = id_field(required=False, allow_null=True, help_text="a collective")
    household = id_field(required=False, allow_null=True)
    award_type = serializers.ChoiceField(choices=AWARD_CODES)
    year = serializers.IntegerField(min_value=1945, max_value=2100, required=False)
    achievement = StrictCharField(max_length=5000, required=False, allow_blank=True)
    recipient_class = serializers.ChoiceField(choices=RecipientClass.choices, required=False)
    initiatives = serializers.ListField(child=id_field(), required=False, max_length=20)



class TransitionInputSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=[t for t in workflow().transitions if t != "decide"])
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True)
    confirm = serializers.BooleanField(required=False, default=False,
                                       help_text="submit even though every nominee is flagged ineligible")


class OutcomeInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ItemOutcome.choices)
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True)
    lowered_to = serializers.ChoiceField(choices=AWARD_CODES, required=False, allow_null=True)
    override_reason = StrictCharField(max_length=2000, required=False, allow_blank=True,
                                      help_text="why approve an item flagged ineligible (required then)")


class DecisionInputSerializer(serializers.Serializer):
    number = Required(max_length=64)
    signed_on = serializers.DateField()
    signer_name = Required(max_length=128)
    signer_title = StrictCharField(max_length=128, required=False, allow_blank=True)
    summary = StrictCharField(max_length=500, required=False, allow_blank=True)
    items = serializers.ListField(child=id_field(), required=False, max_length=5000,
                                  help_text="items awarded (default: every item still in the running)")
    override_reason = StrictCharField(max_length=2000, required=False, allow_blank=True,
                                      help_text="why decide the items flagged ineligible (required when there are any)")


class CouncilBallotInputSerializer(serializers.Serializer):
    choices = serializers.DictField(child=serializers.ChoiceField(choices=["yes", "no"]),
                                    help_text='item id → "yes" | "no", for every item of the session')


class TransitionOutSerializer(serializers.Serializer):
    state = serializers.CharField()
    state_label = serializers.CharField()
    event = DossierEventSerializer()


class DecisionAwardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField()
    recipient_name = serializers.CharField()
    award_type = serializers.CharField()
    register_no = serializers.CharField()
    verification_url = serializers.URLField()
    prize = serializers.IntegerField(allow_null=True, help_text="prize money paid, in đồng")


class DossierDecisionResultSerializer(serializers.Serializer):
    decision = DossierDecisionOutSerializer()
    awards = DecisionAwardSerializer(many=True)


class CouncilBallotOutSerializer(serializers.Serializer):
    recorded = serializers.BooleanField()
    detail = serializers.CharField()


class VerifiedRevocationSerializer(serializers.Serializer):
    number = serializers.CharField()
    date = serializers.DateField()
    authority = serializers.CharField()
    transcribed_by = serializers.CharField(allow_null=True, help_text="set when the revocation decision is a copy "
                                           "recorded by another office")


class SignatureCheckSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["intact", "altered", "unsigned"],
                                    help_text="intact: the stored PDF is the one signed; altered: it was changed")
    signer = serializers.CharField(help_text="the signing certificate's subject (common name)")
    organisation = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    trusted = serializers.BooleanField(help_text="the certificate chains to a configured trust root")
    detail = serializers.CharField()


class VerifiedSignaturesSerializer(serializers.Serializer):
    certificate = SignatureCheckSerializer(allow_null=True, help_text="the signed electronic certificate, if any")
    decision = SignatureCheckSerializer(allow_null=True, help_text="the signed decision PDF, if any")


def _signatures(v) -> dict | None:
    if v.signatures is None:
        return None
    return {k: None if c is None else {"state": c.state, "signer": c.signer, "organisation": c.organisation,
                                       "signed_at": c.signed_at, "trusted": c.trusted, "detail": c.detail}
            for k, c in v.signatures.items()}


class CertificateVerificationSerializer(serializers.Serializer):
    recipient_name = serializers.CharField()
    award = serializers.CharField()
    decision_number = serializers.CharField()
    decision_date = serializers.DateField()
    decision_authority = serializers.CharField()
    valid = serializers.BooleanField(help_text="false once the award is revoked")
    decision_transcribed_by = serializers.CharField(allow_null=True, help_text="set when the decision is a copy "
                                                    "recorded by another office, not the authority's own record")
    revocation = VerifiedRevocationSerializer(allow_null=True, help_text="the revocation decision, once revoked")
    signatures = VerifiedSignaturesSerializer(allow_null=True, help_text="digital signatures of the stored PDFs")


def _obj(model, pk, field: str, qs=None):
    """The object a body field names; an unknown id (or one outside what may be used here) is a 404, like an
    unknown id in the path."""
    if pk is None:
        return None
    obj = (qs if qs is not None else model.objects).filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"{field}: không có {model._meta.verbose_name} #{pk}.")
    return obj


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------


class DossierListSerializer(DossierSerializer):
    """A dossier in a list (the same fields as `dossier_dict`), read from the model with its deadline."""

    from_org = serializers.CharField(source="from_org.name")
    handler = serializers.CharField(source="handler.name")
    authority = serializers.CharField(source="authority.name")
    deadline = serializers.SerializerMethodField()

    @extend_schema_field(DossierDeadlineSerializer(allow_null=True))
    def get_deadline(self, d: Dossier) -> dict | None:
        return _deadline(d, self.context["calendar"])


class DossierListView(generics.ListAPIView):
    serializer_class = DossierListSerializer
    parser_classes = [JSONParser]

    def get_queryset(self):
        return (Dossier.objects.visible_to(self.request.user).select_related("from_org", "handler", "authority")
                .order_by("-created_at", "-pk"))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "calendar": Calendar.from_db()}

    @extend_schema(parameters=[OpenApiParameter("state", OpenApiTypes.STR, enum=list(workflow().states), required=False,
                                                description="only dossiers in this state")],
                   summary="Dossiers visible to me (newest first)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def filter_queryset(self, qs):
        if "state" in self.request.query_params:  # present: a known state (an empty value is not one)
            state = self.request.query_params["state"]
            if state not in workflow().states:
                raise ValidationError({"state": f"Trạng thái không hợp lệ; dùng: {', '.join(workflow().states)}."})
            qs = qs.filter(state=state)
        return qs

    @extend_schema(request=DossierInputSerializer, responses={201: DossierDetailSerializer},
                   summary="Create a draft dossier (its route follows the routing data)")
    def post(self, request):
        data = DossierInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = data.validated_data
        from_org = _obj(Organization, f["from_org"], "from_org", Organization.objects.visible_to(request.user))
        movement = _obj(Movement, f.get("movement"), "movement")
        d = call(lambda: services.create_dossier(request.user, from_org=from_org, granted_by=f["granted_by"],
                                                  kind=f["kind"], movement=movement, year=f["year"], title=f["title"],
                                                  letter_number=f.get("letter_number", "")))
        return Response(dossier_detail(request, d), status=201)


class DossierDetailView(APIView):
    @extend_schema(responses=DossierDetailSerializer,
                   summary="A dossier: items with their checks, quotas, timeline, the transitions I may take")
    def get(self, request, pk: int):
        return Response(dossier_detail(request, _dossier(request, pk)))


class DossierItemsView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=ItemInputSerializer, responses={201: DossierItemSerializer},
                   summary="Add a nominee (person, collective or household) to a draft or returned dossier")
    def post(self, request, pk: int):
        d = _dossier(request, pk)
        data = ItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = data.validated_data
        base = d.from_org.path
        person = _obj(Person, f.get("person"), "person", Person.objects.filter(organization__path__startswith=base))
        org = _obj(Organization, f.get("organization"), "organization", Organization.objects.filter(path__startswith=base))
        household = _obj(Household, f.get("household"), "household",
                         Household.objects.filter(organization__path__startswith=base))
        initiatives = list(Initiative.objects.filter(pk__in=f.get("initiatives", [])))
        if len(initiatives) != len(set(f.get("initiatives", []))):
            raise NotFound("initiatives: có mã sáng kiến không tồn tại.")
        award_type = AwardType.objects.filter(code=f["award_type"]).first()
        if award_type is None:
            raise NotFound(f"award_type: {f['award_type']} không có trong danh mục.")
        item = call(lambda: services.add_item(request.user, d, award_type=award_type, person=person, organization=org,
                                               household=household, year=f.get("year"),
                                               achievement=f.get("achievement", ""),
                                               recipient_class=f.get("recipient_class"), initiatives=initiatives))
        detail = dossier_detail(request, d)
        return Response(next(i for i in detail["items"] if i["id"] == item.pk), status=201)


class ItemOutcomeView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=OutcomeInputSerializer, responses=DossierItemSerializer,
                   summary="Return, reject, lower or approve one item without stopping the rest")
    def post(self, request, pk: int, item_pk: int):
        d = _dossier(request, pk)
        item = get_object_or_404(DossierItem.objects.filter(dossier=d), pk=item_pk)
        data = OutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = data.validated_data
        lowered = AwardType.objects.filter(code=f["lowered_to"]).first() if f.get("lowered_to") else None
        call(lambda: services.set_item_outcome(request.user, item, f["outcome"], f.get("reason", ""), lowered_to=lowered,
                                                override_reason=f.get("override_reason", "")))
        detail = dossier_detail(request, d)
        return Response(next(i for i in detail["items"] if i["id"] == item.pk))


class DossierTransitionView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=TransitionInputSerializer, responses=TransitionOutSerializer,
                   summary="Take a workflow transition (refused with the reason when my role, level or the state "
                           "does not allow it)")
    def post(self, request, pk: int):
        d = _dossier(request, pk)
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = data.validated_data
        e = call(lambda: services.move(request.user, d, f["transition"], f.get("reason", ""),
                                           confirm=f.get("confirm", False)))
        return Response({"state": d.state, "state_label": d.state_label, "event": {
            "at": e.at, "user": e.username, "organization": e.organization.name if e.organization else None,
            "transition": e.transition, "label": e.label, "from_state": e.from_state, "to_state": e.to_state,
            "reason": e.reason, "item": None}})


class DossierDecisionView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=DecisionInputSerializer, responses={201: DossierDecisionResultSerializer},
                   summary="Record the authority's decision: approved items become award records with certificates")
    def post(self, request, pk: int):
        d = _dossier(request, pk)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = data.validated_data
        items = list(d.items.filter(pk__in=f["items"])) if "items" in f else None
        if items is not None and len(items) != len(set(f["items"])):
            raise NotFound("items: có mục không thuộc hồ sơ này.")
        decision = call(lambda: services.record_decision(
            request.user, d, number=f["number"], signed_on=f["signed_on"], signer_name=f["signer_name"],
            signer_title=f.get("signer_title", ""), summary=f.get("summary", ""), items=items,
            overrides={i.pk: f.get("override_reason", "") for i in (items if items is not None else d.items.all())}))
        paid = {p.award_id: p.paid for p in decision_prizes(decision)}
        awarded = (DossierItem.objects.filter(dossier=d, award__decision=decision)
                   .select_related("award__award_type", "award__certificate").order_by("position"))
        return Response({
            "decision": {"id": decision.pk, "number": decision.number, "signed_on": decision.signed_on,
                         "authority": d.authority.name, "signer_name": decision.signer_name},
            "awards": [{"id": i.award.pk, "item": i.pk, "recipient_name": i.award.recipient_name,
                        "award_type": i.award.award_type.code, "register_no": i.award.certificate.register_no,
                        "verification_url": _verification_url(request, i.award.certificate.token),
                        "prize": paid.get(i.award.pk)} for i in awarded],
        }, status=201)


class CouncilBallotView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(request=CouncilBallotInputSerializer, responses={201: CouncilBallotOutSerializer},
                   summary="Cast my secret ballot in an open council session (participation recorded, never the choice)")
    def post(self, request, pk: int):
        session = get_object_or_404(services.sessions_visible_to(request.user), pk=pk)
        if not session.council.members.filter(pk=request.user.pk).exists():
            raise PermissionDenied("Bỏ phiếu: bạn không phải thành viên của Hội đồng này.")
        data = CouncilBallotInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        raw = data.validated_data["choices"]
        if not all(str(k).isdigit() and int(k) <= MAX_ID for k in raw):
            raise ValidationError({"choices": "Khóa là mã mục (số nguyên)."})
        call(lambda: services.cast_ballot(request.user, session, {int(k): v for k, v in raw.items()}))
        return Response({"recorded": True, "detail": "Đã ghi nhận phiếu; không lưu lựa chọn của bạn gắn với bạn."},
                        status=201)


class VerifyView(APIView):
    """Public: what a certificate's QR code opens, as JSON. No login; nothing but name, award, decision, validity."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    public_throttle = "verify"

    @extend_schema(responses=CertificateVerificationSerializer, summary="Verify a certificate by its token (public)")
    def get(self, request, token: str):
        if refused := refuse_if_throttled(request, self.public_throttle):  # per client address, like the page
            return refused
        v = certificates.verify(token)
        if v is None:
            raise NotFound("Mã xác minh không khớp với giấy chứng nhận nào.")
        return Response({"recipient_name": v.recipient_name, "award": v.award_name, "decision_number": v.decision_number,
                         "decision_date": v.decision_date, "decision_authority": v.decision_authority, "valid": v.valid,
                         "decision_transcribed_by": v.decision_transcribed_by,
                         "revocation": None if v.revocation_number is None else {
                             "number": v.revocation_number, "date": v.revocation_date,
                             "authority": v.revocation_authority, "transcribed_by": v.revocation_transcribed_by},
                         "signatures": _signatures(v)})

