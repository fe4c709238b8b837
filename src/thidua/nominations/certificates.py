"""Certificates: golden-register numbers, unguessable verification tokens, the public verification view
of an award, and its QR code (segno, inline SVG)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import segno
from django.db.models import Max

from thidua.awards.authority import ISSUED_FORMS, issuer_title
from thidua.awards.models import Award
from thidua.lib.documents import date_line, signature_block
from thidua.nominations.models import Certificate
from thidua.orgs.models import Organization

TOKEN_BYTES = 24  # 32 URL-safe characters, 192 bits: not guessable, not sequential


def register_label(sequence: int, year: int) -> str:
    return f"{sequence:04d}/{year}"


def next_register_numbers(authority: Organization, year: int, count: int) -> list[tuple[int, str]]:
    """The next `count` golden-register numbers of an authority for a year. Call inside the transaction that
    issues them: the authority's row is locked so two decisions cannot take the same numbers."""
    Organization.objects.select_for_update().filter(pk=authority.pk).first()
    last = Certificate.objects.filter(authority=authority, year=year).aggregate(m=Max("sequence"))["m"] or 0
    return [(last + i, register_label(last + i, year)) for i in range(1, count + 1)]


def issue(awards: list[Award], authority: Organization, year: int, numbers: list[tuple[int, str]]) -> list[Certificate]:
    return Certificate.objects.bulk_create([
        Certificate(award_id=a.pk, authority=authority, year=year, sequence=seq, register_no=label,
                    token=secrets.token_urlsafe(TOKEN_BYTES))
        for a, (seq, label) in zip(awards, numbers, strict=True)])


@dataclass(frozen=True)
class Verification:
    """What the public verification page shows, and nothing more (no citizen ID, no birth date)."""

    recipient_name: str
    award_name: str
    decision_number: str
    decision_date: date
    decision_authority: str
    valid: bool
    # A transcription is a copy recorded by another office, not the authority's own record: say so.
    decision_transcribed_by: str | None = None
    revocation_number: str | None = None
    revocation_date: date | None = None
    revocation_authority: str | None = None
    revocation_transcribed_by: str | None = None
    # The signatures of the stored PDFs ({"certificate": check, "decision": check}, a check None when that paper
    # was not signed), when an upper app registered how to check them (thidua.papers).
    signatures: dict | None = None


# Set by thidua.papers (which stores and signs the PDFs): certificate → its signature checks.
_signature_lookup = None


def register_signature_lookup(lookup) -> None:
    global _signature_lookup
    _signature_lookup = lookup


def verify(token: str) -> Verification | None:
    cert = (Certificate.objects.filter(token=token)
            .select_related("award__award_type", "award__decision__authority", "award__decision__transcribed_by",
                            "award__revocation__decision__authority", "award__revocation__decision__transcribed_by")
            .first()
            if token and len(token) <= 64 and "\x00" not in token else None)
    if cert is None:
        return None
    a = cert.award
    rev = getattr(a, "revocation", None)
    rd = rev.decision if rev is not None else None
    return Verification(recipient_name=a.recipient_name, award_name=a.award_type.name,
                        decision_number=a.decision.number, decision_date=a.decision.signed_on,
                        decision_authority=a.decision.authority.name, valid=rev is None,
                        decision_transcribed_by=a.decision.transcribed_by.name if a.decision.transcribed_by else None,
                        revocation_number=rd.number if rd else None, revocation_date=rd.signed_on if rd else None,
                        revocation_authority=rd.authority.name if rd else None,
                        revocation_transcribed_by=rd.transcribed_by.name if rd and rd.transcribed_by else None,
                        signatures=_signature_lookup(cert) if _signature_lookup is not None else None)


def qr_svg(url: str, scale: int = 3) -> str:
    """An inline SVG QR code (no style attribute: allowed by the Content-Security-Policy)."""
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#0b3d6e", border=2)


def qr_png(url: str, scale: int = 8) -> bytes:
    """The same QR code as PNG bytes, for the Word/PDF certificate."""
    import io

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2, dark="#0b3d6e")
    return buf.getvalue()


# What the certificate says, in the customary wording (the same for the page and the Word/PDF certificate).
ACHIEVEMENT_WORDING = {
    "merit": "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm {year}",
    "thematic": "Đã có thành tích xuất sắc trong phong trào thi đua năm {year}",
    "adhoc": "Đã có thành tích xuất sắc đột xuất năm {year}",
    "career": "Đã có quá trình cống hiến xuất sắc",
    "service": "Đã có thành tích theo niên hạn đến năm {year}",
    "foreign": "Đã có thành tích xuất sắc trong quan hệ hợp tác, hữu nghị năm {year}",
    "resistance": "Đã có thành tích trong kháng chiến",
}


@dataclass(frozen=True)
class CertificateText:
    issuer: str  # "Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng"
    title: str  # "Bằng khen", or the title's name
    lead: str  # "Tặng", "Tặng tập thể", "Tặng hộ gia đình"
    achievement: str  # "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2019"
    signature: list[str]  # the ND 30 signature block's lines ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    place_line: str  # "Cao Bằng, ngày 05 tháng 12 năm 2026"


def certificate_text(award: Award) -> CertificateText:

    lead = {"collective": "Tặng tập thể", "household": "Tặng hộ gia đình"}.get(award.recipient_kind, "Tặng")
    wording = ACHIEVEMENT_WORDING.get(award.basis, ACHIEVEMENT_WORDING["merit"]).format(year=award.year)
    return CertificateText(issuer=issuer_title(award.decision.authority),
                           title=ISSUED_FORMS.get(award.award_type.code, award.award_type.name), lead=lead,
                           achievement=wording, signature=signature_block(award.decision.signer_title).lines,
                           place_line=date_line(award.decision.authority.place_name, award.decision.signed_on))
