"""Login throttling and lockout: 5 failures for a username or from one IP within 15 minutes lock further
attempts for 15 minutes, even with the right password; a success resets; the admin login and API basic
authentication go through the same lock; every attempt leaves an audit row."""

import base64
import datetime
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from thidua.core.models import AuditEvent, LoginAttempt

pytestmark = pytest.mark.django_db

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


def test_one_address_trying_many_usernames_is_locked(client):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        fail(client, name, 1, ip="203.0.113.7")
    response = login(client, "caobang", PASSWORD, ip="203.0.113.7")
    assert response.status_code == 200 and "tạm khóa" in response.content.decode()
    assert login(Client(), "caobang", PASSWORD, ip="203.0.113.8").status_code == 302


def test_username_case_does_not_dodge_the_lock(client):
    for name in ["CaoBang", "CAOBANG", "caobang", "Caobang", "caoBang"]:
        fail(client, name, 1, ip=f"10.1.0.{len(name) + ord(name[1])}")
    assert login(client, "caobang", PASSWORD, ip="10.1.1.1").status_code == 200


def test_admin_login_and_api_basic_auth_share_the_lock(client):
    fail(client, "admin", 5)
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"},
                           REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 200 and "tạm khóa" in response.content.decode()
    basic = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
    api = Client().get("/api/v1/cluster-years/", HTTP_AUTHORIZATION=f"Basic {basic}", REMOTE_ADDR="10.0.0.4")
    assert api.status_code in (401, 403)


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
