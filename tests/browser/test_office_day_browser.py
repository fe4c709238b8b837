"""A day in the office, in Debian's Chromium against a real `thidua demo` server, at desktop (1440×900) and phone
(390×844) size: a council member finds the council session on the home page "Việc của tôi"; the province's office
adjourns the session that has no quorum to the next working day (the date field prefilled, as the browser
accepts it); five members vote in the new session and the office finishes it with its quorum; notifications and
the home pages of three roles are kept as screenshots in var/screens/office/ (docs/screenshots holds the chosen
ones: a test run must not change tracked files)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.test_dashboard_browser import login, settle, visible_text

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screens" / "office"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "thidua2018"


def _page(browser, viewport, *, mobile=False):
    context = browser.new_context(viewport=viewport, locale="vi-VN", has_touch=mobile,
                                  device_scale_factor=2 if mobile else 1)
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(60_000)
    return context, context.new_page()


def _session_link(page):
    """The council section of the home page and its link to the pending dossier's session."""
    section = page.locator("#work-council")
    assert section.is_visible(), "no council section on the home page:\n" + visible_text(page)[:1500]
    link = section.locator("a.work-title", has_text="phiên họp ngày").first
    return section, link


def _vote_yes(browser, base_url, username, viewport, mobile=False, shot: str | None = None):
    context, page = _page(browser, viewport, mobile=mobile)
    try:
        login(page, base_url, username, PASSWORD)  # a real password: the demo council accounts work
        page.goto(base_url + "/")
        settle(page)
        section, link = _session_link(page)
        if shot:
            page.screenshot(path=str(SHOTS / shot), full_page=True)
        link.click()
        settle(page)
        ballot = page.locator("#ballot")
        for radio in ballot.locator("input[type=radio][value=yes]").all():
            ballot.locator(f"label[for={radio.get_attribute('id')}]").click()
            assert radio.is_checked()
        ballot.locator("button", has_text="Bỏ phiếu").click()
        settle(page)
        page.locator("button", has_text="Xác nhận bỏ phiếu").click()  # nothing is recorded before the confirmation
        settle(page)
        assert "Đã ghi nhận phiếu của bạn" in visible_text(page), visible_text(page)[:1500]
        # Voted: the session leaves the member's work list.
        page.goto(base_url + "/")
        settle(page)
        assert page.locator("#work-council a.work-title", has_text="phiên họp ngày").count() == 0
    finally:
        context.close()


def test_a_council_members_day_and_the_office_adjourning_then_finishing(chromium_browser, demo_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = demo_server

    # 1. A council member (desktop) finds the session on the home page, with its date in working days.
    context, page = _page(chromium_browser, DESKTOP)
    login(page, base, "hoidong3", PASSWORD)
    page.goto(base + "/")
    settle(page)
    assert page.locator("h1", has_text="Việc của tôi").is_visible()
    section, link = _session_link(page)
    assert "Bỏ phiếu" in section.inner_text()
    count = page.locator("[data-count=work]").inner_text()
    assert int(count) >= 1
    page.screenshot(path=str(SHOTS / "home-council-member.png"), full_page=True)
    context.close()

    # 2. The province's office: the session has no quorum yet; it adjourns it to the next working day.
    context, office = _page(chromium_browser, DESKTOP)
    login(office, base, "caobang", PASSWORD)
    office.goto(base + "/")
    settle(office)
    office.screenshot(path=str(SHOTS / "home-province-office.png"), full_page=True)
    office.locator("#work-council a.work-title", has_text="phiên họp ngày").first.click()
    settle(office)
    assert "Chưa đủ số thành viên dự họp" in office.locator("#quorum-state").inner_text()
    assert office.locator("#close-session").is_disabled()
    held_on = office.locator("#end-session input[name=held_on]")
    value = held_on.input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), f"date field shows nothing: value {value!r}"
    office.locator("#end-session input[name=reason]").fill("Không đủ số thành viên dự họp (3/7 vắng do công tác).")
    office.locator("#adjourn").click()
    settle(office)
    text = visible_text(office)
    assert "Đã hoãn phiên họp; họp lại ngày" in text and "Họp lại thay cho phiên ngày" in text, text[:1500]
    new_session_url = office.url

    # 3. Five members vote in the new session: two at desktop size, three on a phone.
    _vote_yes(chromium_browser, base, "hoidong3", DESKTOP)
    _vote_yes(chromium_browser, base, "hoidong", DESKTOP)
    _vote_yes(chromium_browser, base, "hoidong2", PHONE, mobile=True, shot="home-council-member-phone.png")
    _vote_yes(chromium_browser, base, "hoidong4", PHONE, mobile=True)
    _vote_yes(chromium_browser, base, "hoidong5", PHONE, mobile=True)

    # 4. The office finishes the session with its quorum and publishes the result.
    office.goto(new_session_url)
    settle(office)
    assert "Đã đủ số thành viên dự họp: 5 có mặt, cần 5" in office.locator("#quorum-state").inner_text()
    office.locator("#close-session").click()
    settle(office)
    assert "Đã kết thúc phiên họp và công bố kết quả" in visible_text(office)
    assert office.locator("#session-status").inner_text() == "Đã kết thúc"
    assert office.locator("#results tbody tr").count() >= 1

    # 5. Notifications: the members were told of the adjourned session and the new one.
    context.close()
    context, page = _page(chromium_browser, DESKTOP)
    login(page, base, "hoidong6", PASSWORD)
    page.goto(base + "/thong-bao/")
    settle(page)
    items = page.locator("#notifications li")
    assert items.filter(has_text="Hoãn: phiên họp").count() >= 1
    unread = int(page.locator("[data-count=unread]").inner_text())
    assert unread >= 2
    page.screenshot(path=str(SHOTS / "notifications.png"), full_page=True)
    page.locator("#read-all").click()
    settle(page)
    assert page.locator("[data-count=unread]").count() == 0
    context.close()

    # 6. A department's officer: their drafts and the decisions for their unit, not "no cluster".
    context, page = _page(chromium_browser, DESKTOP)
    login(page, base, "donvi", PASSWORD)
    page.goto(base + "/")
    settle(page)
    text = visible_text(page)
    assert "chưa tham gia cụm nào" not in text and "Hồ sơ chờ tôi" in text
    page.screenshot(path=str(SHOTS / "home-unit-officer.png"), full_page=True)
    context.close()
