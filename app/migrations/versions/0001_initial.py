"""The schema of the first release: reports, extractions, brief rows, FTS5 search on SQLite.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# A standalone FTS5 table keyed by report id: the report table has no stable integer rowid
# (VACUUM may renumber it), so an external-content index could drift.
SQLITE_SEARCH_DDL = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS report_fts USING fts5(
        report_id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS report_fts_insert AFTER INSERT ON report BEGIN
        INSERT INTO report_fts (report_id, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS report_fts_delete AFTER DELETE ON report BEGIN
        DELETE FROM report_fts WHERE report_id = old.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS report_fts_update AFTER UPDATE OF title, text ON report
    BEGIN
        DELETE FROM report_fts WHERE report_id = old.id;
        INSERT INTO report_fts (report_id, title, text) VALUES (new.id, new.title, new.text);
    END""",
)
TABLES = (
    "report_actor_alias",
    "report_link",
    "report_label",
    "report_indicator",
    "report_actor",
    "report_action_item",
    "extraction",
    "report",
)


def upgrade() -> None:
    op.create_table(
        "report",
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("source_url", sa.String(length=2048), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("tlp", sa.String(length=16), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_report_created_at"), "report", ["created_at"], unique=False)
    op.create_index(op.f("ix_report_sha256"), "report", ["sha256"], unique=False)
    op.create_table(
        "extraction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("extractor", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("prompt_version", sa.String(length=64), nullable=True),
        sa.Column("brief", sa.JSON(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "version"),
    )
    op.create_index(op.f("ix_extraction_report_id"), "extraction", ["report_id"], unique=False)
    op.create_table(
        "report_action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=True),
        sa.Column("owner", sa.String(length=300), nullable=True),
        sa.Column("due", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_report_action_item_item_id"), "report_action_item", ["item_id"], unique=False
    )
    op.create_index(
        op.f("ix_report_action_item_report_id"), "report_action_item", ["report_id"], unique=False
    )
    op.create_table(
        "report_actor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_report_actor_name_key"), "report_actor", ["name_key"], unique=False)
    op.create_index(op.f("ix_report_actor_report_id"), "report_actor", ["report_id"], unique=False)
    op.create_table(
        "report_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_key", sa.String(length=2048), nullable=False),
        sa.Column("as_written", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_report_indicator_report_id"), "report_indicator", ["report_id"], unique=False
    )
    op.create_index(
        op.f("ix_report_indicator_value_key"), "report_indicator", ["value_key"], unique=False
    )
    op.create_table(
        "report_label",
        sa.Column("report_id", sa.String(), nullable=False),
        sa.Column("label_key", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", "label_key"),
    )
    op.create_index(op.f("ix_report_label_label_key"), "report_label", ["label_key"], unique=False)
    op.create_table(
        "report_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("source_key", sa.String(length=300), nullable=False),
        sa.Column("relation", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("target_key", sa.String(length=300), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_report_link_report_id"), "report_link", ["report_id"], unique=False)
    op.create_index(op.f("ix_report_link_source_key"), "report_link", ["source_key"], unique=False)
    op.create_index(op.f("ix_report_link_target_key"), "report_link", ["target_key"], unique=False)
    op.create_table(
        "report_actor_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.Column("alias_key", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["report_actor.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_report_actor_alias_actor_id"), "report_actor_alias", ["actor_id"], unique=False
    )
    op.create_index(
        op.f("ix_report_actor_alias_alias_key"), "report_actor_alias", ["alias_key"], unique=False
    )
    op.create_index(
        op.f("ix_report_actor_alias_report_id"), "report_actor_alias", ["report_id"], unique=False
    )

    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_DDL:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS report_fts")
    for table in TABLES:
        op.drop_table(table)
