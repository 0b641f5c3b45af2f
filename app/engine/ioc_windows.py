"""Cheap candidate windows for the indicator pass.

One compiled regex finds the places where an indicator may stand (an internal or bracketed
dot, ``://``, ``@``, a long hex run, ``CVE-``, IPv6 colons, a base58 run, ...). Each hit is
widened to whole whitespace-separated tokens plus one neighbour on each side (defanged forms
such as ``evil [.] com`` span tokens), and overlapping windows are merged. Only the windows
go to ioc-finder, so prose between indicators is never parsed.

"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Every branch starts with one of a few punctuation characters, so the regex engine skips
# ordinary prose quickly; "dot" spelled out is found by a second, equally cheap regex.
_TRIGGER = re.compile(
    r"[.\[({<@:\\]"
    r"(?:(?<=\.)(?=[\w-])"  # internal dot: domains, IPs, file names, versions
    r"|(?<=[\[({<])(?=[ \t]{0,3}(?:[.,:@/-]|(?i:dot|punto|punkt|at|et|arroba|www|https?)))"
    r"|(?<=:)//|(?<=:)[ \t]+//|(?<=@)|(?<=:)(?=[0-9A-Fa-f]{0,4}:)|(?<=\\)[./])"
)
_DOT_WORD = re.compile(r"[Dd][Oo][Tt]|[Pp]unk?[tT]o?")
_RIGHT = re.compile(r"\S*(?:[ \t]{1,3}\S+)?")
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

    def add(self, text: str, start: int, end: int, index: dict[str, int]) -> None:
        """Record the window ``text[start:end]``, merging identical windows."""
        chunk = text[start:end]
        slot = index.get(chunk)
        if slot is None:
            index[chunk] = len(self.texts)
            self.texts.append(chunk)
            self.starts.append([start])
        else:
            self.starts[slot].append(start)


def find_windows(text: str) -> Windows:
    """Find the candidate windows of ``text`` (merged, deduplicated, with all positions)."""
    out = Windows()
    index: dict[str, int] = {}
    cur_start = cur_end = -1
    for start, end in _trigger_spans(text):
        if start < cur_end:
            cur_end = max(cur_end, _extend_right(text, end))
            continue
        win_start = _extend_left(text, start, max(cur_end, 0))
        win_end = _extend_right(text, end)
        if cur_end >= 0 and _touches(text, cur_end, win_start):
            cur_end = max(cur_end, win_end)
            continue
        if cur_end >= 0:
            out.add(text, cur_start, cur_end, index)
        cur_start, cur_end = win_start, win_end
    if cur_end >= 0:
        out.add(text, cur_start, cur_end, index)
    return out


def _touches(text: str, end: int, start: int) -> bool:
    return start <= end or (start - end <= 3 and not text[end:start].strip(" \t"))


def _trigger_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _TRIGGER.finditer(text)]
    words = [m.span() for m in _DOT_WORD.finditer(text)]
    return sorted(spans + words) if words else spans


def _extend_right(text: str, pos: int) -> int:
    match = _RIGHT.match(text, pos)
    return match.end() if match else pos


def _extend_left(text: str, pos: int, floor: int) -> int:
    start = _token_start(text, pos, floor)
    gap = start
    while gap > floor and start - gap < 3 and text[gap - 1] in _GAP:
        gap -= 1
    if gap < start and gap > floor and not text[gap - 1].isspace():
        return _token_start(text, gap, floor)
    return start


def _token_start(text: str, pos: int, floor: int) -> int:
    # Normalised text has only spaces and line breaks for whitespace; a tab merely
    # widens a window.
    return max(text.rfind(" ", floor, pos), text.rfind("\n", floor, pos), floor - 1) + 1


def spaced_dot_separators(text: str) -> list[tuple[int, int]]:
    """Spans of `` dot `` separators that join host labels unambiguously (``evil dot com``)."""
    if "dot" not in text and "DOT" not in text and "Dot" not in text:
        return []
    spans: list[tuple[int, int]] = []
    for match in _SPACED_DOT.finditer(text):
        seps = list(_SPACED_DOT_SEP.finditer(match.group(0)))
        labels = _SPACED_DOT_SEP.split(match.group(0))
        shouted = all(sep.group(0).strip() == "DOT" for sep in seps)
        if shouted or (
            labels[-1].lower() in SPACED_DOT_TLDS and labels[0].lower() not in _STOP_WORDS
        ):
            spans.extend((match.start() + sep.start(), match.start() + sep.end()) for sep in seps)
    return spans
