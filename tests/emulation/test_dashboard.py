"""The dashboard page: figures shown the Vietnamese way, each linking to its records."""

import re

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

PUBLISHED = ["26.174", "104,3%", "99.555", "108,1%", "118%", "121%", "219", "19,1%", "7/7", "180", "567",
             "52,48%", "7.521", "11.976", "50,11%", "Lai Châu", "Sơn La", "Cờ thi đua của Chính phủ"]


def test_dashboard_shows_every_published_figure(province_officer, cluster_year_2018):
    html = province_officer.get(f"/cum/{cluster_year_2018.pk}/").content.decode()
    for figure in PUBLISHED:
        assert figure in html, figure
    assert ">42<" in html and ">14<" in html
    assert "<svg" in html  # server-drawn charts


def test_every_commendation_figure_links_to_its_records(province_officer, cluster_year_2018):
    html = province_officer.get(f"/cum/{cluster_year_2018.pk}/").content.decode()
    links = dict((text, href.replace("&amp;", "&")) for href, text in re.findall(r'<a href="(/khen-thuong/[^"]+)">([^<]+)</a>', html))
    expected = {"52,48%": 392, "392": 392, "747": 747, "180": 180, "567": 567,
                "50,11%": 9770, "9.770": 9770, "19.497": 19497, "7.521": 7521, "11.976": 11976}
    for text, count in expected.items():
        page = province_officer.get(links[text])
        assert page.context["page"].paginator.count == count, text


def test_indicator_and_exemplar_drilldowns(province_officer, cluster_year_2018):
    page = province_officer.get(f"/cum/{cluster_year_2018.pk}/chi-tieu/THU_NSNN/")
    assert page.status_code == 200 and "26.174" in page.content.decode()
    assert province_officer.get(f"/cum/{cluster_year_2018.pk}/chi-tieu/NOPE/").status_code == 404
    national = province_officer.get(f"/cum/{cluster_year_2018.pk}/dien-hinh/?honour=national")
    assert len(national.context["rows"]) == 42
    review = province_officer.get(f"/cum/{cluster_year_2018.pk}/dien-hinh/?honour=review")
    assert len(review.context["rows"]) == 14


def test_pages_are_vietnamese_whatever_the_browser_asks(province_officer, cluster_year_2018):
    html = province_officer.get(f"/cum/{cluster_year_2018.pk}/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "26.174" in html and "năm 2018" in html and "2.018" not in html and "2,018" not in html
