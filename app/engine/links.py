"""Typed relations between actors, read from cue phrases inside one sentence.

Only sentences naming two or more actors are read. For each pair of neighbouring mentions
the words between them (and just before the first) decide the relation: "attributed to",
"developed by", "reported by", "uses", "overlaps with", "linked to". A pair is skipped when
another actor stands between them, so "X links A to B and their use of C" gives B uses C,
not A uses C. "This backdoor" / "the group" stand for the last actor of that kind.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import chain

from app.engine.actor_patterns import lowered, lowered_document
from app.engine.actors import anaphor_cues
from app.engine.brief import Actor, ActorType, Link, Relation
from app.engine.document import Document, Span
from app.engine.link_cues import (
    ACCORDING_BEFORE,
    ADJACENT,
    ANAPHOR,
    APPOSITION,
    ASSOCIATE_BEFORE,
    ATTRIBUTED,
    BETWEEN_BEFORE,
    COORDINATED,
    COUNTRY_PHRASE,
    DEVELOPED,
    GROUP_WORDS,
    LINK_VERB_BEFORE,
    LINKED_STRONG,
    LINKED_WEAK,
    LIST_GAPS,
    NEGATION,
    OVERLAPS,
    REPORTED,
    REPORTER_VERB,
    SOFTWARE_CHAIN,
    STARTS_TO,
    STARTS_WITH,
    USED_BY,
    USES,
    anaphor_starts,
    single_spaced,
    single_spaced_lines,
    starts_within,
)
from app.engine.link_mentions import Mention, by_sentence, find_mentions
from app.engine.payloads import evidence_payload

MAX_GAP = 250
MAX_QUOTE = 400
SOFTWARE = frozenset({ActorType.malware, ActorType.tool})
GROUPS = frozenset({ActorType.threat_actor})
REPORTERS = frozenset({ActorType.security_vendor, ActorType.government})
BLAMED = frozenset({ActorType.threat_actor, ActorType.country})
SYMMETRIC = frozenset({Relation.linked_to, Relation.overlaps_with, Relation.related_to})


@dataclass(slots=True)
class _Found:
    """A link before it becomes a pydantic model: cheap to make and to merge."""

    source: str
    relation: Relation
    target: str
    confidence: float
    spans: list[tuple[int, int]]


@dataclass(slots=True)
class _Text:
    """The document as the link reader consults it, with its actors' types and names."""

    text: str
    low: str | None  # ``lowered(text)``, when the whole document allows it
    types: list[ActorType]
    names: list[str]

    def gap(self, start: int, end: int) -> Gap:
        """``text[start:end]`` and its ``lowered`` form."""
        words = self.text[start:end]
        low = self.low
        return words, (low[start:end] if low is not None else lowered(words))


Gap = tuple[str, str | None]  # some words of the text, and their lowercased form


def find_links(doc: Document, actors: list[Actor]) -> list[Link]:
    """Relations between the given actors, one per (source, relation, target), with evidence."""
    text = doc.text
    mentions = find_mentions(text, actors)
    if len(actors) < 2 or len(mentions) < 2:
        return []
    at = _Text(text, lowered_document(text), [a.type for a in actors], [a.name for a in actors])
    found: dict[tuple[object, ...], _Found] = {}
    for sentence, items in _sentences_with_pairs(doc, mentions, at):
        for link in _sentence_links(at, sentence, items):
            _merge(found, link)
    return [
        Link.model_validate(
            {
                "source": f.source,
                "relation": f.relation,
                "target": f.target,
                "confidence": f.confidence,
                "evidence": [evidence_payload(text, start, end) for start, end in f.spans],
            }
        )
        for f in found.values()
    ]


def _sentences_with_pairs(
    doc: Document, mentions: list[Mention], at: _Text
) -> list[tuple[Span, list[Mention]]]:
    """The sentences naming two actors or more ("this backdoor" counting as a mention)."""
    sentences = doc.sentences
    starts = [m.start for m in mentions]
    referable = [kind in GROUPS or kind in SOFTWARE for kind in at.types]
    anaphors = _Anaphors(doc)
    result: list[tuple[Span, list[Mention]]] = []
    first = 0  # where the sentence's own mentions begin in ``mentions``
    for index, own in by_sentence(doc.sentence_starts, mentions).items():
        if index >= 0:
            items, sentence = own, sentences[index]
            candidates = anaphors.within(index, sentence)
            if candidates is None or candidates:
                floor = sentences[index - 2].start if index >= 2 else sentences[0].start
                recent = mentions[bisect_left(starts, floor, 0, first) : first]
                items = _with_anaphora(at, sentence, recent, own, candidates, referable)
            if len(items) > 1 and _two_actors(items):
                result.append((sentence, items))
        first += len(own)
    return result


def _two_actors(items: list[Mention]) -> bool:
    """Whether the mentions name more than one actor."""
    actor = items[0].actor
    return items[-1].actor != actor or any(m.actor != actor for m in items)


def _with_anaphora(
    at: _Text,
    sentence: Span,
    recent: list[Mention],
    own: list[Mention],
    candidates: list[int] | None,
    referable: list[bool],
) -> list[Mention]:
    """The sentence's mentions and, in text order among them, the anaphora that refer back."""
    if any(referable[m.actor] for m in own) or any(referable[m.actor] for m in recent):
        anaphora = _anaphora(at, sentence, recent, own, candidates)
        if anaphora:  # the sentence's own mentions are in text order already
            return sorted([*own, *anaphora], key=_start)
    return own


class _Anaphors:
    """Where "this backdoor" / "the group" may stand, found once per document on demand."""

    def __init__(self, doc: Document) -> None:
        self.text = text = doc.text
        cues = anaphor_cues(text)  # from the gazetteer pass, if it scanned this very text
        self.cues = sorted(cues) if cues is not None else None
        self.spaced = self.cues is not None and single_spaced_lines(text)
        self.found: list[int] | None = None  # from ``anaphor_starts``
        # in a single-spaced text the cues are all there is: grouped by sentence at once
        self.per_sentence = _per_sentence(doc, self.cues) if self.spaced else None

    def within(self, index: int, sentence: Span) -> list[int] | None:
        """Candidate offsets inside the sentence (the index-th), or None when it has to be
        searched."""
        if self.per_sentence is not None:
            return self.per_sentence.get(index, _NONE)
        cues = self.cues
        if cues is not None and single_spaced(sentence.text):
            return starts_within(cues, sentence.start, sentence.end) if cues else cues
        if self.found is None:
            low = lowered_document(self.text)
            if low is None:
                return None
            self.found = anaphor_starts(low)
        return starts_within(self.found, sentence.start, sentence.end)


_NONE: list[int] = []  # (never changed)


def _per_sentence(doc: Document, offsets: list[int] | None) -> dict[int, list[int]]:
    """The offsets (sorted) grouped by the index of the sentence that holds them."""
    sentences, starts = doc.sentences, doc.sentence_starts
    grouped: dict[int, list[int]] = {}
    for offset in offsets or ():
        index = bisect_right(starts, offset) - 1
        if index >= 0 and offset < sentences[index].end:
            grouped.setdefault(index, []).append(offset)
    return grouped


def _start(mention: Mention) -> int:
    return mention.start


def _anaphora(
    at: _Text,
    sentence: Span,
    recent: list[Mention],
    items: list[Mention],
    starts: list[int] | None,
) -> list[Mention]:
    """ "This backdoor" / "the group": the last actor of that kind before it, here or just before.

    ``starts`` are where in the sentence the pattern may match; None searches all of it.
    """
    text, end = at.text, sentence.end
    if starts is None:
        matches = list(ANAPHOR.finditer(text, sentence.start, end))
    else:
        matches = [m for m in (ANAPHOR.match(text, c, end) for c in starts) if m]
    found: list[Mention] = []
    for match in matches:
        wanted = GROUPS if match.group(1) in GROUP_WORDS else SOFTWARE
        where = match.start()
        for m in chain(reversed(items), reversed(recent)):
            if m.end <= where and at.types[m.actor] in wanted:
                found.append(Mention(where, match.end(), m.actor))
                break
    return found


def _sentence_links(at: _Text, sentence: Span, items: list[Mention]) -> list[_Found]:
    links: list[_Found] = []
    types, text = at.types, at.text
    last = len(items) - 1
    head = 0  # where the list "A, B, and C" that ends with items[j] begins
    for j, later in enumerate(items):
        if j:
            prev = items[j - 1]
            gap = text[prev.end : later.start].strip()
            if gap not in LIST_GAPS or _CLASS[types[prev.actor]] != _CLASS[types[later.actor]]:
                head = j
        if types[later.actor] == ActorType.country and j < last and _modifies_next(at, items, j):
            continue
        for i in range(head - 1, -1, -1):
            earlier = items[i]
            if earlier.actor == later.actor:
                continue
            link = _classify(at, sentence, earlier, items[head], later)
            if link is not None:
                links.append(link)
            if types[earlier.actor] != ActorType.country or _blocks(at, items, i):
                break
        if head < j:  # "between A and B" inside a coordinated list
            link = _coordinated(at, sentence, items[head], later)
            if link is not None:
                links.append(link)
    return links


def _modifies_next(at: _Text, items: list[Mention], j: int) -> bool:
    """True for "Chinese" in "Chinese state-sponsored group APT41": the link goes to APT41."""
    return ADJACENT.match(*at.gap(items[j].end, items[j + 1].start)) is not None


def _blocks(at: _Text, items: list[Mention], i: int) -> bool:
    """Whether items[i] hides the words before it from a later actor.

    Actors block; a country does not ("links A to China-based actor B"), unless it heads a
    noun phrase of its own ("China-based adversaries using C": the adversaries use C) that
    is not an apposition of the actor before it ("A, a Chinese group, used C").
    """
    item, following = items[i], items[i + 1]
    if at.types[item.actor] != ActorType.country:
        return True  # (the caller checks this first)
    phrase = COUNTRY_PHRASE.match(*at.gap(item.end, item.end + 60))
    if phrase is None or following.start - (item.end + phrase.end()) <= 2:
        return False
    return i == 0 or not APPOSITION.match(*at.gap(items[i - 1].end, item.start))


def _kind_class(kind: ActorType) -> str:
    return "software" if kind in SOFTWARE else kind.value


_CLASS = {kind: _kind_class(kind) for kind in ActorType}


def _classify(at: _Text, sentence: Span, a: Mention, head: Mention, b: Mention) -> _Found | None:
    if head.start - a.end > MAX_GAP:
        return None
    gap = at.gap(a.end, head.start)
    if NEGATION.found(*gap):
        return None
    before = (max(sentence.start, a.start - 60), a.start)  # read only when a cue asks
    ta, tb = at.types[a.actor], at.types[b.actor]
    if ta in REPORTERS or tb in REPORTERS:
        return _reporting(at, sentence, a, b, gap, before)
    na, nb = at.names[a.actor], at.names[b.actor]
    if ta == ActorType.country and tb != ActorType.country and ADJACENT.match(*gap):
        return _link(sentence, nb, Relation.attributed_to, na, 0.6, a, b)
    relation = _relation(at, ta, tb, gap, before)
    if relation is None:
        return _coordinated(at, sentence, a, b)
    rel, forward, confidence = relation
    source, target = (na, nb) if forward else (nb, na)
    return _link(sentence, source, rel, target, confidence, a, b)


def _relation(
    at: _Text, ta: ActorType, tb: ActorType, gap: Gap, before: tuple[int, int]
) -> tuple[Relation, bool, float] | None:
    if ta in SOFTWARE and tb in BLAMED and DEVELOPED.found(*gap):
        return Relation.developed_by, True, 0.8
    if tb in BLAMED and ATTRIBUTED.found(*gap):
        return Relation.attributed_to, True, 0.8
    if ta in GROUPS and tb in SOFTWARE and USES.search(*gap):
        return Relation.uses, True, 0.8
    if ta in SOFTWARE and tb in GROUPS and USED_BY.found(*gap):
        return Relation.uses, False, 0.8
    if ta in SOFTWARE and tb in SOFTWARE and SOFTWARE_CHAIN.search(*gap):
        return Relation.uses, True, 0.6
    if _CLASS[ta] == _CLASS[tb] and OVERLAPS.search(*gap):
        return Relation.overlaps_with, True, 0.7
    if LINKED_STRONG.search(*gap) or (
        STARTS_TO.match(*gap) and LINK_VERB_BEFORE.found(*at.gap(*before))
    ):
        return Relation.linked_to, True, 0.7
    if LINKED_WEAK.search(*gap) or (
        STARTS_WITH.match(*gap) and ASSOCIATE_BEFORE.found(*at.gap(*before))
    ):
        return Relation.linked_to, True, 0.6
    return None


def _reporting(
    at: _Text, sentence: Span, a: Mention, b: Mention, gap: Gap, before: tuple[int, int]
) -> _Found | None:
    ta, tb = at.types[a.actor], at.types[b.actor]
    if (ta in REPORTERS and tb in REPORTERS) or ActorType.country in (ta, tb):
        return None
    na, nb = at.names[a.actor], at.names[b.actor]
    if tb in REPORTERS:
        if REPORTED.found(*gap):
            return _link(sentence, na, Relation.reported_by, nb, 0.8, a, b)
        return None
    if ACCORDING_BEFORE.found(*at.gap(*before)):
        return _link(sentence, nb, Relation.reported_by, na, 0.8, a, b)
    if REPORTER_VERB.search(*gap):
        return _link(sentence, nb, Relation.reported_by, na, 0.6, a, b)
    return None


def _coordinated(at: _Text, sentence: Span, a: Mention, b: Mention) -> _Found | None:
    """ "overlaps between A and B" / "connections between A and B"."""
    before, low = at.gap(max(sentence.start, a.start - 120), a.start)
    if low is not None and "between" not in low:
        return None  # a cheap pre-check: the cue ends in "between"
    cue = BETWEEN_BEFORE.search(before, low)
    if cue is None or not COORDINATED.match(*at.gap(a.end, b.start)):
        return None
    word = cue.group(1).lower()
    relation = (
        Relation.overlaps_with if word.startswith(("overlap", "similar")) else Relation.linked_to
    )
    return _link(sentence, at.names[a.actor], relation, at.names[b.actor], 0.6, a, b)


def _link(
    sentence: Span,
    source: str,
    relation: Relation,
    target: str,
    confidence: float,
    a: Mention,
    b: Mention,
) -> _Found | None:
    if source == target:
        return None
    return _Found(source, relation, target, confidence, [_quote(sentence, a, b)])


def _quote(sentence: Span, a: Mention, b: Mention) -> tuple[int, int]:
    if sentence.end - sentence.start <= MAX_QUOTE:
        return sentence.start, sentence.end
    start = max(sentence.start, min(a.start, b.start) - 60)
    end = min(sentence.end, max(a.end, b.end) + 60)
    return start, end


def _merge(found: dict[tuple[object, ...], _Found], link: _Found) -> None:
    ends: object = (
        frozenset((link.source, link.target))
        if link.relation in SYMMETRIC
        else (link.source, link.target)
    )
    key = (link.relation, ends)
    existing = found.get(key)
    if existing is None:
        found[key] = link
        return
    existing.confidence = max(existing.confidence, link.confidence)
    for span in link.spans:
        if span not in existing.spans and len(existing.spans) < 5:
            existing.spans.append(span)
