"""A test certification authority for the demo: a root certificate and, per issuing authority, a key and
certificate in a PKCS#12 file, all under var/signing/ (never committed: var/ is ignored by git).

A real deployment uses certificates from a licensed provider of digital signature certification services (a
USB token or an HSM, through PKCS#11: see signing.py); this CA exists so the signing path can be run and tested
without one."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "thidua CA thử nghiệm (không có giá trị pháp lý)"


def _cut(text: str, limit: int = 64) -> str:
    """X.509 limits these names to 64 (counted in UTF-8 bytes by cryptography)."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, _cut(organisation)),
                      x509.NameAttribute(NameOID.COMMON_NAME, _cut(common))])


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def create_ca(directory: Path, *, years: int = 10) -> tuple[Path, Path]:
    """The root key and certificate (ca.key.pem, ca.pem); reused when they exist."""
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "ca.pem", directory / "ca.key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    key = _key()
    now = dt.datetime.now(dt.UTC)
    name = _name(CA_NAME, "thidua (thử nghiệm)")
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def issue_pkcs12(directory: Path, authority_pk: int, authority_name: str, *, years: int = 5) -> tuple[Path, str]:
    """A key and certificate for one authority, signed by the test CA, in `<pk>.p12` with a random passphrase
    written beside it (`<pk>.pass`, mode 600). Returns the file and the passphrase."""
    cert_path, key_path = create_ca(directory)
    ca_cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    ca_key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    key = _key()
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(authority_name, authority_name))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    passphrase = secrets.token_urlsafe(18)
    p12 = pkcs12.serialize_key_and_certificates(
        f"thidua-{authority_pk}".encode(), key, cert, [ca_cert],
        serialization.BestAvailableEncryption(passphrase.encode()))
    path = directory / f"{authority_pk}.p12"
    path.write_bytes(p12)
    path.chmod(0o600)
    secret = directory / f"{authority_pk}.pass"
    secret.write_text(passphrase)
    secret.chmod(0o600)
    return path, passphrase
