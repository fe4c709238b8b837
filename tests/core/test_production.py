"""Production settings: deploy check, refusal of the default key, security headers and CSP, Argon2,
sessions, and `thidua serve` (gunicorn + WhiteNoise, DEBUG off) answering behind a TLS proxy."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests import demo_db

pytestmark = pytest.mark.django_db

BIN = Path(sys.executable).parent


def production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_"))}
    env.pop("DATABASE_URL", None)
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(48), ALLOWED_HOSTS="example.org,127.0.0.1",
               THIDUA_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="thidua.settings")
    env.update(extra)
    return env


@pytest.mark.integration
@pytest.mark.slow  # a `thidua check` process with production settings
def test_deploy_check_is_clean_in_production(tmp_path):
    result = subprocess.run([BIN / "thidua", "check", "--deploy", "--fail-level", "WARNING"],
                            env=production_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow  # a `thidua check` process with production settings
def test_deploy_check_flags_an_insecure_key(tmp_path):
    key = "django-insecure-" + secrets.token_urlsafe(48)
    result = subprocess.run([BIN / "thidua", "check", "--deploy", "--fail-level", "WARNING"],
                            env=production_env(tmp_path, SECRET_KEY=key), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and "security.W009" in result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("key", ["", "short", "x" * 49, "ab" * 40, " " * 60])
def test_refuses_to_start_in_production_with_an_empty_or_short_key(tmp_path, key):
    result = subprocess.run([BIN / "thidua", "check"], env=production_env(tmp_path, SECRET_KEY=key),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr and "at least 50" in result.stderr


@pytest.mark.slow  # a `thidua check` process with production settings
def test_refuses_to_start_in_production_with_the_default_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run([BIN / "thidua", "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.integration
def test_security_headers_on_every_page(province_officer, client):
    for c, url in [(client, "/dang-nhap/"), (province_officer, "/"), (province_officer, "/api/v1/cluster-years/")]:
        response = c.get(url)
        assert response.status_code == 200, url
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        csp = response["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "style-src 'self';" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_request_id_from_a_proxy_is_kept(client):
    response = client.get("/dang-nhap/", HTTP_X_REQUEST_ID="proxy-1234-abcd")
    assert response["X-Request-ID"] == "proxy-1234-abcd"
    response = client.get("/dang-nhap/", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)


def assert_no_inline_code(html: str, url: str) -> None:
    assert not INLINE_SCRIPT.search(html), f"inline <script> in {url}"
    assert "<style" not in html.lower(), f"<style> element in {url}"
    assert not re.search(r"\sstyle=", html), f"style attribute in {url}"
    assert not re.search(r"\son[a-z]+=\"", html), f"inline event handler in {url}"


@pytest.mark.integration
def test_pages_have_no_inline_script_or_style(province_officer, client, cluster_year_2018):
    cy = cluster_year_2018
    assert_no_inline_code(client.get("/dang-nhap/").content.decode(), "/dang-nhap/")
    for url in ["/", f"/cum/{cy.pk}/", f"/cum/{cy.pk}/chi-tieu/THU_NSNN/", f"/cum/{cy.pk}/dien-hinh/",
                "/khen-thuong/", "/don-vi/", f"/don-vi/{cy.chair_id}/"]:
        response = province_officer.get(url)
        assert response.status_code == 200, url
        assert_no_inline_code(response.content.decode(), url)


@pytest.mark.integration
def test_swagger_ui_works_under_the_csp(province_officer):
    page = province_officer.get("/api/v1/docs/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="swagger-ui"' in html
    assert_no_inline_code(html, "/api/v1/docs/")
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s for s in scripts)
    init = next(s for s in scripts if "script" in s.split("?", 1)[-1])
    response = province_officer.get(init.replace("&amp;", "&"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode() and "/api/v1/schema/" in response.content.decode()


@pytest.fixture
def production_hashers(settings):
    """The suite hashes with MD5 (thidua.settings_test); these tests are about the real list. MD5 stays last so
    that the demo accounts of the test database (hashed with it) still log in."""
    from thidua.settings_test import PASSWORD_HASHERS, PRODUCTION_PASSWORD_HASHERS

    settings.PASSWORD_HASHERS = [*PRODUCTION_PASSWORD_HASHERS, PASSWORD_HASHERS[0]]


@pytest.mark.integration
def test_passwords_are_hashed_with_argon2_and_demo_accounts_log_in(client, production_hashers):
    user = get_user_model().objects.create_user("argon", password="mat-khau-dai-2025")
    assert user.password.startswith("argon2$")
    assert client.login(username="argon", password="mat-khau-dai-2025")
    assert client.login(username="caobang", password="thidua2018")  # demo account (set_password)


def test_old_pbkdf2_hashes_still_verify_and_are_upgraded(client, production_hashers):
    from django.contrib.auth.hashers import make_password

    user = get_user_model().objects.create_user("legacy")
    user.password = make_password("cu-2018-abc", hasher="pbkdf2_sha256")
    user.save()
    assert client.login(username="legacy", password="cu-2018-abc")
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_session_expiry_and_cookie_flags():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True and settings.CSRF_COOKIE_HTTPONLY is True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.integration
@pytest.mark.slow
def test_serve_runs_gunicorn_with_whitenoise_behind_a_tls_proxy(tmp_path):
    port = _free_port()
    env = production_env(tmp_path, PORT=str(port), WEB_CONCURRENCY="1",
                         SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", DEBUG="1")  # serve forces DEBUG off
    # The demo database with its static files collected in production (the copy is built once, tests/demo_db.py):
    # serve's migrate has nothing to do and its collectstatic_changed finds the sources unchanged.
    env = demo_db.prepare(tmp_path, {**env, "DEBUG": "0"}, static=True) | {"DEBUG": "1"}
    log = open(tmp_path / "serve.log", "w+")
    proc = subprocess.Popen([BIN / "thidua", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    opener = urllib.request.build_opener(_NoRedirect)
    base = f"http://127.0.0.1:{port}"

    def get(path, **headers):
        request = urllib.request.Request(base + path, headers={"Host": "example.org", **headers})
        try:
            return opener.open(request, timeout=10)
        except urllib.error.HTTPError as exc:
            return exc

    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail("thidua serve did not start:\n" + log.read())
                time.sleep(0.3)
        # Plain HTTP is redirected to HTTPS (SECURE_SSL_REDIRECT is on in production).
        plain = get("/dang-nhap/")
        assert plain.status == 301 and plain.headers["Location"].startswith("https://example.org/")
        # Through the TLS proxy: the page and its static files, served by WhiteNoise with DEBUG off.
        page = get("/dang-nhap/", **{"X-Forwarded-Proto": "https"})
        html = page.read().decode()
        assert page.status == 200 and "Strict-Transport-Security" in page.headers
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
        css = re.search(r'href="(/static/bootstrap/css/bootstrap\.min\.[0-9a-f]+\.css)"', html)
        assert css, "hashed (manifest) Bootstrap URL expected in production"
        static = get(css.group(1), **{"X-Forwarded-Proto": "https"})
        assert static.status == 200 and b"Bootstrap" in static.read()[:500]
        assert "max-age=315360000" in static.headers.get("Cache-Control", "")
        missing = get("/nothing-here/", **{"X-Forwarded-Proto": "https"})
        assert missing.status in (302, 404) and b"Traceback" not in missing.read()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_collectstatic_changed_collects_only_when_a_source_changed(settings, tmp_path):
    """`thidua serve` collects at every start through this command; unchanged sources are not collected (and
    compressed) again, a new or changed source is."""
    sources, root = tmp_path / "sources", tmp_path / "static"
    sources.mkdir()
    (sources / "a.css").write_text("a {}")
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATICFILES_DIRS = [sources]
    settings.STATIC_ROOT = root
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("collectstatic_changed")
    assert (root / "a.css").read_text() == "a {}"
    (root / "a.css").unlink()  # a second collect would copy it back
    call_command("collectstatic_changed")
    assert not (root / "a.css").exists()
    (sources / "b.js").write_text("1;")
    call_command("collectstatic_changed")
    assert (root / "a.css").exists() and (root / "b.js").read_text() == "1;"


def test_production_storage_compresses_pages_files_but_not_source_maps(tmp_path):
    """Each distinct content gets a gzip and a brotli copy; source maps (developer-only, most of the bytes) are
    left out by WHITENOISE_SKIP_COMPRESS_EXTENSIONS, and are still collected and served uncompressed."""
    from thidua.lib.static_storage import DedupedCompressedManifestStaticFilesStorage

    body = b"function thiDua() { return 'Cao B\xe1\xba\xb1ng'; }\n" * 200
    for name in ("app.js", "app.0123456789ab.js", "app.js.map", "site.css"):
        (tmp_path / name).write_bytes(body)
    storage = DedupedCompressedManifestStaticFilesStorage(location=tmp_path)
    written = sorted(compressed for _name, compressed in storage.compress_files(
        ["app.js", "app.0123456789ab.js", "app.js.map", "site.css"]))
    assert written == ["app.0123456789ab.js.br", "app.0123456789ab.js.gz", "app.js.br", "app.js.gz",
                       "site.css.br", "site.css.gz"]
    assert not (tmp_path / "app.js.map.gz").exists() and not (tmp_path / "app.js.map.br").exists()
    assert (tmp_path / "app.0123456789ab.js.br").read_bytes() == (tmp_path / "app.js.br").read_bytes()
