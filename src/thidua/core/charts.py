"""Server-drawn SVG charts, one module for pages and documents alike.

The SVG carries its own sizes and text (Vietnamese formatted), uses no script
and no external font, so it can be embedded in a page or converted for Word.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from thidua.core.numbers import format_number, format_percent

PALETTE = ["#0b5394", "#c0392b", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#455a64"]
FONT = "font-family='Liberation Sans, Arial, sans-serif'"


def percent_bars(items: list[tuple[str, Decimal | None]], *, title: str = "", decimals: int = 1,
                 reference: float = 100.0, width: int = 520) -> SafeString:
    """Horizontal bars of % of plan per member, with a dashed line at the reference (100%)."""
    label_w, bar_h, gap, top = 110, 22, 8, 30 if title else 8
    values = [float(v) for _, v in items if v is not None]
    scale_max = max([reference * 1.15, *[v * 1.08 for v in values]]) if values else reference * 1.15
    plot_w = width - label_w - 60
    height = top + len(items) * (bar_h + gap) + 24
    x_ref = label_w + plot_w * reference / scale_max
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' width='100%' role='img' "
             f"aria-label='{escape(title)}' {FONT} font-size='12'>"]
    if title:
        parts.append(f"<text x='0' y='16' font-weight='bold' font-size='13'>{escape(title)}</text>")
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_h + gap)
        parts.append(f"<text x='{label_w - 6}' y='{y + bar_h * 0.7}' text-anchor='end'>{escape(label)}</text>")
        if value is None:
            parts.append(f"<text x='{label_w + 4}' y='{y + bar_h * 0.7}' fill='#888'>chưa báo cáo</text>")
            continue
        w = max(1.0, plot_w * float(value) / scale_max)
        color = "#2e7d32" if float(value) >= reference else "#ef6c00"
        parts.append(f"<rect x='{label_w}' y='{y}' width='{w:.1f}' height='{bar_h}' rx='3' fill='{color}'/>")
        parts.append(f"<text x='{label_w + w + 4:.1f}' y='{y + bar_h * 0.7}'>{format_percent(value, decimals)}</text>")
    y_end = top + len(items) * (bar_h + gap)
    parts.append(f"<line x1='{x_ref:.1f}' x2='{x_ref:.1f}' y1='{top - 4}' y2='{y_end}' stroke='#333' stroke-dasharray='4 3'/>")
    parts.append(f"<text x='{x_ref:.1f}' y='{y_end + 14}' text-anchor='middle' fill='#333'>{format_percent(reference, 0)} kế hoạch</text>")
    parts.append("</svg>")
    return mark_safe("".join(parts))


def donut(parts_in: list[tuple[str, int]], *, center_label: str = "", size: int = 180) -> SafeString:
    """A donut of counts (e.g. priority recipients vs others), legend beside it."""
    import math

    total = sum(v for _, v in parts_in) or 1
    r, stroke = size * 0.36, size * 0.16
    cx = cy = size / 2
    circumference = 2 * math.pi * r
    legend_w = 330
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {size + legend_w} {size}' width='100%' role='img' "
           f"{FONT} font-size='12'>"]
    offset = 0.0
    for i, (_label, value) in enumerate(parts_in):
        frac = value / total
        out.append(
            f"<circle cx='{cx}' cy='{cy}' r='{r:.1f}' fill='none' stroke='{PALETTE[i % len(PALETTE)]}' stroke-width='{stroke:.1f}' "
            f"stroke-dasharray='{circumference * frac:.2f} {circumference:.2f}' stroke-dashoffset='{-offset:.2f}' "
            f"transform='rotate(-90 {cx} {cy})'/>"
        )
        offset += circumference * frac
    if center_label:
        out.append(f"<text x='{cx}' y='{cy + 5}' text-anchor='middle' font-weight='bold' font-size='15'>{escape(center_label)}</text>")
    for i, (label, value) in enumerate(parts_in):
        y = 30 + i * 24
        out.append(f"<rect x='{size + 10}' y='{y - 11}' width='14' height='14' rx='2' fill='{PALETTE[i % len(PALETTE)]}'/>")
        out.append(f"<text x='{size + 30}' y='{y}'>{escape(label)}: {format_number(value)}</text>")
    out.append("</svg>")
    return mark_safe("".join(out))


def column_chart(series: list[tuple[str, int]], *, title: str = "", width: int = 520, height: int = 200) -> SafeString:
    """Vertical columns of counts (e.g. awards per year)."""
    top, bottom, left = 28 if title else 10, 30, 10
    plot_h = height - top - bottom
    n = max(1, len(series))
    slot = (width - left * 2) / n
    vmax = max([v for _, v in series] + [1])
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' width='100%' role='img' {FONT} font-size='11'>"]
    if title:
        out.append(f"<text x='0' y='16' font-weight='bold' font-size='13'>{escape(title)}</text>")
    for i, (label, value) in enumerate(series):
        h = plot_h * value / vmax
        x = left + i * slot + slot * 0.15
        y = top + plot_h - h
        out.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{slot * 0.7:.1f}' height='{h:.1f}' rx='2' fill='{PALETTE[0]}'/>")
        out.append(f"<text x='{x + slot * 0.35:.1f}' y='{y - 3:.1f}' text-anchor='middle'>{format_number(value)}</text>")
        out.append(f"<text x='{x + slot * 0.35:.1f}' y='{height - 10}' text-anchor='middle'>{escape(str(label))}</text>")
    out.append("</svg>")
    return mark_safe("".join(out))
