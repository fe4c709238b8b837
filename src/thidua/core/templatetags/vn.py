"""Template filters for Vietnamese formatting; loaded as builtins in settings."""

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from thidua.core.widgets import iso_date
from thidua.lib import numbers
from thidua.lib.urls import fast_reverse, url_environment

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


class FastURLNode(defaulttags.URLNode):
    """Django's {% url %} node with reverse() replaced by thidua.lib.urls.fast_reverse (the same URLs)."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        # The script prefix and URLconf are set by the handler before the view and stay for the request.
        environment = getattr(request, "_thidua_url_environment", None) if request is not None else None
        if environment is None:
            environment = url_environment()
            if request is not None:
                request._thidua_url_environment = environment
        url = ""
        try:
            url = fast_reverse(view_name, args=args, kwargs=kwargs, current_app=current_app,
                               environment=environment)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        if context.autoescape:
            url = conditional_escape(url)
        return url


@register.tag
def url(parser, token):
    """{% url %} as Django parses it, rendered by FastURLNode. A builtin (settings TEMPLATES), so it replaces
    Django's tag in every template: the menu's links and the registry rows' links are reversed from a template."""
    node = defaulttags.url(parser, token)
    node.__class__ = FastURLNode
    return node
