"""Eligibility results out: rows for tables, CSV and Excel (one shape for all)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from thidua.eligibility.engine import Result
from thidua.lib.exports import csv_row, workbook

HEADERS = ["Đối tượng", "Tên", "Hình thức", "Năm", "Đủ điều kiện", "Điều kiện chưa đạt", "Giải thích", "Căn cứ"]


def row(r: Result) -> list:
    """One result as a table row (picklable: the parallel path renders rows in its workers)."""
    return [r.subject, r.subject_name, r.award, r.year, "Đủ" if r.eligible else "Chưa đủ", r.missing_count,
            " | ".join(f"{'✔' if c.met else '✘'} {c.explanation}" for c in r.checks),
            "; ".join(sorted({c.basis for c in r.checks}))]


def rows(results: Iterable[Result]) -> Iterable[list]:
    return map(row, results)


def to_csv(results: Iterable[Result]) -> str:
    return rows_to_csv(rows(results))


def rows_to_csv(table: Iterable[list]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADERS)
    writer.writerows(map(csv_row, table))
    return buf.getvalue()


def to_xlsx(results: Iterable[Result]) -> bytes:
    return rows_to_xlsx(rows(results))


def rows_to_xlsx(table: Iterable[list]) -> bytes:
    buf = io.BytesIO()
    wb = workbook(buf, {"constant_memory": True, "in_memory": True})
    ws = wb.add_worksheet("Xét điều kiện")
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for col, (title, width) in enumerate(zip(HEADERS, [12, 28, 12, 7, 12, 10, 90, 40], strict=True)):
        ws.set_column(col, col, width)
        ws.write(0, col, title, head)
    n = 0
    for n, line in enumerate(table, start=1):
        for col, value in enumerate(line):
            ws.write(n, col, value, wrap if col == 6 else None)
    ws.autofilter(0, 0, max(n, 1), len(HEADERS) - 1)
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def table_lines(r: Result) -> str:
    """One result as the lines of the text table (no final newline)."""
    lines = [f"{r.subject:<12} {r.subject_name[:28]:<28} {r.award:<10} {r.year} "
             f"{'ĐỦ ĐIỀU KIỆN' if r.eligible else 'chưa đủ'}"]
    for c in r.checks:
        lines.append(f"    {'✔' if c.met else '✘'} {c.explanation} [{c.basis}]")
    return "\n".join(lines)


def to_table(results: Iterable[Result]) -> str:
    return lines_to_table(map(table_lines, results))


def lines_to_table(blocks: Iterable[str]) -> str:
    text = "\n".join(blocks)
    return text + "\n" if text else ""
