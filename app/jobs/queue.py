"""The durable job queue: enqueue, claim with a lease, renew, finish, retry, release.

One code path for SQLite and PostgreSQL. A claim runs in a `write_session`: on PostgreSQL the
candidate row is locked with `FOR UPDATE SKIP LOCKED` (concurrent workers skip it); on SQLite the
transaction holds the database write lock (`BEGIN IMMEDIATE`). Every later write is conditional
on the claim's `lease_token`, so a worker whose lease ran out (and was re-claimed) cannot write.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from app.jobs.models import Job, JobKind, JobStatus
from app.reports.ids import new_report_id
from app.reports.models import Report, utcnow

LOST_WORKER_ERROR = "The worker running attempt {attempt} stopped before finishing (lease expired)."


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker holds; `token` proves it in every later write."""

    id: str
    report_id: str
    token: str
    attempt: int
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExhaustedJob:
    """A re-claimed job whose attempts were all used up: it was marked failed instead."""

    id: str
    report_id: str


def enqueue_job(session: Session, *, report_id: str, params: dict[str, Any] | None = None) -> Job:
    """Stage a queued extraction job and mark its report queued (same transaction)."""
    job = Job(id=new_report_id(), report_id=report_id, kind=JobKind.extract.value)
    job.params = {key: value for key, value in (params or {}).items() if value is not None}
    session.add(job)
    _set_report_status(session, report_id, JobStatus.queued)
    session.flush()
    return job


def claim_job(
    session: Session, *, owner: str, lease_seconds: float, max_attempts: int, now: datetime
) -> ClaimedJob | ExhaustedJob | None:
    """Take the next due job (queued and due, or running with an expired lease), or None."""
    due = or_(
        and_(col(Job.status) == JobStatus.queued.value, col(Job.run_after) <= now),
        and_(col(Job.status) == JobStatus.running.value, col(Job.lease_expires_at) < now),
    )
    statement = (
        select(Job)
        .where(due)
        .order_by(col(Job.run_after), col(Job.created_at))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    job = session.exec(statement).first()
    if job is None:
        return None
    if job.status == JobStatus.running.value:
        job.last_error = LOST_WORKER_ERROR.format(attempt=job.attempts)
        if job.attempts >= max_attempts:
            _finish(session, job, JobStatus.failed, now=now, error=_gave_up(job))
            return ExhaustedJob(id=job.id, report_id=job.report_id)
    job.status = JobStatus.running.value
    job.attempts += 1
    job.lease_owner = owner[:200]
    job.lease_token = secrets.token_hex(16)
    job.lease_expires_at = now + timedelta(seconds=lease_seconds)
    job.started_at = now
    session.add(job)
    _set_report_status(session, job.report_id, JobStatus.running)
    session.flush()
    return ClaimedJob(job.id, job.report_id, job.lease_token, job.attempts, dict(job.params))


def renew_lease(session: Session, *, job: ClaimedJob, lease_seconds: float, now: datetime) -> bool:
    """Push the lease forward; False if this worker no longer holds the job."""
    statement = (
        update(Job)
        .where(_held(job))
        .values(lease_expires_at=now + timedelta(seconds=lease_seconds))
    )
    return _changed(session, statement)


def complete_job(session: Session, *, job: ClaimedJob, status: JobStatus, now: datetime) -> bool:
    """Mark a held job done or partial; False (and nothing written) if the lease was lost."""
    statement = update(Job).where(_held(job)).values(**_ended(status, now))
    if not _changed(session, statement):
        return False
    _set_report_status(session, job.report_id, status)
    return True


def fail_attempt(
    session: Session,
    *,
    job: ClaimedJob,
    error: str,
    retry: bool,
    max_attempts: int,
    backoff_seconds: float,
    now: datetime,
) -> JobStatus | None:
    """Record a failed attempt: queue a retry after a doubling backoff, or fail the job for good.

    Returns the job's new status, or None if the lease was lost (nothing written).
    """
    if retry and job.attempt < max_attempts:
        delay = backoff_seconds * 2 ** (job.attempt - 1)
        values: dict[str, Any] = {
            **_unleased(),
            "status": JobStatus.queued.value,
            "run_after": now + timedelta(seconds=delay),
        }
        status = JobStatus.queued
    else:
        plural = "s" if job.attempt > 1 else ""
        error = f"Failed after {job.attempt} attempt{plural}: {error}"
        values, status = _ended(JobStatus.failed, now), JobStatus.failed
    statement = update(Job).where(_held(job)).values(last_error=error, **values)
    if not _changed(session, statement):
        return None
    _set_report_status(session, job.report_id, status)
    return status


def release_job(session: Session, *, job: ClaimedJob, now: datetime) -> bool:
    """Give a held job back unfinished (shutdown): queued again, this attempt not counted."""
    statement = (
        update(Job)
        .where(_held(job))
        .values(
            **_unleased(),
            status=JobStatus.queued.value,
            run_after=now,
            attempts=col(Job.attempts) - 1,
        )
    )
    if not _changed(session, statement):
        return False
    _set_report_status(session, job.report_id, JobStatus.queued)
    return True


def newest_job(session: Session, report_id: str) -> Job | None:
    """A report's most recently created job."""
    statement = (
        select(Job)
        .where(Job.report_id == report_id)
        .order_by(col(Job.created_at).desc(), col(Job.id).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def get_job(session: Session, job_id: str) -> Job | None:
    """A job by id."""
    return session.get(Job, job_id)


def _held(job: ClaimedJob) -> Any:
    return and_(
        col(Job.id) == job.id,
        col(Job.lease_token) == job.token,
        col(Job.status) == JobStatus.running.value,
    )


def _changed(session: Session, statement: Any) -> bool:
    result = session.execute(statement)
    return bool(getattr(result, "rowcount", 0) == 1)


def _unleased() -> dict[str, Any]:
    return {"lease_owner": None, "lease_token": None, "lease_expires_at": None}


def _ended(status: JobStatus, now: datetime) -> dict[str, Any]:
    return {**_unleased(), "status": status.value, "finished_at": now}


def _finish(session: Session, job: Job, status: JobStatus, *, now: datetime, error: str) -> None:
    for name, value in _ended(status, now).items():
        setattr(job, name, value)
    job.last_error = error
    session.add(job)
    _set_report_status(session, job.report_id, status)
    session.flush()


def _gave_up(job: Job) -> str:
    plural = "s" if job.attempts > 1 else ""
    return f"Failed after {job.attempts} attempt{plural}: {job.last_error}"


def _set_report_status(session: Session, report_id: str, status: JobStatus) -> None:
    statement = (
        update(Report)
        .where(col(Report.id) == report_id)
        .values(status=status.value, updated_at=utcnow())
    )
    session.execute(statement)


def now_utc() -> datetime:
    """The queue's clock (UTC); tests pass their own `now` instead."""
    return utcnow()
