"""The key-value cache table: get, put, overwrite."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.cache import get_cache_entry, put_cache_entry


def test_cache_put_then_get_returns_the_value(engine: Engine) -> None:
    with Session(engine) as session:
        put_cache_entry(session, namespace="llm-chunk", key="abc", value={"actors": ["Sandman"]})
        session.commit()
    with Session(engine) as session:
        entry = get_cache_entry(session, namespace="llm-chunk", key="abc")
        assert entry is not None
        assert entry.value == {"actors": ["Sandman"]}
        assert get_cache_entry(session, namespace="other", key="abc") is None


def test_cache_put_twice_keeps_the_newest_value(engine: Engine) -> None:
    with Session(engine) as session:
        put_cache_entry(session, namespace="responses", key="k", value=[1])
        assert get_cache_entry(session, namespace="responses", key="k").value == [1]  # type: ignore[union-attr]
        put_cache_entry(session, namespace="responses", key="k", value=[2])
        session.commit()
        entry = get_cache_entry(session, namespace="responses", key="k")
        assert entry is not None
        assert entry.value == [2]
