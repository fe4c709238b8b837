"""PDF conversion of documents as a job (registered in core.documents by JobsConfig.ready).

A ".pdf" link builds the Word file in the request (fast), then: the same document (same content) already converted
for this user → the PDF at once; a conversion of it queued or running → its job page; otherwise a new job. The
Word file waits in the storage for the worker and is removed once converted. Repeating the GET starts nothing new
while a conversion of the same document is pending: the link is safe to click twice."""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.jobs import services
from thidua.jobs.models import Job, JobStatus
from thidua.jobs.registry import JobFailed, JobOutput, register
from thidua.lib import documents
from thidua.lib.uploads import safe_name

KIND = "documents.pdf"


def content_digest(docx: bytes) -> str:
    """The document's identity: its parts and their contents (two builds of the same document differ only in the
    zip's timestamps)."""
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            for name in sorted(archive.namelist()):
                digest.update(name.encode() + b"\0" + archive.read(name) + b"\0")
    except zipfile.BadZipFile:
        return hashlib.sha256(docx).hexdigest()
    return digest.hexdigest()


def launch(request: HttpRequest, docx: bytes, filename: str) -> HttpResponse:
    digest = content_digest(docx)
    mine = Job.objects.filter(kind=KIND, owner=request.user, params__sha256=digest)
    done = mine.filter(status=JobStatus.SUCCEEDED).exclude(result="").order_by("-pk").first()
    if done is not None:
        try:
            with done.result.open("rb") as handle:
                return documents.pdf_response(handle.read(), filename)
        except FileNotFoundError:
            pass  # the file was cleaned up: convert again
    pending = mine.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).order_by("-pk").first()
    if pending is not None:
        return redirect("jobs:detail", pk=pending.pk)
    stored = default_storage.save(f"cong-viec/dau-vao/{digest}.docx", ContentFile(docx))
    name = safe_name(filename if filename.endswith(".pdf") else filename + ".pdf")
    job = services.enqueue(KIND, owner=request.user, title=_("Chuyển sang PDF: %(name)s") % {"name": name},
                           params={"sha256": digest, "input": stored, "filename": name})
    return redirect("jobs:detail", pk=job.pk)


@register(KIND, gettext_lazy("Chuyển văn bản sang PDF"))
def convert(ctx) -> JobOutput:
    source = ctx.params["input"]
    try:
        with default_storage.open(source, "rb") as handle:
            docx = handle.read()
    except FileNotFoundError:
        raise JobFailed(_("Không còn bản Word để chuyển (đã bị xóa); hãy bấm lại vào liên kết PDF.")) from None
    ctx.progress(0, 1, _("LibreOffice đang chuyển văn bản…"))
    try:
        pdf = documents.to_pdf(docx)
    except (documents.PdfUnavailable, documents.PdfConversionError) as exc:
        raise JobFailed(str(exc)) from None
    default_storage.delete(source)
    return JobOutput(content=pdf, filename=ctx.params.get("filename") or "van-ban.pdf",
                     message=_("Đã tạo tệp PDF."))
