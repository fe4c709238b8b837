"""Public disclosure before the council meets, in Chromium against the demo server (issue 14 part 4): the office
lists CSTĐ cấp tỉnh for comments and publishes the council dossier's list → an anonymous visitor comments → the
office explains → a council member sees the comment and its handling on the session page. The office's list is
set back to the law's at the end (other tests open council sessions on the same demo data)."""

import pytest

from tests.browser.test_dashboard_browser import login, settle

pytestmark = pytest.mark.browser


def test_publish_comment_handle_council_sees(page, demo_server):
    login(page, demo_server, "caobang", "thidua2018")
    dossier = page.evaluate("""async () => {
        const r = await fetch('/api/v1/dossiers/?state=council', {headers: {Accept: 'application/json'}});
        const j = await r.json(); return (j.results || j)[0].id; }""")
    page.goto(f"{demo_server}/ho-so/{dossier}/cong-khai/")
    settle(page)
    page.locator("#policy summary").click()
    page.locator("input[name=by_law]").uncheck()
    page.locator("#policy label", has_text="Chiến sĩ thi đua cấp bộ").first.click()
    page.locator("#save-policy").click()
    settle(page)
    page.locator("#publish").click()
    settle(page)
    public = page.locator("#public-link").get_attribute("href")
    page.context.clear_cookies()
    page.goto(demo_server + public)
    settle(page)
    assert page.locator("#nominees tbody tr").count() >= 1
    page.fill("input[name=author_name]", "Trần Văn Bình")
    page.fill("input[name=contact]", "binh@example.vn")
    page.fill("textarea[name=body]", "Đề nghị làm rõ sáng kiến năm 2023.")
    page.locator("#comment-form button[type=submit]").click()
    settle(page)
    assert page.locator("#sent").is_visible()
    login(page, demo_server, "caobang", "thidua2018")
    page.goto(f"{demo_server}/ho-so/{dossier}/cong-khai/")
    settle(page)
    form = page.locator("form.handle-form").first
    form.locator("select[name=status]").select_option("explained")
    form.locator("textarea[name=reply]").fill("Sáng kiến đã được công nhận; đã bổ sung vào hồ sơ.")
    form.locator("button").click()
    settle(page)
    assert "Giải trình" in page.locator("#disclosure-comments").inner_text()
    page.goto(f"{demo_server}/ho-so/{dossier}/")
    settle(page)
    session = page.locator("a[href*='/hoi-dong/phien/']").first.get_attribute("href")
    # back to the law's list for the other tests
    page.goto(f"{demo_server}/ho-so/{dossier}/cong-khai/")
    settle(page)
    page.locator("#policy summary").click()
    page.locator("input[name=by_law]").check()
    page.locator("#save-policy").click()
    settle(page)
    page.context.clear_cookies()
    login(page, demo_server, "hoidong", "thidua2018")
    page.goto(demo_server + session)
    settle(page)
    text = page.locator("#session-disclosure").inner_text()
    assert "Đề nghị làm rõ sáng kiến" in text and "đã bổ sung vào hồ sơ" in text and "binh@example.vn" not in text
    page.screenshot(path="/tmp/law_browser_council.png", full_page=True)
