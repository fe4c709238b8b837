"""Exemplary models in a real browser, the main path: discover → nurture → replicate → honour (an award of the
registry) → publish with consent → visible on the public honours board → withdraw → gone. Screenshots of the
pipeline board, the exemplar's page and the public board (desktop and a 390-px phone) under var/screenshots/."""

from datetime import date

import pytest
from playwright.sync_api import expect

from .conftest import REPO_ROOT
from .test_dashboard_browser import login, settle

pytestmark = pytest.mark.browser

SHOTS = REPO_ROOT / "var" / "screenshots"
STORY = "Mô hình “Ngày thứ Bảy số” giúp người dân làm thủ tục trực tuyến"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def _collective_with_award(page, base: str) -> str:
    """A Cao Bằng collective that has an award record in force (one of the 2018 review's exemplars)."""
    rows = page.request.get(base + "/api/v1/exemplars/?stage=honoured").json()["results"]
    for r in rows:
        if r["kind"] == "collective" and r["province"] == "Cao Bằng":
            d = page.request.get(base + f"/api/v1/exemplars/{r['id']}").json()
            if any(h["award"] for h in d["honours"]):
                return r["name"]
    raise AssertionError("no Cao Bằng collective with an award among the demo exemplars")


def test_discover_to_public_board_and_back(demo_server, page, chromium_browser):
    base = demo_server
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, base)
    page.goto(base + "/dien-hinh/")
    settle(page)
    expect(page.locator("[data-stage-count=honoured]")).to_have_text("56")
    _shot(page, "exemplar-board")
    name = _collective_with_award(page, base)
    # 1. Discover.
    page.goto(base + "/dien-hinh/phat-hien/")
    form = page.locator("#discover-form")
    form.locator("select[name=collective]").select_option(label=name)
    form.locator("input[name=field]").fill("Chuyển đổi số")
    form.locator("textarea[name=story]").fill(STORY)
    form.locator("input[name=on]").fill("2014-02-10")  # discovered years before the award of the registry
    form.locator("button[type=submit]").click()
    expect(page.locator("#current-stage")).to_contain_text("Phát hiện")
    # 2. Nurture, 3. record a replication and sum up.
    page.locator("#nurture-form textarea[name=plan]").fill("Tập huấn, hỗ trợ máy tính cho tổ công nghệ số")
    page.locator("#nurture-form input[name=on]").fill("2014-04-01")
    page.locator("#nurture-form button[type=submit]").click()
    expect(page.locator("#current-stage")).to_contain_text("Bồi dưỡng")
    rep = page.locator("#replication-form")
    rep.locator("input[name=place]").fill("Các xã huyện Hòa An")
    rep.locator("input[name=year]").fill("2015")
    rep.locator("input[name=units]").fill("12")
    rep.locator("input[name=participants]").fill("1500")
    rep.locator("button[type=submit]").click()
    expect(page.locator("#replication-totals")).to_contain_text("1.500")
    page.locator("#replicate-form textarea[name=summary]").fill("Tổng kết: nhân rộng ra 12 xã")
    page.locator("#replicate-form input[name=on]").fill("2016-12-20")
    page.locator("#replicate-form button[type=submit]").click()
    expect(page.locator("#current-stage")).to_contain_text("Tổng kết, nhân rộng")
    # 4. Honour with an award record of the registry.
    page.locator("#honour-form button[type=submit]").click()
    expect(page.locator("#current-stage")).to_contain_text("Tôn vinh")
    expect(page.locator("#timeline li")).to_have_count(4)
    # 5. Publish with the consent recorded.
    pub = page.locator("#publish-form")
    pub.locator("input[name=consent]").check()
    pub.locator("input[name=consent_given_on]").fill(date.today().isoformat())
    pub.locator("button[type=submit]").click()
    expect(page.locator("#publication")).to_contain_text("Đang công bố")
    _shot(page, "exemplar-page")
    # 6. Visible on the public board, without logging in (folded search: no diacritics needed).
    public = chromium_browser.new_page(viewport={"width": 1366, "height": 900})
    public.goto(base + "/vinh-danh/?q=ngay+thu+bay+so")
    expect(public.locator("#honours-board")).to_contain_text(name)
    _shot(public, "public-honours-board")
    # 7. Withdraw: gone from the public board at once (the cache key follows publications).
    page.locator("#withdraw-form input[name=reason]").fill("Đơn vị đề nghị tạm rút")
    page.locator("#withdraw-form button[type=submit]").click()
    expect(page.locator("#publication")).to_contain_text("Chưa công bố")
    public.reload()
    expect(public.locator("#honours-board")).not_to_contain_text(name)
    public.close()
