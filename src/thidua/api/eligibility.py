"""Eligibility API: GET over the database (within the user's scope), POST over the input format."""

import csv
from itertools import islice

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.api.fields import Required, StrictBooleanField, StrictCharField
from thidua.awards.models import DisciplineLevel
from thidua.awards.services import CATALOGUE_CSV
from thidua.eligibility.engine import RuleBook, evaluate_input
from thidua.eligibility.history import AWARD_KINDS
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
    next = serializers.URLField(allow_null=True, required=False, help_text="the next page (GET only)")
    warnings = serializers.ListField(child=serializers.CharField(), required=False,
                                     help_text="input that was ignored (POST only)")


# Identifiers and codes: non-empty, no NUL character (said in the schema too, as minLength and pattern).
def text(max_length: int, **kwargs) -> Required:
    return Required(max_length=max_length, **kwargs)


def _catalogue_codes() -> list[str]:
    with open(CATALOGUE_CSV, encoding="utf-8") as fh:
        return [row["code"] for row in csv.DictReader(fh)]


AWARD_CODES = _catalogue_codes()  # titles and forms a history may name: the catalogue's codes
RULE_AWARDS = RuleBook.builtin().awards()  # awards the engine has a rule for


class InitiativeInputSerializer(serializers.Serializer):
    id = StrictCharField(max_length=64, allow_blank=True)
    scope = serializers.ChoiceField(choices=["grassroots", "provincial", "national"], default="grassroots")
    kind = serializers.ChoiceField(choices=["initiative", "research"], default="initiative")
    used_for = StrictCharField(max_length=64, required=False, allow_null=True, allow_blank=True,
                               help_text='"AWARD:YEAR" of the award that used it; empty: unused')


class MembersInputSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    ldtt = serializers.IntegerField(min_value=0, default=0)
    complete = serializers.IntegerField(min_value=0, default=0)
    cstdcs = serializers.IntegerField(min_value=0, default=0)
    disciplined = serializers.IntegerField(min_value=0, default=0)
    women = serializers.IntegerField(min_value=0, default=0)


class AwardInputSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=AWARD_CODES)
    kind = serializers.ChoiceField(choices=list(AWARD_KINDS), default="merit",
                                   help_text="kind of commendation (Law art. 8): adhoc and thematic do not count toward merit awards")
    decision = StrictCharField(max_length=255, required=False, allow_blank=True)


@extend_schema_field({"oneOf": [
    {"type": "string", "enum": AWARD_CODES},
    {"type": "object", "additionalProperties": False, "required": ["code"], "properties": {
        "code": {"type": "string", "enum": AWARD_CODES},
        "kind": {"type": "string", "enum": list(AWARD_KINDS), "default": "merit",
                 "description": "kind of commendation (Law art. 8): adhoc and thematic do not count toward merit awards"},
        "decision": {"type": "string", "maxLength": 255, "pattern": "^[^\\x00]*$"}}}]})
class AwardInputField(serializers.Field):
    """An award of a year: its code, or {"code", "kind", "decision"}."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            if data not in AWARD_CODES:
                raise ValidationError(f"Mã hình thức {data!r} không có trong danh mục.")
            return data
        if not isinstance(data, dict):
            raise ValidationError("Cần một mã hình thức hoặc {\"code\": …, \"kind\": …}.")
        unknown = sorted(set(data) - {"code", "kind", "decision"})
        if unknown:  # the schema says additionalProperties: false
            raise ValidationError(f"Khóa không hợp lệ: {', '.join(unknown)}; dùng code, kind, decision.")
        award = AwardInputSerializer(data=data)
        award.is_valid(raise_exception=True)
        return dict(award.validated_data)

    def to_representation(self, value):
        return value


class StrictFloatField(serializers.FloatField):
    """A JSON number only: DRF's FloatField also takes true/false and numeric strings, which the schema forbids."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("invalid")
        return super().to_internal_value(data)


class PostsInputSerializer(serializers.Serializer):
    director_general = StrictFloatField(min_value=0, max_value=60, required=False)
    deputy_director_general = StrictFloatField(min_value=0, max_value=60, required=False)
    director = StrictFloatField(min_value=0, max_value=60, required=False)
    deputy_director = StrictFloatField(min_value=0, max_value=60, required=False)


class DisciplineInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=DisciplineLevel.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, help_text="empty: still in force")


class YearInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=["HTXS", "HTT", "HT", "KHT"], required=False, allow_null=True)
    awards = serializers.ListField(child=AwardInputField(), required=False)
    on_maternity_leave = StrictBooleanField(required=False, help_text="maternity leave counts as working time")
    led_cluster = serializers.ChoiceField(choices=["internal", "central"], required=False, allow_null=True,
                                          help_text="the collective led its emulation cluster or block that year")
    initiatives = InitiativeInputSerializer(many=True, required=False)
    discipline = serializers.ChoiceField(choices=["reprimand", "warning", "demotion", "dismissal"], required=False,
                                         allow_null=True)
    under_review = StrictBooleanField(required=False)
    members = MembersInputSerializer(required=False, allow_null=True)


class SubjectInputSerializer(serializers.Serializer):
    id = text(64)
    kind = serializers.ChoiceField(choices=["individual", "collective"], default="individual")
    gender = serializers.ChoiceField(choices=["female", "male"], required=False, allow_null=True)
    name = StrictCharField(max_length=255, required=False, allow_blank=True)
    years = serializers.DictField(child=YearInputSerializer(), required=False,
                                  help_text='Keyed by year ("2023"); other keys are ignored and reported in "warnings".')
    holds = serializers.ListField(child=serializers.ChoiceField(choices=AWARD_CODES), required=False)
    posts = PostsInputSerializer(required=False, help_text="years held per leadership post (career path of HCLD3)")
    disciplines = DisciplineInputSerializer(many=True, required=False,
                                            help_text="achievements count again from the year after the end")



class InputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    years = serializers.ListField(child=serializers.IntegerField(min_value=1990, max_value=2100), required=False,
                                  min_length=1, max_length=50, help_text="more years considered, with `year`")
    submitted_on = serializers.DateField(required=False, help_text="the dossier's submission date: picks the rule in force then")
    subjects = SubjectInputSerializer(many=True, max_length=10000)
    awards = serializers.ListField(child=serializers.ChoiceField(choices=RULE_AWARDS), required=False)


PAGE_SIZE, MAX_PAGE_SIZE, MAX_PAGE = 200, 1000, 100_000


def _positive(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= (MAX_PAGE if name == "page" else MAX_PAGE_SIZE):
        raise ValidationError({name: "Cần một số nguyên dương trong giới hạn cho phép."})
    return int(raw)


class EligibilityView(APIView):
    # The input format is nested JSON: form-encoded bodies cannot carry it (and must not be documented).
    parser_classes = [JSONParser]

    @extend_schema(
        parameters=[OpenApiParameter("year", {"type": "integer", "minimum": 1990, "maximum": 2100}, required=True),
                    OpenApiParameter("org", {"type": "integer", "minimum": 1}, required=False,
                                     description="organisation id"),
                    OpenApiParameter("award", OpenApiTypes.STR, enum=RULE_AWARDS,
                                     required=False, many=True, description="award code(s)"),
                    OpenApiParameter("eligible", OpenApiTypes.BOOL, required=False, description="only eligible"),
                    OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, required=False),
                    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                                     required=False, description=f"results per page (default {PAGE_SIZE})")],
        responses=ResultsSerializer, summary="Evaluate awards for the people and collectives of an organisation")
    def get(self, request):
        try:
            year = int(request.query_params["year"])
        except (KeyError, ValueError) as exc:
            raise ValidationError({"year": "Cần năm xét (số nguyên)."}) from exc
        if not 1990 <= year <= 2100:
            raise ValidationError({"year": "Năm xét phải từ 1990 đến 2100."})
        eligible_only = request.query_params.get("eligible")
        if eligible_only not in (None, "true", "false", "1", "0"):
            raise ValidationError({"eligible": "Giá trị là true hoặc false."})
        awards = request.query_params.getlist("award") or None
        known = rulebook().awards()
        unknown = [a for a in awards or [] if a not in known]
        if unknown:
            raise ValidationError({"award": f"Không có quy định cho: {', '.join(unknown)}."})
        org = None
        if "org" in request.query_params:
            try:
                org_id = int(request.query_params["org"])
            except ValueError as exc:
                raise ValidationError({"org": "Mã đơn vị là số nguyên."}) from exc
            org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_id)
        page, size = _positive(request, "page", 1), _positive(request, "page_size", PAGE_SIZE)
        if size > MAX_PAGE_SIZE:
            raise ValidationError({"page_size": f"Tối đa {MAX_PAGE_SIZE} kết quả một trang."})
        people, collectives = subtree(org, request.user)
        results = evaluate_database(year, people, collectives, awards)
        if eligible_only in ("1", "true"):
            results = (r for r in results if r.eligible)
        # Evaluated as a stream: a page costs the results up to its end, never the whole province at once.
        window = list(islice(results, (page - 1) * size, page * size + 1))
        more = len(window) > size
        next_url = None
        if more:
            query = request.query_params.copy()
            query["page"] = page + 1
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return Response({"results": [r.as_dict() for r in window[:size]], "next": next_url})

    @extend_schema(request=InputSerializer, responses=ResultsSerializer,
                   summary="Evaluate histories given in the input format (no database records are read)")
    def post(self, request):
        data = InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload, warnings = data.validated_data, []
        for i, subject in enumerate(payload["subjects"]):
            # OpenAPI 3.0 cannot restrict object keys, so keys that are not years are reported, not fatal.
            bad = [k for k in subject.get("years", {}) if not (str(k).isdigit() and 1945 <= int(k) <= 2100)]
            for k in bad:
                subject["years"].pop(k)
                warnings.append(f"subjects[{i}].years: khóa {k!r} không phải là năm (ví dụ \"2023\"), đã bỏ qua.")
            # The schema cannot order two dates: a discipline ending before it starts is reported, not fatal.
            kept = []
            for n, d in enumerate(subject.get("disciplines", [])):
                if d.get("ends_on") is not None and d["ends_on"] < d["starts_on"]:
                    warnings.append(f"subjects[{i}].disciplines[{n}]: ngày kết thúc trước ngày bắt đầu, đã bỏ qua.")
                else:
                    kept.append(d)
            if "disciplines" in subject:
                subject["disciplines"] = kept
        if payload.get("submitted_on"):
            payload["submitted_on"] = payload["submitted_on"].isoformat()
        try:
            out = evaluate_input(payload, payload.get("awards"), RuleBook.builtin())
            return Response({**out, "warnings": warnings} if warnings else out)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError({"subjects": f"Dữ liệu không hợp lệ: {exc}"}) from exc
