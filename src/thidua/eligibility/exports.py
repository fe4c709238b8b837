"""Eligibility results out: rows for tables, CSV and Excel (one shape for all)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import xlsxwriter

from thidua.eligibility.engine import Result

HEADERS = ["Đối tượng", "Tên", "Hình thức", "Năm", "Đủ điều kiện", "Điều kiện chưa đạt", "Giải thích", "Căn cứ"]


def rows(results: Iterable[Result]) -> Iterable[list]:
    for r in results:
        missing = r.missing
        yield [r.subject, r.subject_name, r.award, r.year, "Đủ" if r.eligible else "Chưa đủ", len(missing),
               " | ".join(f"{'✔' if c.met else '✘'} {c.explanation}" for c in r.checks),
               "; ".join(sorted({c.basis for c in r.checks}))]


def to_csv(results: Iterable[Result]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADERS)
    writer.writerows(rows(results))
    return buf.getvalue()


def to_xlsx(results: Iterable[Result]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": True})
    ws = wb.add_worksheet("Xét điều kiện")
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for col, (title, width) in enumerate(zip(HEADERS, [12, 28, 12, 7, 12, 10, 90, 40], strict=True)):
        ws.set_column(col, col, width)
        ws.write(0, col, title, head)
    n = 0
    for n, row in enumerate(rows(results), start=1):
        for col, value in enumerate(row):
            ws.write(n, col, value, wrap if col == 6 else None)
    ws.autofilter(0, 0, max(n, 1), len(HEADERS) - 1)
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def to_table(results: Iterable[Result]) -> str:
    lines = []
    for r in results:
        lines.append(f"{r.subject:<12} {r.subject_name[:28]:<28} {r.award:<10} {r.year} "
                     f"{'ĐỦ ĐIỀU KIỆN' if r.eligible else 'chưa đủ'}")
        for c in r.checks:
            lines.append(f"    {'✔' if c.met else '✘'} {c.explanation} [{c.basis}]")
    return "\n".join(lines) + ("\n" if lines else "")
