"""The collect leaves out the static packages' files that no page loads (thidua.lib.static_storage.StaticFilesConfig),
and keeps every file that the pages and the API documentation do load: in production a page that names a file
left out of the collect fails (the manifest has no entry for it)."""

import re
from pathlib import Path

from django.apps import apps
from django.contrib.staticfiles import finders
from django.test import Client

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "thidua" / "templates"
STATIC_URL = re.compile(r"""/static/([^"'?#\s]+)""")


def collected() -> set[str]:
    """The paths `collectstatic` copies: every finder's files, less the configured ignore patterns."""
    patterns = apps.get_app_config("staticfiles").ignore_patterns
    paths = set()
    for finder in finders.get_finders():
        for path, storage in finder.list(patterns):
            prefix = getattr(storage, "prefix", None)
            paths.add(f"{prefix}/{path}" if prefix else path)
    return paths


def test_every_file_the_pages_load_is_collected(three_provinces):
    office = Client()
    office.force_login(three_provinces.provinces[0].office)
    loaded = set()
    for client, url in ((Client(), "/dang-nhap/"), (office, "/"), (Client(), "/api/v1/docs/")):
        response = client.get(url)
        assert response.status_code == 200, url
        loaded |= set(STATIC_URL.findall(response.content.decode()))
    for template in TEMPLATES.rglob("*.html"):
        loaded |= set(re.findall(r"""\{% static ['"]([^'"]+)['"]""", template.read_text()))
    assert {"bootstrap/css/bootstrap.min.css", "bootstrap/js/bootstrap.bundle.min.js", "django_htmx/htmx-2.min.js",
            "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"} <= loaded
    assert not loaded - collected(), "loaded by a page but left out of the collect"


def test_the_files_no_page_loads_are_left_out():
    paths = collected()
    for unused in ("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js", "bootstrap/css/bootstrap.rtl.css",
                   "bootstrap/js/bootstrap.esm.js", "django_htmx/htmx-4.js", "django_htmx/ext/hx-sse-2.js"):
        assert finders.find(unused), unused  # the packages still ship it (runserver finds it)
        assert unused not in paths, unused
    assert "admin/css/base.css" in paths  # the administration's files are all collected
