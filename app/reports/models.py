"""Report tables and their API models, in the XBase → XCreate → X(table=True) → XRead ladder."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, ConfigDict, field_validator, model_validator
from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.engine.brief import Brief

Kind = Literal["article", "meeting_notes", "other"]
Tlp = Literal["clear", "white", "green", "amber", "amber+strict", "red"]
MAX_LABELS = 32
MAX_LABEL_LENGTH = 64
_HTTP_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


class ReportStatus(StrEnum):
    """Where a report's newest extraction job stands; `partial` is done with gaps."""

    queued = "queued"
    running = "running"
    done = "done"
    partial = "partial"
    failed = "failed"


FINISHED_STATUSES = frozenset({ReportStatus.done, ReportStatus.partial, ReportStatus.failed})


def utcnow() -> datetime:
    """Now, in UTC (every stored datetime is aware and in UTC)."""
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


# --- reports ---------------------------------------------------------------------------------


class ReportBase(SQLModel):
    title: str | None = Field(default=None, max_length=500)
    source_url: str | None = Field(default=None, max_length=2048)


class ReportOptions(ReportBase):
    """What a caller may say about a document besides its content (JSON body or form fields)."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    kind: Kind | None = Field(default=None, description="Leave out to let the extractor decide.")
    tlp: Tlp | None = Field(default=None, description="Traffic Light Protocol marking.")
    labels: list[str] = Field(default_factory=list, max_length=MAX_LABELS)

    callback_url: str | None = Field(
        default=None,
        max_length=2048,
        description="Receives a signed `report.done` / `report.failed` POST when the job ends.",
    )
    max_tokens_budget: int | None = Field(
        default=None,
        gt=0,
        description="Refuse the document up front (422) if the model would need more tokens.",
    )

    @field_validator("source_url", "callback_url")
    @classmethod
    def _check_url(cls, url: str | None) -> str | None:
        if url is not None and not _HTTP_URL.fullmatch(url):
            raise ValueError("must be an http(s) URL")
        return url

    @field_validator("labels")
    @classmethod
    def _clean_labels(cls, labels: list[str]) -> list[str]:
        cleaned: list[str] = []
        for label in (" ".join(raw.split()) for raw in labels):
            if not label or len(label) > MAX_LABEL_LENGTH:
                raise ValueError(f"labels must be 1 to {MAX_LABEL_LENGTH} characters")
            if label.lower() not in {seen.lower() for seen in cleaned}:
                cleaned.append(label)
        return cleaned


class ReportCreate(ReportOptions):
    """A JSON submission: exactly one of `text` or `html`."""

    text: str | None = Field(default=None, description="Plain text or Markdown.")
    html: str | None = Field(default=None, description="An HTML page; its main content is kept.")

    @model_validator(mode="after")
    def _one_content_field(self) -> Self:
        if (self.text is None) == (self.html is None):
            raise ValueError("send exactly one of 'text' or 'html'")
        return self


class Report(ReportBase, table=True):
    __tablename__ = "report"

    id: str = Field(primary_key=True, max_length=32)
    text: str = Field(sa_type=Text)
    sha256: str = Field(index=True, max_length=64)
    kind: str | None = Field(default=None, max_length=32)  # set by the extraction if not given
    tlp: str | None = Field(default=None, max_length=16)
    labels: list[str] = Field(default_factory=list, sa_type=JSON)
    media_type: str = Field(max_length=64)
    status: str = Field(default=ReportStatus.queued.value, max_length=16)
    callback_url: str | None = Field(default=None, max_length=2048)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)


class ExtractionInfo(SQLModel):
    """Which extraction a brief came from."""

    version: int
    status: str
    extractor: str
    model: str | None
    prompt_version: str | None
    created_at: UtcDatetime


class ExtractionRead(ExtractionInfo):
    """One stored extraction of a report, with its provenance."""

    job_id: str | None = None
    provenance: dict[str, Any]


class ExtractionPage(SQLModel):
    """A report's extractions, newest version first."""

    items: list[ExtractionRead]


class ExtractionRequest(SQLModel):
    """Options for a re-extraction; leave all out to re-run the default extractor."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    extractor: Literal["auto", "offline", "llm"] | None = None
    model: str | None = Field(default=None, min_length=1, max_length=200)
    prompt_version: str | None = Field(default=None, min_length=1, max_length=64)


class ReportRead(ReportBase):
    """A stored report with its newest brief and where its newest job stands."""

    id: str
    status: ReportStatus
    attempts: int = Field(default=0, description="Attempts made by the newest job.")
    last_error: str | None = Field(
        default=None, description="Why the newest job's last attempt failed, in plain words."
    )
    next_attempt_at: UtcDatetime | None = Field(
        default=None, description="When a failed attempt will be retried."
    )
    kind: Kind | None
    tlp: str | None
    labels: list[str]
    sha256: str
    media_type: str
    created_at: UtcDatetime
    updated_at: UtcDatetime
    text: str = Field(description="The stored, normalised text; evidence offsets point into it.")
    extraction: ExtractionInfo | None = None
    brief: Brief | None = None


class ReportCounts(SQLModel):
    actors: int = 0
    indicators: int = 0
    action_items: int = 0
    links: int = 0


class ReportSummary(SQLModel):
    """A report as listed: no text, no brief."""

    id: str
    title: str | None
    kind: Kind | None
    tlp: str | None
    status: ReportStatus
    created_at: UtcDatetime
    labels: list[str]
    actors: list[str] = Field(default_factory=list)
    counts: ReportCounts = Field(default_factory=ReportCounts)


class ReportPage(SQLModel):
    """One page of reports, newest first; pass `next_cursor` back as `cursor` for the next."""

    items: list[ReportSummary]
    next_cursor: str | None = None


class ReportLabel(SQLModel, table=True):
    __tablename__ = "report_label"

    report_id: str = Field(foreign_key="report.id", ondelete="CASCADE", primary_key=True)
    label_key: str = Field(primary_key=True, index=True, max_length=2 * MAX_LABEL_LENGTH)


# --- extractions -----------------------------------------------------------------------------


class Extraction(SQLModel, table=True):
    __tablename__ = "extraction"
    # One extraction per job: a job run twice (at-least-once) cannot store two versions.
    __table_args__ = (
        UniqueConstraint("report_id", "version"),
        Index("uq_extraction_report_job", "report_id", "job_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(foreign_key="report.id", ondelete="CASCADE", index=True)
    version: int
    job_id: str | None = Field(default=None, max_length=32)
    status: str = Field(max_length=16)
    extractor: str = Field(max_length=64)
    model: str | None = Field(default=None, max_length=200)
    prompt_version: str | None = Field(default=None, max_length=64)
    brief: dict[str, Any] = Field(sa_type=JSON)
    provenance: dict[str, Any] = Field(sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow)


# --- normalised rows of the newest brief (what the filters and the actor index query) ---------


class ReportActor(SQLModel, table=True):
    __tablename__ = "report_actor"

    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(foreign_key="report.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=300)
    name_key: str = Field(index=True, max_length=300)
    type: str = Field(max_length=32)
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)


class ReportActorAlias(SQLModel, table=True):
    """Every name an actor goes by in a report (its own name included), one row each."""

    __tablename__ = "report_actor_alias"

    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(foreign_key="report.id", ondelete="CASCADE", index=True)
    actor_id: int = Field(foreign_key="report_actor.id", ondelete="CASCADE", index=True)
    alias: str = Field(max_length=300)
    alias_key: str = Field(index=True, max_length=300)


class ReportIndicator(SQLModel, table=True):
    __tablename__ = "report_indicator"

    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(foreign_key="report.id", ondelete="CASCADE", index=True)
    type: str = Field(max_length=16)
    value: str = Field(sa_type=Text)
    value_key: str = Field(index=True, max_length=2048)
    as_written: str = Field(sa_type=Text)


class ReportActionItem(SQLModel, table=True):
    __tablename__ = "report_action_item"

    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(foreign_key="report.id", ondelete="CASCADE", index=True)
    item_id: str = Field(index=True, max_length=64)
    text: str = Field(sa_type=Text)
    priority: str | None = Field(default=None, max_length=16)
    owner: str | None = Field(default=None, max_length=300)
    due: str | None = Field(default=None, max_length=32)
    status: str = Field(max_length=16)


class ReportLink(SQLModel, table=True):
    __tablename__ = "report_link"

    id: int | None = Field(default=None, primary_key=True)
    report_id: str = Field(foreign_key="report.id", ondelete="CASCADE", index=True)
    source: str = Field(max_length=300)
    source_key: str = Field(index=True, max_length=300)
    relation: str = Field(max_length=32)
    target: str = Field(max_length=300)
    target_key: str = Field(index=True, max_length=300)
    confidence: float
