"""Word and PDF documents in the Vietnamese administrative layout (Nghị định 30/2020/NĐ-CP).

Shared by every app (cluster reports, pacts, vote minutes, submission letters…):

- `render(template, context)`: fill a docxtpl template (.docx kept in the repo, authored by a
  builder, see `thidua.lib.docx_builder`) and return the .docx bytes. `DocImage` values
  anywhere in the context (dicts, lists) become inline pictures (PNG charts from
  `thidua.lib.charts`).
- `to_pdf(docx_bytes)`: the same document as PDF through LibreOffice headless; raises
  `PdfUnavailable` (a Vietnamese message saying how to install it) when LibreOffice is missing,
  `PdfConversionError` when it fails or times out.
- `docx_response`, `pdf_response`, `xlsx_response`, `document_response`: Django downloads with
  a Vietnamese file name (RFC 6266/5987), and a clear page (503) instead of a 500 when PDF is
  not available.
- The ND30 pieces: `nd30_date`, `date_line` ("Cao Bằng, ngày 19 tháng 3 năm 2019"),
  `number_line` ("Số: 12/BC-CTĐ"), `DocumentHead` (issuing body, number, place and date,
  national title and motto, document type and subject, signature block, recipients).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render as render_page

from thidua.lib.numbers import format_date, format_number, format_percent

log = logging.getLogger(__name__)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

PDF_TIMEOUT_SECONDS = 120
INSTALL_HINT = "sudo apt-get install libreoffice-writer-nogui fonts-liberation2"


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed on the server: PDF cannot be produced (the .docx still can)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or (
            "Không tạo được tệp PDF: máy chủ chưa cài LibreOffice (chương trình soffice). "
            f"Quản trị viên cài bằng lệnh: {INSTALL_HINT} — trong khi chờ, hãy tải bản Word (.docx)."))


class PdfConversionError(RuntimeError):
    """LibreOffice is installed but the conversion failed or took too long."""


# --- Filling templates -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocImage:
    """A picture to put in a document where the template has `{{ name }}`: PNG bytes and a width in mm."""

    png: bytes
    width_mm: float = 150


def _jinja_env():
    from jinja2 import Environment

    env = Environment(autoescape=True)
    env.filters["vn_number"] = lambda v, d=0: format_number(v, d)
    env.filters["vn_percent"] = lambda v, d=1: format_percent(v, d)
    env.filters["vn_date"] = format_date
    return env


def _resolve_images(tpl, value):
    """Replace DocImage values (in dicts, lists and tuples, at any depth) by docxtpl InlineImages."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    if isinstance(value, DocImage):
        return InlineImage(tpl, io.BytesIO(value.png), width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {k: _resolve_images(tpl, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve_images(tpl, v) for v in value]
    return value


def render(template: str | Path, context: dict) -> bytes:
    """Fill a docxtpl template (a path to a .docx) with `context` and return the .docx bytes.

    Values are XML-escaped (autoescape); filters vn_number, vn_percent, vn_date are available.
    """
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(template))
    tpl.render(_resolve_images(tpl, context), jinja_env=_jinja_env(), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def docx_text(data: bytes) -> str:
    """All the text of a .docx (paragraphs, then table cells row by row), one paragraph a line.
    Used by tests and by anyone who wants to check a generated document's content."""
    from docx import Document

    document = Document(io.BytesIO(data))
    lines: list[str] = []

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # merged cells repeat
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)
            else:
                lines.append(block.text)

    walk(document)
    return "\n".join(lines)


# --- PDF through LibreOffice -------------------------------------------------------------------------------

def soffice_path() -> str | None:
    """The LibreOffice program: $THIDUA_SOFFICE, else `soffice` or `libreoffice` on PATH."""
    override = os.environ.get("THIDUA_SOFFICE")
    if override:
        return override if Path(override).is_file() and os.access(override, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice_path() is not None


def to_pdf(docx_bytes: bytes, *, timeout: int = PDF_TIMEOUT_SECONDS) -> bytes:
    """Convert a .docx to PDF with LibreOffice headless.

    Each call runs in its own temporary directory with its own LibreOffice profile
    (-env:UserInstallation), so concurrent conversions do not block each other.
    """
    program = soffice_path()
    if program is None:
        raise PdfUnavailable()
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(docx_bytes)
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--invisible",
                   "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work), str(source)]
        env = {**os.environ, "HOME": str(work)}
        proc = subprocess.Popen(command, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise PdfConversionError(f"LibreOffice không chuyển xong tệp PDF trong {timeout} giây.") from None
        except FileNotFoundError as exc:  # pragma: no cover - removed between which() and exec
            raise PdfUnavailable() from exc
        finally:
            if proc.poll() is None:
                _kill_group(proc)
        target = work / "document.pdf"
        if proc.returncode != 0 or not target.is_file():
            detail = (err or out or b"").decode("utf-8", "replace").strip()[-500:]
            raise PdfConversionError(f"LibreOffice không tạo được tệp PDF (mã {proc.returncode}). {detail}".strip())
        return target.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait(timeout=10)


# --- ND30 pieces ------------------------------------------------------------------------------------------

def _two(n: int) -> str:
    return f"{n:02d}"


def nd30_date(d: date) -> str:
    """"ngày 19 tháng 3 năm 2019"; days below 10 and months 1 and 2 take a leading 0 (ND30 Phụ lục I):
    "ngày 05 tháng 02 năm 2019", "ngày 09 tháng 12 năm 2019"."""
    day = _two(d.day) if d.day < 10 else str(d.day)
    month = _two(d.month) if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def date_line(place: str, d: date | None, *, year: int | None = None) -> str:
    """"Cao Bằng, ngày 19 tháng 3 năm 2019". Without a date: blanks to fill in by hand
    ("Cao Bằng, ngày      tháng      năm 2019")."""
    if d is None:
        return f"{place}, ngày      tháng      năm {year or date.today().year}"
    return f"{place}, {nd30_date(d)}"


def number_line(number: int | str | None, symbol: str) -> str:
    """"Số: 12/BC-CTĐ"; numbers below 10 take a leading 0 ("Số: 05/BC-CTĐ"); no number yet:
    a blank to fill in when the document is registered ("Số:       /BC-CTĐ")."""
    if number in (None, ""):
        return f"Số:       /{symbol}"
    if isinstance(number, int) or str(number).isdigit():
        n = int(number)
        return f"Số: {_two(n) if n < 10 else n}/{symbol}"
    return f"Số: {number}/{symbol}"


def upper_vi(text: str) -> str:
    """Capitals with the diacritics kept ("Cụm thi đua" → "CỤM THI ĐUA"), NFC-normalised."""
    return unicodedata.normalize("NFC", text).upper()


@dataclass
class Signature:
    """The signature block: authority prefix line (TM., KT., Q., TL., TUQ. …), title, optional second
    title line, the signer's name (blank dots when not known: signed by hand)."""

    authority: str = ""
    title: str = ""
    subtitle: str = ""
    name: str = ""

    def as_context(self) -> dict:
        return {"authority": upper_vi(self.authority), "title": upper_vi(self.title),
                "subtitle": upper_vi(self.subtitle), "name": self.name or "……………………………"}


@dataclass
class DocumentHead:
    """The common ND30 parts of a document, as template context under `doc`.

    issuing_body: the body that issues (capitals, bold, short rule under); parent_body: its parent (capitals,
    upright, may be empty); symbol: "BC-CTĐ", "TTr-UBND", "BB-CTĐ"…; number: None leaves a blank;
    doc_type: "BÁO CÁO", "GIAO ƯỚC THI ĐUA"…; subject: the line under it; recipients: "Nơi nhận" entries
    (the last gets "Lưu: VT" added when missing); year: printed in the date line while there is no date."""

    issuing_body: str
    symbol: str
    place: str
    on: date | None
    doc_type: str
    subject: str = ""
    parent_body: str = ""
    number: int | str | None = None
    signature: Signature = field(default_factory=Signature)
    recipients: list[str] = field(default_factory=list)
    archive: str = "Lưu: VT"
    year: int | None = None  # the year printed in a blank date line (no date yet); default: this year

    def as_context(self) -> dict:
        return {
            "parent_body": upper_vi(self.parent_body),
            "issuing_body": upper_vi(self.issuing_body),
            "number_line": number_line(self.number, self.symbol),
            "national_title": NATIONAL_TITLE,
            "motto": MOTTO,
            "date_line": date_line(self.place, self.on, year=self.year),
            "doc_type": upper_vi(self.doc_type),
            "subject": self.subject,
            "signature": self.signature.as_context(),
            "recipients": recipient_lines(self.recipients, archive=self.archive),
        }


def recipient_lines(entries: Iterable[str], *, archive: str = "Lưu: VT") -> list[str]:
    """ND30 "Nơi nhận" entries: "- X;" each, the last "- Lưu: VT." with a full stop."""
    items = [e.strip().rstrip(";.") for e in entries if e and e.strip()]
    if archive and not any(i.startswith("Lưu") for i in items):
        items.append(archive)
    return [f"- {item}{'.' if i == len(items) - 1 else ';'}" for i, item in enumerate(items)]


# --- Django responses -------------------------------------------------------------------------------------

def ascii_filename(filename: str) -> str:
    """"Báo cáo tổng kết 2018.docx" → "Bao-cao-tong-ket-2018.docx" (the fallback for old clients)."""
    text = filename.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    text = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in text)
    while "--" in text:
        text = text.replace("--", "-")
    return text.strip("-") or "document"


def attachment_disposition(filename: str) -> str:
    """Content-Disposition for a download with a Vietnamese name: an ASCII fallback and the
    UTF-8 name percent-encoded (RFC 6266 with RFC 5987 `filename*`)."""
    return f"attachment; filename=\"{ascii_filename(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def docx_response(data: bytes, filename: str) -> HttpResponse:
    return _download(data, filename if filename.endswith(".docx") else filename + ".docx", DOCX_TYPE)


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    return _download(data, filename if filename.endswith(".pdf") else filename + ".pdf", PDF_TYPE)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    return _download(data, filename if filename.endswith(".xlsx") else filename + ".xlsx", XLSX_TYPE)


# Converting to PDF takes LibreOffice seconds: a background-job app registers how to do it outside the request
# (thidua.jobs registers `thidua.jobs.pdf.launch`); the ground floor does not import it.
_pdf_launcher: Callable[[HttpRequest, bytes, str], HttpResponse] | None = None


def register_pdf_launcher(launcher: Callable[[HttpRequest, bytes, str], HttpResponse] | None) -> None:
    global _pdf_launcher
    _pdf_launcher = launcher


def document_response(request: HttpRequest, docx: bytes | Callable[[], bytes], filename: str, fmt: str, *,
                      docx_url: str | None = None) -> HttpResponse:
    """Answer a document download: fmt "docx" → the Word file; "pdf" → converted with LibreOffice (by a background
    job when one is registered and THIDUA_PDF_AS_JOB is on: see thidua.jobs.pdf).

    `filename` is without extension. When PDF cannot be produced the user gets a page (status 503) that
    says why and links to the Word file (`docx_url`, by default the same path ending in .docx).
    """
    if fmt not in ("docx", "pdf"):
        raise ValueError(fmt)
    try:
        if fmt == "pdf" and not pdf_available():
            raise PdfUnavailable()  # before building the document: nothing to convert it with
        data = docx() if callable(docx) else docx
        if fmt == "docx":
            return docx_response(data, filename)
        if _pdf_launcher is not None and getattr(settings, "THIDUA_PDF_AS_JOB", False):
            return _pdf_launcher(request, data, filename)
        return pdf_response(to_pdf(data), filename)
    except (PdfUnavailable, PdfConversionError) as exc:
        if isinstance(exc, PdfConversionError):
            log.error("PDF conversion failed for %s: %s", request.path, exc)
        if docx_url is None and request.path.endswith(".pdf"):
            docx_url = request.path[: -len(".pdf")] + ".docx"
        return render_page(request, "core/pdf_unavailable.html",
                           {"message": str(exc), "docx_url": docx_url, "filename": filename,
                            "missing": isinstance(exc, PdfUnavailable)}, status=503)


# --- Templates kept in the repo ---------------------------------------------------------------------------

def template_path(app: str, name: str) -> Path:
    """The .docx template `name` of app `app` ("emulation", "nominations"…): src/thidua/<app>/docx/<name>."""
    from importlib import import_module

    return Path(import_module(f"thidua.{app}").__file__).parent / "docx" / name


# --- URLs ------------------------------------------------------------------------------------------------

class DocFormatConverter:
    """`<docfmt:fmt>` in a URL: "docx" or "pdf" (e.g. "cum/<int:pk>/van-ban/bao-cao-tong-ket.<docfmt:fmt>")."""

    regex = "docx|pdf"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register_doc_format_converter() -> None:
    """Register `docfmt` once (every app's urls.py may call this)."""
    from django.urls import converters, register_converter

    if "docfmt" not in converters.REGISTERED_CONVERTERS:
        register_converter(DocFormatConverter, "docfmt")
