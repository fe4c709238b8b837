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


def test_every_commendation_figure_links_to_its_records(province_officer, cluster_year_2018, settings):
    settings.THIDUA_EXACT_COUNT_LIMIT = 10**9  # the registry counts exactly (PostgreSQL would estimate above 10 000)
    html = province_officer.get(f"/cum/{cluster_year_2018.pk}/").content.decode()
    links = dict((text, href.replace("&amp;", "&")) for href, text in re.findall(r'<a href="(/khen-thuong/[^"]+)">([^<]+)</a>', html))
    expected = {"52,48%": 392, "392": 392, "747": 747, "180": 180, "567": 567,
                "50,11%": 9770, "9.770": 9770, "19.497": 19497, "7.521": 7521, "11.976": 11976}
    for text, count in expected.items():
        page = province_officer.get(links[text])
        assert page.context["page"].count.value == count and not page.context["page"].count.approximate, text


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


def test_a_year_without_records_says_chua_co_so_lieu_instead_of_zeros_and_dashes(province_officer):
    from thidua.emulation.models import ClusterYear

    cy = ClusterYear.objects.get(year=2019)
    html = province_officer.get(f"/cum/{cy.pk}/").content.decode()
    assert 'id="chi-tieu-chua-co"' in html and "chưa có chỉ tiêu nào được đăng ký" in html
    assert "chưa có quyết định khen thưởng nào của cấp này trong năm" in html  # state level: no 2019 decision
    assert "chưa có điển hình tiên tiến nào" in html and "Chưa có phương hướng cho năm sau." in html
    assert "0</a> điển hình" not in html and "kpi-value" not in html
    assert "Chi tiết theo từng tỉnh" not in html


def test_the_submission_button_shows_when_the_year_has_proposals_and_the_organiser_is_named(province_officer,
                                                                                           cluster_year_2018):
    """The dashboard reads the proposals with the figures (no second query for the button) and the organiser with
    the cluster year."""
    from thidua.emulation.models import ClusterYear

    html = province_officer.get(f"/cum/{cluster_year_2018.pk}/").content.decode()
    assert cluster_year_2018.proposals.exists()
    assert f"/cum/{cluster_year_2018.pk}/van-ban/to-trinh.docx" in html
    assert f"do {cluster_year_2018.cluster.organised_by.name} tổ chức" in html
    cy = ClusterYear.objects.get(year=2019)
    assert not cy.proposals.exists()
    assert f"/cum/{cy.pk}/van-ban/to-trinh.docx" not in province_officer.get(f"/cum/{cy.pk}/").content.decode()
