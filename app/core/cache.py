"""A key-value cache in the database (per-chunk LLM results, the response cache)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel


def _now() -> datetime:
    return datetime.now(UTC)


class CacheEntry(SQLModel, table=True):
    """One cached JSON value under (namespace, key)."""

    __tablename__ = "cache_entry"

    namespace: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=255)
    value: Any = Field(sa_type=JSON, nullable=True)
    created_at: datetime = Field(default_factory=_now)


def get_cache_entry(session: Session, *, namespace: str, key: str) -> CacheEntry | None:
    """The entry under (namespace, key), or None (an entry may hold JSON null)."""
    return session.get(CacheEntry, (namespace, key))


def put_cache_entry(session: Session, *, namespace: str, key: str, value: Any) -> None:
    """Store a JSON value under (namespace, key), replacing any entry there (one statement)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"no upsert for the {dialect} dialect")
    row = {"namespace": namespace, "key": key, "value": value, "created_at": _now()}
    statement = insert(CacheEntry).values(**row)
    statement = statement.on_conflict_do_update(
        index_elements=["namespace", "key"],
        set_={"value": statement.excluded.value, "created_at": statement.excluded.created_at},
    )
    session.execute(statement)
    session.expire_all()  # an entry loaded before the upsert must not shadow the new value
