"""The cross-report actor index: who is mentioned where, under which names, linked to what."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from sqlmodel import Session

from app.actors import repository
from app.actors.models import ActorLinkRead, ActorPage, ActorRead, ActorReportRef, ActorSummary
from app.actors.repository import ActorRow, LinkRow
from app.core.errors import NotFoundError
from app.reports.repository import ReportFilters
from app.reports.repository import list_reports as list_report_rows
from app.reports.search import like_pattern, name_key
from app.reports.service import decode_cursor, encode_cursor


def search_actors(session: Session, *, q: str | None, limit: int) -> ActorPage:
    """Actors whose name or an alias contains `q` (all when empty), most reported first."""
    pattern = like_pattern(name_key(q)) if q and q.strip() else None
    top = repository.top_actor_keys(session, pattern=pattern, limit=limit)
    rows_by_key: dict[str, list[ActorRow]] = defaultdict(list)
    for row in repository.actors_with_name_keys(session, [key for key, _ in top]):
        rows_by_key[row.name_key].append(row)
    items = []
    for key, report_count in top:
        name, types, aliases = _merge_names(rows_by_key[key])
        items.append(
            ActorSummary(name=name, types=types, aliases=aliases, report_count=report_count)
        )
    return ActorPage(items=items)


def get_actor(
    session: Session, *, name: str, limit: int = 100, cursor: str | None = None
) -> ActorRead:
    """An actor by any of its names (case-insensitive), with a page of its reports (newest
    first, the same reports as ``GET /v1/reports?actor=name``) and its links."""
    key = name_key(name)
    rows = repository.actors_with_alias(session, key)
    if not rows:
        raise NotFoundError(f"No report mentions an actor called {name!r}.")
    after = decode_cursor(cursor) if cursor else None
    canonical, types, aliases = _merge_names(rows)
    keys = {name_key(alias) for alias in [canonical, *aliases]}
    reports = list_report_rows(
        session, filters=ReportFilters(actor_key=key), after=after, limit=limit + 1
    )
    page = reports[:limit]
    return ActorRead(
        name=canonical,
        types=types,
        aliases=aliases,
        report_count=len({row.report_id for row in rows}),
        reports=[
            ActorReportRef(id=report.id, title=report.title, created_at=report.created_at)
            for report in page
        ],
        next_cursor=encode_cursor(page[-1]) if len(reports) > limit else None,
        links=_merge_links(repository.links_touching(session, keys), keys, canonical),
    )


def _merge_names(rows: Sequence[ActorRow]) -> tuple[str, list[str], list[str]]:
    """The most used name, every type, and every other name, across an actor's rows."""
    canonical = Counter(row.name for row in rows).most_common(1)[0][0]
    types = sorted({row.type for row in rows})
    aliases = _unique(
        alias
        for row in rows
        for alias in [row.name, *row.aliases]
        if name_key(alias) != name_key(canonical)
    )
    return canonical, types, aliases


def _merge_links(links: Sequence[LinkRow], keys: set[str], canonical: str) -> list[ActorLinkRead]:
    """Dedupe links by (source, relation, target), naming the actor by its canonical name."""
    reports: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    shown: dict[tuple[str, str, str], tuple[str, str]] = {}
    for link in links:
        source = canonical if link.source_key in keys else link.source
        target = canonical if link.target_key in keys else link.target
        key = (name_key(source), link.relation, name_key(target))
        reports[key].add(link.report_id)
        shown.setdefault(key, (source, target))
    merged = [
        ActorLinkRead(source=shown[k][0], relation=k[1], target=shown[k][1], count=len(ids))
        for k, ids in reports.items()
    ]
    return sorted(merged, key=lambda link: (-link.count, link.relation, link.source, link.target))


def _unique(names: Iterable[str]) -> list[str]:
    first: dict[str, str] = {}
    for name in names:
        first.setdefault(name_key(name), name)
    return list(first.values())
