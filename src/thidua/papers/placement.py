"""Where the visible signature goes on a decision drafted by LibreOffice: over the blank between the signer's title
("CHỦ TỊCH", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") and their name, the space a wet signature and seal take on paper
(ND 30/2020, Phụ lục I, mục II.8). The lines are found in the PDF's text (pypdf); their widths come from Liberation
Serif, the font the document is set in, so the box is centred on the signature column as printed."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from thidua.papers.fonts import reportlab_fonts

BOX_WIDTH = 230  # points: wide enough for the signer's organisation, the time and the seal image
MARGIN = 4  # points kept clear of the title above and the name below


@dataclass
class Line:
    text: str
    x: float
    y: float
    size: float

    def centre(self, bold: bool = True) -> float:
        font = reportlab_fonts() + ("-Bold" if bold else "")
        return self.x + stringWidth(self.text, font, self.size) / 2


def _lines(page) -> list[Line]:
    found: list[Line] = []

    def visit(text, cm, tm, _font, size):
        if text.strip():
            scale = abs(tm[3] * cm[3]) or 1
            found.append(Line(text.strip(), tm[4] * (cm[0] or 1) + cm[4], tm[5] * (cm[3] or 1) + cm[5], size * scale))

    page.extract_text(visitor_text=visit)
    return found


def signature_place(pdf: bytes, title: str, name: str) -> tuple[int, tuple[float, float, float, float]] | None:
    """(page index, box) between the last `title` line and the `name` below it, searching from the last page;
    None when the lines are not found (the caller keeps its default place)."""
    if not title or not name:
        return None
    reader = PdfReader(io.BytesIO(pdf))
    for index in range(len(reader.pages) - 1, -1, -1):
        page = reader.pages[index]
        lines = _lines(page)
        titles = [ln for ln in lines if ln.text == title]
        names = [ln for ln in lines if ln.text == name]
        for t in reversed(titles):
            below = [n for n in names if n.y < t.y]
            if not below:
                continue
            n = max(below, key=lambda ln: ln.y)
            centre = (t.centre() + n.centre()) / 2
            width = float(page.mediabox.width)
            left = min(max(centre - BOX_WIDTH / 2, 0), width - BOX_WIDTH)
            bottom, top = n.y + n.size + MARGIN, t.y - MARGIN
            if top - bottom < 24:  # no room for a visible signature between the lines
                return None
            return index, (round(left, 1), round(bottom, 1), round(left + BOX_WIDTH, 1), round(top, 1))
    return None
