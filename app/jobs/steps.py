"""A worker's database steps, each one short transaction (run in a thread, off the event loop)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from app.core import idempotency
from app.core.db import write_session
from app.engine.brief import Brief
from app.engine.document import Document
from app.jobs import queue
from app.jobs.models import JobStatus
from app.jobs.queue import ClaimedJob, ExhaustedJob
from app.reports import repository, service
from app.settings import Settings

Claim = ClaimedJob | ExhaustedJob | None


def claim(engine: Engine, *, owner: str, settings: Settings) -> Claim:
    """Claim the next due job."""
    with write_session(engine) as session:
        return queue.claim_job(
            session,
            owner=owner,
            lease_seconds=settings.lease_seconds,
            max_attempts=settings.max_attempts,
            now=queue.now_utc(),
        )


def renew(engine: Engine, *, job: ClaimedJob, settings: Settings) -> bool:
    """Extend the lease; False when it was lost."""
    with write_session(engine) as session:
        return queue.renew_lease(
            session, job=job, lease_seconds=settings.lease_seconds, now=queue.now_utc()
        )


def load_document(engine: Engine, *, report_id: str) -> Document | None:
    """The engine document of a report (None if it was deleted)."""
    with Session(engine) as session:
        report = repository.get_report(session, report_id)
        return service.report_document(report) if report else None


def store_result(engine: Engine, *, job: ClaimedJob, brief: Brief) -> bool:
    """Finish the job and store its extraction in one transaction, if the lease is still ours."""
    with write_session(engine) as session:
        status = JobStatus(service.brief_status(brief).value)
        if not queue.complete_job(session, job=job, status=status, now=queue.now_utc()):
            session.rollback()
            return False
        report = repository.lock_report(session, job.report_id)
        assert report is not None  # the job row exists, so does its report (cascade)
        service.store_brief(session, report=report, brief=brief, job_id=job.id)
        return True


def record_failure(
    engine: Engine, *, job: ClaimedJob, error: str, retry: bool, settings: Settings
) -> JobStatus | None:
    """Record a failed attempt (retry later or fail for good); None when the lease was lost."""
    with write_session(engine) as session:
        return queue.fail_attempt(
            session,
            job=job,
            error=error,
            retry=retry,
            max_attempts=settings.max_attempts,
            backoff_seconds=settings.retry_backoff_seconds,
            now=queue.now_utc(),
        )


def release(engine: Engine, *, job: ClaimedJob) -> bool:
    """Hand the job back unfinished."""
    with write_session(engine) as session:
        return queue.release_job(session, job=job, now=queue.now_utc())


def purge_idempotency_keys(engine: Engine, *, settings: Settings) -> int:
    """Forget idempotency keys past their TTL."""
    with write_session(engine) as session:
        return idempotency.purge_expired(session, ttl_seconds=settings.idempotency_ttl_seconds)
