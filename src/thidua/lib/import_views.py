"""Pages of the Excel import framework (thidua.lib.imports), the same for every kind.

An app mounts a kind with `import_urls(kind, prefix, namespace)` in its urls.py; the routes are:
    <prefix>                 upload form (GET) and upload (POST → preview)
    <prefix>mau.xlsx         the template
    <prefix><token>/         preview: every problem by row and column; the commit button when there is none
    <prefix><token>/ghi      commit (POST only): re-validates and writes all rows or none
    <prefix><token>/tien-do  progress fragment (htmx polling)
Converters in the prefix (e.g. "ho-so/<int:dossier>/nhap/") become keyword arguments of the importer.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_POST

from thidua.lib import imports
from thidua.lib.numbers import format_number

SHOWN_ISSUES = 500
# A big upload is checked and written by a background job, not in the request: the jobs app registers how
# (thidua.jobs.imports.launch); the ground floor does not import it.
_job_launcher = None


def register_job_launcher(launcher) -> None:
    global _job_launcher
    _job_launcher = launcher


def job_min_bytes() -> int:
    """From this file size the check and the write run as a job. An .xlsx row takes 25–45 bytes (ratings, people)
    and checking plus writing runs ≈2 500 rows a second on PostgreSQL (README: 10 000 rows ≈ 4 s), so 64 KiB
    (≈1 500–2 500 rows) keeps the request near a second. THIDUA_IMPORT_JOB_MIN_BYTES overrides it."""
    from django.conf import settings

    return int(getattr(settings, "THIDUA_IMPORT_JOB_MIN_BYTES", 64 * 1024))


def as_job(stored) -> bool:
    return _job_launcher is not None and stored.size >= job_min_bytes()
SHOWN_ROWS = 20
NAMESPACES: dict[str, str] = {}  # kind → URL namespace of the app that mounts it
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_urls(kind: str, prefix: str, namespace: str) -> list:
    NAMESPACES[kind] = namespace
    k = {"kind": kind}
    return [
        path(prefix, upload, k, name=f"import-{kind}"),
        path(f"{prefix}mau.xlsx", template, k, name=f"import-{kind}-template"),
        path(f"{prefix}<str:token>/", preview, k, name=f"import-{kind}-preview"),
        path(f"{prefix}<str:token>/ghi", commit, k, name=f"import-{kind}-commit"),
        path(f"{prefix}<str:token>/tien-do", progress, k, name=f"import-{kind}-progress"),
    ]


def url_for(kind: str, view: str = "", **kwargs) -> str:
    suffix = f"-{view}" if view else ""
    return reverse(f"{NAMESPACES[kind]}:import-{kind}{suffix}", kwargs=kwargs or None)


def _importer(request, kind: str, params: dict):
    try:
        cls = imports.get_importer(kind)
    except KeyError:
        raise Http404 from None
    importer = cls(request.user, **params)  # may raise Http404 for parameters outside the scope
    return importer, imports.ImportContext(user=request.user, params=params)


def _refused(request, importer, message: str, status: int = 403):
    return render(request, "imports/refused.html", {"importer": importer, "message": message}, status=status)


def _urls(kind: str, params: dict, token: str | None = None) -> dict:
    out = {"upload": url_for(kind, **params), "template": url_for(kind, "template", **params)}
    if token:
        for view in ("preview", "commit", "progress"):
            out[view] = url_for(kind, view, token=token, **params)
    return out


@login_required
def index(request):
    """Every kind of import the user may use."""
    rows = []
    ctx = imports.ImportContext(user=request.user)
    for cls in imports.importers():
        if cls.kind not in NAMESPACES:
            continue
        importer = object.__new__(cls)  # no parameters here: only `refusal`, which needs none, is asked
        importer.user, importer.params = request.user, {}
        try:
            urls = _urls(cls.kind, {})
        except NoReverseMatch:  # mounted under a parameterised prefix (a dossier): reached from that page
            continue
        rows.append({"importer": importer, "urls": urls, "refusal": importer.refusal(ctx)})
    return render(request, "imports/index.html", {"rows": rows})


@login_required
def upload(request, kind: str, **params):
    importer, ctx = _importer(request, kind, params)
    refusal = importer.refusal(ctx)
    if refusal:
        return _refused(request, importer, refusal)
    error = None
    if request.method == "POST":
        file = request.FILES.get("file")
        if file is None:
            error = "Chưa chọn tệp để tải lên."
        else:
            try:
                stored = imports.UploadStore.save(request.user, kind, file, params)
            except imports.ImportRefused as exc:
                error = exc.message
            else:
                return redirect(url_for(kind, "preview", token=stored.token, **params) + "?cho=1")
    return render(request, "imports/upload.html", {
        "importer": importer, "urls": _urls(kind, params), "error": error,
        "max_size": imports.format_size(imports.max_bytes()), "max_rows": imports.max_rows(),
    }, status=400 if error else 200)


@login_required
def template(request, kind: str, **params):
    importer, ctx = _importer(request, kind, params)
    refusal = importer.refusal(ctx)
    if refusal:
        return _refused(request, importer, refusal)
    response = HttpResponse(imports.template_xlsx(importer, ctx), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response


def _stored(request, kind: str, token: str):
    stored = imports.UploadStore.get(request.user, token, kind)
    if stored is None:
        raise Http404("Không tìm thấy tệp tải lên (đã ghi, đã hết hạn hoặc không phải của bạn).")
    return stored


def _result_context(importer, stored, result, params, **extra) -> dict:
    issues = result.issues if result else []
    return {
        "importer": importer, "stored": stored, "result": result, "urls": _urls(importer.kind, params, stored.token),
        "issues": issues[:SHOWN_ISSUES], "more_issues": max(len(issues) - SHOWN_ISSUES, 0),
        "sample": [{"number": r.number, "cells": [imports.cell_text(r.raw.get(c.key)) for c in importer.columns]}
                   for r in (result.valid_rows[:SHOWN_ROWS] if result else [])],
        "columns": importer.columns, **extra,
    }


@login_required
def preview(request, kind: str, token: str, **params):
    importer, ctx = _importer(request, kind, params)
    stored = _stored(request, kind, token)
    if as_job(stored):  # no check in the request: the job checks, then writes all rows or none
        return render(request, "imports/preview.html", {**_result_context(importer, stored, None, params),
                                                        "as_job": True, "job_min": imports.format_size(job_min_bytes())})
    if request.GET.get("cho") and not request.htmx:
        # A shell that loads the result with htmx while the progress fragment polls (the check takes seconds).
        return render(request, "imports/preview.html", {**_result_context(importer, stored, None, params), "wait": True})
    ctx.progress = stored.set_progress
    try:
        result = imports.run(importer, stored.path, stored.name, ctx, notes=True)
    except imports.ImportRefused as exc:
        stored.discard()
        context = {**_result_context(importer, stored, None, params), "refused": exc.message}
        return render(request, "imports/_result.html" if request.htmx else "imports/preview.html", context, status=400)
    template_name = "imports/_result.html" if request.htmx else "imports/preview.html"
    return render(request, template_name, _result_context(importer, stored, result, params))


@login_required
@require_POST
def commit(request, kind: str, token: str, **params):
    importer, ctx = _importer(request, kind, params)
    stored = _stored(request, kind, token)
    refusal = importer.refusal(ctx)
    if refusal:
        return _refused(request, importer, refusal)
    if request.POST.get("sha256") != stored.sha256:
        return _refused(request, importer, "Bản xem trước không khớp với tệp đã tải lên; hãy xem trước lại.", 409)
    try:
        expected = int(request.POST.get("rows", ""))
    except ValueError:
        expected = None
    if as_job(stored):
        return _job_launcher(request, importer, stored, params)
    if not stored.lock():
        return _refused(request, importer, "Tệp này đang được ghi; vui lòng chờ.", 409)
    ctx.progress = stored.set_progress
    try:
        written = imports.commit(importer, stored, ctx, expected_rows=expected)
        stored.discard()  # still holding the lock: nobody can start this upload again
    except imports.StaleImport as exc:
        context = _result_context(importer, stored, exc.result, params, stale=exc.message)
        return render(request, "imports/_result.html" if request.htmx else "imports/preview.html", context, status=409)
    except imports.ImportRefused as exc:
        stored.discard()
        return _refused(request, importer, exc.message, 400)
    finally:
        stored.unlock()  # whatever happens, this request no longer writes the upload
    message = f"Đã ghi {format_number(written)} {importer.item_label} từ tệp “{stored.name}”."
    messages.success(request, message)
    if request.htmx:
        return render(request, "imports/_done.html", {"importer": importer, "message": message,
                                                      "urls": _urls(kind, params)})
    return redirect(url_for(kind, **params))


@login_required
def progress(request, kind: str, token: str, **params):
    stored = _stored(request, kind, token)
    state = stored.progress()
    phase, done, total = state.get("phase", ""), state.get("done", 0), state.get("total", 0)
    labels = {"read": "Đang đọc tệp…", "validate": "Đang kiểm tra", "write": "Đang ghi", "done": "Đã ghi xong"}
    running = phase not in ("done",)
    return render(request, "imports/_progress.html", {
        "label": labels.get(phase, "Đang xử lý…"), "done": done, "total": total, "running": running,
        "url": url_for(kind, "progress", token=token, **params),
        "percent": int(done * 100 / total) if total else 0,
    })
