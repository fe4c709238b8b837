"""Vietnamese text folding for diacritic-insensitive search ("cao bang" finds "Cao Bằng")."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics (đ → d), collapse white space.

    The folded form is stored beside the name, so the same `contains` filter
    works on SQLite and PostgreSQL without unaccent or collations.
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()
