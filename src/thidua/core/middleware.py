from django.conf import settings
from django.utils import translation

from thidua.core import audit
from thidua.core.errors import body_too_large_message, error_response


class LanguageMiddleware:
    """Vietnamese unless the user chose another language (cookie set by /i18n/setlang/).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is ignored: staff
    of a Vietnamese office get Vietnamese pages whatever their browser says.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        lang = lang if lang in self.languages else settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response


class RequestIdMiddleware:
    """Gives every request an id (`request.id`, echoed in the X-Request-ID response header) and makes the
    request available to services through `thidua.core.audit.current_request()` (a context variable),
    so audit rows carry the user, IP address and request id without passing the request around.

    An incoming X-Request-ID from a proxy is kept when it is a short token of safe characters.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import re
        import uuid

        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if re.fullmatch(r"[A-Za-z0-9._-]{8,64}", incoming) else uuid.uuid4().hex
        token = audit.set_current_request(request)
        try:
            response = self.get_response(request)
        finally:
            audit.reset_current_request(token)
        response.headers["X-Request-ID"] = request.id
        return response


class ApiJsonGuardMiddleware:
    """A JSON body on the API that cannot be parsed safely gets 400 JSON, before any view reads it:
    - nested so deep that the parser would exhaust the stack (RecursionError, otherwise a 500);
    - over DATA_UPLOAD_MAX_MEMORY_SIZE (the same limit Django applies to forms; otherwise an HTML 400).
    Other malformed JSON is left to the API's own parser, which names the problem."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and "json" in request.META.get("CONTENT_TYPE", "").lower():
            refusal = self.refusal(request)
            if refusal:
                return error_response(request, 400, "400.html", refusal)
        return self.get_response(request)

    @staticmethod
    def refusal(request) -> str | None:
        import json

        from django.core.exceptions import RequestDataTooBig

        try:
            body = request.body  # Django enforces DATA_UPLOAD_MAX_MEMORY_SIZE here
        except RequestDataTooBig:
            return body_too_large_message()
        if not body:
            return None
        try:
            json.loads(body)
        except RecursionError:
            return "Dữ liệu JSON lồng nhau quá sâu, không đọc được."
        except ValueError:
            pass  # reported by the API's parser, with the position
        return None
