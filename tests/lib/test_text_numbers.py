from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.lib.numbers import format_date, format_number, format_percent
from thidua.lib.text import fold


@pytest.mark.parametrize(
    "text, folded",
    [("Cao Bằng", "cao bang"), ("Nguyễn Văn Đức", "nguyen van duc"), ("  Điện   Biên ", "dien bien"),
     ("LÀO CAI", "lao cai"), ("Hoà Bình", "hoa binh"), ("Hòa Bình", "hoa binh"), ("", "")],
)
def test_fold_strips_diacritics_and_case(text, folded):
    assert fold(text) == folded


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@pytest.mark.parametrize(
    "value, decimals, expected",
    [(26174, 0, "26.174"), (Decimal("104.2996"), 1, "104,3"), (Decimal("118.0"), 1, "118"), (99555, 0, "99.555"),
     (Decimal("52.47657"), 2, "52,48"), (1234567.891, 2, "1.234.567,89"), (-4500, 0, "-4.500"), (0, 0, "0")],
)
def test_vietnamese_number_format(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_percent_and_date():
    assert format_percent(Decimal("19.0933"), 1) == "19,1%"
    assert format_percent(None) == "—"
    assert format_date(date(2019, 3, 9)) == "09/03/2019"
