"""reverse() for the links a page prints many times: the menu's fourteen links on every page, two links on each of
the registry's fifty rows. Django's reverse() looks the name up and checks the pattern on every call (some 40 µs);
here each (name, number of arguments) is reversed once per process into a template — the URL's text around its
arguments — and filled in afterwards.

Only names given no keyword arguments and non-negative integer arguments (ids) use a template, and only after two
trial reversals with different large ids agree with it; anything else (strings, keywords, a pattern that refuses
the trial ids) goes to reverse() as before. Templates are kept per script prefix, URLconf and current app, the
other inputs of reverse(); the language is not one of them, as no URL of thidua is translated (no i18n_patterns, no
translated routes: tests/lib/test_urls.py checks it)."""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

# Two sets of trial ids: long enough not to occur by chance in a URL's text.
_TRIALS = (7_310_925_486_113, 8_420_137_597_229)
_NOT_TEMPLATED = object()
_templates: dict[tuple, tuple[str, ...] | object] = {}


def _template(viewname: str, n_args: int, current_app) -> tuple[str, ...] | object:
    """The URL's text pieces between its n arguments, or _NOT_TEMPLATED."""
    trials = [[base + i for i in range(n_args)] for base in _TRIALS]
    try:
        url = reverse(viewname, args=trials[0], current_app=current_app)
    except NoReverseMatch:
        return _NOT_TEMPLATED
    pieces, rest = [], url
    for value in trials[0]:
        before, found, rest = rest.partition(str(value))
        if not found or str(value) in rest:
            return _NOT_TEMPLATED
        pieces.append(before)
    pieces.append(rest)
    try:
        if _fill(pieces, trials[1]) != reverse(viewname, args=trials[1], current_app=current_app):
            return _NOT_TEMPLATED
    except NoReverseMatch:
        return _NOT_TEMPLATED
    return tuple(pieces)


def _fill(pieces, args) -> str:
    out = [pieces[0]]
    for value, piece in zip(args, pieces[1:], strict=True):
        out.append(str(value))
        out.append(piece)
    return "".join(out)


def url_environment() -> tuple:
    """The thread's script prefix and URLconf (set by the handler at the start of each request)."""
    return get_script_prefix(), get_urlconf()


def fast_reverse(viewname, args=None, kwargs=None, current_app=None, environment: tuple | None = None) -> str:
    """reverse(viewname, args=args, kwargs=kwargs, current_app=current_app), the same URL, faster for ids.
    environment: url_environment() when the caller has it (a page's links: read once per request)."""
    args = args or ()
    if kwargs or not isinstance(viewname, str) or not all(type(a) is int and a >= 0 for a in args):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    key = (viewname, len(args), current_app, *(environment or url_environment()))
    pieces = _templates.get(key)
    if pieces is None:
        pieces = _templates[key] = _template(viewname, len(args), current_app)
    if pieces is _NOT_TEMPLATED:
        return reverse(viewname, args=args, current_app=current_app)
    return _fill(pieces, args) if args else pieces[0]


def clear_templates() -> None:
    """Forget the templates (the URLconf changed: tests with override_settings(ROOT_URLCONF=…))."""
    _templates.clear()


@receiver(setting_changed)
def _forget_on_urlconf_change(setting, **kwargs) -> None:
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        clear_templates()
