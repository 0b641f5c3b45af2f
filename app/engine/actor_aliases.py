"""Which mentions are one actor: union-find over actor keys, folded by stated aliases.

"A/B" pairs, "A (aka B)", "A (B)", "A, which X tracks as B", "X tracks the same cluster as B",
"LockBit 3.0" (a version of LockBit) and "the US Treasury's Office of Foreign Assets Control"
(a body inside a body) all join names into one actor.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import itemgetter

from app.engine import actor_rules as rules
from app.engine import actor_usage as usage
from app.engine.document import find_all
from app.engine.gazetteer import Gazetteer, name_occurrences
from app.engine.gazetteer_build import SOFTWARE_KINDS, compact_key
from app.engine.lexicon import GENERIC_NAMES

ALIAS_KINDS = frozenset({"threat_actor", "malware", "tool"})
_NOUN = r"(?:\s+(?:group|gang|APT|actor|threat actor|team|crew|cluster|malware|backdoor))?"
_AKA = re.compile(
    _NOUN + r"\s*[,(]?\s*(?:(?:is|was|are|were)\s+)?(?:also known as|known as|aka|a\.k\.a\.?"
    r"|also tracked as|tracked as|also called|also referred to as|formerly known as|formerly)"
    r"\s+(?:the\s+)?"
    rf"({rules.NAME}(?:\s*(?:,|and|or|, and)\s+{rules.NAME}){{0,4}})"
)
_TRACKS_AS = re.compile(
    _NOUN + r",?\s*(?:which|that|whom)\s+(?:\S+\s+){1,4}?"
    r"(?:tracks|tracked|track|refers to|calls|call)"
    rf"\s+(?:it\s+)?as\s+({rules.NAME})"
)
_SAME_AS = re.compile(
    r"(?:tracks|tracked|track|refers to|calls|call)\s+(?:(?:the same|this|that|these|the|it)\b"
    rf"(?:\s+[\w-]+){{0,3}}?|(?:\s*[a-z][\w-]*){{1,3}}?)\s+as\s+({rules.NAME}"
    rf"(?:\s*(?:,|and|, and)\s+{rules.NAME}){{0,4}})"
)
_SAME_AS_REACH = 1000
_VERSIONED = re.compile(r"(.+?) v?\d+(?:\.\d+)*$")
_PAREN = re.compile(rf"\s*\(({rules.NAME})\)")
_LIST_SPLIT = re.compile(r"\s*(?:, and|,|\band\b|\bor\b)\s*")
_NAME_AFTER_SLASH = re.compile(rf"({rules.NAME})")
# What must follow a name for any of the alias patterns above to match after it: a slash,
# a parenthesis, or (after an optional noun and comma) the word that opens "aka" / "which".
_ALIAS_HINT = re.compile(
    _NOUN + r"\s*[,(]?\s*(?:is|was|are|were|also|known|aka|a\.k\.a|tracked|formerly|which|that"
    r"|whom)|\s*\(|/"
)
_POSSESSIVE_GAPS = ("'s ", "’s ")


# One span of text naming the actor with this key: (start, end, key). A plain tuple, not a
# NamedTuple: a named one costs a type call and a second tuple per mention (~10k per MB).
Mention = tuple[int, int, str]


@dataclass
class Groups:
    """Union-find over actor keys; a key is an entity (``e12``) or a rule name (``n:x``)."""

    kind: dict[str, str] = field(default_factory=dict)
    entity: dict[str, int] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)
    ruled: set[str] = field(default_factory=set)  # keys a rule introduced (not only listed)

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

    def union(self, a: str, b: str, *, force: bool = False) -> None:
        """Join b's actor into a's; ``force`` (a stated alias) overrides kind and identity."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        kinds = {self.kind[ra], self.kind[rb]}
        if force and (kinds <= ALIAS_KINDS or len(kinds) == 1):
            self.parent[rb] = ra
            return
        if not compatible(self.kind[ra], self.kind[rb]):
            return
        if ra in self.entity and rb in self.entity and self.entity[ra] != self.entity[rb]:
            return  # two different known entities: "Emotet/TrickBot" is a pair, not one
        keep, drop = (ra, rb) if ra in self.entity or rb not in self.entity else (rb, ra)
        self.parent[drop] = keep


def compatible(a: str, b: str) -> bool:
    return a == b or {a, b} <= SOFTWARE_KINDS


def key_for(name: str, kind: str, gaz: Gazetteer, groups: Groups) -> str:
    entity = gaz.lookup(name)
    if entity is not None and compatible(gaz.entities[entity].kind, kind):
        return groups.add(f"e{entity}", gaz.entities[entity].kind, entity)
    return groups.add(f"n:{compact_key(name)}", kind, None)


def occurrences(text: str, names: dict[str, str]) -> list[Mention]:
    return name_occurrences(text, names)


_START, _END, _KEY = itemgetter(0), itemgetter(1), itemgetter(2)
_FOLDABLE = ALIAS_KINDS | {"government"}  # the kinds whose mentions may be followed by aliases


def without_overlaps(mentions: Iterable[Mention]) -> list[Mention]:
    """By start, the longest first (then as given), dropping those that overlap a kept one."""
    ordered = sorted(mentions, key=_END, reverse=True)  # stable, even reversed
    ordered.sort(key=_START)
    kept: list[Mention] = []
    last_end = -1
    for mention in ordered:
        if mention[0] >= last_end:
            kept.append(mention)
            last_end = mention[1]
    return kept


def fold_aliases(
    text: str, mentions: list[Mention], gaz: Gazetteer, groups: Groups, same_as: list[int]
) -> list[Mention]:
    """Join "A/B", "A (aka B)", "A (B)" and "A, which X tracks as B" into one actor."""
    by_start = dict(zip(map(_START, mentions), mentions, strict=True))
    added: list[Mention] = []
    # Only actors, software and agencies take aliases here, and a union never moves a key
    # into or out of those kinds (see ``Groups.union``), so mentions of vendors and companies
    # are dropped first; then a cheap pre-check for ``_alias_spans`` skips the mentions no
    # alias can follow.
    foldable = {
        key for key in set(map(_KEY, mentions)) if groups.kind[groups.find(key)] in _FOLDABLE
    }
    mentions_to_fold = list(compress(mentions, map(foldable.__contains__, map(_KEY, mentions))))
    hinted = map(_ALIAS_HINT.match, repeat(text), map(_END, mentions_to_fold))
    for _, end, mention_key in compress(mentions_to_fold, hinted):
        kind = groups.kind[groups.find(mention_key)]
        if kind not in ALIAS_KINDS and (
            kind != "government" or "known as" not in text[end : end + 16]
        ):
            continue
        for start, name, force in _alias_spans(text, end):
            other = by_start.get(start)
            if other is not None:
                groups.union(mention_key, other[2], force=force)
            elif kind == "government":
                continue  # "the Foreign Intelligence Service, known as the SVR": both named
            elif _plausible_alias(name, gaz):
                key = key_for(name, kind, gaz, groups)
                groups.union(mention_key, key, force=force)
                added.append((start, start + len(name), key))
    if same_as:
        _fold_same_as(text, mentions, by_start, groups, same_as)
    _fold_parts(text, mentions, groups)
    if not added:
        return mentions
    names = {text[start:end]: key for start, end, key in added}
    return without_overlaps([*mentions, *added, *occurrences(text, names)])


def _fold_same_as(
    text: str,
    mentions: list[Mention],
    by_start: dict[int, Mention],
    groups: Groups,
    cues: list[int],
) -> None:
    """ "X. Proofpoint tracks the same activity as B": B is another name of the last actor.

    ``cues`` are the offsets of "tracks" / "calls" words, where the phrase can begin.
    """
    starts = list(map(_START, mentions))
    for match in filter(None, (_SAME_AS.match(text, cue) for cue in cues)):
        positions = _list_starts(text, match)
        force = len(positions) > 1  # "vendors track it as A, B and C" states every alias
        for position in positions:
            other = by_start.get(position)
            _fold_into_earlier(text, mentions, starts, groups, match, other, force=force)


def _list_starts(text: str, match: re.Match[str]) -> list[int]:
    """Where each name of "as A, B and C" starts."""
    found: list[int] = []
    offset = match.start(1)
    for part in _LIST_SPLIT.split(match.group(1)):
        position = text.find(part, offset) if part else -1
        if position >= 0:
            found.append(position)
            offset = position + len(part)
    return found


def _fold_into_earlier(
    text: str,
    mentions: list[Mention],
    starts: list[int],
    groups: Groups,
    match: re.Match[str],
    other: Mention | None,
    *,
    force: bool,
) -> None:
    """Join ``other`` to the nearest earlier actor of its kind before the phrase."""
    index = bisect_right(starts, match.start()) - 1
    while other is not None and index >= 0:
        earlier = mentions[index]
        if match.start() - earlier[1] > _SAME_AS_REACH:
            break
        if _introduced_between(text, earlier[1], match):
            break  # "writes a small dropper ... we track this dropper as B": a new thing
        kinds = (groups.kind[groups.find(earlier[2])], groups.kind[groups.find(other[2])])
        if kinds[0] == kinds[1]:
            if not force or kinds[0] in ALIAS_KINDS:  # a list names actors, not vendors
                groups.union(earlier[2], other[2], force=force)
            break
        if kinds == ("malware", "threat_actor") and _used_as_group(text, earlier):
            groups.union(earlier[2], other[2], force=True)  # "the Cl0p gang" ... "as Lace Tempest"
            break
        index -= 1


def _introduced_between(text: str, lo: int, match: re.Match[str]) -> bool:
    """True when "this dropper" points back to "a ... dropper" after the earlier name."""
    words = text[match.start() : match.start(1)].split()
    if len(words) < 4 or words[1] not in {"this", "that", "these"}:
        return False
    noun = re.escape(words[2])
    between = text[lo : match.start()]
    return re.search(rf"\b(?:a|an)\s+(?:[\w.-]+\s+){{0,3}}?{noun}\b", between) is not None


def _fold_parts(text: str, mentions: list[Mention], groups: Groups) -> None:
    """ "LockBit 3.0" is LockBit; "the US Treasury's Office of Foreign Assets Control" is one.

    ``mentions`` are in text order without overlaps, so their ends are sorted too.
    """
    for gap in _possessive_gaps(text):
        index = bisect_left(mentions, gap, key=_END)
        if index + 1 < len(mentions) and mentions[index][1] == gap:
            key, (after_start, _, after_key) = mentions[index][2], mentions[index + 1]
            if after_start != gap + 3:
                continue
            kinds = {groups.kind[groups.find(key)], groups.kind[groups.find(after_key)]}
            if kinds == {"government"}:
                groups.union(key, after_key, force=True)
    by_surface: dict[str, str] | None = None
    # a plain loop: under callgrind, fewer instructions than mapping ``text.__getitem__``,
    # ``int.__add__`` and ``str.isdigit`` over the mentions (method-wrapper calls each)
    for start, end, key in mentions:
        if not text[end - 1].isdigit():
            continue  # only a name that ends in a digit can be a version of another
        versioned = _VERSIONED.match(text, start, end)
        if versioned is None:
            continue
        if by_surface is None:
            by_surface = {text[lo:hi]: other for lo, hi, other in mentions}
        if versioned.group(1) in by_surface:
            groups.union(by_surface[versioned.group(1)], key, force=True)


def _possessive_gaps(text: str) -> list[int]:
    """Where "'s " or "’s " stands in the text, in text order."""
    return sorted(at for gap in _POSSESSIVE_GAPS for at in find_all(text, gap))


def _used_as_group(text: str, mention: Mention) -> bool:
    return usage.usage_votes(text, [(mention[0], mention[1])])[1] > 0


def _alias_spans(text: str, end: int) -> list[tuple[int, str, bool]]:
    """The aliases stated right after a mention that ends at ``end``."""
    spans: list[tuple[int, str, bool]] = []
    if text[end : end + 1] == "/":
        match = _NAME_AFTER_SLASH.match(text, end + 1)
        if match:
            spans.append((match.start(1), match.group(1), False))
    for pattern, force in ((_AKA, True), (_TRACKS_AS, True), (_PAREN, False)):
        match = pattern.match(text, end)
        if match is None:
            continue
        offset = match.start(1)
        for part in _LIST_SPLIT.split(match.group(1)):
            position = text.find(part, offset)
            if part and position >= 0:
                spans.append((position, part, force))
                offset = position + len(part)
    return spans


def _plausible_alias(name: str, gaz: Gazetteer) -> bool:
    words = name.split()
    if not words or words[0].lower() in GENERIC_NAMES:
        return False
    if rules.scheme_match(name) or any(ch.isdigit() for ch in name):
        return True
    return not all(gaz.is_common(w) for w in words) or gaz.lookup(name) is not None
