"""English is available through the language cookie; Vietnamese stays the default, figures stay Vietnamese-formatted."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_dashboard_in_english_with_the_language_cookie(province_officer, cluster_year_2018):
    province_officer.cookies["django_language"] = "en"
    response = province_officer.get(f"/cum/{cluster_year_2018.pk}/")
    html = response.content.decode()
    assert response.headers["Content-Language"] == "en"
    assert "Indicator results" in html and "Kết quả thực hiện chỉ tiêu" not in html
    assert "26.174" in html  # the vn filters format figures the Vietnamese way in every language


def test_dashboard_in_vietnamese_without_the_cookie(province_officer, cluster_year_2018):
    html = province_officer.get(f"/cum/{cluster_year_2018.pk}/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Kết quả thực hiện chỉ tiêu" in html and "Indicator results" not in html
    assert "26.174" in html


def test_language_switcher_sets_the_cookie_and_returns_to_the_page(province_officer, cluster_year_2018):
    url = f"/cum/{cluster_year_2018.pk}/"
    html = province_officer.get(url).content.decode()
    assert 'action="/i18n/setlang/"' in html and f'name="next" value="{url}"' in html
    response = province_officer.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response.status_code == 302 and response.url == url
    assert province_officer.cookies["django_language"].value == "en"
    assert "Indicator results" in province_officer.get(url).content.decode()
