"""The document the engine works on: normalised text with paragraph and sentence spans."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar, cast

from app.engine.brief import BriefKind

T = TypeVar("T")

_MANY_BLANK = re.compile(r"\n{3,}")
# Runs of inner white space become one space: other space characters become " " first, then
# runs of two or more spaces fold (each step only when a cheap membership test says it must).
_OTHER_SPACE = r"\t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000"
_OTHER_SPACE_CHAR = re.compile(f"[{_OTHER_SPACE}]")
_ASCII_OTHER_SPACE = ("\t", "\f", "\v")
_SPACE_RUN = re.compile(" {2,}")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")

# A sentence ends at . ! ? (optionally closed by quotes/brackets) followed by whitespace and
# an opener; a period inside a token (1.2.3.4, evil.com, v2.1) never ends one.
# The match starts at the stop itself (a look-behind would be tried at every character); the
# cut is one past it. Only spaces within a line follow: a line break already ends a sentence.
# One pattern per stop: a pattern led by a literal scans several times faster than one led by
# a character class, and no match holds a second stop, so the three scans find what one would.
_AFTER_STOP = r"[\"'”’)\]]*[^\S\n]+(?=[\"'“‘(\[]?[A-Z0-9])"
# (What follows the stop is a group: its span is the cut and where the next sentence starts.)
_SENT_ENDS = tuple((stop, re.compile(f"{re.escape(stop)}({_AFTER_STOP})")) for stop in ".!?")
_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "vs",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "inc",
        "ltd",
        "co",
        "corp",
        "jr",
        "sr",
        "no",
        "fig",
        "al",
        "approx",
        "u.s",
        "u.k",
    ]
)
# Where a sentence's last word starts being too long to be an abbreviation: when the letters
# before the stop number one more than the longest (this reaches one past them: the stop).
_LONG_WORD = max(map(len, _ABBREVIATIONS)) + 2
_LIST_MARKER = re.compile(r"(\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})\.")
_PARA_SPLIT = re.compile(r"\n\s*\n")


def normalise_text(raw: str) -> str:
    """Return the canonical form of a text: NFC, LF line ends, folded spaces, no blank runs."""
    text = unicodedata.normalize("NFC", raw)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    ascii_only = text.isascii()
    if not ascii_only and _ZERO_WIDTH.search(text):
        text = _ZERO_WIDTH.sub("", text)
    text = _fold_spaces(text, ascii_only)
    if " \n" in text:  # after the fold, trailing white space is one space before the break
        text = text.replace(" \n", "\n")
    if "\n\n\n" in text:
        text = _MANY_BLANK.sub("\n\n", text)
    return text.strip()


def _fold_spaces(text: str, ascii_only: bool) -> str:
    """Turn every other space character into " ", then every run of spaces into one."""
    if ascii_only:  # the only other spaces ASCII has; str.replace beats a regex here
        for char in _ASCII_OTHER_SPACE:
            if char in text:
                text = text.replace(char, " ")
    elif _OTHER_SPACE_CHAR.search(text):
        text = _OTHER_SPACE_CHAR.sub(" ", text)
    return _SPACE_RUN.sub(" ", text) if "  " in text else text


def text_sha256(text: str) -> str:
    """Identify a normalised text for de-duplication."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(slots=True, unsafe_hash=True)  # hashable like a frozen one, three times cheaper to make
class Span:
    """A run of the document's text, with its offsets (treat it as read-only)."""

    start: int
    end: int
    text: str


@dataclass
class Document:
    """Normalised text plus what the caller told us about it."""

    text: str
    title: str | None = None
    source_url: str | None = None
    kind: BriefKind | None = None
    meta: dict[str, str] = field(default_factory=dict)
    _views: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_raw(cls, raw: str, **kwargs: object) -> Document:
        """Build a document from unnormalised text."""
        return cls(text=normalise_text(raw), **kwargs)  # type: ignore[arg-type]

    @cached_property
    def sha256(self) -> str:
        return text_sha256(self.text)

    @cached_property
    def paragraphs(self) -> list[Span]:
        return _paragraphs_of_lines(self.text, self.lines)

    @cached_property
    def sentences(self) -> list[Span]:
        return _sentences_of_lines(self.text, self.lines)

    @cached_property
    def lines(self) -> list[Span]:
        return _split_lines(self.text)

    @cached_property
    def lowered(self) -> str:
        """The text lower-cased, for case-blind "is this word anywhere" pre-checks.

        Lower-casing may change a text's length (“İ”), so offsets into it need not match.
        """
        return self.text.lower()

    @cached_property
    def sentence_starts(self) -> list[int]:
        """The start offset of every sentence, for bisecting."""
        return [s.start for s in self.sentences]

    def view(self, name: str, build: Callable[[Document], T]) -> T:
        """A derived view of the document, built once by ``build`` and shared by every stage.

        ``name`` identifies the view; one name must always be built by the same function.
        """
        try:
            return cast(T, self._views[name])
        except KeyError:
            value = self._views[name] = build(self)
            return value

    def sentences_within(self, start: int, end: int) -> list[Span]:
        """The sentences that start inside ``[start, end)`` (a line's sentences, say)."""
        starts = self.sentence_starts
        return self.sentences[bisect_left(starts, start) : bisect_left(starts, end)]


def find_all(text: str, needle: str) -> list[int]:
    """Every offset where ``needle`` starts in ``text``, in order (overlaps included)."""
    found: list[int] = []
    pos = text.find(needle)
    while pos >= 0:
        found.append(pos)
        pos = text.find(needle, pos + 1)
    return found


def split_paragraphs(text: str) -> list[Span]:
    """Split on blank lines, keeping offsets."""
    spans: list[Span] = []
    pos = 0
    for match in _PARA_SPLIT.finditer(text):
        _append_trimmed(spans, text, pos, match.start())
        pos = match.end()
    _append_trimmed(spans, text, pos, len(text))
    return spans


def _paragraphs_of_lines(text: str, lines: list[Span]) -> list[Span]:
    """The spans ``split_paragraphs`` finds, from the lines: a run of lines no blank line
    separates is a paragraph (a one-line paragraph is that line's span)."""
    spans: list[Span] = []
    if not lines:
        return spans
    first = last = lines[0]
    for line in lines[1:]:
        # a blank line between them (a gap of one character is a line break alone: no count)
        if line.start - last.end > 1 and text.count("\n", last.end, line.start) > 1:
            spans.append(_join_lines(text, first, last))
            first = line
        last = line
    spans.append(_join_lines(text, first, last))
    return spans


def _join_lines(text: str, first: Span, last: Span) -> Span:
    return first if first is last else Span(first.start, last.end, text[first.start : last.end])


def split_sentences(text: str) -> list[Span]:
    """Split into sentences; every line break also ends one (lists, headings, notes)."""
    return _sentences_of_lines(text, _split_lines(text))


def _sentences_of_lines(text: str, lines: list[Span]) -> list[Span]:
    """Cut each line at the sentence ends one scan of the whole text found (a line with none is
    its own sentence). A cut never crosses a line break, so it falls inside one stripped line."""
    cuts = _sentence_cuts(text)
    if not cuts:
        return list(lines)
    spans: list[Span] = []
    i, n = 0, len(cuts)
    for line in lines:
        if i == n or cuts[i][0] >= line.end:
            spans.append(line)
            continue
        start = line.start
        while i < n and cuts[i][0] < line.end:
            cut, after = cuts[i]
            i += 1
            if not _ends_with_abbreviation(text, start, cut):
                spans.append(Span(start, cut, text[start:cut]))
                start = after
        spans.append(Span(start, line.end, text[start : line.end]))
    return spans


def _sentence_cuts(text: str) -> list[tuple[int, int]]:
    """Each sentence end as (one past its stop, where the spaces after it end), in text order."""
    ends: list[tuple[int, int]] = []
    stops = 0
    for stop, pattern in _SENT_ENDS:
        if stop in text:  # "!" and "?" are rare: skip their scans when absent
            ends += [m.span(1) for m in pattern.finditer(text)]
            stops += 1
    if stops > 1:
        ends.sort()
    return ends


def _split_lines(text: str) -> list[Span]:
    spans: list[Span] = []
    pos = 0
    for raw in text.split("\n"):
        size = len(raw)
        line = raw.strip()
        if line:
            start = pos if len(line) == size else pos + size - len(raw.lstrip())
            spans.append(Span(start, start + len(line), line))
        pos += size + 1
    return spans


def _append_piece(spans: list[Span], line: str, base: int, start: int, end: int) -> None:
    """Append ``line[start:end]`` less its surrounding white space, at offset ``base``."""
    piece = line[start:end]
    stripped = piece.strip()
    if stripped:
        if len(stripped) != len(piece):
            start += len(piece) - len(piece.lstrip())
        spans.append(Span(base + start, base + start + len(stripped), stripped))


def _ends_with_abbreviation(text: str, start: int, cut: int) -> bool:
    """Whether the sentence ``text[start:cut]`` (ending at its stop) ends with an
    abbreviation, an initial or, as its only word, a list marker: no sentence end then."""
    if cut - start > _LONG_WORD and text[cut - _LONG_WORD : cut - 1].isalpha():
        return False  # the stop ends a word longer than any abbreviation or marker
    # the last word, and whether there is more than one (the sentence ends at its stop, not
    # at quotes or brackets after it, and opens with no white space: it has a word)
    words = text[start:cut].rsplit(None, 1)
    word = words[-1]
    if len(words) == 1 and _LIST_MARKER.fullmatch(word):  # "1. Item", "a. Item"
        return True
    return word.rstrip(".").lower() in _ABBREVIATIONS or (len(word) == 2 and word[0].isupper())


def _append_trimmed(spans: list[Span], text: str, start: int, end: int) -> None:
    _append_piece(spans, text, 0, start, end)
