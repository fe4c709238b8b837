"""The council step can be finished: the demo council's members log in with the demo password (and a failed
attempt is not needed to find out), a quorum is reachable, and the office adjourns (to a new date) or cancels a
session that cannot reach its quorum — recorded in the timeline and the audit trail, the dossier staying with the
council so that a new session can be held. Date fields render their value as YYYY-MM-DD."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from tests.nominations.conftest import build, council_members, snapshot, user
from thidua.core.models import AuditEvent
from thidua.nominations import services
from thidua.nominations.models import CouncilSession, DossierEvent, SealedCouncilBallot, SessionStatus
from thidua.orgs.models import Role, UserRole

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

TOMORROW = timezone.localdate() + timedelta(days=1)


@pytest.fixture
def session(dept, unit):
    d = build("council", dept, unit)
    return services.open_session(user("caobang"), d, timezone.localdate())


def test_every_demo_council_member_logs_in_with_the_demo_password_and_is_a_council_member():
    members = council_members()
    assert len(members) == 7
    for m in members:
        c = Client()
        assert c.login(username=m.username, password="thidua2018"), m.username
        assert UserRole.objects.filter(user=m, role=Role.COUNCIL_MEMBER, organization__admin_code="04").exists()
    names = {m.username for m in members}
    assert names == {"hoidong", *(f"hoidong{n}" for n in range(2, 8))}


def test_quorum_is_reachable_through_the_pages(session):
    """Five of the seven members vote on the session page (logged in with the password), the office closes."""
    item_id = session.counts.get().item_id
    for m in council_members()[:5]:
        c = Client()
        assert c.login(username=m.username, password="thidua2018")
        r = c.post(f"/hoi-dong/phien/{session.pk}/bo-phieu/", {f"item-{item_id}": "yes", "confirm": "1"}, follow=True)
        assert "Đã ghi nhận phiếu của bạn" in r.content.decode()
    r = Client()
    r.force_login(user("caobang"))
    page = r.post(f"/hoi-dong/phien/{session.pk}/ket-thuc/", follow=True).content.decode()
    assert "Đã kết thúc phiên họp" in page
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    assert session.counts.get().yes == 5


def test_adjourn_opens_a_new_session_and_counts_nothing(session):
    item_id = session.counts.get().item_id
    members = council_members()
    for m in members[:2]:  # two present: no quorum (5 needed)
        services.cast_ballot(m, session, {item_id: "yes"})
    with pytest.raises(ValidationError, match="Chưa đủ số thành viên dự họp: cần 5/7, mới có 2"):
        services.close_session(user("caobang"), session)
    new = services.end_session_without_count(user("caobang"), session, reason="Không đủ số thành viên dự họp.",
                                             held_on=TOMORROW)
    session.refresh_from_db()
    assert session.status == SessionStatus.ADJOURNED and session.replaced_by == new
    assert session.ended_by.username == "caobang" and session.closed_at is not None
    assert session.counts.get().yes == 0  # the two ballots stay sealed, never counted
    assert SealedCouncilBallot.objects.filter(session=session).count() == 2
    assert (new.status, new.held_on, new.member_count, new.quorum) == (SessionStatus.OPEN, TOMORROW, 7, 5)
    assert new.participations.count() == 0
    ev = DossierEvent.objects.filter(dossier=session.dossier, transition="council_adjourn").get()
    assert "2/7 thành viên có mặt, cần 5" in ev.reason and f"Họp lại ngày {TOMORROW:%d/%m/%Y}" in ev.reason
    audit = AuditEvent.objects.filter(object_type="nominations.councilsession", object_id=str(session.pk),
                                      action="change").latest("pk")
    assert audit.after["status"] == "adjourned" and audit.after["replaced_by"] == new.pk
    # The members vote again in the new session; a quorum then closes it.
    for m in members[:5]:
        services.cast_ballot(m, new, {item_id: "yes"})
    (result,) = services.close_session(user("caobang"), new)
    assert result.yes == 5


def test_cancel_leaves_the_dossier_with_the_council_and_a_new_session_can_be_opened(session):
    assert services.end_session_without_count(user("caobang"), session, reason="Hội đồng kiện toàn lại") is None
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.replaced_by is None
    d = session.dossier
    d.refresh_from_db()
    assert d.state == "council"
    with pytest.raises(ValidationError, match="đã hủy"):
        services.end_session_without_count(user("caobang"), session, reason="x")
    again = services.open_session(user("caobang"), d, TOMORROW)
    assert again.status == SessionStatus.OPEN


@pytest.mark.parametrize("who,kwargs,exc,message", [
    ("hoidong", {"reason": "x"}, PermissionDenied, None),  # a council member does not run the session
    ("laichau", {"reason": "x"}, PermissionDenied, None),  # another province's office
    ("trunguong", {"reason": "x"}, PermissionDenied, None),
    ("caobang", {"reason": "  "}, ValidationError, "cần ghi lý do"),
    ("caobang", {"reason": "x", "held_on": date(2020, 1, 1)}, ValidationError, "không được trước hôm nay"),
])
def test_refusals_change_nothing(session, who, kwargs, exc, message):
    before = snapshot(session.dossier)
    n_sessions = CouncilSession.objects.count()
    with pytest.raises(exc, match=message):
        services.end_session_without_count(user(who), session, **kwargs)
    assert snapshot(session.dossier) == before
    assert CouncilSession.objects.count() == n_sessions


def test_adjourn_through_the_page_and_refusal_for_a_member(session):
    member = Client()
    member.force_login(user("hoidong"))
    page = member.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert 'id="end-session"' not in page  # only the office sees the form
    r = member.post(f"/hoi-dong/phien/{session.pk}/hoan-huy/", {"action": "cancel", "reason": "x"}, follow=True)
    assert "chỉ" in r.content.decode() or "vai trò" in r.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    office = Client()
    office.force_login(user("caobang"))
    page = office.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert "Chưa đủ số thành viên dự họp: 0/7 có mặt, cần 5" in page
    r = office.post(f"/hoi-dong/phien/{session.pk}/hoan-huy/",
                    {"action": "adjourn", "reason": "Không đủ số thành viên", "held_on": TOMORROW.isoformat()},
                    follow=True)
    text = r.content.decode()
    assert f"họp lại ngày {TOMORROW:%d/%m/%Y}" in text
    session.refresh_from_db()
    assert session.status == SessionStatus.ADJOURNED
    assert r.redirect_chain[-1][0] == f"/hoi-dong/phien/{session.replaced_by_id}/"
    old = office.get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert "Phiên họp đã hoãn" in old and "Không đủ số thành viên" in old


def _date_values(html: str) -> dict[str, str]:
    return {m.group("name"): m.group("value") for m in re.finditer(
        r'<input(?=[^>]*type="date")(?=[^>]*name="(?P<name>\w+)")(?=[^>]*value="(?P<value>[^"]*)")[^>]*>', html)}


def test_date_fields_are_prefilled_as_iso_dates(session):
    """A browser's date field shows its value only when it is YYYY-MM-DD (dd/mm/yyyy leaves it empty)."""
    office = Client()
    office.force_login(user("caobang"))
    # The session page: the date of the new session when adjourning (next working day).
    values = _date_values(office.get(f"/hoi-dong/phien/{session.pk}/").content.decode())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", values["held_on"]), values
    assert date.fromisoformat(values["held_on"]) > timezone.localdate()
    # The dossier page: the date of a new session (today).
    d = build("council", session.dossier.from_org, session.dossier.items.first().person.organization, title="Khác")
    values = _date_values(office.get(f"/ho-so/{d.pk}/").content.decode())
    assert values["held_on"] == timezone.localdate().isoformat()
    # Filters typed either way come back as ISO dates.
    board = Client()
    board.force_login(user("trunguong"))
    values = _date_values(board.get("/nhat-ky/?date_from=05/12/2026&date_to=2026-12-31").content.decode())
    assert values == {"date_from": "2026-12-05", "date_to": "2026-12-31"}
    values = _date_values(office.get("/khen-thuong/bieu-thong-ke/?period=range&start=01/01/2024&end=2024-06-30"
                                     ).content.decode())
    assert values == {"start": "2024-01-01", "end": "2024-06-30"}


def test_every_date_widget_of_the_forms_renders_iso():
    from django import forms as django_forms

    from thidua.nominations import forms

    for form_class in (forms.SessionForm, forms.SessionEndForm, forms.RevokeForm):
        form = form_class(initial={name: date(2026, 12, 5) for name, f in form_class.base_fields.items()
                                   if isinstance(f, django_forms.DateField)})
        for name, field in form.fields.items():
            if isinstance(field, django_forms.DateField):
                html = str(form[name])
                assert 'type="date"' in html and 'value="2026-12-05"' in html, (form_class, name, html)
