"""A movement's main path in a real browser (issue 14 part 1): Cao Bằng's office launches a movement, adopts it for
its Sở Nội vụ (the sub-movement), registers the department within the window, holds a sơ kết and proposes a
thematic commendation: a thematic dossier linked to the movement is created through the dossier path.
Screenshots of the list and the movement page (desktop and a 390-px phone) go to var/screens/."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import REPO_ROOT
from .test_dashboard_browser import login, settle

pytestmark = pytest.mark.browser

SCREENS = REPO_ROOT / "var" / "screens"


def test_launch_adopt_register_review_commend(page, demo_server):
    SCREENS.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()
    login(page, demo_server, "caobang", "thidua2018")
    page.goto(demo_server + "/phong-trao/")
    settle(page)
    page.screenshot(path=str(SCREENS / "movements-list.png"), full_page=True)
    page.click("#launch-link")
    settle(page)
    form = page.locator("#launch-form")
    form.locator("select[name=organization]").select_option(label="Cao Bằng")
    form.locator("input[name=name]").fill("Thi đua thử nghiệm trình duyệt")
    form.locator("input[name=registration_opens]").fill((today - timedelta(days=1)).isoformat())
    form.locator("input[name=registration_closes]").fill((today + timedelta(days=30)).isoformat())
    form.locator("textarea[name=criteria]").fill("Tiêu chí một\nTiêu chí hai")
    form.locator("button[type=submit]").click()
    settle(page)
    expect(page.locator("#movement-name")).to_have_text("Thi đua thử nghiệm trình duyệt")
    parent_url = page.url
    # Adopt for Sở Nội vụ: its own sub-movement, linked to the parent.
    page.locator("#adopt summary").click()
    adopt = page.locator("#adopt form")
    adopt.locator("select[name=organization]").select_option(label="Sở Nội vụ tỉnh Cao Bằng")
    adopt.locator("input[name=name]").fill("Thi đua thử nghiệm — Sở Nội vụ")
    adopt.locator("button[type=submit]").click()
    settle(page)
    expect(page.locator("#kpi-adoptions")).to_have_text("1")
    # Register the department within the window (on the sub-movement's page).
    page.locator("#levels-table a", has_text="Sở Nội vụ tỉnh Cao Bằng").click()
    settle(page)
    reg = page.locator("#register form")
    reg.locator("select[name=organization]").select_option(label="Sở Nội vụ tỉnh Cao Bằng")
    reg.locator("select[name=participant_kind]").select_option("collective")
    reg.locator("button[type=submit]").click()
    settle(page)
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi nhận đăng ký")
    # Back on the parent: participation rolls up; hold a sơ kết and propose a thematic commendation.
    page.goto(parent_url)
    settle(page)
    expect(page.locator("#kpi-participants")).to_have_text("1")
    page.locator("#new-review summary").click()
    page.locator("#new-review button[type=submit]").click()
    settle(page)
    # The registration is offered as a nominee: chosen with its award, it becomes the dossier's item at once.
    commend = page.locator(".review .commend").first
    commend.locator("summary").click()
    commend.locator("select[name=award_type]").select_option("BK_TINH")
    commend.locator(".commend-candidates tr", has_text="Sở Nội vụ tỉnh Cao Bằng").locator("input[type=checkbox]").check()
    commend.locator("button[type=submit]").click()
    settle(page)
    expect(page.locator("body")).to_contain_text("Đã lập hồ sơ đề nghị khen thưởng chuyên đề")
    expect(page.locator(".alert-success")).to_contain_text("với 1 người, tập thể")
    expect(page.locator("body")).to_contain_text("Thi đua thử nghiệm trình duyệt")
    page.goto(parent_url)
    settle(page)
    expect(page.locator("#kpi-dossiers")).to_have_text("1")
    page.screenshot(path=str(SCREENS / "movement-page.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENS / "movement-page-phone.png"), full_page=True)
    page.goto(demo_server + "/phong-trao/")
    settle(page)
    page.screenshot(path=str(SCREENS / "movements-list-phone.png"), full_page=True)
