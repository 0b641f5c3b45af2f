"""Typed relations between actors, read from cue phrases inside one sentence.

Only sentences naming two or more actors are read. For each pair of neighbouring mentions
the words between them (and just before the first) decide the relation: "attributed to",
"developed by", "reported by", "uses", "overlaps with", "linked to". A pair is skipped when
another actor stands between them, so "X links A to B and their use of C" gives B uses C,
not A uses C. "This backdoor" / "the group" stand for the last actor of that kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.engine.brief import Actor, ActorType, Link, Relation
from app.engine.document import Document, Span
from app.engine.link_mentions import Mention, by_sentence, find_mentions
from app.engine.payloads import evidence_payload

MAX_GAP = 250
MAX_QUOTE = 400
SOFTWARE = frozenset({ActorType.malware, ActorType.tool})
GROUPS = frozenset({ActorType.threat_actor})
REPORTERS = frozenset({ActorType.security_vendor, ActorType.government})
BLAMED = frozenset({ActorType.threat_actor, ActorType.country})
SYMMETRIC = frozenset({Relation.linked_to, Relation.overlaps_with, Relation.related_to})

_I = re.IGNORECASE
_NEGATION = re.compile(r"\b(?:not|no|never|unlike|rather than|instead of)\b|n't\b", _I)
_ATTRIBUTED = re.compile(r"\battribut\w*\b(?:\s+\S+){0,4}?\s+to\b|\battribution to\b", _I)
_DEVELOPED = re.compile(
    r"\b(?:developed|created|authored|written|built|maintained|coded)\s+by\b", _I
)
_REPORTED = re.compile(
    r"\b(?:reported|disclosed|documented|discovered|identified|uncovered|detailed|published"
    r"|observed|tracked|spotted|analy[sz]ed|named|dubbed|described|exposed)\s+by\b|\bas per\b"
    r"|\baccording to\b|\b(?:report|research|analysis|findings|blog|advisory|investigation)"
    r"\s+(?:\S+\s+){0,2}?(?:by|from)\b",
    _I,
)
_REPORTER_VERB = re.compile(
    r"\b(?:report\w*|disclos\w*|document\w*|discover\w*|identif\w*|uncover\w*|detail\w*"
    r"|observ\w*|track\w*|spott\w*|analy[sz]\w*|dub\w*|publish\w*|expos\w*|attribut\w*"
    r"|link\w*|warn\w*|assess\w*|research\w*)\b",
    _I,
)
_USES = re.compile(
    r"\b(?:uses?|used|using|usage|use of|deploy\w*|leverag\w*|employ\w*|wield\w*"
    r"|rel(?:y|ies|ied) on|install\w*|drop\w*|deliver\w*|distribut\w*|spread\w*"
    r"|weaponi[sz]\w*|arsenal|toolkit|toolset|infect\w*|load\w*|execut\w*|launch\w*)\b",
    _I,
)
_USED_BY = re.compile(
    r"\b(?:used|deployed|leveraged|employed|wielded|operated|in use|distributed|delivered"
    r"|dropped|installed)\s+by\b",
    _I,
)
_SOFTWARE_CHAIN = re.compile(
    r"\b(?:drop\w*|load\w*|deploy\w*|download\w*|install\w*|deliver\w*)\b", _I
)
_OVERLAPS = re.compile(
    r"\boverlap\w*|\bshar(?:e|es|ed|ing)\b|\bsimilar\w*|\bresembl\w*|\bcode reuse\b", _I
)
_LINKED_STRONG = re.compile(r"\b(?:linked|tied|connected|traced)\s+(?:\S+\s+){0,2}?to\b", _I)
_LINKED_WEAK = re.compile(
    r"\b(?:associat\w*|affiliat\w*|related to|connections?|links?|ties|part of|sub-?groups?)\b", _I
)
_LINK_VERB_BEFORE = re.compile(
    r"\b(?:links?|linked|linking|ties|tied|connects?)\s+(?:the\s+)?$", _I
)
_ASSOCIATE_BEFORE = re.compile(r"\bassociat\w*\s+(?:the\s+)?$", _I)
_ACCORDING_BEFORE = re.compile(
    r"\b(?:according to|as per|per|researchers (?:at|from))\s+(?:the\s+)?$", _I
)
_BETWEEN_BEFORE = re.compile(
    r"\b(overlap\w*|similarit\w*|connections?|links?|ties|relationships?|association)\b"
    r"[^.]{0,80}?\bbetween\s+(?:the\s+)?$",
    _I,
)
_COORDINATED = re.compile(r"^\s*(?:\S+\s+){0,2}?(?:and|&)\s+(?:[\w-]+\s+){0,4}$", _I)
_LIST_GAP = re.compile(r"^\s*(?:,|and|or|, and|, or|/)\s*$")
_ADJACENT = re.compile(
    r"^[\s-]+(?:[\w-]+\s+){0,3}?(?:threat actor|actor|group|APT|adversary|cluster|gang|hackers"
    r"|operators|backdoor|malware)s?\s+$",
    _I,
)
_COUNTRY_PHRASE = re.compile(
    r"[\s-]+(?:[\w-]+\s+){0,2}?(?:adversar\w*|actors?|groups?|hackers|APTs?|operators"
    r"|attackers|gangs?|clusters?)\b",
    _I,
)
_APPOSITION = re.compile(r"^,\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}$", _I)
_ANAPHOR = re.compile(
    r"\b(?:[Tt]his|[Tt]hat|[Tt]he|[Ii]ts)\s+(backdoor|malware|implant|loader|ransomware|RAT|trojan"
    r"|stealer|wiper|dropper|tool|group|threat actor|actor|APT|gang|cluster|adversary)\b"
    r"(?!\s+[A-Z0-9])"
)
_GROUP_WORDS = frozenset({"group", "threat actor", "actor", "APT", "gang", "cluster", "adversary"})


@dataclass(slots=True)
class _Found:
    """A link before it becomes a pydantic model: cheap to make and to merge."""

    source: str
    relation: Relation
    target: str
    confidence: float
    spans: list[tuple[int, int]]


def find_links(doc: Document, actors: list[Actor]) -> list[Link]:
    """Relations between the given actors, one per (source, relation, target), with evidence."""
    text = doc.text
    mentions = find_mentions(text, actors)
    found: dict[tuple[object, ...], _Found] = {}
    for sentence, items in _sentences_with_pairs(doc.sentences, mentions, actors, text):
        for link in _sentence_links(text, sentence, items, actors):
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
    sentences: list[Span], mentions: list[Mention], actors: list[Actor], text: str
) -> list[tuple[Span, list[Mention]]]:
    per_sentence = by_sentence(sentences, mentions)
    result: list[tuple[Span, list[Mention]]] = []
    recent: list[Mention] = []
    for index in sorted(per_sentence):
        if index < 0:
            continue
        items = per_sentence[index]
        sentence = sentences[index]
        recent = [m for m in recent if m.start >= sentences[max(0, index - 2)].start]
        anaphora = _anaphora(text, sentence, recent, items, actors)
        if anaphora:  # the sentence's own mentions are in text order already
            items = sorted([*items, *anaphora], key=_start)
        if len({m.actor for m in items}) >= 2:
            result.append((sentence, items))
        recent.extend(per_sentence[index])
    return result


def _start(mention: Mention) -> int:
    return mention.start


def _anaphora(
    text: str, sentence: Span, recent: list[Mention], items: list[Mention], actors: list[Actor]
) -> list[Mention]:
    found: list[Mention] = []
    for match in _ANAPHOR.finditer(text, sentence.start, sentence.end):
        wanted = GROUPS if match.group(1) in _GROUP_WORDS else SOFTWARE
        before = [
            m
            for m in [*recent, *items]
            if m.end <= match.start() and actors[m.actor].type in wanted
        ]
        if before:
            found.append(Mention(match.start(), match.end(), before[-1].actor))
    return found


def _sentence_links(
    text: str, sentence: Span, items: list[Mention], actors: list[Actor]
) -> list[_Found]:
    links: list[_Found] = []
    for j, later in enumerate(items):
        head = _chain_start(text, items, j, actors)
        if _modifies_next(text, items, j, actors):
            continue
        for i in range(head - 1, -1, -1):
            earlier = items[i]
            if earlier.actor == later.actor:
                continue
            link = _classify(text, sentence, earlier, items[head], later, actors)
            if link is not None:
                links.append(link)
            if _blocks(text, items, i, actors):
                break
        if head < j:  # "between A and B" inside a coordinated list
            link = _coordinated(text, sentence, items[head], later, actors)
            if link is not None:
                links.append(link)
    return links


def _modifies_next(text: str, items: list[Mention], j: int, actors: list[Actor]) -> bool:
    """True for "Chinese" in "Chinese state-sponsored group APT41": the link goes to APT41."""
    if actors[items[j].actor].type != ActorType.country or j + 1 >= len(items):
        return False
    return _ADJACENT.match(text[items[j].end : items[j + 1].start]) is not None


def _chain_start(text: str, items: list[Mention], j: int, actors: list[Actor]) -> int:
    """Index of the first mention in the list "A, B, and C" that ends with items[j]."""
    head = j
    kind = _kind_class(actors[items[j].actor].type)
    while head > 0:
        prev = items[head - 1]
        gap = text[prev.end : items[head].start]
        if not _LIST_GAP.match(gap) or _kind_class(actors[prev.actor].type) != kind:
            break
        head -= 1
    return head


def _blocks(text: str, items: list[Mention], i: int, actors: list[Actor]) -> bool:
    """Whether items[i] hides the words before it from a later actor.

    Actors block; a country does not ("links A to China-based actor B"), unless it heads a
    noun phrase of its own ("China-based adversaries using C": the adversaries use C) that
    is not an apposition of the actor before it ("A, a Chinese group, used C").
    """
    item, following = items[i], items[i + 1]
    if actors[item.actor].type != ActorType.country:
        return True
    phrase = _COUNTRY_PHRASE.match(text, item.end, item.end + 60)
    if phrase is None or following.start - phrase.end() <= 2:
        return False
    return i == 0 or not _APPOSITION.match(text[items[i - 1].end : item.start])


def _kind_class(kind: ActorType) -> str:
    return "software" if kind in SOFTWARE else kind.value


def _classify(
    text: str, sentence: Span, a: Mention, head: Mention, b: Mention, actors: list[Actor]
) -> _Found | None:
    between = text[a.end : head.start]
    if len(between) > MAX_GAP or _NEGATION.search(between):
        return None
    before = text[max(sentence.start, a.start - 60) : a.start]
    ta, tb = actors[a.actor].type, actors[b.actor].type
    na, nb = actors[a.actor].name, actors[b.actor].name
    if ta in REPORTERS or tb in REPORTERS:
        return _reporting(text, sentence, a, b, between, before, actors)
    if ta == ActorType.country and tb != ActorType.country and _ADJACENT.match(between):
        return _link(text, sentence, nb, Relation.attributed_to, na, 0.6, a, b)
    relation = _relation(ta, tb, between, before)
    if relation is None:
        return _coordinated(text, sentence, a, b, actors)
    rel, forward, confidence = relation
    source, target = (na, nb) if forward else (nb, na)
    return _link(text, sentence, source, rel, target, confidence, a, b)


def _relation(
    ta: ActorType, tb: ActorType, between: str, before: str
) -> tuple[Relation, bool, float] | None:
    if ta in SOFTWARE and tb in BLAMED and _DEVELOPED.search(between):
        return Relation.developed_by, True, 0.8
    if tb in BLAMED and _ATTRIBUTED.search(between):
        return Relation.attributed_to, True, 0.8
    if ta in GROUPS and tb in SOFTWARE and _USES.search(between):
        return Relation.uses, True, 0.8
    if ta in SOFTWARE and tb in GROUPS and _USED_BY.search(between):
        return Relation.uses, False, 0.8
    if ta in SOFTWARE and tb in SOFTWARE and _SOFTWARE_CHAIN.search(between):
        return Relation.uses, True, 0.6
    same = _kind_class(ta) == _kind_class(tb)
    if same and _OVERLAPS.search(between):
        return Relation.overlaps_with, True, 0.7
    if _LINKED_STRONG.search(between) or (
        _LINK_VERB_BEFORE.search(before) and _starts_with(between, "to")
    ):
        return Relation.linked_to, True, 0.7
    if _LINKED_WEAK.search(between) or (
        _ASSOCIATE_BEFORE.search(before) and _starts_with(between, "with")
    ):
        return Relation.linked_to, True, 0.6
    return None


def _starts_with(between: str, word: str) -> bool:
    return re.match(rf"^\s*{word}\b", between, _I) is not None


def _reporting(
    text: str,
    sentence: Span,
    a: Mention,
    b: Mention,
    between: str,
    before: str,
    actors: list[Actor],
) -> _Found | None:
    ta, tb = actors[a.actor].type, actors[b.actor].type
    if (ta in REPORTERS and tb in REPORTERS) or ActorType.country in (ta, tb):
        return None
    if tb in REPORTERS:
        if ta != ActorType.country and _REPORTED.search(between):
            return _link(
                text,
                sentence,
                actors[a.actor].name,
                Relation.reported_by,
                actors[b.actor].name,
                0.8,
                a,
                b,
            )
        return None
    subject = actors[b.actor].name
    if _ACCORDING_BEFORE.search(before):
        return _link(text, sentence, subject, Relation.reported_by, actors[a.actor].name, 0.8, a, b)
    if _REPORTER_VERB.search(between) and tb != ActorType.country:
        return _link(text, sentence, subject, Relation.reported_by, actors[a.actor].name, 0.6, a, b)
    return None


def _coordinated(
    text: str, sentence: Span, a: Mention, b: Mention, actors: list[Actor]
) -> _Found | None:
    """ "overlaps between A and B" / "connections between A and B"."""
    before = text[max(sentence.start, a.start - 120) : a.start]
    cue = _BETWEEN_BEFORE.search(before)
    if cue is None or not _COORDINATED.match(text[a.end : b.start]):
        return None
    word = cue.group(1).lower()
    relation = (
        Relation.overlaps_with if word.startswith(("overlap", "similar")) else Relation.linked_to
    )
    return _link(text, sentence, actors[a.actor].name, relation, actors[b.actor].name, 0.6, a, b)


def _link(
    text: str,
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
