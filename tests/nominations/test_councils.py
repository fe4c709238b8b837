"""The council management pages: the emulation office of the council's organisation lists its councils, adds and
removes members (each change audited) and follows the sessions; everyone else gets 404 and nothing changes."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.nominations.conftest import build, client_for, user
from thidua.core.models import AuditEvent
from thidua.demo.nominations import COUNCIL_NAME
from thidua.nominations import councils, services
from thidua.nominations.models import Council

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def council(db):
    """The demo council, with the demo's pending session cancelled (membership is frozen while a session is open)."""
    from thidua.nominations.models import SessionStatus

    c = Council.objects.get(name=COUNCIL_NAME)
    for s in c.sessions.filter(status=SessionStatus.OPEN):
        services.end_session_without_count(user("caobang"), s, reason="Kiểm thử: thay đổi thành viên")
    return c


def members(council) -> list[str]:
    return sorted(council.members.values_list("username", flat=True))


def audit_rows(council) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="nominations.council", object_id=str(council.pk)).order_by("pk"))


def test_office_lists_its_councils_and_sees_members_and_sessions(council):
    c = client_for("caobang")
    assert 'href="/hoi-dong/"' in c.get("/ho-so/cho-xu-ly/").content.decode()  # reached from the inbox
    page = c.get("/hoi-dong/").content.decode()
    assert council.name in page and f"/hoi-dong/{council.pk}/" in page
    r = c.get(f"/hoi-dong/{council.pk}/")
    assert r.status_code == 200
    page = r.content.decode()
    for m in council.members.all():
        assert (m.get_full_name() or m.username) in page
    for s in council.sessions.all():
        assert f"/hoi-dong/phien/{s.pk}/" in page


def test_office_adds_and_removes_a_member_with_audit_rows(council):
    c = client_for("caobang")
    before = members(council)
    donvi = user("donvi")  # a Cao Bằng department officer: has a role under the council's organisation
    assert donvi.username not in before
    assert "donvi" in c.get(f"/hoi-dong/{council.pk}/").content.decode()  # offered as a candidate
    r = c.post(f"/hoi-dong/{council.pk}/thanh-vien/them/", {"member": donvi.pk})
    assert r.status_code == 302
    assert members(council) == sorted([*before, "donvi"])
    row = audit_rows(council)[-1]
    assert row.action == "change" and row.username == "caobang" and "donvi" in row.after["members"]
    assert "donvi" not in row.before["members"] and "Thêm thành viên" in row.reason

    r = c.post(f"/hoi-dong/{council.pk}/thanh-vien/{donvi.pk}/bot/")
    assert r.status_code == 302 and members(council) == before
    row = audit_rows(council)[-1]
    assert row.action == "change" and "donvi" in row.before["members"] and "donvi" not in row.after["members"]


def test_another_province_officer_gets_404_and_nothing_changes(council):
    c = client_for("laichau")
    before, rows = members(council), len(audit_rows(council))
    target = council.members.order_by("pk").first()
    assert c.get("/hoi-dong/").status_code == 200  # an emulation office: its own (empty) list
    assert council.name not in c.get("/hoi-dong/").content.decode()
    assert c.get(f"/hoi-dong/{council.pk}/").status_code == 404
    assert c.post(f"/hoi-dong/{council.pk}/thanh-vien/them/", {"member": user("donvi").pk}).status_code == 404
    assert c.post(f"/hoi-dong/{council.pk}/thanh-vien/{target.pk}/bot/").status_code == 404
    assert members(council) == before and len(audit_rows(council)) == rows
    # The service refuses too, with a message naming the council, and records the refusal.
    with pytest.raises(PermissionDenied, match="Hội đồng Thi đua - Khen thưởng tỉnh Cao Bằng"):
        councils.remove_member(user("laichau"), council, target)
    assert members(council) == before
    assert audit_rows(council)[-1].action == "denied"


@pytest.mark.parametrize("username", ["hoidong", "donvi", "trunguong", "kiemtra"])
def test_other_roles_get_404(council, username):
    c = client_for(username)
    assert c.get("/hoi-dong/").status_code == 404
    assert c.get(f"/hoi-dong/{council.pk}/").status_code == 404
    before = members(council)
    assert c.post(f"/hoi-dong/{council.pk}/thanh-vien/them/", {"member": user("donvi").pk}).status_code == 404
    assert members(council) == before


def test_anonymous_is_sent_to_login(council):
    before = members(council)
    for url in ("/hoi-dong/", f"/hoi-dong/{council.pk}/"):
        r = Client().get(url)
        assert r.status_code == 302 and r["Location"].startswith("/dang-nhap/")
    r = Client().post(f"/hoi-dong/{council.pk}/thanh-vien/them/", {"member": user("donvi").pk})
    assert r.status_code == 302 and members(council) == before


def test_outsider_account_cannot_be_added(council):
    c = client_for("caobang")
    before, rows = members(council), len(audit_rows(council))
    r = c.post(f"/hoi-dong/{council.pk}/thanh-vien/them/", {"member": user("laichau").pk}, follow=True)
    assert "tài khoản đã chọn không có vai trò tại cơ quan của Hội đồng" in r.content.decode()
    assert members(council) == before and len(audit_rows(council)) == rows
    with pytest.raises(ValidationError, match="không có vai trò tại"):
        councils.add_member(user("caobang"), council, user("laichau"))
    assert members(council) == before


def test_membership_is_frozen_while_a_session_is_open(council, dept, unit):
    d = build("council", dept, unit)
    services.open_session(user("caobang"), d, date(2025, 3, 5))
    before, rows = members(council), len(audit_rows(council))
    target = council.members.order_by("pk").first()
    with pytest.raises(ValidationError, match="chưa kết thúc"):
        councils.remove_member(user("caobang"), council, target)
    r = client_for("caobang").post(f"/hoi-dong/{council.pk}/thanh-vien/them/", {"member": user("donvi").pk},
                                   follow=True)
    assert "chưa kết thúc" in r.content.decode()
    assert members(council) == before and len(audit_rows(council)) == rows


def test_office_names_the_chair_and_the_secretary_among_the_members(council):
    c = client_for("caobang")
    chair, secretary = council.members.order_by("pk")[2], council.members.order_by("pk")[3]
    rows = len(audit_rows(council))
    r = c.post(f"/hoi-dong/{council.pk}/chuc-danh/", {"chair": chair.pk, "secretary": secretary.pk})
    assert r.status_code == 302
    council.refresh_from_db()
    assert (council.chair, council.secretary) == (chair, secretary)
    row = audit_rows(council)[-1]
    assert len(audit_rows(council)) == rows + 1 and row.action == "change" and row.after["chair"] == chair.username
    page = c.get(f"/hoi-dong/{council.pk}/").content.decode()
    assert 'id="officers"' in page and "Chủ tịch</span>" in page
    # Not a member, or one person in both offices: refused with the reason, nothing changes.
    with pytest.raises(ValidationError, match="phải là thành viên"):
        councils.set_officers(user("caobang"), council, chair=user("donvi"))
    with pytest.raises(ValidationError, match="hai người khác nhau"):
        councils.set_officers(user("caobang"), council, chair=chair, secretary=chair)
    council.refresh_from_db()
    assert (council.chair, council.secretary) == (chair, secretary)
    # Another province's office: 404, nothing changes; removing the chair from the council clears the office.
    assert client_for("laichau").post(f"/hoi-dong/{council.pk}/chuc-danh/", {"chair": ""}).status_code == 404
    council.refresh_from_db()
    assert council.chair == chair
    councils.remove_member(user("caobang"), council, chair)
    council.refresh_from_db()
    assert council.chair is None and council.secretary == secretary
