"""Documents of the nomination path: submission letter with the nominee list, the decision with its list and
prize money, the vote-count minutes (only once the session is closed), the certificate with its QR code."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client

from tests.nominations.conftest import build, user
from thidua.lib.documents import docx_text
from thidua.nominations import services
from thidua.nominations.models import Certificate, CouncilSession, Dossier
from thidua.nominations.prize import decision_prizes

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def caobang():
    c = Client()
    c.force_login(user("caobang"))
    return c


def test_submission_letter_lists_the_nominees():
    d = Dossier.objects.get(state="submitted", title__contains="minh họa")
    r = caobang().get(f"/ho-so/{d.pk}/to-trinh.docx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    text = docx_text(r.content)
    assert "TỜ TRÌNH" in text and "Số: 32/TTr-SNV" in text and d.from_org.name.upper() in text
    for item in d.items.all():
        assert item.recipient_name in text and item.award_type.name in text


def test_decision_document_with_register_numbers_and_prize_total():
    d = Dossier.objects.filter(state__in=["decided", "closed"], decision__isnull=False).order_by("pk").first()
    text = docx_text(caobang().get(f"/ho-so/{d.pk}/quyet-dinh.docx").content)
    assert "QUYẾT ĐỊNH" in text and "Số: 245/QĐ-UBND" in text and "Điều 1." in text
    total = sum(line.paid for line in decision_prizes(d.decision))
    assert f"{total:,}".replace(",", ".") in text
    for cert in Certificate.objects.filter(award__decision=d.decision):
        assert cert.register_no in text and cert.award.recipient_name in text
    assert Client().get(f"/ho-so/{d.pk}/quyet-dinh.docx").status_code == 302
    undecided = Dossier.objects.get(state="submitted", title__contains="minh họa")
    assert caobang().get(f"/ho-so/{undecided.pk}/quyet-dinh.docx").status_code == 404


def test_vote_minutes_only_once_the_session_is_closed(dept, unit):
    closed = CouncilSession.objects.filter(status="closed").order_by("pk").first()
    text = docx_text(caobang().get(f"/hoi-dong/phien/{closed.pk}/bien-ban-kiem-phieu.docx").content)
    assert "BIÊN BẢN KIỂM PHIẾU" in text and f"Tổng số thành viên Hội đồng: {closed.member_count}" in text
    assert "Bỏ phiếu kín" in text
    d = build("council", dept, unit)
    from datetime import date

    session = services.open_session(user("caobang"), d, date(2025, 3, 5))
    assert caobang().get(f"/hoi-dong/phien/{session.pk}/bien-ban-kiem-phieu.docx").status_code == 404


def test_certificate_word_has_the_qr_code_and_register_number():
    cert = Certificate.objects.order_by("pk").first()
    r = caobang().get(f"/chung-nhan/{cert.award_id}/giay-chung-nhan.docx")
    text = docx_text(r.content)
    assert cert.award.recipient_name in text and f"Số sổ vàng: {cert.register_no}" in text
    assert f"/xac-minh/{cert.token}/" in text
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(images) == 1 and z.read(images[0])[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_certificate_pdf(libreoffice):
    cert = Certificate.objects.order_by("pk").first()
    r = caobang().get(f"/chung-nhan/{cert.award_id}/giay-chung-nhan.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content[:5] == b"%PDF-"
