"""The deterministic indicator pass: IOCs, ATT&CK technique ids and reference URLs, with spans.

How it runs (ioc-finder alone reads about 0.4 MB/s; most of that is refanging the whole
text and running pyparsing grammars on every candidate):

1. ``ioc_parse.scan_plain`` reads hashes, CVE ids, Bitcoin addresses and ATT&CK ids straight
   from the text with strict regexes (these are never defanged).
2. ``ioc_windows`` finds candidate windows (tokens with an internal or bracketed dot, ``://``,
   ``@``, IPv6 colons, ``dot`` spelled out); prose between them is never parsed.
3. ``ioc_locate`` refangs the windows once, following ioc-fanger's rules, with a map back to
   the text as written; ``ioc_parse.parse_fanged`` reads plain-shaped URLs, e-mail addresses,
   domains (ioc-finder's own candidate pattern and TLD list), IPv4 addresses and CIDR ranges
   itself, with their spans, and hands every other URL or e-mail token, and the lines that
   may hold an IPv6 address, to ioc-finder's own parsers.
4. Values ioc-finder reports without offsets are located in the refanged windows; every
   indicator carries the exact text as written and the offsets of each occurrence. A value
   that cannot be located is never emitted.
5. The indicators of a document are validated into models in one call (a TypeAdapter over
   the list), about twice as fast as one model at a time.

``scan_indicators_exhaustive`` is the slow reference (``find_iocs`` over the whole text); the
tests and ``bench/bench_offline.py`` check that the fast path loses nothing it finds.

Decisions:

- A domain, IP address or e-mail address written only as part of a URL (or a domain only as
  part of an e-mail address, an IP only as part of a CIDR range) is not repeated as an
  indicator of its own; it is one when it is also written on its own somewhere.
- URLs on well-known reference and vendor sites, written plainly, go to ``references``;
  a defanged URL is always an indicator. See ``ioc_filters`` for the other filters.
- Technique ids are emitted only when ATT&CK knows them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from pydantic import TypeAdapter

from app.engine.brief import Indicator, IndicatorType, Technique
from app.engine.ioc_attack import technique_names
from app.engine.ioc_filters import (
    CHECKED_TYPES,
    canonical_value,
    is_invalid,
    is_plain_name,
    is_reference_host,
    is_version_context,
    url_host,
)
from app.engine.ioc_locate import Locator
from app.engine.ioc_parse import Found, finder_safe, parse_fanged, scan_plain
from app.engine.ioc_windows import Windows, find_windows

MAX_EVIDENCE = 5

IOC_FINDER_TYPES: dict[str, IndicatorType] = {
    "urls": IndicatorType.url,
    "email_addresses": IndicatorType.email,
    "ipv4_cidrs": IndicatorType.cidr,
    "ipv6_cidrs": IndicatorType.cidr,
    "domains": IndicatorType.domain,
    "ipv4s": IndicatorType.ipv4,
    "ipv6s": IndicatorType.ipv6,
    "md5s": IndicatorType.md5,
    "sha1s": IndicatorType.sha1,
    "sha256s": IndicatorType.sha256,
    "sha512s": IndicatorType.sha512,
    "cves": IndicatorType.cve,
    "bitcoin_addresses": IndicatorType.bitcoin,
}
_LOCATE_KIND = {"md5": "hash", "sha1": "hash", "sha256": "hash", "sha512": "hash"}
# Which indicator types swallow occurrences of which others written inside them.
_CONTAINERS: dict[IndicatorType, tuple[IndicatorType, ...]] = {
    IndicatorType.domain: (IndicatorType.url, IndicatorType.email, IndicatorType.domain),
    IndicatorType.email: (IndicatorType.url,),
    IndicatorType.ipv4: (IndicatorType.url, IndicatorType.cidr),
    IndicatorType.ipv6: (IndicatorType.url, IndicatorType.cidr),
}

_TYPES = {kind.value: kind for kind in IndicatorType}
# Module constants: an enum member looked up on its class costs a Python-level attribute access.
_URL = IndicatorType.url
_IPV4 = IndicatorType.ipv4
_INDICATORS = TypeAdapter(list[Indicator])
_TECHNIQUES = TypeAdapter(list[Technique])

_OUTER = frozenset().union(*_CONTAINERS.values())
# The types that ioc_filters.is_plain_name can reject.
_NAMED = frozenset((IndicatorType.domain, IndicatorType.email))

Key = tuple[IndicatorType, str]
# Occurrences may repeat (one place found by two parsers); _located keeps each once.
Spans = dict[Key, list[tuple[int, int]]]


@dataclass
class IndicatorScan:
    """What the indicator pass found in one text."""

    indicators: list[Indicator] = field(default_factory=list)
    techniques: list[Technique] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


def scan_indicators(text: str) -> IndicatorScan:
    """Find the indicators, ATT&CK techniques and reference URLs of ``text``, with evidence."""
    raw_found = Found()
    lowered = text.lower()  # both passes look for words in any case
    technique_spans = scan_plain(text, raw_found, lowered)
    windows = find_windows(text, lowered)
    # Values found with their spans are canonical already (``ioc_parse`` builds them so).
    spans: Spans = {(_TYPES[k], v): occ for (k, v), occ in raw_found.spans.items()}
    if windows.texts:
        locator = Locator(windows)
        fanged_found = Found()
        parse_fanged(locator.fanged_text, fanged_found)
        _add_located(spans, fanged_found, locator)
        _locate_all(fanged_found.values, locator, spans)
    return build_scan(text, spans, technique_spans)


def scan_indicators_exhaustive(text: str) -> IndicatorScan:
    """Reference path: ioc-finder's ``find_iocs`` over the whole text, located anywhere in it."""
    found = run_ioc_finder(text)
    spans: Spans = {}
    _locate_all(found, Locator(Windows.whole(text)), spans)
    return build_scan(text, spans, scan_plain(text, Found()))


def technique_name(technique_id: str) -> str | None:
    """The ATT&CK name of a technique id (``T1059.001``), or None when ATT&CK lacks it."""
    return technique_names().get(technique_id.strip().upper())


def run_ioc_finder(text: str) -> dict[str, set[str]]:
    """ioc-finder's ``find_iocs`` over ``text`` for the types we keep, keyed by our type names."""
    from ioc_finder import find_iocs  # deferred: importing ioc-finder costs about a second

    found = find_iocs(finder_safe(text), included_ioc_types=list(IOC_FINDER_TYPES))
    out: dict[str, set[str]] = {}
    for key, kind in IOC_FINDER_TYPES.items():
        out.setdefault(kind.value, set()).update(found.get(key) or [])
    return out


def build_scan(text: str, spans: Spans, technique_spans: list[tuple[int, int]]) -> IndicatorScan:
    """Apply the containment, version and name filters to located values, and build the scan."""
    scan = IndicatorScan(techniques=_techniques(text, _outside_urls(text, spans, technique_spans)))
    references = scan.references
    indicators: list[dict[str, object]] = []
    size = len(text)
    for _first, ordered, (kind, value) in _located(text, spans):
        # kind is a StrEnum: it is passed where the filters expect the type's name.
        if kind is _URL:
            if _on_reference_host(value) and _plain(text, value, ordered):
                references.append(value)
                continue
        elif (kind in CHECKED_TYPES and is_invalid(kind, value)) or (
            kind in _NAMED and is_plain_name(kind, value) and _plain(text, value, ordered)
        ):
            continue
        # Most values are written once: their first quote is also how they are written.
        start, end = ordered[0]
        quote = text[start:end]
        evidence = [
            {"quote": quote, "start": start, "end": end, "grounded": 0 <= start < end <= size}
        ]
        if len(ordered) > 1:
            evidence += _evidence(text, ordered[1:MAX_EVIDENCE])
        indicators.append({"type": kind, "value": value, "as_written": quote, "evidence": evidence})
    # One validation call for the whole list is about twice as fast as a model per item;
    # strict, since every input already has its field's exact type (a third faster again).
    scan.indicators = _INDICATORS.validate_python(indicators, strict=True)
    return scan


def _outside_urls(
    text: str, spans: Spans, technique_spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The technique-id spans not written inside a URL."""
    if not technique_spans:
        return technique_spans
    # Only a URL written with a "T" can hold a technique id (most hold none).
    url_spans = [
        (s, e)
        for (k, _v), occ in spans.items()
        if k is _URL
        for s, e in occ
        if text.find("T", s, e) >= 0
    ]
    if not url_spans:
        return technique_spans
    # An id inside a URL (attack.mitre.org/techniques/T1059/001/) is part of a reference.
    urls = _Containment(url_spans)
    return [span for span in technique_spans if not urls.covers(*span)]


_place = itemgetter(0)


def _plain(text: str, value: str, ordered: list[tuple[int, int]]) -> bool:
    """True when every occurrence is written as the value itself (no defanging)."""
    lowered = value.lower()
    return all(text[s:e].lower() == lowered for s, e in ordered)


def _add(spans: Spans, kind: str, value: str, occurrences: Iterable[tuple[int, int]]) -> None:
    key = (_TYPES[kind], _canonical(kind, value))
    found = spans.get(key)
    if found is None:
        spans[key] = list(occurrences)
    else:
        found.extend(occurrences)


def _add_located(spans: Spans, fanged_found: Found, locator: Locator) -> None:
    """Add the values found in the refanged windows, at their places in the document."""
    found_spans = fanged_found.spans
    # All spans are mapped in one call; each value gets a new list, kept as it is.
    each = locator.to_raw_each(list(found_spans.values()))
    for (kind, value), mapped in zip(found_spans, each, strict=True):
        key = (_TYPES[kind], value)  # canonical already, as ioc_parse builds them
        found = spans.get(key)
        if found is None:
            spans[key] = mapped
        else:
            found += mapped


@lru_cache(maxsize=1 << 14)
def _on_reference_host(url: str) -> bool:
    return is_reference_host(url_host(url))


@lru_cache(maxsize=1 << 16)
def _canonical(kind: str, value: str) -> str:
    return canonical_value(kind, value)


def _locate_all(found: Mapping[str, Iterable[str]], locator: Locator, spans: Spans) -> None:
    for kind, values in found.items():
        for raw in values:
            target = canonical_value(kind, raw) if kind == "url" else raw
            hits = locator.find(_LOCATE_KIND.get(kind, kind), target)
            if hits:
                _add(spans, kind, raw, hits)


class _Containment:
    """Answers "is this span strictly inside one of the containers?" in O(log n)."""

    def __init__(self, containers: list[tuple[int, int]]) -> None:
        ordered = sorted(set(containers))
        self._starts = [s for s, _e in ordered]
        self._max_end: list[int] = []
        best = -1
        for _start, end in ordered:
            best = max(best, end)
            self._max_end.append(best)
        self._ends_at: dict[int, int] = {}
        for start, end in ordered:
            self._ends_at[start] = max(end, self._ends_at.get(start, -1))

    def covers(self, start: int, end: int) -> bool:
        """True when a container other than ``[start, end)`` itself covers it."""
        before = bisect.bisect_left(self._starts, start)
        if before and self._max_end[before - 1] >= end:
            return True
        return self._ends_at.get(start, -1) > end


def _located(text: str, spans: Spans) -> list[tuple[tuple[int, int], list[tuple[int, int]], Key]]:
    """Each value with its first occurrence and all of them sorted, in one sorted sweep.

    Dropped: occurrences written inside a container (``_CONTAINERS``: a container covers a
    span when it starts before it and ends at or after it, or starts with it and ends after
    it), and IPv4 addresses written as version numbers.
    """
    # One int per row orders by (start, -end): a sort on int keys compares far faster than on
    # tuples (and, below 2**30, takes CPython's one-digit fast path).
    width = len(text) + 1
    rows = [
        (span[0] * width - span[1], span, key)
        for key, occurrences in spans.items()
        for span in occurrences
    ]
    rows.sort(key=_place)  # stable: rows at the same place keep the order values were found in
    before = dict.fromkeys(_OUTER, -1)  # the farthest end of each container type, earlier starts
    here: dict[IndicatorType, int] = {}  # the same at this start (ends desc: the first is largest)
    group = -1
    kept: dict[Key, list[tuple[int, int]]] = {}
    for _place_key, span, key in rows:
        start, end = span
        if start != group:
            if here:
                for outer, farthest in here.items():
                    if before[outer] < farthest:
                        before[outer] = farthest
                here = {}
            group = start
        kind = key[0]
        if kind in before and kind not in here:
            here[kind] = end
        outers = _CONTAINERS.get(kind)
        if outers is not None:
            # Written inside a container? (a loop inline: a call or any() per row costs more)
            inside = False
            for outer in outers:
                if before[outer] >= end or here.get(outer, -1) > end:
                    inside = True
                    break
            if inside:
                continue
            if kind is _IPV4 and is_version_context(text, start):
                continue
        occurrences = kept.get(key)
        if occurrences is None:
            kept[key] = [span]
        elif occurrences[-1] != span:  # a repeat comes right after: rows of a key are
            occurrences.append(span)  # contiguous, and the sort is stable
    for occurrences in kept.values():
        if len(occurrences) > 1:
            occurrences.sort()
    # Keys come in the order of their first occurrence by (start, -end); make it (start, end)
    # (the first occurrence leads each row, so the sort key is a C-level itemgetter).
    located = [(o[0], o, key) for key, o in kept.items()]
    located.sort(key=_place)
    return located


def _evidence(text: str, occurrences: list[tuple[int, int]]) -> list[dict[str, object]]:
    # As grounding.evidence_at, as plain data for one bulk validation.
    size = len(text)
    return [
        {"quote": text[s:e], "start": s, "end": e, "grounded": 0 <= s < e <= size}
        for s, e in occurrences[:MAX_EVIDENCE]
    ]


def _techniques(text: str, spans: list[tuple[int, int]]) -> list[Technique]:
    grouped: dict[str, list[tuple[int, int]]] = {}
    for start, end in spans:
        grouped.setdefault(text[start:end], []).append((start, end))
    names = technique_names()
    techniques: list[dict[str, object]] = []
    for technique_id, occurrences in grouped.items():
        name = names.get(technique_id.upper())
        if name is not None:
            evidence = _evidence(text, occurrences)
            techniques.append({"id": technique_id, "name": name, "evidence": evidence})
    return _TECHNIQUES.validate_python(techniques, strict=True)
