"""The deterministic indicator pass: IOCs, ATT&CK technique ids and reference URLs, with spans.

Parsing and refanging are ioc-finder's; this module decides where to run it and where each
value is written. A cheap regex finds candidate windows (``ioc_windows``), ioc-finder runs
once per document on those windows only, and each value it reports is located in the
windows in every defanged spelling (``ioc_locate``), so every indicator carries the exact
text as written and its offsets. A value that cannot be located is never emitted.

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

from app.engine.brief import Evidence, Indicator, IndicatorType, Technique
from app.engine.grounding import evidence_at
from app.engine.ioc_attack import technique_names
from app.engine.ioc_filters import (
    canonical_value,
    is_invalid,
    is_plain_name,
    is_reference_host,
    is_version_context,
    url_host,
)
from app.engine.ioc_locate import Locator
from app.engine.ioc_parse import Found, parse_fanged, scan_plain
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

Spans = dict[tuple[IndicatorType, str], set[tuple[int, int]]]


@dataclass
class IndicatorScan:
    """What the indicator pass found in one text."""

    indicators: list[Indicator] = field(default_factory=list)
    techniques: list[Technique] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


def scan_indicators(text: str) -> IndicatorScan:
    """Find the indicators, ATT&CK techniques and reference URLs of ``text``, with evidence."""
    raw_found = Found()
    technique_spans = scan_plain(text, raw_found)
    windows = find_windows(text)
    spans = _collect(raw_found)
    if windows.texts:
        locator = Locator(windows)
        fanged_found = Found()
        parse_fanged(locator.fanged_text, fanged_found)
        for (kind, value), occurrences in fanged_found.spans.items():
            for start, end in occurrences:
                _add(spans, kind, value, locator.to_raw(start, end))
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

    found = find_iocs(text, included_ioc_types=list(IOC_FINDER_TYPES))
    out: dict[str, set[str]] = {}
    for key, kind in IOC_FINDER_TYPES.items():
        out.setdefault(kind.value, set()).update(found.get(key) or [])
    return out


def build_scan(text: str, spans: Spans, technique_spans: list[tuple[int, int]]) -> IndicatorScan:
    """Apply the containment, version and name filters to located values, and build the scan."""
    _drop_contained(spans)
    _drop_versions(text, spans)
    urls = _Containment(
        [o for (k, _v), occ in spans.items() if k is IndicatorType.url for o in occ]
    )
    # An id inside a URL (attack.mitre.org/techniques/T1059/001/) is part of a reference.
    technique_spans = [span for span in technique_spans if not urls.covers(*span)]
    scan = IndicatorScan(techniques=_techniques(text, technique_spans))
    for (kind, value), occurrences in sorted(spans.items(), key=lambda item: min(item[1])):
        ordered = sorted(occurrences)
        plain = all(text[s:e].lower() == value.lower() for s, e in ordered)
        if kind is IndicatorType.url and plain and is_reference_host(url_host(value)):
            scan.references.append(value)
        elif not (is_invalid(kind.value, value) or (plain and is_plain_name(kind.value, value))):
            scan.indicators.append(_indicator(text, kind, value, ordered))
    return scan


def _collect(found: Found) -> Spans:
    spans: Spans = {}
    for (kind, value), occurrences in found.spans.items():
        _add(spans, kind, value, occurrences)
    return spans


def _add(spans: Spans, kind: str, value: str, occurrences: Iterable[tuple[int, int]]) -> None:
    indicator_type = IndicatorType(kind)
    key = (indicator_type, canonical_value(kind, value))
    spans.setdefault(key, set()).update(occurrences)


def _locate_all(found: Mapping[str, Iterable[str]], locator: Locator, spans: Spans) -> None:
    for kind, values in found.items():
        for raw in values:
            target = canonical_value(kind, raw) if kind == "url" else raw
            hits = locator.find(_LOCATE_KIND.get(kind, kind), target)
            if hits:
                _add(spans, kind, raw, hits)


def _drop_contained(spans: Spans) -> None:
    by_kind: dict[IndicatorType, list[tuple[int, int]]] = {}
    for (kind, _value), occurrences in spans.items():
        by_kind.setdefault(kind, []).extend(occurrences)
    checks = {
        kind: _Containment([s for k in outer for s in by_kind.get(k, ())])
        for kind, outer in _CONTAINERS.items()
    }
    for key in list(spans):
        inside = checks.get(key[0])
        if inside is not None:
            spans[key] = {o for o in spans[key] if not inside.covers(*o)}
            if not spans[key]:
                del spans[key]


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


def _drop_versions(text: str, spans: Spans) -> None:
    for key in [k for k in spans if k[0] is IndicatorType.ipv4]:
        spans[key] = {o for o in spans[key] if not is_version_context(text, o[0])}
        if not spans[key]:
            del spans[key]


def _indicator(
    text: str, kind: IndicatorType, value: str, occurrences: list[tuple[int, int]]
) -> Indicator:
    start, end = occurrences[0]
    return Indicator(
        type=kind, value=value, as_written=text[start:end], evidence=_evidence(text, occurrences)
    )


def _evidence(text: str, occurrences: list[tuple[int, int]]) -> list[Evidence]:
    return [evidence_at(text, s, e) for s, e in occurrences[:MAX_EVIDENCE]]


def _techniques(text: str, spans: list[tuple[int, int]]) -> list[Technique]:
    grouped: dict[str, list[tuple[int, int]]] = {}
    for start, end in spans:
        grouped.setdefault(text[start:end], []).append((start, end))
    techniques: list[Technique] = []
    for technique_id, occurrences in grouped.items():
        name = technique_name(technique_id)
        if name is not None:
            evidence = _evidence(text, occurrences)
            techniques.append(Technique(id=technique_id, name=name, evidence=evidence))
    return techniques
