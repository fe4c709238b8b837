"""A day of each role in a real browser, at desktop size (1440×900) and on a phone (390×844).

The province officer, the cluster chair, the Central Board and a department's unit officer each log in at the
Vietnamese address, open the pages of their day from the menu and do their everyday step. On every page: no
sideways scroll (document.scrollWidth ≤ the screen's width), the language switch fully on screen; on the phone the
menu is collapsed behind its button and opens when touched. Screenshots go to var/screens/roles/.
"""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from .conftest import NAVIGATION_TIMEOUT_MS, REPO_ROOT, TIMEOUT_MS
from .test_dashboard_browser import login, settle

pytestmark = pytest.mark.browser

SCREENS = REPO_ROOT / "var" / "screens" / "roles"
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.fixture(params=list(VIEWPORTS))
def sized_page(request, chromium_browser):
    width, height = VIEWPORTS[request.param]
    context = chromium_browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                           has_touch=request.param == "phone")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield request.param, width, page
    finally:
        context.close()


def cluster_year_path(page: Page, base_url: str, year: int) -> str:
    """The dashboard of the cluster's `year`, found from the list of clusters as a user would."""
    page.goto(base_url + "/cum/")
    settle(page)
    # The reference cluster's year (the Central Board sees every Central Council cluster of the demo).
    link = (page.locator("a[href^='/cum/']").filter(has_text=re.compile(rf"năm {year}\b"))
            .filter(has_text="miền núi biên giới phía Bắc").first)
    return urlparse(link.get_attribute("href")).path


def check_layout(page: Page, size: str, width: int, where: str) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{where}: the page is {scroll_width} px wide on a {width} px screen ({size})"
    en = page.locator(".lang-switch button[value=en]")
    box = en.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{where}: EN button cut off"
    toggler = page.locator(".navbar-toggler")
    if page.locator("#main-menu").count() == 0:  # anonymous pages have no menu
        return
    if size == "phone":
        expect(toggler).to_be_visible()
        assert toggler.bounding_box()["height"] >= 44, f"{where}: the menu button is smaller than a finger"
        expect(page.locator("#main-menu .nav-link").first).to_be_hidden()
    else:
        expect(toggler).to_be_hidden()
        expect(page.locator("#main-menu .nav-link").first).to_be_visible()


def visit(page: Page, base_url: str, path: str, size: str, width: int) -> None:
    response = page.goto(base_url + path)
    assert response is not None and response.ok, f"{path}: HTTP {response.status if response else '?'}"
    settle(page)
    check_layout(page, size, width, path)


def open_menu_and_go(page: Page, size: str, label: str) -> None:
    """Follow a menu entry as a user would: on the phone, touch the menu button first."""
    if size == "phone":
        page.locator(".navbar-toggler").click()
        expect(page.locator("#main-menu")).to_have_class(re.compile(r"\bshow\b"))
    link = page.locator("#main-menu .nav-link", has_text=label).first
    expect(link).to_be_visible()
    link.click()
    page.wait_for_load_state("load")
    settle(page)


def shot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=False)


def test_login_page_at_its_vietnamese_address_and_the_old_one_redirects(sized_page, demo_server):
    size, width, page = sized_page
    page.goto(demo_server + "/accounts/login/?next=/khen-thuong/")
    assert urlparse(page.url).path == "/dang-nhap/"
    check_layout(page, size, width, "/dang-nhap/")
    shot(page, f"login-{size}")


def test_province_officer_day(sized_page, demo_server):
    size, width, page = sized_page
    login(page, demo_server, "caobang")
    check_layout(page, size, width, "home")
    # Registry: a search without diacritics finds the province's records; the table scrolls inside its card.
    open_menu_and_go(page, size, "Sổ khen thưởng")
    page.locator("input[name=q]").fill("cao bang")
    page.locator("input[name=q]").press("Enter")
    settle(page)
    expect(page.locator("table tbody tr").first).to_contain_text("Cao Bằng")
    check_layout(page, size, width, "registry search")
    if size == "phone":  # the other filters fold away: the first result is on the first screen
        expect(page.locator("#registry-more")).to_be_hidden()
        assert page.locator("table tbody tr").first.bounding_box()["y"] < 844
        page.locator("#registry-more-toggle").click()
        expect(page.locator("#registry-more select[name=level]")).to_be_visible()
    shot(page, f"province-officer-registry-{size}")
    # Eligibility, the dossiers waiting for the office, the organisations, the 2018 dashboard.
    for path in ("/xet-dieu-kien/", "/ho-so/cho-xu-ly/", "/ho-so/", "/don-vi/", "/khen-thuong/bieu-thong-ke/"):
        visit(page, demo_server, path, size, width)
    dashboard = cluster_year_path(page, demo_server, 2018)
    visit(page, demo_server, dashboard, size, width)
    expect(page.locator("body")).to_contain_text("26.174")
    shot(page, f"province-officer-dashboard-{size}")


def test_cluster_chair_day(sized_page, demo_server):
    size, width, page = sized_page
    login(page, demo_server, "laichau")
    dashboard = cluster_year_path(page, demo_server, 2019)
    visit(page, demo_server, dashboard, size, width)
    # A year without records says so instead of zeros, dashes or an empty chart.
    text = page.locator("main").inner_text()
    assert "Chưa có số liệu" in text and "0 điển hình" not in text
    shot(page, f"cluster-chair-2019-dashboard-{size}")
    # The year's steps, its vote sessions, the chair's tabs that scroll sideways inside their bar only.
    visit(page, demo_server, dashboard + "nam/", size, width)
    expect(page.locator("#timeline > li")).to_have_count(10)
    shot(page, f"cluster-chair-2019-steps-{size}")
    visit(page, demo_server, dashboard + "nam/bo-phieu/", size, width)
    if size == "phone":
        register_on_a_phone(page, demo_server, dashboard, width)
    visit(page, demo_server, "/ho-so/cho-xu-ly/", size, width)
    open_menu_and_go(page, size, "Cụm, khối thi đua")
    check_layout(page, size, width, "home from the menu")


def register_on_a_phone(page: Page, base_url: str, dashboard: str, width: int) -> None:
    """The chair's own province registers its 2019 plan and titles on a phone (opening the year first when the
    cluster-year walk has not): typed in Vietnamese number format, saved, shown back."""
    visit(page, base_url, dashboard + "nam/dang-ky/", "phone", width)
    if page.locator("#form-dang-ky").count() == 0:  # the year is not open yet: the chair opens it
        visit(page, base_url, dashboard + "nam/mo/", "phone", width)
        page.locator("input[name=theme]").fill("Đoàn kết, đổi mới, thi đua hoàn thành nhiệm vụ")
        page.locator("input[name=opened_on]").fill("15/01/2019")
        page.locator("#form-mo-nam button.btn-primary").click()
        settle(page)
        visit(page, base_url, dashboard + "nam/dang-ky/", "phone", width)
    plan = page.locator("#form-dang-ky input[name^=plan_]").first
    plan.fill("1.250,5")
    page.locator("#form-dang-ky input[name=titles]").first.check()
    page.locator("#form-dang-ky button.btn-primary").click()
    settle(page)
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#form-dang-ky input[name^=plan_]").first).to_have_value("1.250,5")
    check_layout(page, "phone", width, "registration saved")
    shot(page, "cluster-chair-2019-registration-phone")


def test_central_board_day(sized_page, demo_server):
    size, width, page = sized_page
    login(page, demo_server, "trunguong")
    if size == "phone":  # the menu, open, as a phone shows it
        page.locator(".navbar-toggler").click()
        expect(page.locator("#main-menu")).to_have_class(re.compile(r"\bshow\b"))
        shot(page, "central-board-menu-phone")
        page.locator(".navbar-toggler").click()
    dashboard = cluster_year_path(page, demo_server, 2018)
    visit(page, demo_server, dashboard, size, width)
    for figure in ("26.174", "52,48%"):
        expect(page.locator("main")).to_contain_text(figure)
    shot(page, f"central-board-dashboard-{size}")
    for path in ("/khen-thuong/", "/nhat-ky/", "/can-cu-phap-ly/", "/khen-thuong/bieu-thong-ke/", "/cong-viec/"):
        visit(page, demo_server, path, size, width)
    open_menu_and_go(page, size, "Nhật ký")
    assert urlparse(page.url).path == "/nhat-ky/"
    shot(page, f"central-board-audit-{size}")


def test_unit_officer_day(sized_page, demo_server):
    size, width, page = sized_page
    login(page, demo_server, "donvi")
    check_layout(page, size, width, "home")
    open_menu_and_go(page, size, "Hồ sơ đề nghị")
    check_layout(page, size, width, "dossiers")
    for path in ("/ho-so/", "/ho-so/tao/", "/khen-thuong/nhap/", "/xet-dieu-kien/", "/khen-thuong/"):
        visit(page, demo_server, path, size, width)
    # A dossier of the unit, when the demo has one: its items and checks fit the screen too.
    visit(page, demo_server, "/ho-so/", size, width)
    first = page.locator("main a[href^='/ho-so/']").filter(has_text=re.compile(r"\S")).first
    href = first.get_attribute("href") if first.count() else None
    if href and re.match(r"^/ho-so/\d+/$", href):
        visit(page, demo_server, href, size, width)
        shot(page, f"unit-officer-dossier-{size}")
