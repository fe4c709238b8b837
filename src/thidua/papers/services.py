"""Signing and printing of a decision's papers: who may, and the background jobs that do it.

Only the issuing authority's office (awards.authority.can_issue) signs, prints and pays for its own decisions;
a transcription (another authority's decision recorded by an office) is a copy and gets none of these."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from thidua.awards import authority as authority_rules
from thidua.awards.models import Decision
from thidua.core import audit
from thidua.jobs import services as job_services
from thidua.jobs.registry import JobFailed, JobOutput, register
from thidua.lib import documents as core_documents
from thidua.lib.documents import signature_block
from thidua.nominations import documents
from thidua.papers import placement, printing, signing
from thidua.papers.models import SignedDocument, SignedKind

log = logging.getLogger(__name__)

SIGN_KIND = "papers.sign"
PRINT_KIND = "papers.print"
# Where the visible signature goes (points from the bottom left) when the decision's text does not show its
# signature block (placement.signature_place finds it otherwise): the foot of the last page.
DECISION_BOX = (300, 36, 560, 96)


def can_act(user, decision: Decision) -> authority_rules.Verdict:
    """Sign, print or pay for this decision: the office acting for its authority, never for a transcription."""
    if decision.is_transcribed:
        return authority_rules.Verdict(False, f"Quyết định {decision.number} là bản ghi lại quyết định của "
                                              f"{decision.authority.name}: chỉ cơ quan ban hành mới ký số, in phôi, "
                                              f"chi thưởng.")
    if not getattr(user, "is_authenticated", False):
        return authority_rules.Verdict(False, "Bạn cần đăng nhập.")
    if not authority_rules.acts_for(user, decision.authority):
        offices = ", ".join(o.name for o in authority_rules.issuing_offices(decision.authority)[:3])
        return authority_rules.Verdict(False, f"Chỉ cơ quan thi đua, khen thưởng của {decision.authority.name} "
                                              f"({offices}) hoặc quản trị hệ thống mới ký số, in phôi, chi thưởng "
                                              f"cho quyết định do {decision.authority.name} ban hành.")
    return authority_rules.ALLOWED


def require(user, decision: Decision, what: str) -> None:
    authority_rules.require(can_act(user, decision), user, decision, what=what)


# --- Jobs ------------------------------------------------------------------------------------------------------

def start_signing(user, decision: Decision, base_url: str):
    require(user, decision, "papers.sign")
    return job_services.enqueue(SIGN_KIND, owner=user, organization=decision.authority,
                                title=f"Ký số quyết định {decision.number} và giấy khen kèm theo",
                                params={"decision": decision.pk, "base_url": base_url.rstrip("/")})


def start_printing(user, decision: Decision):
    require(user, decision, "papers.print")
    return job_services.enqueue(PRINT_KIND, owner=user, organization=decision.authority,
                                title=f"In phôi khen thưởng theo quyết định {decision.number}",
                                params={"decision": decision.pk})


def _decision(ctx) -> Decision:
    decision = Decision.objects.select_related("authority").filter(pk=ctx.params.get("decision")).first()
    if decision is None:
        raise JobFailed("Quyết định không còn trong hệ thống.")
    # The rights are checked again when the job runs: they may have changed since it was queued.
    verdict = can_act(ctx.job.owner, decision)
    if not verdict:
        raise JobFailed(verdict.reason)
    return decision


def _store(decision, kind, pdf: bytes, user, certificate=None) -> SignedDocument:
    check = signing.check_pdf(pdf)
    name = f"{kind}-{certificate.register_no.replace('/', '-') if certificate else decision.pk}.pdf"
    existing = SignedDocument.objects.filter(decision=decision, kind=kind, certificate=certificate).first()
    doc = existing or SignedDocument(decision=decision, kind=kind, certificate=certificate)
    old = doc.pdf.name if existing else ""
    doc.sha256, doc.signer, doc.signed_by = signing.sha256(pdf), check.signer, user
    doc.signed_at = check.signed_at or timezone.now()
    doc.pdf.save(name, ContentFile(pdf), save=False)
    with transaction.atomic():
        doc.save()
        audit.record("change" if existing else "create", doc, user=user, organization=decision.authority,
                     after=audit.snapshot(doc, ["kind", "decision", "certificate", "sha256", "signer", "signed_at"]),
                     reason="ký số")
    if old and old != doc.pdf.name:
        doc.pdf.storage.delete(old)
    return doc


def decision_pdf(decision: Decision) -> bytes | None:
    """The decision as drafted from its dossier (Word → PDF with LibreOffice); None for a decision recorded
    without a dossier (its paper original is the document)."""

    dossier = decision.dossiers.select_related("authority", "from_org").first()
    if dossier is None:
        return None
    try:
        return core_documents.to_pdf(documents.decision_docx(dossier))
    except (core_documents.PdfUnavailable, core_documents.PdfConversionError) as exc:
        raise JobFailed(str(exc)) from None


def decision_signature_place(pdf: bytes, decision: Decision) -> tuple[int, tuple[float, float, float, float]]:
    """Over the blank between the signature block's last line and the signer's name; at the foot of the last page
    when the drafted text does not show them (a decision without a signer's name)."""
    lines = signature_block(decision.signer_title, decision.signer_name).lines
    found = placement.signature_place(pdf, lines[-1] if lines else "", decision.signer_name)
    return found if found is not None else (-1, DECISION_BOX)


def certificate_pdf(award, verify_url: str) -> bytes:
    """The electronic certificate: the page of the printed one, drawn on its blank, with the QR code of the
    public verification page."""
    return printing.electronic_certificate_pdf(award, verify_url)


@register(SIGN_KIND, gettext_lazy("Ký số quyết định và giấy khen"))
def run_signing(ctx) -> JobOutput:
    from django.urls import reverse

    decision = _decision(ctx)
    user = ctx.job.owner
    awards = list(printing.awards_of(decision).filter(certificate__isnull=False))
    total = len(awards) + 1
    try:
        signing.ensure_available(decision.authority)  # fail early, before any work, without a key
    except signing.SigningUnavailable as exc:
        raise JobFailed(str(exc)) from None
    ctx.progress(0, total, "Đang tạo và ký quyết định…")
    pdf = decision_pdf(decision)
    signed_decision = None
    if pdf is not None:
        page, box = decision_signature_place(pdf, decision)
        signed_decision = _store(decision, SignedKind.DECISION,
                                 signing.sign_pdf(pdf, decision.authority, box=box, page=page,
                                                  reason=f"Ban hành Quyết định {decision.number}"), user)
    for n, award in enumerate(awards, 1):
        url = ctx.params["base_url"] + reverse("nominations:verify", args=[award.certificate.token])
        layout = printing.layouts_for(decision.authority, [award.award_type])[award.award_type_id]
        signed = signing.sign_pdf(certificate_pdf(award, url), decision.authority,
                                  box=printing.signature_box(layout), page=0,
                                  reason=f"Giấy chứng nhận số sổ vàng {award.certificate.register_no}")
        _store(decision, SignedKind.CERTIFICATE, signed, user, certificate=award.certificate)
        ctx.progress(n, total, f"Đã ký {n}/{len(awards)} giấy chứng nhận")
    what = "quyết định và " if signed_decision else "(quyết định không lập từ hồ sơ nên không có bản PDF để ký) "
    return JobOutput(content=signed_decision.pdf.read() if signed_decision else None,
                     filename=f"quyet-dinh-{decision.number.replace('/', '-')}-da-ky.pdf",
                     message=f"Đã ký số {what}{len(awards)} giấy chứng nhận.",
                     data={"url": f"/giay-to/quyet-dinh/{decision.pk}/", "certificates": len(awards),
                           "decision_signed": bool(signed_decision)})


@register(PRINT_KIND, gettext_lazy("In phôi khen thưởng"))
def run_printing(ctx) -> JobOutput:
    decision = _decision(ctx)
    total = printing.awards_of(decision).count()
    ctx.progress(0, total, "Đang dàn trang…")
    pdf, pages = printing.blanks_pdf(decision, progress=lambda done, of: ctx.progress(done, of, f"{done}/{of} trang"))
    return JobOutput(content=pdf, filename=f"phoi-{decision.number.replace('/', '-')}.pdf",
                     message=f"Đã dàn {pages} trang phôi (một trang cho mỗi khen thưởng).",
                     data={"url": f"/giay-to/quyet-dinh/{decision.pk}/", "pages": pages})


# --- Verification ----------------------------------------------------------------------------------------------

def stored_check(doc: SignedDocument | None) -> signing.SignatureCheck | None:
    if doc is None:
        return None
    try:
        with doc.pdf.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return signing.SignatureCheck(signing.ALTERED, detail="Không còn tệp đã ký trong kho lưu trữ.")
    return signing.check_pdf(data, expected_sha256=doc.sha256)


def certificate_signatures(cert) -> dict:
    """The signatures the public verification shows for a certificate: its electronic certificate and its
    decision, each checked from the stored PDF."""
    decision = SignedDocument.objects.filter(decision_id=cert.award.decision_id, kind=SignedKind.DECISION).first()
    own = SignedDocument.objects.filter(certificate=cert).first()
    return {"certificate": stored_check(own), "decision": stored_check(decision)}
