"""The statistical report forms of the emulation sector (forms 0601–0605 of Thông tư 02/2023/TT-BNV), as data.

Each form is a JSON file in reports/data/forms/: its header texts, a source of records (awards, movements,
emulation_bodies, emulation_staff), a base filter, columns and rows. A cell counts the records matching
base ∧ row.where ∧ column.where, where a `where` is a set of dimension → allowed values ("!dim" negates); a
column may instead be the sum of other columns. A successor version of the circular is another file with the
same "form" and a later "valid_from": `definition(form, on=day)` picks the one in force.

The counting itself is in thidua.reports.facts (one grouped query per form); this module only evaluates
the declarative cells and lays the table out (HTML preview and the Excel form, the same Table object).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from thidua.lib.documents import date_line, nd30_date
from thidua.lib.exports import workbook
from thidua.lib.numbers import format_date, format_number
from thidua.reports import facts, summary_facts

FORMS_DIR = Path(__file__).parent / "data" / "forms"

# Successor circulars known by name whose forms are NOT encoded, with what is and is not known. A form of
# Thông tư 02/2023/TT-BNV stays the version in force (`definition`) until a successor file is added with its
# own "valid_from" taken from the circular's text.
UNENCODED_SUCCESSORS = {
    "TT-18-2025-BNV": {
        "title": "Thông tư 18/2025/TT-BNV quy định chế độ báo cáo thống kê ngành Nội vụ",
        "signed": date(2025, 10, 8),
        "effective": None,  # not found
        "replaces_tt02_2023": None,  # not confirmed
        "layout_found": False,
        "searched": "5/12/2026, search tool (pages, docs): signing date and title from luatvietnam.vn; effective "
                    "date, the forms it replaces and their layout not found.",
    },
}

SOURCES = {
    "awards": facts.AWARD_DIMENSIONS.keys() | facts.AWARD_DERIVED.keys(),
    "movements": facts.MOVEMENT_DIMENSIONS,
    "emulation_bodies": facts.BODY_DIMENSIONS,
    "emulation_staff": facts.STAFF_DIMENSIONS,
}


# ---------------------------------------------------------------------------
# Periods: year (default), half-year, quarter, month, five years, or any date range
# ---------------------------------------------------------------------------

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @classmethod
    def make(cls, kind: str, year: int, part: int | None = None, start: date | None = None,
             end: date | None = None) -> Period:
        if kind == "year":
            return cls(date(year, 1, 1), date(year, 12, 31), f"Năm {year}")
        if kind == "half":
            if part not in (1, 2):
                raise ValueError("Chọn 6 tháng đầu năm (1) hoặc cuối năm (2).")
            return cls(date(year, 1 if part == 1 else 7, 1), date(year, 6 if part == 1 else 12, 30 if part == 1 else 31),
                       f"6 tháng {'đầu' if part == 1 else 'cuối'} năm {year}")
        if kind == "quarter":
            if part not in (1, 2, 3, 4):
                raise ValueError("Quý phải từ 1 đến 4.")
            last = date(year, part * 3 % 12 + 1, 1) if part < 4 else date(year + 1, 1, 1)
            return cls(date(year, part * 3 - 2, 1), date.fromordinal(last.toordinal() - 1), f"Quý {ROMAN[part]} năm {year}")
        if kind == "month":
            if part not in range(1, 13):
                raise ValueError("Tháng phải từ 1 đến 12.")
            nxt = date(year + (part == 12), part % 12 + 1, 1)
            return cls(date(year, part, 1), date.fromordinal(nxt.toordinal() - 1), f"Tháng {part} năm {year}")
        if kind == "five_years":
            return cls(date(year - 4, 1, 1), date(year, 12, 31), f"5 năm {year - 4}–{year}")
        if kind == "range":
            if not start or not end or end < start:
                raise ValueError("Khoảng thời gian không hợp lệ: cần ngày bắt đầu và ngày kết thúc sau đó.")
            return cls(start, end, f"Từ {format_date(start)} đến {format_date(end)}")
        raise ValueError(f"Kỳ báo cáo {kind!r} không hợp lệ.")

    @property
    def range_text(self) -> str:
        return f"Từ ngày {format_date(self.start)} đến ngày {format_date(self.end)}"


# ---------------------------------------------------------------------------
# Definitions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    group: str = ""  # the spanning header of sub-columns ("Huân chương, huy chương")
    where: dict = field(default_factory=dict)
    sum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    where: dict = field(default_factory=dict)
    indent: int = 0
    heading: bool = False  # a caption row with no figures ("Chia theo đối tượng")


@dataclass(frozen=True)
class FormDefinition:
    form: str  # "0602"
    symbol: str  # "0602.N/BNV-TĐKT"
    version: str
    valid_from: date
    title: str
    issued_by: str
    received_on: str
    receiving_unit: str
    unit_label: str
    source: str
    base: dict
    columns: tuple[Column, ...]
    rows: tuple[Line, ...]
    notes: tuple[str, ...] = ()

    @property
    def dimensions(self) -> set[str]:
        dims = {k.lstrip("!") for k in self.base}
        for item in (*self.columns, *self.rows):
            dims |= {k.lstrip("!") for k in item.where}
        return dims

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)


def _values(v) -> tuple:
    return tuple(v) if isinstance(v, list) else (v,)


def parse_definition(data: dict) -> FormDefinition:
    columns = tuple(Column(c["code"], c["label"], c.get("group", ""),
                           {k: _values(v) for k, v in c.get("where", {}).items()}, tuple(c.get("sum", ())))
                    for c in data["columns"])
    rows = tuple(Line(r.get("code", ""), r["label"], {k: _values(v) for k, v in r.get("where", {}).items()},
                      r.get("indent", 0), r.get("heading", False)) for r in data["rows"])
    definition = FormDefinition(
        form=data["form"], symbol=data["symbol"], version=data["version"],
        valid_from=date.fromisoformat(data["valid_from"]), title=data["title"], issued_by=data["issued_by"],
        received_on=data.get("received_on", ""), receiving_unit=data.get("receiving_unit", ""),
        unit_label=data.get("unit_label", ""), source=data["source"],
        base={k: _values(v) for k, v in data.get("base", {}).items()}, columns=columns, rows=rows,
        notes=tuple(data.get("notes", ())),
    )
    if definition.source not in SOURCES:
        raise ValueError(f"form {definition.form}: unknown source {definition.source!r}")
    unknown = definition.dimensions - set(SOURCES[definition.source])
    if unknown:
        raise ValueError(f"form {definition.form}: unknown dimensions {sorted(unknown)} for {definition.source}")
    codes = [c.code for c in columns]
    for c in columns:
        if c.sum and (set(c.sum) - set(codes) or c.code in c.sum):
            raise ValueError(f"form {definition.form}: column {c.code} sums unknown columns {c.sum}")
    return definition


@lru_cache(maxsize=1)
def all_definitions() -> tuple[FormDefinition, ...]:
    out = []
    for path in sorted(FORMS_DIR.glob("*.json")):
        with open(path, encoding="utf-8") as fh:
            out.append(parse_definition(json.load(fh)))
    return tuple(out)


def forms() -> list[str]:
    return sorted({d.form for d in all_definitions()})


def definition(form: str, on: date | None = None) -> FormDefinition:
    """The version of a form in force on a day (the latest valid_from not after it; the earliest if none)."""
    versions = sorted((d for d in all_definitions() if d.form == form), key=lambda d: d.valid_from)
    if not versions:
        raise KeyError(form)
    in_force = [d for d in versions if on is None or d.valid_from <= on]
    return (in_force or versions)[-1]


# ---------------------------------------------------------------------------
# Computing a table
# ---------------------------------------------------------------------------


def matches(facts: dict, where: dict) -> bool:
    for key, allowed in where.items():
        negate = key.startswith("!")
        value = facts.get(key.lstrip("!"))
        if (value in allowed) == negate:
            return False
    return True


@dataclass
class TableRow:
    line: Line
    values: list[int | None]  # per column; None on heading rows


@dataclass
class Table:
    definition: FormDefinition
    organization: object | None
    period: Period
    rows: list[TableRow]
    warnings: list[str]

    @property
    def organization_name(self) -> str:
        return self.organization.name if self.organization is not None else "Toàn quốc"

    def value(self, row_code: str, column_code: str) -> int:
        index = [c.code for c in self.definition.columns].index(column_code)
        return next(r.values[index] for r in self.rows if r.line.code == row_code and not r.line.heading)

    def header_rows(self) -> list[list[dict]]:
        """Two header rows: groups spanning their sub-columns, plain columns spanning both rows."""
        top, bottom, i = [], [], 0
        cols = self.definition.columns
        while i < len(cols):
            c = cols[i]
            if c.group:
                span = 1
                while i + span < len(cols) and cols[i + span].group == c.group:
                    span += 1
                top.append({"label": c.group, "colspan": span, "rowspan": 1})
                bottom += [{"label": s.label, "colspan": 1, "rowspan": 1} for s in cols[i:i + span]]
                i += span
            else:
                top.append({"label": c.label, "colspan": 1, "rowspan": 2})
                i += 1
        return [top, bottom]


def facts_for(definition: FormDefinition, organization, period: Period) -> facts.Facts:
    dims = definition.dimensions
    if definition.source == "awards":
        # the award summary (a province or the country)
        return summary_facts.award_period_facts(organization, period.start, period.end, dims)
    if definition.source == "movements":
        return facts.movement_facts(organization, period.start, period.end)
    if definition.source == "emulation_bodies":
        return facts.emulation_body_facts(organization, period.end)
    return facts.emulation_staff_facts(organization, period.end)


def compute(definition: FormDefinition, organization, period: Period) -> Table:
    """Every cell of the form for an organisation (None: nationwide) and a period."""
    facts = [(f, n) for f, n in facts_for(definition, organization, period) if matches(f, definition.base)]
    rows, warnings = [], []
    for line in definition.rows:
        if line.heading:
            rows.append(TableRow(line, [None] * len(definition.columns)))
            continue
        selected = [(f, n) for f, n in facts if matches(f, line.where)]
        by_code: dict[str, int] = {}
        for c in definition.columns:
            if not c.sum:
                by_code[c.code] = sum(n for f, n in selected if matches(f, c.where))
        for c in definition.columns:
            if c.sum:
                by_code[c.code] = sum(by_code[s] for s in c.sum)
        rows.append(TableRow(line, [by_code[c.code] for c in definition.columns]))
    unknown = {dim: sum(n for f, n in facts if f.get(dim) == "unknown") for dim in ("duration", "age")}
    if unknown["duration"]:
        warnings.append(f"{format_number(unknown['duration'])} phong trào chưa có ngày phát động hoặc ngày kết thúc "
                        "nên không được tính vào các dòng theo thời gian.")
    if unknown["age"]:
        warnings.append(f"{format_number(unknown['age'])} công chức chưa có năm sinh nên không được tính vào các dòng "
                        "theo độ tuổi.")
    return Table(definition, organization, period, rows, warnings)


# ---------------------------------------------------------------------------
# The Excel form (xlsxwriter), laid out like the official one
# ---------------------------------------------------------------------------


def table_xlsx(table: Table, place: str = "", signed_on: date | None = None) -> bytes:
    d = table.definition
    buf = io.BytesIO()
    wb = workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(f"Biểu {d.form}")
    base = {"font_name": "Times New Roman", "font_size": 12}

    def fmt(**kw):
        return wb.add_format({**base, **kw})

    bold, italic = fmt(bold=True), fmt(italic=True)
    title = fmt(bold=True, font_size=14, align="center", valign="vcenter", text_wrap=True)
    center = fmt(align="center", italic=True)
    right_bold, right = fmt(bold=True, align="right", text_wrap=True), fmt(align="right", italic=True, text_wrap=True)
    head = fmt(bold=True, border=1, align="center", valign="vcenter", text_wrap=True, bg_color="#F2F2F2")
    code_head = fmt(italic=True, border=1, align="center")
    label_fmt = [fmt(border=1, text_wrap=True, indent=i) for i in range(4)]
    label_bold = fmt(border=1, text_wrap=True, bold=True)
    heading_fmt = fmt(border=1, italic=True, bold=True)
    code_fmt = fmt(border=1, align="center")
    number = fmt(border=1, num_format="#,##0")
    number_bold = fmt(border=1, num_format="#,##0", bold=True)
    blank = fmt(border=1)
    sign = fmt(bold=True, align="center")
    sign_note = fmt(italic=True, align="center")

    ncols = 2 + len(d.columns)
    last = ncols - 1
    right_from = max(2, ncols - 3)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.8, right=0.5, top=0.8, bottom=0.8)
    ws.set_column(0, 0, 46)
    ws.set_column(1, 1, 7)
    ws.set_column(2, last, 12 if len(d.columns) > 4 else 18)

    def block(row: int, text: str, style) -> None:
        if right_from < last:
            ws.merge_range(row, right_from, row, last, text, style)
        else:
            ws.write(row, last, text, style)

    ws.write(0, 0, f"Biểu số: {d.symbol}", bold)
    ws.write(1, 0, d.issued_by, italic)
    ws.write(2, 0, d.received_on, italic)
    block(0, f"Đơn vị báo cáo: {table.organization_name}", right_bold)
    block(1, f"Đơn vị nhận báo cáo: {d.receiving_unit}", right_bold)
    ws.merge_range(4, 0, 4, last, d.title, title)
    ws.set_row(4, 36)
    ws.merge_range(5, 0, 5, last, f"Kỳ báo cáo: {table.period.label} ({table.period.range_text})", center)
    if d.unit_label:
        block(6, d.unit_label, right)
    top, bottom = 7, 8
    ws.merge_range(top, 0, bottom, 0, "Chỉ tiêu", head)
    ws.merge_range(top, 1, bottom, 1, "Mã số", head)
    col = 2
    for cell in table.header_rows()[0]:
        if cell["rowspan"] == 2:
            ws.merge_range(top, col, bottom, col, cell["label"], head)
        elif cell["colspan"] > 1:
            ws.merge_range(top, col, top, col + cell["colspan"] - 1, cell["label"], head)
        else:
            ws.write(top, col, cell["label"], head)
        col += cell["colspan"]
    col = 2
    for c in d.columns:
        if c.group:
            ws.write(bottom, col, c.label, head)
        col += 1
    ws.set_row(top, 45)
    ws.set_row(bottom, 45)
    codes_row = bottom + 1
    ws.write(codes_row, 0, "A", code_head)
    ws.write(codes_row, 1, "B", code_head)
    for i, c in enumerate(d.columns):
        ws.write(codes_row, 2 + i, c.code, code_head)
    r = codes_row + 1
    for row in table.rows:
        line = row.line
        if line.heading:
            ws.write(r, 0, line.label, heading_fmt)
            for c in range(1, ncols):
                ws.write_blank(r, c, None, blank)
        else:
            is_total = not line.where and line is table.rows[0].line
            ws.write(r, 0, line.label, label_bold if is_total else label_fmt[min(line.indent, 3)])
            ws.write_string(r, 1, line.code, code_fmt)
            for i, value in enumerate(row.values):
                if value:  # zero cells print blank (forms.md)
                    ws.write_number(r, 2 + i, value, number_bold if is_total else number)
                else:
                    ws.write_blank(r, 2 + i, None, blank)
        r += 1
    r += 1
    day = signed_on or date.today()
    block(r, date_line(place, day) if place else nd30_date(day)[:1].upper() + nd30_date(day)[1:], right)
    ws.write(r + 1, 0, "Người lập biểu", sign)
    ws.write(r + 2, 0, "(Ký, họ tên)", sign_note)
    block(r + 1, "Thủ trưởng đơn vị", sign)
    block(r + 2, "(Ký, họ tên, đóng dấu)", sign_note)
    for i, note in enumerate((*d.notes, *table.warnings)):
        ws.write(r + 8 + i, 0, f"Ghi chú: {note}", italic)
    ws.repeat_rows(top, codes_row)
    wb.close()
    return buf.getvalue()
