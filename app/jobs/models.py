"""The job table: one row per extraction to run, claimed by workers with a lease."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Text
from sqlmodel import Field, SQLModel

from app.reports.models import utcnow


class JobStatus(StrEnum):
    """A job's state; `partial` and `done` store an extraction, `failed` does not."""

    queued = "queued"
    running = "running"
    done = "done"
    partial = "partial"
    failed = "failed"


class JobKind(StrEnum):
    extract = "extract"


class Job(SQLModel, table=True):
    """A unit of work; `lease_token` names the one worker allowed to finish it."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_status_run_after", "status", "run_after"),)

    id: str = Field(primary_key=True, max_length=32)
    report_id: str = Field(foreign_key="report.id", ondelete="CASCADE", index=True, max_length=32)
    kind: str = Field(default=JobKind.extract.value, max_length=32)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default=JobStatus.queued.value, max_length=16)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=Text)
    run_after: datetime = Field(default_factory=utcnow)
    lease_owner: str | None = Field(default=None, max_length=200)
    lease_token: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
