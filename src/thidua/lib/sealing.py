"""Sealed ballots: a ballot's content encrypted with a key derived from the application's secret key.

A sealed ballot is stored with no voter and no time, so a copy of the database (file, WAL, backup, replica,
logical decoding) shows only that *some* ballot arrived, never its content; it is opened in memory when the
vote closes (and again for a recount). Whoever holds both the database and SECRET_KEY can open every ballot:
that operator is trusted (docs/SECURITY.md).

AES-GCM (authenticated: a changed or moved ballot fails to open) with a fresh random 96-bit nonce per ballot;
the key is HKDF-SHA256 of SECRET_KEY with a per-purpose `info`, so a ballot key serves nothing else; the
`context` (e.g. the session id) is bound as associated data, so a ballot copied into another session does
not open there. The plaintext is padded to a fixed size chosen by the caller, so the length of a sealed
ballot does not tell how many choices it holds. No Fernet: its token carries a plaintext timestamp.
"""

from __future__ import annotations

import json
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = b"\x01"
NONCE_BYTES = 12
BLOCK = 64  # sizes are rounded up to a multiple of this, so near-equal sizes cannot be told apart either
SALT = b"thidua sealed ballots"


class SealError(Exception):
    """A sealed ballot that cannot be opened: wrong key, wrong context, or altered bytes."""


def _key(secret: str, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=purpose.encode())
    return hkdf.derive(secret.encode())


def _secrets() -> list[str]:
    """The current key first, then SECRET_KEY_FALLBACKS: ballots sealed before a key rotation still open."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def padded_size(size: int) -> int:
    """The plaintext size actually used for a payload of at most `size` bytes (length prefix included)."""
    return -(-(size + 4) // BLOCK) * BLOCK


def encode(payload) -> bytes:
    """The canonical bytes of a payload (compact, sorted JSON): the same ballot always has the same size."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def _seal_raw(plain: bytes, purpose: str, context: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(_key(settings.SECRET_KEY, purpose)).encrypt(nonce, plain, VERSION + context.encode())


def _open_raw(blob: bytes, purpose: str, context: str) -> bytes:
    blob = bytes(blob)
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != VERSION:
        raise SealError("not a sealed ballot")
    nonce, sealed = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:]
    for secret in _secrets():
        try:
            return AESGCM(_key(secret, purpose)).decrypt(nonce, sealed, VERSION + context.encode())
        except InvalidTag:
            continue
    raise SealError("the ballot does not open with the application's key in this context")


def seal(payload, *, purpose: str, context: str, size: int) -> bytes:
    """Encrypt `payload` (JSON-able), padded to `padded_size(size)` bytes. `size` is the largest encoded
    payload possible in this context (so every ballot of a session has the same length)."""
    data = encode(payload)
    if len(data) > size:
        raise ValueError(f"payload of {len(data)} bytes exceeds the declared maximum {size}")
    plain = struct.pack(">I", len(data)) + data
    return _seal_raw(plain + b"\x00" * (padded_size(size) - len(plain)), purpose, context)


def open_sealed(blob: bytes, *, purpose: str, context: str):
    """The payload of a sealed ballot; SealError if no known key opens it in this context."""
    plain = _open_raw(blob, purpose, context)
    (n,) = struct.unpack(">I", plain[:4])
    return json.loads(plain[4:4 + n])


def seal_bytes(data: bytes, *, purpose: str, context: str) -> bytes:
    """Encrypt a document (e.g. the scan of a signed paper ballot) as it is, without padding."""
    return _seal_raw(data, purpose, context)


def open_bytes(blob: bytes, *, purpose: str, context: str) -> bytes:
    return _open_raw(blob, purpose, context)
