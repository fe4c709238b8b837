"""Throttling of public (no login) endpoints per client address, in the database so it holds across workers.

`refuse_if_throttled(request, scope)` counts the request in a fixed window and, past the limit, returns the 429
answer (a Vietnamese page, or JSON on the API, with Retry-After) for the view to send; None otherwise.
Limits per scope come from settings.PUBLIC_THROTTLE_RATES, e.g. {"verify": (30, 60)}: 30 requests per address
per 60 seconds; a limit of 0 turns the throttle off. The address is thidua.lib.http.client_ip (see
CLIENT_IP_HEADER behind a proxy).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from thidua.core.errors import too_many_requests
from thidua.core.models import ThrottleWindow
from thidua.lib.http import client_ip

DEFAULT_RATES = {"verify": (30, 60), "honours": (60, 60)}


def rate(scope: str) -> tuple[int, int]:
    rates = {**DEFAULT_RATES, **getattr(settings, "PUBLIC_THROTTLE_RATES", {})}
    limit, period = rates[scope]
    return int(limit), max(1, int(period))


def hit(scope: str, ident: str, limit: int, period: int) -> float | None:
    """Count one request of `ident`; the seconds to wait when it is over the limit, else None."""
    now = time.time()
    window = int(now // period) * period
    key = f"{scope}:{ident}"[:100]
    with transaction.atomic():
        rows = ThrottleWindow.objects.filter(key=key, window=window)
        if not rows.update(hits=F("hits") + 1):
            try:
                with transaction.atomic():
                    ThrottleWindow.objects.create(key=key, window=window, hits=1)
            except IntegrityError:  # another worker created it meanwhile
                rows.update(hits=F("hits") + 1)
            # A new window: forget the finished ones (of every key), so the table stays small.
            ThrottleWindow.objects.filter(window__lt=window - period).delete()
        hits = rows.values_list("hits", flat=True).first() or 0
    return window + period - now if hits > limit else None


def refuse_if_throttled(request, scope: str):
    limit, period = rate(scope)
    ip = client_ip(request)
    if limit <= 0 or ip is None:
        return None
    wait = hit(scope, ip, limit, period)
    if wait is None:
        return None
    seconds = max(1, int(wait + 0.999))
    detail = _("Bạn đã tra cứu quá nhiều lần từ địa chỉ mạng này (tối đa %(limit)s lần trong %(period)s giây). "
               "Vui lòng thử lại sau %(seconds)s giây.") % {"limit": limit, "period": period, "seconds": seconds}
    return too_many_requests(request, detail, seconds)
