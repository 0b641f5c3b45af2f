"""Find the actors of a document (threat actors, malware, tools, vendors, agencies, countries)
and what it says is targeted (sectors, regions).

One gazetteer pass finds every known name; cue rules add names no gazetteer knows yet;
"A/B" pairs and "A (aka B)" fold names into one actor; countries count as actors only when
the text blames them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from app.engine import actor_rules as rules
from app.engine import actor_usage as usage
from app.engine.actor_aliases import (
    Groups,
    Mention,
    fold_aliases,
    key_for,
    occurrences,
    without_overlaps,
)
from app.engine.brief import Actor, ActorType, Targets
from app.engine.document import Document, Span
from app.engine.gazetteer import Entity, Gazetteer, Hit, load_gazetteer
from app.engine.lexicon import PRODUCT_WORDS, TOOLS
from app.engine.org_rules import find_org_names
from app.engine.payloads import Payload, evidence_payload
from app.engine.places import scan_places

MAX_EVIDENCE = 5
MAX_QUOTE = 300
NAMED_KINDS = frozenset(
    {"threat_actor", "malware", "tool", "security_vendor", "government", "organization"}
)
_BODY_KINDS = frozenset({"organization", "security_vendor"})


@dataclass
class ActorScan:
    """The actors a document names and the sectors and regions it says are targeted."""

    actors: list[Actor]
    targets: Targets


def find_actors(doc: Document) -> ActorScan:
    """Actors with evidence for every mention (up to five), plus targeted sectors and regions."""
    gaz = load_gazetteer()
    text = doc.text
    hits, cues = gaz.scan_with_cues(text)
    at = rules.cue_positions(cues)
    groups = Groups()
    mentions = _named_mentions(text, hits, gaz, groups)
    mentions = _add_rule_mentions(text, mentions, gaz, groups, at)
    mentions = fold_aliases(text, mentions, gaz, groups, at.get("same_as", []))
    places = scan_places(text, hits, doc.sentences, gaz)
    found = _build_actors(text, mentions, groups, gaz, doc.sentences, at)
    for entity, country_hits in places.attributed.items():
        country_hits = _with_named_actor(country_hits, mentions, doc.sentences)
        if not country_hits:
            continue
        evidence = _evidence(text, [(h.start, h.end) for h in country_hits], doc.sentences)
        actor = Actor.model_validate(
            {"name": gaz.entities[entity].name, "type": ActorType.country, "evidence": evidence}
        )
        every = [(h.start, h.end) for h in hits if h.entity == entity]
        found.append((country_hits[0].start, actor, every))
    found.sort(key=lambda item: item[0])
    actors = [actor for _, actor, _ in found]
    _LAST_SCAN[:] = [(text, actors, [spans for _, _, spans in found])]
    return ActorScan(actors, Targets(sectors=places.sectors, regions=places.regions))


_LAST_SCAN: list[tuple[str, list[Actor], list[list[tuple[int, int]]]]] = []


def mention_spans(text: str, actors: list[Actor]) -> list[list[tuple[int, int]]] | None:
    """Every mention span of each actor, when ``actors`` is what ``find_actors`` last returned
    for this very text (so ``find_links`` need not search for the names again)."""
    if _LAST_SCAN and _LAST_SCAN[0][0] is text and _LAST_SCAN[0][1] is actors:
        return _LAST_SCAN[0][2]
    return None


def _with_named_actor(hits: list[Hit], mentions: list[Mention], sentences: list[Span]) -> list[Hit]:
    """Blame that names no actor in its sentence ("an Iranian group") is no attribution."""
    starts = _starts(sentences)
    named = [m.start for m in mentions]  # sorted: mentions come in text order
    kept: list[Hit] = []
    for hit in hits:
        index = bisect_right(starts, hit.start) - 1
        lo, hi = (sentences[index].start, sentences[index].end) if index >= 0 else (0, hit.start)
        first = bisect_left(named, lo)
        if first < len(named) and named[first] < hi:
            kept.append(hit)
    return kept


def _named_mentions(text: str, hits: list[Hit], gaz: Gazetteer, groups: Groups) -> list[Mention]:
    mentions: list[Mention] = []
    keys: dict[int, str] = {}
    for hit in hits:
        key = keys.get(hit.entity)
        if key is None:
            entity = gaz.entities[hit.entity]
            if entity.kind not in NAMED_KINDS:
                continue
            key = keys[hit.entity] = groups.add(f"e{hit.entity}", entity.kind, hit.entity)
        if groups.kind[key] == "security_vendor" and _is_product(text, hit.end):
            continue
        mentions.append(Mention(hit.start, hit.end, key))
    return mentions


def _is_product(text: str, end: int) -> bool:
    if text[end : end + 1] != " ":
        return False
    following = text[end + 1 : end + 30].split(maxsplit=1)
    return bool(following) and following[0] in PRODUCT_WORDS


def _add_rule_mentions(
    text: str,
    mentions: list[Mention],
    gaz: Gazetteer,
    groups: Groups,
    at: dict[str, list[int]],
) -> list[Mention]:
    """Add rule-found names, then every plain occurrence of those names."""
    found: list[Mention] = []
    names: dict[str, str] = {}
    last: tuple[int, str] = (-1, "")
    for cand in [*rules.find_rule_names(text, gaz, at), *find_org_names(text, gaz, at)]:
        if text[last[0] : cand.start] == " (":  # "Cyber Safety Review Board (CSRB)"
            key = last[1]
        else:
            key = key_for(cand.name, cand.kind, gaz, groups)
        last = (cand.end, key)
        if cand.kind == "tool" and groups.kind[key] == "malware":
            groups.kind[key] = "tool"  # "a custom exfiltration utility called StealBit"
        found.append(Mention(cand.start, cand.end, key))
        groups.ruled.add(key)
        names[cand.name] = key
        head = cand.name.split()[0]
        if cand.kind in _BODY_KINDS and head != cand.name and not gaz.is_common(head):
            names.setdefault(head, key)  # "Northwind Forensics" ... "per Northwind"
    seen = {text[m.start : m.end] for m in mentions}  # the gazetteer pass found those already
    found.extend(occurrences(text, {n: k for n, k in names.items() if n not in seen}))
    return without_overlaps([*mentions, *found])


def _build_actors(
    text: str,
    mentions: list[Mention],
    groups: Groups,
    gaz: Gazetteer,
    sentences: list[Span],
    at: dict[str, list[int]],
) -> list[tuple[int, Actor, list[tuple[int, int]]]]:
    members: dict[str, list[Mention]] = {}
    operations = usage.operation_names(text, at.get("operation", []))
    for mention in mentions:
        if not operations or text[mention.start : mention.end] not in operations:
            members.setdefault(groups.find(mention.key), []).append(mention)
    actors: list[tuple[int, Actor, list[tuple[int, int]]]] = []
    for root, group in members.items():
        actor = _actor(text, root, group, groups, gaz, sentences)
        if actor is not None:
            actors.append((group[0].start, actor, [(m.start, m.end) for m in group]))
    return actors


def _actor(
    text: str,
    root: str,
    group: list[Mention],
    groups: Groups,
    gaz: Gazetteer,
    sentences: list[Span],
) -> Actor | None:
    raw = dict.fromkeys(text[m.start : m.end] for m in group)
    surfaces = list(dict.fromkeys(" ".join(surface.split()) for surface in raw))
    entity = next((groups.entity[m.key] for m in group if m.key in groups.entity), None)
    known = gaz.entities[entity] if entity is not None else None
    name = known.name if known is not None and known.name in surfaces else surfaces[0]
    kind = _kind(text, root, group, groups, gaz, known)
    if kind is None:
        return None
    aliases = [s for s in surfaces if s.casefold() != name.casefold()]
    if known is not None and known.name != name and known.name not in aliases:
        aliases.append(known.name)
    return Actor.model_validate(
        {
            "name": name,
            "type": ActorType(kind),
            "aliases": aliases,
            "description": known.description if known is not None else None,
            "evidence": _evidence(text, [(m.start, m.end) for m in group], sentences),
        }
    )


def _kind(
    text: str,
    root: str,
    group: list[Mention],
    groups: Groups,
    gaz: Gazetteer,
    known: Entity | None,
) -> str | None:
    """The actor's type as the text uses it; None for a company named only as a product."""
    kind = groups.kind[root]
    spans = [(m.start, m.end) for m in group]
    if kind == "organization" and root not in groups.ruled:
        return kind if usage.organization_counts(text, spans) else None
    if kind == "security_vendor" and usage.only_victim(text, spans):
        return "organization"
    if kind == "tool" and known is not None and known.name not in TOOLS:
        return "malware" if usage.usage_votes(text, spans)[0] else kind  # "a Mirai variant"
    if kind not in {"malware", "threat_actor"}:
        return kind
    facts = (*known.aliases, (known.description or "")[:60]) if known is not None else ()
    return usage.usage_kind(
        text,
        spans,
        kind,
        ransomware=usage.is_ransomware(text, spans, facts),
        software_twin=any(gaz.is_software(name) for name in {text[m.start : m.end] for m in group}),
    )


def _evidence(text: str, spans: list[tuple[int, int]], sentences: list[Span]) -> list[Payload]:
    """The sentence around each mention (trimmed when long), one per sentence, five at most."""
    starts = _starts(sentences)
    seen: set[tuple[int, int]] = set()
    evidence: list[Payload] = []
    for start, end in spans:
        index = bisect_right(starts, start) - 1
        sentence = sentences[index] if index >= 0 else Span(start, end, text[start:end])
        lo, hi = (sentence.start, sentence.end) if sentence.end >= end else (start, end)
        if hi - lo > MAX_QUOTE:
            lo, hi = _window(text, start, end)
        if (lo, hi) not in seen:
            seen.add((lo, hi))
            evidence.append(evidence_payload(text, lo, hi))
        if len(evidence) >= MAX_EVIDENCE:
            break
    return evidence


_STARTS: list[tuple[list[Span], list[int]]] = []


def _starts(sentences: list[Span]) -> list[int]:
    """Sentence start offsets, remembered for the last sentence list seen."""
    if _STARTS and _STARTS[0][0] is sentences:
        return _STARTS[0][1]
    starts = [s.start for s in sentences]
    _STARTS[:] = [(sentences, starts)]
    return starts


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - MAX_QUOTE // 2)
    hi = min(len(text), end + MAX_QUOTE // 2)
    lo = text.find(" ", lo, start) + 1 if lo > 0 and text.find(" ", lo, start) >= 0 else lo
    cut = text.rfind(" ", end, hi)
    hi = cut if hi < len(text) and cut > end else hi
    return lo, hi
