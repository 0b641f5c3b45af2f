"""The migrations create the webhook tables exactly as the models define them."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from app.core.db import create_db_engine
from app.core.schema import upgrade_db
from app.webhooks.models import WebhookDelivery, WebhookSubscription

WEBHOOK_TABLES = {WebhookSubscription.__tablename__, WebhookDelivery.__tablename__}


def _touches_webhook_tables(diff: object) -> bool:
    return any(table in repr(diff) for table in WEBHOOK_TABLES)


def test_migrations_match_the_webhook_models(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'precis.db'}")
    try:
        upgrade_db(engine)
        with engine.connect() as connection:
            diffs = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    finally:
        engine.dispose()
    assert [diff for diff in diffs if _touches_webhook_tables(diff)] == []
