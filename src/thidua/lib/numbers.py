"""Numbers and dates the Vietnamese way: 26.174; 104,3%; 19/03/2019."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def _to_decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def format_number(value, decimals: int = 0, strip_zeros: bool = True) -> str:
    """26174 → "26.174"; 104.28 (1) → "104,3"; 118.0 (1) → "118" when strip_zeros."""
    if value is None or value == "":
        return ""
    d = _to_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    text = f"{abs(d):.{decimals}f}"
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups)
    if frac and strip_zeros:
        frac = frac.rstrip("0")
    return sign + out + ("," + frac if frac else "")


def format_percent(value, decimals: int = 1, strip_zeros: bool = True) -> str:
    if value is None:
        return "—"
    return format_number(value, decimals, strip_zeros) + "%"


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
