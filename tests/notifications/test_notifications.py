"""Notifications: created in the transaction of the event (a refused action notifies nobody), once per user and
event, e-mailed after the commit to users who want e-mail; the bell, the list, mark read / all read and the
preference page reach only the user's own notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from tests.nominations.conftest import REASON, build, council_members, user
from thidua.nominations import services
from thidua.notifications import services as notifications
from thidua.notifications.models import Notification, NotificationKind, NotificationPreference

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def client_for(username: str) -> Client:
    c = Client()
    c.force_login(user(username))
    return c


def test_dossier_arrives_and_is_returned(dept, unit, django_capture_on_commit_callbacks):
    d = build("draft", dept, unit, title="Hồ sơ thông báo")
    with django_capture_on_commit_callbacks(execute=True):
        services.move(user("donvi"), d, "submit", confirm=True)
    arrived = Notification.objects.get(user=user("caobang"), kind=NotificationKind.DOSSIER_ARRIVED,
                                       key__startswith=f"dossier:{d.pk}:arrived")
    assert arrived.title == "Hồ sơ chuyển đến: Hồ sơ thông báo" and arrived.url == f"/ho-so/{d.pk}/"
    assert not Notification.objects.filter(user=user("donvi"), key__startswith=f"dossier:{d.pk}:").exists()
    assert not Notification.objects.filter(user=user("laichau"), key__startswith=f"dossier:{d.pk}:").exists()
    # caobang@thidua.local wants e-mail (the default): one message after the commit.
    sent = [m for m in mail.outbox if "Hồ sơ thông báo" in m.subject]
    assert [m.to for m in sent] == [["caobang@thidua.local"]]
    assert f"/ho-so/{d.pk}/" in sent[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.move(user("caobang"), d, "return", REASON)
    returned = Notification.objects.get(user=user("donvi"), kind=NotificationKind.DOSSIER_RETURNED)
    assert REASON in returned.body


def test_a_refused_action_notifies_nobody(dept, unit):
    d = build("draft", dept, unit)
    before = Notification.objects.count()
    with pytest.raises(PermissionDenied):
        services.move(user("laichau"), d, "submit", confirm=True)
    assert Notification.objects.count() == before


def test_email_preference_is_respected(dept, unit, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=user("caobang"), email=False)
    d = build("draft", dept, unit, title="Không gửi thư")
    with django_capture_on_commit_callbacks(execute=True):
        services.move(user("donvi"), d, "submit", confirm=True)
    assert Notification.objects.filter(user=user("caobang"), key__startswith=f"dossier:{d.pk}:").count() == 1
    assert not [m for m in mail.outbox if "Không gửi thư" in m.subject]


def test_notify_is_idempotent_and_emails_once(django_capture_on_commit_callbacks):
    note = notifications.Note(NotificationKind.DEADLINE_NEAR, "test:1", "Sắp đến hạn", "…", "/ho-so/")
    ids = [user("caobang").pk, user("laichau").pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify(ids, note) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify(ids, note) == 0
    assert Notification.objects.filter(key="test:1").count() == 2
    assert sorted(m.to[0] for m in mail.outbox if m.subject == "[thidua] Sắp đến hạn") == \
        ["caobang@thidua.local", "laichau@thidua.local"]
    assert notifications.send_emails(["test:1"], ids) == 0  # already e-mailed


def test_council_members_are_told_of_a_session_and_units_of_a_decision(dept, unit):
    d = build("council", dept, unit)
    s = services.open_session(user("caobang"), d, timezone.localdate() + timedelta(days=1))
    members = council_members()
    assert set(Notification.objects.filter(key=f"council-session:{s.pk}:open").values_list("user_id", flat=True)) \
        == {m.pk for m in members}
    choices = {c.item_id: "yes" for c in s.counts.all()}
    for m in members:
        services.cast_ballot(m, s, choices)
    services.close_session(user("caobang"), s)
    services.move(user("caobang"), d, "propose")
    decision = services.record_decision(user("caobang"), d, number="TB-1/QĐ-UBND", signed_on=timezone.localdate(),
                                        signer_name="Chủ tịch UBND tỉnh",
                                        overrides={i.pk: "Thành tích đột xuất (thử)" for i in d.items.all()})
    told = set(Notification.objects.filter(key=f"decision:{decision.pk}").values_list("user__username", flat=True))
    assert "donvi" in told and "laichau" not in told and "caobang" not in told  # caobang recorded it


def test_list_mark_read_and_all_read_only_for_the_owner():
    mine = Notification.objects.create(user=user("donvi"), kind=NotificationKind.DECISION, key="t:a", title="Một",
                                       url="/ho-so/")
    Notification.objects.create(user=user("donvi"), kind=NotificationKind.DECISION, key="t:b", title="Hai")
    c = client_for("donvi")
    page = c.get("/thong-bao/").content.decode()
    assert "Một" in page and "Hai" in page and 'data-count="unread">2<' in page
    # Another user cannot read, open or mark it.
    other = client_for("laichau")
    assert "Một" not in other.get("/thong-bao/").content.decode()
    assert other.get(f"/thong-bao/{mine.pk}/").status_code == 404
    assert other.post(f"/thong-bao/{mine.pk}/da-doc/").status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None
    # Opening marks it read and goes to its page.
    r = c.get(f"/thong-bao/{mine.pk}/")
    assert r.status_code == 302 and r["Location"] == "/ho-so/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert notifications.unread_count(user("donvi")) == 1
    c.post("/thong-bao/da-doc-het/")
    assert notifications.unread_count(user("donvi")) == 0
    assert Client().get("/thong-bao/").status_code == 302  # anonymous → login


def test_preferences_page():
    c = client_for("donvi")
    assert 'checked' in c.get("/thong-bao/cai-dat/").content.decode()
    c.post("/thong-bao/cai-dat/", {})
    assert notifications.wants_email(user("donvi")) is False
    c.post("/thong-bao/cai-dat/", {"email": "on"})
    assert notifications.wants_email(user("donvi")) is True


def test_an_external_url_is_never_followed():
    n = Notification.objects.create(user=user("donvi"), kind=NotificationKind.DECISION, key="t:x", title="X",
                                    url="https://example.com/")
    r = client_for("donvi").get(f"/thong-bao/{n.pk}/")
    assert r["Location"] == "/thong-bao/"


def test_anonymous_writes_are_refused_and_change_nothing():
    n = Notification.objects.create(user=user("donvi"), kind=NotificationKind.DECISION, key="t:anon", title="A")
    anonymous = Client()
    for url, data in ((f"/thong-bao/{n.pk}/da-doc/", {}), ("/thong-bao/da-doc-het/", {}),
                      ("/thong-bao/cai-dat/", {"email": ""})):
        r = anonymous.post(url, data)
        assert r.status_code == 302 and r.url.startswith("/dang-nhap/"), url
    n.refresh_from_db()
    assert n.read_at is None and not NotificationPreference.objects.filter(user=user("donvi")).exists()
