"""Worker pools on a real database: lease renewal and loss, shutdown, job-end notifications."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import write_session
from app.engine.brief import Brief
from app.engine.document import Document
from app.engine.ingest import ingest
from app.jobs import queue
from app.jobs.models import Job
from app.jobs.queue import ClaimedJob
from app.jobs.worker import WorkerPool
from app.reports import service
from app.reports.models import ReportOptions
from app.settings import Settings
from tests.api.conftest import SANDMAN
from tests.api.fake_extractor import FakeExtractor


class _GatedExtractor(FakeExtractor):
    """Blocks every extraction until `gate` is set; records cancellations."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.started = asyncio.Event()
        self.cancelled = 0

    async def extract(self, doc: Document) -> Brief:
        self.started.set()
        try:
            await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        return await super().extract(doc)


def _submit(engine: Engine) -> str:
    with write_session(engine) as session:
        document = ingest(SANDMAN, media_type="text/plain")
        submission = service.submit_report(session, document=document, options=ReportOptions())
        assert submission.job_id is not None
        return submission.job_id


def _job(engine: Engine, job_id: str) -> Job:
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(20):
        while True:
            if condition():
                return
            await asyncio.sleep(0.01)


def _settings(**changes: Any) -> Settings:
    return Settings(worker_poll_seconds=0.02, **changes)


async def test_worker_that_loses_its_lease_stops_and_writes_nothing(engine: Engine) -> None:
    job_id = _submit(engine)
    extractor = _GatedExtractor()
    pool = WorkerPool(
        engine=engine, settings=_settings(lease_seconds=0.3), extractor=extractor, concurrency=1
    )
    pool.start()
    try:
        await asyncio.wait_for(extractor.started.wait(), 20)
        with write_session(engine) as session:  # another worker takes the job over
            other = queue.claim_job(
                session,
                owner="worker-b",
                lease_seconds=600,
                max_attempts=5,
                now=queue.now_utc() + timedelta(seconds=1),
            )
        assert isinstance(other, ClaimedJob)
        await _until(lambda: extractor.cancelled == 1)
    finally:
        await pool.stop()
    job = _job(engine, job_id)
    assert (job.status, job.lease_owner, job.attempts) == ("running", "worker-b", 2)
    with Session(engine) as session:
        assert service.list_extractions(session, report_id=job.report_id).items == []


async def test_stopping_a_pool_hands_a_running_job_back(engine: Engine) -> None:
    job_id = _submit(engine)
    extractor = _GatedExtractor()
    pool = WorkerPool(engine=engine, settings=_settings(), extractor=extractor, shutdown_grace=0.05)
    pool.start()
    await asyncio.wait_for(extractor.started.wait(), 20)
    await pool.stop()
    job = _job(engine, job_id)
    assert (job.status, job.attempts, job.lease_owner) == ("queued", 0, None)

    extractor.gate.set()  # a new worker finishes it
    again = WorkerPool(engine=engine, settings=_settings(), extractor=extractor)
    again.start()
    try:
        await _until(lambda: _job(engine, job_id).status == "done")
    finally:
        await again.stop()


@pytest.mark.parametrize("fails", [False, True])
async def test_job_end_notifies_webhooks_and_survives_their_errors(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, fails: bool
) -> None:
    import app.webhooks.service

    events: list[tuple[str, str]] = []

    async def notify_report(_factory: object, *, report_id: str, event: str, **_: Any) -> None:
        events.append((report_id, event))
        if fails:
            raise RuntimeError("receiver exploded")

    monkeypatch.setattr(app.webhooks.service, "notify_report", notify_report)
    job_id = _submit(engine)
    pool = WorkerPool(engine=engine, settings=_settings(), extractor=FakeExtractor())
    pool.start()
    try:
        await _until(lambda: bool(events))
    finally:
        await pool.stop()
    job = _job(engine, job_id)
    assert events == [(job.report_id, "report.done")]
    assert job.status == "done"
