"""The cluster-year pages in a real browser: Lai Châu (the 2019 chair) finds the 2019 year from the home page,
sees its timeline, opens the year copying 2018's framework (the demo path), and edits a criterion in place (htmx).

Screenshots go to var/screens/. The year is opened in the session's demo server; if another test opened it
already, the opening part is skipped (the rest holds either way).
"""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from .conftest import NAVIGATION_TIMEOUT_MS, REPO_ROOT
from .test_dashboard_browser import describe_missing, login, missing_tokens, settle, visible_text

pytestmark = pytest.mark.browser

SCREENS = REPO_ROOT / "var" / "screens"
STEPS = ["Mở năm thi đua", "Đăng ký chỉ tiêu, danh hiệu", "Ký giao ước thi đua", "Báo cáo sơ kết 6 tháng",
         "Báo cáo kết quả cả năm", "Tự chấm điểm", "Chấm chéo", "Cụm trưởng tổng hợp, khóa điểm",
         "Bỏ phiếu tại hội nghị tổng kết", "Trao cờ luân lưu, mở năm sau"]
YEAR_PATH = re.compile(r"^/cum/\d+/nam/$")


def open_2019_overview(page: Page, base_url: str) -> str:
    """From the home page, follow the 2019 row's link to the year's steps; return the overview's path."""
    page.goto(base_url + "/cum/")
    settle(page)
    row = page.locator("tr").filter(has_text=re.compile(r"(?<![\d.])2019(?!\d)"))
    assert row.count() > 0, "no 2019 cluster year on the home page:\n" + visible_text(page)[:1500]
    row.first.locator("a[href$='/nam/']").click()
    page.wait_for_url(lambda url: YEAR_PATH.match(urlparse(url).path) is not None, timeout=NAVIGATION_TIMEOUT_MS)
    settle(page)
    return urlparse(page.url).path


def test_chair_sees_the_2019_timeline_and_opens_the_year(page: Page, demo_server):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    SCREENS.mkdir(parents=True, exist_ok=True)
    login(page, demo_server, "laichau")
    overview = open_2019_overview(page, demo_server)

    # The timeline: the ten steps, in order, each with its state; the role is shown.
    steps = page.locator("#timeline > li")
    expect(steps).to_have_count(10)
    titles = [t.strip() for t in page.locator("#timeline .tl-title").all_inner_texts()]
    assert [re.sub(r"^\d+\.\s*", "", t) for t in titles] == STEPS
    # The 2019 pact was signed at the 2018 conference, but no step is done before the year is opened.
    opened = page.locator("#buoc-open").get_attribute("data-state") == "done"
    assert page.locator("#buoc-pact").get_attribute("data-state") == ("done" if opened else "pending")
    expect(page.locator(".year-roles")).to_contain_text("Cụm trưởng")
    page.screenshot(path=str(SCREENS / "cluster-year-2019.png"), full_page=True)

    if page.locator("#buoc-open").get_attribute("data-state") != "done":
        # The chair's only action before opening: open the year, with 2018's framework copied.
        actions = page.locator("#timeline .tl-actions a.btn-primary")
        expect(actions).to_have_count(1)
        actions.first.click()
        page.wait_for_url(lambda url: urlparse(url).path.endswith("/nam/mo/"), timeout=NAVIGATION_TIMEOUT_MS)
        settle(page)
        expect(page.locator("input[name=copy_framework]")).to_be_checked()
        expect(page.locator("input[name=theme]")).not_to_have_value("")
        page.locator("input[name=theme]").fill("Đoàn kết, kỷ cương, sáng tạo, thi đua hoàn thành thắng lợi nhiệm vụ")
        page.locator("input[name=opened_on]").fill("15/01/2019")
        page.screenshot(path=str(SCREENS / "cluster-year-2019-open.png"), full_page=True)
        page.locator("#form-mo-nam button.btn-primary").click()
        page.wait_for_url(lambda url: urlparse(url).path == overview, timeout=NAVIGATION_TIMEOUT_MS)
        settle(page)
        missing = missing_tokens(page, ["Đã mở năm thi đua 2019", "12 tiêu chí", "15/01/2019"])
        assert not missing, describe_missing(page, missing)
        assert page.locator("#buoc-pact").get_attribute("data-state") == "done"  # once open, the signatures count
    assert page.locator("#buoc-open").get_attribute("data-state") == "done"
    expect(page.locator("#timeline")).to_contain_text("Sửa khung tiêu chí, chỉ tiêu")
    page.screenshot(path=str(SCREENS / "cluster-year-2019-opened.png"), full_page=True)

    # The framework editor: "Sửa" swaps the criterion's form in place (htmx), without leaving the page.
    page.goto(demo_server + overview + "khung/")
    settle(page)
    expect(page.locator("#max-total")).to_have_text("100")
    before = page.url
    page.locator("#tieu-chi-B4 a", has_text="Sửa").click()
    expect(page.locator("#form-tieu-chi .card-header")).to_contain_text("Sửa tiêu chí B4")
    expect(page.locator("#form-tieu-chi input[name=max_points]")).to_have_value("20")
    assert page.url == before  # swapped by htmx, no navigation
    page.screenshot(path=str(SCREENS / "cluster-year-2019-framework.png"), full_page=True)
    assert violations == [], "\n".join(violations)
