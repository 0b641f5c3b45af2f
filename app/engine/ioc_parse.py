"""Parse indicators out of refanged candidate windows, fast where the shape is plain.

ioc-finder's grammars (pyparsing) are exact but cost about a millisecond per URL or e-mail
candidate. Tokens of the plain, common shape (``https://host.tld/path?q=1``, ``a@host.tld``,
``1.2.3.4``, ``10.0.0.0/8``, hex hashes, CVE ids, base58 addresses) are read here with
strict regexes that accept a subset of what ioc-finder's grammars accept (checked against
ioc-finder by tests); every other URL or e-mail token goes to ioc-finder's own parsers,
as do the lines that may hold an IPv6 address. Domains are read with ioc-finder's own
candidate pattern and TLD list, as its ``parse_domain_names`` does, but with their spans.
Values come back with spans where we know them, or without (to be located) when ioc-finder
found them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

Span = tuple[int, int]

_LABELS = r"(?:[A-Za-z0-9_][A-Za-z0-9_-]{0,62}\.)+"
_SAFE = r"[A-Za-z0-9\-._~/=&%+]"
_FAST_URL = re.compile(
    rf"(?P<scheme>(?i:https?|ftp)://)?(?P<host>{_LABELS}(?P<tld>[A-Za-z][A-Za-z0-9-]{{1,62}}))"
    rf"(?P<port>:\d{{1,5}})?(?P<path>/{_SAFE}*)?(?:\?{_SAFE}*)?"
)
_FAST_EMAIL = re.compile(
    rf"[A-Za-z0-9][A-Za-z0-9+\-_.]*@(?P<host>{_LABELS}(?P<tld>[A-Za-z][A-Za-z0-9-]{{1,62}}))"
)
# ioc-finder's own domain candidates (``ioc_finder._DOMAIN_CANDIDATE_RE``); the value is the
# candidate cut after its rightmost known TLD, as ``parse_domain_names`` does, with its span.
# The first label is possessive (``{0,62}+``): a shorter one is followed by a label character,
# never the dot that must come next, so giving characters back could not make a match; without
# it every word of prose is walked back letter by letter (a third of the regex's time).
_DOMAIN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z0-9_][A-Za-z0-9_-]{0,62}+(?:\.[A-Za-z0-9_][A-Za-z0-9_-]{0,62})+"
    r"(?![A-Za-z0-9])"
)
_URL_MARKER = re.compile(r"://|\.[A-Za-z][A-Za-z0-9-]*/")
_AT = re.compile("@")
_NON_SPACE = re.compile(r"\S*")
_TOKEN_LEAD = "([{<\"'"
_TOKEN_TAIL = ".,;:!?)]}>\"'"
_IPV4 = re.compile(
    r"[0-9](?<![A-Za-z0-9.][0-9])\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?:/\d{1,2})?(?![A-Za-z0-9])"
)
_HEX = re.compile(r"[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]{29,125}")
_HASH_KINDS = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
_HASH_LABEL = re.compile(r"(?i)(?:imphash|import hash|authentihash)[^a-z0-9]*$")
_CVE = re.compile(r"[Cc][Vv][Ee][- ]+([12]\d{3})-+(\d{4,})(?![A-Za-z0-9])")
# A character class first (a fast scan), then a fixed-width lookbehind skips starts inside
# a word, which the boundary check below would reject anyway.
_BITCOIN = re.compile(
    r"[13b](?<![A-Za-z0-9][13b])(?:(?<=[13])[A-Za-z0-9]{25,34}|(?<=b)c1[A-Za-z0-9]{11,71})"
    r"(?![A-Za-z0-9])"
)
# ``[^\W_]`` is exactly str.isalnum: the id must stand free of letters and digits on both sides.
# The "T" comes first so the search skips to each "T"; the lookbehind then checks before it.
_TECHNIQUE = re.compile(r"T(?<![^\W_]T)\d{4}(?:\.\d{3})?(?![^\W_])")
# Hashes and Bitcoin addresses are runs of ASCII letters and digits: a bech32 address is 14
# characters at least, a hash 32. The runs that long are found on a byte mask of the text
# (letters and digits to "a", all else to " ") with bytes.find, and only they are searched.
_ALNUM_MASK = bytes(
    0x61 if chr(byte).isascii() and chr(byte).isalnum() else 0x20 for byte in range(256)
)
_SHORTEST_BITCOIN = 14
_SHORTEST_HASH = 32
# A case-insensitive regex matches these to an ASCII letter ("İ" and "ı" to "i", "ſ" to "s"),
# but their lower() is no ASCII letter, so ioc-finder's caseless scheme and TLD parsers
# (pyparsing ``one_of``) match them and then raise KeyError looking the match up. ioc-finder
# reads them as what they are, letters outside ASCII, when each is swapped for such a letter
# of one character; only ASCII characters make up the values it returns.
_CASE_FOLDING_TRAPS = str.maketrans({"\u0130": "\u00c0", "\u0131": "\u00e0", "\u017f": "\u00e0"})


@dataclass
class Found:
    """Values found in one text: with spans (``spans``) or still to be located (``values``).

    Values with spans are built canonical (as ``ioc_filters.canonical_value`` gives them).
    """

    spans: dict[tuple[str, str], list[Span]] = field(default_factory=dict)
    values: dict[str, set[str]] = field(default_factory=dict)

    def add_span(self, kind: str, value: str, span: Span) -> None:
        """Record one occurrence of a value whose position is known."""
        self.spans.setdefault((kind, value), []).append(span)

    def add_values(self, kind: str, values: Iterable[str]) -> None:
        """Record values (from ioc-finder) that still have to be located."""
        self.values.setdefault(kind, set()).update(values)


def parse_fanged(fanged: str, found: Found) -> None:
    """Parse URLs, e-mail addresses, domains, IP addresses and CIDR ranges of refanged text."""
    finder = _finder()
    slow_urls = _fast_urls(fanged, found)
    if slow_urls:
        found.add_values("url", finder.parse_urls(finder_safe("\n".join(slow_urls))))
    if "@" in fanged:
        slow_emails = _fast_emails(fanged, found, _tld_set())
        if slow_emails:
            emails = finder.parse_email_addresses(finder_safe("\n".join(slow_emails)))
            found.add_values("email", emails)
    parse_domains(fanged, found)
    # An IPv6 address has two colons at least, and never spans lines.
    colons = (
        "\n".join([line for line in fanged.split("\n") if line.count(":") > 1])
        if fanged.count(":") > 1
        else ""
    )
    if colons:
        colons = finder_safe(colons)
        found.add_values("ipv6", finder.parse_ipv6_addresses(colons))
        found.add_values("cidr", finder.parse_ipv6_cidrs(colons))
    _ipv4s(fanged, found)


def finder_safe(text: str) -> str:
    """``text`` fit for ioc-finder's parsers: same length, no ``_CASE_FOLDING_TRAPS``."""
    return text if text.isascii() else text.translate(_CASE_FOLDING_TRAPS)


def parse_domains(text: str, found: Found) -> None:
    """Domain names as ioc-finder's ``parse_domain_names`` reads them, with their spans."""
    spans = found.spans
    for match in _DOMAIN.finditer(text):
        domain = _domain_of(match.group())
        if domain:
            start = match.start()
            spans.setdefault(("domain", domain), []).append((start, start + len(domain)))


@lru_cache(maxsize=1 << 16)
def _domain_of(candidate: str) -> str:
    """A domain candidate cut after its rightmost known TLD, lower-cased ("" without a TLD)."""
    tlds = _tld_set()
    lowered = candidate.lower()
    labels = lowered.split(".")
    for last in range(len(labels) - 1, 0, -1):
        if labels[last] in tlds:
            return lowered if last == len(labels) - 1 else ".".join(labels[: last + 1])
    return ""


@cache
def _finder() -> Any:
    """ioc-finder's parsers, each grammar run once a process before any document needs it.

    pyparsing prepares a grammar the first time it parses (streamlining, and compiling its
    regexes: the URL grammar's alternation of ~1,500 TLDs alone takes tens of milliseconds);
    done here, at warm-up, the first document with an unusual URL does not pay for it.
    """
    from ioc_finder import ioc_finder as finder  # deferred: importing ioc-finder costs ~1 s

    finder.parse_urls("hxxp://a.example.com:8080/p?q=1#f example.org/x")
    finder.parse_email_addresses("first.last+tag@example.com")
    finder.parse_ipv6_addresses("2001:db8::1")
    finder.parse_ipv6_cidrs("2001:db8::/32")
    return finder


@cache
def _tld_set() -> Any:
    """ioc-finder's set of known TLDs (lower-case)."""
    from ioc_finder.ioc_grammars import TLD_SET  # deferred: importing ioc-finder costs ~1 s

    return TLD_SET


def _tokens_at(text: str, marker: re.Pattern[str]) -> Iterable[tuple[int, str]]:
    last_end = 0
    for match in marker.finditer(text):
        if match.start() < last_end:
            continue
        at = match.start()
        start = max(text.rfind(" ", last_end, at), text.rfind("\n", last_end, at), last_end - 1) + 1
        rest = _NON_SPACE.match(text, match.end())
        end = rest.end() if rest else match.end()
        last_end = end
        yield start, text[start:end]


def _trimmed(start: int, token: str) -> tuple[int, str]:
    core = token.lstrip(_TOKEN_LEAD)
    start += len(token) - len(core)
    return start, core.rstrip(_TOKEN_TAIL)


def _fast_urls(text: str, found: Found) -> list[str]:
    tlds = _tld_set()
    slow: list[str] = []
    for start, token in _tokens_at(text, _URL_MARKER):
        begin, core = _trimmed(start, token)
        match = _FAST_URL.fullmatch(core)
        if (
            match
            and match.group("tld").lower() in tlds
            and (match.group("scheme") or match.group("path"))
        ):
            value = _url_value(match)
            found.add_span("url", value, (begin, begin + len(core)))
        else:
            slow.append(token)
    return slow


def _url_value(match: re.Match[str]) -> str:
    scheme = (match.group("scheme") or "").lower()
    rest = match.group(0)[len(scheme) + len(match.group("host")) :]
    return scheme + match.group("host").lower() + rest


def _fast_emails(text: str, found: Found, tlds: Any) -> list[str]:
    slow: list[str] = []
    for start, token in _tokens_at(text, _AT):
        begin, core = _trimmed(start, token)
        match = _FAST_EMAIL.fullmatch(core)
        if match and match.group("tld").lower() in tlds:
            found.add_span("email", core.lower(), (begin, begin + len(core)))
        else:
            slow.append(token)
    return slow


def _ipv4s(text: str, found: Found) -> None:
    for match in _IPV4.finditer(text):
        value = match.group(0)
        address, slash, bits = value.partition("/")
        end = match.end()
        if not slash and text.startswith(".", end) and _next_is_text(text, end):
            continue
        octets = address.split(".")
        if max(map(int, octets)) < 256:
            # A leading zero is dropped ("010" is 10). In ASCII only a zero that leads an
            # octet changes anything; other digits ("٣") are rewritten where a "0" is written.
            if (address[0] == "0" or ".0" in address) if address.isascii() else "0" in address:
                address = ".".join([str(int(octet)) for octet in octets])
            if slash:
                found.add_span("cidr", f"{address}/{bits}", match.span())
            else:
                found.add_span("ipv4", address, match.span())


def _next_is_text(text: str, pos: int) -> bool:
    return pos + 1 < len(text) and not text[pos + 1].isspace()


def scan_plain(text: str, found: Found, lowered: str | None = None) -> list[Span]:
    """Hashes, CVE ids and Bitcoin addresses of the raw text; returns technique-id spans.

    ``lowered`` is ``text.lower()`` when the caller has it already.
    """
    runs = _alnum_runs(text, _SHORTEST_BITCOIN)
    _hashes(text, [run for run in runs if run[1] - run[0] >= _SHORTEST_HASH], found)
    for match in _cve_matches(text, text.lower() if lowered is None else lowered):
        if _free_before(text, match.start()):
            found.add_span("cve", f"CVE-{match.group(1)}-{match.group(2)}", match.span())
    for start, end in runs:
        # A run is a maximal stretch of ASCII letters and digits: an address (no letter or
        # digit on either side) can only be a whole run, so one match at its start decides.
        if text[start] in "13b":
            address = _BITCOIN.match(text, start, end)
            if address and _free_before(text, start):
                found.add_span("bitcoin", address.group(0), address.span())
    # Not an id followed by a dot and a digit (``T1059.0``: a truncated sub-technique).
    return [
        m.span()
        for m in _TECHNIQUE.finditer(text)
        if text[m.end() : m.end() + 1] != "." or not text[m.end() + 1 : m.end() + 2].isdigit()
    ]


def _cve_matches(text: str, lowered: str) -> list[re.Match[str]]:
    """``_CVE.finditer(text)``, tried only where "cve" is written (str.find beats the scan)."""
    if len(lowered) != len(text):  # a few characters lower-case to two; stay exact
        return list(_CVE.finditer(text))
    matches: list[re.Match[str]] = []
    pos = lowered.find("cve")
    while pos >= 0:
        match = _CVE.match(text, pos)
        if match:
            matches.append(match)
        pos = lowered.find("cve", match.end() if match else pos + 1)
    return matches


def _alnum_runs(text: str, shortest: int) -> list[Span]:
    """The maximal runs of ASCII letters and digits of ``text`` that are ``shortest`` or longer."""
    # One byte per character ("?" for the others), so the mask's offsets are the text's.
    mask = text.encode("ascii", "replace").translate(_ALNUM_MASK)
    needle = b"a" * shortest
    runs: list[Span] = []
    start = mask.find(needle)
    while start >= 0:
        end = mask.find(b" ", start + shortest)
        if end < 0:
            end = len(mask)
        runs.append((start, end))
        start = mask.find(needle, end)
    return runs


def _hashes(text: str, runs: list[Span], found: Found) -> None:
    # _HEX matches only inside runs of letters and digits, never across their ends.
    matches = (match for run in runs for match in _HEX.finditer(text, *run))
    for match in matches:
        start, end = match.span()
        kind = _HASH_KINDS.get(end - start)
        before = text[start - 1] if start else " "
        if kind is None or (before.isalnum() and before not in "xX"):
            continue
        if end < len(text) and text[end].isalnum():
            continue
        if _labelled(text, start):
            continue  # an imphash / authentihash, not a file hash
        found.add_span(kind, match.group(0).lower(), (start, end))


def _labelled(text: str, start: int) -> bool:
    """True when an imphash / authentihash label stands just before ``start``."""
    lead = max(0, start - 20)
    before = text[lead:start]
    # Every label holds "hash"; in ASCII text that is a plain substring test.
    if before.isascii() and "hash" not in before.lower():
        return False
    return _HASH_LABEL.search(text, lead, start) is not None


def _free_before(text: str, start: int) -> bool:
    return start == 0 or not text[start - 1].isalnum()
