"""Word/PDF infrastructure: ND30 pieces, template rendering, PNG charts, LibreOffice conversion and its absence."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from datetime import date
from decimal import Decimal
from urllib.parse import unquote

import pytest
from docx import Document
from PIL import Image

from thidua.lib import charts
from thidua.lib.documents import (
    MOTTO,
    NATIONAL_TITLE,
    DocImage,
    DocumentHead,
    PdfConversionError,
    PdfUnavailable,
    Signature,
    attachment_disposition,
    date_line,
    docx_text,
    nd30_date,
    number_line,
    recipient_lines,
    render,
    to_pdf,
)
from thidua.lib.docx_builder import Nd30Builder, registered_templates, template_parts, write_templates

# --- ND30 pieces -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("day, expected", [
    (date(2019, 3, 19), "ngày 19 tháng 3 năm 2019"),  # the seed's conference: no leading 0 from March on
    (date(2019, 2, 5), "ngày 05 tháng 02 năm 2019"),  # day < 10 and month 1–2 take a 0
    (date(2020, 1, 10), "ngày 10 tháng 01 năm 2020"),
    (date(2019, 12, 9), "ngày 09 tháng 12 năm 2019"),
    (date(2025, 10, 1), "ngày 01 tháng 10 năm 2025"),
])
def test_nd30_date(day, expected):
    assert nd30_date(day) == expected


def test_date_line_and_blank_date():
    assert date_line("Cao Bằng", date(2019, 3, 19)) == "Cao Bằng, ngày 19 tháng 3 năm 2019"
    assert date_line("Lai Châu", None, year=2019) == "Lai Châu, ngày      tháng      năm 2019"


def test_number_line():
    assert number_line(12, "BC-CTĐ") == "Số: 12/BC-CTĐ"
    assert number_line(5, "TTr-UBND") == "Số: 05/TTr-UBND"
    assert number_line("7", "BB-CTĐ") == "Số: 07/BB-CTĐ"
    assert number_line(None, "BC-CTĐ") == "Số:       /BC-CTĐ"  # filled in when registered


def test_recipient_lines_end_with_the_archive_and_a_full_stop():
    assert recipient_lines(["Ban Thi đua - Khen thưởng Trung ương;", "UBND các tỉnh"]) == [
        "- Ban Thi đua - Khen thưởng Trung ương;", "- UBND các tỉnh;", "- Lưu: VT."]
    assert recipient_lines(["A", "Lưu: VT, CTĐ"]) == ["- A;", "- Lưu: VT, CTĐ."]


def test_vietnamese_download_name_is_rfc5987_encoded():
    value = attachment_disposition("Báo cáo tổng kết năm 2018 - Cụm thi đua.docx")
    assert value.startswith('attachment; filename="Bao-cao-tong-ket-nam-2018-Cum-thi-dua.docx"; ')
    encoded = value.split("filename*=UTF-8''", 1)[1]
    assert encoded.isascii() and " " not in encoded
    assert unquote(encoded) == "Báo cáo tổng kết năm 2018 - Cụm thi đua.docx"


# --- Templates and rendering ---------------------------------------------------------------------------------


def _sample_template(tmp_path):
    b = Nd30Builder()
    b.header()
    b.title()
    b.body("{{ text }}")
    b.table(["STT", "Tên", "Số"], ["{{ r.stt }}", "{{ r.name }}", "{{ r.value }}"], loop="r in rows",
            widths_cm=[1.3, 10, 5.2], numeric=[False, False, True])
    b.image("chart")
    b.signature()
    path = tmp_path / "sample.docx"
    path.write_bytes(b.to_bytes())
    return path


def _head(**kw):
    return DocumentHead(issuing_body="Cụm thi đua các tỉnh miền núi biên giới phía Bắc",
                        parent_body="Hội đồng Thi đua - Khen thưởng Trung ương", symbol="BC-CTĐ", number=12,
                        place="Cao Bằng", on=date(2019, 3, 19), doc_type="Báo cáo", subject="Tổng kết năm 2018",
                        signature=Signature("TM. Cụm thi đua", "Cụm trưởng", name="Nguyễn Văn A"),
                        recipients=["Ban Thi đua - Khen thưởng Trung ương"], **kw)


def test_rendered_document_has_the_nd30_layout(tmp_path):
    png = charts.percent_bars_chart([("Cao Bằng", Decimal("104.3"))]).png()
    data = render(_sample_template(tmp_path), {
        "doc": _head().as_context(), "text": "Thu ngân sách & chi <đầu tư>",
        "rows": [{"stt": 1, "name": "Cao Bằng", "value": "26.174"}, {"stt": 2, "name": "Lai Châu", "value": "3.038"}],
        "chart": DocImage(png, width_mm=120)})
    document = Document(io.BytesIO(data))
    text = docx_text(data)
    for piece in ("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG", "CỤM THI ĐUA CÁC TỈNH MIỀN NÚI BIÊN GIỚI PHÍA BẮC",
                  "Số: 12/BC-CTĐ", NATIONAL_TITLE, MOTTO, "Cao Bằng, ngày 19 tháng 3 năm 2019", "BÁO CÁO",
                  "Tổng kết năm 2018", "Thu ngân sách & chi <đầu tư>", "TM. CỤM THI ĐUA", "CỤM TRƯỞNG", "Nguyễn Văn A",
                  "Nơi nhận:", "- Ban Thi đua - Khen thưởng Trung ương;", "- Lưu: VT."):
        assert piece in text, piece
    assert "{{" not in text and "{%" not in text
    # Table rows from the loop, in order.
    table = document.tables[1]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["STT", "Tên", "Số"], ["1", "Cao Bằng", "26.174"], ["2", "Lai Châu", "3.038"]]
    # A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; page number from page 2.
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                   section.right_margin)] == [20, 20, 30, 15]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    # Times New Roman 14 pt body, justified with a first-line indent.
    body = document.styles["TD Body"]
    assert body.font.name == "Times New Roman" and body.font.size.pt == 14
    assert body.paragraph_format.first_line_indent.cm == pytest.approx(1.27, abs=0.01)
    assert document.styles["Normal"].font.name == "Times New Roman"
    # Motto bold and underlined, the date line italic, the national title bold.
    runs = {r.text: r for p in document.tables[0]._cells[1].paragraphs for r in p.runs}
    assert runs[MOTTO].bold and runs[MOTTO].underline
    assert runs[NATIONAL_TITLE].bold
    date_run = next(r for p in document.tables[0].rows[1].cells[1].paragraphs for r in p.runs)
    assert date_run.italic and date_run.text.startswith("Cao Bằng, ngày")
    # The chart is an inline PNG of the requested width.
    (shape,) = document.inline_shapes
    assert round(shape.width.mm) == 120
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(images) == 1 and z.read(images[0])[:8] == b"\x89PNG\r\n\x1a\n"


class _Built:
    """A builder's document already turned into bytes (what write_templates reads of it)."""

    def __init__(self, data: bytes):
        self.data = data

    def to_bytes(self) -> bytes:
        return self.data


def test_committed_templates_match_their_builders(monkeypatch):
    """Every .docx template in the repo is what its builder writes (XML text compared, not bytes):
    run `thidua docx_templates` (make docx) after changing a builder."""
    from thidua.lib import docx_builder
    from thidua.lib.documents import template_path

    templates = registered_templates()
    assert templates, "no template registered"
    # Each builder runs once (together about 3 s of CPU): write_templates' check and the comparison by name below
    # both read that output.
    built = {}

    def recorded(key, builder):
        def build():
            built[key] = builder().to_bytes()
            return _Built(built[key])
        return build

    monkeypatch.setattr(docx_builder, "registered_templates",
                        lambda: [(app, name, recorded((app, name), b)) for app, name, b in templates])
    assert write_templates(check=True) == []
    assert set(built) == {(app, name) for app, name, _b in templates}
    for app, name, _builder in templates:
        committed = template_path(app, name).read_bytes()
        assert template_parts(committed) == template_parts(built[app, name]), name
        assert "word/document.xml" in template_parts(committed)


# --- Charts: one description, SVG for pages and PNG for documents -----------------------------------------


def test_chart_renders_to_svg_and_png_from_the_same_description():
    spec = charts.percent_bars_chart([("Cao Bằng", Decimal("104.28")), ("Điện Biên", Decimal("96.04")),
                                      ("Lai Châu", None)], title="Thu ngân sách", decimals=1)
    svg = str(spec.svg())
    for label in ("Cao Bằng", "Điện Biên", "104,3%", "96%", "chưa báo cáo", "100% kế hoạch", "Thu ngân sách"):
        assert label in svg
    assert svg == str(charts.percent_bars([("Cao Bằng", Decimal("104.28")), ("Điện Biên", Decimal("96.04")),
                                           ("Lai Châu", None)], title="Thu ngân sách", decimals=1))
    png = spec.png(scale=2)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (spec.width * 2, spec.height * 2)
    # Bars are drawn in their colours: green above the plan, orange below.
    colours = {c for _, c in image.getcolors(maxcolors=100000)}
    assert (0x2E, 0x7D, 0x32) in colours and (0xEF, 0x6C, 0x00) in colours


def test_donut_and_column_charts_render_to_png():
    for spec in (charts.donut_chart([("Tập thể nhỏ", 392), ("Khác", 355)], center_label="52,48%"),
                 charts.column_chart_spec([("2017", 3), ("2018", 747)], title="Theo năm")):
        image = Image.open(io.BytesIO(spec.png(scale=1)))
        assert image.size == (round(spec.width), round(spec.height))
        assert len(image.getcolors(maxcolors=100000)) > 2


def test_column_labels_wrap_inside_their_own_column():
    """Unit names under twelve narrow columns: each label is wrapped (at most 3 lines, the last cut with "…") so
    that no line is wider than its column and neighbours never run into each other; short labels stay on one line."""
    names = [f"Ủy ban nhân dân huyện Nguyên Bình số {i}" for i in range(12)]
    spec = charts.column_chart_spec([(n, i) for i, n in enumerate(names)], title="Theo cấp", width=560)
    slot = (560 - 20) / 12
    texts = [s for s in spec.shapes if isinstance(s, charts.Text) and s.y > spec.height - 50 and s.text]
    labels = [t for t in texts if not t.text.isdigit()]
    assert labels
    assert all(len(t.text) * 11 * 0.55 <= slot for t in labels)
    assert max(sum(1 for t in labels if t.x == x) for x in {t.x for t in labels}) == 3
    assert any(t.text.endswith("…") for t in labels)
    assert spec.height == 200 + 2 * 12  # two more label lines, the plot keeps its height
    short = charts.column_chart_spec([("2017", 3), ("2018", 747)], width=560)
    assert short.height == 200 and [s.text for s in short.shapes if isinstance(s, charts.Text)][-1] == "2018"


def test_chart_font_has_vietnamese_glyphs():
    """The PNG font comes from PyPI (fontpkg-arimo) so a machine with only Python has it; its glyphs for
    Vietnamese letters are real glyphs, not the missing-glyph box."""
    assert charts.chart_font_path() is not None
    font = charts.chart_font(40)
    missing = bytes(font.getmask("\U0001f600"))  # an emoji: not in the font → the missing-glyph shape

    for ch in "ệữĐằẫỵ":
        m = font.getmask(ch)
        assert m.getbbox() is not None and bytes(m) != missing, ch
    assert bytes(font.getmask("ệ")) != bytes(font.getmask("e"))


# --- PDF ---------------------------------------------------------------------------------------------------


def test_pdf_unavailable_message(monkeypatch, tmp_path):
    monkeypatch.setenv("THIDUA_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(PdfUnavailable) as exc:
        to_pdf(b"PK")
    message = str(exc.value)
    assert "LibreOffice" in message and "apt-get install libreoffice-writer-nogui" in message
    assert "chưa cài" in message


def _fake_soffice(tmp_path, body: str) -> str:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_pdf_conversion_failure_and_timeout_are_reported(monkeypatch, tmp_path):
    monkeypatch.setenv("THIDUA_SOFFICE", _fake_soffice(tmp_path, "echo broken >&2; exit 3"))
    with pytest.raises(PdfConversionError, match="mã 3"):
        to_pdf(b"PK")
    monkeypatch.setenv("THIDUA_SOFFICE", _fake_soffice(tmp_path, "sleep 30"))
    with pytest.raises(PdfConversionError, match="trong 1 giây"):
        to_pdf(b"PK", timeout=1)


@pytest.mark.slow
def test_docx_converts_to_pdf(libreoffice, tmp_path):
    data = render(_sample_template(tmp_path), {
        "doc": _head().as_context(), "text": "Nội dung", "rows": [],
        "chart": DocImage(charts.donut_chart([("A", 1), ("B", 2)]).png(scale=1), width_mm=80)})
    pdf = to_pdf(data)
    assert pdf.startswith(b"%PDF")
    assert b"LiberationSerif" in pdf or b"TimesNewRoman" in pdf  # the ND30 font or its metric twin
    assert os.environ.get("HOME")  # the conversion did not disturb the caller's environment


@pytest.mark.parametrize("title, body, lines", [
    ("Chủ tịch UBND tỉnh Cao Bằng", "", ["CHỦ TỊCH"]),
    ("Phó Chủ tịch UBND tỉnh Cao Bằng", "", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ("Quyền Giám đốc Sở Nội vụ", "", ["Q. GIÁM ĐỐC"]),
    ("Chủ tịch", "Ủy ban nhân dân", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    ("Phó Chủ tịch", "Ủy ban nhân dân", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ("Thủ tướng Chính phủ", "", ["THỦ TƯỚNG"]),
    ("Bộ trưởng Bộ Nội vụ", "", ["BỘ TRƯỞNG"]),
])
def test_signature_block_in_the_nd30_forms(title, body, lines):
    from thidua.lib.documents import signature_block

    block = signature_block(title, "Nguyễn Văn A", body=body)
    assert block.lines == lines and block.as_context()["name"] == "Nguyễn Văn A"
