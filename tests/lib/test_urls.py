"""thidua.lib.urls.fast_reverse and the {% url %} tag built on it (core/templatetags/vn.py) give exactly Django's
reverse(): for every URL name of the project, with ids and without, under a script prefix, after a change of
URLconf; what they cannot template (strings, keywords, refused ids) goes to reverse(), errors included."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse, set_script_prefix
from django.utils import translation

from thidua.lib import urls as fast_urls
from thidua.lib.urls import fast_reverse


def named_patterns(resolver=None, namespace=""):
    """(full name, number of parameters) of every named URL pattern."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, entry.pattern.regex.groups


def outcome(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except NoReverseMatch:
        return NoReverseMatch


@pytest.fixture(autouse=True)
def fresh_templates():
    fast_urls.clear_templates()
    yield
    fast_urls.clear_templates()
    set_script_prefix("/")


def test_every_name_reverses_as_django_does():
    names = list(named_patterns())
    assert len(names) > 100
    for name, n in names:
        for args in ([], [1] * n, list(range(3, 3 + n)), [987654] * n, [0] * n):
            assert outcome(fast_reverse, name, args=args) == outcome(reverse, name, args=args), (name, args)
            # The second call uses the kept template.
            assert outcome(fast_reverse, name, args=args) == outcome(reverse, name, args=args), (name, args)


def test_arguments_it_does_not_template_go_to_reverse():
    assert fast_reverse("orgs:detail", args=["12"]) == reverse("orgs:detail", args=["12"]) == "/don-vi/12/"
    assert fast_reverse("orgs:detail", kwargs={"pk": 12}) == "/don-vi/12/"
    with pytest.raises(NoReverseMatch):
        fast_reverse("orgs:detail", args=[-1])
    with pytest.raises(NoReverseMatch):
        fast_reverse("orgs:detail", args=["x"])
    with pytest.raises(NoReverseMatch):
        fast_reverse("orgs:detail")
    with pytest.raises(NoReverseMatch):
        fast_reverse("no-such-name")


def test_script_prefix_and_urlconf_are_part_of_the_key():
    assert fast_reverse("orgs:detail", args=[5]) == "/don-vi/5/"
    set_script_prefix("/thidua/")
    assert fast_reverse("orgs:detail", args=[5]) == reverse("orgs:detail", args=[5]) == "/thidua/don-vi/5/"
    set_script_prefix("/")
    assert fast_reverse("orgs:detail", args=[5]) == "/don-vi/5/"
    with override_settings(ROOT_URLCONF="thidua.orgs.urls"):  # the organisations' URLs at the root
        assert fast_reverse("detail", args=[5]) == reverse("detail", args=[5]) == "/5/"
    with pytest.raises(NoReverseMatch):
        fast_reverse("detail", args=[5])


def test_urls_do_not_depend_on_the_language():
    """The templates are not kept per language: no URL of thidua is translated."""
    for name, n in named_patterns():
        args = [7] * n
        with translation.override("vi"):
            vi = outcome(reverse, name, args=args)
        with translation.override("en"):
            en = outcome(reverse, name, args=args)
        assert vi == en, name


def test_the_url_tag_renders_what_djangos_did():
    template = Template('{% url "orgs:detail" org %}|{% url "orgs:detail" "8" %}|{% url "orgs:detail" pk=org %}|'
                       '{% url "awards:registry" as registry %}[{{ registry }}]|{% url "nope" as missing %}[{{ missing }}]|'
                       '{% url name org %}')
    assert template.render(Context({"org": 9, "name": "eligibility:person"})) == (
        "/don-vi/9/|/don-vi/8/|/don-vi/9/|[/khen-thuong/]|[]|/ca-nhan/9/")
    with pytest.raises(NoReverseMatch):
        Template('{% url "orgs:detail" %}').render(Context({}))
