"""The cluster year over the API: every step of the year, through the same services as the pages.

Each endpoint validates its body with a serializer, finds the cluster year (or vote session) among those
the user may see (404 otherwise) and calls one service; a refusal of the service answers 403 (role) or
400 (order, window, invalid value) with its message and changes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.api.common import call
from thidua.api.eligibility import AWARD_CODES
from thidua.api.fields import Number, RecordField, Records, StrictBooleanField, Text
from thidua.awards.models import AwardType
from thidua.emulation import services
from thidua.emulation.models import (
    ClusterYear,
    CriterionKind,
    Movement,
    ResultReport,
    ScoreRound,
    Step,
    VoteKind,
    VoteSession,
)
from thidua.emulation.scoring import score_sheet
from thidua.emulation.voting import tally


def _cluster_year(request, pk) -> ClusterYear:
    return get_object_or_404(ClusterYear.objects.visible_to(request.user).select_related("cluster", "chair"), pk=pk)


def _session(request, pk) -> VoteSession:
    visible = ClusterYear.objects.visible_to(request.user)
    return get_object_or_404(VoteSession.objects.filter(cluster_year__in=visible).select_related("cluster_year"), pk=pk)


def session_dict(session: VoteSession, user) -> dict:
    """A session as its members see it: the tally only once the session is closed."""
    out = {"id": session.pk, "kind": session.kind, "round": session.round, "seats": session.seats,
           "award_type": session.award_type.code if session.award_type else None,
           "opens_at": session.opens_at, "closes_at": session.closes_at, "closed_at": session.closed_at,
           "electorate": session.electorate,
           # While open: how many have voted (participations); the stored total exists only after the close.
           "ballots_cast": session.ballots_cast if session.is_closed else session.participations.count(),
           "candidates": [{"organization_id": c.organization_id, "organization": c.organization.name}
                          for c in session.candidates.select_related("organization")],
           "voted": sorted(session.participations.values_list("member__name", flat=True))}
    if session.is_closed:
        out["tally"] = tally(session).as_dict()
    return out


class RunView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="The year's timeline, the caller's roles in it, settings and lock")
    def get(self, request, pk: int):
        cy = _cluster_year(request, pk)
        roles = services.year_roles(request.user, cy)
        run = getattr(cy, "run", None)
        return Response({
            "cluster_year": cy.pk, "year": cy.year, "theme": cy.theme, "chair": cy.chair.name,
            "roles": {"members": sorted(roles.member_ids), "chair": roles.is_chair, "authority": roles.is_authority},
            "opened_on": run.opened_on if run else None, "locked_at": run.scores_locked_at if run else None,
            "not_reported": [m.name for m in services.not_reported(cy)],
            "timeline": [{"step": t.step, "label": t.label, "done": t.done, "detail": t.detail, "due_on": t.due_on,
                          "overdue": t.overdue} for t in services.timeline(cy)],
        })


class _Action(APIView):
    """POST a body, validated by `body`, to `run(request, cy, data)`."""

    parser_classes = [JSONParser]
    body: type[serializers.Serializer]
    target = staticmethod(_cluster_year)

    def run(self, request, obj, data):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def post(self, request, pk: int):
        obj = type(self).target(request, pk)
        data = self.body(data=request.data)
        data.is_valid(raise_exception=True)
        result = call(lambda: self.run(request, obj, data.validated_data))
        return Response(result, status=201)


def action(body, summary):
    def wrap(fn):
        return extend_schema(request=body, responses={201: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT}, summary=summary)(
            type(fn.__name__, (_Action,), {"body": body, "run": lambda self, r, obj, d: fn(r, obj, d)}))
    return wrap


def session_action(body, summary):
    def wrap(fn):
        return extend_schema(request=body, responses={201: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT}, summary=summary)(
            type(fn.__name__, (_Action,), {"body": body, "target": staticmethod(_session),
                                           "run": lambda self, r, obj, d: fn(r, obj, d)}))
    return wrap


# One optional date per step: the schema names the steps (a free-form object could not say which keys exist).
MilestonesBody = type("MilestonesBody", (serializers.Serializer,),
                      {step.value: serializers.DateField(required=False, help_text=str(step.label)) for step in Step})


class OpenBody(serializers.Serializer):
    theme = Text(max_length=500)
    opened_on = serializers.DateField()
    movements = serializers.ListField(child=RecordField(Movement), required=False)
    milestones = MilestonesBody(required=False, help_text="due date per step of the year")
    copy_framework = StrictBooleanField(default=False)
    min_cross_scorers = serializers.IntegerField(min_value=1, max_value=50, default=2)
    rotation_years = serializers.IntegerField(min_value=0, max_value=50, default=3)



@action(OpenBody, "Open the year: theme, movements, calendar, settings, optionally last year's framework")
def OpenYearView(request, cy, d):
    run = services.open_year(request.user, cy, theme=d["theme"], opened_on=d["opened_on"],
                             movements=d.get("movements", []), milestones=dict(d.get("milestones") or {}),
                             copy_framework=d["copy_framework"], min_cross_scorers=d["min_cross_scorers"],
                             rotation_years=d["rotation_years"])
    return {"cluster_year": cy.pk, "opened_on": run.opened_on}


class CriterionBody(serializers.Serializer):
    code = Text(max_length=16)
    name = Text(max_length=500)
    kind = serializers.ChoiceField(choices=CriterionKind.choices)
    max_points = Number(max_digits=7, decimal_places=2, min_value=0)
    parent = Text(max_length=16, required=False, allow_blank=True, default="")
    indicator = Text(max_length=32, required=False, allow_blank=True, default="")
    bonus_per_percent = Number(max_digits=6, decimal_places=3, min_value=0, required=False,
                                                 allow_null=True)
    bonus_cap = Number(max_digits=7, decimal_places=2, min_value=0, required=False, allow_null=True)
    order = serializers.IntegerField(min_value=0, max_value=999, default=0)


class CriteriaView(_Action):
    body = CriterionBody

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="The scoring framework, scores per member and criterion, and the ranking")
    def get(self, request, pk: int):
        return Response(score_sheet(_cluster_year(request, pk)).as_dict())

    @extend_schema(request=CriterionBody, responses={201: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT}, summary="Add or change a criterion (by code)")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def run(self, request, cy, d):
        c = services.save_criterion(request.user, cy, code=d["code"], name=d["name"], kind=d["kind"],
                                    max_points=d["max_points"], parent_code=d["parent"], indicator_code=d["indicator"],
                                    bonus_per_percent=d.get("bonus_per_percent"), bonus_cap=d.get("bonus_cap"),
                                    order=d["order"])
        return {"id": c.pk, "code": c.code}


class IndicatorBody(serializers.Serializer):
    code = Text(max_length=32)
    name = Text(max_length=255)
    unit = Text(max_length=64)


@action(IndicatorBody, "Add or change an indicator of the year (by code)")
def IndicatorView(request, cy, d):
    ind = services.save_indicator(request.user, cy, code=d["code"], name=d["name"], unit=d["unit"])
    return {"id": ind.pk, "code": ind.code}


class RegisterBody(serializers.Serializer):
    member = RecordField()
    plans = serializers.DictField(child=Number(max_digits=20, decimal_places=3, min_value=0))
    titles = serializers.ListField(child=serializers.ChoiceField(choices=AWARD_CODES), required=False)


@action(RegisterBody, "A member registers its targets (plan per indicator code) and the titles it aims for")
def RegisterView(request, cy, d):
    targets = services.register(request.user, cy, d["member"], plans=d["plans"], titles=list(AwardType.objects.filter(code__in=d.get("titles", []))))
    return {"targets": len(targets)}


class PactBody(serializers.Serializer):
    title = Text(max_length=255)
    commitments = Text(max_length=20000)


@action(PactBody, "The chair writes the pact")
def PactView(request, cy, d):
    pact = services.save_pact(request.user, cy, title=d["title"], commitments=d["commitments"],
                              conference=services.review_conference(cy))
    return {"id": pact.pk}


class SignBody(serializers.Serializer):
    member = RecordField()
    signatory = Text(max_length=128)
    position = Text(max_length=128)
    signed_on = serializers.DateField()


@action(SignBody, "A member signs the pact")
def SignView(request, cy, d):
    sig = services.sign_pact(request.user, cy, d["member"], signatory=d["signatory"], position=d["position"],
                             signed_on=d["signed_on"])
    return {"id": sig.pk}


class ResultBody(serializers.Serializer):
    member = RecordField()
    indicator = Text(max_length=32)
    period = serializers.ChoiceField(choices=ResultReport.Period.choices)
    value = Number(max_digits=20, decimal_places=3, min_value=0)


@action(ResultBody, "A member reports a result (mid-year or year-end) for an indicator")
def ResultView(request, cy, d):
    indicator = cy.indicators.filter(code=d["indicator"]).first()
    if indicator is None:
        raise DjangoValidationError(f"Chỉ tiêu “{d['indicator']}” không có trong năm {cy.year}.")
    r = services.report_result(request.user, cy, d["member"], indicator, period=d["period"], value=d["value"])
    return {"id": r.pk, "value": r.value}


class AssignBody(serializers.Serializer):
    pairs = serializers.ListField(child=serializers.ListField(child=RecordField(), min_length=2, max_length=2),
                                  required=False, allow_null=True,
                                  help_text="[[scorer, member], …]; omitted: rotation, each member scored by the next ones")


@action(AssignBody, "The chair assigns cross-scoring")
def AssignView(request, cy, d):
    pairs = d.get("pairs")
    out = services.assign_cross_scoring(request.user, cy, [tuple(p) for p in pairs] if pairs else None)
    return {"pairs": [[a.scorer_id, a.member_id] for a in out]}


class ScoreBody(serializers.Serializer):
    member = RecordField()
    criterion = Text(max_length=16)
    round = serializers.ChoiceField(choices=ScoreRound.choices)
    points = Number(max_digits=7, decimal_places=2, min_value=0)
    comment = Text(max_length=2000, required=False, allow_blank=True, default="")
    reason = Text(max_length=255, required=False, allow_blank=True, default="")
    scorer = RecordField(required=False, allow_null=True)


class ScoresView(_Action):
    body = ScoreBody

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Scores per member and criterion, totals and ranking (same as /criteria)")
    def get(self, request, pk: int):
        return Response(score_sheet(_cluster_year(request, pk)).as_dict())

    @extend_schema(request=ScoreBody, responses={201: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT}, summary="Self, cross or final score of one criterion")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def run(self, request, cy, d):
        criterion = cy.criteria.filter(code=d["criterion"]).first()
        if criterion is None:
            raise DjangoValidationError(f"Tiêu chí “{d['criterion']}” không có trong năm {cy.year}.")
        s = services.score(request.user, cy, member=d["member"], criterion=criterion, round=d["round"],
                           points=d["points"], comment=d["comment"], reason=d["reason"], scorer=d.get("scorer"))
        return {"id": s.pk, "points": s.points}


class Empty(serializers.Serializer):
    pass


@action(Empty, "The chair locks the scores (the ranking becomes final)")
def LockView(request, cy, d):
    run = services.lock_scores(request.user, cy)
    return {"locked_at": run.scores_locked_at, "ranking": [r.as_dict() for r in score_sheet(cy).rows]}


class ReviewBody(serializers.Serializer):
    title = Text(max_length=500)
    held_on = serializers.DateField()
    place = Text(max_length=255)


@action(ReviewBody, "The chair schedules the year-end review conference")
def ReviewView(request, cy, d):
    conf = services.schedule_review(request.user, cy, title=d["title"], held_on=d["held_on"], place=d["place"])
    return {"id": conf.pk}


class VoteBody(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VoteKind.choices)
    candidates = Records(min_length=1)
    seats = serializers.IntegerField(min_value=1, max_value=50, default=1)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    threshold_percent = Number(max_digits=5, decimal_places=2, min_value=0, max_value=100,
                                                 default=50)
    threshold_strict = StrictBooleanField(default=True)
    quorum_percent = Number(max_digits=5, decimal_places=2, min_value=0, max_value=100, default=50)
    quorum_strict = StrictBooleanField(default=True)


class VotesView(_Action):
    body = VoteBody

    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}},
                   summary="The year's vote sessions (tallies only of closed sessions)")
    def get(self, request, pk: int):
        cy = _cluster_year(request, pk)
        return Response([session_dict(s, request.user) for s in cy.vote_sessions.all()])

    @extend_schema(request=VoteBody, responses={201: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT}, summary="The chair opens a secret-ballot session")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def run(self, request, cy, d):
        s = services.open_vote(request.user, cy, kind=d["kind"], candidates=d["candidates"], seats=d["seats"],
                               opens_at=d["opens_at"], closes_at=d["closes_at"],
                               threshold_percent=d["threshold_percent"], threshold_strict=d["threshold_strict"],
                               quorum_percent=d["quorum_percent"], quorum_strict=d["quorum_strict"])
        return session_dict(s, request.user)


class VoteSessionView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="One vote session: who has voted; the tally once closed")
    def get(self, request, pk: int):
        return Response(session_dict(_session(request, pk), request.user))


class BallotBody(serializers.Serializer):
    member = RecordField()
    choices = Records()


@session_action(BallotBody, "Cast the member's one secret ballot (sealed; stored with no member and no time)")
def BallotView(request, session, d):
    services.cast_ballot(request.user, session, d["member"], d["choices"])
    return {"session": session.pk, "member": d["member"].pk, "voted": True}


@session_action(Empty, "The chair closes the session; the outcome takes effect")
def CloseVoteView(request, session, d):
    services.close_vote(request.user, session)
    session.refresh_from_db()
    return session_dict(session, request.user)


class TieBody(serializers.Serializer):
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()


@session_action(TieBody, "A new round among the candidates tied in a closed session")
def TieRoundView(request, session, d):
    s = services.open_tie_round(request.user, session, opens_at=d["opens_at"], closes_at=d["closes_at"])
    return session_dict(s, request.user)


class HandoverBody(serializers.Serializer):
    handed_on = serializers.DateField()
    handed_by = Text(max_length=255, required=False, allow_blank=True, default="")


@action(HandoverBody, "The outgoing chair hands the rotating flag to next year's chair")
def HandoverView(request, cy, d):
    h = services.hand_over_flag(request.user, cy, handed_on=d["handed_on"], handed_by=d["handed_by"])
    nxt = services.next_year(cy)
    return {"id": h.pk, "from": h.from_org.name, "to": h.to_org.name, "next_year": nxt.pk}
