"""Idempotency keys in the database: replay, mismatch, expiry, purge."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.core import idempotency
from app.core.errors import InvalidRequestError
from app.core.idempotency import IdempotencyMismatchError, StoredResponse

DAY = 24 * 3600
RESPONSE = StoredResponse(202, {"id": "r1", "status": "queued"}, {"Location": "/v1/reports/r1"})


def _save(engine: Engine, key: str = "k1", fingerprint: str = "f1") -> None:
    with Session(engine) as session:
        idempotency.save_response(session, key=key, fingerprint=fingerprint, response=RESPONSE)
        session.commit()


def test_saved_response_is_found_for_the_same_request(engine: Engine) -> None:
    _save(engine)
    with Session(engine) as session:
        found = idempotency.find_response(session, key="k1", fingerprint="f1", ttl_seconds=DAY)
    assert found == RESPONSE


def test_same_key_for_another_request_is_refused(engine: Engine) -> None:
    _save(engine)
    with Session(engine) as session, pytest.raises(IdempotencyMismatchError):
        idempotency.find_response(session, key="k1", fingerprint="other", ttl_seconds=DAY)


def test_expired_key_counts_as_new_and_is_purged(engine: Engine) -> None:
    _save(engine, key="old")
    with Session(engine) as session:
        assert idempotency.find_response(session, key="old", fingerprint="x", ttl_seconds=0) is None
        session.commit()
    _save(engine, key="older")
    with Session(engine) as session:
        assert idempotency.purge_expired(session, ttl_seconds=0) == 1
        session.commit()
        assert (
            idempotency.find_response(session, key="older", fingerprint="f1", ttl_seconds=DAY)
            is None
        )


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "tab\there"])
def test_check_key_refuses_empty_long_or_unprintable_keys(key: str) -> None:
    with pytest.raises(InvalidRequestError):
        idempotency.check_key(key)
