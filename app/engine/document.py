"""The document the engine works on: normalised text with paragraph and sentence spans."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property

from app.engine.brief import BriefKind

_MANY_BLANK = re.compile(r"\n{3,}")
# Runs of inner white space become one space. A lone " " is left alone (it is already what the
# run would become), so only runs of two or more, or a single other space character, match.
_OTHER_SPACE = r"\t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000"
_INNER_WS = re.compile(rf"[ {_OTHER_SPACE}]{{2,}}|[{_OTHER_SPACE}]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")

# A sentence ends at . ! ? (optionally closed by quotes/brackets) followed by whitespace and
# an opener; a period inside a token (1.2.3.4, evil.com, v2.1) never ends one.
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
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
_LIST_MARKER = re.compile(r"(\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})\.")
_PARA_SPLIT = re.compile(r"\n\s*\n")


def normalise_text(raw: str) -> str:
    """Return the canonical form of a text: NFC, LF line ends, folded spaces, no blank runs."""
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _INNER_WS.sub(" ", text)
    if " \n" in text:  # after the fold, trailing white space is one space before the break
        text = text.replace(" \n", "\n")
    text = _MANY_BLANK.sub("\n\n", text)
    return text.strip()


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

    @classmethod
    def from_raw(cls, raw: str, **kwargs: object) -> Document:
        """Build a document from unnormalised text."""
        return cls(text=normalise_text(raw), **kwargs)  # type: ignore[arg-type]

    @cached_property
    def sha256(self) -> str:
        return text_sha256(self.text)

    @cached_property
    def paragraphs(self) -> list[Span]:
        return split_paragraphs(self.text)

    @cached_property
    def sentences(self) -> list[Span]:
        return split_sentences(self.text)

    @cached_property
    def lines(self) -> list[Span]:
        return _split_lines(self.text)

    @cached_property
    def sentence_starts(self) -> list[int]:
        """The start offset of every sentence, for bisecting."""
        return [s.start for s in self.sentences]

    def sentences_within(self, start: int, end: int) -> list[Span]:
        """The sentences that start inside ``[start, end)`` (a line's sentences, say)."""
        starts = self.sentence_starts
        return self.sentences[bisect_left(starts, start) : bisect_left(starts, end)]


def split_paragraphs(text: str) -> list[Span]:
    """Split on blank lines, keeping offsets."""
    spans: list[Span] = []
    pos = 0
    for match in _PARA_SPLIT.finditer(text):
        _append_trimmed(spans, text, pos, match.start())
        pos = match.end()
    _append_trimmed(spans, text, pos, len(text))
    return spans


def split_sentences(text: str) -> list[Span]:
    """Split into sentences; every line break also ends one (lists, headings, notes)."""
    spans: list[Span] = []
    pos = 0
    for raw in text.split("\n"):
        base = pos
        pos += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        base += len(raw) - len(raw.lstrip())
        start = 0
        for match in _SENT_END.finditer(line):
            cut = match.start()
            if _ends_with_abbreviation(line, start, cut):
                continue
            _append_piece(spans, line, base, start, cut)
            start = match.end()
        _append_piece(spans, line, base, start, len(line))
    return spans


def _split_lines(text: str) -> list[Span]:
    spans: list[Span] = []
    pos = 0
    for raw in text.split("\n"):
        start = pos
        pos += len(raw) + 1
        line = raw.strip()
        if line:
            start += len(raw) - len(raw.lstrip())
            spans.append(Span(start, start + len(line), line))
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
    head = text[start:cut].rstrip("\"'”’)]")
    words = head.rsplit(None, 1)  # the last word, and whether there is more than one
    word = words[-1] if words else ""
    if len(words) == 1 and _LIST_MARKER.fullmatch(word):  # "1. Item", "a. Item"
        return True
    return word.rstrip(".").lower() in _ABBREVIATIONS or (len(word) == 2 and word[0].isupper())


def _append_trimmed(spans: list[Span], text: str, start: int, end: int) -> None:
    _append_piece(spans, text, 0, start, end)
