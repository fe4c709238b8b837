"""The audit trail: `record(...)` is the one way to write it. Services call it inside their transaction.

    from thidua.core import audit

    before = audit.snapshot(award)
    award.save()
    audit.record("change", award, before=before, after=audit.snapshot(award))

Who, from where and under which request id are taken from the current request (set by
`thidua.core.middleware.RequestIdMiddleware`) unless given explicitly, so a service needs
no request argument. Outside a request (CLI, imports) pass `user=` or leave it empty.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from thidua.core.models import AuditAction, AuditEvent
from thidua.lib.http import client_ip

_current_request: contextvars.ContextVar = contextvars.ContextVar("thidua_request", default=None)

ACTIONS = {a.value for a in AuditAction}


def set_current_request(request) -> contextvars.Token:
    return _current_request.set(request)


def reset_current_request(token: contextvars.Token) -> None:
    _current_request.reset(token)


def current_request():
    return _current_request.get()


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_value(v) for v in value]
    if isinstance(value, bytes | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, FieldFile):  # (hasattr(value, "url") raises on an empty file)
        return value.name or None
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `obj` (foreign keys as ids), JSON-safe, for `before`/`after`."""
    wanted = set(fields) if fields is not None else None
    data = {}
    for field in obj._meta.concrete_fields:
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        data[field.attname] = _json_value(getattr(obj, field.attname))
    return data


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Only the keys whose values differ (for compact 'change' rows)."""
    if not before or not after:
        return before, after
    keys = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@dataclass
class Hooks:
    """acting_organization(user) → the organisation a user acts for when unambiguous, or None; registered by the
    organisations app (OrgsConfig.ready), which core does not import."""

    acting_organization: Callable[[Any], Any] | None = None


HOOKS = Hooks()


def _acting_organization(user):
    return HOOKS.acting_organization(user) if HOOKS.acting_organization else None


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    user=None,
    organization=None,
    reason: str = "",
    request=None,
    only_changes: bool = False,
) -> AuditEvent:
    """Append one audit row and return it.

    action: create | change | delete | denied | login | login_failed.
    obj: the record concerned (its type "app_label.model", id and text are taken from it), or give
         object_type/object_id/object_repr for something that is not (or no longer) a model instance.
    before/after: JSON-safe dicts (see `snapshot`); only_changes=True keeps only the differing keys.
    user/organization: default to the current request's user and the organisation they act for.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {sorted(ACTIONS)}")
    request, user, organization = _who(request, user, organization)
    event = _event(action, request, user, organization, obj, object_type=object_type, object_id=object_id,
                   object_repr=object_repr, before=before, after=after, reason=reason, only_changes=only_changes)
    event.save()
    return event


def record_many(action: str, objs: Iterable[models.Model], *, user=None, organization=None, reason: str = "",
                request=None, batch_size: int = 2000) -> list[AuditEvent]:
    """One audit row per record, as `record` writes them, in bulk (a few queries whatever their number): for
    services that create many records at once. "create" rows carry the record's snapshot as `after`."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {sorted(ACTIONS)}")
    request, user, organization = _who(request, user, organization)
    events = [_event(action, request, user, organization, obj, reason=reason,
                     after=snapshot(obj) if action == "create" else None) for obj in objs]
    return AuditEvent.objects.bulk_create(events, batch_size=batch_size)


def _who(request, user, organization):
    request = request if request is not None else current_request()
    # A DRF Request authenticates lazily when .user is read; use the Django request underneath (session user).
    request = getattr(request, "_request", request)
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if organization is None and user is not None and user.pk is not None:
        organization = _acting_organization(user)
    return request, user, organization


def _event(action, request, user, organization, obj=None, *, object_type=None, object_id=None, object_repr=None,
           before=None, after=None, reason="", only_changes=False) -> AuditEvent:
    """The unsaved audit row."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = object_repr if object_repr is not None else str(obj)
    if only_changes:
        before, after = diff(before, after)
    return AuditEvent(
        action=action,
        user=user if user is not None and user.pk is not None else None,
        username=getattr(user, "username", "") or "",
        organization=organization,
        organization_name=getattr(organization, "name", "") or "",
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        object_repr=(object_repr or "")[:255],
        before=_json_value(before) if before is not None else None,
        after=_json_value(after) if after is not None else None,
        reason=(reason or "")[:255],
        ip=client_ip(request) if request is not None else None,
        request_id=getattr(request, "id", "") if request is not None else "",
    )


def history(obj: models.Model):
    """The audit rows of one record, newest first (for a record's "Lịch sử" panel)."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
