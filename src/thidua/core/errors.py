"""Error pages that need no database: 404, 500, and 503 when the database cannot be reached.

- DatabaseUnavailableMiddleware turns django.db.OperationalError / InterfaceError raised by a view (the
  database is down, refuses connections, or the connection broke) into HTTP 503 with a Vietnamese page
  ("Cơ sở dữ liệu tạm thời không truy cập được…") and `Retry-After`, instead of a stack trace or a bare 500.
- server_error (handler500) does the same for such errors raised outside a view (e.g. while a middleware
  saves the session), and otherwise renders 500.html.
- page_not_found (handler404) renders 404.html.
- bad_request (handler400) renders 400.html, or JSON on the API, for a request Django refuses before any view:
  a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad Host. ApiJsonGuardMiddleware (core/middleware.py)
  answers 400 JSON for a JSON body nested too deep to parse.
- RefusalMiddleware renders a service's refusal (thidua.core.refusals) that a page did not show itself: 403.html
  for a refusal of access, 409.html for one by the state or the data, with its message (JSON on the API).
- too_many_requests renders 429.html (or JSON) with Retry-After, for the public endpoints' throttle.

Every page here is rendered from a plain context: no request context processors (they read the user and
their roles from the database), no inline script or style (Content-Security-Policy). API paths (/api/)
answer JSON `{"detail": …}` like the rest of the API. If even the template fails (e.g. static files not
collected), a minimal plain-text answer is sent.
"""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

from thidua.core import refusals
from thidua.lib.uploads import format_size

logger = logging.getLogger("thidua.errors")

DATABASE_ERRORS = (OperationalError, InterfaceError)
DB_DOWN_MESSAGE = "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút."
RETRY_AFTER_SECONDS = 30

PLAIN = {
    400: "Yêu cầu không hợp lệ (400).",
    403: "Không được phép (403).",
    404: "Không tìm thấy trang (404).",
    409: "Không thực hiện được (409): yêu cầu không phù hợp với trạng thái hiện tại của dữ liệu.",
    429: "Quá nhiều yêu cầu (429). Vui lòng thử lại sau ít phút.",
    500: "Lỗi máy chủ (500). Vui lòng thử lại sau hoặc báo quản trị viên.",
    503: DB_DOWN_MESSAGE + " (503)",
}
API_DETAIL = {
    400: "Yêu cầu không hợp lệ.",
    403: "Không được phép.",
    404: "Không tìm thấy.",
    409: "Yêu cầu không phù hợp với trạng thái hiện tại của dữ liệu.",
    429: "Quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.",
    500: "Lỗi máy chủ.",
    503: DB_DOWN_MESSAGE,
}


def _is_api(request) -> bool:
    return request is not None and request.path.startswith("/api/")


def error_response(request, status: int, template_name: str, detail: str | None = None) -> HttpResponse:
    request_id = getattr(request, "id", "") if request is not None else ""
    if _is_api(request):
        response = JsonResponse({"detail": detail or API_DETAIL[status]}, status=status,
                                json_dumps_params={"ensure_ascii": False})
    else:
        try:
            body = loader.get_template(template_name).render(
                {"request_id": request_id, "request_path": getattr(request, "path", ""), "detail": detail})
            response = HttpResponse(body, status=status)
        except Exception:  # the error page itself must never fail
            logger.exception("error page %s could not be rendered", template_name)
            text = (detail or PLAIN[status]) + (f"\nMã yêu cầu: {request_id}" if request_id else "")
            response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable(request, exc: BaseException) -> HttpResponse:
    logger.error("database unavailable (%s: %s) for %s", type(exc).__name__, str(exc).strip()[:300],
                 getattr(request, "path", "?"))
    return error_response(request, 503, "core/503.html")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None


def body_too_large_message() -> str:
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return (f"Nội dung yêu cầu quá lớn, vượt giới hạn {format_size(limit)}." if limit
            else "Nội dung yêu cầu quá lớn.")


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        detail = body_too_large_message()
    elif isinstance(exception, TooManyFieldsSent):
        detail = "Yêu cầu có quá nhiều trường dữ liệu."
    else:
        detail = None
    return error_response(request, 400, "400.html", detail)


def too_many_requests(request, detail: str, retry_after: int) -> HttpResponse:
    response = error_response(request, 429, "429.html", detail)
    response["Retry-After"] = str(max(1, int(retry_after)))
    return response


def page_not_found(request, exception=None):
    return error_response(request, 404, "404.html")


def server_error(request):
    # Called by Django while it handles the uncaught exception, so sys.exc_info() is that exception.
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable(request, exc)
    return error_response(request, 500, "500.html")


class RefusalMiddleware:
    """Pages show a refusal where it happened (refusals.show → a message) when they can; one that escapes a view
    is answered here, the same way for every page: 403 or 409 with the refusal's message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, refusals.REFUSALS):
            return None
        status = refusals.status_of(exception)
        return error_response(request, status, f"{status}.html", refusals.message(exception))
