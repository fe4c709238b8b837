"""The nomination pages in Debian's Chromium against a real `thidua demo` server: no Content-Security-Policy
violation, the QR code drawn, a member's secret ballot through the form, the public verification page."""

import pytest

from tests.browser.test_dashboard_browser import login, settle

pytestmark = pytest.mark.browser


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
