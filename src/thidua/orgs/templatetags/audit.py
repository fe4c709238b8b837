"""{% load audit %}{% audit_history record %}: the "Lịch sử thay đổi" panel of a record's page.

Shows the record's audit rows, newest first (at most `limit`). The page that includes it is already scoped to
users who may see the record; the full trail stays on /nhat-ky/ for the Central Board, auditors and admins.
"""

import re
from datetime import datetime

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext

from thidua.core.audit import history
from thidua.orgs.audit_views import can_read_audit

register = template.Library()


@register.inclusion_tag("core/_history.html", takes_context=True)
def audit_history(context, obj, limit: int = 20):
    events = list(history(obj)[: limit + 1])
    request = context.get("request")
    return {
        "events": events[:limit],
        "more": len(events) > limit,
        "object_type": obj._meta.label_lower,
        "object_id": obj.pk,
        "can_read_audit": request is not None and can_read_audit(request.user),
    }


# Values recorded by audit.snapshot are JSON: ISO dates and times, ids for foreign keys, choice codes. A reader
# wants the field's label, the choice's label and local time.
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HIDDEN = ("id",)


def _field(model, key: str):
    if model is None:
        return None
    for name in (key, key[:-3] if key.endswith("_id") else None):
        if not name:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not field.auto_created or field.concrete:  # a reverse relation has no label of its own
            return field
    return None


def _shown(value, field) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, str) and _ISO_DATE.match(value):
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    if isinstance(value, list):
        return ", ".join(_shown(v, None) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v, None)}" for k, v in value.items())
    if field is not None and field.is_relation:
        return f"#{value}"
    return str(value)


@register.filter
def audit_rows(event) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each recorded field of an audit event, in the order recorded: the label
    of the model field where the object type is a model, choice labels, local times, dd/mm/yyyy dates."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    try:
        model = apps.get_model(event.object_type) if event.object_type and "." in event.object_type else None
    except (LookupError, ValueError):
        model = None
    rows = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in _HIDDEN or key.endswith("_folded"):
            continue
        field = _field(model, key)
        label = str(field.verbose_name) if field is not None else key.replace("_", " ")
        rows.append((label[:1].upper() + label[1:], _shown(before.get(key), field) if before else "",
                     _shown(after.get(key), field) if key in after else "—"))
    return rows
