"""The consolidation of the Government flag proposals of every Central Council cluster and block (eligibility.
national) on the demo scenario: the engine's check, the share limit, the run by the Central Board only (a refusal
changes nothing but its denied row), the pages, the API and the Word summary, for every persona."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from thidua.core.models import AuditEvent
from thidua.eligibility import national
from thidua.eligibility.models import Quota
from thidua.emulation.models import Cluster, ClusterYear, Proposal
from thidua.emulation.national import national_year
from thidua.lib.documents import docx_text

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

USERS = {"province_officer": "caobang", "other_province_officer": "laichau", "unit_officer": "donvi",
         "central_board": "trunguong", "council_member": "hoidong", "auditor": "kiemtra", "admin": "admin"}
# Who may run the consolidation: the Central Board (and the administrator); everyone else 403, anonymous 401/403.
RUN = {"central_board": 201, "admin": 201, "province_officer": 403, "other_province_officer": 403,
       "unit_officer": 403, "council_member": 403, "auditor": 403}


def user(name):
    return get_user_model().objects.get(username=name)


def client(persona):
    c = Client()
    if persona != "anonymous":
        c.force_login(user(USERS[persona]))
    return c


def test_the_central_board_sees_every_cluster_and_block_of_2018():
    ny = national_year(user("trunguong"), 2018)
    assert len(ny.clusters) == 9 and len(ny.blocks) == 3  # the nine pre-2025 clusters and the three blocks
    assert all(r.cy is not None for r in ny.rows) and ny.opened == 12
    reference = next(r for r in ny.rows if r.cluster.code == "C1-MNBG")
    assert reference.cy.chair.name == "Cao Bằng" and reference.steps[-1].done  # the reference year ran to the handover
    assert [p.organization.name for p in reference.leads] == ["Cao Bằng"]
    assert all(r.illustrative for r in ny.rows if r.cluster.code != "C1-MNBG")  # the demo's other clusters


def test_a_province_officer_sees_only_the_clusters_of_its_province():
    rows = national_year(user("caobang"), 2018).rows
    assert [r.cluster.code for r in rows] == ["C1-MNBG"]
    assert national_year(user("donvi"), 2018).rows == [] or all(r.cluster.code == "C1-MNBG"
                                                                for r in national_year(user("donvi"), 2018).rows)


def test_consolidation_checks_each_flag_proposal_and_applies_the_share_limit():
    c = national.flag_consolidation(user("trunguong"), 2018)
    flags = Proposal.objects.filter(cluster_year__year=2018, award_type__code="CO_CP",
                                    cluster_year__cluster__organised_by__name="Hội đồng Thi đua - Khen thưởng Trung ương")
    assert c.leading_units == len(c.rows) == flags.count()
    quota = Quota.objects.get(authority__name="Hội đồng Thi đua - Khen thưởng Trung ương", year=2018, award_code="CO_CP")
    assert c.quota == quota and c.limit == quota.limit(c.leading_units) < c.eligible
    assert c.within == c.limit  # the eligible beyond the limit are "Vượt tỷ lệ"
    statuses = {r.proposal.organization.name: r.status for r in c.rows}
    assert statuses["Kon Tum"] == "Chưa đủ điều kiện"  # the demo's lead without a year rating
    assert "Vượt tỷ lệ" in statuses.values() and "Trong tỷ lệ" in statuses.values()
    not_eligible = next(r for r in c.rows if r.proposal.organization.name == "Kon Tum")
    assert not_eligible.within is None and not_eligible.reasons


def test_only_the_central_board_runs_the_consolidation_and_a_refusal_changes_nothing():
    def state():
        return (Proposal.objects.count(), ClusterYear.objects.count(), Cluster.objects.count(),
                AuditEvent.objects.filter(object_type=national.RUN_TYPE).count())

    for persona, expected in RUN.items():
        before, denied = state(), AuditEvent.objects.filter(action="denied").count()
        response = client(persona).post("/api/v1/national/2018/flags/run", {}, content_type="application/json")
        assert response.status_code == expected, persona
        if expected == 201:
            assert state()[3] == before[3] + 1 and response.json()["within"] == response.json()["limit"]
        else:
            assert state() == before and AuditEvent.objects.filter(action="denied").count() == denied + 1, persona
    before = state()
    assert client("anonymous").post("/api/v1/national/2018/flags/run", {},
                                    content_type="application/json").status_code in (401, 403)
    page = client("province_officer").post("/cum/toan-quoc/co-thi-dua/tong-hop/?nam=2018", follow=True)
    assert page.status_code == 200 and "Chỉ Ban Thi đua" in page.content.decode()
    assert state() == before


def test_pages_api_and_word_summary():
    board = client("central_board")
    page = board.get("/cum/toan-quoc/?nam=2018").content.decode()
    assert "Cụm thi đua các tỉnh Tây Nguyên" in page and "Khối thi đua các bộ, ngành nội chính" in page
    assert "minh họa" in page and "<svg" in page
    flags = board.get("/cum/toan-quoc/co-thi-dua/?nam=2018").content.decode()
    assert "Vượt tỷ lệ" in flags and "Chạy tổng hợp" in flags
    assert "Chạy tổng hợp" not in client("province_officer").get("/cum/toan-quoc/co-thi-dua/?nam=2018").content.decode()
    api = board.get("/api/v1/national/2018").json()
    assert api["clusters"] == 9 and api["blocks"] == 3 and len(api["rows"]) == 12
    assert client("province_officer").get("/api/v1/national/2018").json()["clusters"] == 1
    assert board.get("/api/v1/national/1800").status_code == 400
    response = board.get("/cum/toan-quoc/bao-cao-tong-hop.docx?nam=2018")
    text = docx_text(response.content)
    assert "CÁC CỤM, KHỐI THI ĐUA NĂM 2018" in text and "Cụm thi đua các tỉnh Tây Nguyên (*)" in text
    assert "minh họa" in text and "Trong tỷ lệ" in text
