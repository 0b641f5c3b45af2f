"""Flatten a brief into the normalised rows that filters and the actor index query."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.engine.brief import Brief
from app.reports.models import (
    ReportActionItem,
    ReportActor,
    ReportActorAlias,
    ReportIndicator,
    ReportLink,
)
from app.reports.search import name_key

NAME_MAX = 300
VALUE_KEY_MAX = 2048


def _clip(value: str, limit: int = NAME_MAX) -> str:
    # Column widths are fixed on PostgreSQL; an over-long name is cut rather than failing.
    return value[:limit]


@dataclass
class BriefRows:
    """The rows of one brief; actor aliases are keyed by their actor's position in `actors`."""

    actors: list[ReportActor] = field(default_factory=list)
    aliases: list[tuple[int, ReportActorAlias]] = field(default_factory=list)
    indicators: list[ReportIndicator] = field(default_factory=list)
    action_items: list[ReportActionItem] = field(default_factory=list)
    links: list[ReportLink] = field(default_factory=list)


def brief_rows(report_id: str, brief: Brief) -> BriefRows:
    """Build the rows for a report's brief (aliases deduped per actor, case-insensitively)."""
    rows = BriefRows()
    _add_actors(rows, report_id, brief)
    rows.indicators = [
        ReportIndicator(
            report_id=report_id,
            type=indicator.type.value,
            value=indicator.value,
            value_key=_clip(indicator.value.casefold(), VALUE_KEY_MAX),
            as_written=indicator.as_written,
        )
        for indicator in brief.indicators
    ]
    rows.action_items = [
        ReportActionItem(
            report_id=report_id,
            item_id=item.id,
            text=item.text,
            priority=item.priority.value if item.priority else None,
            owner=item.owner,
            due=item.due,
            status=item.status.value,
        )
        for item in brief.action_items
    ]
    rows.links = [
        ReportLink(
            report_id=report_id,
            source=_clip(link.source),
            source_key=_clip(name_key(link.source)),
            relation=link.relation.value,
            target=_clip(link.target),
            target_key=_clip(name_key(link.target)),
            confidence=link.confidence,
        )
        for link in brief.links
    ]
    return rows


def _add_actors(rows: BriefRows, report_id: str, brief: Brief) -> None:
    for position, actor in enumerate(brief.actors):
        rows.actors.append(
            ReportActor(
                report_id=report_id,
                name=_clip(actor.name),
                name_key=_clip(name_key(actor.name)),
                type=actor.type.value,
                aliases=list(actor.aliases),
            )
        )
        seen: set[str] = set()
        for alias in [actor.name, *actor.aliases]:
            key = _clip(name_key(alias))
            if key and key not in seen:
                seen.add(key)
                row = ReportActorAlias(
                    report_id=report_id, actor_id=0, alias=_clip(alias), alias_key=key
                )
                rows.aliases.append((position, row))
