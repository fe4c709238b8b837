"""PAdES signatures: a signed PDF checks intact; one byte changed, or bytes added after signing, and it is
altered; the signing job signs the decision and its electronic certificates; the public verification page and
API show the stored PDFs' signatures and see an altered file; only the issuing authority's office signs."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from thidua.jobs.models import Job, JobStatus
from thidua.lib.documents import signature_block
from thidua.papers import placement, signing, testca
from thidua.papers.models import SignedDocument, SignedKind

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _plain_pdf(text="Quyết định khen thưởng") -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(100, 700, text)
    c.showPage()
    c.save()
    return out.getvalue()


def _flip_byte_in_signed_range(data: bytes) -> bytes:
    """Change one byte of the page content (inside the range the signature covers)."""
    start = data.index(b"stream") + len(b"stream\n") + 3
    altered = bytearray(data)
    altered[start] ^= 0x01
    return bytes(altered)


def test_a_signed_pdf_is_intact_and_one_changed_byte_makes_it_altered(cao_bang_key):
    signed = signing.sign_pdf(_plain_pdf(), cao_bang_key, box=(300, 40, 560, 100), reason="thử")
    check = signing.check_pdf(signed, expected_sha256=signing.sha256(signed))
    assert check.state == "intact" and check.trusted
    assert check.signer == "Ủy ban nhân dân tỉnh Cao Bằng" and check.signed_at is not None

    changed = _flip_byte_in_signed_range(signed)
    assert len(changed) == len(signed) and changed != signed
    assert signing.check_pdf(changed).state == "altered"
    # Bytes added after the signature: the signature no longer covers the whole file.
    appended = signing.check_pdf(signed + b"\n% sua sau khi ky\n")
    assert appended.state == "altered" and "sau khi ký" in appended.detail
    assert signing.check_pdf(_plain_pdf()).state == "unsigned"
    assert signing.check_pdf(b"not a pdf").state == "altered"


def test_a_certificate_outside_the_trust_roots_is_intact_but_not_trusted(cao_bang_key, tmp_path, settings):
    signed = signing.sign_pdf(_plain_pdf(), cao_bang_key, box=(300, 40, 560, 100))
    other = testca.create_ca(tmp_path / "other")[0]
    settings.THIDUA_SIGNING = {**settings.THIDUA_SIGNING, "TRUST_ROOTS": [str(other)]}
    check = signing.check_pdf(signed)
    assert check.state == "intact" and not check.trusted


def test_no_key_and_pkcs11_without_a_module_say_what_to_do(signing_dir, demo_decision, settings):
    with pytest.raises(signing.SigningUnavailable, match="thidua signing_ca"):
        signing.ensure_available(demo_decision.authority)
    settings.THIDUA_SIGNING = {**settings.THIDUA_SIGNING, "BACKEND": "pkcs11", "PKCS11_MODULE": "/nonexistent/p11.so"}
    with pytest.raises(signing.SigningUnavailable, match="PKCS#11"):
        signing.ensure_available(demo_decision.authority)
    settings.THIDUA_SIGNING = {**settings.THIDUA_SIGNING, "BACKEND": "usb"}
    with pytest.raises(signing.SigningUnavailable, match="pkcs12 hoặc pkcs11"):
        signing.ensure_available(demo_decision.authority)


def test_the_signing_ca_command_writes_a_key_per_authority(signing_dir, demo_decision):
    call_command("signing_ca", authority=[demo_decision.authority.pk])
    assert (signing_dir / "ca.pem").exists() and (signing_dir / f"{demo_decision.authority.pk}.p12").exists()
    assert (signing_dir / f"{demo_decision.authority.pk}.p12").stat().st_mode & 0o077 == 0
    signing.ensure_available(demo_decision.authority)


@pytest.mark.slow  # LibreOffice turns the decision and its certificates into PDF
def test_signing_job_then_public_verification_sees_intact_then_altered(
        libreoffice, immediate, media, cao_bang_key, demo_decision, province_officer, client):
    response = province_officer.post(f"/giay-to/quyet-dinh/{demo_decision.pk}/ky-so/")
    job = Job.objects.get(kind="papers.sign")
    assert response.status_code == 302 and response.url == f"/cong-viec/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED, job.message + job.error_detail
    certificates = list(demo_decision.awards.filter(certificate__isnull=False).select_related("certificate"))
    assert job.done == job.total == len(certificates) + 1
    decision_doc = SignedDocument.objects.get(decision=demo_decision, kind=SignedKind.DECISION)
    assert decision_doc.pdf.read().startswith(b"%PDF")
    assert SignedDocument.objects.filter(decision=demo_decision, kind=SignedKind.CERTIFICATE).count() == len(certificates)
    _assert_signature_over_the_signature_block(decision_doc.pdf.open("rb").read(), demo_decision)

    download = province_officer.get(f"/giay-to/quyet-dinh/{demo_decision.pk}/quyet-dinh-da-ky.pdf")
    assert download.status_code == 200 and download.content == decision_doc.pdf.open("rb").read()
    office_page = province_officer.get(f"/giay-to/quyet-dinh/{demo_decision.pk}/").content.decode()
    assert 'id="decision-signature" data-state="intact"' in office_page

    cert = certificates[0].certificate
    page = client.get(f"/xac-minh/{cert.token}/")
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-state="intact"') == 2
    assert "Ủy ban nhân dân tỉnh Cao Bằng" in html
    api = client.get(f"/api/v1/verify/{cert.token}").json()
    assert api["valid"] is True and api["signatures"]["certificate"]["state"] == "intact"
    assert api["signatures"]["decision"]["state"] == "intact" and api["signatures"]["decision"]["trusted"] is True

    # One byte of the stored electronic certificate changed on disk: the page and the API say "altered".
    stored = SignedDocument.objects.get(certificate=cert)
    path = stored.pdf.path
    with open(path, "rb") as fh:
        data = fh.read()
    with open(path, "wb") as fh:
        fh.write(_flip_byte_in_signed_range(data))
    html = client.get(f"/xac-minh/{cert.token}/").content.decode()
    assert 'id="signature-certificate"' in html and html.count('data-state="altered"') == 1
    api = client.get(f"/api/v1/verify/{cert.token}").json()
    assert api["signatures"]["certificate"]["state"] == "altered"
    assert api["signatures"]["decision"]["state"] == "intact"
    # The registry record is still checked as before: the award stays valid (the paper was altered, not the record).
    assert api["valid"] is True


def test_a_job_without_a_key_fails_with_the_reason(immediate, media, signing_dir, demo_decision, province_officer):
    province_officer.post(f"/giay-to/quyet-dinh/{demo_decision.pk}/ky-so/")
    job = Job.objects.get(kind="papers.sign")
    assert job.status == JobStatus.FAILED and "thidua signing_ca" in job.message
    assert not SignedDocument.objects.exists()


@pytest.mark.parametrize("persona, status", [
    ("other_province_officer", 403), ("central_board", 403), ("council_member", 403), ("auditor", 403)])
def test_only_the_issuing_office_signs_or_prints(persona, status, request, immediate, media, cao_bang_key,
                                                 demo_decision):
    who = request.getfixturevalue(persona)
    for action in ("ky-so", "in-phoi"):
        assert who.post(f"/giay-to/quyet-dinh/{demo_decision.pk}/{action}/").status_code == status
    assert who.get(f"/giay-to/quyet-dinh/{demo_decision.pk}/xem-truoc.pdf").status_code == status
    assert not Job.objects.filter(kind__startswith="papers.").exists() and not SignedDocument.objects.exists()


def test_anonymous_is_sent_to_login(client, demo_decision):
    response = client.post(f"/giay-to/quyet-dinh/{demo_decision.pk}/ky-so/")
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")
    assert not Job.objects.exists()


def _assert_signature_over_the_signature_block(pdf: bytes, decision) -> None:
    """The visible signature sits on the page of the signature block, between its last line and the signer's
    name, across the signature column (what a reader of the printed decision expects)."""
    reader = PdfReader(io.BytesIO(pdf))
    title = signature_block(decision.signer_title, decision.signer_name).lines[-1]
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            field = annot.get_object()
            if field.get("/FT") == "/Sig":
                left, bottom, right, top = (float(v) for v in field["/Rect"])
                lines = {ln.text: ln for ln in placement._lines(page)}
                assert title in lines and decision.signer_name in lines, f"page {index + 1}: {sorted(lines)}"
                assert lines[decision.signer_name].y < bottom < top < lines[title].y
                assert left < lines[title].x < right and left < lines[decision.signer_name].x < right
                return
    raise AssertionError("no signature field in the signed decision")
