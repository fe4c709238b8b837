"""Uploaded files (evidence, dossier attachments, decisions, spreadsheets to import): one check for all.

`check_upload(upload, allowed=…)` is the only gate every upload goes through:
- the extension must be one the use accepts (DOCUMENT_TYPES for attachments and evidence, SPREADSHEET_TYPES for
  imports), and the content must be a file of that type: its first bytes (signature) match the extension, and a
  zip-based format (.docx, .xlsx, .odt, .ods) holds the members of that format;
- a zip is inspected before anything opens it: at most UPLOAD_ZIP_MAX_MEMBERS members, at most
  UPLOAD_ZIP_MAX_UNCOMPRESSED_MB once uncompressed and a compression ratio of at most UPLOAD_ZIP_MAX_RATIO, and
  every member decompresses to its declared size with a matching checksum (a zip bomb is refused, not opened);
- the size is limited (settings.THIDUA_MAX_UPLOAD_MB, 20 MB by default, or the use's own limit) and an empty file
  is refused;
- the name is reduced to a safe base name (no folders, no "..", no control characters), Vietnamese kept;
- files live under MEDIA_ROOT (var/media, outside the static root) and are served only by `serve_file`,
  after the caller has found the record among those the user may see.
Every refusal is a ValidationError naming the file and what is accepted; nothing is stored.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

from thidua.lib.documents import attachment_disposition
from thidua.lib.numbers import format_number

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls (Compound File Binary)
ZIP = b"PK\x03\x04"
MB = 1024 * 1024


def _has(*names: str) -> Callable[[zipfile.ZipFile, set[str]], bool]:
    return lambda zf, members: all(n in members for n in names)


def _mimetype(expected: str) -> Callable[[zipfile.ZipFile, set[str]], bool]:
    # OpenDocument: the first member "mimetype" names the kind of document.
    def check(zf: zipfile.ZipFile, members: set[str]) -> bool:
        return "mimetype" in members and zf.read("mimetype")[:100].decode("ascii", "replace").strip() == expected
    return check


@dataclass(frozen=True)
class FileType:
    signature: bytes
    noun: str = "tệp"  # in messages: "nội dung không phải <noun> .xlsx"
    zip_members: Callable[[zipfile.ZipFile, set[str]], bool] | None = None  # zip-based: the format's members


PDF = FileType(b"%PDF-")
PNG = FileType(b"\x89PNG\r\n\x1a\n")
JPEG = FileType(b"\xff\xd8\xff")
DOC = FileType(OLE)
DOCX = FileType(ZIP, zip_members=_has("[Content_Types].xml", "word/document.xml"))
ODT = FileType(ZIP, zip_members=_mimetype("application/vnd.oasis.opendocument.text"))
XLS = FileType(OLE, "bảng tính")
XLSX = FileType(ZIP, "bảng tính", zip_members=_has("[Content_Types].xml", "xl/workbook.xml"))
ODS = FileType(ZIP, "bảng tính", zip_members=_mimetype("application/vnd.oasis.opendocument.spreadsheet"))

# The allowed list of each use (extension → type).
# Dossier attachments, decisions and evidence (Law art. 84; electronic copies as Word and PDF, QĐ 311/QĐ-BNV 2025).
DOCUMENT_TYPES: dict[str, FileType] = {
    ".pdf": PDF, ".doc": DOC, ".docx": DOCX, ".odt": ODT, ".xls": XLS, ".xlsx": XLSX, ".ods": ODS,
    ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG,
}
# Spreadsheets read by the import framework (python-calamine).
SPREADSHEET_TYPES: dict[str, FileType] = {".xlsx": XLSX, ".xls": XLS, ".ods": ODS}


def max_bytes() -> int:
    return int(getattr(settings, "THIDUA_MAX_UPLOAD_MB", 20)) * MB


def format_size(n: int) -> str:
    """1.572.864 → "1,5 MB"; 2.000 → "2 KB" (Vietnamese decimals)."""
    if n >= MB:
        return f"{format_number(n / MB, 1)} MB"
    return f"{format_number(max(n / 1024, 1), 0)} KB"


def zip_limits() -> tuple[int, int, int]:
    """(members, uncompressed bytes, ratio) a zip-based upload may not exceed."""
    return (int(getattr(settings, "UPLOAD_ZIP_MAX_MEMBERS", 2000)),
            int(getattr(settings, "UPLOAD_ZIP_MAX_UNCOMPRESSED_MB", 200)) * MB,
            int(getattr(settings, "UPLOAD_ZIP_MAX_RATIO", 100)))


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


def check_zip(fileobj, *, name: str, ext: str, file_type: FileType, size: int, label: str = "Tệp") -> None:
    """Refuse a zip that is too big once uncompressed, too compressed, has too many members, does not decompress
    to what its directory declares, or lacks the members of its format. Reads the directory, then streams each
    member through a bounded buffer: nothing is kept in memory."""
    max_members, max_total, max_ratio = zip_limits()

    def refuse(why: str):
        return ValidationError(f"{label} “{name}”: {why}")

    try:
        with zipfile.ZipFile(fileobj) as zf:
            infos = zf.infolist()
            if len(infos) > max_members:
                raise refuse(f"tệp nén có {format_number(len(infos))} thành phần, tối đa "
                             f"{format_number(max_members)}; không mở tệp này.")
            declared = sum(i.file_size for i in infos)
            if declared > max_total:
                raise refuse(f"khi giải nén nặng {format_size(declared)}, vượt giới hạn {format_size(max_total)}; "
                             "không mở tệp này.")
            if declared > max_ratio * max(size, 1):
                raise refuse(f"tỉ lệ nén bất thường ({format_number(declared / max(size, 1), 0)} lần, tối đa "
                             f"{max_ratio} lần), có thể là “bom nén”; không mở tệp này.")
            # The directory may lie: decompress every member (CRC-checked, bounded by the declared size).
            budget = max_total
            for info in infos:
                with zf.open(info) as member:
                    while chunk := member.read(MB):
                        budget -= len(chunk)
                        if budget < 0:
                            raise refuse(f"khi giải nén vượt giới hạn {format_size(max_total)}; không mở tệp này.")
            if file_type.zip_members and not file_type.zip_members(zf, {i.filename for i in infos}):
                raise refuse(f"nội dung không phải {file_type.noun} {ext}.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, RuntimeError):
        # corrupt, zip64 oddities, unsupported compression or an encrypted member
        raise refuse("bị hỏng, không mở được.") from None
    finally:
        fileobj.seek(0)


def check_upload(upload, *, allowed: Mapping[str, FileType] | None = None, label: str = "Tệp",
                 limit: int | None = None) -> str:
    """Check an uploaded file (Django UploadedFile or any named, seekable file with a size) against the allowed
    list of its use; return its safe name (also set on the upload) or raise ValidationError naming the file."""
    allowed = allowed or DOCUMENT_TYPES
    limit = limit or max_bytes()
    name = safe_name(getattr(upload, "name", "") or "")
    ext = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
    accepted = ", ".join(sorted(allowed))
    if ext not in allowed:
        raise ValidationError(f"{label} “{name}”: loại tệp “{ext or 'không có đuôi'}” không được chấp nhận; "
                              f"chỉ nhận {accepted}.")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"{label} “{name}” rỗng.")
    if size > limit:
        raise ValidationError(f"{label} “{name}” quá lớn: {format_size(size)}, vượt giới hạn {format_size(limit)}.")
    file_type = allowed[ext]
    upload.seek(0)
    head = upload.read(len(file_type.signature))
    upload.seek(0)
    if head != file_type.signature:
        raise ValidationError(f"{label} “{name}”: nội dung không phải {file_type.noun} {ext} "
                              "(có thể đã bị đổi đuôi).")
    if file_type.signature == ZIP:
        check_zip(upload, name=name, ext=ext, file_type=file_type, size=size, label=label)
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
