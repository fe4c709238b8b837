"""Spreadsheet fixtures written by the tests: .xlsx (xlsxwriter), .xls (xlwt) and .ods (a minimal
OpenDocument writer of our own), and citizen IDs that never collide with the reference scenario's."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import xlsxwriter

from thidua.orgs.validators import century_sex_digit

PEOPLE_HEADER = ["STT", "Họ và tên (*)", "Số định danh cá nhân (*)", "Giới tính (*)", "Năm sinh (*)", "Dân tộc",
                 "Đơn vị (*)", "Chức vụ", "Lao động trực tiếp"]
RATINGS_HEADER = ["Số định danh cá nhân (*)", "Họ và tên", "Năm (*)", "Xếp loại (*)"]


def cid(serial: int, gender: str = "female", year: int = 1985, province: int = 96) -> str:
    """A valid citizen ID from Cà Mau (96), a province the reference scenario does not use."""
    return f"{province:03d}{century_sex_digit(year, gender)}{year % 100:02d}{serial:06d}"


def xlsx(rows: list[list], header: list[str], sheet: str = "Cá nhân") -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(sheet)
    for c, h in enumerate(header):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v)
    wb.close()
    return buf.getvalue()


def xls(rows: list[list], header: list[str], sheet: str = "Cá nhân") -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    for c, h in enumerate(header):
        ws.write(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v not in (None, ""):
                ws.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _ods_cell(v) -> str:
    if v is None or v == "":
        return "<table:table-cell/>"
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'


def ods(rows: list[list], header: list[str], sheet: str = "Cá nhân") -> bytes:
    body = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
                   for row in [header, *rows])
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(sheet)}">{body}</table:table>'
        '</office:spreadsheet></office:body></office:document-content>')
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '</manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()
