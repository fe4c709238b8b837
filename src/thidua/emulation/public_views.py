"""The public honours board (/vinh-danh/): no login, the only public part besides certificate verification.

It shows what authorities chose to publish, with consent (thidua.emulation.exemplars.publish): name, unit,
achievement and honours — nothing personal. It holds up under public traffic:
- throttled per client address with the public throttle of certificate verification (thidua.core.throttle,
  scope "honours", settings.PUBLIC_THROTTLE_RATES);
- cached: the rendered page is kept per query (province, field, year, search, page, language) under a key that
  carries the time of the last publication or withdrawal (one indexed MAX), so publishing or withdrawing
  invalidates every cached page at once, in every worker that shares the cache.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Max
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from thidua.core.throttle import refuse_if_throttled
from thidua.emulation.exemplar_statistics import BoardFilters, board_choices, public_board
from thidua.emulation.models import PublicHonour

CACHE_SECONDS = 300
PAGE_SIZE = 30


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**31 else None


def board_filters(params) -> BoardFilters:
    return BoardFilters(province=_int(params.get("province")), field=(params.get("field") or "")[:128],
                        year=_int(params.get("year")), q=(params.get("q") or "").strip()[:100])


def generation() -> str:
    """Changes whenever an entry is published or withdrawn: part of every cache key of the board."""
    last = PublicHonour.objects.aggregate(m=Max("changed_at"))["m"]
    return last.isoformat() if last else "0"


def cache_key(prefix: str, params: dict) -> str:
    raw = "&".join(f"{k}={params[k]}" for k in sorted(params))
    return f"{prefix}:{generation()}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


@require_GET
def board(request):
    if refused := refuse_if_throttled(request, "honours"):
        return refused
    f = board_filters(request.GET)
    page_no = _int(request.GET.get("page")) or 1
    key = cache_key("vinh-danh", {**f.__dict__, "page": page_no, "lang": get_language()})
    html = cache.get(key)
    if html is None:  # the queries and the list, rendered once per query and generation
        page = Paginator(public_board(f), PAGE_SIZE).get_page(page_no)
        html = render_to_string("emulation/public/_board.html", {
            "page": page, "f": f, "choices": board_choices(), "query": urlencode(
                {k: v for k, v in f.__dict__.items() if v not in (None, "")}), "total": page.paginator.count})
        cache.set(key, html, CACHE_SECONDS)
    # The page around it (language switch, its CSRF token) is rendered per request; no personal data is in it.
    return render(request, "emulation/public/board.html", {"board": mark_safe(html)})  # noqa: S308 - our template
