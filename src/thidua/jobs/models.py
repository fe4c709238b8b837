"""A Job: one piece of long work asked for by a user, as the user sees it (what, for whom, how far, the result).

The Django Tasks result (`task_result_id`) says whether a worker ran the task; the Job says what the work
achieved, with progress that the task reports as it goes. A job is seen by its owner and by administrators only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from thidua.orgs.scope import scope_for


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    SUCCEEDED = "succeeded", _("Hoàn thành")
    FAILED = "failed", _("Thất bại")
    CANCELLED = "cancelled", _("Đã hủy")


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


def is_job_admin(user) -> bool:
    """Administrators see every job (to help a user, to watch the workers)."""
    scope = scope_for(user)
    return scope.is_superuser or "admin" in scope.roles


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> JobQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        if is_job_admin(user):
            return self
        return self.filter(owner=user)


class Job(models.Model):
    kind = models.CharField(_("loại công việc"), max_length=64)
    title = models.CharField(_("nội dung"), max_length=255)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs",
                              verbose_name=_("người yêu cầu"))
    organization = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("đơn vị"))
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveBigIntegerField(_("đã xử lý"), default=0)
    total = models.PositiveBigIntegerField(_("tổng số"), null=True, blank=True)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    error_detail = models.TextField(_("chi tiết lỗi (cho quản trị)"), blank=True)
    result = models.FileField(_("kết quả"), upload_to="cong-viec/%Y/%m/", blank=True)
    result_name = models.CharField(_("tên tệp kết quả"), max_length=255, blank=True)
    # What a page needs to show the result (counts, the first rows' ids; "url": the page that shows it).
    data = models.JSONField(_("dữ liệu kết quả"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("tín hiệu sống gần nhất"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("đã yêu cầu hủy"), default=False)
    task_result_id = models.CharField(_("mã tác vụ"), max_length=64, blank=True)
    worker_id = models.CharField(_("tiến trình xử lý"), max_length=128, blank=True)
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries",
                                 verbose_name=_("chạy lại từ"))

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("công việc")
        verbose_name_plural = _("công việc")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_created_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (#{self.pk})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def result_url(self) -> str:
        """The page showing the result, when the kind gave one (a path inside this site only)."""
        url = (self.data or {}).get("url", "")
        return url if isinstance(url, str) and url.startswith("/") and not url.startswith("//") else ""

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, int(self.done * 100 / self.total))
