"""Certificates printed on pre-printed blanks (phôi Bằng khen, Giấy khen): one PDF per decision with one page per
award, the text placed by the layout of the printing office and award type (millimetres from the sheet's top
left corner, Liberation Serif standing in for Times New Roman), a calibration page with rulers to measure the
printer's offset, and the same page drawn on a picture of the blank (the preview, and the electronic certificate
that is signed).

The blank carries what is pre-printed (national title, the authority's heading, the award's name, the frame);
the system prints only what changes from one certificate to the next."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from thidua.lib.documents import date_line, upper_vi
from thidua.lib.numbers import format_date
from thidua.nominations.certificates import qr_png
from thidua.papers.fonts import reportlab_fonts
from thidua.papers.models import PrintLayout

SIZES = {"A4L": landscape(A4), "A3L": landscape(A3)}
# The printed lines, in the order the layout form lists them.
FIELDS = {
    "lead": "Lời tặng (“Tặng”, “Tặng tập thể”)",
    "recipient": "Tên người, tập thể được khen",
    "unit": "Đơn vị",
    "achievement": "Thành tích",
    "place_date": "Địa danh, ngày tháng",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ tên người ký",
    "decision_line": "Số, ngày quyết định",
    "register_line": "Số sổ vàng",
}
# Positions on an A4 landscape blank (297 × 210 mm); an A3 blank has the same proportions, scaled by √2.
DEFAULT_FIELDS = [
    {"field": "lead", "x": 148.5, "y": 80, "size": 16, "italic": True, "align": "center"},
    {"field": "recipient", "x": 148.5, "y": 92, "size": 22, "bold": True, "align": "center", "width": 240},
    {"field": "unit", "x": 148.5, "y": 103, "size": 15, "align": "center", "width": 240},
    {"field": "achievement", "x": 148.5, "y": 114, "size": 14, "italic": True, "align": "center", "width": 230},
    {"field": "place_date", "x": 212, "y": 142, "size": 13, "italic": True, "align": "center"},
    {"field": "signer_title", "x": 212, "y": 149, "size": 13, "bold": True, "align": "center", "width": 120},
    {"field": "signer_name", "x": 212, "y": 184, "size": 14, "bold": True, "align": "center"},
    {"field": "decision_line", "x": 30, "y": 176, "size": 12, "align": "left"},
    {"field": "register_line", "x": 30, "y": 183, "size": 12, "align": "left"},
]
ALIGNS = ("left", "center", "right")
KIND_PHRASE = {"merit": "thành tích xuất sắc trong thực hiện nhiệm vụ", "adhoc": "thành tích đột xuất",
               "thematic": "thành tích trong phong trào thi đua", "career": "quá trình cống hiến",
               "service": "thành tích theo niên hạn", "resistance": "thành tích trong kháng chiến",
               "foreign": "thành tích trong quan hệ hợp tác"}


# --- Texts -----------------------------------------------------------------------------------------------------

def _authority_body(org) -> str:
    return f"Ủy ban nhân dân tỉnh {org.name}" if org.kind == "province" else org.name


def certificate_texts(award) -> dict[str, str]:
    """The variable lines of one award's certificate (the award with its decision, authority, unit, type and,
    when issued, certificate loaded)."""
    decision = award.decision
    cert = getattr(award, "certificate", None)
    unit = award.unit.name
    if unit == award.recipient_name:  # a collective: name the body it belongs to
        unit = award.unit.parent.name if award.unit.parent_id else ""
    lead = {"collective": "Tặng tập thể", "household": "Tặng hộ gia đình"}.get(award.recipient_kind, "Tặng")
    phrase = KIND_PHRASE.get(award.basis, "thành tích xuất sắc")
    return {
        "lead": lead,
        "recipient": award.recipient_name,
        "unit": unit,
        "achievement": f"Đã có {phrase} năm {award.year}",
        "place_date": date_line(decision.authority.place_name, decision.signed_on),
        "signer_title": upper_vi(decision.signer_title or ""),
        "signer_name": decision.signer_name,
        "decision_line": f"Quyết định số {decision.number} ngày {format_date(decision.signed_on)}",
        "register_line": f"Số sổ vàng: {cert.register_no}" if cert is not None else "",
    }


def blank_texts(award) -> dict[str, str]:
    """What is pre-printed on the blank (drawn only on the preview and the electronic certificate)."""
    authority = award.decision.authority
    return {"national_title": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto": "Độc lập - Tự do - Hạnh phúc",
            "authority": upper_vi(award.decision.signer_title or _authority_body(authority)),
            "award": upper_vi(award.award_type.name.split(" của ")[0])}


# --- Layouts ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    page_size: str
    offset_x: float
    offset_y: float
    fields: list[dict]
    source: str  # which stored layout applies ("mặc định" when none)

    @property
    def size(self) -> tuple[float, float]:
        return SIZES[self.page_size]

    @property
    def scale(self) -> float:
        return self.size[0] / SIZES["A4L"][0]


def default_page_size(award_type) -> str:
    # Bằng khen on the larger blank, Giấy khen (and titles' certificates) on A4: the office sets its own stock.
    return "A3L" if award_type is not None and award_type.code.startswith("BK_") else "A4L"


def validate_fields(value) -> list[dict]:
    """The layout's lines checked one by one: a message names the line and what is wrong."""
    if not isinstance(value, list):
        raise ValidationError("Danh sách vị trí phải là một mảng JSON: [{\"field\": …, \"x\": …, \"y\": …}, …].")
    out, errors = [], []
    for n, raw in enumerate(value, 1):
        if not isinstance(raw, dict):
            errors.append(f"Dòng {n}: phải là một đối tượng JSON.")
            continue
        name = raw.get("field")
        if name not in FIELDS:
            errors.append(f"Dòng {n}: “{name}” không phải tên dòng chữ; dùng một trong: {', '.join(FIELDS)}.")
            continue
        line = {"field": name}
        for key, low, high, required in (("x", 0, 420, True), ("y", 0, 420, True), ("size", 6, 72, False),
                                         ("width", 10, 420, False)):
            if key not in raw:
                if required:
                    errors.append(f"Dòng {n} ({name}): thiếu “{key}” (mm).")
                continue
            try:
                number = float(raw[key])
            except (TypeError, ValueError):
                errors.append(f"Dòng {n} ({name}): “{key}” phải là số, không phải “{raw[key]}”.")
                continue
            if not low <= number <= high:
                errors.append(f"Dòng {n} ({name}): “{key}” = {raw[key]} ngoài khoảng {low}–{high}.")
            line[key] = number
        align = raw.get("align", "center")
        if align not in ALIGNS:
            errors.append(f"Dòng {n} ({name}): “align” phải là left, center hoặc right.")
        line["align"] = align
        line["bold"], line["italic"] = bool(raw.get("bold")), bool(raw.get("italic"))
        out.append(line)
    if errors:
        raise ValidationError(errors)
    return out


def layouts_for(organization, award_types: Iterable) -> dict[int | None, Layout]:
    """The layout of each award type for the office (one query): the office's own for the type, else the
    office's general one, else the general one for the type, else the general one, else the built-in default."""
    from django.db.models import Q


    types = {t.pk: t for t in award_types}
    rows = list(PrintLayout.objects.filter(Q(organization=organization) | Q(organization__isnull=True),
                                           Q(award_type_id__in=list(types)) | Q(award_type__isnull=True)))
    rank = {(True, True): 0, (True, False): 1, (False, True): 2, (False, False): 3}
    out: dict[int | None, Layout] = {}
    for pk, atype in types.items():
        candidates = sorted((r for r in rows if r.award_type_id in (pk, None)),
                            key=lambda r: rank[(r.organization_id is not None, r.award_type_id is not None)])
        out[pk] = _layout(candidates[0]) if candidates else Layout(
            default_page_size(atype), 0.0, 0.0, DEFAULT_FIELDS, "mặc định")
    return out


def _layout(row) -> Layout:
    where = row.organization.name if row.organization_id else "mọi cơ quan"
    what = row.award_type.name if row.award_type_id else "mọi hình thức"
    return Layout(row.page_size, float(row.offset_x_mm), float(row.offset_y_mm), row.fields or DEFAULT_FIELDS,
                  f"{where} — {what}")


# --- Drawing ---------------------------------------------------------------------------------------------------

def _font(family: str, bold: bool, italic: bool) -> str:
    return family + {(False, False): "", (True, False): "-Bold", (False, True): "-Italic",
                     (True, True): "-BoldItalic"}[(bool(bold), bool(italic))]


def _wrap(c, text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if line and c.stringWidth(trial, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines


def draw_text(c, text: str, *, x_mm: float, y_mm: float, size: float, page_height: float, family: str,
              bold=False, italic=False, align="center", width_mm: float | None = None) -> None:
    """A line (wrapped to `width_mm` when given) whose first baseline is `y_mm` from the top of the sheet."""
    if not text:
        return
    font = _font(family, bold, italic)
    lines = _wrap(c, text, font, size, width_mm * mm) if width_mm else [text]
    c.setFont(font, size)
    y = page_height - y_mm * mm
    for line in lines:
        x = x_mm * mm
        if align == "center":
            c.drawCentredString(x, y, line)
        elif align == "right":
            c.drawRightString(x, y, line)
        else:
            c.drawString(x, y, line)
        y -= size * 1.2


def draw_fields(c, layout: Layout, texts: dict[str, str], family: str) -> None:
    height = layout.size[1]
    s = layout.scale
    c.setFillColorRGB(0, 0, 0)
    for f in layout.fields:
        draw_text(c, texts.get(f["field"], ""), x_mm=f["x"] * s + layout.offset_x, y_mm=f["y"] * s + layout.offset_y,
                  size=f.get("size", 13) * (s if f.get("size") else 1), page_height=height, family=family,
                  bold=f.get("bold", False), italic=f.get("italic", False), align=f.get("align", "center"),
                  width_mm=f["width"] * s if f.get("width") else None)


def draw_blank(c, layout: Layout, blank: dict[str, str], family: str) -> None:
    """A picture of the pre-printed blank: frame, national title, the authority and the award's name."""
    width, height = layout.size
    s = layout.scale
    c.setStrokeColorRGB(0.72, 0.55, 0.1)
    c.setLineWidth(3 * s)
    c.rect(8 * mm * s, 8 * mm * s, width - 16 * mm * s, height - 16 * mm * s)
    c.setLineWidth(0.8 * s)
    c.rect(11 * mm * s, 11 * mm * s, width - 22 * mm * s, height - 22 * mm * s)
    c.setFillColorRGB(0.1, 0.1, 0.1)
    mid = width / mm / 2
    draw_text(c, blank["national_title"], x_mm=mid, y_mm=24 * s, size=13 * s, page_height=height, family=family,
              bold=True)
    draw_text(c, blank["motto"], x_mm=mid, y_mm=31 * s, size=14 * s, page_height=height, family=family, bold=True)
    draw_text(c, blank["authority"], x_mm=mid, y_mm=44 * s, size=14 * s, page_height=height, family=family,
              bold=True, width_mm=250 * s)
    c.setFillColorRGB(0.8, 0.05, 0.05)
    size = 34 * s  # the award's name on one line, as wide as the frame allows
    room = width - 40 * mm * s
    used = c.stringWidth(blank["award"], family + "-Bold", size)
    if used > room:
        size *= room / used
    draw_text(c, blank["award"], x_mm=mid, y_mm=64 * s, size=size, page_height=height, family=family, bold=True)
    c.setFillColorRGB(0, 0, 0)


def awards_of(decision):
    return (decision.awards.select_related("award_type", "unit__parent", "decision__authority", "certificate")
            .order_by("certificate__sequence", "pk"))


def blanks_pdf(decision, *, progress: Callable[[int, int], None] | None = None, drawn: bool = False,
               limit: int | None = None) -> tuple[bytes, int]:
    """The decision's certificates, one page per award in register order, each on its layout (text only, for
    the pre-printed blanks; `drawn`: on a picture of the blank). Returns (PDF, pages)."""
    family = reportlab_fonts()
    awards = awards_of(decision)
    if limit:
        awards = awards[:limit]
    awards = list(awards)
    layouts = layouts_for(decision.authority, {a.award_type for a in awards})
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=SIZES["A4L"], pageCompression=1)
    c.setTitle(f"Phôi khen thưởng — Quyết định {decision.number}")
    c.setAuthor(decision.authority.name)
    for n, award in enumerate(awards, 1):
        layout = layouts[award.award_type_id]
        c.setPageSize(layout.size)
        if drawn:
            draw_blank(c, layout, blank_texts(award), family)
        draw_fields(c, layout, certificate_texts(award), family)
        c.showPage()
        if progress is not None and (n % 25 == 0 or n == len(awards)):
            progress(n, len(awards))
    if not awards:
        c.showPage()
    c.save()
    return out.getvalue(), len(awards)


def page_pdf(award, layout: Layout, *, drawn: bool = True) -> bytes:
    """One award's page on the given layout (the layout page's preview)."""
    family = reportlab_fonts()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=layout.size)
    if drawn:
        draw_blank(c, layout, blank_texts(award), family)
    draw_fields(c, layout, certificate_texts(award), family)
    c.showPage()
    c.save()
    return out.getvalue()


def signature_box(layout: Layout) -> tuple[float, float, float, float]:
    """Where the visible signature goes on the electronic certificate (points from the bottom left): over the
    signer's place, between the title and the name."""
    s = layout.scale
    anchor = next((f for f in layout.fields if f["field"] == "signer_title"), {"x": 212, "y": 149})
    x, top = (anchor["x"] * s + layout.offset_x) * mm, (anchor["y"] * s + layout.offset_y + 8 * s) * mm
    width, height = 70 * mm * s, 22 * mm * s
    page_height = layout.size[1]
    return (x - width / 2, page_height - top - height, x + width / 2, page_height - top)


def electronic_certificate_pdf(award, verify_url: str) -> bytes:
    """One award's certificate drawn on its blank, with the QR code and address of the public verification page
    (signed by the authority: the electronic certificate)."""
    from reportlab.lib.utils import ImageReader


    family = reportlab_fonts()
    layout = layouts_for(award.decision.authority, [award.award_type])[award.award_type_id]
    layout = Layout(layout.page_size, 0.0, 0.0, layout.fields, layout.source)  # offsets are for the printer only
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=layout.size)
    c.setTitle(f"{award.award_type.name} — {award.recipient_name}")
    c.setAuthor(award.decision.authority.name)
    draw_blank(c, layout, blank_texts(award), family)
    draw_fields(c, layout, certificate_texts(award), family)
    s = layout.scale
    side = 24 * mm * s  # bottom right, clear of the signer's name
    c.drawImage(ImageReader(io.BytesIO(qr_png(verify_url))), layout.size[0] - 16 * mm * s - side, 15 * mm * s,
                width=side, height=side)
    c.setFont(family, 7 * s)
    c.drawString(30 * mm * s, 16 * mm * s, f"Xác minh: {verify_url}")
    c.showPage()
    c.save()
    return out.getvalue()


def calibration_pdf(layout: Layout) -> bytes:
    """A page to print on plain paper (or on a spoiled blank): millimetre rulers along the top and left edges,
    crosses at 50 mm from each edge, and the layout's anchors. Hold it against a blank: the distance between a
    cross and where it should be is the offset to enter."""
    family = reportlab_fonts()
    width, height = layout.size
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=layout.size)
    c.setTitle("Trang căn chỉnh in phôi")
    c.setLineWidth(0.3)
    for n in range(0, int(width / mm) + 1):
        tick = 6 if n % 10 == 0 else (4 if n % 5 == 0 else 2)
        x = (n + layout.offset_x) * mm
        c.line(x, height - layout.offset_y * mm, x, height - (layout.offset_y + tick) * mm)
        if n % 10 == 0 and n:
            c.setFont(family, 6)
            c.drawCentredString(x, height - (layout.offset_y + 9) * mm, str(n))
    for n in range(0, int(height / mm) + 1):
        tick = 6 if n % 10 == 0 else (4 if n % 5 == 0 else 2)
        y = height - (n + layout.offset_y) * mm
        c.line(layout.offset_x * mm, y, (layout.offset_x + tick) * mm, y)
        if n % 10 == 0 and n:
            c.setFont(family, 6)
            c.drawString((layout.offset_x + 7) * mm, y - 2, str(n))
    for cx, cy in ((50, 50), (width / mm - 50, 50), (50, height / mm - 50), (width / mm - 50, height / mm - 50)):
        x, y = (cx + layout.offset_x) * mm, height - (cy + layout.offset_y) * mm
        c.line(x - 5 * mm, y, x + 5 * mm, y)
        c.line(x, y - 5 * mm, x, y + 5 * mm)
        c.circle(x, y, 2 * mm)
    c.setFont(family + "-Bold", 12)
    c.drawCentredString(width / 2, height - 25 * mm, "TRANG CĂN CHỈNH IN PHÔI")
    c.setFont(family, 10)
    for i, line in enumerate([
        f"Khổ: {dict(SIZES_LABELS)[layout.page_size]}. Độ lệch đang dùng: ngang {format_mm(layout.offset_x)} mm, "
        f"dọc {format_mm(layout.offset_y)} mm.",
        "Thước đo tính từ mép trên, mép trái của tờ giấy; tâm các dấu chữ thập cách hai mép 50 mm.",
        "Đo khoảng cách thật từ mép giấy đến tâm dấu chữ thập: chênh bao nhiêu mm thì nhập thêm bấy nhiêu vào độ lệch.",
    ]):
        c.drawCentredString(width / 2, height - (33 + i * 6) * mm, line)
    s = layout.scale
    c.setStrokeColorRGB(0.1, 0.3, 0.8)
    c.setFillColorRGB(0.1, 0.3, 0.8)
    for f in layout.fields:
        x, y = (f["x"] * s + layout.offset_x) * mm, height - (f["y"] * s + layout.offset_y) * mm
        c.line(x - 2 * mm, y, x + 2 * mm, y)
        c.line(x, y - 2 * mm, x, y + 2 * mm)
        c.setFont(family, 7)
        c.drawString(x + 2.5 * mm, y + 1, f"{FIELDS[f['field']]} ({format_mm(f['x'])}; {format_mm(f['y'])})")
    c.showPage()
    c.save()
    return out.getvalue()


SIZES_LABELS = (("A4L", "A4 ngang (297 × 210 mm)"), ("A3L", "A3 ngang (420 × 297 mm)"))


def format_mm(value: float | Decimal) -> str:
    return f"{float(value):g}".replace(".", ",")
