"""Actor index queries over the normalised report rows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, distinct, func, or_
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app.reports.models import ReportActor, ReportActorAlias, ReportLink

# Plain column tuples rather than ORM objects: a much-reported actor has thousands of rows, and
# building a model instance per row was most of the actor page's time.
_ACTOR_COLUMNS = (
    col(ReportActor.report_id),
    col(ReportActor.name),
    col(ReportActor.name_key),
    col(ReportActor.type),
    col(ReportActor.aliases),
)
_LINK_COLUMNS = (
    col(ReportLink.report_id),
    col(ReportLink.source),
    col(ReportLink.source_key),
    col(ReportLink.relation),
    col(ReportLink.target),
    col(ReportLink.target_key),
)
ActorRow = Row[Any]  # report_id, name, name_key, type, aliases
LinkRow = Row[Any]  # report_id, source, source_key, relation, target, target_key


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


def actors_with_name_keys(session: Session, keys: Collection[str]) -> Sequence[ActorRow]:
    """Actor rows whose own name has one of the keys."""
    statement = select_columns(*_ACTOR_COLUMNS).where(col(ReportActor.name_key).in_(keys))
    return session.execute(statement.order_by(col(ReportActor.id))).all()


def actors_with_alias(session: Session, key: str) -> Sequence[ActorRow]:
    """Actor rows that go by this name (their own name or an alias) in some report."""
    matching = select(ReportActorAlias.actor_id).where(ReportActorAlias.alias_key == key)
    statement = select_columns(*_ACTOR_COLUMNS).where(col(ReportActor.id).in_(matching))
    return session.execute(statement.order_by(col(ReportActor.id))).all()


def links_touching(session: Session, keys: Collection[str]) -> Sequence[LinkRow]:
    """Links whose source or target is one of the name keys."""
    statement = select_columns(*_LINK_COLUMNS).where(
        or_(col(ReportLink.source_key).in_(keys), col(ReportLink.target_key).in_(keys))
    )
    return session.execute(statement.order_by(col(ReportLink.id))).all()
