"""Schema migrations (Alembic, in app/migrations): upgrade, check, and start-up rules."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from app.core.db import is_sqlite
from app.core.errors import ServiceUnavailableError

logger = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
FIRST_REVISION = "0001"  # the schema of releases made before migrations existed
_PG_MIGRATION_LOCK = 0x70726563  # "prec": one upgrader at a time


class SchemaOutdatedError(ServiceUnavailableError):
    """The database schema is older than this release needs."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this release ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None: empty, or made before migrations existed)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_db(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision`, adopting an unversioned first-release schema."""
    with engine.begin() as connection:
        if is_sqlite(engine):
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # also serialises concurrent starts
        else:
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        config = alembic_config(connection)
        if _is_unversioned_first_release(connection):
            logger.info("adopting a database made before migrations as revision %s", FIRST_REVISION)
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, revision)


def _is_unversioned_first_release(connection: Connection) -> bool:
    tables = set(inspect(connection).get_table_names())
    return "report" in tables and "alembic_version" not in tables


def init_db(engine: Engine) -> None:
    """At start: migrate SQLite; require PostgreSQL to be migrated (`precis db upgrade`)."""
    if is_sqlite(engine):
        upgrade_db(engine)
        return
    current, head = current_revision(engine), head_revision()
    if current != head:
        message = (
            f"The database schema is at revision {current or 'none'} but this release needs "
            f"{head}: run `precis db upgrade` first."
        )
        logger.error(message)
        raise SchemaOutdatedError(message)
