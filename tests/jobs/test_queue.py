"""The durable queue on a real database: leases, retries, idempotent completion."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.core.db import write_session
from app.engine.ingest import ingest
from app.jobs import queue, steps
from app.jobs.models import Job
from app.jobs.queue import ClaimedJob, ExhaustedJob
from app.reports import service
from app.reports.models import Extraction, Report, ReportOptions, utcnow
from app.settings import Settings
from tests.api.conftest import SANDMAN
from tests.api.fake_extractor import FakeExtractor

LEASE = 60.0
T0 = utcnow() + timedelta(hours=1)  # later than any job queued by a test


def _submit(engine: Engine, text: str = SANDMAN) -> tuple[str, str]:
    with write_session(engine) as session:
        document = ingest(text, media_type="text/plain")
        submission = service.submit_report(
            session, document=document, options=ReportOptions(), force=True
        )
        assert submission.job_id is not None
        return submission.report.id, submission.job_id


def _claim(engine: Engine, owner: str, *, at: timedelta, max_attempts: int = 5) -> object:
    with write_session(engine) as session:
        return queue.claim_job(
            session, owner=owner, lease_seconds=LEASE, max_attempts=max_attempts, now=T0 + at
        )


def _held(engine: Engine, owner: str, *, at: timedelta = timedelta()) -> ClaimedJob:
    claimed = _claim(engine, owner, at=at)
    assert isinstance(claimed, ClaimedJob)
    return claimed


async def _brief_for(engine: Engine, report_id: str) -> object:
    document = steps.load_document(engine, report_id=report_id)
    assert document is not None
    return await FakeExtractor().extract(document)


def _row(engine: Engine, model: type[Job] | type[Report], key: str) -> Job | Report:
    with Session(engine) as session:
        row = session.get(model, key)
        assert row is not None
        return row


def _extractions(engine: Engine, report_id: str) -> int:
    with Session(engine) as session:
        statement = select(func.count()).where(col(Extraction.report_id) == report_id)
        return int(session.exec(statement).one())


def test_claim_job_leases_the_due_job_and_marks_report_running(engine: Engine) -> None:
    report_id, job_id = _submit(engine)
    claimed = _held(engine, "worker-a")
    assert (claimed.id, claimed.report_id, claimed.attempt) == (job_id, report_id, 1)
    job = _row(engine, Job, job_id)
    assert isinstance(job, Job)
    assert (job.status, job.lease_owner) == ("running", "worker-a")
    assert job.lease_expires_at == T0 + timedelta(seconds=LEASE)
    assert _row(engine, Report, report_id).status == "running"


def test_claim_job_leaves_a_live_lease_alone(engine: Engine) -> None:
    _submit(engine)
    _held(engine, "worker-a")
    assert _claim(engine, "worker-b", at=timedelta(seconds=LEASE - 1)) is None


async def test_expired_lease_is_reclaimed_and_the_old_worker_cannot_write(engine: Engine) -> None:
    report_id, _ = _submit(engine)
    first = _held(engine, "worker-a")
    second = _held(engine, "worker-b", at=timedelta(seconds=LEASE + 1))
    assert second.attempt == 2
    assert "lease expired" in (_row(engine, Job, second.id).last_error or "")  # type: ignore[union-attr]

    brief = await _brief_for(engine, report_id)
    assert steps.store_result(engine, job=first, brief=brief) is False  # type: ignore[arg-type]
    assert _extractions(engine, report_id) == 0
    assert steps.renew(engine, job=first, settings=Settings()) is False
    assert steps.store_result(engine, job=second, brief=brief) is True  # type: ignore[arg-type]
    assert _extractions(engine, report_id) == 1
    assert _row(engine, Report, report_id).status == "done"


async def test_job_completed_twice_leaves_one_extraction(engine: Engine) -> None:
    report_id, _ = _submit(engine)
    claimed = _held(engine, "worker-a")
    brief = await _brief_for(engine, report_id)
    assert steps.store_result(engine, job=claimed, brief=brief) is True  # type: ignore[arg-type]
    assert steps.store_result(engine, job=claimed, brief=brief) is False  # type: ignore[arg-type]
    assert _extractions(engine, report_id) == 1


def test_extraction_is_unique_per_job(engine: Engine) -> None:
    report_id, job_id = _submit(engine)

    def add(version: int) -> None:
        with write_session(engine) as session:
            session.add(
                Extraction(
                    report_id=report_id,
                    version=version,
                    job_id=job_id,
                    status="done",
                    extractor="fake",
                    brief={},
                    provenance={},
                )
            )

    add(1)
    with pytest.raises(IntegrityError):
        add(2)


def test_failed_attempts_back_off_doubling_then_fail_with_reason(engine: Engine) -> None:
    report_id, job_id = _submit(engine)
    at = timedelta()
    for attempt, delay in ((1, 2), (2, 4)):
        claimed = _held(engine, "worker-a", at=at)
        assert claimed.attempt == attempt
        with write_session(engine) as session:
            status = queue.fail_attempt(
                session,
                job=claimed,
                error="The model refused.",
                retry=True,
                max_attempts=3,
                backoff_seconds=2,
                now=T0 + at,
            )
        assert status == "queued"
        job = _row(engine, Job, job_id)
        assert job.run_after == T0 + at + timedelta(seconds=delay)  # type: ignore[union-attr]
        assert _claim(engine, "worker-a", at=at + timedelta(seconds=delay - 0.5)) is None
        at += timedelta(seconds=delay)
    last = _held(engine, "worker-a", at=at)
    with write_session(engine) as session:
        status = queue.fail_attempt(
            session,
            job=last,
            error="The model refused.",
            retry=True,
            max_attempts=3,
            backoff_seconds=2,
            now=T0 + at,
        )
    job = _row(engine, Job, job_id)
    assert (status, job.status, job.attempts) == ("failed", "failed", 3)  # type: ignore[union-attr]
    assert job.last_error == "Failed after 3 attempts: The model refused."  # type: ignore[union-attr]
    assert _row(engine, Report, report_id).status == "failed"
    assert _claim(engine, "worker-a", at=at + timedelta(days=1)) is None


def test_job_whose_workers_keep_dying_fails_when_attempts_run_out(engine: Engine) -> None:
    report_id, job_id = _submit(engine)
    _claim(engine, "worker-a", at=timedelta(), max_attempts=1)
    exhausted = _claim(engine, "worker-b", at=timedelta(seconds=LEASE + 1), max_attempts=1)
    assert exhausted == ExhaustedJob(id=job_id, report_id=report_id)
    job = _row(engine, Job, job_id)
    assert job.status == "failed"
    assert "stopped before finishing" in (job.last_error or "")  # type: ignore[union-attr]


def test_released_job_is_queued_again_without_counting_the_attempt(engine: Engine) -> None:
    report_id, job_id = _submit(engine)
    claimed = _held(engine, "worker-a")
    assert steps.release(engine, job=claimed) is True
    job = _row(engine, Job, job_id)
    assert (job.status, job.attempts, job.lease_token) == ("queued", 0, None)  # type: ignore[union-attr]
    assert _row(engine, Report, report_id).status == "queued"
    assert _held(engine, "worker-b", at=timedelta(seconds=1)).attempt == 1


def test_concurrent_claims_take_each_job_once(engine: Engine) -> None:
    jobs = {_submit(engine, f"Report {n}.\n{SANDMAN}")[1] for n in range(12)}

    def claim_all(owner: str) -> list[str]:
        taken: list[str] = []
        while isinstance(claimed := _claim(engine, owner, at=timedelta()), ClaimedJob):
            taken.append(claimed.id)
        return taken

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(claim_all, [f"worker-{n}" for n in range(4)]))
    taken = [job for result in results for job in result]
    assert sorted(taken) == sorted(jobs)
