"""The 2018 cluster-year dashboard in a real browser: login, figures, drill-down to the registry, access.

Figures are those of the reference scenario (shared/domain/seed-scenario.md), in Vietnamese formats.
"""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import NAVIGATION_TIMEOUT_MS, REPO_ROOT, TIMEOUT_MS

pytestmark = pytest.mark.browser

USERNAME, PASSWORD = "caobang", "thidua2018"
LOGIN_PATH = "/dang-nhap/"
SCREENSHOT = REPO_ROOT / "var" / "screenshots" / "dashboard.png"
DASHBOARD_FIGURES = [
    "26.174", "104,3%", "99.555", "108,1%", "118%", "121%", "219", "19,1%", "7/7", "180", "567",
    "52,48%", "7.521", "11.976", "50,11%", "42", "14", "Lai Châu", "Sơn La",
]  # fmt: skip
CLUSTER_YEAR_PATH = re.compile(r"^/cum/\d+/$")


def token(text: str) -> re.Pattern:
    """`text` as a whole token: "14" matches "14" but not "1.514", "140", "14,5" or "14%"."""
    before = r"(?<!\d)(?<!\d[.,])" if text[0].isdigit() else r"(?<!\w)"
    if text[-1].isdigit():
        after = r"(?![\d%])(?![.,]\d)"
    else:
        after = r"(?!\w)" if text[-1].isalnum() else ""
    return re.compile(before + re.escape(text) + after, re.IGNORECASE)  # IGNORECASE: CSS text-transform


def visible_text(page: Page) -> str:
    return page.locator("body").inner_text()


# While htmx has a request in flight, or is swapping or settling its answer, some element carries one of these
# classes (the request class stays on until the swap is done, the settling class for the settle delay after it).
HTMX_IDLE = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def settle(page: Page) -> None:
    """Wait until the page has loaded and htmx has nothing in flight. A click or key press that navigates waits
    for the new page to start loading, so `load` is the new page's. Waiting for the condition, not for 500 ms
    without network traffic (Playwright's `networkidle`): 0.5 s saved at each of ~180 calls."""
    for _ in range(3):  # a swap may navigate (a redirect), destroying the context the condition runs in
        page.wait_for_load_state("load")
        try:
            page.wait_for_function(HTMX_IDLE, timeout=15_000)
            return
        except PlaywrightTimeout:  # a long poll; the assertions below retry anyway
            return
        except PlaywrightError as exc:
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise


# (base URL, username) → the session cookies of the first login through the form; later logins reuse them.
_SESSIONS: dict[tuple[str, str], list] = {}


def login(page: Page, base_url: str, username: str = USERNAME, password: str = PASSWORD) -> None:
    """Log in as `username`: through the login form the first time in the session (the form is tested once per
    persona), then by giving the page's context that login's cookies and opening the home page."""
    cookies = _SESSIONS.get((base_url, username))
    if cookies:
        page.context.add_cookies(cookies)
        page.goto(base_url + "/")
        settle(page)
        if urlparse(page.url).path != LOGIN_PATH:
            return
        page.context.clear_cookies()  # the session ended: log in through the form again
    page.goto(base_url + LOGIN_PATH)
    settle(page)
    form = page.locator("form").filter(has=page.locator("input[name=username]")).first
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit], input[type=submit], button:not([type])").first.click()
    try:
        page.wait_for_url(lambda url: urlparse(url).path != LOGIN_PATH, timeout=NAVIGATION_TIMEOUT_MS)
    except PlaywrightTimeout as exc:
        raise AssertionError(
            f"login as {username} failed; the page says:\n{visible_text(page)[:1500]}"
        ) from exc
    settle(page)
    _SESSIONS[(base_url, username)] = page.context.cookies()


def open_cluster_year_2018(page: Page, base_url: str) -> str:
    """From the home page, follow the link to the 2018 cluster year; return the dashboard's path."""
    page.goto(base_url + "/cum/")
    settle(page)
    # The year as a whole number: "2018", not "2.018" (a year is never grouped), not "12018".
    links = page.locator("a[href*='/cum/']").filter(has_text=re.compile(r"(?<![\d.])2018(?!\d)"))
    if links.count() == 0:
        links = page.locator("a").filter(has_text=re.compile(r"(?<![\d.])2018(?!\d)"))
    if links.count() == 0:
        shown = [f"{a.inner_text()!r} -> {a.get_attribute('href')}" for a in page.locator("a").all()]
        raise AssertionError("no link to the 2018 cluster year on the home page; links:\n" + "\n".join(shown))
    links.first.click()
    page.wait_for_url(lambda url: "/cum/" in urlparse(url).path, timeout=NAVIGATION_TIMEOUT_MS)
    settle(page)
    path = urlparse(page.url).path
    assert CLUSTER_YEAR_PATH.match(path), f"the 2018 link led to {page.url}"
    return path


def missing_tokens(page: Page, texts: list[str]) -> list[str]:
    """The texts not shown on the page, waiting generously for the first and briefly for the rest."""
    body, missing = page.locator("body"), []
    for text in texts:
        try:
            expect(body).to_contain_text(
                token(text), use_inner_text=True, timeout=TIMEOUT_MS if not missing else 2_000
            )
        except AssertionError:
            missing.append(text)
    return missing


def describe_missing(page: Page, missing: list[str]) -> str:
    dom = page.locator("body").text_content() or ""
    hidden = [t for t in missing if token(t).search(dom)]
    return (
        f"not shown on {page.url}: {missing}"
        + (f" (in the DOM but hidden: {hidden})" if hidden else "")
        + f"\n--- visible text ---\n{visible_text(page)[:3000]}"
    )


@pytest.fixture(scope="module")
def dashboard_path(chromium_browser, demo_server) -> str:
    context = chromium_browser.new_context(locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    try:
        page = context.new_page()
        login(page, demo_server)
        return open_cluster_year_2018(page, demo_server)
    finally:
        context.close()


def test_dashboard_shows_the_2018_figures_and_drills_down_to_the_registry(page: Page, demo_server):
    login(page, demo_server)
    open_cluster_year_2018(page, demo_server)

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    missing = missing_tokens(page, DASHBOARD_FIGURES)
    page.screenshot(path=str(SCREENSHOT), full_page=True)  # after the figures had their chance to load
    assert not missing, describe_missing(page, missing)

    dashboard_url = page.url
    link = page.get_by_role("link", name="52,48%", exact=True)
    if link.count() == 0:
        link = page.locator("a").filter(has_text="52,48%")
    assert link.count() > 0, "no link on the figure 52,48%"
    target = link.first
    if target.get_attribute("target") == "_blank":
        with page.context.expect_page() as new_page:
            target.click()
        page = new_page.value
    else:
        target.click()
        try:  # a plain link navigates; an htmx link may swap the content in place (the check below waits)
            page.wait_for_url(lambda url: url != dashboard_url, timeout=NAVIGATION_TIMEOUT_MS)
        except PlaywrightTimeout:
            pass
    settle(page)
    missing = missing_tokens(page, ["392"])
    assert not missing, describe_missing(page, missing)


def test_anonymous_visitor_is_sent_to_login(page: Page, demo_server, dashboard_path):
    response = page.goto(demo_server + dashboard_path)
    settle(page)
    assert response is not None and response.ok
    url = urlparse(page.url)
    assert url.path == LOGIN_PATH, f"an anonymous visit to {dashboard_path} ended on {page.url}"
    assert parse_qs(url.query).get("next") == [dashboard_path]
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(token("26.174"), use_inner_text=True, timeout=1_000)
