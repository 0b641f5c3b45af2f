"""Find the actors of a document (threat actors, malware, tools, vendors, agencies, countries)
and what it says is targeted (sectors, regions).

One gazetteer pass finds every known name; cue rules add names no gazetteer knows yet;
"A/B" pairs and "A (aka B)" fold names into one actor; countries count as actors only when
the text blames them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.engine import actor_rules as rules
from app.engine.brief import Actor, ActorType, Evidence, Targets
from app.engine.document import Document, Span
from app.engine.gazetteer import Gazetteer, Hit, load_gazetteer, name_occurrences
from app.engine.gazetteer_build import SOFTWARE_KINDS, compact_key
from app.engine.grounding import evidence_at
from app.engine.lexicon import GENERIC_NAMES, PRODUCT_WORDS
from app.engine.places import scan_places

MAX_EVIDENCE = 5
MAX_QUOTE = 300
NAMED_KINDS = frozenset({"threat_actor", "malware", "tool", "security_vendor", "government"})
_ALIAS_KINDS = frozenset({"threat_actor", "malware", "tool"})
_NOUN = r"(?:\s+(?:group|gang|APT|actor|threat actor|team|crew|cluster|malware|backdoor))?"
_AKA = re.compile(
    _NOUN + r"\s*[,(]?\s*(?:also known as|aka|a\.k\.a\.?|also tracked as|tracked as|also called"
    r"|also referred to as|formerly known as|formerly)\s+(?:the\s+)?"
    rf"({rules.NAME}(?:\s*(?:,|and|or|, and)\s+{rules.NAME}){{0,4}})"
)
_TRACKS_AS = re.compile(
    _NOUN + r",?\s*(?:which|that|whom)\s+(?:\S+\s+){1,4}?"
    r"(?:tracks|tracked|track|refers to|calls|call)"
    rf"\s+(?:it\s+)?as\s+({rules.NAME})"
)
_PAREN = re.compile(rf"\s*\(({rules.NAME})\)")
_LIST_SPLIT = re.compile(r"\s*(?:, and|,|\band\b|\bor\b)\s*")
_NAME_AFTER_SLASH = re.compile(rf"({rules.NAME})")


@dataclass
class ActorScan:
    """The actors a document names and the sectors and regions it says are targeted."""

    actors: list[Actor]
    targets: Targets


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    key: str


@dataclass
class _Groups:
    """Union-find over actor keys; a key is an entity (``e12``) or a rule name (``n:x``)."""

    kind: dict[str, str] = field(default_factory=dict)
    entity: dict[str, int] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, kind: str, entity: int | None) -> str:
        if key not in self.parent:
            self.parent[key] = key
            self.kind[key] = kind
            if entity is not None:
                self.entity[key] = entity
        return key

    def find(self, key: str) -> str:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or not _compatible(self.kind[ra], self.kind[rb]):
            return
        if ra in self.entity and rb in self.entity and self.entity[ra] != self.entity[rb]:
            return  # two different known entities: "Emotet/TrickBot" is a pair, not one
        keep, drop = (ra, rb) if ra in self.entity or rb not in self.entity else (rb, ra)
        self.parent[drop] = keep


def _compatible(a: str, b: str) -> bool:
    return a == b or {a, b} <= SOFTWARE_KINDS


def find_actors(doc: Document) -> ActorScan:
    """Actors with evidence for every mention (up to five), plus targeted sectors and regions."""
    gaz = load_gazetteer()
    text = doc.text
    hits, cues = gaz.scan_with_cues(text)
    groups = _Groups()
    mentions = _named_mentions(text, hits, gaz, groups)
    mentions = _add_rule_mentions(text, mentions, gaz, groups, cues)
    mentions = _fold_aliases(text, mentions, gaz, groups)
    places = scan_places(text, hits, doc.sentences, gaz)
    actors = _build_actors(text, mentions, groups, gaz, doc.sentences)
    for entity, country_hits in places.attributed.items():
        spans = [(h.start, h.end) for h in country_hits]
        name = gaz.entities[entity].name
        evidence = _evidence(text, spans, doc.sentences)
        actors.append(
            (country_hits[0].start, Actor(name=name, type=ActorType.country, evidence=evidence))
        )
    actors.sort(key=lambda pair: pair[0])
    return ActorScan(
        [a for _, a in actors], Targets(sectors=places.sectors, regions=places.regions)
    )


def _named_mentions(text: str, hits: list[Hit], gaz: Gazetteer, groups: _Groups) -> list[_Mention]:
    mentions: list[_Mention] = []
    for hit in hits:
        entity = gaz.entities[hit.entity]
        if entity.kind not in NAMED_KINDS:
            continue
        if entity.kind == "security_vendor" and _is_product(text, hit.end):
            continue
        key = groups.add(f"e{hit.entity}", entity.kind, hit.entity)
        mentions.append(_Mention(hit.start, hit.end, key))
    return mentions


def _is_product(text: str, end: int) -> bool:
    following = text[end : end + 30].split(maxsplit=1)
    return bool(following) and text[end : end + 1] == " " and following[0] in PRODUCT_WORDS


def _key_for(name: str, kind: str, gaz: Gazetteer, groups: _Groups) -> str:
    entity = gaz.lookup(name)
    if entity is not None and _compatible(gaz.entities[entity].kind, kind):
        return groups.add(f"e{entity}", gaz.entities[entity].kind, entity)
    return groups.add(f"n:{compact_key(name)}", kind, None)


def _add_rule_mentions(
    text: str,
    mentions: list[_Mention],
    gaz: Gazetteer,
    groups: _Groups,
    cues: list[tuple[int, str]],
) -> list[_Mention]:
    """Add rule-found names, then every plain occurrence of those names."""
    found = [
        _Mention(c.start, c.end, _key_for(c.name, c.kind, gaz, groups))
        for c in rules.find_rule_names(text, gaz, cues)
    ]
    names = {text[m.start : m.end]: m.key for m in found}
    found.extend(_occurrences(text, names))
    return _without_overlaps([*mentions, *found])


def _occurrences(text: str, names: dict[str, str]) -> list[_Mention]:
    return [_Mention(start, end, key) for start, end, key in name_occurrences(text, names)]


def _without_overlaps(mentions: Iterable[_Mention]) -> list[_Mention]:
    ordered = sorted(mentions, key=lambda m: (m.start, m.start - m.end))
    kept: list[_Mention] = []
    for mention in ordered:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def _fold_aliases(
    text: str, mentions: list[_Mention], gaz: Gazetteer, groups: _Groups
) -> list[_Mention]:
    """Join "A/B", "A (aka B)", "A (B)" and "A, which X tracks as B" into one actor."""
    by_start = {m.start: m for m in mentions}
    added: list[_Mention] = []
    for mention in mentions:
        kind = groups.kind[groups.find(mention.key)]
        if kind not in _ALIAS_KINDS:
            continue
        for start, name in _alias_spans(text, mention):
            other = by_start.get(start)
            if other is not None:
                groups.union(mention.key, other.key)
            elif _plausible_alias(name, gaz):
                key = _key_for(name, kind, gaz, groups)
                groups.union(mention.key, key)
                added.append(_Mention(start, start + len(name), key))
    if not added:
        return mentions
    names = {text[m.start : m.end]: m.key for m in added}
    return _without_overlaps([*mentions, *added, *_occurrences(text, names)])


def _alias_spans(text: str, mention: _Mention) -> list[tuple[int, str]]:
    spans: list[tuple[int, str]] = []
    if text[mention.end : mention.end + 1] == "/":
        match = _NAME_AFTER_SLASH.match(text, mention.end + 1)
        if match:
            spans.append((match.start(1), match.group(1)))
    for pattern in (_AKA, _TRACKS_AS, _PAREN):
        match = pattern.match(text, mention.end)
        if match is None:
            continue
        offset = match.start(1)
        for part in _LIST_SPLIT.split(match.group(1)):
            position = text.find(part, offset)
            if part and position >= 0:
                spans.append((position, part))
                offset = position + len(part)
    return spans


def _plausible_alias(name: str, gaz: Gazetteer) -> bool:
    words = name.split()
    if not words or words[0].lower() in GENERIC_NAMES:
        return False
    if rules.scheme_match(name) or any(ch.isdigit() for ch in name):
        return True
    return not all(gaz.is_common(w) for w in words) or gaz.lookup(name) is not None


def _build_actors(
    text: str, mentions: list[_Mention], groups: _Groups, gaz: Gazetteer, sentences: list[Span]
) -> list[tuple[int, Actor]]:
    members: dict[str, list[_Mention]] = {}
    for mention in mentions:
        members.setdefault(groups.find(mention.key), []).append(mention)
    return [
        (group[0].start, _actor(text, root, group, groups, gaz, sentences))
        for root, group in members.items()
    ]


def _actor(
    text: str,
    root: str,
    group: list[_Mention],
    groups: _Groups,
    gaz: Gazetteer,
    sentences: list[Span],
) -> Actor:
    surfaces: list[str] = []
    for mention in group:
        surface = " ".join(text[mention.start : mention.end].split())
        if surface not in surfaces:
            surfaces.append(surface)
    entity = next((groups.entity[m.key] for m in group if m.key in groups.entity), None)
    known = gaz.entities[entity] if entity is not None else None
    name = known.name if known is not None and known.name in surfaces else surfaces[0]
    aliases = [s for s in surfaces if s.casefold() != name.casefold()]
    if known is not None and known.name != name and known.name not in aliases:
        aliases.append(known.name)
    return Actor(
        name=name,
        type=ActorType(groups.kind[root]),
        aliases=aliases,
        description=known.description if known is not None else None,
        evidence=_evidence(text, [(m.start, m.end) for m in group], sentences),
    )


def _evidence(text: str, spans: list[tuple[int, int]], sentences: list[Span]) -> list[Evidence]:
    """The sentence around each mention (trimmed when long), one per sentence, five at most."""
    starts = _starts(sentences)
    seen: set[tuple[int, int]] = set()
    evidence: list[Evidence] = []
    for start, end in spans:
        index = bisect_right(starts, start) - 1
        sentence = sentences[index] if index >= 0 else Span(start, end, text[start:end])
        lo, hi = (sentence.start, sentence.end) if sentence.end >= end else (start, end)
        if hi - lo > MAX_QUOTE:
            lo, hi = _window(text, start, end)
        if (lo, hi) not in seen:
            seen.add((lo, hi))
            evidence.append(evidence_at(text, lo, hi))
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
