"""API models of the cross-report actor index (no tables: it reads the report rows)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from app.reports.models import UtcDatetime


class ActorSummary(SQLModel):
    """An actor as listed: its names and how many reports mention it."""

    name: str
    types: list[str]
    aliases: list[str]
    report_count: int


class ActorPage(SQLModel):
    items: list[ActorSummary]


class ActorReportRef(SQLModel):
    id: str
    title: str | None
    created_at: UtcDatetime


class ActorLinkRead(SQLModel):
    """A relation seen in one or more reports; `count` is how many reports state it."""

    source: str
    relation: str
    target: str
    count: int


class ActorRead(SQLModel):
    """Everything the stored reports say about one actor."""

    name: str
    types: list[str]
    aliases: list[str] = Field(description="Every other name it goes by, across reports.")
    report_count: int = Field(description="How many reports mention it under this name.")
    reports: list[ActorReportRef] = Field(
        description="Newest first, one page of them: pass `next_cursor` back as `cursor`."
    )
    next_cursor: str | None = None
    links: list[ActorLinkRead]
