"""Certificates and the registry name the real issuer and use the customary wording, not the catalogue label."""

from __future__ import annotations

import pytest

from tests.nominations.conftest import client_for
from thidua.awards.authority import issued_award_name, issuer_title
from thidua.awards.models import Award, AwardType
from thidua.nominations.certificates import certificate_text
from thidua.orgs.models import Organization, OrganizationKind

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_issuer_titles():
    cao_bang = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04", valid_to__isnull=True)
    assert issuer_title(cao_bang) == "Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng"
    assert issuer_title(Organization.objects.get(kind="state", name="Thủ tướng Chính phủ")) == "Thủ tướng Chính phủ"
    assert issued_award_name(AwardType.objects.get(code="BK_TINH"), cao_bang) == \
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng"
    assert issued_award_name(AwardType.objects.get(code="CSTD_TINH"), cao_bang) == \
        AwardType.objects.get(code="CSTD_TINH").name


def test_demo_certificate_and_registry_wording():
    award = Award.objects.filter(award_type__code="BK_TINH", certificate__isnull=False,
                                 decision__number="245/QĐ-UBND").first()
    text = certificate_text(award)
    assert (text.issuer, text.title) == ("Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng", "Bằng khen")
    assert text.achievement == f"Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm {award.year}"
    page = client_for("caobang").get(f"/chung-nhan/{award.pk}/").content.decode()
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH CAO BẰNG" in page and "CẤP BỘ, BAN, NGÀNH" not in page
    assert text.achievement in page
    assert text.place_line.startswith("Cao Bằng, ngày ") and text.place_line in page  # not "Tỉnh Cao Bằng, …"
    assert text.signature == ["CHỦ TỊCH"]  # the demo decision is signed by the chairman himself
    registry = client_for("caobang").get("/khen-thuong/?q=245%2FQĐ-UBND").content.decode()
    assert "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng" in registry


def test_registry_export_names_the_issuer():
    import io

    from python_calamine import CalamineWorkbook

    r = client_for("caobang").get("/khen-thuong/export.xlsx", {"q": "245/QĐ-UBND"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    head = rows[0]
    line = next(row for row in rows[1:] if row[head.index("Số quyết định")] == "245/QĐ-UBND"
                and "Bằng khen" in row[head.index("Hình thức")])
    assert line[head.index("Hình thức")] == "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng"
    assert line[head.index("Cơ quan ban hành")] == "Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng"
