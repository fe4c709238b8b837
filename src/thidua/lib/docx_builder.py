"""Authoring .docx templates in the Nghị định 30/2020 layout, with python-docx.

A .docx is binary, so the templates kept in the repo (src/thidua/<app>/docx/*.docx) are
*generated* by code: each app lists its builders in `thidua.<app>.docx_templates.TEMPLATES`
({file name: function returning an `Nd30Builder`}); `thidua docx_templates` (or `make docx`)
rewrites the files, and a test checks that the committed files match the builders (XML text of
the document parts, not bytes).

Layout (ND30 Phụ lục I): A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm;
Times New Roman (LibreOffice uses the metric-compatible Liberation Serif), 14 pt body, 12–13 pt
header and tables; page numbers centred in the top margin from page 2; header table with the
issuing body (capitals, bold, short rule) and "Số: …" on the left, the national title (capitals,
bold) and the motto (bold, underlined) on the right, place and date in italic; document type
centred in bold capitals with its subject and a short rule; body justified with a 1,27 cm
first-line indent and 6 pt after each paragraph; "Nơi nhận:" (12 pt bold italic, entries 11 pt)
on the left and the signature block on the right.

The Jinja tags use the context of `thidua.lib.documents.DocumentHead.as_context()` under `doc`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt

from thidua.lib.documents import template_path

FONT = "Times New Roman"
LANG = "vi-VN"
BODY_PT = 14
HEAD_PT = 13
TABLE_PT = 12

# Paragraph styles created in every template (Word users can restyle them).
BODY = "TD Body"  # justified, first-line indent, 6 pt after
HEADING = "TD Heading"  # section heading: bold, justified, first-line indent, keep with next
CENTER = "TD Center"  # centred, no indent
TABLE = "TD Table"  # 12 pt table text
TABLE_NUM = "TD Table Number"  # right-aligned table figures
TABLE_HEAD = "TD Table Head"  # bold centred table header


class Nd30Builder:
    """A template being written: call the pieces in reading order, then `to_bytes()`."""

    def __init__(self, *, landscape: bool = False):
        self.document = Document()
        self._page(landscape)
        self._styles()
        self._page_numbers()

    # --- setup ---
    def _page(self, landscape: bool) -> None:
        s = self.document.sections[0]
        s.page_width, s.page_height = Mm(210), Mm(297)
        if landscape:
            s.orientation = WD_ORIENT.LANDSCAPE
            s.page_width, s.page_height = Mm(297), Mm(210)
        s.top_margin, s.bottom_margin = Mm(20), Mm(20)
        s.left_margin, s.right_margin = Mm(30), Mm(15)
        s.header_distance, s.footer_distance = Mm(10), Mm(10)

    @property
    def text_width(self):
        s = self.document.sections[0]
        return s.page_width - s.left_margin - s.right_margin

    def _styles(self) -> None:
        styles = self.document.styles
        normal = styles["Normal"]
        _font(normal, BODY_PT)
        pf = normal.paragraph_format
        pf.space_before, pf.space_after = Pt(0), Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        # Document defaults too, so tables and headers use the same font and language.
        rpr_default = self.document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _rfonts(rpr_default)
        _lang(rpr_default)
        for name in ("Table Grid",):
            _font(styles[name], TABLE_PT)

        def para_style(name, *, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=None, after=6, bold=False,
                       keep_next=False, line=1.15):
            st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            st.base_style = normal
            st.quick_style = True
            _font(st, size)
            st.font.bold = bold or None
            f = st.paragraph_format
            f.alignment = align
            f.first_line_indent = indent
            f.space_before, f.space_after = Pt(0), Pt(after)
            f.line_spacing = line
            f.keep_with_next = keep_next or None
            f.widow_control = True
            return st

        para_style(BODY, indent=Cm(1.27))
        para_style(HEADING, indent=Cm(1.27), bold=True, keep_next=True)
        para_style(CENTER, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, line=1.0)
        para_style(TABLE, size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.LEFT, after=0, line=1.0)
        para_style(TABLE_NUM, size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.RIGHT, after=0, line=1.0)
        para_style(TABLE_HEAD, size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, line=1.0, bold=True)

    def _page_numbers(self) -> None:
        """Page number centred in the top margin, not on page 1 (ND30)."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        p = section.header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(p, "PAGE", size=HEAD_PT)

    # --- paragraphs ---
    def paragraph(self, text: str = "", style: str = BODY, *, bold: bool = False, italic: bool = False,
                  size: float | None = None, align=None, after: float | None = None, container=None):
        """A paragraph with `text` (which may hold Jinja tags) in one run, so docxtpl sees whole tags."""
        p = (container or self.document).add_paragraph(style=style)
        if text:
            run = p.add_run(text)
            run.bold = bold or None
            run.italic = italic or None
            if size:
                run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        if after is not None:
            p.paragraph_format.space_after = Pt(after)
        return p

    def tag(self, jinja: str, container=None):
        """A paragraph holding only a docxtpl block tag ({%p for … %}, {%p if … %}, {%p endfor %}…):
        docxtpl removes the paragraph and keeps the tag."""
        return self.paragraph(jinja, CENTER, container=container)

    def heading(self, text: str):
        return self.paragraph(text, HEADING)

    def body(self, text: str):
        return self.paragraph(text, BODY)

    def bullets(self, loop: str, text: str, *, prefix: str = "- "):
        """A list from a loop: `loop` like "line in cy.directions", each item a body paragraph."""
        self.tag(f"{{%p for {loop} %}}")
        self.body(prefix + text)
        self.tag("{%p endfor %}")

    def image(self, expr: str, *, condition: str | None = None):
        """A centred picture (a DocImage in the context)."""
        if condition:
            self.tag(f"{{%p if {condition} %}}")
        self.paragraph(f"{{{{ {expr} }}}}", CENTER, after=6)
        if condition:
            self.tag("{%p endif %}")

    def rule(self, width_fraction: float, container=None, *, available=None):
        """A short horizontal rule (ND30: under the issuing body and the subject): an empty paragraph
        with a top border, indented so the line is `width_fraction` of the available width."""
        available = available or self.text_width
        side = int(available * (1 - width_fraction) / 2)
        p = self.paragraph("", CENTER, container=container)
        p.paragraph_format.left_indent = side
        p.paragraph_format.right_indent = side
        p.paragraph_format.first_line_indent = 0
        p.paragraph_format.line_spacing = Pt(4)
        p.paragraph_format.space_before = Pt(3)
        p.paragraph_format.space_after = Pt(0)
        _border(p, "top", size=6)
        return p

    # --- ND30 blocks ---
    def header(self, *, left_cm: float = 6.3):
        """The header table: issuing body and number (left), national title, motto, place and date (right)."""
        total = self.text_width
        left = Cm(left_cm)
        right = total - left
        t = self._table(2, 2, [left, right], borders=False)
        lc, rc = t.cell(0, 0), t.cell(0, 1)
        self.tag("{%p if doc.parent_body %}", container=lc)
        self.paragraph("{{ doc.parent_body }}", CENTER, size=HEAD_PT, container=lc)
        self.tag("{%p endif %}", container=lc)
        self.paragraph("{{ doc.issuing_body }}", CENTER, bold=True, size=HEAD_PT, container=lc)
        self.rule(0.4, container=lc, available=left)
        self.paragraph("{{ doc.national_title }}", CENTER, bold=True, size=12.5, container=rc)
        motto = self.paragraph("", CENTER, container=rc)
        run = motto.add_run("{{ doc.motto }}")
        run.bold, run.underline = True, True
        run.font.size = Pt(BODY_PT)
        self.paragraph("{{ doc.number_line }}", CENTER, size=HEAD_PT, container=t.cell(1, 0))
        self.paragraph("{{ doc.date_line }}", CENTER, italic=True, size=BODY_PT, container=t.cell(1, 1))
        for cell in (t.cell(1, 0), t.cell(1, 1)):
            cell.paragraphs[0].paragraph_format.space_before = Pt(6)
        _cleanup_cells(t)
        self.paragraph("", CENTER, after=6)

    def title(self, *, subject: bool = True):
        """Document type (capitals, bold, centred) and subject (bold) with a short rule under it."""
        self.paragraph("{{ doc.doc_type }}", CENTER, bold=True, size=BODY_PT, after=0).paragraph_format.space_before = Pt(6)
        if subject:
            self.tag("{%p if doc.subject %}")
            self.paragraph("{{ doc.subject }}", CENTER, bold=True, size=BODY_PT, after=0)
            self.tag("{%p endif %}")
        self.rule(0.25)
        self.paragraph("", CENTER, after=6)

    def signature(self, *, left_cm: float = 7.5):
        """"Nơi nhận:" with the recipients (left) and the signature block (right)."""
        total = self.text_width
        left = Cm(left_cm)
        self.paragraph("", CENTER, after=6).paragraph_format.keep_with_next = True
        t = self._table(1, 2, [left, total - left], borders=False)
        lc, rc = t.cell(0, 0), t.cell(0, 1)
        self.paragraph("Nơi nhận:", TABLE, bold=True, italic=True, size=12, container=lc)
        self.tag("{%p for line in doc.recipients %}", container=lc)
        self.paragraph("{{ line }}", TABLE, size=11, container=lc)
        self.tag("{%p endfor %}", container=lc)
        self.tag("{%p if doc.signature.authority %}", container=rc)
        self.paragraph("{{ doc.signature.authority }}", CENTER, bold=True, size=BODY_PT, container=rc)
        self.tag("{%p endif %}", container=rc)
        self.paragraph("{{ doc.signature.title }}", CENTER, bold=True, size=BODY_PT, container=rc)
        self.tag("{%p if doc.signature.subtitle %}", container=rc)
        self.paragraph("{{ doc.signature.subtitle }}", CENTER, bold=True, size=BODY_PT, container=rc)
        self.tag("{%p endif %}", container=rc)
        for _ in range(4):  # room for the signature and the seal
            self.paragraph("", CENTER, container=rc)
        self.paragraph("{{ doc.signature.name }}", CENTER, bold=True, size=BODY_PT, container=rc)
        _cleanup_cells(t)
        _keep_together(t)

    # --- data tables ---
    def table(self, headers: Sequence[str], cells: Sequence[str], *, loop: str, widths_cm: Sequence[float],
              numeric: Sequence[bool] | None = None, footer: Sequence[str] | None = None):
        """A bordered table: a header row (repeated on each page), one row per item of `loop`
        ("r in rows"), `cells` the Jinja expressions of each column ("{{ r.name }}"), an optional
        bold footer row (totals). `numeric` columns are right-aligned."""
        numeric = numeric or [False] * len(cells)
        n = len(headers)
        t = self._table(4 + (1 if footer else 0), n, [Cm(w) for w in widths_cm], borders=True)
        for i, h in enumerate(headers):
            self.paragraph(h, TABLE_HEAD, container=t.cell(0, i))
            t.cell(0, i).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _repeat_header(t.rows[0])
        self.paragraph(f"{{%tr for {loop} %}}", TABLE, container=t.cell(1, 0))
        for i, c in enumerate(cells):
            self.paragraph(c, TABLE_NUM if numeric[i] else TABLE, container=t.cell(2, i))
        self.paragraph("{%tr endfor %}", TABLE, container=t.cell(3, 0))
        if footer:
            for i, c in enumerate(footer):
                self.paragraph(c, TABLE_NUM if numeric[i] else TABLE, bold=True, container=t.cell(4, i))
        _cleanup_cells(t)
        self.paragraph("", CENTER, after=6)
        return t

    def _table(self, rows: int, cols: int, widths, *, borders: bool):
        widths = [Emu(int(w)) for w in widths]
        t = self.document.add_table(rows=rows, cols=cols)
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        if borders:
            t.style = self.document.styles["Table Grid"]
        _fixed_layout(t, widths)
        for row in t.rows:
            for i, cell in enumerate(row.cells):
                cell.width = widths[i]
        return t

    # --- output ---
    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.document.save(buf)
        return buf.getvalue()


# --- low-level helpers ---

def _rfonts(rpr) -> None:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]


def _lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANG)
    lang.set(qn("w:eastAsia"), LANG)
    lang.set(qn("w:bidi"), "ar-SA")


def _font(style, size: float) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    _rfonts(style.element.get_or_add_rPr())


def _field(paragraph, instruction: str, *, size: float) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(size)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {instruction} ")
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    inner.append(text)
    fld.append(inner)
    paragraph._p.append(fld)


def _border(paragraph, side: str, *, size: int = 6) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.append(bdr)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), "1")
    edge.set(qn("w:color"), "000000")
    bdr.append(edge)


def _fixed_layout(table, widths) -> None:
    tblPr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblPr.append(layout)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(w.twips)))


def _repeat_header(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trPr.append(el)


def _keep_together(table) -> None:
    """Keep the signature table on one page (rows cannot split; paragraphs keep with next)."""
    for row in table.rows:
        trPr = row._tr.get_or_add_trPr()
        trPr.append(OxmlElement("w:cantSplit"))


def _cleanup_cells(table) -> None:
    """python-docx puts an empty paragraph in every new cell; drop it where the cell has other content."""
    for row in table.rows:
        for cell in row.cells:
            ps = cell.paragraphs
            if len(ps) > 1 and not ps[0].text and not ps[0].runs:
                ps[0]._p.getparent().remove(ps[0]._p)


# --- the templates of every app ---------------------------------------------------------------------------

Builder = Callable[[], Nd30Builder]


def registered_templates() -> list[tuple[str, str, Builder]]:
    """(app, file name, builder) for every `thidua.<app>.docx_templates.TEMPLATES` entry."""
    out = []
    for config in apps.get_app_configs():
        if not config.name.startswith("thidua."):
            continue
        module_name = f"{config.name}.docx_templates"
        if find_spec(module_name) is None:
            continue
        module = import_module(module_name)
        app = config.name.split(".", 1)[1]
        for name, builder in module.TEMPLATES.items():
            out.append((app, name, builder))
    return out


# Parts compared between the committed template and the builder's output (the rest is python-docx's
# boilerplate: content types, relationships, theme, fonts table, core properties).
COMPARED_PARTS = ("word/document.xml", "word/styles.xml", "word/settings.xml")


def template_parts(data: bytes) -> dict[str, str]:
    """The XML text of the compared parts, plus every header and footer part."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = [n for n in z.namelist() if n in COMPARED_PARTS
                 or (n.startswith("word/header") or n.startswith("word/footer")) and n.endswith(".xml")]
        return {n: z.read(n).decode("utf-8") for n in sorted(names)}


def write_templates(*, check: bool = False) -> list[Path]:
    """Rebuild every registered template. With check=True nothing is written; the paths whose
    committed file differs from the builder's output (or is missing) are returned."""
    differing = []
    for app, name, builder in registered_templates():
        path = template_path(app, name)
        data = builder().to_bytes()
        current = path.read_bytes() if path.is_file() else None
        if current is not None and template_parts(current) == template_parts(data):
            continue
        differing.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return differing
