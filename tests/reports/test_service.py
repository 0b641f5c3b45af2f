"""The report service without HTTP: the register → process split a job queue will use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from app.core.db import create_db_engine
from app.core.schema import init_db
from app.engine.ingest import ingest
from app.reports import service
from app.reports.models import ReportActorAlias, ReportOptions
from tests.api.conftest import SANDMAN
from tests.api.fake_extractor import FakeExtractor


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    init_db(engine)
    with Session(engine) as opened:
        yield opened
    engine.dispose()


async def test_process_report_twice_keeps_versions_and_replaces_rows(session: Session) -> None:
    document = ingest(SANDMAN, media_type="text/plain")
    report = service.register_report(
        session, document=document, options=ReportOptions(kind="meeting_notes")
    )
    session.commit()
    assert service.get_report(session, report_id=report.id).status == "queued"

    extractor = FakeExtractor()
    first = await service.process_report(session, report=report, extractor=extractor)
    second = await service.process_report(session, report=report, extractor=extractor)
    session.commit()

    read = service.get_report(session, report_id=report.id)
    assert (first.version, second.version) == (1, 2)
    assert read.status == "done"
    assert read.extraction is not None
    assert read.extraction.version == 2
    assert read.kind == "meeting_notes"
    aliases = session.exec(
        select(func.count()).where(col(ReportActorAlias.report_id) == report.id)
    ).one()
    assert aliases == 4  # Sandman, STORM-0866, Red Dev 40, LuaDream — not doubled


def test_get_report_unknown_raises_not_found(session: Session) -> None:
    from app.core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        service.get_report(session, report_id="missing")
