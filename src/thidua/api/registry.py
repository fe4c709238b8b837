"""Organisations and people over the API: scoped lists with filters, detail, create and update through
orgs.services (scope check, one transaction, audit row; a refusal changes nothing and is audited)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from thidua.api.common import CONFLICT, call, check_filters, visible
from thidua.api.fields import RecordField, Required, StrictBooleanField, StrictCharField
from thidua.lib.text import fold
from thidua.orgs import services
from thidua.orgs.models import TOP_LEVEL_KINDS, Gender, Organization, OrganizationKind, Person

CHILD_KINDS = [(k, label) for k, label in OrganizationKind.choices if k not in TOP_LEVEL_KINDS]


# ---------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(source="parent_id", allow_null=True, read_only=True)
    province = serializers.IntegerField(source="province_id", allow_null=True, read_only=True)
    successor = serializers.IntegerField(source="successor_id", allow_null=True, read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "kind", "admin_code", "name", "name_en", "short_name", "parent", "province", "path",
                  "valid_from", "valid_to", "successor", "is_small_collective"]


class OrganizationChangeSerializer(serializers.Serializer):
    name = Required(max_length=255, required=False)
    name_en = StrictCharField(max_length=255, allow_blank=True, required=False)
    short_name = StrictCharField(max_length=64, allow_blank=True, required=False)
    admin_code = StrictCharField(max_length=16, allow_blank=True, required=False)
    valid_from = serializers.DateField(allow_null=True, required=False)
    valid_to = serializers.DateField(allow_null=True, required=False)
    is_small_collective = StrictBooleanField(required=False)


class OrganizationCreateSerializer(OrganizationChangeSerializer):
    parent = RecordField(help_text="the organisation it belongs to (inside your scope)")
    kind = serializers.ChoiceField(choices=CHILD_KINDS)
    name = Required(max_length=255)


class OrganizationFilter(serializers.Serializer):
    q = StrictCharField(required=False, allow_blank=True, max_length=255, help_text="name contains (diacritics ignored)")
    kind = serializers.ChoiceField(choices=OrganizationKind.choices, required=False)
    parent = RecordField(required=False, help_text="direct children of this organisation")
    under = RecordField(required=False, help_text="this organisation and everything under it")
    current = serializers.BooleanField(required=False, allow_null=True, default=None,
                                       help_text="true: valid today; false: no longer valid")


class OrganizationListView(generics.ListAPIView):
    serializer_class = OrganizationSerializer
    parser_classes = [JSONParser]

    def get_queryset(self):
        from datetime import date

        f = check_filters(OrganizationFilter, self.request)
        qs = Organization.objects.visible_to(self.request.user)
        for key in ("parent", "under"):
            if key in f:  # a filter naming an organisation outside the scope: 404 like the path would
                f[key] = visible(Organization.objects.visible_to(self.request.user), f[key].pk, self.request, label=key)
        if "q" in f:
            qs = qs.filter(name_folded__contains=fold(f["q"]))
        if "kind" in f:
            qs = qs.filter(kind=f["kind"])
        if "parent" in f:
            qs = qs.filter(parent=f["parent"])
        if "under" in f:
            qs = qs.filter(path__startswith=f["under"].path)
        if "current" in f:
            today = date.today()
            current = qs.valid_on(today)
            qs = current if f["current"] else qs.exclude(pk__in=current.values("pk"))
        return qs.order_by("path")  # tree order, on the indexed path

    @extend_schema(parameters=[OrganizationFilter], summary="Organisations in my scope (tree order)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=OrganizationCreateSerializer, responses={201: OrganizationSerializer, 409: CONFLICT},
                   summary="Create an organisation under one in my scope (not a province or ministry)")
    def post(self, request):
        data = OrganizationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = dict(data.validated_data)
        parent = visible(Organization.objects.visible_to(request.user), f.pop("parent").pk, request, write=True,
                         label="parent")
        org = call(lambda: services.create_organization(request.user, parent=parent, **f))
        return Response(OrganizationSerializer(org).data, status=201)


class OrganizationDetailView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=OrganizationSerializer, summary="An organisation")
    def get(self, request, pk: int):
        return Response(OrganizationSerializer(visible(Organization.objects.visible_to(request.user), pk, request)).data)

    @extend_schema(request=OrganizationChangeSerializer, responses={200: OrganizationSerializer, 409: CONFLICT},
                   summary="Correct an organisation (by whoever edits its parent)")
    def patch(self, request, pk: int):
        org = visible(Organization.objects.visible_to(request.user).select_related("parent"), pk, request, write=True)
        data = OrganizationChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        org = call(lambda: services.update_organization(request.user, org, **data.validated_data))
        return Response(OrganizationSerializer(org).data)


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="organization_id", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "citizen_id", "gender", "birth_year", "ethnicity", "organization",
                  "organization_name", "position", "is_direct_worker"]


class PersonChangeSerializer(serializers.Serializer):
    full_name = Required(max_length=128, required=False)
    citizen_id = StrictCharField(max_length=12, allow_blank=True, allow_null=True, required=False,
                                 help_text="12-digit personal identification number")
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    birth_year = serializers.IntegerField(min_value=1900, max_value=2100, allow_null=True, required=False)
    ethnicity = Required(max_length=32, required=False)
    organization = RecordField(required=False, help_text="the unit (inside your scope); moving needs both units")
    position = StrictCharField(max_length=128, allow_blank=True, required=False)
    is_direct_worker = StrictBooleanField(required=False)


class PersonCreateSerializer(PersonChangeSerializer):
    full_name = Required(max_length=128)
    gender = serializers.ChoiceField(choices=Gender.choices)
    organization = RecordField(help_text="the unit (inside your scope)")


class PersonFilter(serializers.Serializer):
    q = StrictCharField(required=False, allow_blank=True, max_length=128, help_text="name contains (diacritics ignored)")
    organization = RecordField(required=False, help_text="people of this unit only")
    under = RecordField(required=False, help_text="people of this organisation and everything under it")
    citizen_id = StrictCharField(required=False, allow_blank=True, max_length=12)


class PersonListView(generics.ListAPIView):
    serializer_class = PersonSerializer
    parser_classes = [JSONParser]

    def get_queryset(self):
        f = check_filters(PersonFilter, self.request)
        qs = Person.objects.visible_to(self.request.user).select_related("organization")
        orgs = Organization.objects.visible_to(self.request.user)
        if "organization" in f:
            qs = qs.filter(organization=visible(orgs, f["organization"].pk, self.request, label="organization"))
        if "under" in f:
            under = visible(orgs, f["under"].pk, self.request, label="under")
            qs = qs.filter(organization__path__startswith=under.path)
        if "q" in f:
            qs = qs.filter(name_folded__contains=fold(f["q"]))
        if "citizen_id" in f:
            qs = qs.filter(citizen_id=f["citizen_id"])
        return qs.order_by("name_folded", "pk")

    @extend_schema(parameters=[PersonFilter], summary="People in my scope (by name)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=PersonCreateSerializer, responses={201: PersonSerializer, 409: CONFLICT},
                   summary="Add a person to a unit in my scope")
    def post(self, request):
        data = PersonCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        f = dict(data.validated_data)
        f["organization"] = visible(Organization.objects.visible_to(request.user), f["organization"].pk, request,
                                    write=True, label="organization")
        person = call(lambda: services.create_person(request.user, **f))
        return Response(PersonSerializer(person).data, status=201)


class PersonDetailView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses=PersonSerializer, summary="A person")
    def get(self, request, pk: int):
        qs = Person.objects.visible_to(request.user).select_related("organization")
        return Response(PersonSerializer(visible(qs, pk, request)).data)

    @extend_schema(request=PersonChangeSerializer, responses={200: PersonSerializer, 409: CONFLICT},
                   summary="Correct a person's details or move them to another unit")
    def patch(self, request, pk: int):
        person = visible(Person.objects.visible_to(request.user).select_related("organization"), pk, request,
                         write=True)
        data = PersonChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        f = dict(data.validated_data)
        if "organization" in f:
            f["organization"] = visible(Organization.objects.visible_to(request.user), f["organization"].pk,
                                        request, write=True, label="organization")
        person = call(lambda: services.update_person(request.user, person, **f))
        return Response(PersonSerializer(person).data)
