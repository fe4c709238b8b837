"""Security pieces: the Content-Security-Policy header, the client address, login throttling and lockout.

Lockout rule: failed logins are counted within LOGIN_FAILURE_WINDOW_SECONDS (15 min) by three keys, each with
its own limit; when one reaches its limit, the matching attempts are refused for LOGIN_LOCKOUT_SECONDS (15 min)
after the last of those failures, even with the right password:
- one username from one address: LOGIN_FAILURE_LIMIT (5) — the usual typo-then-guess case, locks nobody else;
- one username from any addresses: LOGIN_USERNAME_FAILURE_LIMIT (10) — guessing one account from many places;
- one address, any usernames: LOGIN_ADDRESS_FAILURE_LIMIT (50) — one machine trying many accounts. An office
  behind NAT shares an address, so this limit is much higher and locks only attempts from that address.
A successful login resets the counts of its username (both username keys) but never the address count: one
valid account cannot be used to keep guessing at others. Attempts are rows of core.LoginAttempt, so the rule
holds across gunicorn workers. Refused attempts are recorded but do not extend the lockout.
Behind a reverse proxy the address is read from settings.CLIENT_IP_HEADER (see thidua.lib.http.client_ip and docs/SECURITY.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils import timezone

from thidua.core import audit
from thidua.core.models import LoginAttempt
from thidua.lib.http import client_ip


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


@dataclass
class Lockout:
    locked: bool
    until: datetime.datetime | None = None
    by_address: bool = False  # the address's limit (not the account's) is reached

    @property
    def minutes_left(self) -> int:
        if not self.until:
            return 0
        return max(1, int((self.until - timezone.now()).total_seconds() + 59) // 60)

    @property
    def message(self) -> str:
        cause = ("có quá nhiều lần đăng nhập sai từ địa chỉ mạng này" if self.by_address
                 else "tài khoản này bị nhập sai mật khẩu quá nhiều lần")
        return (
            f"Đăng nhập bị tạm khóa do {cause} trong {settings.LOGIN_FAILURE_WINDOW_SECONDS // 60} phút. "
            f"Vui lòng thử lại sau {self.minutes_left} phút hoặc liên hệ quản trị viên."
        )


def _lock_until(failures: list[datetime.datetime], limit: int) -> datetime.datetime | None:
    """failures: the most recent failure times (newest first, at most `limit`)."""
    if limit <= 0 or len(failures) < limit:
        return None
    newest, oldest = failures[0], failures[limit - 1]
    if newest - oldest > datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS):
        return None
    until = newest + datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    return until if until > timezone.now() else None


def _recent_failures(limit: int, *, reset_by: dict | None = None, **who) -> list[datetime.datetime]:
    """The newest `limit` failures of `who` in the lockout horizon; with reset_by, only those after the last
    success matching reset_by."""
    now = timezone.now()
    horizon = now - datetime.timedelta(
        seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + settings.LOGIN_LOCKOUT_SECONDS
    )
    failures = LoginAttempt.objects.filter(at__gte=horizon, outcome=LoginAttempt.Outcome.FAILURE, **who)
    if reset_by is not None:
        last_success = LoginAttempt.objects.filter(
            at__gte=horizon, outcome=LoginAttempt.Outcome.SUCCESS, **reset_by).aggregate(m=Max("at"))["m"]
        if last_success:
            failures = failures.filter(at__gt=last_success)
    return list(failures.order_by("-at").values_list("at", flat=True)[:limit])


def normalise_username(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def limits() -> tuple[int, int, int]:
    """(per username and address, per username, per address)."""
    per_pair = settings.LOGIN_FAILURE_LIMIT
    return (per_pair, int(getattr(settings, "LOGIN_USERNAME_FAILURE_LIMIT", 2 * per_pair)),
            int(getattr(settings, "LOGIN_ADDRESS_FAILURE_LIMIT", 10 * per_pair)))


def lockout_for(username: str | None, ip: str | None) -> Lockout:
    per_pair, per_user, per_address = limits()
    name = normalise_username(username)
    account, address = [], None
    if name:
        since_success = {"username": name}
        account.append(_lock_until(_recent_failures(per_user, reset_by=since_success, username=name), per_user))
        if ip:
            account.append(_lock_until(_recent_failures(per_pair, reset_by=since_success, username=name, ip=ip),
                                       per_pair))
    if ip:
        address = _lock_until(_recent_failures(per_address, ip=ip), per_address)  # a success does not reset it
    untils = [u for u in account if u]
    if address:
        untils.append(address)
    if not untils:
        return Lockout(locked=False)
    until = max(untils)
    return Lockout(locked=True, until=until, by_address=address == until and not any(account))


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
        # A success resets its username's counts (not the address's); only written when there is something to
        # reset (keeps API basic auth cheap).
        name = normalise_username(username)
        if _recent_failures(1, reset_by={"username": name}, username=name):
            record_attempt(username, ip, LoginAttempt.Outcome.SUCCESS)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD


def _audit_failure(request, username: str, reason: str) -> None:
    audit.record("login_failed", object_type="auth.user", object_repr=normalise_username(username),
                 after={"username": normalise_username(username)}, reason=reason, request=request,
                 organization=None)
