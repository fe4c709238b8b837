"""Cluster-year documents: the pact, the year-end report, the press release (Word/PDF) and the Excel export.

Figures in the documents are checked against the statistics function (one source of truth) and against
independent arithmetic on the stored targets and award counts of the reference scenario.
"""

from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import unquote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from docx import Document
from python_calamine import CalamineWorkbook

from thidua.emulation import documents
from thidua.emulation.models import ClusterYear, Pact, ResultReport, Target
from thidua.emulation.statistics import cluster_year_summary
from thidua.lib.documents import MOTTO, NATIONAL_TITLE, docx_text
from thidua.lib.numbers import format_number, format_percent
from thidua.orgs.models import Organization, OrganizationKind, Role, UserRole

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

DOCS = ("giao-uoc", "bao-cao-tong-ket", "thong-cao-bao-chi")


def _url(cy, name, fmt="docx"):
    return f"/cum/{cy.pk}/van-ban/{name}.{fmt}"


def _get_docx(client, url) -> tuple[str, bytes]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    data = response.content
    Document(io.BytesIO(data))  # opens with python-docx
    return docx_text(data), data


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def test_year_end_report_contains_the_summary_figures(province_officer, cluster_year_2018):
    cy = cluster_year_2018
    text, data = _get_docx(province_officer, _url(cy, "bao-cao-tong-ket"))
    s = cluster_year_summary(cy)
    by_code = {i.indicator.code: i for i in s.indicators}
    budget = by_code["THU_NSNN"]
    # The statistics function's figures, formatted, are in the document…
    expected = [format_number(budget.actual), format_percent(budget.percent_of_plan, 1),
                format_number(by_code["VIEC_LAM"].actual), format_percent(by_code["VIEC_LAM"].percent_of_plan, 1),
                format_percent(by_code["XA_Y_TE"].percent_of_plan, 0), format_percent(by_code["TRUONG_CHUAN"].percent_of_plan, 0),
                format_number(by_code["XA_NTM"].cumulative), format_percent(by_code["XA_NTM"].share_of_base, 1),
                format_percent(s.state_awards.priority_share, 2), format_percent(s.provincial_awards.priority_share, 2),
                format_number(s.provincial_awards.collectives), format_number(s.provincial_awards.individuals)]
    # … and they are the published ones (seed): independent of the code above.
    assert expected == ["26.174", "104,3%", "99.555", "108,1%", "118%", "121%", "219", "19,1%", "52,48%", "50,11%",
                        "7.521", "11.976"]
    for figure in expected:
        assert figure in text, figure
    # Independent arithmetic: 392 / (180 + 567) and 9.770 / (7.521 + 11.976).
    assert format_percent(Decimal(392) * 100 / (180 + 567), 2) == "52,48%"
    assert format_percent(Decimal(9770) * 100 / (7521 + 11976), 2) == "50,11%"
    assert "Chủ tịch nước, Thủ tướng Chính phủ khen thưởng cho 180 tập thể và 567 cá nhân" in text
    assert "42 điển hình tiên tiến" in text and "14 tập thể, cá nhân điển hình" in text
    # The per-province table of the budget indicator: plan, actual and % of plan from the stored targets.
    doc = Document(io.BytesIO(data))
    rows = {}
    for table in doc.tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if len(cells) == 5 and cells[1] and cells[0].isdigit():
                rows.setdefault(cells[1], []).append(cells[2:])
    targets = Target.objects.filter(indicator__cluster_year=cy, indicator__code="THU_NSNN").select_related("member")
    assert targets.count() == 7
    total_plan = total_actual = Decimal(0)
    for t in targets:
        pct = _round(t.actual * 100 / t.planned, 1)
        expected_row = [format_number(t.planned), format_number(t.actual), format_number(pct, 1) + "%"]
        assert expected_row in rows[t.member.name], t.member.name
        total_plan += t.planned
        total_actual += t.actual
    assert (total_actual, _round(total_actual * 100 / total_plan, 1)) == (26174, Decimal("104.3"))
    # Charts are PNG pictures: one per indicator with a % of plan, one per commendation level.
    with_pct = sum(1 for i in s.indicators if i.percent_of_plan is not None)
    assert len(doc.inline_shapes) == with_pct + 2 == 6
    # ND30 header and signature; decisions of the conference; directions.
    for piece in (NATIONAL_TITLE, MOTTO, "CỤM THI ĐUA CÁC TỈNH MIỀN NÚI BIÊN GIỚI PHÍA BẮC", "Số:       /BC-CTĐ",
                  "Cao Bằng, ngày 19 tháng 3 năm 2019", "BÁO CÁO", "TM. CỤM THI ĐUA", "CỤM TRƯỞNG",
                  "UBND TỈNH CAO BẰNG", "Nơi nhận:", "- Lưu: VT.",
                  "Đề nghị Thủ tướng Chính phủ tặng Cờ thi đua của Chính phủ cho tỉnh Cao Bằng",
                  "cho tỉnh Lai Châu và tỉnh Lào Cai", "Suy tôn tỉnh Lai Châu là Cụm trưởng, tỉnh Sơn La là Cụm phó năm 2019",
                  "trao Cờ luân lưu cho tỉnh Lai Châu", "7/7 tỉnh ký kết Giao ước thi đua năm 2019",
                  "Cả nước chung sức xây dựng nông thôn mới", "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2019"):
        assert piece in text, piece
    for line in cy.direction_lines():
        assert line in text
    assert "{{" not in text and "{%" not in text


def test_pact_with_signatures(other_province_officer):
    cy = ClusterYear.objects.get(year=2019)
    text, data = _get_docx(other_province_officer, _url(cy, "giao-uoc"))
    assert "GIAO ƯỚC THI ĐUA NĂM 2019" in text and "Đã ký: 7/7 tỉnh." in text
    assert "Cao Bằng, ngày 19 tháng 3 năm 2019" in text and "/GƯ-CTĐ" in text
    assert "UBND TỈNH LAI CHÂU" in text  # signed by the 2019 chair
    table = next(t for t in Document(io.BytesIO(data)).tables if t.rows[0].cells[-1].text == "Ký tên")
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(body) == 7
    for sig in cy.pact.signatures.select_related("member"):
        row = next(r for r in body if r[1] == sig.member.name)
        assert row[2:5] == [sig.signatory, sig.position, sig.signed_on.strftime("%d/%m/%Y")]
    for line in cy.pact.commitments.splitlines():
        assert line.strip() in text
    assert "chưa ký" not in text


def test_pact_without_a_pact_says_not_signed(province_officer, cluster_year_2018):
    assert not Pact.objects.filter(cluster_year=cluster_year_2018).exists()
    text, data = _get_docx(province_officer, _url(cluster_year_2018, "giao-uoc"))
    assert "Giao ước thi đua năm 2018 chưa được ký: 7 tỉnh chưa ký." in text
    assert "Chưa có nội dung giao ước." in text
    assert "Cao Bằng, ngày      tháng      năm 2018" in text  # no date yet: blanks, the pact's year
    table = next(t for t in Document(io.BytesIO(data)).tables if t.rows[0].cells[-1].text == "Ký tên")
    assert [row.cells[4].text for row in table.rows[1:]] == ["chưa ký"] * 7
    # The registered targets (plans) are listed: one row per indicator and member with a plan.
    planned = Target.objects.filter(indicator__cluster_year=cluster_year_2018, planned__isnull=False).count()
    targets = next(t for t in Document(io.BytesIO(data)).tables if t.rows[0].cells[-1].text == "Kế hoạch")
    assert len(targets.rows) - 1 == planned


def test_press_release(province_officer, cluster_year_2018):
    text, _ = _get_docx(province_officer, _url(cluster_year_2018, "thong-cao-bao-chi"))
    paragraphs = documents.press_release_paragraphs(cluster_year_2018)
    assert 3 <= len(paragraphs) <= 6
    for p in paragraphs:
        assert p in text
    assert paragraphs[0].startswith("Ngày 19/3/2019, tại Cao Bằng, Cụm thi đua các tỉnh miền núi biên giới phía Bắc tổ chức")
    assert "Trần Thị Hà" in paragraphs[0]
    for figure in ("26.174 tỷ đồng, bằng 104,3% kế hoạch", "99.555 lao động, bằng 108,1% kế hoạch", "219", "19,1%",
                   "180 tập thể và 567 cá nhân", "52,48%", "7.521 tập thể và 11.976 cá nhân", "50,11%", "42 điển hình"):
        assert figure in " ".join(paragraphs), figure
    assert "THÔNG CÁO BÁO CHÍ" in text and NATIONAL_TITLE in text


def test_targets_excel_export(council_member, cluster_year_2018):
    response = council_member.get(f"/cum/{cluster_year_2018.pk}/van-ban/chi-tieu.xlsx")
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"].split("UTF-8''")[1]).startswith("Chỉ tiêu và kết quả năm 2018")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("Chỉ tiêu").to_python()
    header = rows[3]
    assert header[:8] == ["STT", "Chỉ tiêu", "Đơn vị tính", "Thành viên", "Kế hoạch", "Thực hiện", "% kế hoạch",
                          "Lũy kế trước kỳ"]  # no mid-year column: none recorded
    col = {name: i for i, name in enumerate(header)}
    budget = [r for r in rows[4:] if r[col["Chỉ tiêu"]] == "Thu ngân sách nhà nước trên địa bàn"]
    members = [r for r in budget if r[col["Thành viên"]] != "Toàn Cụm"]
    (total,) = [r for r in budget if r[col["Thành viên"]] == "Toàn Cụm"]
    assert len(members) == 7
    for r in members:
        t = Target.objects.get(indicator__cluster_year=cluster_year_2018, indicator__code="THU_NSNN",
                               member__name=r[col["Thành viên"]])
        assert (r[col["Kế hoạch"]], r[col["Thực hiện"]]) == (float(t.planned), float(t.actual))
        assert r[col["% kế hoạch"]] == pytest.approx(float(t.actual / t.planned))
    assert total[col["Thực hiện"]] == sum(r[col["Thực hiện"]] for r in members) == 26174
    assert total[col["% kế hoạch"]] == pytest.approx(26174 / total[col["Kế hoạch"]])
    assert round(total[col["% kế hoạch"]] * 100, 1) == 104.3
    rural = next(r for r in rows[4:] if r[col["Chỉ tiêu"]] == "Xã đạt chuẩn nông thôn mới" and r[col["Thành viên"]] == "Toàn Cụm")
    assert (rural[col["Lũy kế"]], round(rural[col["Tỷ lệ trên mẫu số"]] * 100, 1)) == (219, 19.1)


def test_targets_excel_export_shows_mid_year_reports(province_officer, cluster_year_2018):
    """Mid-year results (ResultReport, period mid_year) get their own column once any is recorded."""
    budget = Target.objects.filter(indicator__cluster_year=cluster_year_2018, indicator__code="THU_NSNN")
    reported = {t.member.name: t for t in budget.select_related("member")[:2]}
    for k, t in enumerate(reported.values()):
        ResultReport.objects.create(target=t, period=ResultReport.Period.MID_YEAR, value=Decimal(1000 + k))
    content = province_officer.get(f"/cum/{cluster_year_2018.pk}/van-ban/chi-tieu.xlsx").content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("Chỉ tiêu").to_python()
    col = {name: i for i, name in enumerate(rows[3])}
    assert col["Giữa năm"] == col["Kế hoạch"] + 1
    values = {r[col["Thành viên"]]: r[col["Giữa năm"]] for r in rows[4:]
              if r[col["Chỉ tiêu"]] == "Thu ngân sách nhà nước trên địa bàn"}
    assert {name: values[name] for name in reported} == {name: 1000.0 + k for k, name in enumerate(reported)}
    assert values["Toàn Cụm"] == 2001.0
    assert sum(1 for v in values.values() if v != "") == 3


# --- Access ------------------------------------------------------------------------------------------------


@pytest.fixture
def outsider(db) -> Client:
    """Hà Nội's emulation office: not a member of the cluster."""
    user = get_user_model().objects.create_user("hanoi_docs", password="x")
    UserRole.objects.create(user=user, role=Role.EMULATION_OFFICE,
                            organization=Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="01"))
    client = Client()
    client.force_login(user)
    return client


def test_documents_are_hidden_outside_the_cluster(outsider, unit_officer, client, cluster_year_2018):
    urls = [_url(cluster_year_2018, name, fmt) for name in DOCS for fmt in ("docx", "pdf")]
    urls.append(f"/cum/{cluster_year_2018.pk}/van-ban/chi-tieu.xlsx")
    for url in urls:
        assert outsider.get(url).status_code == 404, url
        assert unit_officer.get(url).status_code == 404, url
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
    assert outsider.get(f"/cum/{cluster_year_2018.pk}/van-ban/bao-cao.doc").status_code == 404  # unknown format


def test_dashboard_links_to_the_documents(province_officer, cluster_year_2018):
    html = province_officer.get(f"/cum/{cluster_year_2018.pk}/").content.decode()
    for name in DOCS:
        for fmt in ("docx", "pdf"):
            assert f'href="{_url(cluster_year_2018, name, fmt)}"' in html, (name, fmt)
    assert f'href="/cum/{cluster_year_2018.pk}/van-ban/chi-tieu.xlsx"' in html


# --- PDF ---------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_downloads(libreoffice, province_officer, cluster_year_2018):
    for name in ("bao-cao-tong-ket", "thong-cao-bao-chi"):
        response = province_officer.get(_url(cluster_year_2018, name, "pdf"))
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert re.search(r"filename\*=UTF-8''.+\.pdf$", response["Content-Disposition"])
    pages = len(re.findall(rb"/Type\s*/Page[^s]", response.content))
    assert 1 <= pages <= 4  # the press release is short


def test_pdf_unavailable_answers_a_clear_page(monkeypatch, tmp_path, province_officer, cluster_year_2018):
    monkeypatch.setenv("THIDUA_SOFFICE", str(tmp_path / "missing-soffice"))
    url = _url(cluster_year_2018, "bao-cao-tong-ket", "pdf")
    response = province_officer.get(url)
    assert response.status_code == 503
    html = response.content.decode()
    assert "Không tạo được tệp PDF" in html and "LibreOffice" in html
    assert "libreoffice-writer-nogui" in html
    assert f'href="{_url(cluster_year_2018, "bao-cao-tong-ket", "docx")}"' in html


# ----------------------------------------------------------------------------- minutes, submission, scores


def test_vote_minutes_carry_the_tally(cluster_year_2018, province_officer):
    from thidua.emulation.voting import tally

    session = cluster_year_2018.vote_sessions.get(kind="certificate")
    t = tally(session)
    response = province_officer.get(f"/cum/{cluster_year_2018.pk}/van-ban/kiem-phieu-{session.pk}.docx")
    assert response.status_code == 200
    text = docx_text(b"".join(response.streaming_content) if response.streaming else response.content)
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "Bầu đơn vị đề nghị tặng Bằng khen của Thủ tướng Chính phủ" in text
    assert f"số phiếu thu về: {session.ballots_cast}" in text and f"ngưỡng trúng: {t.threshold_votes} phiếu" in text
    for c in t.candidates:
        assert f"{c.organization.name}\n{c.votes}\n" in text
    assert "Trúng: Lai Châu và Lào Cai" in text
    assert "không lưu liên kết giữa thành viên và lựa chọn" in text


def test_minutes_of_an_open_session_are_not_served(cluster_year_2018, province_officer):
    from datetime import timedelta

    from django.utils import timezone

    from tests.conftest import user
    from thidua.emulation import services

    now = timezone.now()
    session = services.open_vote(user("caobang"), cluster_year_2018, kind="certificate",
                                 candidates=list(cluster_year_2018.members.all()[:2]), opens_at=now,
                                 closes_at=now + timedelta(hours=1))
    assert province_officer.get(f"/cum/{cluster_year_2018.pk}/van-ban/kiem-phieu-{session.pk}.docx").status_code == 404


def test_submission_letter_proposals_and_ranking(cluster_year_2018, other_province_officer):
    from thidua.emulation.scoring import score_sheet
    from thidua.lib.numbers import format_number

    response = other_province_officer.get(f"/cum/{cluster_year_2018.pk}/van-ban/to-trinh.docx")
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "TỜ TRÌNH" in text and "Kính gửi: Hội đồng Thi đua - Khen thưởng Trung ương." in text
    assert "tặng Cờ thi đua của Chính phủ cho tỉnh Cao Bằng (xếp thứ 1/7" in text
    assert "tặng Bằng khen của Thủ tướng Chính phủ cho tỉnh Lai Châu" in text
    assert "tặng Bằng khen của Thủ tướng Chính phủ cho tỉnh Lào Cai" in text
    for r in score_sheet(cluster_year_2018).rows:  # the attached ranking: every member with its computed total
        assert f"{r.rank}\n{r.member.name}\n" in text and format_number(r.total, 2, strip_zeros=False) in text
    assert "Thứ tự khi bằng tổng điểm" in text


def test_scores_export_matches_the_score_sheet(cluster_year_2018, province_officer):
    from thidua.emulation.scoring import score_sheet

    response = province_officer.get(f"/cum/{cluster_year_2018.pk}/van-ban/cham-diem.xlsx")
    assert response.status_code == 200
    wb = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = wb.get_sheet_by_name("Xếp hạng").to_python()
    ranked = [r for r in rows[3:] if isinstance(r[0], float | int) and r[1]]
    sheet = score_sheet(cluster_year_2018)
    assert [(int(r[0]), r[1], round(r[6], 2)) for r in ranked] == [(s.rank, s.member.name, float(s.total))
                                                                   for s in sheet.rows]
    detail = wb.get_sheet_by_name("Điểm chi tiết").to_python()
    assert len(detail) - 1 == len(sheet.rows) * len(sheet.leaves)
