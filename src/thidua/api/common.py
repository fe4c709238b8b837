"""Shared pieces of the record endpoints (organisations, people, awards, decisions, ratings, initiatives).

Reads go through `visible_to(user)`; an id outside the scope (in the path or the body) answers 404, and for a
write also leaves a 'denied' audit row. Writes call one service each: its refusals answer 403 (scope or role,
the service has written the 'denied' row) or 409 (the data refuses a well-formed body: a duplicate, already
revoked, dates out of order); 400 is only for a body or query that does not match the schema.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.views import exception_handler as drf_exception_handler

from thidua.core import audit, refusals


class Conflict(APIException):
    """409: a well-formed request the state or the data refuses (out of order, locked, twice, a duplicate)."""

    status_code = 409
    default_detail = "Yêu cầu không phù hợp với trạng thái hiện tại của dữ liệu."


CONFLICT = OpenApiResponse(OpenApiTypes.OBJECT, description="A well-formed request the data refuses (a duplicate, "
                           "already revoked, dates out of order, an award not for this recipient): field or `detail` "
                           "→ messages; nothing changed.")


def refusal_response(exc: Exception) -> APIException:
    """The API answer to a service's refusal (thidua.core.refusals): 403 for a refusal of access (role, scope),
    409 for a refusal by the state or the data (the body already matched the schema — the serializer answers
    400 otherwise — but the service refuses it now: a duplicate, already revoked, dates out of order, the wrong
    state for a transition), with the message; nothing changed."""
    if refusals.status_of(exc) == 403:
        return PermissionDenied(refusals.message(exc))
    return Conflict(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


def call(fn):
    """Run a service and turn its refusals into API answers."""
    try:
        return fn()
    except refusals.REFUSALS as exc:
        raise refusal_response(exc) from exc


def exception_handler(exc, context):
    """The API's exception handler (settings.REST_FRAMEWORK): a refusal that reaches it unconverted gets the
    same answer as through `call`."""
    if isinstance(exc, DjangoPermissionDenied | DjangoValidationError):
        exc = refusal_response(exc)
    return drf_exception_handler(exc, context)


def visible(qs, pk, request, *, write: bool = False, label: str = ""):
    """The object `pk` among `qs` (already scoped), or 404. A write naming an object outside the scope is
    recorded as denied (who tried what), without saying whether the object exists."""
    obj = qs.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        model = qs.model
        if write:
            audit.record("denied", object_type=model._meta.label_lower, object_id=pk, user=request.user,
                         reason=f"{model._meta.verbose_name} #{pk} ngoài phạm vi")
        raise NotFound(f"{label + ': ' if label else ''}không có {model._meta.verbose_name} #{pk} "
                       f"trong phạm vi của bạn.")
    return obj


def check_filters(serializer_class, request) -> dict:
    """Validate the query string with a serializer (the same one documents the parameters)."""
    params = serializer_class(data=request.query_params)
    # DRF reads an empty query value as "absent" (HTML form semantics); the schema says `kind=` is not a kind.
    empty = {name: ["Giá trị rỗng không hợp lệ; bỏ tham số này nếu không lọc theo nó."]
             for name, field in params.fields.items()
             if request.query_params.get(name, None) == "" and not getattr(field, "allow_blank", False)}
    if empty:
        raise serializers.ValidationError(empty)
    params.is_valid(raise_exception=True)
    return {k: v for k, v in params.validated_data.items() if v not in (None, "")}


class YearFilter(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1900, max_value=2100, required=False, **kwargs)
