"""Idempotency-Key: replay the first response to a repeated POST, refuse a reused key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, delete
from sqlmodel import Field, Session, SQLModel, col

from app.core.errors import InvalidRequestError

MAX_KEY_LENGTH = 255


def _now() -> datetime:
    return datetime.now(UTC)


class IdempotencyMismatchError(InvalidRequestError):
    """The key was used before with a different request."""


class IdempotencyKey(SQLModel, table=True):
    """The response given to the first request with a key."""

    __tablename__ = "idempotency_key"

    key: str = Field(primary_key=True, max_length=MAX_KEY_LENGTH)
    fingerprint: str = Field(max_length=64)
    status_code: int
    body: Any = Field(sa_type=JSON, nullable=True)
    headers: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=_now, index=True)


@dataclass(frozen=True)
class StoredResponse:
    """A response to replay."""

    status_code: int
    body: Any
    headers: dict[str, str]


def check_key(key: str) -> str:
    """Refuse an empty or over-long key."""
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidRequestError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters."
        )
    return key


def request_fingerprint(*parts: Any) -> str:
    """A stable hash of what makes two requests "the same" (method, path, parsed body)."""
    raw = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def find_response(
    session: Session, *, key: str, fingerprint: str, ttl_seconds: int
) -> StoredResponse | None:
    """The stored response for a key; None when new or expired; a different request is a 422."""
    row = session.get(IdempotencyKey, key)
    if row is None:
        return None
    if row.created_at < _now() - timedelta(seconds=ttl_seconds):
        session.delete(row)
        session.flush()
        return None
    if row.fingerprint != fingerprint:
        raise IdempotencyMismatchError(
            "This Idempotency-Key was already used with a different request; "
            "send a new key for a new request."
        )
    return StoredResponse(row.status_code, row.body, dict(row.headers))


def save_response(
    session: Session, *, key: str, fingerprint: str, response: StoredResponse
) -> None:
    """Record or update the response for a key (a concurrent first use raises IntegrityError)."""
    row = session.get(IdempotencyKey, key)
    if row is None:
        row = IdempotencyKey(key=key, fingerprint=fingerprint, status_code=0, body=None)
    row.status_code = response.status_code
    row.body = response.body
    row.headers = response.headers
    session.add(row)
    session.flush()


def purge_expired(session: Session, *, ttl_seconds: int) -> int:
    """Delete keys older than the TTL; return how many went."""
    cutoff = _now() - timedelta(seconds=ttl_seconds)
    statement = delete(IdempotencyKey).where(col(IdempotencyKey.created_at) < cutoff)
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)
