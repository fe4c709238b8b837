"""Uploaded documents (evidence, dossier attachments, decisions): checked before anything is stored.

- the type is judged by the content (the file's first bytes), not by the name or the browser's claim;
- the size is limited (settings.THIDUA_MAX_UPLOAD_MB, 20 MB by default) and an empty file is refused;
- the name is reduced to a safe base name (no folders, no "..", no control characters), Vietnamese kept;
- files live under MEDIA_ROOT (var/media, outside the static root) and are served only by `serve_file`,
  after the caller has found the record among those the user may see.
Every refusal is a ValidationError naming the file and what is accepted.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
import zipfile
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

from thidua.core.documents import attachment_disposition

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls
ZIP = b"PK\x03\x04"
# extension → (signature, marker that must be in the zip for Office Open XML / OpenDocument)
DOCUMENT_TYPES: dict[str, tuple[bytes, str | None]] = {
    ".pdf": (b"%PDF-", None),
    ".docx": (ZIP, "word/"),
    ".xlsx": (ZIP, "xl/"),
    ".odt": (ZIP, "mimetype"),
    ".ods": (ZIP, "mimetype"),
    ".doc": (OLE, None),
    ".xls": (OLE, None),
    ".png": (b"\x89PNG\r\n\x1a\n", None),
    ".jpg": (b"\xff\xd8\xff", None),
    ".jpeg": (b"\xff\xd8\xff", None),
}


def max_bytes() -> int:
    return int(getattr(settings, "THIDUA_MAX_UPLOAD_MB", 20)) * 1024 * 1024


def safe_name(name: str, *, max_length: int = 120) -> str:
    """A base name safe to store: the last path component (either slash), NFC, no control characters,
    no leading dots, no characters that are special in file systems or headers."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r'[<>:"/\\|?*;]+', "_", base).strip().lstrip(".")
    if not base or base in {".", ".."}:
        base = "tep"
    stem, dot, ext = base.rpartition(".")
    if dot and len(base) > max_length:
        return stem[: max_length - len(ext) - 1] + "." + ext
    return base[:max_length]


def check_upload(upload, *, allowed: dict[str, tuple[bytes, str | None]] | None = None, label: str = "Tệp") -> str:
    """Check an uploaded file (Django UploadedFile); return its safe name or raise ValidationError."""
    allowed = allowed or DOCUMENT_TYPES
    name = safe_name(getattr(upload, "name", "") or "")
    ext = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
    accepted = ", ".join(sorted(allowed))
    if ext not in allowed:
        raise ValidationError(f"{label} “{name}”: loại tệp “{ext or 'không có đuôi'}” không được nhận; chỉ nhận {accepted}.")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"{label} “{name}” rỗng.")
    if size > max_bytes():
        raise ValidationError(f"{label} “{name}” nặng {size / 1048576:.1f} MB, vượt giới hạn "
                              f"{max_bytes() // 1048576} MB.")
    signature, marker = allowed[ext]
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(signature):
        raise ValidationError(f"{label} “{name}”: nội dung không phải tệp {ext} (có thể đã bị đổi đuôi).")
    if marker is not None:
        try:
            with zipfile.ZipFile(upload) as zf:
                if not any(n.startswith(marker) for n in zf.namelist()):
                    raise ValidationError(f"{label} “{name}”: nội dung không phải tệp {ext}.")
        except zipfile.BadZipFile:
            raise ValidationError(f"{label} “{name}” bị hỏng, không mở được.") from None
        finally:
            upload.seek(0)
    upload.name = name
    return name


def serve_file(field_file, download_name: str | None = None) -> FileResponse:
    """Send a stored file as an attachment. The caller has already checked the user may see its record."""
    if not field_file:
        raise Http404("Không có tệp.")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("Tệp không còn trên máy chủ.") from None
    name = download_name or PurePosixPath(field_file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
