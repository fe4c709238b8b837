"""Form widgets shared by the apps.

A browser's date field (`<input type="date">`) accepts its value only as YYYY-MM-DD, whatever the language; it
shows the date the user's way (dd/mm/yyyy in Vietnamese). A Django DateInput renders its value with the first
DATE_INPUT_FORMATS of the active language (dd/mm/yyyy), which the browser rejects: the field shows empty and a
required field then silently blocks the form. Every date field of a form uses this widget (or text inputs that
say dd/mm/yyyy)."""

from __future__ import annotations

import datetime

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATE)


def iso_date(value) -> str:
    """A date, or a date typed as dd/mm/yyyy or YYYY-MM-DD, as the value of a date field ('' when it is not one)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime(ISO_DATE)
    for fmt in (ISO_DATE, "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(str(value or "").strip(), fmt).strftime(ISO_DATE)
        except ValueError:
            continue
    return ""
