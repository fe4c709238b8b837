"""The Central Board's national page in a real browser (issue 14 part 5): every cluster and block of 2018, the
consolidation of the Government flag proposals run from its page, the Word summary downloaded. Desktop and a
390-px phone (no sideways scroll). Screenshots in var/screens/national/."""

import pytest
from playwright.sync_api import expect

from . import test_role_days_browser as roles
from .conftest import REPO_ROOT
from .test_dashboard_browser import login, settle
from .test_role_days_browser import check_layout

pytestmark = pytest.mark.browser

SCREENS = REPO_ROOT / "var" / "screens" / "national"
sized_page = roles.sized_page  # desktop (1440×900) and phone (390×844)


def test_central_board_consolidates_the_flag_proposals_of_every_cluster(sized_page, demo_server):
    size, width, page = sized_page
    SCREENS.mkdir(parents=True, exist_ok=True)
    login(page, demo_server, "trunguong")
    page.goto(demo_server + "/cum/")
    settle(page)
    page.get_by_role("link", name="Cụm, khối thi đua toàn quốc").click()
    page.wait_for_load_state("load")
    settle(page)
    rows = page.locator("table[data-national] tbody tr[data-cluster]")
    expect(rows).to_have_count(12)  # the nine clusters of provinces and the three blocks of 2018
    expect(page.locator("[data-illustrative]")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Cụm thi đua các tỉnh Tây Nam Bộ")
    check_layout(page, size, width, "national page")
    page.screenshot(path=str(SCREENS / f"national-{size}.png"), full_page=size == "desktop")
    page.get_by_role("link", name="Tổng hợp đề nghị Cờ thi đua của Chính phủ").click()
    page.wait_for_load_state("load")
    page.locator("button[data-run]").click()
    page.wait_for_load_state("load")
    settle(page)
    expect(page.locator("main")).to_contain_text("Đã tổng hợp")
    expect(page.locator("[data-last-run]")).to_be_visible()
    expect(page.locator("table[data-flags]")).to_contain_text("Vượt tỷ lệ")
    check_layout(page, size, width, "flag consolidation")
    page.screenshot(path=str(SCREENS / f"flags-{size}.png"), full_page=size == "desktop")
    if size == "desktop":  # the download once is enough
        with page.expect_download() as download:
            page.locator("a[data-summary]").click()
        assert download.value.suggested_filename.endswith(".docx")

