"""Migrations: a first-release database upgrades without loss; models and migrations agree."""

from __future__ import annotations

import json

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, SQLModel

from app.core import schema
from app.core.schema import (
    FIRST_REVISION,
    SchemaOutdatedError,
    current_revision,
    head_revision,
    upgrade_db,
)
from app.engine.brief import Brief, BriefKind, Provenance
from app.reports import service
from tests.api.fake_extractor import FakeExtractor

OLD_BRIEF = Brief(
    kind=BriefKind.article, summary="Old brief.", provenance=Provenance(extractor="offline")
)
FIRST_RELEASE_REPORT = {
    "id": "01hzzzzzzzzzzzzzzzzzzzzzzz",
    "title": "Sandman linked to China",
    "text": "Sandman uses LuaDream against telecom providers.",
    "sha256": "a" * 64,
    "labels": json.dumps(["apt"]),
    "media_type": "text/plain",
    "status": "done",
    "created_at": "2024-05-01 10:00:00.000000",
    "updated_at": "2024-05-01 10:00:00.000000",
}


def _insert_first_release_data(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO report (id, title, text, sha256, labels, media_type, status, "
                "created_at, updated_at) VALUES (:id, :title, :text, :sha256, :labels, "
                ":media_type, :status, :created_at, :updated_at)"
            ),
            FIRST_RELEASE_REPORT,
        )
        connection.execute(
            text(
                "INSERT INTO extraction (report_id, version, status, extractor, brief, "
                "provenance, created_at) VALUES (:id, 1, 'done', 'offline', :brief, :prov, "
                ":created_at)"
            ),
            {
                "id": FIRST_RELEASE_REPORT["id"],
                "brief": OLD_BRIEF.model_dump_json(),
                "prov": json.dumps({"extractor": "offline"}),
                "created_at": FIRST_RELEASE_REPORT["created_at"],
            },
        )


def _assert_first_release_data_kept(engine: Engine) -> None:
    with engine.connect() as connection:
        report = connection.execute(text("SELECT * FROM report")).mappings().one()
        extraction = connection.execute(text("SELECT * FROM extraction")).mappings().one()
    assert report["title"] == FIRST_RELEASE_REPORT["title"]
    assert report["text"] == FIRST_RELEASE_REPORT["text"]
    assert report["callback_url"] is None
    assert extraction["version"] == 1
    assert extraction["job_id"] is None
    with Session(engine) as session:
        read = service.get_report(session, report_id=FIRST_RELEASE_REPORT["id"])
    assert (read.status, read.attempts, read.labels) == ("done", 0, ["apt"])
    assert read.brief is not None
    assert read.brief.summary == "Old brief."


async def test_first_release_database_upgrades_without_loss(empty_engine: Engine) -> None:
    upgrade_db(empty_engine, "0001")
    _insert_first_release_data(empty_engine)
    upgrade_db(empty_engine)

    assert current_revision(empty_engine) == head_revision()
    assert {"job", "idempotency_key", "cache_entry"} <= set(inspect(empty_engine).get_table_names())
    _assert_first_release_data_kept(empty_engine)
    with Session(empty_engine) as session:  # the upgraded schema takes new work
        report = service.get_report(session, report_id=FIRST_RELEASE_REPORT["id"])
        stored = service.repository.get_report(session, report.id)
        assert stored is not None
        await service.process_report(session, report=stored, extractor=FakeExtractor())
        session.commit()
        assert service.get_report(session, report_id=report.id).extraction.version == 2  # type: ignore[union-attr]


def test_unversioned_first_release_sqlite_is_adopted_at_start(empty_engine: Engine) -> None:
    if empty_engine.dialect.name != "sqlite":
        pytest.skip("SQLite migrates itself at start")
    upgrade_db(empty_engine, "0001")
    _insert_first_release_data(empty_engine)
    with empty_engine.begin() as connection:  # what `create_all` of the first release left
        connection.execute(text("DROP TABLE alembic_version"))
    schema.init_db(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    _assert_first_release_data_kept(empty_engine)
    with empty_engine.connect() as connection:
        hits = connection.execute(
            text("SELECT report_id FROM report_fts WHERE report_fts MATCH 'luadream'")
        ).all()
    assert [row[0] for row in hits] == [FIRST_RELEASE_REPORT["id"]]


def test_postgres_that_is_behind_refuses_to_start(empty_engine: Engine) -> None:
    if empty_engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL is migrated by `precis db upgrade`, not at start")
    upgrade_db(empty_engine, "0001")
    with pytest.raises(SchemaOutdatedError, match="precis db upgrade"):
        schema.init_db(empty_engine)
    upgrade_db(empty_engine)
    schema.init_db(empty_engine)


def test_migrations_match_the_models(engine: Engine) -> None:
    import app.core.cache
    import app.core.idempotency
    import app.jobs.models
    import app.reports.models
    import app.webhooks.models  # noqa: F401 — registers every table in SQLModel.metadata

    def include(name: str | None, kind: str, _parent: object) -> bool:
        return not (kind == "table" and name is not None and "_fts" in name)

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include, "compare_type": False}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_migrations_downgrade_to_the_first_release_and_back(engine: Engine) -> None:
    with engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), FIRST_REVISION)
    assert "job" not in inspect(engine).get_table_names()
    _insert_first_release_data(engine)
    upgrade_db(engine)
    _assert_first_release_data_kept(engine)
