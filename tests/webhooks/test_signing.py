"""Signatures: the header verifies with the documented algorithm, and only for the same body."""

from __future__ import annotations

from app.webhooks.signing import new_secret, sign_body, verify_signature
from tests.webhooks.conftest import verify_documented


def test_sign_body_verifies_with_the_documented_receiver_algorithm() -> None:
    secret, body = new_secret(), b'{"event":"report.done"}'
    header = sign_body(secret, body, timestamp=1_700_000_000)
    assert header.startswith("t=1700000000,v1=")
    assert verify_documented(secret, body, header)
    assert verify_signature(secret, body, header, now=1_700_000_010)


def test_verify_signature_rejects_tampering_a_wrong_secret_or_an_old_timestamp() -> None:
    secret, body = new_secret(), b'{"event":"report.done"}'
    header = sign_body(secret, body, timestamp=1_700_000_000)
    assert not verify_signature(secret, body + b" ", header, now=1_700_000_000)
    assert not verify_signature(new_secret(), body, header, now=1_700_000_000)
    assert not verify_signature(secret, body, header.replace("t=17", "t=18"), now=1_800_000_000)
    assert not verify_signature(secret, body, header, now=1_700_000_000 + 3600)


def test_new_secret_is_random() -> None:
    assert new_secret() != new_secret()
