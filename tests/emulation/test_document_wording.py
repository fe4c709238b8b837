"""Official wording of the cluster documents: the place line names the host's province the ND 30 way
("Lai Châu, ngày …"), whatever was typed as the venue; no "0 điển hình" sentence."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from thidua.emulation import documents, services
from thidua.emulation.models import ClusterYear
from thidua.emulation.statistics import cluster_year_summary
from thidua.orgs.models import Organization, OrganizationKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name, place", [("Lai Châu", "Lai Châu"), ("Tỉnh Lai Châu", "Lai Châu"),
                                         ("Thành phố Hà Nội", "Hà Nội")])
def test_place_name_of_a_province_and_its_units(name, place):
    province = Organization.objects.create(kind=OrganizationKind.PROVINCE, name=name)
    unit = Organization.objects.create(kind=OrganizationKind.DEPARTMENT, name="Sở Nội vụ", parent=province)
    assert province.place_name == unit.place_name == place


@pytest.mark.integration
def test_central_bodies_sit_in_ha_noi():
    assert Organization.objects.filter(kind=OrganizationKind.CENTRAL).first().place_name == "Hà Nội"


@pytest.mark.integration
def test_review_report_of_2019_uses_the_hosts_province_not_the_venue_text():
    cy = ClusterYear.objects.get(year=2019)
    laichau = get_user_model().objects.get(username="laichau")
    services.open_year(laichau, cy, theme="Đoàn kết", opened_on=date(2019, 3, 19))
    services.schedule_review(laichau, cy, title="Hội nghị tổng kết năm 2019", held_on=date(2020, 3, 18),
                             place="Tỉnh Lai Châu, hội trường UBND tỉnh")
    context = documents.report_context(cy, charts_in=False)
    assert context["doc"]["date_line"] == "Lai Châu, ngày 18 tháng 3 năm 2020"
    summary = cluster_year_summary(cy)
    assert summary.exemplars_honoured_nationally == 0
    sentence = documents.exemplars_sentence(cy, summary)
    assert " 0 điển hình" not in sentence and "chưa ghi nhận điển hình" in sentence
