"""Excel imports: one framework for every kind of list (people, yearly ratings, later dossier items).

An importer is a declarative class (columns + a few hooks) registered under a `kind`:

    @register
    class RatingImporter(Importer):
        kind = "ratings"
        title = "Xếp loại hằng năm"
        sheet = "Xếp loại"
        audit_type = "awards.evaluation"
        columns = [CitizenIdColumn("citizen_id", "Số định danh cá nhân", required=True), YearColumn("year", "Năm", ...)]
        unique_in_file = [("citizen_id", "year")]

        def existing(self, keys, ctx): ...            # duplicates against the database, set-based
        def check_row(self, row, ctx): ...            # cross-field rules (optional)
        def commit(self, rows, ctx) -> int: ...       # bulk insert through the app's services

The framework gives every kind the same path:
1. `template_xlsx(importer, ctx)`: the downloadable template (xlsxwriter): header row, a note on each header,
   dropdowns (data validation) fed from a hidden list sheet, an instructions sheet.
2. `UploadStore.save(...)`: the upload goes through core.uploads.check_upload (size, extension, content signature,
   zip members/uncompressed size/ratio before anything opens it) and is kept in a temp store under an unguessable
   token tied to the user (another user's token → not found).
3. `run(importer, path, ctx)`: python-calamine reads .xlsx/.xls/.ods, converting rows one at a time and stopping
   past IMPORT_MAX_ROWS; every row is checked with the same rules
   as the forms and services (column parsers with bulk lookups, cross-field checks, duplicates inside the file
   and against the database). The result lists each problem by row number and column header.
4. `commit(importer, stored, ctx, expected_rows=…)`: re-reads and re-validates inside ONE transaction and writes
   all rows or none; an edited/stale preview (different row count, new errors, a duplicate that appeared since)
   writes nothing. One audit event per import, with the counts.

No query per row: column parsers resolve all their values in a few `IN (…)` queries (chunked), and importers
insert with bulk_create.
"""

from __future__ import annotations

import fcntl
import io
import itertools
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from thidua.lib import uploads
from thidua.lib.exports import workbook
from thidua.lib.numbers import format_number
from thidua.lib.text import fold
from thidua.lib.uploads import format_size

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
DEFAULT_MAX_ROWS = 100_000
TOKEN_TTL_SECONDS = 24 * 3600
CHUNK = 900  # values per IN (…) lookup: below SQLite's variable limit, one query per chunk
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
YES = {"co", "x", "1", "true", "yes", "dung", "c"}
NO = {"khong", "0", "false", "no", "sai", "k", ""}


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def header_key(text: Any) -> str:
    """A header compared without case, diacritics, the required mark and punctuation."""
    return re.sub(r"[^a-z0-9]+", " ", fold(str(text or "")).replace("(*)", "").replace("*", "")).strip()


def blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", dates as dd/mm/yyyy, text trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


# ---------------------------------------------------------------------------
# Problems: each names the row (as numbered in Excel) and the column header.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    row: int | None  # Excel row number; None for a problem of the whole file
    column: str  # column header; "" for the whole row or file
    message: str

    @property
    def text(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Dòng {self.row}")
        if self.column:
            where.append(f"cột “{self.column}”")
        return (", ".join(where) + ": " if where else "") + self.message


class ImportRefused(Exception):
    """The whole file (or the request) is refused: wrong type, too large, wrong sheet/columns, no permission."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    pass


# ---------------------------------------------------------------------------
# Columns: parsing, bulk resolution, dropdown lists and notes, declared once per kind.
# ---------------------------------------------------------------------------


class Column:
    """A column of the sheet. Subclasses parse one kind of value; `prepare` resolves all values of the column
    at once (one query per chunk), so `parse` never queries."""

    list_name: ClassVar[str | None] = None  # the dropdown fed from the hidden list sheet
    text_format: ClassVar[bool] = False  # format the column as text in the template (keeps leading zeros)
    memoize: ClassVar[bool] = False  # parse each distinct value once (lists: units, ratings, award types…)

    def __init__(self, key: str, header: str, *, required: bool = False, note: str = "", width: int = 18,
                 example: Any = "", aliases: Sequence[str] = ()):
        self.key, self.header, self.required, self.note, self.width, self.example = (
            key, header, required, note, width, example)
        # Other headers meaning this column (a list typed by hand in a Word letter says "Số CCCD", "Hình thức").
        self.aliases = tuple(aliases)

    @property
    def header_keys(self) -> set[str]:
        return {header_key(h) for h in (self.header, *self.aliases)}

    @property
    def template_header(self) -> str:
        return f"{self.header} (*)" if self.required else self.header

    def prepare(self, values: list[Any], ctx: ImportContext) -> None:
        """Bulk lookups for the non-blank values of the column (override for references)."""

    def parse(self, value: Any, ctx: ImportContext) -> Any:
        return cell_text(value)

    def choices(self, ctx: ImportContext) -> list[str] | None:
        """Values of the dropdown (None: no dropdown)."""
        return None


class TextColumn(Column):
    def __init__(self, key, header, *, max_length: int = 255, **kw):
        super().__init__(key, header, **kw)
        self.max_length = max_length

    def parse(self, value, ctx):
        text = re.sub(r"\s+", " ", cell_text(value))
        if len(text) > self.max_length:
            raise CellError(f"dài {len(text)} ký tự, tối đa {self.max_length}.")
        return text


class IntegerColumn(Column):
    def __init__(self, key, header, *, minimum: int | None = None, maximum: int | Callable[[], int] | None = None, **kw):
        super().__init__(key, header, **kw)
        self.minimum, self._maximum = minimum, maximum

    @property
    def maximum(self) -> int | None:
        return self._maximum() if callable(self._maximum) else self._maximum

    def parse(self, value, ctx):
        text = cell_text(value)
        if isinstance(value, float) and not value.is_integer() or not re.fullmatch(r"-?\d+", text):
            raise CellError(f"“{text}” không phải số nguyên.")
        number = int(text)
        low, high = self.minimum, self.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise CellError(f"{self.header} {number} không hợp lệ (từ {low} đến {high}).")
        return number


class YearColumn(IntegerColumn):
    def __init__(self, key, header, *, minimum: int = 1945, maximum=None, **kw):
        super().__init__(key, header, minimum=minimum, maximum=maximum or (lambda: date.today().year), width=9, **kw)

    def parse(self, value, ctx):
        text = cell_text(value)
        if not re.fullmatch(r"\d{4}", text):
            raise CellError(f"Năm “{text}” không hợp lệ: cần 4 chữ số (từ {self.minimum} đến {self.maximum}).")
        year = int(text)
        if not self.minimum <= year <= self.maximum:
            raise CellError(f"Năm {year} không hợp lệ (từ {self.minimum} đến {self.maximum}).")
        return year


class DateColumn(Column):
    """A date: an Excel date cell, or text "dd/mm/yyyy" (also "d/m/yyyy", "dd-mm-yyyy", "yyyy-mm-dd")."""

    def __init__(self, key, header, *, minimum: date = date(1945, 1, 1), **kw):
        super().__init__(key, header, width=12, **kw)
        self.minimum = minimum

    def parse(self, value, ctx):
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        else:
            text = cell_text(value)
            m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
            iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
            try:
                if m:
                    day = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                elif iso:
                    day = date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
                else:
                    raise ValueError
            except ValueError:
                raise CellError(f"Ngày “{text}” không hợp lệ: ghi theo dạng ngày/tháng/năm, ví dụ 19/03/2019.") from None
        if not self.minimum <= day <= ctx.today:
            raise CellError(f"Ngày {day:%d/%m/%Y} không hợp lệ (từ {self.minimum:%d/%m/%Y} đến hôm nay).")
        return day


class ChoiceColumn(Column):
    """One of a fixed list. The dropdown shows labels; a code, a label or "code — label" are all accepted,
    compared without case and diacritics."""

    memoize = True

    def __init__(self, key, header, *, choices: Sequence[tuple[str, str]], list_name: str, show_code: bool = False,
                 aliases: dict[str, str] | None = None, **kw):
        super().__init__(key, header, **kw)
        self._choices, self.list_name, self.show_code = list(choices), list_name, show_code
        self._aliases = dict(aliases or {})
        self._lookups: dict[str, dict[str, str]] = {}

    @property
    def lookup(self) -> dict[str, str]:
        """Normalised code, label or "code — label" → code, for the active language and Vietnamese. Labels are
        lazy translations: a table built once when the module is imported would hold the labels of whatever
        language was active then (an English request made "Nữ" unknown to every later Vietnamese import)."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        table = self._lookups.get(language)
        if table is None:
            table = {}
            for active in dict.fromkeys((settings.LANGUAGE_CODE, language)):
                with translation.override(active):
                    for code, label in self._choices:
                        for text in (code, str(label), self.display(code, str(label))):
                            table[self.norm(text)] = code
            for alias, code in self._aliases.items():
                table[self.norm(alias)] = code
            self._lookups[language] = table
        return table

    @staticmethod
    def norm(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", "", fold(text))

    def display(self, code: str, label: str) -> str:
        return f"{code} — {label}" if self.show_code else str(label)

    def parse(self, value, ctx):
        text = cell_text(value)
        code = self.lookup.get(self.norm(text))
        if code is None:
            shown = ", ".join(self.display(c, str(lab)) for c, lab in self._choices[:8])
            more = "…" if len(self._choices) > 8 else ""
            raise CellError(f"“{text}” không có trong danh mục ({shown}{more}).")
        return code

    def choices(self, ctx):
        return [self.display(c, str(lab)) for c, lab in self._choices]


class BooleanColumn(Column):
    list_name = "CoKhong"
    memoize = True

    def parse(self, value, ctx):
        if isinstance(value, bool):
            return value
        text = fold(cell_text(value))
        if text in YES:
            return True
        if text in NO:
            return False
        raise CellError(f"“{cell_text(value)}” không hợp lệ: ghi “Có” hoặc “Không”.")

    def choices(self, ctx):
        return ["Có", "Không"]


# ---------------------------------------------------------------------------
# Rows, context, importer base class and registry
# ---------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # Excel row number
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def error(self, column: Column | str, message: str) -> None:
        header = column.header if isinstance(column, Column) else column
        self.issues.append(Issue(self.number, header, message))

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass
class Hooks:
    """What the library needs from the apps above it, registered in their AppConfig.ready(): the library knows no
    user, scope or audit trail. scope_for(user) → a scope with `may_edit` and `can_edit_path(path)` (orgs);
    record_audit(action, **fields) → the audit row of a committed import (core.audit.record)."""

    scope_for: Callable[[Any], Any] | None = None
    record_audit: Callable[..., Any] | None = None


HOOKS = Hooks()


@dataclass
class ImportContext:
    user: Any
    params: dict[str, Any] = field(default_factory=dict)
    progress: Callable[[str, int, int], None] | None = None
    today: date = field(default_factory=date.today)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def scope(self):
        """The user's access scope (thidua.orgs.scope.Scope), from the provider the organisations app registers."""
        return HOOKS.scope_for(self.user)

    def can_edit_path(self, path: str) -> bool:
        return self.scope.can_edit_path(path)

    def report(self, phase: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(phase, done, total)


class Importer:
    kind: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str] = ""
    sheet: ClassVar[str]
    audit_type: ClassVar[str]  # "app_label.model" of the rows written
    item_label: ClassVar[str] = "dòng"  # "người", "xếp loại" … in messages
    columns: ClassVar[list[Column]]
    unique_in_file: ClassVar[list[tuple[str, ...]]] = []
    url_name: ClassVar[str] = ""  # "app:import-<kind>" (set by urls_for)
    word_tables: ClassVar[bool] = False  # also reads the table of a Word (.docx) letter (read_word_rows)

    def __init__(self, user, **params):
        self.user, self.params = user, params

    # --- hooks -------------------------------------------------------------------------------------------
    def refusal(self, ctx: ImportContext) -> str | None:
        """Why this user may not import this kind (None: allowed). Default: an editing role is needed."""
        if ctx.scope.may_edit:
            return None
        return "Vai trò của bạn chỉ được xem; nhập dữ liệu cần vai trò cơ quan TĐKT hoặc cán bộ đơn vị."

    def check_row(self, row: Row, ctx: ImportContext) -> None:
        """Cross-field rules for a row whose cells parsed (call row.error to report)."""

    def existing(self, keys: list[tuple], ctx: ImportContext) -> dict[tuple, str]:
        """For the unique_in_file keys of the file, those already in the database → a description. Set-based."""
        return {}

    def notes(self, rows: list[Row], ctx: ImportContext) -> list[Issue]:
        """Warnings on valid rows that do not block the import (e.g. a nominee not yet eligible), shown in the
        preview only. Set-based; called once with every valid row."""
        return []

    def commit(self, rows: list[Row], ctx: ImportContext) -> int:
        raise NotImplementedError

    def instructions(self) -> list[str]:
        return []

    # --- helpers -----------------------------------------------------------------------------------------
    @classmethod
    def column(cls, key: str) -> Column:
        return next(c for c in cls.columns if c.key == key)


REGISTRY: dict[str, type[Importer]] = {}


def register(cls: type[Importer]) -> type[Importer]:
    REGISTRY[cls.kind] = cls
    return cls


def get_importer(kind: str) -> type[Importer]:
    _load_importers()
    return REGISTRY[kind]


def importers() -> list[type[Importer]]:
    _load_importers()
    return list(REGISTRY.values())


def _load_importers() -> None:
    """Import each app's `imports` module once, so its importers register."""
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("thidua."):
            try:
                import_module(f"{config.name}.imports")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.imports":
                    raise


# ---------------------------------------------------------------------------
# Template (xlsxwriter)
# ---------------------------------------------------------------------------


def template_xlsx(importer: Importer, ctx: ImportContext, sample_rows: int = 1000) -> bytes:
    """The template: the data sheet (header, notes, dropdowns), a hidden list sheet, an instructions sheet."""
    from xlsxwriter.utility import xl_col_to_name

    buf = io.BytesIO()
    wb = workbook(buf, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "vcenter"})
    req = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "vcenter"})
    text = wb.add_format({"num_format": "@"})
    ws = wb.add_worksheet(importer.sheet)
    lists_ws = wb.add_worksheet("DanhMuc")
    guide = wb.add_worksheet("HuongDan")
    list_col = 0
    for col, column in enumerate(importer.columns):
        ws.write(0, col, column.template_header, req if column.required else head)
        ws.set_column(col, col, column.width, text if column.text_format else None)
        note = column.note + (" Bắt buộc." if column.required else "")
        if note.strip():
            ws.write_comment(0, col, note.strip(), {"x_scale": 2, "y_scale": 1.5})
        values = column.choices(ctx)
        if values is not None:
            lists_ws.write(0, list_col, column.list_name or column.key)
            for i, v in enumerate(values, start=1):
                lists_ws.write_string(i, list_col, v)
            letter = xl_col_to_name(list_col)
            name = column.list_name or f"List_{column.key}"
            wb.define_name(name, f"=DanhMuc!${letter}$2:${letter}${max(len(values), 1) + 1}")
            ws.data_validation(1, col, sample_rows, col, {
                "validate": "list", "source": f"={name}", "ignore_blank": True,
                "error_title": "Giá trị không có trong danh mục",
                "error_message": f"Chọn {column.header.lower()} từ danh sách.", "error_type": "warning",
            })
            list_col += 1
    ws.freeze_panes(1, 0)
    ws.set_row(0, 36)
    lists_ws.hide()
    guide.set_column(0, 0, 110)
    bold = wb.add_format({"bold": True})
    lines = [importer.title, "", *importer.instructions(),
             "Dòng 1 là tiêu đề cột, không sửa; cột có dấu (*) là bắt buộc. Mỗi dòng từ dòng 2 là một bản ghi.",
             "Các cột có danh sách chọn: chọn từ danh sách (có thể gõ, hệ thống so khớp không phân biệt dấu, hoa thường).",
             "Khi tải lên, mọi dòng được kiểm tra; lỗi được liệt kê theo số dòng và tên cột. "
             "Chỉ ghi khi không còn lỗi nào: ghi toàn bộ hoặc không ghi dòng nào.",
             f"Tệp .xlsx, .xls hoặc .ods, tối đa {format_size(max_bytes())} "
             f"và {format_number(max_rows())} dòng.", "", "Các cột:"]
    lines += [f"• {c.template_header}: {c.note}" for c in importer.columns]
    for i, line in enumerate(lines):
        guide.write(i, 0, line, bold if i == 0 else None)
    wb.close()
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Reading and checking a file
# ---------------------------------------------------------------------------


# Spreadsheets, and Word letters whose table lists the rows (for the importers that read them: `word_tables`).
UPLOAD_TYPES = {**uploads.SPREADSHEET_TYPES, ".docx": uploads.DOCX}


def check_upload(upload, *, word: bool = False) -> str:
    """The shared content check (core.uploads) with the import's size limit; the safe name, or ImportRefused.
    `word`: a Word letter (.docx) is accepted too."""
    try:
        return uploads.check_upload(upload, allowed=UPLOAD_TYPES if word else uploads.SPREADSHEET_TYPES,
                                    limit=max_bytes())
    except ValidationError as exc:
        raise ImportRefused(" ".join(exc.messages)) from None


def check_stored(path: Path, name: str) -> None:
    """Re-check a stored zip-based workbook (size, ratio, members) before python-calamine opens it."""
    ext = Path(name).suffix.lower()
    file_type = UPLOAD_TYPES.get(ext)
    if file_type is None or file_type.signature != uploads.ZIP:
        return
    try:
        with open(path, "rb") as fh:
            uploads.check_zip(fh, name=name, ext=ext, file_type=file_type, size=path.stat().st_size)
    except ValidationError as exc:
        raise ImportRefused(" ".join(exc.messages)) from None


@dataclass
class Result:
    rows: list[Row]
    issues: list[Issue]  # file-level and row-level, in row order
    warnings: list[str]
    sheet: str = ""
    total: int = 0
    seconds: float = 0.0
    notes: list[Issue] = field(default_factory=list)  # row warnings that do not block (Importer.notes)

    @property
    def valid_rows(self) -> list[Row]:
        return [r for r in self.rows if r.ok]

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    @property
    def ok(self) -> bool:
        return not self.issues and bool(self.rows)


HEADER_ROWS = 10  # the header is looked for among the first rows of a sheet


def _find_sheet(wb, importer: Importer, name: str):
    """The sheet named like the template's, else the first visible sheet whose header has the required columns.
    Returns (sheet name, header index, the first rows, an iterator over the rows after them)."""
    wanted = {header_key(c.header) for c in importer.columns if c.required}
    known = {header_key(c.header) for c in importer.columns}
    by_key = {header_key(n): n for n in wb.sheet_names}

    def opened(sheet_name: str):
        rows = iter(wb.get_sheet_by_name(sheet_name).iter_rows())
        return list(itertools.islice(rows, HEADER_ROWS)), rows

    if header_key(importer.sheet) in by_key:  # the template's sheet: its header is the row naming most columns
        sheet_name = by_key[header_key(importer.sheet)]
        head, rest = opened(sheet_name)
        scores = [len({header_key(v) for v in row} & known) for row in head]
        if scores and max(scores):
            return sheet_name, scores.index(max(scores)), head, rest
    candidates = [m.name for m in wb.sheets_metadata if str(m.visible).endswith("Visible")]
    for sheet_name in candidates:
        head, rest = opened(sheet_name)
        for i, row in enumerate(head):
            keys = {header_key(v) for v in row}
            if wanted <= keys:
                return sheet_name, i, head, rest
    expected = ", ".join(f"“{c.header}”" for c in importer.columns if c.required)
    raise ImportRefused(
        f"Tệp “{name}” không có trang tính “{importer.sheet}” (hoặc trang tính nào) có đủ các cột bắt buộc: {expected}. "
        "Hãy dùng tệp mẫu tải về từ trang này.")


def read_rows(importer: Importer, path: Path, name: str) -> tuple[str, list[Row], list[str]]:
    """Open the workbook with python-calamine and map its header to the importer's columns. A zip-based file is
    checked (uncompressed size, ratio) before it is opened, and rows are converted one at a time: reading stops
    at the first data row beyond the limit."""
    from python_calamine import CalamineError, CalamineWorkbook

    check_stored(path, name)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except (CalamineError, ValueError, OSError) as exc:
        raise ImportRefused(f"Không đọc được tệp “{name}”: tệp hỏng hoặc không phải bảng tính ({exc}).") from None
    try:
        try:
            sheet_name, header_index, head, rest = _find_sheet(wb, importer, name)
        except (CalamineError, ValueError) as exc:
            raise ImportRefused(f"Không đọc được tệp “{name}”: tệp hỏng hoặc không phải bảng tính ({exc}).") from None
        positions, warnings = map_header(importer, head[header_index])
        rows = data_rows(positions, itertools.chain(head[header_index + 1:], rest), header_index + 1)
    finally:
        wb.close()
    return sheet_name, rows, warnings


def map_header(importer: Importer, header: Sequence[Any]) -> tuple[dict[str, int], list[str]]:
    """The position of each of the importer's columns in a header row (by header or alias), and warnings for the
    columns left out. ImportRefused when a required column is missing."""
    positions: dict[str, int] = {}
    known = {key: c for c in importer.columns for key in c.header_keys}
    warnings = []
    for i, value in enumerate(header):
        key = header_key(value)
        if not key:
            continue
        if key in known and known[key].key not in positions:
            positions[known[key].key] = i
        elif key not in ("stt", "so thu tu", "tt"):
            warnings.append(f"Cột “{cell_text(value)}” không thuộc mẫu nên được bỏ qua.")
    missing = [c.header for c in importer.columns if c.required and c.key not in positions]
    if missing:
        raise ImportRefused(f"Thiếu cột bắt buộc: {', '.join(missing)}.")
    return positions, warnings


def data_rows(positions: dict[str, int], data: Iterable[Sequence[Any]], start: int) -> list[Row]:
    """Rows below the header (numbered from 1 as the user sees them), blank rows skipped, up to max_rows()."""
    rows = []
    limit = max_rows()
    for i, cells in enumerate(data, start=start):
        raw = {key: (cells[pos] if pos < len(cells) else "") for key, pos in positions.items()}
        if all(blank(v) for v in raw.values()):
            continue
        if len(rows) == limit:
            raise ImportRefused(f"Tệp có hơn {format_number(limit)} dòng dữ liệu; tối đa {format_number(limit)} "
                                "dòng mỗi lần nhập. Hãy chia thành nhiều tệp.")
        rows.append(Row(number=i + 1, raw=raw))
    return rows


def read_word_rows(importer: Importer, path: Path, name: str) -> tuple[str, list[Row], list[str]]:
    """The nominee table of a Word letter (python-docx): the first table with a header row (among its first rows)
    naming the required columns, by header or alias. Rows are numbered as rows of that table (the header counts),
    and the preview says which table was read and how each of its columns was understood."""
    import docx

    if not importer.word_tables:
        raise ImportRefused(f"“{importer.title}” chỉ nhập từ bảng tính (.xlsx, .xls, .ods), không từ văn bản Word.")
    check_stored(path, name)
    try:
        tables = docx.Document(str(path)).tables
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        raise ImportRefused(f"Không đọc được văn bản Word “{name}”: tệp hỏng ({type(exc).__name__}).") from None
    for number, table in enumerate(tables, 1):
        cells = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        for index, row in enumerate(cells[:HEADER_ROWS]):
            keys = {header_key(v) for v in row}
            if not all(keys & c.header_keys for c in importer.columns if c.required):
                continue
            positions, warnings = map_header(importer, row)
            understood = "; ".join(f"“{row[pos]}” → {importer.column(key).header}" for key, pos in positions.items())
            label = f"Bảng {number} của văn bản Word ({len(tables)} bảng)"
            return label, data_rows(positions, cells[index + 1:], index + 1), [f"Đã hiểu các cột: {understood}.",
                                                                                *warnings]
    expected = ", ".join(f"“{c.header}”" for c in importer.columns if c.required)
    raise ImportRefused(f"Văn bản “{name}” có {len(tables)} bảng nhưng không bảng nào có dòng tiêu đề với các cột "
                        f"bắt buộc: {expected}." if tables else f"Văn bản “{name}” không có bảng nào.")


def validate(importer: Importer, rows: list[Row], ctx: ImportContext) -> None:
    """Every rule on every row: cells, cross-field rules, duplicates in the file and against the database."""
    total = len(rows)
    for column in importer.columns:
        column.prepare([r.raw[column.key] for r in rows if not blank(r.raw.get(column.key))], ctx)
    memos: dict[str, dict] = {c.key: {} for c in importer.columns if c.memoize}
    ctx.report("validate", 0, total)
    for n, row in enumerate(rows, start=1):
        for column in importer.columns:
            value = row.raw.get(column.key, "")
            if blank(value):
                row.values[column.key] = None
                if column.required:
                    row.error(column, f"Ô trống: cần nhập {column.header.lower()}.")
                continue
            memo = memos.get(column.key)
            if memo is not None and value in memo:
                parsed, message = memo[value]
            else:
                try:
                    parsed, message = column.parse(value, ctx), None
                except CellError as exc:
                    parsed, message = None, str(exc)
                if memo is not None:
                    memo[value] = (parsed, message)
            row.values[column.key] = parsed
            if message is not None:
                row.error(column, message)
        if row.ok:
            importer.check_row(row, ctx)
        if n % 2000 == 0:
            ctx.report("validate", n, total)
    for key_fields in importer.unique_in_file:
        seen: dict[tuple, int] = {}
        keyed: list[tuple[tuple, Row]] = []
        label = " + ".join(importer.column(k).header for k in key_fields)
        for row in rows:
            key = tuple(row.values.get(k) for k in key_fields)
            if any(v is None for v in key):
                continue
            if key in seen:
                shown = ", ".join(str(v) for v in key)
                row.error(importer.column(key_fields[0]),
                          f"Trùng {label} ({shown}) với dòng {seen[key]} trong tệp.")
                continue
            seen[key] = row.number
            keyed.append((key, row))
        found = importer.existing([k for k, _ in keyed], ctx) if keyed else {}
        for key, row in keyed:
            if key in found:
                row.error(importer.column(key_fields[0]), f"Đã có trong hệ thống: {found[key]}.")
    ctx.report("validate", total, total)


def run(importer: Importer, path: Path, name: str, ctx: ImportContext, *, notes: bool = False) -> Result:
    """Read and check a stored file; nothing is written. `notes`: also the importer's non-blocking warnings on the
    valid rows (for the preview; the commit re-checks without them)."""
    started = time.perf_counter()
    refusal = importer.refusal(ctx)
    if refusal:
        raise ImportRefused(refusal)
    ctx.report("read", 0, 0)
    reader = read_word_rows if Path(name).suffix.lower() == ".docx" else read_rows
    sheet, rows, warnings = reader(importer, path, name)
    if not rows:
        issues = [Issue(None, "", f"Trang tính “{sheet}” không có dòng dữ liệu nào (dưới dòng tiêu đề).")]
        return Result([], issues, warnings, sheet, 0, time.perf_counter() - started)
    validate(importer, rows, ctx)
    issues = [i for r in rows for i in r.issues]
    valid = [r for r in rows if r.ok]
    row_notes = importer.notes(valid, ctx) if notes and valid else []
    return Result(rows, issues, warnings, sheet, len(rows), time.perf_counter() - started, row_notes)


class StaleImport(Exception):
    def __init__(self, message: str, result: Result | None = None):
        super().__init__(message)
        self.message, self.result = message, result


def commit(importer: Importer, stored: StoredUpload, ctx: ImportContext, *, expected_rows: int | None) -> int:
    """Re-read and re-validate inside one transaction; write every row or none. Returns the rows written."""
    with transaction.atomic():
        result = run(importer, stored.path, stored.name, ctx)
        if not result.ok:
            raise StaleImport(
                "Chưa ghi dòng nào: khi kiểm tra lại lúc ghi, tệp có lỗi (dữ liệu trong hệ thống có thể đã thay đổi "
                "kể từ lúc xem trước).", result)
        if expected_rows is not None and expected_rows != result.total:
            raise StaleImport(f"Chưa ghi dòng nào: bản xem trước có {format_number(expected_rows)} dòng nhưng tệp có "
                              f"{format_number(result.total)} dòng. Hãy xem trước lại.", result)
        ctx.report("write", 0, result.total)
        ctx.cache["_upload"] = stored  # an importer that keeps the file itself (as a source document) finds it here
        try:
            with transaction.atomic():
                written = importer.commit(result.rows, ctx)
        except IntegrityError:
            raise StaleImport("Chưa ghi dòng nào: một bản ghi trùng vừa được tạo trong lúc ghi (có thể do một lần nhập "
                              "khác). Hãy xem trước lại.") from None
        HOOKS.record_audit(
            "create", object_type=importer.audit_type, object_id="",
            object_repr=f"Nhập Excel: {format_number(written)} {importer.item_label} từ {stored.name}",
            after={"import": importer.kind, "file": stored.name, "sha256": stored.sha256, "sheet": result.sheet,
                   "rows": result.total, "created": written, "params": stored.params},
            user=ctx.user if getattr(ctx.user, "pk", None) else None,
        )
        ctx.report("done", written, result.total)
        return written


# ---------------------------------------------------------------------------
# The upload store: files under an unguessable token tied to the user
# ---------------------------------------------------------------------------


def store_dir() -> Path:
    return Path(getattr(settings, "THIDUA_IMPORT_DIR", Path(settings.VAR_DIR) / "imports"))


@dataclass
class StoredUpload:
    token: str
    dir: Path
    meta: dict
    _lock: Any = field(default=None, repr=False, compare=False)  # the open commit.lock while this request holds it

    @property
    def path(self) -> Path:
        return self.dir / f"upload{self.meta['ext']}"

    @property
    def name(self) -> str:
        return self.meta["name"]

    @property
    def sha256(self) -> str:
        return self.meta["sha256"]

    @property
    def kind(self) -> str:
        return self.meta["kind"]

    @property
    def params(self) -> dict:
        return self.meta.get("params", {})

    @property
    def size(self) -> int:
        return self.meta["size"]

    def progress(self) -> dict:
        try:
            return json.loads((self.dir / "progress.json").read_text())
        except (OSError, ValueError):
            return {}

    def set_progress(self, phase: str, done: int, total: int) -> None:
        tmp = self.dir / "progress.tmp"
        tmp.write_text(json.dumps({"phase": phase, "done": done, "total": total, "at": time.time()}))
        os.replace(tmp, self.dir / "progress.json")

    def lock(self) -> bool:
        """Exclusive commit lock: False when another request is writing this upload right now.

        An advisory lock (flock) on commit.lock, held by the open file for the whole commit: the kernel releases
        it when the process ends, so a worker killed during a commit (crash, timeout, kill -9) leaves no lock
        behind and the upload can be committed again at once (its transaction was rolled back). The file itself
        means nothing; only a live holder does."""
        handle = open(self.dir / "commit.lock", "a+")  # noqa: SIM115 - held until unlock()
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(json.dumps({"pid": os.getpid(), "at": time.time()}))
        handle.flush()
        self._lock = handle
        return True

    def unlock(self) -> None:
        handle, self._lock = self._lock, None
        if handle is not None:
            handle.close()  # closing releases the lock

    def discard(self) -> None:
        self.unlock()
        shutil.rmtree(self.dir, ignore_errors=True)


class UploadStore:
    @staticmethod
    def save(user, kind: str, upload, params: dict | None = None) -> StoredUpload:
        """Check and keep an uploaded file (a Django UploadedFile). ImportRefused with a clear message otherwise."""
        import hashlib

        importer = REGISTRY.get(kind)
        name = check_upload(upload, word=bool(importer and importer.word_tables))  # type by content, size, zip limits: refused before anything is stored
        ext = Path(name).suffix.lower()
        UploadStore.purge()
        token = secrets.token_urlsafe(24)
        folder = store_dir() / token
        folder.mkdir(parents=True, mode=0o700)
        digest = hashlib.sha256()
        with open(folder / f"upload{ext}", "wb") as fh:
            for chunk in upload.chunks():
                digest.update(chunk)
                fh.write(chunk)
        meta = {"user_id": user.pk, "kind": kind, "name": name, "ext": ext, "size": upload.size,
                "sha256": digest.hexdigest(), "created": time.time(), "params": params or {}}
        (folder / "meta.json").write_text(json.dumps(meta))
        # An index by user (an empty file per token) so that a user's unfinished imports are found without
        # reading every upload.
        index = store_dir() / "by-user" / str(user.pk)
        index.mkdir(parents=True, exist_ok=True, mode=0o700)
        (index / token).touch()
        return StoredUpload(token, folder, meta)

    @staticmethod
    def pending(user) -> list[StoredUpload]:
        """The user's uploads not yet written nor discarded (newest first); stale index entries are removed."""
        index = store_dir() / "by-user" / str(getattr(user, "pk", "") or "")
        if not getattr(user, "pk", None) or not index.is_dir():
            return []
        out = []
        for marker in index.iterdir():
            stored = UploadStore.get(user, marker.name)
            if stored is None:
                marker.unlink(missing_ok=True)
            else:
                out.append(stored)
        return sorted(out, key=lambda s: -s.meta.get("created", 0))

    @staticmethod
    def get(user, token: str, kind: str | None = None) -> StoredUpload | None:
        """The stored upload of this user (None for a malformed, unknown, expired or another user's token)."""
        if not TOKEN_RE.match(token or "") or not getattr(user, "pk", None):
            return None
        folder = store_dir() / token
        try:
            meta = json.loads((folder / "meta.json").read_text())
        except (OSError, ValueError):
            return None
        if meta.get("user_id") != user.pk or (kind and meta.get("kind") != kind):
            return None
        if time.time() - meta.get("created", 0) > TOKEN_TTL_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)
            return None
        return StoredUpload(token, folder, meta)

    @staticmethod
    def purge() -> None:
        """Remove uploads older than the time-to-live."""
        root = store_dir()
        if not root.exists():
            return
        limit = time.time() - TOKEN_TTL_SECONDS
        for folder in root.iterdir():
            if folder.name == "by-user":  # the index; its entries are checked by `pending`
                continue
            try:
                if folder.is_dir() and folder.stat().st_mtime < limit:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                pass
