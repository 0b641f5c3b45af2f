"""Find where an indicator that ioc-finder reported is written, defanged or not.

ioc-finder returns refanged values without offsets. We refang the candidate windows once
ourselves, keeping a map from refanged offsets back to the text as written, then find each
value in the refanged text with ``str.find`` and a boundary check. The refanging rules follow
ioc-fanger's (``[.]``, ``(dot)``, ``-dot-``, ``[:]``, ``[://]``, ``[at]``, ``hxxp``, ``\\.`` ...)
and add the unambiguous lower-case `` dot `` the windows were refanged with. The rules are
tried only next to a defang marker (a bracket, "dot", "hxxp", ...), which gives the same
result as trying them everywhere at a fraction of the cost.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

from app.engine.document import find_all
from app.engine.ioc_windows import Windows, spaced_dot_separators

_B = r"[\[\](){}]"
_S = r" {0,3}"
# ioc-fanger refangs dots before at-signs; in one pass, "net{.}exe" must not become "n@.}exe".
_NOT_DOT = rf"(?!{_S}{_B}{_S}(?:[.,]|dot|punto|punkt))"
# The leading lookahead names every character a match can start with (after spaces): it
# changes no match, but lets the search skip other positions without trying each branch.
_REFANG = re.compile(
    r"(?= *(?:[\[\](){}:\\<^@]|-[-\[\](){} ]*(?:dot|punto|punkt)|(?-i:at|et|arroba|AT|ET|ARROBA)"
    r"|dot|punto|punkt|(?-i:h[xA-Z]{2})|x{4}))"
    r"(?:(?P<sep>\[://\]|\[:\]//|:///+|:// +|: +//)"
    rf"|(?P<dot>{_S}{_B}{_S}[.,]{_B}{_S}"
    rf"|{_S}[\[\](){{}}-]+{_S}(?-i:DOT){_S}[\[\](){{}}-]*{_S}"
    rf"|{_S}[\[\](){{}}-]*{_S}(?-i:DOT){_S}[\[\](){{}}-]+{_S}"
    rf"|{_S}{_B}+{_S}(?:dot|punto|punkt){_S}{_B}*{_S}"
    rf"|{_S}{_B}*{_S}(?:dot|punto|punkt){_S}{_B}+{_S}"
    r"|-+(?:dot|punto|punkt)-+|(?-i:(?<=[a-z0-9])DOT(?=[a-z0-9]))"
    r"|\\\.|<\.>|\^.)"
    rf"|(?P<colon>{_S}{_B}{_S}:{_S}{_B}{_S})"
    rf"|(?P<at>{_S}[\[({{}}]+{_S}(?-i:@|at|et|arroba|AT|ET|ARROBA){_NOT_DOT}{_S}[\](){{}}]*{_S}"
    rf"|{_S}{_B}*{_S}(?-i:@|at|et|arroba|AT|ET|ARROBA){_NOT_DOT}{_S}[\](){{}}]+{_S}"
    r"| +@ +|(?-i:(?<=[a-z]) *(?:AT|ET|ARROBA) *(?=[a-z])))"
    r"|(?P<http>(?:[\[({]+ {0,3})htt(?=ps?)|(?-i:h[xA-Z]{2})(?=ps?[^.]))"
    r"|(?P<xhttp>(?<![a-z])x{4}(?=s?://))|(?P<xhttps>(?<![a-z])x{5}(?=://))"
    r"|(?P<hclose>(?<=h[a-z]{2}p) {0,3}[\[\](){}]+ {0,3}(?=:)"
    r"|(?<=h[a-z]{2}ps) {0,3}[\[\](){}]+ {0,3}(?=:))"
    r"|(?P<hyphen>\[-\])|(?P<slash>\\/))",
    re.IGNORECASE,
)
# Every _REFANG match contains one of these "cores": a bracket, ``\``, ``<``, ``^``, a colon
# before a space or a third slash, `` @``, ``hXXp``-like letters, ``AT``/``ET``/``ARROBA``
# (upper-case), or "dot", "punto", "punkt", "xxxx" in any case. The punctuation comes from one
# regex that starts with a character class (so the search skips prose fast), the words from
# str.find.
_CORE = re.compile(r"[\[\](){}\\<^:@](?:(?<=[^:@])|(?<=:)(?: |//[/ ])|(?<= @))")
_CORE_HTTP = re.compile(r"h[xA-Z]{2}")
_CORE_WORDS = ("AT", "ET", "ARROBA")
_CORE_WORDS_ANY_CASE = ("dot", "punto", "punkt", "xxxx")
_CORE_WORDS_ANY_CASE_RE = re.compile(r"dot|punto|punkt|xxxx", re.IGNORECASE)
# Left of its first core a match holds only spaces and dashes, plus, before a closing
# bracket, one at-sign word ("user at) example", "user@) example").
_LEAD = frozenset(" -")
_LEAD_WORDS = ("arroba", "at", "et", "@")
_LEAD_ENDS = _LEAD.union(word[-1] for word in _LEAD_WORDS)
_REPLACEMENT = {
    "sep": "://",
    "dot": ".",
    "colon": ":",
    "at": "@",
    "http": "htt",
    "xhttp": "http",
    "xhttps": "https",
    "hclose": "",
    "hyphen": "-",
    "slash": "/",
}
_CVE = re.compile(r"(?<![A-Za-z0-9])cve[- ]+([12]\d{3})-+(\d{4,})(?![A-Za-z0-9])", re.IGNORECASE)

_WORD = "_"
_BOUNDS: dict[str, tuple[str, str, bool]] = {
    # kind: (chars that may not precede, chars that may not follow, reject a following ".x")
    "domain": (".-", "-", False),
    "url": (".-/:", "/-%?#=&~+", True),
    "email": (".+-", "-", True),
    "ipv4": (".", "", True),
    "cidr": (".:", "", False),
    "ipv6": (":", ":", False),
}


class RefangedText:
    """Refanged text with a map from its offsets back to the text as written."""

    def __init__(self, raw: str) -> None:
        pieces: list[str] = []
        # Four entries per segment (a stretch copied as written, or one replacement): its
        # start in the refanged text, its start and end as written, and whether it is copied
        # as written; split into parallel lists at the end (four slices, not four appends each).
        flat: list[int] = []
        raw_pos = fanged_pos = 0
        for start, end, replacement in _replacements(raw):
            if start < raw_pos:
                continue  # overlaps a replacement already made
            if start > raw_pos:
                flat += (fanged_pos, raw_pos, start, True)
                pieces.append(raw[raw_pos:start])
                fanged_pos += start - raw_pos
            flat += (fanged_pos, start, end, False)
            pieces.append(replacement)
            fanged_pos += len(replacement)
            raw_pos = end
        flat += (fanged_pos, raw_pos, len(raw), True)
        pieces.append(raw[raw_pos:])
        self.text = "".join(pieces)
        self._fanged_starts = flat[0::4]
        self._raw_starts = flat[1::4]
        self._raw_ends = flat[2::4]
        self._identity = flat[3::4]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the refanged text to the span of the text as written."""
        return self.raw_spans([(start, end)])[0]

    def raw_spans(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """``raw_span`` of each of ``spans``, in one call."""
        fanged_starts = self._fanged_starts
        raw_starts = self._raw_starts
        identity = self._identity
        count = len(fanged_starts)
        mapped: list[tuple[int, int]] = []
        for start, end in spans:
            first = bisect.bisect_right(fanged_starts, start) - 1
            if first + 1 < count and fanged_starts[first + 1] < end:
                last = bisect.bisect_right(fanged_starts, end - 1) - 1
            else:  # the common case: the span lies within one segment
                last = first
            raw_start = raw_starts[first]
            if identity[first]:
                raw_start += start - fanged_starts[first]
            if identity[last]:
                raw_end = raw_starts[last] + end - fanged_starts[last]
            else:
                raw_end = self._raw_ends[last]
            mapped.append((raw_start, raw_end))
        return mapped


def _replacements(raw: str) -> list[tuple[int, int, str]]:
    # Equivalent to _REFANG.finditer(raw), trying only the places a match can start at.
    found: list[tuple[int, int, str]] = []
    done = 0
    for first, last in _starts(raw):
        pos = max(first, done)
        while pos < last:
            m = _REFANG.match(raw, pos)
            if m:
                found.append((pos, m.end(), _REPLACEMENT[m.lastgroup or "dot"]))
                pos = done = m.end()
            else:
                pos += 1
    spaced = [(start, end, ".") for start, end in spaced_dot_separators(raw)]
    return sorted(found + spaced) if spaced else found


def _starts(raw: str) -> list[tuple[int, int]]:
    """Ranges ``[first, last)`` of the places a _REFANG match may start at, in text order."""
    ranges: list[tuple[int, int]] = []
    lead_ends = _LEAD_ENDS
    for core in _cores(raw):
        # _lead, whose common case (nothing to walk back over) is tested here without a call
        first = _lead(raw, core) if core and raw[core - 1] in lead_ends else core
        if ranges and first <= ranges[-1][1]:
            if core >= ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], core + 1)
        else:
            ranges.append((first, core + 1))
    return ranges


def _lead(raw: str, pos: int) -> int:
    if not pos or raw[pos - 1] not in _LEAD_ENDS:
        return pos  # the common case: nothing to walk back over
    while pos and raw[pos - 1] in _LEAD:
        pos -= 1
    for word in _LEAD_WORDS:
        if pos >= len(word) and raw.startswith(word, pos - len(word)):
            pos -= len(word)
            while pos and raw[pos - 1] == " ":
                pos -= 1
            break
    return pos


def _cores(raw: str) -> list[int]:
    """Where the cores of ``raw`` start, sorted (every _REFANG match holds one)."""
    cores = [m.start() for m in _CORE.finditer(raw)]
    cores.extend(m.start() for m in _CORE_HTTP.finditer(raw))
    lowered = raw.lower()
    searches = [(raw, _CORE_WORDS), (lowered, _CORE_WORDS_ANY_CASE)]
    if len(lowered) != len(raw):  # a few characters lower-case to two: offsets would drift
        cores.extend(m.start() for m in _CORE_WORDS_ANY_CASE_RE.finditer(raw))
        searches.pop()
    for haystack, words in searches:
        for word in words:
            cores.extend(find_all(haystack, word))
    cores.sort()
    return cores


class Locator:
    """Find indicator values in the candidate windows of one document."""

    def __init__(self, windows: Windows) -> None:
        self._windows = windows
        # Where each window starts in the joined text (windows are joined by a line break).
        self._offsets = [0, *accumulate(len(chunk) + 1 for chunk in windows.texts[:-1])]
        self._raw = "\n".join(windows.texts)
        self._fanged = RefangedText(self._raw)
        self._lower: str | None = None  # lower-cased refanged text, made on first need
        self._cves: dict[str, list[tuple[int, int]]] | None = None

    @property
    def fanged_text(self) -> str:
        """The refanged, joined text of all windows."""
        return self._fanged.text

    def to_raw_all(self, spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
        """Every span of the document that the spans of the refanged windows stand for."""
        return self._expand(self._fanged.raw_spans(spans))

    def to_raw_each(self, groups: list[list[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
        """``to_raw_all`` of each group of spans (as lists)."""
        raw_spans = self._fanged.raw_spans
        offsets = self._offsets
        places = self._windows.starts
        bisect_right = bisect.bisect_right
        each: list[list[tuple[int, int]]] = []
        for group in groups:
            spans: list[tuple[int, int]] = []
            for raw_start, raw_end in raw_spans(group):
                slot = bisect_right(offsets, raw_start) - 1
                shift = raw_start - offsets[slot]
                size = raw_end - raw_start
                for base in places[slot]:
                    spans.append((base + shift, base + shift + size))
            each.append(spans)
        return each

    def find(self, kind: str, value: str) -> set[tuple[int, int]]:
        """Every ``(start, end)`` span of ``value`` in the document."""
        if kind == "cve":
            return self._expand(self._cve_spans().get(value.upper(), []))
        if kind == "bitcoin":
            haystack = self._fanged.text
        else:
            if self._lower is None:
                self._lower = lower_same_length(self._fanged.text)
            haystack = self._lower
        needle = value if kind == "bitcoin" else value.lower()
        hits: list[tuple[int, int]] = []
        pos = haystack.find(needle)
        while pos >= 0:
            end = pos + len(needle)
            if _bounded(haystack, pos, end, kind):
                hits.append(self._fanged.raw_span(pos, end))
            pos = haystack.find(needle, pos + 1)
        return self._expand(hits)

    def _cve_spans(self) -> dict[str, list[tuple[int, int]]]:
        if self._cves is None:
            self._cves = {}
            for match in _CVE.finditer(self._raw):
                key = f"CVE-{match.group(1)}-{match.group(2)}"
                self._cves.setdefault(key, []).append(match.span())
        return self._cves

    def _expand(self, joined_spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
        """Spans of the joined windows, at every place of the document their window stands."""
        offsets = self._offsets
        places = self._windows.starts
        spans: set[tuple[int, int]] = set()
        for start, end in joined_spans:
            slot = bisect.bisect_right(offsets, start) - 1
            shift = start - offsets[slot]
            for base in places[slot]:
                spans.add((base + shift, base + shift + end - start))
        return spans


def lower_same_length(text: str) -> str:
    """``text.lower()``, but "İ" kept as it is, so that offsets stay those of ``text``.

    "İ" (U+0130) is the one character whose lower() is two characters long.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "\u0130".join(part.lower() for part in text.split("\u0130"))


def _bounded(text: str, start: int, end: int, kind: str) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if kind in ("hash", "md5", "sha1", "sha256", "sha512"):
        return not (before.isalnum() and before not in "xX") and not after.isalnum()
    if kind in ("cve", "bitcoin"):
        return not before.isalnum() and not after.isalnum()
    bad_before, bad_after, no_dotted_tail = _BOUNDS[kind]
    if before.isalnum() or before == _WORD or before in bad_before:
        return False
    if after.isalnum() or after == _WORD or after in bad_after:
        return False
    return not (no_dotted_tail and after == "." and text[end + 1 : end + 2].isalnum())
