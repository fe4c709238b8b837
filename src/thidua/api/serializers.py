"""API serializers. The summary serializers document the shape of
emulation.statistics.ClusterYearSummary.as_dict() for the OpenAPI schema."""

from rest_framework import serializers

from thidua.awards.models import Award
from thidua.emulation.models import ClusterYear


class ClusterYearSerializer(serializers.ModelSerializer):
    cluster = serializers.CharField(source="cluster.name")
    chair = serializers.CharField(source="chair.name")
    deputy = serializers.CharField(source="deputy.name", allow_null=True, default=None)

    class Meta:
        model = ClusterYear
        fields = ["id", "cluster", "year", "theme", "chair", "deputy"]


class MemberFigureSerializer(serializers.Serializer):
    member_id = serializers.IntegerField()
    member = serializers.CharField()
    planned = serializers.FloatField(allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    percent_of_plan = serializers.FloatField(allow_null=True)
    prior = serializers.FloatField(allow_null=True)
    cumulative = serializers.FloatField(allow_null=True)
    base = serializers.FloatField(allow_null=True)
    share_of_base = serializers.FloatField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)


class IndicatorFigureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    aggregation = serializers.ChoiceField(choices=["sum", "cumulative", "share", "members_met"])
    planned = serializers.FloatField(allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    percent_of_plan = serializers.FloatField(allow_null=True)
    cumulative = serializers.FloatField(allow_null=True)
    base = serializers.FloatField(allow_null=True)
    share_of_base = serializers.FloatField(allow_null=True)
    members_met = serializers.IntegerField()
    members_count = serializers.IntegerField()
    members = MemberFigureSerializer(many=True)


class CommendationCountsSerializer(serializers.Serializer):
    collectives = serializers.IntegerField()
    individuals = serializers.IntegerField()
    households = serializers.IntegerField()
    priority = serializers.IntegerField(help_text="Small collectives and direct workers.")
    total = serializers.IntegerField()
    priority_share = serializers.FloatField(allow_null=True, help_text="priority / total × 100")


class CommendationsSerializer(serializers.Serializer):
    state = CommendationCountsSerializer()
    provincial = CommendationCountsSerializer()


class ClusterYearHeadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cluster = serializers.CharField()
    year = serializers.IntegerField()
    theme = serializers.CharField()
    chair = serializers.CharField()
    deputy = serializers.CharField(allow_null=True)
    members = serializers.IntegerField()
    illustrative_member_figures = serializers.BooleanField()


class ExemplarFiguresSerializer(serializers.Serializer):
    honoured_nationally = serializers.IntegerField()
    honoured_at_review = serializers.IntegerField()


class ConferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    held_on = serializers.DateField()
    place = serializers.CharField()
    host = serializers.CharField()


class ProposalSerializer(serializers.Serializer):
    organization = serializers.CharField()
    award_type = serializers.CharField()
    award_name = serializers.CharField()
    proposed_to = serializers.CharField()


class NextYearSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    chair = serializers.CharField()
    deputy = serializers.CharField(allow_null=True)
    pact_signatures = serializers.IntegerField()


class HandoverSerializer(serializers.Serializer):
    from_ = serializers.CharField()
    to = serializers.CharField()
    on = serializers.DateField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class ClusterYearSummarySerializer(serializers.Serializer):
    cluster_year = ClusterYearHeadSerializer()
    indicators = IndicatorFigureSerializer(many=True)
    commendations = CommendationsSerializer()
    exemplars = ExemplarFiguresSerializer()
    review_conference = ConferenceSerializer(allow_null=True)
    proposals = ProposalSerializer(many=True)
    next_year = NextYearSerializer(allow_null=True)
    flag_handover = HandoverSerializer(allow_null=True)


class AwardSerializer(serializers.ModelSerializer):
    award_type = serializers.CharField(source="award_type.code")
    award_name = serializers.CharField(source="award_type.name")
    level = serializers.CharField(source="award_type.level")
    decision_number = serializers.CharField(source="decision.number")
    decision_signed_on = serializers.DateField(source="decision.signed_on")
    authority = serializers.CharField(source="decision.authority.name")
    province = serializers.CharField(source="province.name")

    class Meta:
        model = Award
        fields = ["id", "year", "recipient_name", "recipient_class", "basis", "award_type", "award_name", "level",
                  "decision_number", "decision_signed_on", "authority", "province"]
