"""Cheap candidate windows for the indicator pass.

A few regexes (one per leading character) find the tokens where a network indicator may
stand (an internal dot before a possible TLD or inside an IP address, a bracketed dot,
``://``, ``@``, IPv6 colons, ...), and str.find the spelled-out ``dot``. Each trigger token
is widened by one neighbour on each side (defanged forms such as ``evil [.] com`` span
tokens), overlapping or touching windows are merged, and identical windows are kept once
with all their positions. Only the windows are refanged and parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.engine.document import find_all

# One regex per leading character, each led by its literal: the regex engine then skips to
# each occurrence of that character quickly (a character class in the lead was tried against
# every character of the text, three times slower). A hit swallows the rest of its token and
# a lookahead captures the right-hand neighbour. Hits of two regexes in one token come out
# twice; the later one adds nothing to the window of the earlier.
_RIGHT = r"\S*(?=((?:[ \t]{1,3}\S+)?))"
_OPENER = r"(?=[ \t]{0,3}(?:[.,:@/-]|(?i:dot|punto|punkt|at|et|arroba|www|https?)))"
_TRIGGERS = tuple(
    (lead, re.compile(pattern + _RIGHT))
    for lead, pattern in (
        # An internal dot before two word characters, the first a letter (a TLD has two or
        # more, and starts with a letter), or in a digit run with two dots (an IP address).
        # "2.5%", "T1059.001" and "e.g." hold neither and open no window.
        (".", r"\.(?=[^\W\d][\w-]|-|\d{1,3}\.\d)"),
        # An opening bracket before a defanged dot, at-sign or scheme.
        *((opener, re.escape(opener) + _OPENER) for opener in "[({<"),
        (":", r":(?://|[ \t]+//|(?=[0-9A-Fa-f]{0,4}:))"),
        ("@", "@"),
        ("\\", r"\\[./]"),
    )
)
# "dot" spelled out (and Spanish / German "punto", "punkt") is found with str.find on the
# lower-cased text: a letter-led regex branch would be tried at every "d" and "p" of prose.
_DOT_WORD = re.compile(r"[Dd][Oo][Tt]|[Pp]unk?[tT]o?")
_DOT_WORD_STEMS = ("dot", "pun")
_REST = re.compile(_RIGHT)
_GAP = frozenset(" \t")

# Lower-case " dot " between host labels is not refanged by ioc-fanger; we refang it only
# where it is unambiguous: the last label is a common TLD and the first is not a stop word.
_SPACED_DOT = re.compile(
    r"(?<![\w.-])([A-Za-z0-9][A-Za-z0-9-]*)"
    r"((?:[ \t]+(?:dot|DOT|Dot)[ \t]+[A-Za-z0-9][A-Za-z0-9-]*)+)"
)
_SPACED_DOT_SEP = re.compile(r"[ \t]+(?:dot|DOT|Dot)[ \t]+")
_SPACED_DOT_TLDS_WORDS = """
com net org info biz io ru cn su xyz top online site club co uk de fr nl ir kp onion me tk
ml ga cf gq pw cc ws in br jp kr tw hk sg ua by kz live shop store app dev
"""
SPACED_DOT_TLDS = frozenset(_SPACED_DOT_TLDS_WORDS.split())
_STOP_WORDS_WORDS = """
a an the this that one each per every its his her our their polka no any some
"""
_STOP_WORDS = frozenset(_STOP_WORDS_WORDS.split())


@dataclass
class Windows:
    """Candidate windows of a text: unique window strings with every place they occur."""

    texts: list[str] = field(default_factory=list)
    starts: list[list[int]] = field(default_factory=list)

    @classmethod
    def whole(cls, text: str) -> Windows:
        """One window covering all of ``text`` (the slow, exhaustive reference path)."""
        return cls(texts=[text], starts=[[0]])


def find_windows(text: str, lowered: str | None = None) -> Windows:
    """Find the candidate windows of ``text`` (merged, deduplicated, with all positions).

    ``lowered`` is ``text.lower()`` when the caller has it already.
    """
    places: dict[str, list[int]] = {}  # each window's text and where it stands
    cur_start = cur_end = -1
    for start, right in _trigger_tokens(text, text.lower() if lowered is None else lowered):
        if start < cur_end:  # a trigger in the window's last token: widen to its neighbour
            if right > cur_end:
                cur_end = right
            continue
        win_start = _extend_left(text, start, cur_end if cur_end > 0 else 0)
        if cur_end >= 0 and (
            win_start <= cur_end
            or (win_start - cur_end <= 3 and not text[cur_end:win_start].strip(" \t"))
        ):
            if right > cur_end:
                cur_end = right
            continue
        if cur_end >= 0:
            _add_place(places, text, cur_start, cur_end)
        cur_start, cur_end = win_start, right
    if cur_end >= 0:
        _add_place(places, text, cur_start, cur_end)
    return Windows(texts=list(places), starts=list(places.values()))


def _add_place(places: dict[str, list[int]], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    found = places.get(chunk)
    if found is None:
        places[chunk] = [start]
    else:
        found.append(start)


def _trigger_tokens(text: str, lowered: str) -> list[tuple[int, int]]:
    """``(trigger start, end of the right-hand neighbour)`` of every trigger, in text order."""
    hits = _dot_words(text, lowered)
    for lead, trigger in _TRIGGERS:
        if lead in text:
            hits.extend([(m.start(), m.end(1)) for m in trigger.finditer(text)])
    hits.sort()
    return hits


def _dot_words(text: str, lowered: str) -> list[tuple[int, int]]:
    if len(lowered) != len(text):  # a few characters lower-case to two; stay exact
        starts = [m.start() for m in _DOT_WORD.finditer(text)]
    else:
        starts = [
            pos
            for stem in _DOT_WORD_STEMS
            for pos in find_all(lowered, stem)
            if _DOT_WORD.match(text, pos)
        ]
    words: list[tuple[int, int]] = []
    for pos in starts:
        rest = _REST.match(text, pos)
        words.append((pos, rest.end(1) if rest else pos))
    return words


def _extend_left(text: str, pos: int, floor: int) -> int:
    """Where the window of the trigger at ``pos`` starts: its token, and the one before it."""
    # Normalised text has only spaces and line breaks for whitespace; a tab merely
    # widens a window.
    # A line break matters only after the last space: search for one there alone (a search
    # back to the floor could cross a whole paragraph of prose).
    space = text.rfind(" ", floor, pos)
    line = text.rfind("\n", space + 1 if space >= 0 else floor, pos)
    if line >= 0:
        return line + 1  # the token starts a line
    if space < 0:
        return floor
    # The token follows a space: step back over at most three blanks to the token before.
    gap = space
    while gap > floor and space - gap < 2 and text[gap - 1] in _GAP:
        gap -= 1
    if gap > floor and not text[gap - 1].isspace():
        space = text.rfind(" ", floor, gap)
        line = text.rfind("\n", space + 1 if space >= 0 else floor, gap)
        return max(space, line, floor - 1) + 1
    return space + 1


def spaced_dot_separators(text: str) -> list[tuple[int, int]]:
    """Spans of `` dot `` separators that join host labels unambiguously (``evil dot com``)."""
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _spaced_dot_lines(text):
        for match in _SPACED_DOT.finditer(text, line_start, line_end):
            seps = list(_SPACED_DOT_SEP.finditer(match.group(0)))
            labels = _SPACED_DOT_SEP.split(match.group(0))
            shouted = all(sep.group(0).strip() == "DOT" for sep in seps)
            if shouted or (
                labels[-1].lower() in SPACED_DOT_TLDS and labels[0].lower() not in _STOP_WORDS
            ):
                spans.extend(
                    (match.start() + sep.start(), match.start() + sep.end()) for sep in seps
                )
    return spans


def _spaced_dot_lines(text: str) -> list[tuple[int, int]]:
    # _SPACED_DOT never crosses a line break: search only the lines with a spaced-out "dot".
    lines: set[tuple[int, int]] = set()
    for word in ("dot", "DOT", "Dot"):
        for pos in find_all(text, word):
            if pos and text[pos - 1] in _GAP and text[pos + 3 : pos + 4] in _GAP:
                end = text.find("\n", pos)
                lines.add((text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end))
    return sorted(lines)
