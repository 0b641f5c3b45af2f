"""Database engine, per-request session (the request boundary commits), write transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine


def is_sqlite(engine: Engine) -> bool:
    """Whether the engine talks to SQLite (FTS5, pragmas) rather than a server database."""
    return engine.dialect.name == "sqlite"


def create_db_engine(url: str) -> Engine:
    """Build the engine for a database URL; for SQLite, create the file's directory and pragmas."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if in_memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas(wal=not in_memory))
    return engine


def _sqlite_pragmas(*, wal: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return on_connect


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A short write transaction that commits on success; on SQLite it takes the write lock first.

    `BEGIN IMMEDIATE` makes a read-then-write (claim a job, number a version) atomic across
    processes: no other writer can slip in between, and nobody fails on a stale read snapshot.
    """
    with Session(engine, expire_on_commit=False) as session:
        if is_sqlite(engine):
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        with _committing(session):
            yield session


@contextmanager
def _committing(session: Session) -> Iterator[Session]:
    """Commit ``session`` when the block returns; roll it back when the block raises."""
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    session.commit()


def check_db(engine: Engine) -> None:
    """Run a trivial query; raises if the database is unreachable."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def get_engine(request: Request) -> Engine:
    """The application's engine."""
    engine: Engine = request.app.state.engine
    return engine


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: commit when the route returns, roll back when it raises."""
    with Session(get_engine(request), expire_on_commit=False) as session, _committing(session):
        yield session


# scope="function": commit before the response is sent, so a 201 means the data is durable.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
EngineDep = Annotated[Engine, Depends(get_engine)]
