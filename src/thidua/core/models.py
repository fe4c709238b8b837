"""Models of the trust layer: the append-only audit trail, login attempts (throttling) and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row."""


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    CHANGE = "change", _("Sửa")
    DELETE = "delete", _("Xóa")
    DENIED = "denied", _("Bị từ chối")
    LOGIN = "login", _("Đăng nhập")
    LOGIN_FAILED = "login_failed", _("Đăng nhập thất bại")


class AuditEventQuerySet(models.QuerySet):
    def update(self, *args, **kwargs):
        raise AppendOnlyError("Audit rows are append-only: they cannot be updated.")

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit rows are append-only: they cannot be deleted.")

    bulk_update = update
    update_or_create = update
    _raw_delete = delete


class AuditEvent(models.Model):
    """One row per create, change, delete or refusal of a domain record, and per login.

    Append-only: `save()` only inserts, `delete()` raises, queryset update/delete raise, and database
    triggers refuse UPDATE (and DELETE on PostgreSQL). The user and organisation are kept as ids without
    a database constraint plus a readable snapshot, so removing a user never touches the trail.
    """

    at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+", verbose_name="người dùng")
    username = models.CharField("tên đăng nhập", max_length=150, blank=True, db_index=True)
    organization = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.DO_NOTHING,
                                     db_constraint=False, related_name="+", verbose_name="đơn vị")
    organization_name = models.CharField("tên đơn vị", max_length=255, blank=True)
    action = models.CharField("thao tác", max_length=16, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("loại đối tượng", max_length=100, blank=True)
    object_id = models.CharField("mã đối tượng", max_length=64, blank=True)
    object_repr = models.CharField("đối tượng", max_length=255, blank=True)
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)
    reason = models.CharField("ghi chú", max_length=255, blank=True)
    ip = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    request_id = models.CharField("mã yêu cầu", max_length=64, blank=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["user", "at"], name="audit_user_at_idx"),
            models.Index(fields=["organization", "at"], name="audit_org_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit rows are append-only: they cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit rows are append-only: they cannot be deleted.")


class LoginAttempt(models.Model):
    """A login attempt, kept in the database so the lockout holds across server processes."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Thành công")
        FAILURE = "failure", _("Sai mật khẩu hoặc tài khoản")
        LOCKED = "locked", _("Bị từ chối do tạm khóa")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)

    class Meta:
        verbose_name = "lần đăng nhập"
        verbose_name_plural = "lần đăng nhập"
        indexes = [models.Index(fields=["username", "at"], name="login_user_at_idx"),
                   models.Index(fields=["ip", "at"], name="login_ip_at_idx")]


class ThrottleWindow(models.Model):
    """Requests counted per key (scope and client address) in a fixed window of time, in the database so a
    public endpoint's throttle holds across server processes (core.throttle)."""

    key = models.CharField(max_length=100)
    window = models.BigIntegerField()  # start of the window, seconds since the epoch
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "lượt truy cập theo khung thời gian"
        verbose_name_plural = "lượt truy cập theo khung thời gian"
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="throttle_key_window_uniq")]
        indexes = [models.Index(fields=["window"], name="throttle_window_idx")]


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """An API token of a user for one integration. Only the SHA-256 of the key is stored;
    the key is shown once, at creation. A token acts with exactly the user's scope."""

    PREFIX = "td_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name="người dùng")
    name = models.CharField("tên", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField("đầu khóa", max_length=12, editable=False,
                                  help_text="Vài ký tự đầu của khóa, để nhận ra token.")
    created = models.DateTimeField("tạo lúc", default=timezone.now)
    last_used = models.DateTimeField("dùng lần cuối", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "token API"
        verbose_name_plural = "token API"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…, {self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def generate_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
