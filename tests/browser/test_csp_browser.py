"""The Content-Security-Policy in a real browser: no page of the product, nor the Swagger UI, triggers a CSP
violation, and the pages still work (Bootstrap styles, htmx, the Swagger UI renders the schema)."""

import pytest
from playwright.sync_api import expect

from .test_dashboard_browser import login, open_cluster_year_2018, settle

pytestmark = pytest.mark.browser


def test_no_csp_violation_anywhere(page, demo_server):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    response = page.goto(demo_server + "/dang-nhap/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    login(page, demo_server)
    dashboard = open_cluster_year_2018(page, demo_server)
    urls = [dashboard, dashboard + "dien-hinh/", dashboard + "chi-tieu/THU_NSNN/", "/khen-thuong/", "/don-vi/"]
    for url in urls:
        page.goto(demo_server + url)
        settle(page)
    # Bootstrap is applied (navbar laid out as flex), i.e. the stylesheet was not blocked.
    assert page.locator("nav.navbar").evaluate("e => getComputedStyle(e).display") == "flex"
    page.goto(demo_server + "/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("thidua API", timeout=30_000)
    expect(page.locator(".opblock").first).to_be_visible()
    assert violations == [], "\n".join(violations)
    # Control: an inline style is refused and reported, so the listener above does see violations.
    with page.expect_console_message(lambda msg: "Content Security Policy" in msg.text, timeout=5_000):
        page.evaluate("document.body.setAttribute('style', 'background: red')")
    assert violations and "style-src" in violations[0]
