"""Login throttling and lockout: 5 failures for a username from one address (10 from anywhere, 50 for all
usernames from one address) within 15 minutes lock further attempts for 15 minutes, even with the right
password; a success resets its username's counts but not the address's; the admin login and API basic
authentication go through the same lock; every attempt leaves an audit row."""

import base64
import datetime
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from thidua.core.models import AuditEvent, LoginAttempt

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PASSWORD = "thidua2018"


def login(client, username, password, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        response = login(client, username, "wrong", ip)
        assert response.status_code == 200


def test_five_failures_lock_the_account_even_with_the_right_password(client):
    fail(client, "caobang", 4)
    assert login(client, "caobang", PASSWORD).status_code == 302  # 4 failures: still allowed
    client.post("/accounts/logout/")
    fail(client, "caobang", 5)
    response = login(client, "caobang", PASSWORD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "tạm khóa" in html and "15 phút" in html and 'id="login-locked"' in html
    assert "_auth_user_id" not in client.session
    # Other accounts from another address are not affected.
    assert login(Client(), "laichau", PASSWORD, ip="10.0.0.2").status_code == 302


def test_the_lock_lasts_15_minutes_after_the_last_failure(client):
    fail(client, "caobang", 5)
    now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=now + datetime.timedelta(minutes=14)):
        assert login(client, "caobang", PASSWORD).status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=now + datetime.timedelta(minutes=16)):
        assert login(client, "caobang", PASSWORD).status_code == 302


def test_failures_spread_over_more_than_15_minutes_do_not_lock(client):
    start = timezone.now() - datetime.timedelta(minutes=40)
    for minutes in (0, 10, 20, 30):
        LoginAttempt.objects.create(username="caobang", ip="10.9.9.9", outcome="failure",
                                    at=start + datetime.timedelta(minutes=minutes))
    fail(client, "caobang", 1)
    assert login(client, "caobang", PASSWORD).status_code == 302


def test_a_success_resets_the_count(client):
    fail(client, "caobang", 4)
    assert login(client, "caobang", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    fail(client, "caobang", 4)
    assert login(client, "caobang", PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_locked(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    for n in range(12):
        fail(client, f"a{n}", 1, ip="203.0.113.7")
    response = login(client, "caobang", PASSWORD, ip="203.0.113.7")
    assert response.status_code == 200 and "từ địa chỉ mạng này" in response.content.decode()
    assert login(Client(), "caobang", PASSWORD, ip="203.0.113.8").status_code == 302


def test_the_address_limit_is_much_higher_than_the_account_limit():
    from django.conf import settings

    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT >= 10 * settings.LOGIN_FAILURE_LIMIT


def test_an_office_behind_one_address_is_not_locked_by_one_colleague(client):
    """Five wrong passwords for one account lock that account from that address, nobody else behind it."""
    fail(client, "donvi", 5, ip="198.51.100.20")
    assert "tạm khóa" in login(Client(), "donvi", PASSWORD, ip="198.51.100.20").content.decode()
    for username in ("caobang", "laichau", "hoidong"):
        assert login(Client(), username, PASSWORD, ip="198.51.100.20").status_code == 302, username


def test_a_success_does_not_reset_the_address_count(client, settings):
    """A valid account cannot be used to keep guessing at others from one address."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    ip = "192.0.2.50"
    for n in range(4):
        fail(client, f"doan{n}", 1, ip=ip)
    assert login(Client(), "caobang", PASSWORD, ip=ip).status_code == 302
    for n in range(4, 8):
        fail(client, f"doan{n}", 1, ip=ip)
    before = LoginAttempt.objects.filter(outcome="success").count()
    response = login(Client(), "laichau", PASSWORD, ip=ip)
    assert response.status_code == 200 and "tạm khóa" in response.content.decode()
    assert LoginAttempt.objects.filter(outcome="success").count() == before


def test_one_username_guessed_from_many_addresses_is_locked_everywhere(client, settings):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 10
    for n in range(10):
        fail(client, "caobang", 1, ip=f"10.2.0.{n + 1}")  # never 5 from one address
    response = login(Client(), "caobang", PASSWORD, ip="10.2.1.1")
    assert response.status_code == 200 and "tài khoản này" in response.content.decode()
    assert login(Client(), "laichau", PASSWORD, ip="10.2.1.1").status_code == 302


def test_username_case_does_not_dodge_the_lock(client):
    for name in ["CaoBang", "CAOBANG", "caobang", "Caobang", "caoBang"]:
        fail(client, name, 1)
    assert login(client, "caobang", PASSWORD).status_code == 200


def test_admin_login_and_api_basic_auth_share_the_lock(client):
    fail(client, "admin", 5)
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"},
                           REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 200 and "tạm khóa" in response.content.decode()
    basic = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
    api = Client().get("/api/v1/cluster-years/", HTTP_AUTHORIZATION=f"Basic {basic}", REMOTE_ADDR="10.0.0.1")
    assert api.status_code in (401, 403)


def test_the_client_address_header_behind_a_proxy(client, settings):
    """With CLIENT_IP_HEADER set, the address is the last one the proxy appended (a client cannot forge it by
    sending its own header: the proxy appends the real one after it)."""
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    for _ in range(5):
        client.post("/accounts/login/", {"username": "caobang", "password": "wrong"}, REMOTE_ADDR="127.0.0.1",
                    HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.77")
    assert set(LoginAttempt.objects.filter(username="caobang").values_list("ip", flat=True)) == {"198.51.100.77"}
    ok = Client().post("/accounts/login/", {"username": "caobang", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1",
                       HTTP_X_FORWARDED_FOR="198.51.100.78")
    assert ok.status_code == 302  # another client behind the same proxy


def test_attempts_are_audited(client):
    fail(client, "caobang", 5)
    login(client, "caobang", PASSWORD)
    failed = AuditEvent.objects.filter(action="login_failed", object_repr="caobang")
    assert failed.filter(reason="bad_credentials").count() == 5
    assert failed.filter(reason="locked").count() == 1
    assert failed.first().ip == "10.0.0.1" and failed.first().request_id
    login(Client(), "laichau", PASSWORD, ip="10.0.0.9")
    ok = AuditEvent.objects.get(action="login", username="laichau")
    assert ok.object_type == "auth.user" and ok.ip == "10.0.0.9" and ok.organization_name == "Lai Châu"
