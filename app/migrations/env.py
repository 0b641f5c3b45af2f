"""Alembic environment: the app's own engine and models; a connection may be handed in."""

from __future__ import annotations

import importlib

from alembic import context
from sqlalchemy import Connection, MetaData
from sqlmodel import SQLModel

MODEL_MODULES = (
    "app.reports.models",
    "app.jobs.models",
    "app.core.idempotency",
    "app.core.cache",
    "app.webhooks.models",
)


def _metadata() -> MetaData:
    # Only autogenerate needs the models; a missing optional module is left out.
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    return SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=_metadata(),
        include_name=lambda name, kind, _parent: not (kind == "table" and "_fts" in str(name)),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from app.core.db import create_db_engine
    from app.settings import get_settings

    engine = create_db_engine(get_settings().database_url)
    try:
        with engine.begin() as opened:
            _run(opened)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Precis migrations run against a database; --sql is not supported.")
_run_online()
