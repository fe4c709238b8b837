"""Fault behaviour: a database that is down answers 503 with a clear Vietnamese page (not a stack trace);
404 and 500 pages in the site style, rendered without the database; JSON answers on API paths."""

import os
import secrets
import subprocess
import sys
import textwrap

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from thidua.core import errors

pytestmark = pytest.mark.django_db

DB_DOWN = "Cơ sở dữ liệu tạm thời không truy cập được"


def _break_the_database(monkeypatch, exc):
    """Every query from now on fails as if the server were unreachable."""

    def refuse(*args, **kwargs):
        raise exc

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.executemany", refuse)


@pytest.mark.integration
@pytest.mark.parametrize("exc", [OperationalError("connection refused"), InterfaceError("connection already closed")])
def test_database_down_gives_503_page(province_officer, monkeypatch, exc):
    with monkeypatch.context() as m:
        _break_the_database(m, exc)
        page = province_officer.get("/khen-thuong/")
        api = province_officer.get("/api/v1/cluster-years/")
    assert page.status_code == 503
    body = page.content.decode()
    assert DB_DOWN in body and "Traceback" not in body and "connection refused" not in body
    assert "<script" not in body and "style=" not in body and "<style" not in body  # CSP: nothing inline
    assert page["Retry-After"] == "30"
    assert page["X-Request-ID"] in body  # the id to give the administrator
    assert api.status_code == 503 and api.json() == {"detail": errors.DB_DOWN_MESSAGE}


def test_database_error_outside_a_view_also_gives_503():
    """handler500 sees the exception Django is handling (e.g. raised while a middleware saved the session)."""
    request = RequestFactory().get("/khen-thuong/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = errors.server_error(request)
    assert response.status_code == 503 and DB_DOWN in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        response = errors.server_error(request)
    assert response.status_code == 500 and "Lỗi máy chủ" in response.content.decode()


@pytest.mark.integration
def test_404_and_500_pages_need_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/khong-co-trang-nay/")
        request = RequestFactory().get("/x/")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            server_error = errors.server_error(request)
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang" in body and "bootstrap" in body and "<script" not in body
    assert server_error.status_code == 500 and "boom" not in server_error.content.decode()


@pytest.mark.integration
def test_api_404_is_json(province_officer):
    response = province_officer.get("/api/v1/khong-co/")
    assert response.status_code == 404 and response.json() == {"detail": "Không tìm thấy."}
    # Out of scope (from DRF itself): JSON as well.
    response = province_officer.get("/api/v1/cluster-years/999999/summary")
    assert response.status_code == 404 and "detail" in response.json()


def test_error_page_falls_back_to_text_when_the_template_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    request = RequestFactory().get("/")
    request.id = "abc12345"
    response = errors.error_response(request, 503, "core/503.html")
    assert response.status_code == 503 and response["Content-Type"].startswith("text/plain")
    assert DB_DOWN in response.content.decode() and "abc12345" in response.content.decode()


PRODUCTION_PROBE = textwrap.dedent("""
    import django
    django.setup()
    from django.test import Client, override_settings

    # Static files are not collected in this throw-away directory (collectstatic takes a minute): serve their
    # plain names; everything else is the production configuration.
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32  # a signed-in user's browser: the session is read from the database
    with override_settings(STORAGES=storages):
        for url in ["/", "/khen-thuong/", "/accounts/login/"]:
            r = client.get(url, secure=True)
            print(url, r.status_code, r.get("Retry-After"), "CSP" if r.get("Content-Security-Policy") else "-")
            print(r.content.decode())
        r = client.get("/api/v1/awards/", secure=True, HTTP_AUTHORIZATION="Token td_abcdefghijklmnop")
        print("/api/v1/awards/", r.status_code, r.content.decode())
    # Without collected static files the page cannot be rendered: a plain-text answer, still 503.
    r = client.get("/", secure=True)
    print("plain", r.status_code, r["Content-Type"], r.content.decode())
""")


@pytest.mark.slow
@pytest.mark.integration
def test_production_server_with_unreachable_postgresql(tmp_path):
    """DEBUG=0, DATABASE_URL pointing at a closed port: every page answers 503 with the Vietnamese message.
    (An anonymous visitor without a session still gets the login form: it needs no database.)"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_"))}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(48), ALLOWED_HOSTS="testserver",
               THIDUA_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="thidua.settings",
               DATABASE_URL="postgres://postgres@127.0.0.1:9/thidua_down")
    result = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], env=env, capture_output=True, text=True,
                            timeout=120)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    for url in ["/", "/khen-thuong/", "/accounts/login/"]:
        assert f"{url} 503 30 CSP" in out, out
    assert out.count(DB_DOWN) >= 5 and "Traceback" not in out and "psycopg" not in out
    assert '/api/v1/awards/ 503 {"detail": "' + DB_DOWN in out
    assert "plain 503 text/plain" in out
