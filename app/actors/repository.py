"""Actor index queries over the normalised report rows."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import distinct, func, or_
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from app.reports.models import Report, ReportActor, ReportActorAlias, ReportLink


def top_actor_keys(session: Session, *, pattern: str | None, limit: int) -> list[tuple[str, int]]:
    """(name key, report count) of actors with an alias LIKE the pattern, most reported first."""
    reports = func.count(distinct(col(ReportActor.report_id))).label("reports")
    statement = select(ReportActor.name_key, reports)
    if pattern is not None:
        matching = select(ReportActorAlias.actor_id).where(
            col(ReportActorAlias.alias_key).like(pattern, escape="\\")
        )
        statement = statement.where(col(ReportActor.id).in_(matching))
    statement = (
        statement.group_by(col(ReportActor.name_key))
        .order_by(reports.desc(), col(ReportActor.name_key))
        .limit(limit)
    )
    return [(key, int(count)) for key, count in session.exec(statement)]


def actors_with_name_keys(session: Session, keys: Collection[str]) -> Sequence[ReportActor]:
    """Actor rows whose own name has one of the keys."""
    statement = select(ReportActor).where(col(ReportActor.name_key).in_(keys))
    return session.exec(statement.order_by(col(ReportActor.id))).all()


def actors_with_alias(session: Session, key: str) -> Sequence[ReportActor]:
    """Actor rows that go by this name (their own name or an alias) in some report."""
    matching = select(ReportActorAlias.actor_id).where(ReportActorAlias.alias_key == key)
    statement = select(ReportActor).where(col(ReportActor.id).in_(matching))
    return session.exec(statement.order_by(col(ReportActor.id))).all()


def reports_by_ids(session: Session, report_ids: Collection[str]) -> Sequence[Report]:
    """Reports (text not loaded), newest first."""
    statement = (
        select(Report)
        .options(defer(Report.text))  # type: ignore[arg-type]
        .where(col(Report.id).in_(report_ids))
        .order_by(col(Report.created_at).desc(), col(Report.id).desc())
    )
    return session.exec(statement).all()


def links_touching(session: Session, keys: Collection[str]) -> Sequence[ReportLink]:
    """Links whose source or target is one of the name keys."""
    statement = select(ReportLink).where(
        or_(col(ReportLink.source_key).in_(keys), col(ReportLink.target_key).in_(keys))
    )
    return session.exec(statement.order_by(col(ReportLink.id))).all()
