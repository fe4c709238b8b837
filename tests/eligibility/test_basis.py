"""The page "Căn cứ pháp lý": generated from the rules, overrides scoped to the user's authorities."""

from datetime import date

import pytest

from thidua.eligibility.engine import RuleBook
from thidua.eligibility.models import RuleOverride
from thidua.orgs.models import Organization

pytestmark = pytest.mark.django_db
URL = "/can-cu-phap-ly/"


@pytest.mark.integration
def test_every_award_and_version_with_its_period_basis_and_confidence(province_officer):
    page = province_officer.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    book = RuleBook.builtin()
    for rule in book.rules:
        assert rule["id"] in html, rule["id"]
    assert "01/10/2017 – 31/12/2023" in html  # the 2003 Law's versions, from ND 91/2017's entry into force
    assert "Luật TĐKT 2003 (sửa đổi 2013), Điều 28.1.c" in html
    assert "Trên 50% cá nhân đạt Lao động tiên tiến" in html
    assert "Chưa xác nhận" in html and "Đã đối chiếu văn bản" in html
    assert "Chiến sĩ tiên tiến" in html  # the armed forces' name of LĐTT
    assert "GIAY_KHEN" in html  # the template a granting head fills in


@pytest.mark.integration
def test_overrides_shown_are_those_in_force_for_my_authorities(province_officer, unit_officer, other_province_officer,
                                                               central_board):
    cao_bang = Organization.objects.get(user_roles__user__username="caobang")
    RuleOverride.objects.create(authority=cao_bang, award_code="BK_TINH", subject_kind="individual",
                                effective_from=date(2024, 1, 1), basis="QĐ 12/2024/QĐ-UBND tỉnh Cao Bằng",
                                conditions=[{"id": "x", "kind": "title_run", "label_vi": "Ba năm CSTĐCS",
                                             "params": {"award": "CSTDCS", "years": 3}}])
    RuleOverride.objects.create(award_code="LDTT", subject_kind="individual", effective_from=date(2024, 1, 1),
                                basis="Hướng dẫn chung của hệ thống", conditions=[])
    RuleOverride.objects.create(authority=cao_bang, award_code="CSTDCS", subject_kind="individual", active=False,
                                effective_from=date(2024, 1, 1), basis="Quy định đã bãi bỏ", conditions=[])
    for client in (province_officer, unit_officer, central_board):  # Cao Bằng, one of its departments, the centre
        html = client.get(URL).content.decode()
        assert "QĐ 12/2024/QĐ-UBND tỉnh Cao Bằng" in html and "Hướng dẫn chung của hệ thống" in html
        assert "Quy định đã bãi bỏ" not in html
    html = other_province_officer.get(URL).content.decode()
    assert "QĐ 12/2024/QĐ-UBND tỉnh Cao Bằng" not in html and "Hướng dẫn chung của hệ thống" in html


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.integration
def test_admin_form_is_filled_from_the_giay_khen_template(admin_client_demo):
    page = admin_client_demo.get("/admin/eligibility/ruleoverride/add/?template=GIAY_KHEN-IND-MAU")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Điều 75" in html and "GIAY_KHEN" in html
