"""The client's address of a request, for the audit trail, login lockouts and throttles."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with settings.CLIENT_IP_HEADER (behind a proxy) the last address of that header."""
    if request is None:
        return None
    value = None
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        if forwarded:
            value = forwarded.split(",")[-1].strip()
    value = value or request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None
