"""Excel imports of a big file as a job (registered in core.import_views by JobsConfig.ready).

The request stored the upload (type, size and row limits checked there); the job re-reads it, checks every row
with the importer's rules and writes all rows or none, in one transaction (thidua.lib.imports.commit), reporting
progress by phase. A file with errors writes nothing; the job fails and its page lists the errors by row and
column. The job runs with its owner's rights, checked again in the worker."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.jobs import services
from thidua.jobs.models import Job, JobStatus
from thidua.jobs.registry import JobFailed, JobOutput, register
from thidua.lib import import_views, imports
from thidua.lib.numbers import format_number

KIND = "imports.commit"
SHOWN_ISSUES = 500
PHASES = {"read": gettext_lazy("Đang đọc tệp…"), "validate": gettext_lazy("Đang kiểm tra từng dòng…"),
          "write": gettext_lazy("Đang ghi…"), "done": gettext_lazy("Đã ghi xong")}


def launch(request, importer, stored, params: dict):
    """Start the job for a stored upload (or show the one already started for it)."""
    pending = Job.objects.filter(kind=KIND, owner=request.user, params__token=stored.token,
                                 status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).first()
    if pending is not None:
        return redirect("jobs:detail", pk=pending.pk)
    job = services.enqueue(KIND, owner=request.user, title=f"{importer.title}: {stored.name}"[:255],
                           params={"kind": importer.kind, "token": stored.token, "params": params})
    return redirect("jobs:detail", pk=job.pk)


@register(KIND, gettext_lazy("Nhập dữ liệu từ Excel"))
def run_import(ctx) -> JobOutput:
    owner, p = ctx.job.owner, ctx.params
    kind, params = p["kind"], p.get("params") or {}
    try:
        importer = imports.get_importer(kind)(owner, **params)
    except (KeyError, Http404):
        raise JobFailed(_("Không nhập được: loại dữ liệu hoặc tham số không còn hợp lệ với quyền của bạn.")) from None
    ictx = imports.ImportContext(user=owner, params=params)
    stored = imports.UploadStore.get(owner, p["token"], kind)
    if stored is None:
        raise JobFailed(_("Không tìm thấy tệp tải lên (đã ghi, đã hết hạn sau 24 giờ hoặc đã bị bỏ). Hãy tải lên lại."))
    if not stored.lock():
        raise JobFailed(_("Tệp này đang được ghi bởi một công việc khác."))

    def report(phase: str, done: int, total: int) -> None:
        ctx.progress(done, total or None, str(PHASES.get(phase, "")))

    ictx.progress = report
    try:
        written = imports.commit(importer, stored, ictx, expected_rows=None)
        stored.discard()
    except imports.StaleImport as exc:
        issues = exc.result.issues if exc.result else []
        message = exc.message
        if issues:
            message = _("Không ghi dòng nào: tệp có %(n)s lỗi (xem bảng dưới), sửa rồi tải lên lại.") % {
                "n": format_number(len(issues))}
        raise JobFailed(message, data={
            "issues": [{"row": i.row, "column": i.column, "message": i.message} for i in issues[:SHOWN_ISSUES]],
            "more_issues": max(0, len(issues) - SHOWN_ISSUES)}) from None
    except imports.ImportRefused as exc:
        stored.discard()
        raise JobFailed(exc.message) from None
    finally:
        stored.unlock()
    return JobOutput(message=_("Đã ghi %(n)s %(what)s từ tệp “%(name)s”.") % {
        "n": format_number(written), "what": importer.item_label, "name": stored.name},
        data={"url": import_views.url_for(kind, **params)})
