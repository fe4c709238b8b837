"""The nomination pages in Debian's Chromium against a real `thidua demo` server: no Content-Security-Policy
violation, the QR code drawn, a member's secret ballot through the form, the public verification page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NAVIGATION_TIMEOUT_MS, TIMEOUT_MS
from tests.browser.test_dashboard_browser import login, settle

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}


def test_nomination_pages_in_the_browser(page, demo_server):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, demo_server, "caobang", "thidua2018")
    page.goto(demo_server + "/ho-so/cho-xu-ly/")
    settle(page)
    assert page.locator("#inbox tbody tr").count() >= 2
    assert "ngày làm việc" in page.locator("#inbox").inner_text()
    page.locator("#inbox a", has_text="Chiến sĩ thi đua").first.click()
    settle(page)
    assert page.locator("#prizes").is_visible() and page.locator("#timeline li").count() >= 8
    page.locator("#items a", has_text="sổ vàng").first.click()
    settle(page)
    qr = page.locator("#certificate svg")
    assert qr.is_visible() and qr.bounding_box()["width"] > 50
    verify = page.locator("a", has_text="Trang xác minh công khai").get_attribute("href")
    page.goto(demo_server + "/ho-so/")
    settle(page)
    assert page.locator("table tbody tr").count() >= 3
    page.context.clear_cookies()  # the verification page needs no login
    page.goto(verify)
    settle(page)
    assert "Còn hiệu lực" in page.locator("#status").inner_text()
    assert violations == [], "\n".join(violations)


def choose(page, name: str, text: str) -> None:
    """Pick the first option of <select name=…> whose label contains `text`."""
    select = page.locator(f"select[name={name}]")
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def save(page) -> None:
    page.locator("form.card-section button", has_text="Lưu").click()
    settle(page)


def move(page, transition: str) -> None:
    page.locator(f"button[data-transition={transition}]").click()
    settle(page)


@pytest.mark.parametrize("size", list(SIZES))
def test_a_dossier_from_a_unit_to_a_verified_certificate(size, chromium_browser, demo_server):
    """The whole path in the browser, on a desktop and on a phone: a department's officer proposes, the province
    receives, appraises, proposes for decision and records the decision; the certificate's public page says it is
    valid. On the phone no page scrolls sideways."""
    width, height = SIZES[size]
    context = chromium_browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                           has_touch=size == "phone")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page = context.new_page()
    widths: list[tuple[str, int]] = []
    page.on("load", lambda p: widths.append((p.url, p.evaluate("document.documentElement.scrollWidth"))))
    number = {"desktop": "999/QĐ-UBND", "phone": "998/QĐ-UBND"}[size]
    login(page, demo_server, "donvi", "thidua2018")
    page.goto(demo_server + "/ho-so/tao/")
    settle(page)
    page.fill("input[name=year]", "2024")
    page.fill("input[name=title]", f"Đề nghị tặng Bằng khen năm 2024 (kiểm thử trình duyệt, {size})")
    save(page)
    dossier_url = page.url
    assert "/ho-so/" in dossier_url and "Bằng khen năm 2024 (kiểm thử" in page.locator("h1").inner_text()
    page.locator("a", has_text="Thêm người, tập thể").click()
    settle(page)
    # The picker renders only the chosen option: typing asks the server (htmx) for matching people of the unit.
    page.fill("input[name=person_q]", "n")
    # Each size proposes another person (one achievement is proposed once).
    person = page.locator("select[name=person] option:not([disabled]):not([value=''])").nth(list(SIZES).index(size))
    person.wait_for(state="attached")
    name = person.inner_text().split(" — ")[0]
    page.locator("select[name=person]").select_option(person.get_attribute("value"))
    choose(page, "award_type", "Bằng khen")
    page.fill("textarea[name=achievement]", "Hoàn thành xuất sắc nhiệm vụ hai năm liên tục.")
    save(page)
    assert page.locator("#items").count(), page.locator("main").inner_text()[:1500]
    assert name in page.locator("#items").inner_text()
    move(page, "submit")
    confirm = page.locator("button", has_text="Vẫn gửi hồ sơ")  # asked when no nominee meets the conditions
    sent = page.locator("#timeline li").nth(1)
    expect(confirm.or_(sent)).to_be_visible()  # the POST's answer has arrived, whichever it is
    if confirm.is_visible():
        confirm.click()
        settle(page)
    expect(sent).to_be_visible()

    page.context.clear_cookies()
    login(page, demo_server, "caobang", "thidua2018")
    page.goto(demo_server + "/ho-so/cho-xu-ly/")
    settle(page)
    assert f"kiểm thử trình duyệt, {size}" in page.locator("#inbox").inner_text()
    page.goto(dossier_url)
    settle(page)
    for transition in ("receive", "appraise", "propose"):
        move(page, transition)
    page.locator("a", has_text="Ghi quyết định khen thưởng").click()
    settle(page)
    page.fill("input[name=number]", number)
    page.fill("input[name=signed_on]", "2025-01-20")
    page.fill("input[name=signer_name]", "Người ký kiểm thử")
    override = page.locator("[name=override_reason]")
    if override.count():  # a nominee short of the conditions is decided only with a recorded reason
        override.fill("Thành tích đột xuất (kiểm thử trình duyệt)")
    save(page)
    assert number in page.locator("body").inner_text()
    page.locator("#items a", has_text="sổ vàng").first.click()
    settle(page)
    assert name in page.locator("body").inner_text()
    verify = page.locator("a", has_text="Trang xác minh công khai").get_attribute("href")
    page.context.clear_cookies()
    page.goto(verify)
    settle(page)
    assert "Còn hiệu lực" in page.locator("#status").inner_text() and name in page.locator("body").inner_text()
    assert number in page.locator("body").inner_text()
    too_wide = [(url, w) for url, w in widths if w > width]
    assert not too_wide, f"pages wider than the {width} px screen: {too_wide}"
    context.close()
