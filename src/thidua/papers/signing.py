"""PAdES signatures of the issuing authority (pyHanko): signing a PDF, and checking the signature of a stored one.

The key of an authority comes from one of two places, chosen by settings.THIDUA_SIGNING["BACKEND"]:
- "pkcs12": a file `<authority id>.p12` in THIDUA_SIGNING["DIR"] with its passphrase in `<authority id>.pass`
  (`thidua signing_ca` makes them with a test CA for the demo);
- "pkcs11": a USB token or an HSM through its PKCS#11 module (THIDUA_SIGNING_PKCS11_MODULE, token label, PIN in
  the environment); the key and certificate of an authority are the objects labelled `thidua-<authority id>`
  unless THIDUA_SIGNING["PKCS11_LABELS"] maps the id to another label. Needs `pip install pyHanko[pkcs11]`.

The visible signature follows ND 30/2020 (Phụ lục I, mục II) for an organisation's signature on an electronic
document: the organisation's name and the signing time (ISO 8601 with the Vietnam offset), in blue, with the
authority's seal image (red, transparent PNG: `<authority id>-seal.png` in the same folder) over the left third
when there is one.
"""

from __future__ import annotations

import hashlib
import io
import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from thidua.papers.fonts import reportlab_fonts

log = logging.getLogger(__name__)

FIELD_NAME = "ChuKySoCoQuan"
BLUE = (0.0, 0.0, 0.8)


class SigningUnavailable(RuntimeError):
    """No key for the authority (or the token cannot be opened): the message says what to do."""


def config() -> dict:
    return settings.THIDUA_SIGNING


def directory() -> Path:
    return Path(config()["DIR"])


def seal_path(authority_pk: int) -> Path | None:
    path = directory() / f"{authority_pk}-seal.png"
    return path if path.exists() else None


def trust_roots() -> list:
    from pyhanko.keys import load_cert_from_pemder

    paths = [Path(p) for p in config().get("TRUST_ROOTS") or [directory() / "ca.pem"]]
    return [load_cert_from_pemder(str(p)) for p in paths if p.exists()]


# --- Keys ------------------------------------------------------------------------------------------------------

def _pkcs12_signer(authority):
    from pyhanko.sign import signers

    path, secret = directory() / f"{authority.pk}.p12", directory() / f"{authority.pk}.pass"
    if not path.exists():
        raise SigningUnavailable(
            f"Chưa có khóa ký số của {authority.name} (tệp {path.name} trong {directory()}). Bản thử nghiệm: chạy "
            f"“thidua signing_ca --authority {authority.pk}”; bản chính thức: dùng thiết bị ký số (PKCS#11).")
    passphrase = secret.read_text().strip().encode() if secret.exists() else None
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase)
    if signer is None:
        raise SigningUnavailable(f"Không mở được tệp khóa {path.name} của {authority.name} (sai mật khẩu?).")
    return signer, None


def _pkcs11_signer(authority):
    cfg = config()
    try:
        from pyhanko.sign import pkcs11
    except ImportError:  # python-pkcs11 is an optional dependency of pyHanko
        raise SigningUnavailable("Cấu hình ký bằng thiết bị PKCS#11 nhưng máy chủ chưa cài thư viện: "
                                 "pip install 'pyHanko[pkcs11]'.") from None
    module = cfg.get("PKCS11_MODULE") or ""
    if not module or not Path(module).exists():
        raise SigningUnavailable(f"Không tìm thấy thư viện PKCS#11 của thiết bị ký số ({module or 'chưa cấu hình'}); "
                                 f"đặt THIDUA_SIGNING_PKCS11_MODULE.")
    label = (cfg.get("PKCS11_LABELS") or {}).get(str(authority.pk), f"thidua-{authority.pk}")
    try:
        session = pkcs11.open_pkcs11_session(module, token_label=cfg.get("PKCS11_TOKEN_LABEL") or None,
                                             user_pin=cfg.get("PKCS11_PIN") or None)
    except Exception as exc:
        raise SigningUnavailable(f"Không mở được thiết bị ký số: {exc}.") from None
    return pkcs11.PKCS11Signer(session, cert_label=label, key_label=label), session


def signer_for(authority):
    """(pyHanko signer, session to close or None) for the authority, from the configured backend."""
    backend = config().get("BACKEND", "pkcs12")
    if backend == "pkcs11":
        return _pkcs11_signer(authority)
    if backend == "pkcs12":
        return _pkcs12_signer(authority)
    raise SigningUnavailable(f"THIDUA_SIGNING_BACKEND phải là pkcs12 hoặc pkcs11, không phải “{backend}”.")


def authority_body(org) -> str:
    """The organisation as it signs ("Ủy ban nhân dân tỉnh Cao Bằng" for the province)."""
    return f"Ủy ban nhân dân tỉnh {org.name}" if org.kind == "province" else org.name


def ensure_available(authority) -> None:
    """Raise SigningUnavailable (saying what to do) when the authority's key cannot be opened."""
    _signer, session = signer_for(authority)
    if session is not None:
        session.close()


# --- Signing ---------------------------------------------------------------------------------------------------

def appearance_pdf(authority, box: tuple[float, float, float, float], when: datetime) -> bytes:
    """The signature's visible appearance as a one-page PDF of the box's size (reportlab, Liberation Serif): the
    seal image over the left third when configured, then the organisation and the signing time, in blue."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas


    family = reportlab_fonts()
    width, height = box[2] - box[0], box[3] - box[1]
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(width, height))
    c.setStrokeColorRGB(*BLUE)
    c.setLineWidth(0.8)
    c.rect(0.5, 0.5, width - 1, height - 1)
    seal = seal_path(authority.pk)
    text_left = 6
    if seal is not None:
        size = height - 4
        c.drawImage(ImageReader(str(seal)), 2, 2, width=size, height=size, mask="auto", preserveAspectRatio=True)
        text_left = min(size * 0.66, width / 3)
    c.setFillColorRGB(*BLUE)
    body = authority_body(authority)
    lines = [(f"{family}-Bold", "Ký bởi: " + body), (family, "Cơ quan: " + body),
             (family, "Thời gian ký: " + when.isoformat(timespec="seconds"))]
    size = 9.0
    longest = max(c.stringWidth(t, f, size) for f, t in lines)
    if longest > width - text_left - 4:
        size = max(5.5, size * (width - text_left - 4) / longest)
    y = height / 2 + size * 1.1
    for font, line in lines:
        c.setFont(font, size)
        c.drawString(text_left, y, line)
        y -= size * 1.25
    c.showPage()
    c.save()
    return out.getvalue()


def sign_pdf(pdf: bytes, authority, *, box: tuple[float, float, float, float], page: int = -1,
             reason: str = "") -> bytes:
    """The PDF signed by the authority (PAdES B-B, SHA-256) with a visible signature in `box` (points, from the
    bottom left) on `page` (-1: the last)."""
    from pyhanko import stamp
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer, session = signer_for(authority)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        pages = int(writer.root["/Pages"]["/Count"])
        on_page = page if page >= 0 else pages + page
        fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME, on_page=on_page, box=box))
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason or None, location=authority.place_name or None, name=authority_body(authority))
        when = timezone.localtime(timezone.now()).replace(microsecond=0)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as look:
            look.write(appearance_pdf(authority, box, when))
            look.flush()
            style = stamp.StaticStampStyle.from_pdf_file(look.name, border_width=0)
            pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style)
            out = pdf_signer.sign_pdf(writer)
        return out.getvalue()
    finally:
        if session is not None:
            session.close()


# --- Checking --------------------------------------------------------------------------------------------------

INTACT, ALTERED, UNSIGNED = "intact", "altered", "unsigned"


@dataclass(frozen=True)
class SignatureCheck:
    """What the verification page says about a stored PDF's signature."""

    state: str  # intact | altered | unsigned
    signer: str = ""
    organisation: str = ""
    signed_at: datetime | None = None
    trusted: bool = False  # the certificate chains to a configured trust root
    detail: str = ""

    @property
    def intact(self) -> bool:
        return self.state == INTACT


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_pdf(data: bytes, *, expected_sha256: str = "") -> SignatureCheck:
    """Validate the last signature of a PDF: the bytes it covers are those signed (intact), it covers the whole
    file (nothing added after), and its certificate chains to a trust root. A file that differs from the one
    stored (`expected_sha256`) is altered even if it still carries a valid signature of something else."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as exc:
        return SignatureCheck(ALTERED, detail=f"Tệp PDF không đọc được ({type(exc).__name__}): đã bị sửa hoặc hỏng.")
    if not signatures:
        return SignatureCheck(UNSIGNED, detail="Tệp PDF không có chữ ký số.")
    embedded = signatures[-1]
    try:
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=trust_roots(), allow_fetching=False))
    except Exception as exc:  # a broken signature dictionary or CMS blob: whatever the cause, not the signed file
        return SignatureCheck(ALTERED, detail=f"Chữ ký số không kiểm tra được ({type(exc).__name__}): tệp đã bị sửa.")
    cert = status.signing_cert
    subject = cert.subject.native if cert is not None else {}
    signed_at = status.signer_reported_dt
    common = dict(signer=subject.get("common_name", ""), organisation=subject.get("organization_name", ""),
                  signed_at=timezone.localtime(signed_at) if signed_at else None, trusted=bool(status.trusted))
    if not (status.intact and status.valid):
        return SignatureCheck(ALTERED, detail="Nội dung tệp không còn khớp với chữ ký số: đã bị sửa sau khi ký.",
                              **common)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureCheck(ALTERED, detail="Tệp có phần được thêm vào sau khi ký.", **common)
    if expected_sha256 and sha256(data) != expected_sha256:
        return SignatureCheck(ALTERED, detail="Tệp khác bản đã lưu khi ký.", **common)
    detail = "Chữ ký số hợp lệ, văn bản nguyên vẹn." if status.trusted else (
        "Văn bản nguyên vẹn nhưng chứng thư số không thuộc tổ chức chứng thực được tin cậy trong cấu hình.")
    return SignatureCheck(INTACT, detail=detail, **common)
