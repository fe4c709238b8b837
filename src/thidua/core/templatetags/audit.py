"""{% load audit %}{% audit_history record %}: the "Lịch sử thay đổi" panel of a record's page.

Shows the record's audit rows, newest first (at most `limit`). The page that includes it is already scoped to
users who may see the record; the full trail stays on /nhat-ky/ for the Central Board, auditors and admins.
"""

from django import template

from thidua.core.audit import history
from thidua.core.views import can_read_audit

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
