"""Report queries: no rules here, only reads and writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, delete, func, or_
from sqlalchemy import text as sql_text
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from app.reports.models import (
    Extraction,
    Report,
    ReportActionItem,
    ReportActor,
    ReportActorAlias,
    ReportIndicator,
    ReportLabel,
    ReportLink,
)
from app.reports.rows import BriefRows
from app.reports.search import fts5_query, like_pattern

# The FTS5 table `report_fts` and its triggers are created by migration 0001 (SQLite only).
_FTS_MATCH = "SELECT report_id FROM report_fts WHERE report_fts MATCH :fts"

RowModel = type[ReportActor] | type[ReportIndicator] | type[ReportActionItem] | type[ReportLink]


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """Parsed list filters; keys are already normalised (casefolded, refanged)."""

    actor_key: str | None = None
    indicator_key: str | None = None
    label_key: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PagePosition:
    """The last (created_at, id) of the previous page."""

    created_at: datetime
    id: str


def get_report(session: Session, report_id: str) -> Report | None:
    """A report by id."""
    return session.get(Report, report_id)


def lock_report(session: Session, report_id: str) -> Report | None:
    """A report, row-locked until the transaction ends (PostgreSQL; SQLite locks the database)."""
    statement = select(Report).where(Report.id == report_id).with_for_update()
    return session.exec(statement).first()


def find_report_by_sha256(session: Session, sha256: str) -> Report | None:
    """The newest report with this content hash."""
    statement = (
        select(Report)
        .where(Report.sha256 == sha256)
        .order_by(col(Report.created_at).desc(), col(Report.id).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def add_report(session: Session, report: Report) -> None:
    """Stage a new report and its label keys."""
    session.add(report)
    session.flush()
    for label in {label.casefold() for label in report.labels}:
        session.add(ReportLabel(report_id=report.id, label_key=label))


def delete_report(session: Session, report: Report) -> None:
    """Delete a report; its rows, extractions and FTS entry go with it (cascade, trigger)."""
    session.delete(report)
    session.flush()


def newest_extraction(session: Session, report_id: str) -> Extraction | None:
    """The highest-versioned extraction of a report."""
    statement = (
        select(Extraction)
        .where(Extraction.report_id == report_id)
        .order_by(col(Extraction.version).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def list_extractions(session: Session, report_id: str) -> Sequence[Extraction]:
    """A report's extractions, newest version first."""
    statement = (
        select(Extraction)
        .where(Extraction.report_id == report_id)
        .order_by(col(Extraction.version).desc())
    )
    return session.exec(statement).all()


def next_extraction_version(session: Session, report_id: str) -> int:
    """One more than the report's highest extraction version (1 for the first)."""
    statement = select(func.max(Extraction.version)).where(Extraction.report_id == report_id)
    current = session.exec(statement).one()
    return int(current or 0) + 1


def add_extraction(session: Session, extraction: Extraction) -> None:
    """Stage an extraction."""
    session.add(extraction)
    session.flush()


def replace_brief_rows(session: Session, report_id: str, rows: BriefRows) -> None:
    """Swap a report's normalised rows for those of a new brief."""
    for model in (ReportActorAlias, ReportActor, ReportIndicator, ReportActionItem, ReportLink):
        session.execute(delete(model).where(col(model.report_id) == report_id))
    session.add_all(rows.actors)
    session.flush()
    for position, alias in rows.aliases:
        actor_id = rows.actors[position].id
        assert actor_id is not None
        alias.actor_id = actor_id
    session.add_all([alias for _, alias in rows.aliases])
    session.add_all([*rows.indicators, *rows.action_items, *rows.links])
    session.flush()


def list_reports(
    session: Session, *, filters: ReportFilters, after: PagePosition | None, limit: int
) -> Sequence[Report]:
    """Reports matching the filters, newest first, after a page position (text not loaded)."""
    statement = select(Report).options(defer(Report.text))  # type: ignore[arg-type]
    for condition in _filter_conditions(session, filters):
        statement = statement.where(condition)
    if after is not None:
        statement = statement.where(
            or_(
                col(Report.created_at) < after.created_at,
                and_(col(Report.created_at) == after.created_at, col(Report.id) < after.id),
            )
        )
    statement = statement.order_by(col(Report.created_at).desc(), col(Report.id).desc())
    return session.exec(statement.limit(limit)).all()


def _filter_conditions(session: Session, filters: ReportFilters) -> list[Any]:
    conditions: list[Any] = []
    report_id = col(Report.id)
    if filters.actor_key is not None:
        by_alias = select(ReportActorAlias.report_id).where(
            ReportActorAlias.alias_key == filters.actor_key
        )
        conditions.append(report_id.in_(by_alias))
    if filters.indicator_key is not None:
        by_value = select(ReportIndicator.report_id).where(
            ReportIndicator.value_key == filters.indicator_key
        )
        conditions.append(report_id.in_(by_value))
    if filters.label_key is not None:
        by_label = select(ReportLabel.report_id).where(ReportLabel.label_key == filters.label_key)
        conditions.append(report_id.in_(by_label))
    if filters.kind is not None:
        conditions.append(col(Report.kind) == filters.kind)
    if filters.since is not None:
        conditions.append(col(Report.created_at) >= filters.since)
    if filters.until is not None:
        conditions.append(col(Report.created_at) < filters.until)
    if filters.terms:
        conditions.append(_text_condition(session, filters.terms))
    return conditions


def _text_condition(session: Session, terms: tuple[str, ...]) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        matches = (
            sql_text(_FTS_MATCH).bindparams(fts=fts5_query(list(terms))).columns(report_id=String)
        )
        return col(Report.id).in_(matches)
    return and_(
        *(
            or_(
                col(Report.title).ilike(like_pattern(term), escape="\\"),
                col(Report.text).ilike(like_pattern(term), escape="\\"),
            )
            for term in terms
        )
    )


def actor_names_by_report(session: Session, report_ids: Sequence[str]) -> dict[str, list[str]]:
    """Each report's actor names, in brief order."""
    statement = (
        select(ReportActor.report_id, ReportActor.name)
        .where(col(ReportActor.report_id).in_(report_ids))
        .order_by(col(ReportActor.id))
    )
    names: dict[str, list[str]] = defaultdict(list)
    for report_id, name in session.exec(statement):
        names[report_id].append(name)
    return names


def count_rows_by_report(
    session: Session, model: RowModel, report_ids: Sequence[str]
) -> dict[str, int]:
    """How many rows of one kind each report has."""
    report_id = col(model.report_id)
    statement = select(report_id, func.count()).where(report_id.in_(report_ids)).group_by(report_id)
    return {rid: int(count) for rid, count in session.exec(statement)}
