"""The user's own work list and notifications over the API (the same services as the home page and the bell)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.notifications import services as notifications
from thidua.office.worklist import work_list


class WorkItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(help_text="the page where the work is done")
    detail = serializers.CharField()
    action = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True, help_text="working days left (negative: overdue)")
    overdue = serializers.BooleanField()


class WorkSectionSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["dossiers", "council", "ballots", "pact", "results", "imports",
                                            "decisions"])
    label = serializers.CharField()
    count = serializers.IntegerField()
    more_url = serializers.CharField()
    items = WorkItemSerializer(many=True, help_text="at most 20; `count` is the full number")


class WorkListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    unread_notifications = serializers.IntegerField()
    sections = WorkSectionSerializer(many=True)


class MyWorkView(APIView):
    @extend_schema(responses=WorkListSerializer, summary="The work waiting for the user (the home page's list)")
    def get(self, request):
        return Response({**work_list(request.user).as_dict(),
                         "unread_notifications": notifications.unread_count(request.user)})


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class MyNotificationsView(APIView):
    @extend_schema(responses=NotificationSerializer(many=True), summary="The user's latest 100 notifications")
    def get(self, request):
        rows = notifications.for_user(request.user)[:100]
        return Response(NotificationSerializer(rows, many=True).data)
