"""core.sealing: a sealed ballot opens only with the application's key, in its purpose and context; its bytes
show neither the content nor its size; a key rotation keeps old ballots readable through SECRET_KEY_FALLBACKS."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from thidua.lib import sealing

PURPOSE, CONTEXT = "test.ballots", "session:7"


def seal(payload, size=64, **kw):
    return sealing.seal(payload, purpose=kw.get("purpose", PURPOSE), context=kw.get("context", CONTEXT), size=size)


def test_round_trip_and_fresh_nonce():
    a, b = seal([101, 205]), seal([101, 205])
    assert sealing.open_sealed(a, purpose=PURPOSE, context=CONTEXT) == [101, 205]
    assert a != b  # a fresh random nonce: two equal ballots are not equal bytes


def test_content_is_not_in_clear():
    blob = seal({"9931": "y", "9932": "n"})
    assert b"9931" not in blob and b'"y"' not in blob and b"9932" not in blob


def test_same_size_whatever_the_content():
    ids = [90001, 90002, 90003, 90004]
    size = len(sealing.encode(ids))
    lengths = {len(seal(ids[:k], size=size)) for k in range(len(ids) + 1)}
    assert len(lengths) == 1  # blank, one choice … all choices: one length
    with pytest.raises(ValueError):
        seal(ids + [90005], size=size)  # larger than declared: refused rather than leaking a longer ballot


@pytest.mark.parametrize("purpose,context", [("other.purpose", CONTEXT), (PURPOSE, "session:8")])
def test_wrong_purpose_or_context_does_not_open(purpose, context):
    with pytest.raises(sealing.SealError):
        sealing.open_sealed(seal([1]), purpose=purpose, context=context)


def test_altered_bytes_do_not_open():
    blob = bytearray(seal([1, 2]))
    blob[-1] ^= 1
    with pytest.raises(sealing.SealError):
        sealing.open_sealed(bytes(blob), purpose=PURPOSE, context=CONTEXT)
    with pytest.raises(sealing.SealError):
        sealing.open_sealed(b"not a ballot", purpose=PURPOSE, context=CONTEXT)


def test_key_comes_from_secret_key_and_rotation_uses_fallbacks(settings):
    settings.SECRET_KEY = "k1-" + "x" * 60
    blob = seal([3])
    settings.SECRET_KEY = "k2-" + "y" * 60
    with pytest.raises(sealing.SealError):
        sealing.open_sealed(blob, purpose=PURPOSE, context=CONTEXT)  # another key: nothing opens
    settings.SECRET_KEY_FALLBACKS = ["k1-" + "x" * 60]
    assert sealing.open_sealed(blob, purpose=PURPOSE, context=CONTEXT) == [3]


def test_not_fernet():
    """No plaintext timestamp or other clear header beyond the version byte: the bytes after it are a nonce
    and ciphertext (Fernet tokens carry the sealing time in clear)."""
    blob = seal([1])
    assert blob[:1] == sealing.VERSION
    assert len(blob) == 1 + sealing.NONCE_BYTES + sealing.padded_size(64) + 16


def test_bytes_round_trip():
    scan = b"%PDF-1.4 signed paper ballot"
    blob = sealing.seal_bytes(scan, purpose=PURPOSE, context=CONTEXT)
    assert scan not in blob and sealing.open_bytes(blob, purpose=PURPOSE, context=CONTEXT) == scan


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**9), unique=True, max_size=12))
def test_any_ballot_opens_to_itself(ids):
    size = len(sealing.encode(sorted(ids)))
    assert sealing.open_sealed(seal(sorted(ids), size=size), purpose=PURPOSE, context=CONTEXT) == sorted(ids)
