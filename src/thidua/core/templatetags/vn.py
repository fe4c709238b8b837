"""Template filters for Vietnamese formatting; loaded as builtins in settings."""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from thidua.core.widgets import iso_date
from thidua.lib import numbers

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    return numbers.format_number(value, int(decimals))


@register.filter
def vn_percent(value, decimals=1):
    return numbers.format_percent(value, int(decimals))


@register.filter
def vn_date(value):
    return numbers.format_date(value)


@register.filter
def date_value(value):
    """The value of an `<input type="date">`: always YYYY-MM-DD (core.widgets)."""
    return iso_date(value)


@register.filter
def select_options(field):
    """The <option>s of a bound choice field, the current value selected. Built here rather than by a template loop:
    over a few hundred choices (award types, provinces) the loop was most of the registry page's rendering."""
    chosen = str(field.value())
    # What format_html_join("", '<option value="{}"{}>{}</option>', …) gave, without its per-option format_html.
    options = []
    for val, label in field.field.choices:
        val = str(val)
        options.append(f'<option value="{escape(val)}"{" selected" if val == chosen else ""}>'
                        f'{conditional_escape(label)}</option>')
    return mark_safe("".join(options))


@register.simple_tag(takes_context=True)
def querystring_with(context, **kwargs):
    """Current query string with some parameters replaced (for sort and page links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()
