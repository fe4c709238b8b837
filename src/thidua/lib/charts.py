"""Server-drawn charts, one module for pages and documents alike.

A chart is described once, as a `Chart`: a size and a list of shapes (rectangles,
lines, texts, ring segments) with Vietnamese-formatted labels. The same `Chart`
renders to SVG for pages (`Chart.svg()`: no script, no external font, embeds in a
page under the strict CSP) and to PNG for Word/PDF documents (`Chart.png()`: Word
and LibreOffice do not reliably show SVG). The layout is computed once, so a page
and a report show the same picture.

Page helpers keep their old names and return SVG (`percent_bars`, `donut`,
`column_chart`); documents call the `*_chart` builders and `.png()`.
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from html import escape
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe

from thidua.lib.numbers import format_number, format_percent

PALETTE = ["#0b5394", "#c0392b", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#455a64"]
FONT = "font-family='Liberation Sans, Arial, sans-serif'"


# --- Shapes -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    rx: float = 0


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = "#333"
    dash: tuple[float, float] | None = None


@dataclass(frozen=True)
class Text:
    """A label; (x, y) is the baseline point, `anchor` start / middle / end as in SVG."""

    x: float
    y: float
    text: str
    anchor: str = "start"
    size: float | None = None  # None: the chart's font size
    bold: bool = False
    fill: str | None = None


@dataclass(frozen=True)
class Ring:
    """A segment of a donut: fractions of the full turn, clockwise from 12 o'clock."""

    cx: float
    cy: float
    r: float
    width: float
    start: float
    end: float
    color: str


Shape = Rect | Line | Text | Ring


@dataclass
class Chart:
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)
    font_size: float = 12
    label: str = ""  # accessible name (aria-label) of the SVG

    # --- SVG (pages) ---
    def svg(self) -> SafeString:
        aria = f"aria-label='{escape(self.label)}' " if self.label else ""
        out = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {_n(self.width)} {_n(self.height)}' width='100%' "
               f"role='img' {aria}{FONT} font-size='{_n(self.font_size)}'>"]
        for s in self.shapes:
            out.append(_svg_shape(s))
        out.append("</svg>")
        return mark_safe("".join(out))

    # --- PNG (documents) ---
    def png(self, scale: float = 3.0) -> bytes:
        """The chart as a PNG `scale` times the nominal size (3 → about 300 dpi at 16 cm wide)."""
        from PIL import Image, ImageDraw

        w, h = round(self.width * scale), round(self.height * scale)
        img = Image.new("RGB", (w, h), "white")
        draw = ImageDraw.Draw(img)
        for s in self.shapes:
            _png_shape(draw, s, scale, self.font_size)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        return buf.getvalue()


def _n(v: float) -> str:
    """Numbers in SVG attributes: integers without a decimal point, others to 0.1 (or 0.01 for dashes)."""
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def _svg_shape(s: Shape) -> str:
    if isinstance(s, Rect):
        rx = f" rx='{_n(s.rx)}'" if s.rx else ""
        return f"<rect x='{_n(s.x)}' y='{_n(s.y)}' width='{_n(s.w)}' height='{_n(s.h)}'{rx} fill='{s.fill}'/>"
    if isinstance(s, Line):
        dash = f" stroke-dasharray='{_n(s.dash[0])} {_n(s.dash[1])}'" if s.dash else ""
        return f"<line x1='{_n(s.x1)}' x2='{_n(s.x2)}' y1='{_n(s.y1)}' y2='{_n(s.y2)}' stroke='{s.stroke}'{dash}/>"
    if isinstance(s, Text):
        attrs = f" text-anchor='{s.anchor}'" if s.anchor != "start" else ""
        if s.bold:
            attrs += " font-weight='bold'"
        if s.size:
            attrs += f" font-size='{_n(s.size)}'"
        if s.fill:
            attrs += f" fill='{s.fill}'"
        return f"<text x='{_n(s.x)}' y='{_n(s.y)}'{attrs}>{escape(s.text)}</text>"
    if isinstance(s, Ring):
        circumference = 2 * math.pi * s.r
        length = circumference * (s.end - s.start)
        return (f"<circle cx='{_n(s.cx)}' cy='{_n(s.cy)}' r='{s.r:.1f}' fill='none' stroke='{s.color}' "
                f"stroke-width='{s.width:.1f}' stroke-dasharray='{length:.2f} {circumference:.2f}' "
                f"stroke-dashoffset='{-circumference * s.start:.2f}' transform='rotate(-90 {_n(s.cx)} {_n(s.cy)})'/>")
    raise TypeError(s)


# --- PNG drawing (Pillow) ---------------------------------------------------------------------------------

_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


def _png_shape(draw, s: Shape, k: float, font_size: float) -> None:
    if isinstance(s, Rect):
        box = [s.x * k, s.y * k, (s.x + s.w) * k, (s.y + s.h) * k]
        if s.rx and s.w * k > 2 * s.rx * k and s.h * k > 2 * s.rx * k:
            draw.rounded_rectangle(box, radius=s.rx * k, fill=s.fill)
        else:
            draw.rectangle(box, fill=s.fill)
    elif isinstance(s, Line):
        width = max(1, round(k))
        if not s.dash:
            draw.line([s.x1 * k, s.y1 * k, s.x2 * k, s.y2 * k], fill=s.stroke, width=width)
            return
        on, off = s.dash
        length = math.hypot(s.x2 - s.x1, s.y2 - s.y1)
        if length == 0:
            return
        ux, uy = (s.x2 - s.x1) / length, (s.y2 - s.y1) / length
        pos = 0.0
        while pos < length:
            end = min(pos + on, length)
            draw.line([(s.x1 + ux * pos) * k, (s.y1 + uy * pos) * k, (s.x1 + ux * end) * k, (s.y1 + uy * end) * k],
                      fill=s.stroke, width=width)
            pos = end + off
    elif isinstance(s, Text):
        font = chart_font(round((s.size or font_size) * k), bold=s.bold)
        draw.text((s.x * k, s.y * k), s.text, fill=s.fill or "#000", font=font, anchor=_ANCHORS[s.anchor])
    elif isinstance(s, Ring):
        if s.end <= s.start:
            return
        r_out = (s.r + s.width / 2) * k
        box = [s.cx * k - r_out, s.cy * k - r_out, s.cx * k + r_out, s.cy * k + r_out]
        # Pillow's angles: degrees clockwise from 3 o'clock; ours start at 12 o'clock.
        start, end = s.start * 360 - 90, s.end * 360 - 90
        if s.end - s.start >= 1:
            start, end = 0, 360
        draw.arc(box, start, end, fill=s.color, width=max(1, round(s.width * k)))
    else:
        raise TypeError(s)


# Where a font with Vietnamese diacritics is looked for, in order: the Arimo family from PyPI
# (fontpkg-arimo, a project dependency: works on a machine with only Python and PyPI), then the
# usual system fonts that cover Vietnamese; Pillow's built-in font as the last resort.
SYSTEM_FONTS = [
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",  # Liberation 2.x (1.07 lacks ệ, ữ…)
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
]


@lru_cache(maxsize=1)
def chart_font_path() -> str | None:
    """The TrueType file used for PNG charts (None: Pillow's default font). `THIDUA_CHART_FONT` overrides."""
    override = os.environ.get("THIDUA_CHART_FONT")
    if override and Path(override).is_file():
        return override
    try:
        import fontpkg

        return str(fontpkg.path("Arimo"))
    except Exception:  # not installed, or a fontpkg version with another API
        pass
    for candidate in SYSTEM_FONTS:
        if Path(candidate).is_file():
            return candidate
    return None


@lru_cache(maxsize=64)
def chart_font(size_px: int, bold: bool = False):
    from PIL import ImageFont

    path = chart_font_path()
    if path is None:
        return ImageFont.load_default(size_px)
    font = ImageFont.truetype(path, size_px)
    if bold:
        try:  # a variable font (Arimo[wght]): move the weight axis to bold
            values = []
            for axis in font.get_variation_axes():
                name = axis.get("name", "")
                name = name.decode("ascii", "replace") if isinstance(name, bytes) else str(name)
                values.append(700.0 if name.strip().lower() in ("weight", "wght") else float(axis["default"]))
            font.set_variation_by_axes(values)
        except OSError:  # a static font: look for its bold sibling
            bold_path = path.replace("-Regular", "-Bold").replace("Sans.ttf", "Sans-Bold.ttf")
            if bold_path != path and Path(bold_path).is_file():
                font = ImageFont.truetype(bold_path, size_px)
    return font


# --- The charts -------------------------------------------------------------------------------------------

def percent_bars_chart(items: list[tuple[str, Decimal | None]], *, title: str = "", decimals: int = 1,
                       reference: float = 100.0, width: int = 520) -> Chart:
    """Horizontal bars of % of plan per member, with a dashed line at the reference (100%)."""
    label_w, bar_h, gap, top = 110, 22, 8, 30 if title else 8
    values = [float(v) for _, v in items if v is not None]
    scale_max = max([reference * 1.15, *[v * 1.08 for v in values]]) if values else reference * 1.15
    plot_w = width - label_w - 60
    height = top + len(items) * (bar_h + gap) + 24
    x_ref = label_w + plot_w * reference / scale_max
    shapes: list[Shape] = []
    if title:
        shapes.append(Text(0, 16, title, bold=True, size=13))
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_h + gap)
        shapes.append(Text(label_w - 6, y + bar_h * 0.7, label, anchor="end"))
        if value is None:
            shapes.append(Text(label_w + 4, y + bar_h * 0.7, "chưa báo cáo", fill="#888"))
            continue
        w = round(max(1.0, plot_w * float(value) / scale_max), 1)
        color = "#2e7d32" if float(value) >= reference else "#ef6c00"
        shapes.append(Rect(label_w, y, w, bar_h, color, rx=3))
        shapes.append(Text(label_w + w + 4, y + bar_h * 0.7, format_percent(value, decimals)))
    y_end = top + len(items) * (bar_h + gap)
    shapes.append(Line(x_ref, top - 4, x_ref, y_end, dash=(4, 3)))
    shapes.append(Text(x_ref, y_end + 14, f"{format_percent(reference, 0)} kế hoạch", anchor="middle", fill="#333"))
    return Chart(width, height, shapes, font_size=12, label=title)


def donut_chart(parts_in: list[tuple[str, int]], *, center_label: str = "", size: int = 180,
                legend_width: int = 330) -> Chart:
    """A donut of counts (e.g. priority recipients vs others), legend beside it."""
    total = sum(v for _, v in parts_in) or 1
    r, stroke = size * 0.36, size * 0.16
    cx = cy = size / 2
    shapes: list[Shape] = []
    start = 0.0
    for i, (_label, value) in enumerate(parts_in):
        end = start + value / total
        shapes.append(Ring(cx, cy, r, stroke, start, end, PALETTE[i % len(PALETTE)]))
        start = end
    if center_label:
        shapes.append(Text(cx, cy + 5, center_label, anchor="middle", bold=True, size=15))
    for i, (label, value) in enumerate(parts_in):
        y = 30 + i * 24
        shapes.append(Rect(size + 10, y - 11, 14, 14, PALETTE[i % len(PALETTE)], rx=2))
        shapes.append(Text(size + 30, y, f"{label}: {format_number(value)}"))
    return Chart(size + legend_width, size, shapes, font_size=12)


def _wrap(label: str, width: float, font_size: float, max_lines: int = 3) -> list[str]:
    """`label` in lines that fit `width` (an average glyph is about 0.55 em wide), at most `max_lines`, the last one
    cut with "…": long unit names under narrow columns would otherwise run into their neighbours."""
    per_line = max(3, int(width / (font_size * 0.55)))
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = [line if len(line) <= per_line else line[:per_line - 1] + "…" for line in lines] or [""]
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1:])
        lines = lines[:max_lines - 1] + [last[:per_line - 1] + "…"]
    return lines


def column_chart_spec(series: list[tuple[str, int]], *, title: str = "", width: int = 520, height: int = 200) -> Chart:
    """Vertical columns of counts (e.g. awards per year), each label wrapped under its own column."""
    font_size, line_h = 11, 12
    n = max(1, len(series))
    left = 10
    slot = (width - left * 2) / n
    labels = [_wrap(str(label), slot * 0.95, font_size) for label, _ in series]
    lines = max([len(lines) for lines in labels] + [1])
    top, bottom = 34 if title else 14, 18 + line_h * lines  # room above the tallest column for its figure
    height += line_h * (lines - 1)  # the plot keeps its height; the labels get the room they need
    plot_h = height - top - bottom
    vmax = max([v for _, v in series] + [1])
    shapes: list[Shape] = []
    if title:
        shapes.append(Text(0, 16, title, bold=True, size=13))
    for i, ((_label, value), label_lines) in enumerate(zip(series, labels, strict=True)):
        h = round(plot_h * value / vmax, 1)
        x = round(left + i * slot + slot * 0.15, 1)
        y = round(top + plot_h - h, 1)
        middle = round(x + slot * 0.35, 1)
        shapes.append(Rect(x, y, round(slot * 0.7, 1), h, PALETTE[0], rx=2))
        shapes.append(Text(middle, round(y - 3, 1), format_number(value), anchor="middle"))
        for k, line in enumerate(label_lines):
            shapes.append(Text(middle, top + plot_h + 14 + k * line_h, line, anchor="middle"))
    return Chart(width, height, shapes, font_size=font_size, label=title)


# --- Page helpers (SVG), unchanged signatures -------------------------------------------------------------

def percent_bars(items: list[tuple[str, Decimal | None]], *, title: str = "", decimals: int = 1,
                 reference: float = 100.0, width: int = 520) -> SafeString:
    return percent_bars_chart(items, title=title, decimals=decimals, reference=reference, width=width).svg()


def donut(parts_in: list[tuple[str, int]], *, center_label: str = "", size: int = 180) -> SafeString:
    return donut_chart(parts_in, center_label=center_label, size=size).svg()


def column_chart(series: list[tuple[str, int]], *, title: str = "", width: int = 520, height: int = 200) -> SafeString:
    return column_chart_spec(series, title=title, width=width, height=height).svg()
