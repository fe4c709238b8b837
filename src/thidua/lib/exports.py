"""Spreadsheet exports write text as text: a name, a reason or a criterion typed by a user is never a formula.

Text that starts with "=", "+", "-" or "@" is read by Excel and LibreOffice as a formula (CSV/formula
injection: `=HYPERLINK(...)` planted by one user runs in the workbook every other member downloads). So:
- every .xlsx is created by `workbook()`: xlsxwriter's `write()` then stores such text as a string cell
  (strings_to_formulas off) and never turns text into a link (strings_to_urls off). Code that means a formula
  says so with `write_formula`;
- every .csv row goes through `csv_row()`: text starting with =, +, -, @, a tab or a carriage return gets a
  leading apostrophe (OWASP's advice), which spreadsheet programs show as text. Numbers are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def workbook(target, options: dict | None = None):
    """An xlsxwriter Workbook writing text as text (`options` as for xlsxwriter.Workbook)."""
    import xlsxwriter

    return xlsxwriter.Workbook(target, {**(options or {}), **WORKBOOK_OPTIONS})


def csv_cell(value: Any) -> Any:
    """A CSV value that no spreadsheet program reads as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]
