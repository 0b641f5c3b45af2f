"""Countries, regions and sectors: who is blamed (a country actor) and who is targeted.

A country mention is an attribution when the words around it say so ("linked to China",
"China-based threat actor", "Chinese state-sponsored group"); otherwise, like a region or a
sector, it is a target only when its sentence speaks of targeting or attacks.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter

from app.engine.actor_patterns import Caseless, lowered
from app.engine.document import Span
from app.engine.gazetteer import ADJECTIVE, Gazetteer, RawHit

_ACTOR_NOUNS = (
    r"threat|threats|APTs?|hackers?|hacking|actors?|groups?|adversar\w*|espionage|cyberespionage"
    r"|cyber-espionage|operators?|clusters?|attackers?|gangs?|crews?|offensive"
    r"|state-sponsored|state-backed|nation-state|intelligence|spies|military|malware|backdoors?"
    r"|campaigns?|cyber|government-backed|government-sponsored|operations|apt"
)
_AFTER_ADJECTIVE = re.compile(
    rf"^[\s-]+(?:[\w-]+\s+){{0,2}}?(?:{_ACTOR_NOUNS})\b"
    # "the Russian Foreign Intelligence Service": the state's own agency is the sponsor
    r"|^\s+((?:[A-Z][\w-]+\s+){0,3}?(?:Intelligence|Security|Military|Armed|Revolutionary)"
    r"(?:\s+[A-Z][\w-]+){0,3}?\s+(?:Service|Agency|Directorate|Bureau|Ministry|Forces|Corps"
    r"|Command|Department)\b|Ministry\s+of\s+(?:State\s+)?[A-Z])"
)
_PATRON_BEFORE = re.compile(  # not "by" or "from": "an advisory from the Polish ... Service"
    r"\b(?:works?|working|worked|officers|units?|part|members?|behalf|subordinate|belong\w*"
    r"|(?:run|operated|directed|backed|sponsored|tasked|controlled)\s+by"
    r"|(?:affiliated|associated)\s+with|(?:linked|tied|attributed)\s+to)"
    r"\s+(?:for|of|to|from|within)?\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_AFTER_NAME_STRONG = re.compile(
    r"^-(?:nexus|linked|backed|sponsored|aligned|affiliated|attributed|directed)\b"
)
_AFTER_NAME_WEAK = re.compile(
    rf"^(?:-(?:based|related|origin|made)|['’]s)\s+(?:[\w-]+\s+){{0,2}}?(?:{_ACTOR_NOUNS}"
    r"|Group|Team|APT)\b"
)
_BEFORE_NAME = Caseless(
    r"(?:(?:linked|attributed|tied|connected|traced|links?|linking|attributes?|attributing)"
    r"(?:\s+\S+){0,6}?\s+to(?:(?:\s+[\w-]+){1,3}?\s+of)?"
    r"|(?:sponsored|backed|directed|run|operated|supported|tasked)\s+by|on behalf of"
    r"|associated with|working for|(?:originat\w*|operat\w*) (?:in|from|out of)"
    r"|(?:based|located|headquartered) in)"
    r"\s+(?:the\s+)?(?:government\s+of\s+(?:the\s+)?)?$"
)
_TARGETING = Caseless(
    r"\b(?:target\w*|victim\w*|attack\w*|against|compromis\w*|breach\w*|intrusions?|infect\w*"
    r"|espionage|spear-?phish\w*|phishing|affected|impacted|hit|struck|focus\w* on)\b"
)
_SECTOR_CONTEXT = Caseless(
    r"\b(?:sectors?|industr(?:y|ies)|organi[sz]ations?|companies|firms|entities|providers?"
    r"|operators|agencies|institutions|networks|victims|customers|businesses|enterprises"
    r"|verticals|bodies|departments|facilities|targets?\w*|attack\w*|against|including)\b"
)
_NOT_A_SECTOR_AFTER = re.compile(r"^-(?:backed|sponsored|linked|affiliated|aligned)\b")


_PLACES = frozenset({"country", "region", "sector"})
_ENTITY = itemgetter(2)  # a hit's entity index
# The last word before a name that ``_BEFORE_NAME`` can accept ("linked to", "backed by" ...).
_BEFORE_ENDINGS = frozenset({"to", "by", "of", "with", "for", "in", "from"})


@dataclass
class PlaceScan:
    """Countries blamed for activity, and the regions and sectors targeted."""

    attributed: dict[int, list[RawHit]]  # country entity -> attribution mentions
    regions: list[str]
    sectors: list[str]


def scan_places(
    text: str,
    hits: list[RawHit],
    sentences: list[Span],
    gaz: Gazetteer,
    starts: list[int] | None = None,
) -> PlaceScan:
    """Split place and sector mentions into attributions and targets.

    ``starts`` are the sentences' start offsets, when the caller has them already.
    """
    if starts is None:
        starts = [s.start for s in sentences]
    entities = gaz.entities
    in_doc = {index: entities[index] for index in set(map(_ENTITY, hits))}
    at_places = {index for index, entity in in_doc.items() if entity.kind in _PLACES}
    place_hits = list(compress(hits, map(at_places.__contains__, map(_ENTITY, hits))))
    places = list(zip(place_hits, map(in_doc.__getitem__, map(_ENTITY, place_hits)), strict=True))
    result = PlaceScan({}, [], [])
    if not places:
        return result
    doc = _Doc(text, sentences, starts, {})
    country_ends = {hit[1] for hit, entity in places if entity.kind == "country"}
    # a name already listed as a target needs no more checks: a report names its regions
    # and sectors again and again, and only the first targeted mention of each counts
    regions: set[str] = set()
    sectors: set[str] = set()
    for hit, entity in places:
        kind = entity.kind
        if kind == "country" and _attribution(doc, hit):
            result.attributed.setdefault(hit[2], []).append(hit)
        elif kind != "sector" and hit[3] & ADJECTIVE == 0:
            if entity.name not in regions and _in_targeting_sentence(doc, hit):
                regions.add(entity.name)
                result.regions.append(entity.name)
        elif (
            kind == "sector"
            and entity.name not in sectors
            and _is_targeted_sector(doc, hit, country_ends)
            and _in_targeting_sentence(doc, hit)
        ):
            sectors.add(entity.name)
            result.sectors.append(entity.name)
    return result


@dataclass(slots=True)
class _Doc:
    text: str
    sentences: list[Span]
    starts: list[int]
    targeting: dict[int, bool]  # sentence index -> whether it speaks of targeting


def _attribution(doc: _Doc, hit: RawHit) -> bool:
    text = doc.text
    start, end, _, flags = hit
    after = text[end : end + 60]
    if flags & ADJECTIVE:
        match = _AFTER_ADJECTIVE.match(after)
        if match is None or match.group(1) is None:
            return match is not None
        # an agency is the sponsor only as the patron of someone ("working for the Russian
        # Foreign Intelligence Service"), not in a list of authoring agencies
        return _PATRON_BEFORE.search(text, start - 40 if start > 40 else 0, start) is not None
    if _AFTER_NAME_STRONG.match(after) or _AFTER_NAME_WEAK.match(after):
        return True
    before = text[start - 80 if start > 80 else 0 : start]
    low = lowered(before)
    if low is not None and _BEFORE_ENDINGS.isdisjoint(low.rsplit(None, 4)[-4:]):
        return False  # the phrase ends in "to", "by", "of", ... at most three words back
    return _BEFORE_NAME.search(before, low) is not None


def _in_targeting_sentence(doc: _Doc, hit: RawHit) -> bool:
    index = bisect_right(doc.starts, hit[0]) - 1
    if index < 0:
        return False
    memo = doc.targeting
    if index not in memo:
        words = doc.sentences[index].text  # white space or nothing stands before a sentence
        memo[index] = _TARGETING.search(words, lowered(words)) is not None
    return memo[index]


def _is_targeted_sector(doc: _Doc, hit: RawHit, country_ends: set[int]) -> bool:
    text = doc.text
    start, end = hit[0], hit[1]
    if _NOT_A_SECTOR_AFTER.match(text[end : end + 20]):
        return False
    if start in country_ends or start - 1 in country_ends:
        return False  # "Chinese government" is an actor's patron, not a sector
    window = text[start - 40 if start > 40 else 0 : end + 30]
    return _SECTOR_CONTEXT.search(window, lowered(window)) is not None
