"""The public certificate verification (page and API) is throttled per client address: past the limit a 429
with a clear Vietnamese message and Retry-After; other addresses are unaffected; the count is in the database
(it holds across server processes)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client

from thidua.core.models import ThrottleWindow
from thidua.nominations.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def token():
    return Certificate.objects.values_list("token", flat=True).first()


@pytest.fixture
def rates(settings):
    """A limit of 3 a minute, with the clock held in the middle of a minute: the counts are kept per fixed window,
    and requests that straddled a window's end were counted in two windows (the test failed now and then)."""
    settings.PUBLIC_THROTTLE_RATES = {"verify": (3, 60)}
    with mock.patch("thidua.core.throttle.time.time", return_value=1_000_050.0):
        yield


@pytest.mark.integration
def test_the_page_answers_429_past_the_limit(rates, token):
    c = Client()
    for _ in range(3):
        assert c.get(f"/xac-minh/{token}/", REMOTE_ADDR="203.0.113.9").status_code == 200
    r = c.get(f"/xac-minh/{token}/", REMOTE_ADDR="203.0.113.9")
    assert r.status_code == 429 and 1 <= int(r["Retry-After"]) <= 60
    html = r.content.decode()
    assert 'id="too-many-requests"' in html and "tra cứu quá nhiều lần" in html and "tối đa 3 lần trong 60 giây" in html
    assert c.get(f"/xac-minh/{token}/", REMOTE_ADDR="203.0.113.10").status_code == 200  # another address


def test_unknown_tokens_count_too(rates):
    c = Client()
    for n in range(3):
        assert c.get(f"/xac-minh/doan-{n}/", REMOTE_ADDR="203.0.113.11").status_code == 404
    assert c.get("/xac-minh/doan-4/", REMOTE_ADDR="203.0.113.11").status_code == 429


@pytest.mark.integration
def test_the_api_shares_the_count_and_answers_json(rates, token):
    c = Client()
    for _ in range(2):
        assert c.get(f"/xac-minh/{token}/", REMOTE_ADDR="203.0.113.12").status_code == 200
    assert c.get(f"/api/v1/verify/{token}", REMOTE_ADDR="203.0.113.12").status_code == 200
    r = c.get(f"/api/v1/verify/{token}", REMOTE_ADDR="203.0.113.12")
    assert r.status_code == 429 and r["Content-Type"] == "application/json" and "Retry-After" in r
    assert "tra cứu quá nhiều lần" in r.json()["detail"]


@pytest.mark.integration
def test_the_window_ends(rates, token):
    c = Client()
    with mock.patch("thidua.core.throttle.time.time", return_value=1_000_020.0):
        for _ in range(3):
            c.get(f"/xac-minh/{token}/", REMOTE_ADDR="203.0.113.13")
        assert c.get(f"/xac-minh/{token}/", REMOTE_ADDR="203.0.113.13").status_code == 429
    with mock.patch("thidua.core.throttle.time.time", return_value=1_000_081.0):
        assert c.get(f"/xac-minh/{token}/", REMOTE_ADDR="203.0.113.13").status_code == 200
    assert ThrottleWindow.objects.filter(window=1_000_020).exists()
    with mock.patch("thidua.core.throttle.time.time", return_value=1_000_200.0):
        assert c.get(f"/xac-minh/{token}/", REMOTE_ADDR="203.0.113.14").status_code == 200
    assert not ThrottleWindow.objects.filter(window=1_000_020).exists()  # finished windows are pruned


@pytest.mark.integration
def test_the_default_limit_and_switching_it_off(settings, token):
    from thidua.core.throttle import rate

    assert rate("verify") == (30, 60)
    settings.PUBLIC_THROTTLE_RATES = {"verify": (0, 60)}
    c = Client()
    assert all(c.get(f"/api/v1/verify/{token}").status_code == 200 for _ in range(40))
