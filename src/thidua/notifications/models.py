"""In-app notifications, each user's e-mail preference, and the record of the daily reminder runs.

A notification is addressed to one user and carries a `key` naming the event it reports ("dossier:12:submit:3",
"deadline:12:2026-12-07"): the pair (user, key) is unique, so an event reported twice — a reminder job run twice
in a day, two workers — creates one row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    DOSSIER_ARRIVED = "dossier_arrived", _("Hồ sơ chuyển đến")
    DOSSIER_RETURNED = "dossier_returned", _("Hồ sơ bị trả lại")
    BALLOT_OPEN = "ballot_open", _("Mở phiếu bầu")
    COUNCIL_SESSION = "council_session", _("Phiên họp Hội đồng")
    STEP_OPEN = "step_open", _("Bước của năm thi đua mở")
    STEP_DUE = "step_due", _("Bước của năm thi đua đến hạn")
    DEADLINE_NEAR = "deadline_near", _("Sắp đến hạn")
    DEADLINE_PASSED = "deadline_passed", _("Quá hạn")
    DECISION = "decision", _("Quyết định khen thưởng")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("người nhận"))
    kind = models.CharField(_("loại"), max_length=24, choices=NotificationKind.choices)
    key = models.CharField(_("sự kiện"), max_length=160)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event")]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """Whether the user also receives notifications by e-mail (at the address of the account)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_pref")
    email = models.BooleanField(_("nhận thông báo qua thư điện tử"), default=True)

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")


class ReminderRun(models.Model):
    """One row per day the daily reminders were enqueued: the unique day makes scheduling idempotent (a second
    worker, or a second `thidua remind` the same day, finds the row and does nothing)."""

    day = models.DateField(_("ngày"), unique=True)
    enqueued_at = models.DateTimeField(_("đưa vào hàng đợi lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    created = models.PositiveIntegerField(_("số thông báo tạo"), default=0)

    class Meta:
        verbose_name = _("lượt nhắc việc hằng ngày")
        verbose_name_plural = _("lượt nhắc việc hằng ngày")
        ordering = ["-day"]
