""""Việc của tôi": one service computes each role's work list for the home page, the menu counts and the API,
with a number of queries that does not grow with the rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.nominations.conftest import build, user
from thidua.nominations import services
from thidua.office.worklist import work_list
from thidua.orgs.models import Organization

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def client_for(username: str) -> Client:
    c = Client()
    c.force_login(user(username))
    return c


def _titles(wl, code: str) -> list[str]:
    return [i.title for s in wl.sections if s.code == code for i in s.items]


def test_department_officer_home_is_their_work_not_the_cluster_list():
    page = client_for("donvi").get("/").content.decode()
    assert "Việc của tôi" in page and "chưa tham gia cụm nào" not in page
    # The demo draft of the department waits for donvi to complete and submit it.
    assert "Hoàn thiện, gửi hồ sơ" in page and "nháp, minh họa" in page


def test_council_member_sees_the_open_session_and_not_after_voting(dept, unit):
    d = build("council", dept, unit)
    s = services.open_session(user("caobang"), d, timezone.localdate() + timedelta(days=1))
    hoidong3 = get_user_model().objects.get(username="hoidong3")
    wl = work_list(hoidong3)
    assert any(f"phiên họp ngày {s.held_on:%d/%m/%Y}" in t for t in _titles(wl, "council"))
    council = next(x for x in wl.sections if x.code == "council")
    assert council.items[-1].action == "Bỏ phiếu" and council.items[-1].deadline.due == s.held_on
    page = client_for("hoidong3").get("/").content.decode()
    assert f"/hoi-dong/phien/{s.pk}/" in page
    services.cast_ballot(hoidong3, s, {c.item_id: "yes" for c in s.counts.all()})
    assert not any(f"/hoi-dong/phien/{s.pk}/" == i.url for sec in work_list(hoidong3).sections for i in sec.items)
    # The handling office sees it too, with how many voted and the quorum, to close, adjourn or cancel it.
    office = next(x for x in work_list(user("caobang")).sections if x.code == "council")
    row = next(i for i in office.items if i.url == f"/hoi-dong/phien/{s.pk}/")
    assert "1/7 thành viên đã bỏ phiếu, cần 5 có mặt" in row.detail


def test_province_office_sees_arrived_dossiers_with_working_day_deadlines(dept, unit):
    d = build("submitted", dept, unit, title="Hồ sơ chờ tiếp nhận")
    wl = work_list(user("caobang"))
    row = next(i for s in wl.sections if s.code == "dossiers" for i in s.items if i.title == "Hồ sơ chờ tiếp nhận")
    assert row.url == f"/ho-so/{d.pk}/" and row.deadline.working_days == 5
    # Another province's office does not see it.
    assert "Hồ sơ chờ tiếp nhận" not in _titles(work_list(user("laichau")), "dossiers")


def test_decisions_for_my_unit(dept, unit):
    from thidua.awards.models import Decision

    d = build("decided", dept, unit, title="Hồ sơ đã quyết định")
    number = d.decision.number
    # Signed 14/03/2025: older than the DECISION_DAYS window, no longer news.
    assert not any(number in t for t in _titles(work_list(user("donvi")), "decisions"))
    Decision.objects.filter(pk=d.decision_id).update(signed_on=timezone.localdate() - timedelta(days=3))
    for username in ("donvi", "caobang"):
        assert any(number in t for t in _titles(work_list(user(username)), "decisions")), username
    for username in ("laichau", "trunguong"):
        assert not any(number in t for t in _titles(work_list(user(username)), "decisions")), username


def test_ballots_and_pact_for_a_member_of_an_open_year():
    from thidua.emulation import services as emulation
    from thidua.emulation.models import ClusterYear, Pact, PactSignature, VoteKind
    from thidua.notifications.models import Notification

    cy = ClusterYear.objects.get(year=2019)
    laichau, caobang = user("laichau"), user("caobang")
    cb_org = Organization.objects.get(kind="province", admin_code="04")
    today, now = timezone.localdate(), timezone.now()
    emulation.open_year(laichau, cy, theme="Đoàn kết, đổi mới", opened_on=today,
                        milestones={"pact": today + timedelta(days=2)}, copy_framework=True)
    assert Notification.objects.filter(user=caobang, key=f"cluster-year:{cy.pk}:open").exists()
    if not Pact.objects.filter(cluster_year=cy).exists():
        emulation.save_pact(laichau, cy, title="Giao ước thi đua năm 2019", commitments="Cam kết")
    PactSignature.objects.filter(pact__cluster_year=cy, member=cb_org).delete()
    pact = [i for s in work_list(caobang).sections if s.code == "pact" for i in s.items]
    assert [i.url for i in pact] == [f"/cum/{cy.pk}/nam/giao-uoc/"] and pact[0].deadline.due == today + timedelta(days=2)
    emulation.sign_pact(caobang, cy, cb_org, signatory="Nguyễn Văn A", position="Giám đốc Sở Nội vụ", signed_on=today)
    assert not [i for s in work_list(caobang).sections if s.code == "pact" for i in s.items]

    # A secret ballot open now: on every member's list until that member has voted.
    emulation.schedule_review(laichau, cy, title="Hội nghị tổng kết năm 2019", held_on=today, place="Lai Châu")
    candidates = list(cy.members.exclude(pk__in=[cy.chair_id, cb_org.pk]).order_by("name")[:2])
    session = emulation.open_vote(laichau, cy, kind=VoteKind.CHAIR, candidates=candidates,
                                  opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(hours=2))
    ballots = [i for s in work_list(caobang).sections if s.code == "ballots" for i in s.items]
    assert [i.url for i in ballots] == [f"/cum/{cy.pk}/nam/bo-phieu/{session.pk}/"]
    assert Notification.objects.filter(user=caobang, key=f"vote:{session.pk}:open").exists()
    assert not Notification.objects.filter(user=laichau, key=f"vote:{session.pk}:open").exists()  # who opened it
    emulation.cast_ballot(caobang, session, cb_org, candidates[:1])
    assert not [i for s in work_list(caobang).sections if s.code == "ballots" for i in s.items]
    assert [i for s in work_list(laichau).sections if s.code == "ballots" for i in s.items]  # not voted yet


def test_query_count_does_not_grow_with_the_rows(dept, unit):
    def count(username):
        u = get_user_model().objects.get(username=username)
        for attr in ("_thidua_scope", "_thidua_acting"):
            if hasattr(u, attr):
                delattr(u, attr)
        with CaptureQueriesContext(connection) as ctx:
            work_list(u)
        return len(ctx.captured_queries)

    before = count("caobang")
    for n in range(4):
        build("submitted", dept, unit, title=f"Hồ sơ {n}")
    build("decided", dept, unit, title="Hồ sơ quyết định")
    assert count("caobang") <= before + 1  # +1 at most: a section that was empty now has rows


def test_api_returns_the_same_list_and_is_scoped(dept, unit):
    build("submitted", dept, unit, title="Hồ sơ API")
    data = client_for("caobang").get("/api/v1/me/work").json()
    expected = work_list(user("caobang")).as_dict()
    assert data["total"] == expected["total"] and data["sections"] == expected["sections"]
    assert any(i["title"] == "Hồ sơ API" for s in data["sections"] for i in s["items"])
    other = client_for("laichau").get("/api/v1/me/work").json()
    assert not any(i["title"] == "Hồ sơ API" for s in other["sections"] for i in s["items"])
    assert Client().get("/api/v1/me/work").status_code in (401, 403)


def test_menu_counts_the_work_and_the_unread_notifications(dept, unit):
    build("submitted", dept, unit, title="Hồ sơ menu")
    page = client_for("caobang").get("/khen-thuong/").content.decode()
    total = work_list(user("caobang")).total
    assert f'data-count="work">{total}<' in page
    from thidua.notifications.services import unread_count

    assert f'data-count="unread">{unread_count(user("caobang"))}<' in page


def test_imports_to_finish_are_listed_for_the_uploader_only(settings, tmp_path):
    settings.THIDUA_IMPORT_DIR = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.lib.imports.helpers import PEOPLE_HEADER, xlsx
    from thidua.lib.imports import UploadStore

    stored = UploadStore.save(user("caobang"), "people", SimpleUploadedFile("ds.xlsx", xlsx([], PEOPLE_HEADER, "Cá nhân")))
    rows = [i for s in work_list(user("caobang")).sections if s.code == "imports" for i in s.items]
    assert [i.url for i in rows] == [f"/don-vi/nhap-ca-nhan/{stored.token}/"] and "ds.xlsx" in rows[0].title
    assert not [i for s in work_list(user("laichau")).sections if s.code == "imports" for i in s.items]
    stored.discard()
    assert not [i for s in work_list(user("caobang")).sections if s.code == "imports" for i in s.items]


def test_empty_list_for_the_central_board_says_so():
    page = client_for("kiemtra").get("/").content.decode()
    assert "Không có việc nào đang chờ bạn." in page


def test_due_status_counts_working_days():
    from thidua.nominations.workdays import Calendar
    from thidua.office.worklist import due_status

    cal = Calendar.of()
    friday = date(2026, 12, 4)
    st = due_status("x", "y", date(2026, 12, 8), friday, cal)  # Mon 7, Tue 8
    assert (st.days_left, st.overdue) == (2, False)
    st = due_status("x", "y", date(2026, 12, 3), friday, cal)
    assert st.overdue and st.days_left == -1


def test_the_menu_keeps_its_total_a_minute_and_forgets_it_after_a_write(dept, unit):
    """The menu's total is kept in the session for a minute (pages other than home do not recompute the work list);
    home always recomputes; the user's own POST forgets the kept total so the next page is exact."""
    c = client_for("caobang")
    first = c.get("/khen-thuong/").content.decode()
    total = work_list(user("caobang")).total
    assert f'data-count="work">{total}<' in first
    build("submitted", dept, unit, title="Hồ sơ đến sau")  # someone else's action: more work for caobang
    assert work_list(user("caobang")).total == total + 1
    with CaptureQueriesContext(connection) as kept_page:
        assert f'data-count="work">{total}<' in c.get("/khen-thuong/").content.decode()  # kept (≤ 1 minute old)
    c.get("/", follow=True)  # home computes the list and refreshes the kept total
    assert f'data-count="work">{total + 1}<' in c.get("/khen-thuong/").content.decode()
    # Without a kept total the same page computes the work list.
    session = c.session
    del session["thidua_work_total"]
    session.save()
    with CaptureQueriesContext(connection) as fresh_page:
        c.get("/khen-thuong/")
    assert len(fresh_page) >= len(kept_page) + 5, (len(fresh_page), len(kept_page))
    # A write by the user (even a refused one) forgets the kept total.
    session = c.session
    session["thidua_work_total"] = [999, session["thidua_work_total"][1]]
    session.save()
    assert 'data-count="work">999<' in c.get("/khen-thuong/").content.decode()
    assert c.post("/thong-bao/da-doc-het/").status_code == 302  # a write answered by a redirect: no page drawn
    assert f'data-count="work">{total + 1}<' in c.get("/khen-thuong/").content.decode()


def test_home_does_not_save_the_session_for_an_unchanged_fresh_total(dept, unit):
    """Home recomputes the list each time, but an unchanged total kept under half a minute ago stays as it is (no
    session write); a changed total, or one kept longer ago, is written again with the time it was computed."""
    import time

    c = client_for("caobang")
    c.get("/")
    kept = c.session["thidua_work_total"]
    assert kept[0] == work_list(user("caobang")).total

    def session_writes():
        with CaptureQueriesContext(connection) as queries:
            c.get("/")
        return [q["sql"] for q in queries if "django_session" in q["sql"] and q["sql"].startswith("UPDATE")]

    assert session_writes() == []
    assert c.session["thidua_work_total"] == kept
    build("submitted", dept, unit, title="Hồ sơ đến sau")  # the total changes: written again
    assert len(session_writes()) == 1
    assert c.session["thidua_work_total"][0] == kept[0] + 1
    session = c.session  # kept 40 s ago, the same total: refreshed
    session["thidua_work_total"] = [kept[0] + 1, time.time() - 40]
    session.save()
    assert len(session_writes()) == 1
    assert time.time() - c.session["thidua_work_total"][1] < 5
