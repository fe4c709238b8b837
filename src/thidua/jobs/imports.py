"""Writing a big Excel import as a job (registered in core.import_views by JobsConfig.ready).

Above `IMPORT_JOB_ROWS` rows the commit button starts a job instead of writing in the request: the worker takes
the upload's flock commit lock (a second click, or a second worker, finds it held and writes nothing), re-reads and
re-validates the file inside one transaction like the request would (all rows or none), and reports its progress
on the job page. A job already queued or running for the same upload is reused: the button is safe to click twice.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect

from thidua.jobs import services
from thidua.jobs.models import Job, JobStatus
from thidua.jobs.registry import JobFailed, JobOutput, register
from thidua.lib import imports
from thidua.lib.numbers import format_number

KIND = "imports.commit"
PHASES = {"read": gettext_lazy("Đang đọc tệp"), "validate": gettext_lazy("Đang kiểm tra lại"),
          "write": gettext_lazy("Đang ghi"), "done": gettext_lazy("Đã ghi xong")}


def launch(request, importer, stored, expected_rows: int, params: dict):
    pending = Job.objects.filter(kind=KIND, owner=request.user, params__token=stored.token,
                                 status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).order_by("-pk").first()
    job = pending or services.enqueue(
        KIND, owner=request.user,
        title=_("Nhập Excel: %(title)s — %(rows)s dòng từ “%(name)s”") % {
            "title": importer.title, "rows": format_number(expected_rows), "name": stored.name},
        params={"kind": importer.kind, "token": stored.token, "rows": expected_rows, "params": params})
    url = reverse("jobs:detail", kwargs={"pk": job.pk})
    return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)


@register(KIND, gettext_lazy("Nhập dữ liệu từ Excel"))
def commit(ctx) -> JobOutput:
    p = ctx.params
    owner = get_user_model().objects.filter(pk=ctx.job.owner_id).first()
    stored = imports.UploadStore.get(owner, p["token"], p["kind"]) if owner else None
    if stored is None:
        raise JobFailed(_("Không còn tệp tải lên (đã ghi, đã hết hạn hoặc đã bị xóa); hãy tải tệp lên lại."))
    importer = imports.get_importer(p["kind"])(owner, **p.get("params", {}))
    context = imports.ImportContext(user=owner, params=p.get("params", {}))

    def progress(phase: str, done: int, total: int) -> None:
        stored.set_progress(phase, done, total)
        ctx.progress(done, total or None, str(PHASES.get(phase, "")))

    context.progress = progress
    if importer.refusal(context):
        raise JobFailed(importer.refusal(context))
    if not stored.lock():
        raise JobFailed(_("Tệp này đang được ghi bởi một yêu cầu khác; không ghi lần thứ hai."))
    try:
        written = imports.commit(importer, stored, context, expected_rows=p.get("rows"))
        stored.discard()
    except imports.StaleImport as exc:
        shown = "; ".join(i.text for i in (exc.result.issues[:5] if exc.result else []))
        raise JobFailed(exc.message + (f" {shown}" if shown else "")) from None
    except imports.ImportRefused as exc:
        stored.discard()
        raise JobFailed(exc.message) from None
    finally:
        stored.unlock()
    return JobOutput(message=_("Đã ghi %(n)s %(what)s từ tệp “%(name)s”.") % {
        "n": format_number(written), "what": importer.item_label, "name": stored.name})
