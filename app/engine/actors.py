"""Find the actors of a document (threat actors, malware, tools, vendors, agencies, countries)
and what it says is targeted (sectors, regions).

One gazetteer pass finds every known name; cue rules add names no gazetteer knows yet;
"A/B" pairs and "A (aka B)" fold names into one actor; countries count as actors only when
the text blames them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count, groupby, repeat
from operator import itemgetter
from typing import cast

from pydantic import TypeAdapter

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
from app.engine.actor_lists import find_listed_names
from app.engine.brief import Actor, ActorType, Evidence, Targets
from app.engine.document import Document, Span
from app.engine.gazetteer import Entity, Gazetteer, RawHit, load_gazetteer
from app.engine.lexicon import PRODUCT_WORDS, TOOLS
from app.engine.org_rules import find_org_names
from app.engine.payloads import Payload
from app.engine.places import scan_places

MAX_EVIDENCE = 5
_MARKUP = " \t\n*_#>-•"  # what may stand before the first word of a sentence
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
    sentences, starts = doc.sentences, doc.sentence_starts
    hits, at = gaz.scan_with_cues(text)
    groups = Groups()
    mentions = _named_mentions(text, hits, gaz, groups)
    mentions = _add_rule_mentions(text, mentions, gaz, groups, at)
    mentions = fold_aliases(text, mentions, gaz, groups, at.get("same_as", []))
    places = scan_places(text, hits, sentences, gaz, starts)
    bounds = (starts, [sentence.end for sentence in sentences])
    quotes: dict[Quote, Payload] = {}
    found = _build_actors(text, mentions, groups, gaz, bounds, at, quotes)
    for entity, country_hits in places.attributed.items():
        country_hits = _with_named_actor(country_hits, mentions, sentences, starts)
        if not country_hits:
            continue
        spans = [(start, end) for start, end, _, _ in country_hits]
        fields: ActorFields = {
            "name": gaz.entities[entity].name,
            "type": ActorType.country,
            "evidence": _evidence(text, spans, bounds, quotes),
        }
        every = [(start, end) for start, end, index, _ in hits if index == entity]
        found.append((country_hits[0][0], fields, every))
    found.sort(key=_first)
    actors = _validated([fields for _, fields, _ in found], quotes)
    _LAST_SCAN[:] = [(text, actors, [spans for _, _, spans in found], at.get("anaphor", []))]
    return ActorScan(actors, Targets(sectors=places.sectors, regions=places.regions))


# The last scan: text, actors, every mention span of each actor, "this backdoor" cue offsets.
_LAST_SCAN: list[tuple[str, list[Actor], list[list[tuple[int, int]]], list[int]]] = []
SentenceBounds = tuple[list[int], list[int]]  # the start and the end offset of every sentence
Quote = tuple[int, int]  # an evidence quote's (start, end)
ActorFields = dict[str, object]  # an actor to validate; "evidence" holds ``Quote`` keys


def _first(item: tuple[int, ActorFields, list[tuple[int, int]]]) -> int:
    return item[0]


def _validated(found: list[ActorFields], quotes: dict[Quote, Payload]) -> list[Actor]:
    """The actors, validated in two C-level calls per document rather than one per actor.

    Actors named in one sentence quote it alike: each quote is validated once, and a
    validated ``Evidence`` passes the actor's validation as is (an instance check).
    """
    if not found:
        return []
    evidence = dict(zip(quotes, _EVIDENCE_LIST.validate_python(list(quotes.values())), strict=True))
    for fields in found:
        fields["evidence"] = list(
            map(evidence.__getitem__, cast("list[Quote]", fields["evidence"]))
        )
    return _ACTOR_LIST.validate_python(found)


def mention_spans(text: str, actors: list[Actor]) -> list[list[tuple[int, int]]] | None:
    """Every mention span of each actor, when ``actors`` is what ``find_actors`` last returned
    for this very text (so ``find_links`` need not search for the names again)."""
    if _LAST_SCAN and _LAST_SCAN[0][0] is text and _LAST_SCAN[0][1] is actors:
        return _LAST_SCAN[0][2]
    return None


def anaphor_cues(text: str) -> list[int] | None:
    """Where the gazetteer pass of the last ``find_actors`` call on this very text saw a
    determiner and an actor noun ("this backdoor", "the group"), in text order."""
    if _LAST_SCAN and _LAST_SCAN[0][0] is text:
        return _LAST_SCAN[0][3]
    return None


def _with_named_actor(
    hits: list[RawHit], mentions: list[Mention], sentences: list[Span], starts: list[int]
) -> list[RawHit]:
    """Blame that names no actor in its sentence ("an Iranian group") is no attribution.

    Blame that opens its sentence ("Russian state-backed; active since 2013.") may name the
    actor in the sentence before.
    """
    named = list(map(_START, mentions))  # sorted: mentions come in text order
    kept: list[RawHit] = []
    for hit in hits:
        start = hit[0]
        index = bisect_right(starts, start) - 1
        lo, hi = (sentences[index].start, sentences[index].end) if index >= 0 else (0, start)
        if index > 0 and not sentences[index].text[: start - lo].strip(_MARKUP):
            lo = sentences[index - 1].start
        first = bisect_left(named, lo)
        if first < len(named) and named[first] < hi:
            kept.append(hit)
    return kept


def _named_mentions(text: str, hits: list[RawHit], gaz: Gazetteer, groups: Groups) -> list[Mention]:
    """A mention for every hit on an actor-like entity (vendors named only as a product aside).

    Built with C-level iterators (``map``, ``compress``): a document has hundreds of hits.
    """
    keys: dict[int, str | None] = {}  # entity -> its group key, None when not actor-like
    vendors: set[int] = set()
    entities = gaz.entities
    for index in dict.fromkeys(map(_ENTITY, hits)):  # first-seen order, as groups were added
        entity = entities[index]
        if entity.kind in NAMED_KINDS:
            keys[index] = groups.add(f"e{index}", entity.kind, index)
            if entity.kind == "security_vendor":
                vendors.add(index)
        else:
            keys[index] = None
    key_of = keys.__getitem__
    named = list(compress(hits, map(key_of, map(_ENTITY, hits))))
    fields = zip(
        map(_START, named), map(_END, named), map(key_of, map(_ENTITY, named)), strict=True
    )
    mentions = cast("list[Mention]", list(fields))  # the keys of named hits are never None
    if vendors:
        at_vendors = list(compress(count(), map(vendors.__contains__, map(_ENTITY, named))))
        ends = list(map(_END, map(named.__getitem__, at_vendors)))
        after = map(_PRODUCT_AFTER.match, repeat(text), ends, map(_PRODUCT_REACH.__add__, ends))
        for i in reversed(list(compress(at_vendors, after))):
            del mentions[i]
    return mentions


_START, _END, _ENTITY = itemgetter(0), itemgetter(1), itemgetter(2)
_KEY = itemgetter(2)  # a mention's group key
# A product word as the first word within 30 characters after a space ("Microsoft Defender"):
# one C-level match per vendor mention; a report names its vendors again and again.
_PRODUCT_AFTER = re.compile(
    r"[ ]\s*(?:" + "|".join(map(re.escape, sorted(PRODUCT_WORDS))) + r")(?!\S)"
)
_PRODUCT_REACH = 30


def _add_rule_mentions(
    text: str,
    mentions: list[Mention],
    gaz: Gazetteer,
    groups: Groups,
    at: dict[str, list[int]],
) -> list[Mention]:
    """Add rule-found names, then every plain occurrence of those names."""
    candidates = [
        *rules.find_rule_names(text, gaz, at),
        *find_listed_names(text, gaz, at),
        *find_org_names(text, gaz, at),
    ]
    if not candidates:
        return mentions
    found: list[Mention] = []
    names: dict[str, str] = {}
    last_end, last_key = -1, ""
    keys: dict[tuple[str, str], str] = {}  # (name, kind) -> key: rules find a name many times
    for start, end, name, kind in candidates:
        if start - last_end == 2 and text.startswith(" (", last_end):  # "Board (CSRB)"
            key = last_key
        else:
            key = keys.get((name, kind)) or keys.setdefault(
                (name, kind), key_for(name, kind, gaz, groups)
            )
        last_end, last_key = end, key
        if kind == "tool" and groups.kind[key] == "malware":
            groups.kind[key] = "tool"  # "a custom exfiltration utility called StealBit"
        found.append((start, end, key))
        groups.ruled.add(key)
        names[name] = key
        if kind in _BODY_KINDS:
            head = name.split()[0]
            if head != name and not gaz.is_common(head):
                names.setdefault(head, key)  # "Northwind Forensics" ... "per Northwind"
    # the gazetteer pass found those already (a comprehension slices with BUILD_SLICE: fewer
    # instructions than mapping ``slice`` and ``text.__getitem__``, measured under callgrind)
    seen = {text[start:end] for start, end, _ in mentions}
    found.extend(occurrences(text, {n: k for n, k in names.items() if n not in seen}))
    return without_overlaps([*mentions, *found])


def _build_actors(
    text: str,
    mentions: list[Mention],
    groups: Groups,
    gaz: Gazetteer,
    sentences: SentenceBounds,
    at: dict[str, list[int]],
    quotes: dict[Quote, Payload],
) -> list[tuple[int, ActorFields, list[tuple[int, int]]]]:
    operations = usage.operation_names(text, at["operation"]) if "operation" in at else None
    if operations:
        mentions = [m for m in mentions if text[m[0] : m[1]] not in operations]
    members = _members(mentions, groups)
    actors: list[tuple[int, ActorFields, list[tuple[int, int]]]] = []
    for root, group in members.items():
        spans: list[tuple[int, int]] = list(map(_SPAN, group))
        fields = _actor(text, root, group, spans, groups, gaz, sentences, quotes)
        if fields is not None:
            actors.append((spans[0][0], fields, spans))
    return actors


def _members(mentions: list[Mention], groups: Groups) -> dict[str, list[Mention]]:
    """The mentions of each actor (a union-find root), in text order.

    Grouped by key with a stable C-level sort rather than a Python step per mention; the
    order of the actors does not matter, the caller sorts them by their first mention.
    """
    members: dict[str, list[Mention]] = {}
    for key, same_key in groupby(sorted(mentions, key=_KEY), _KEY):
        root = groups.find(key)
        group = members.get(root)
        if group is None:
            members[root] = list(same_key)
        else:
            group.extend(same_key)
            group.sort(key=_START)  # starts are distinct: mentions do not overlap
    return members


def _actor(
    text: str,
    root: str,
    group: list[Mention],
    spans: list[tuple[int, int]],
    groups: Groups,
    gaz: Gazetteer,
    sentences: SentenceBounds,
    quotes: dict[Quote, Payload],
) -> ActorFields | None:
    """The fields of one actor, its evidence as keys of ``quotes`` (see ``_validated``)."""
    raw = dict.fromkeys([text[start:end] for start, end in spans])
    surfaces = list(dict.fromkeys([" ".join(surface.split()) for surface in raw]))
    entity = _entity_of(group, groups)
    known = gaz.entities[entity] if entity is not None else None
    name = known.name if known is not None and known.name in surfaces else surfaces[0]
    kind = _kind(text, root, spans, raw, groups, gaz, known)
    if kind is None:
        return None
    folded = name.casefold()
    aliases = [s for s in surfaces if s.casefold() != folded]
    if known is not None and known.name != name and known.name not in aliases:
        aliases.append(known.name)
    return {
        "name": name,
        "type": _ACTOR_TYPES[kind],
        "aliases": aliases,
        "description": known.description if known is not None else None,
        "evidence": _evidence(text, spans, sentences, quotes),
    }


_ACTOR_TYPES = {kind.value: kind for kind in ActorType}
_ACTOR_LIST = TypeAdapter(list[Actor])
_EVIDENCE_LIST = TypeAdapter(list[Evidence])
_SPAN = itemgetter(0, 1)  # a mention's (start, end)


def _entity_of(group: list[Mention], groups: Groups) -> int | None:
    """The known entity of the first mention that has one."""
    entities = groups.entity
    for mention in group:
        entity = entities.get(mention[2])
        if entity is not None:
            return entity
    return None


def _kind(
    text: str,
    root: str,
    spans: list[tuple[int, int]],
    raw: dict[str, None],
    groups: Groups,
    gaz: Gazetteer,
    known: Entity | None,
) -> str | None:
    """The actor's type as the text uses it; None for a company named only as a product."""
    kind = groups.kind[root]
    if kind == "organization" and root not in groups.ruled:
        return kind if usage.organization_counts(text, spans) else None
    if kind == "security_vendor" and (
        usage.only_victim(text, spans) or usage.only_patcher(text, spans)
    ):
        return "organization"
    if kind == "tool" and known is not None and known.name not in TOOLS:
        return "malware" if usage.usage_votes(text, spans)[0] else kind  # "a Mirai variant"
    if kind == "malware":
        ransomware = (known is not None and _known_ransomware(known)) or any(
            map(text.startswith, repeat(" ransomware"), map(_END, spans))
        )
        return usage.usage_kind(text, spans, kind, ransomware=ransomware, software_twin=False)
    if kind == "threat_actor":
        twin = gaz.any_software(raw)
        return usage.usage_kind(text, spans, kind, ransomware=False, software_twin=twin)
    return kind


@lru_cache(maxsize=4096)
def _known_ransomware(entity: Entity) -> bool:
    """True when the gazetteer's names or description call the entity ransomware."""
    return usage.is_ransomware("", [], (*entity.aliases, (entity.description or "")[:60]))


def _evidence(
    text: str,
    spans: list[tuple[int, int]],
    sentences: SentenceBounds,
    quotes: dict[Quote, Payload],
) -> list[Quote]:
    """The sentence around each mention (trimmed when long), one per sentence, five at most.

    Each quote's payload is added to ``quotes`` (once per document); the keys are returned.
    """
    starts, ends = sentences
    evidence: list[Quote] = []
    size = len(text)
    quoted = -1  # the end of the last sentence quoted whole: mentions before it add nothing
    # Only trimmed windows and bare spans can repeat: a sentence quoted whole is skipped by
    # ``quoted`` afterwards, and neither kind can equal a short sentence's span.
    seen: set[tuple[int, int]] = set()
    for start, end in spans:  # in text order
        if end <= quoted:
            continue
        index = bisect_right(starts, start) - 1
        if index >= 0 and ends[index] >= end:
            lo, hi = starts[index], ends[index]
            if hi - lo <= MAX_QUOTE:
                quoted = hi
                key = (lo, hi)
                if key not in quotes:
                    # ``evidence_payload``, inlined: this runs for every actor's first mentions
                    grounded = 0 <= lo < hi <= size
                    quotes[key] = {
                        "quote": text[lo:hi],
                        "start": lo,
                        "end": hi,
                        "grounded": grounded,
                    }
                evidence.append(key)
                if len(evidence) >= MAX_EVIDENCE:
                    break
                continue
            lo, hi = _window(text, start, end)
        elif end - start > MAX_QUOTE:
            lo, hi = _window(text, start, end)
        else:
            lo, hi = start, end
        key = (lo, hi)
        if key not in seen:
            seen.add(key)
            if key not in quotes:
                grounded = 0 <= lo < hi <= size
                quotes[key] = {"quote": text[lo:hi], "start": lo, "end": hi, "grounded": grounded}
            evidence.append(key)
            if len(evidence) >= MAX_EVIDENCE:
                break
    return evidence


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    lo = start - MAX_QUOTE // 2 if start > MAX_QUOTE // 2 else 0
    hi = min(len(text), end + MAX_QUOTE // 2)
    lo = text.find(" ", lo, start) + 1 if lo > 0 and text.find(" ", lo, start) >= 0 else lo
    cut = text.rfind(" ", end, hi)
    hi = cut if hi < len(text) and cut > end else hi
    return lo, hi
