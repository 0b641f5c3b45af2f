"""Split a document into token-bounded chunks on paragraph, then sentence, boundaries.

Paragraphs are packed greedily until the budget (less the overlap) is reached; a paragraph
that does not fit on its own is cut into sentences, and a sentence that does not fit into
runs of whole words. Each chunk after the first starts with the last sentences of the one
before (up to ``overlap_tokens``), so a statement cut by a boundary is still read whole once.
Every chunk knows its ``[start, end)`` offsets in the document's text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from app.engine.document import Document, Span
from app.engine.tokens import count_tokens, count_tokens_many

_WORD = re.compile(r"\S+")
SHORT_CHARS_PER_TOKEN = 6
Counter = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class Chunk:
    """A run of the document sent to the model as one request."""

    index: int
    start: int
    end: int
    text: str
    tokens: int


def chunk_document(
    doc: Document, *, model: str, max_tokens: int = 6000, overlap_tokens: int = 150
) -> list[Chunk]:
    """Cut ``doc`` into chunks of at most ``max_tokens`` tokens (overlap included)."""
    if max_tokens < 16:
        raise ValueError("max_tokens must be at least 16")
    overlap = max(0, min(overlap_tokens, max_tokens // 4))

    def count(value: str) -> int:
        return count_tokens(value, model)

    if len(doc.text) <= max_tokens * SHORT_CHARS_PER_TOKEN:  # likely one chunk: count once
        whole = count(doc.text)
        if whole <= max_tokens:
            return [Chunk(0, 0, len(doc.text), doc.text, whole)]
    units = _units(doc, max_tokens - overlap, model, count)
    groups = _pack(units, max_tokens - overlap)
    sentences = doc.sentences
    spans: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(groups):
        if index and overlap:
            start = _overlap_start(sentences, groups[index - 1], start, overlap, count)
        spans.append((start, end))
    texts = [doc.text[start:end] for start, end in spans]
    tokens = count_tokens_many(texts, model)
    return [
        Chunk(i, start, end, text, n)
        for i, ((start, end), text, n) in enumerate(zip(spans, texts, tokens, strict=True))
    ]


def _units(doc: Document, budget: int, model: str, count: Counter) -> list[tuple[int, int, int]]:
    """(start, end, tokens) of pieces that each fit the budget, in text order."""
    units: list[tuple[int, int, int]] = []
    starts = [s.start for s in doc.sentences]
    paragraphs = doc.paragraphs
    counts = count_tokens_many([p.text for p in paragraphs], model)
    for para, tokens in zip(paragraphs, counts, strict=True):
        if tokens <= budget:
            units.append((para.start, para.end, tokens))
            continue
        lo, hi = bisect_left(starts, para.start), bisect_left(starts, para.end)
        for sentence in doc.sentences[lo:hi]:
            units.extend(_sentence_units(sentence, budget, count))
    return units


def _sentence_units(sentence: Span, budget: int, count: Counter) -> list[tuple[int, int, int]]:
    tokens = count(sentence.text)
    if tokens <= budget:
        return [(sentence.start, sentence.end, tokens)]
    return _word_units(sentence, budget, count)


def _word_units(span: Span, budget: int, count: Counter) -> list[tuple[int, int, int]]:
    """Runs of whole words under the budget; a single over-long word is cut by characters."""
    units: list[tuple[int, int, int]] = []
    run_start: int | None = None
    run_end = run_tokens = 0
    for match in _WORD.finditer(span.text):
        start, end = span.start + match.start(), span.start + match.end()
        tokens = count(" " + match.group())
        if tokens > budget:
            if run_start is not None:
                units.append((run_start, run_end, run_tokens))
                run_start, run_tokens = None, 0
            units.extend(_char_units(span.text, span.start, start, end, budget, count))
            continue
        if run_start is not None and run_tokens + tokens > budget:
            units.append((run_start, run_end, run_tokens))
            run_start, run_tokens = None, 0
        run_start = start if run_start is None else run_start
        run_end, run_tokens = end, run_tokens + tokens
    if run_start is not None:
        units.append((run_start, run_end, run_tokens))
    return units


def _char_units(
    text: str, base: int, start: int, end: int, budget: int, count: Counter
) -> list[tuple[int, int, int]]:
    units: list[tuple[int, int, int]] = []
    step = max(1, budget)  # one character is rarely more than one token; halve when it is
    pos = start
    while pos < end:
        cut = min(end, pos + step)
        piece = text[pos - base : cut - base]
        tokens = count(piece)
        if tokens > budget and cut - pos > 1:
            step = max(1, step // 2)
            continue
        units.append((pos, cut, tokens))
        pos = cut
    return units


def _pack(units: list[tuple[int, int, int]], budget: int) -> list[tuple[int, int]]:
    """Greedy packing of consecutive units into (start, end) groups under the budget."""
    groups: list[tuple[int, int]] = []
    start = end = used = 0
    for unit_start, unit_end, tokens in units:
        if used and used + tokens + 1 > budget:
            groups.append((start, end))
            used = 0
        if not used:
            start = unit_start
        end, used = unit_end, used + tokens + 1
    if used:
        groups.append((start, end))
    return groups


def _overlap_start(
    sentences: list[Span], previous: tuple[int, int], start: int, overlap: int, count: Counter
) -> int:
    """Move ``start`` back over the previous group's last sentences, up to ``overlap`` tokens."""
    index = bisect_right([s.start for s in sentences], start) - 1
    new_start, used = start, 0
    while index >= 0:
        sentence = sentences[index]
        index -= 1
        if sentence.start >= start:
            continue
        if sentence.start < previous[0]:
            break
        used += count(sentence.text) + 1
        if used > overlap:
            break
        new_start = sentence.start
    return new_start
