"""Security pieces: the Content-Security-Policy header, the client address, login throttling and lockout.

Lockout rule (settings LOGIN_FAILURE_LIMIT / LOGIN_FAILURE_WINDOW_SECONDS / LOGIN_LOCKOUT_SECONDS, 5 / 15 min /
15 min by default): when a username, or one IP address, has LIMIT failed logins within WINDOW (counting only
failures after that username's / address's last successful login), every further attempt is refused until
LOCKOUT after the last of those failures, even with the right password. Attempts are rows of core.LoginAttempt,
so the rule holds across gunicorn workers. Refused attempts are recorded but do not extend the lockout.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import timezone

from thidua.core.models import LoginAttempt


class ContentSecurityPolicyMiddleware:
    """Adds Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) unless the view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = self.policy
        return response


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


@dataclass
class Lockout:
    locked: bool
    until: datetime.datetime | None = None

    @property
    def minutes_left(self) -> int:
        if not self.until:
            return 0
        return max(1, int((self.until - timezone.now()).total_seconds() + 59) // 60)

    @property
    def message(self) -> str:
        return (
            f"Đăng nhập bị tạm khóa do nhập sai quá {settings.LOGIN_FAILURE_LIMIT} lần trong "
            f"{settings.LOGIN_FAILURE_WINDOW_SECONDS // 60} phút. Vui lòng thử lại sau {self.minutes_left} phút "
            "hoặc liên hệ quản trị viên."
        )


def _lock_until(failures: list[datetime.datetime]) -> datetime.datetime | None:
    """failures: the most recent failure times (newest first, at most LIMIT)."""
    limit = settings.LOGIN_FAILURE_LIMIT
    if len(failures) < limit:
        return None
    newest, oldest = failures[0], failures[limit - 1]
    if newest - oldest > datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS):
        return None
    until = newest + datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    return until if until > timezone.now() else None


def _recent_failures(**who) -> list[datetime.datetime]:
    now = timezone.now()
    horizon = now - datetime.timedelta(
        seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + settings.LOGIN_LOCKOUT_SECONDS
    )
    attempts = LoginAttempt.objects.filter(at__gte=horizon, **who)
    last_success = attempts.filter(outcome=LoginAttempt.Outcome.SUCCESS).aggregate(m=Max("at"))["m"]
    failures = attempts.filter(outcome=LoginAttempt.Outcome.FAILURE)
    if last_success:
        failures = failures.filter(at__gt=last_success)
    return list(failures.order_by("-at").values_list("at", flat=True)[: settings.LOGIN_FAILURE_LIMIT])


def normalise_username(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def lockout_for(username: str | None, ip: str | None) -> Lockout:
    candidates = []
    if username:
        candidates.append(_lock_until(_recent_failures(username=normalise_username(username))))
    if ip:
        candidates.append(_lock_until(_recent_failures(ip=ip)))
    untils = [u for u in candidates if u]
    return Lockout(locked=bool(untils), until=max(untils) if untils else None)


# Attempts older than this are of no use to the lockout (the audit trail keeps the history); pruned as we go.
ATTEMPT_RETENTION = datetime.timedelta(days=30)


def record_attempt(username: str | None, ip: str | None, outcome: str) -> None:
    LoginAttempt.objects.create(username=normalise_username(username), ip=ip, outcome=outcome)
    LoginAttempt.objects.filter(at__lt=timezone.now() - ATTEMPT_RETENTION).delete()


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that refuses every attempt during a lockout and records failures and successes.

    Every password check goes through it: the login page, the admin login and API basic authentication.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if username is None or password is None:
            return None
        ip = client_ip(request)
        lockout = lockout_for(username, ip)
        if lockout.locked:
            record_attempt(username, ip, LoginAttempt.Outcome.LOCKED)
            _audit_failure(request, username, "locked")
            if request is not None:
                request.thidua_lockout = lockout
            raise PermissionDenied(lockout.message)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_attempt(username, ip, LoginAttempt.Outcome.FAILURE)
            _audit_failure(request, username, "bad_credentials")
            return None
        # A success resets the count; only written when there is something to reset (keeps API basic auth cheap).
        if _recent_failures(username=normalise_username(username)) or (ip and _recent_failures(ip=ip)):
            record_attempt(username, ip, LoginAttempt.Outcome.SUCCESS)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


def _audit_failure(request, username: str, reason: str) -> None:
    from thidua.core import audit

    audit.record("login_failed", object_type="auth.user", object_repr=normalise_username(username),
                 after={"username": normalise_username(username)}, reason=reason, request=request,
                 organization=None)
