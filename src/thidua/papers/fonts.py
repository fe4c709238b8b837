"""Liberation Serif (Debian fonts-liberation), metric-compatible with Times New Roman that ND 30/2020 asks for:
found at run time, since its folder differs between fonts-liberation and fonts-liberation2."""

from __future__ import annotations

import glob
from functools import cache
from pathlib import Path

SEARCH = ("/usr/share/fonts/truetype/liberation2/", "/usr/share/fonts/truetype/liberation*/", "/usr/share/fonts/liberation*/", "/usr/local/share/fonts/**/")
INSTALL_HINT = "apt-get install fonts-liberation"


class FontMissing(RuntimeError):
    def __init__(self, name: str):
        super().__init__(f"Máy chủ chưa có phông {name} (Liberation Serif, thay cho Times New Roman). "
                         f"Quản trị viên cài bằng lệnh: {INSTALL_HINT}.")


@cache
def font_path(style: str = "Regular") -> Path:
    """The TTF of Liberation Serif in `style` (Regular, Bold, Italic, BoldItalic)."""
    name = f"LiberationSerif-{style}.ttf"
    for pattern in SEARCH:
        for found in sorted(glob.glob(pattern + name, recursive=True)):
            return Path(found)
    raise FontMissing(name)


STYLES = {"": "Regular", "-Bold": "Bold", "-Italic": "Italic", "-BoldItalic": "BoldItalic"}


@cache
def reportlab_fonts() -> str:
    """Register Liberation Serif (four styles) with reportlab; returns the family name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for suffix, style in STYLES.items():
        pdfmetrics.registerFont(TTFont(f"LiberationSerif{suffix}", str(font_path(style))))
    addMapping("LiberationSerif", 0, 0, "LiberationSerif")
    addMapping("LiberationSerif", 1, 0, "LiberationSerif-Bold")
    addMapping("LiberationSerif", 0, 1, "LiberationSerif-Italic")
    addMapping("LiberationSerif", 1, 1, "LiberationSerif-BoldItalic")
    return "LiberationSerif"
