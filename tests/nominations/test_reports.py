"""Achievement reports (báo cáo thành tích) prefilled from the records, and the council meeting minutes.

The documents are read back as text (core.documents.docx_text): the facts must come from the stored records
(person, ratings, initiatives, the registry's awards with decision number, date and issuing body) and the
tally of the session (services.session_results), with placeholders where the records hold nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from tests.nominations.conftest import (
    atype,
    build,
    client_for,
    council_members,
    give_award,
    new_person,
    paper_scan,
    secretary,
    user,
)
from thidua.awards.models import Award, Decision, Evaluation, Initiative, Revocation
from thidua.lib.documents import docx_text
from thidua.lib.numbers import format_date, format_percent
from thidua.nominations import documents, services
from thidua.nominations.models import CouncilSession, DossierItem
from thidua.orgs.models import Gender

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def nominee(unit):
    """A person with two years of ratings, a CSTĐCS from the registry, an initiative and a revoked award."""
    p = new_person(unit, "Nông Thị Mai Hương", birth_year=1984, position="Phó trưởng phòng")
    for y, rating in ((2023, "HTXS"), (2024, "HTT")):
        Evaluation.objects.create(person=p, year=y, rating=rating)
    kept = give_award(p, "CSTDCS", 2023, number="117/QĐ-SNV", signed_on=date(2024, 1, 12))
    revoked = give_award(p, "LDTT", 2022, number="88/QĐ-SNV", signed_on=date(2023, 1, 9))
    Revocation.objects.create(award=revoked, reason="Kê khai sai",
                              decision=Decision.objects.create(authority=kept.decision.authority, number="5/QĐ-TH",
                                                               signed_on=date(2024, 6, 1)))
    ini = Initiative.objects.create(person=p, title="Số hóa sổ vàng khen thưởng cấp xã", scope="provincial",
                                    year=2024, recognised_by="QĐ 33/QĐ-HĐSK ngày 02/10/2024")
    return p, kept, ini


def test_individual_report_is_prefilled_from_the_records(dossier, nominee):
    person, kept, ini = nominee
    item = services.add_item(user("donvi"), dossier, award_type=atype("BK_TINH"), person=person,
                             achievement="Dẫn đầu phong trào chuyển đổi số của Sở.", initiatives=[ini])
    r = client_for("donvi").get(f"/ho-so/{dossier.pk}/muc/{item.pk}/bao-cao-thanh-tich.docx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    text = docx_text(r.content)
    assert "BÁO CÁO THÀNH TÍCH" in text and "Đề nghị tặng bằng khen" in text
    assert person.full_name in text and "1984" in text and "Phó trưởng phòng" in text and person.organization.name in text
    # The registry's award: year, title, decision number and date, issuing body; the revoked one is left out.
    assert "117/QĐ-SNV ngày 12/01/2024" in text and "Chiến sĩ thi đua cơ sở" in text
    assert "Ủy ban nhân dân tỉnh Cao Bằng" in text
    assert "88/QĐ-SNV" not in text
    # Yearly ratings and the initiative cited by the item.
    assert "Hoàn thành xuất sắc nhiệm vụ" in text and "Hoàn thành tốt nhiệm vụ" in text
    assert ini.title in text and ini.recognised_by in text
    assert "Dẫn đầu phong trào chuyển đổi số của Sở." in text
    # What the records cannot know is a marked placeholder.
    assert "[Bổ sung: quê quán]" in text and "[Bổ sung: quyền hạn, nhiệm vụ được giao hoặc đảm nhận]" in text
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in text and "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG" in text


def test_report_access_is_that_of_the_dossier(dossier, nominee):
    item = services.add_item(user("donvi"), dossier, award_type=atype("BK_TINH"), person=nominee[0])
    url = f"/ho-so/{dossier.pk}/muc/{item.pk}/bao-cao-thanh-tich.docx"
    assert client_for("caobang").get(url).status_code == 200
    assert client_for("laichau").get(url).status_code == 404
    assert Client().get(url).status_code == 302
    other = build("draft", dossier.from_org, nominee[0].organization, title="Hồ sơ khác")
    # An item of another dossier is not reachable through this one.
    assert client_for("donvi").get(f"/ho-so/{dossier.pk}/muc/{other.items.first().pk}/bao-cao-thanh-tich.docx"
                                   ).status_code == 404


def test_collective_report_lists_the_collective_awards(dossier, unit):
    decision = Decision.objects.create(authority=unit.province, number="9301/QĐ-UBND", signed_on=date(2024, 2, 20))
    Award.objects.create(decision=decision, award_type=atype("TTLDXS"), year=2023, recipient_class="collective",
                         recipient_org=unit, recipient_name=unit.name, unit=unit, province=unit.province)
    Evaluation.objects.create(organization=unit, year=2024, rating="HTXS")
    item = services.add_item(user("donvi"), dossier, award_type=atype("BK_TINH"), organization=unit)
    text = docx_text(documents.achievement_report_docx(item))
    assert documents.report_case(item) == "collective"
    assert "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH" in text and unit.name in text and unit.parent.name in text
    assert "9301/QĐ-UBND ngày 20/02/2024" in text and "Tập thể lao động xuất sắc" in text
    assert "THỦ TRƯỞNG ĐƠN VỊ" in text and "[Bổ sung: chức năng, nhiệm vụ được giao]" in text


def test_each_case_has_its_template(dept, unit):
    """Every case of forms.md §2 maps to a template that renders with its own sections."""
    national = build("draft", dept, unit, granted_by="prime_minister")
    fighter = national.items.get(award_type__code="CSTDTQ")
    assert documents.report_case(fighter) == "national_fighter"
    assert "phạm vi ảnh hưởng toàn quốc" in docx_text(documents.achievement_report_docx(fighter))
    flag = services.add_item(user("donvi"), national, award_type=atype("CO_CP"), organization=unit)
    assert documents.report_case(flag) == "government_flag"
    assert "Kết quả tham gia Cụm, Khối thi đua" in docx_text(documents.achievement_report_docx(flag))

    from thidua.emulation.models import Movement

    movement = Movement.objects.order_by("pk").first()
    cases = {"adhoc": "THÀNH TÍCH ĐỘT XUẤT", "career": "QUÁ TRÌNH CÔNG TÁC VÀ CÁC CHỨC VỤ ĐÃ ĐẢM NHẬN",
             "thematic": "THÀNH TÍCH TRONG PHONG TRÀO THI ĐUA"}
    for kind, marker in cases.items():
        d = services.create_dossier(user("donvi"), from_org=dept, granted_by="minister_chairman", year=2024,
                                    title=f"Hồ sơ {kind}", kind=kind, movement=movement if kind == "thematic" else None)
        p = new_person(unit, f"Lò Văn {kind.title()}", Gender.MALE, position="Trưởng phòng")
        item = services.add_item(user("donvi"), d, award_type=atype("BK_TINH"), person=p)
        assert documents.report_case(item) == kind
        text = docx_text(documents.achievement_report_docx(item))
        assert marker in text and p.full_name in text, kind
        if kind == "career":
            assert "Hệ số phụ cấp chức vụ" in text and "Trưởng phòng" in text
        if kind == "thematic":
            assert movement.name in text
    hero = DossierItem(dossier=national, person=fighter.person, recipient_name="x", award_type=atype("AH_LD"), year=2024)
    assert documents.report_case(hero) == "hero_individual"


def test_the_dossier_page_links_each_item_report(dossier, nominee):
    item = services.add_item(user("donvi"), dossier, award_type=atype("BK_TINH"), person=nominee[0])
    page = client_for("donvi").get(f"/ho-so/{dossier.pk}/").content.decode()
    assert f"/ho-so/{dossier.pk}/muc/{item.pk}/bao-cao-thanh-tich.docx" in page
    assert f"/ho-so/{dossier.pk}/muc/{item.pk}/bao-cao-thanh-tich.pdf" in page


@pytest.mark.slow
def test_report_pdf(libreoffice, dossier, nominee):
    item = services.add_item(user("donvi"), dossier, award_type=atype("BK_TINH"), person=nominee[0])
    r = client_for("donvi").get(f"/ho-so/{dossier.pk}/muc/{item.pk}/bao-cao-thanh-tich.pdf")
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"


# --- Council meeting minutes ----------------------------------------------------------------------------------


def _session_with_absentees(dept, unit):
    """Every member but the last two votes in person; the next-to-last votes in writing; the last not at all."""
    d = build("council", dept, unit)
    caobang = user("caobang")
    session = services.open_session(caobang, d, date(2025, 3, 5))
    choices = {c.item_id: "yes" for c in session.counts.all()}
    members = council_members()
    for m in members[:-2]:
        services.cast_ballot(m, session, choices)
    services.record_written_ballot(secretary(), session, members[-2], choices, paper=paper_scan())
    services.close_session(caobang, session)
    session.refresh_from_db()
    return session, members


def test_minutes_list_present_and_absent_members_and_the_count(dept, unit):
    session, members = _session_with_absentees(dept, unit)
    url = f"/hoi-dong/phien/{session.pk}/bien-ban-hop.docx"
    r = client_for("caobang").get(url)
    assert r.status_code == 200
    text = docx_text(r.content)
    assert "BIÊN BẢN" in text and format_date(session.held_on) in text
    present, written, silent = members[:-2], members[-2], members[-1]
    for m in present:
        assert (m.get_full_name() or m.username) in text
    assert f"{written.get_full_name() or written.username}\n[Bổ sung: lý do]; có phiếu bằng văn bản" in text
    assert f"{silent.get_full_name() or silent.username}\n[Bổ sung: lý do]; không gửi phiếu" in text
    assert f"có mặt: {len(present)}; vắng mặt: {session.member_count - len(present)}, trong đó 1 thành viên" in text
    for res in services.session_results(session):
        assert res.item.recipient_name in text and format_percent(res.share) in text
        assert f"{res.yes}/{res.member_count} phiếu" in text
    assert "THƯ KÝ HỘI ĐỒNG" in text and "CHỦ TỊCH" in text
    assert "[Bổ sung: địa điểm họp]" in text
    page = client_for("caobang").get(f"/hoi-dong/phien/{session.pk}/").content.decode()
    assert url in page
    assert client_for("laichau").get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_minutes_wait_for_the_end_of_the_session(dept, unit):
    d = build("council", dept, unit)
    session = services.open_session(user("caobang"), d, date(2025, 3, 5))
    assert client_for("caobang").get(f"/hoi-dong/phien/{session.pk}/bien-ban-hop.docx").status_code == 404


def test_minutes_of_the_demo_session():
    s = CouncilSession.objects.filter(status="closed").order_by("pk").first()
    text = docx_text(documents.council_minutes_docx(s))
    assert "có phiếu bằng văn bản" in text
    passed = sum(r.passed for r in services.session_results(s))
    assert f"khen thưởng {passed}/{s.counts.count()} trường hợp" in text
    # The demo council names its chair and secretary: the minutes carry both names where they sign.
    chair, secretary = s.council.chair, s.council.secretary
    assert f"Chủ trì: {chair.get_full_name() or chair.username}, Chủ tịch Hội đồng" in text
    assert f"Thư ký: {secretary.get_full_name() or secretary.username}, Thư ký Hội đồng" in text
