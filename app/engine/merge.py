"""Merge brief pieces from several chunks, and fold in the deterministic pass.

Actors that share a name or alias (case-folded) become one; links are re-pointed at the
canonical names and de-duplicated on (source, relation, target); action items merge by id,
indicators by (type, value), techniques by id; sectors and regions are unioned.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from app.engine.actors import ActorScan
from app.engine.brief import (
    ActionItem,
    Actor,
    ActorType,
    Evidence,
    Indicator,
    Link,
    Origin,
    Targets,
    Technique,
)
from app.engine.indicators import IndicatorScan
from app.engine.wire_convert import MAX_EVIDENCE, Pieces

Pooled = TypeVar("Pooled", Indicator, Technique)


def merge_pieces(parts: list[Pieces]) -> Pieces:
    """One set of pieces from many, duplicates folded together."""
    merged = Pieces(summary=next((p.summary for p in parts if p.summary), ""))
    merged.key_points = _union(kp for p in parts for kp in p.key_points)
    actors, canonical = merge_actors([a for p in parts for a in p.actors])
    merged.actors = actors
    merged.links = merge_links([link for p in parts for link in p.links], canonical)
    merged.action_items = _merge_items([i for p in parts for i in p.action_items])
    merged.indicators = merge_indicators([i for p in parts for i in p.indicators])
    merged.techniques = _merge_techniques([t for p in parts for t in p.techniques])
    merged.targets = _merge_targets([p.targets for p in parts])
    for part in parts:
        for kind, values in part.dropped.items():
            merged.dropped.setdefault(kind, set()).update(values)
    return merged


def merge_actors(actors: list[Actor]) -> tuple[list[Actor], dict[str, str]]:
    """Fold actors sharing a name or alias; also return casefolded name → canonical name."""
    merged: list[Actor] = []
    index: dict[str, int] = {}
    for actor in actors:
        keys = {n.casefold() for n in (actor.name, *actor.aliases)}
        hits = sorted({index[k] for k in keys if k in index})
        if not hits:
            merged.append(actor.model_copy(deep=True))
            target = len(merged) - 1
        else:
            target = hits[0]
            for other in [actor, *(merged[i] for i in hits[1:])]:
                merged[target] = _fold_actor(merged[target], other)
            for i in hits[1:]:
                merged[i] = merged[i].model_copy(update={"name": ""})  # folded away
        for key in _keys(merged[target]):
            index[key] = target
    kept = [a for a in merged if a.name]
    return kept, {key: a.name for a in kept for key in _keys(a)}


def _keys(actor: Actor) -> set[str]:
    return {n.casefold() for n in (actor.name, *actor.aliases)}


def _fold_actor(into: Actor, other: Actor) -> Actor:
    aliases = _union([*into.aliases, other.name, *other.aliases])
    kind = into.type if into.type != ActorType.other else other.type
    return into.model_copy(
        update={
            "aliases": [a for a in aliases if a.casefold() != into.name.casefold()],
            "type": kind,
            "description": into.description or other.description,
            "evidence": _merge_evidence(into.evidence, other.evidence),
        }
    )


def merge_links(links: list[Link], canonical: dict[str, str]) -> list[Link]:
    """Links re-pointed at canonical actor names, de-duplicated on (source, relation, target)."""
    found: dict[tuple[str, str, str], Link] = {}
    for link in links:
        source = canonical.get(link.source.casefold(), link.source)
        target = canonical.get(link.target.casefold(), link.target)
        if source.casefold() == target.casefold():
            continue
        key = (source.casefold(), link.relation.value, target.casefold())
        known = found.get(key)
        if known is None:
            found[key] = link.model_copy(update={"source": source, "target": target})
            continue
        found[key] = known.model_copy(
            update={
                "confidence": max(known.confidence, link.confidence),
                "evidence": _merge_evidence(known.evidence, link.evidence),
            }
        )
    return list(found.values())


def _merge_items(items: list[ActionItem]) -> list[ActionItem]:
    found: dict[str, ActionItem] = {}
    for item in items:
        known = found.get(item.id)
        if known is None:
            found[item.id] = item
            continue
        stated = Origin.stated in (known.origin, item.origin)
        found[item.id] = known.model_copy(
            update={
                "priority": known.priority or item.priority,
                "owner": known.owner or item.owner,
                "due": known.due or item.due,
                "rationale": known.rationale or item.rationale,
                "origin": Origin.stated if stated else Origin.inferred,
                "evidence": _merge_evidence(known.evidence, item.evidence),
            }
        )
    return list(found.values())


def merge_indicators(indicators: Iterable[Indicator]) -> list[Indicator]:
    """Indicators de-duplicated on (type, value), evidence pooled (first seen wins the rest)."""
    return _pooled(indicators, lambda ind: (ind.type.value, ind.value))


def _merge_techniques(techniques: Iterable[Technique]) -> list[Technique]:
    return _pooled(techniques, lambda tech: tech.id)


def _pooled(items: Iterable[Pooled], key: Callable[[Pooled], Hashable]) -> list[Pooled]:
    """``items`` de-duplicated on ``key``: the first seen stays, later ones add evidence."""
    found: dict[Hashable, Pooled] = {}
    for item in items:
        known = found.setdefault(item_key := key(item), item)
        if known is not item:
            evidence = _merge_evidence(known.evidence, item.evidence)
            found[item_key] = known.model_copy(update={"evidence": evidence})
    return list(found.values())


def _merge_targets(targets: Iterable[Targets]) -> Targets:
    pool = list(targets)
    return Targets(
        sectors=_union(s for t in pool for s in t.sectors),
        regions=_union(r for t in pool for r in t.regions),
    )


def add_deterministic(pieces: Pieces, scan: IndicatorScan, actor_scan: ActorScan) -> None:
    """Fold in the deterministic pass: indicators, techniques, actors the model missed."""
    pieces.indicators = merge_indicators([*scan.indicators, *pieces.indicators])
    pieces.techniques = _merge_techniques([*scan.techniques, *pieces.techniques])
    pieces.targets = _merge_targets([pieces.targets, actor_scan.targets])
    known = {key: i for i, actor in enumerate(pieces.actors) for key in _keys(actor)}
    for found in actor_scan.actors:
        hits = [known[k] for k in _keys(found) if k in known]
        if not hits:
            pieces.actors.append(found)
            continue
        actor = pieces.actors[hits[0]]
        if not any(e.grounded for e in actor.evidence):
            evidence = _merge_evidence(found.evidence, actor.evidence)
            pieces.actors[hits[0]] = actor.model_copy(update={"evidence": evidence})


def count_ungrounded(pieces: Pieces) -> dict[str, int]:
    """How many items of each kind have no evidence aligned to the text."""

    def bare(evidence: list[Evidence]) -> bool:
        return not any(e.grounded for e in evidence)

    stated = [i for i in pieces.action_items if i.origin == Origin.stated]
    return {
        "actors": sum(bare(a.evidence) for a in pieces.actors),
        "links": sum(bare(link.evidence) for link in pieces.links),
        "action_items": sum(bare(i.evidence) for i in stated),
        "techniques": sum(bare(t.evidence) for t in pieces.techniques),
    }


def count_dropped(pieces: Pieces) -> dict[str, int]:
    """How many items of each kind were dropped because the text lacks them."""
    counts = {"indicators": 0, "techniques": 0}
    counts.update({kind: len(values) for kind, values in pieces.dropped.items()})
    return counts


def _merge_evidence(first: list[Evidence], second: list[Evidence]) -> list[Evidence]:
    seen: dict[tuple[int, int, str], Evidence] = {}
    for ev in [*first, *second]:
        seen.setdefault((ev.start, ev.end, ev.quote), ev)
    return sorted(seen.values(), key=lambda e: not e.grounded)[:MAX_EVIDENCE]


def _union(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return list(seen.values())
