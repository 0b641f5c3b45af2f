"""A fresh, migrated database per test: SQLite always, PostgreSQL when one is configured.

Set PRECIS_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@localhost/postgres) to run the
PostgreSQL cases; each test gets its own new database there, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from app.core.db import create_db_engine
from app.core.schema import upgrade_db

POSTGRES_URL_ENV = "PRECIS_TEST_POSTGRES_URL"
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not os.environ.get(POSTGRES_URL_ENV), reason=f"{POSTGRES_URL_ENV} is not set"
        ),
    ),
]


def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a new empty database of the given backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'precis.db'}"
        return
    admin_url = make_url(os.environ[POSTGRES_URL_ENV])
    name = f"precis_test_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new database with no tables."""
    urls = database_url(request.param, tmp_path)
    engine = create_db_engine(next(urls))
    try:
        yield engine
    finally:
        engine.dispose()
        urls.close()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    """An engine on a new database migrated to the newest schema."""
    upgrade_db(empty_engine)
    return empty_engine
