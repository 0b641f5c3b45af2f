"""Align quotes and names to character spans of the stored text.

Three tries, cheapest first: exact, then case- and whitespace-insensitive, then fuzzy.
``grounded`` is true only when the text at ``[start, end)`` matches the quote (exactly or
after case/whitespace folding); a fuzzy hit gives the best span but stays ungrounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from app.engine.brief import Evidence

FUZZY_MIN_SCORE = 90.0
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Alignment:
    start: int
    end: int
    method: str  # exact | folded | fuzzy | none


def align(text: str, quote: str, *, hint: int = 0) -> Alignment:
    """Find where ``quote`` stands in ``text``, preferring the first hit at or after ``hint``."""
    quote = quote.strip()
    if not quote:
        return Alignment(0, 0, "none")
    found = _find_exact(text, quote, hint)
    if found is not None:
        return Alignment(found, found + len(quote), "exact")
    folded = _find_folded(text, quote, hint)
    if folded is not None:
        return Alignment(*folded, "folded")
    fuzzy = _find_fuzzy(text, quote)
    if fuzzy is not None:
        return Alignment(*fuzzy, "fuzzy")
    return Alignment(0, 0, "none")


def ground(text: str, quote: str, *, hint: int = 0) -> Evidence:
    """Return evidence for ``quote``, with offsets and the grounded flag set honestly."""
    hit = align(text, quote, hint=hint)
    if hit.method == "none":
        return Evidence(quote=quote, start=0, end=0, grounded=False)
    grounded = hit.method != "fuzzy" and spans_match(text, hit.start, hit.end, quote)
    return Evidence(
        quote=text[hit.start : hit.end], start=hit.start, end=hit.end, grounded=grounded
    )


def evidence_at(text: str, start: int, end: int) -> Evidence:
    """Evidence for a span already known to be in ``text``."""
    return Evidence(
        quote=text[start:end], start=start, end=end, grounded=0 <= start < end <= len(text)
    )


def spans_match(text: str, start: int, end: int, quote: str) -> bool:
    """True when the text at ``[start, end)`` equals ``quote`` up to case and whitespace."""
    if not 0 <= start < end <= len(text):
        return False
    return _fold(text[start:end]) == _fold(quote)


def verify(text: str, evidence: Evidence) -> Evidence:
    """Re-check an evidence item against the text, re-aligning it if its offsets are off."""
    if spans_match(text, evidence.start, evidence.end, evidence.quote):
        return evidence.model_copy(update={"grounded": True})
    return ground(text, evidence.quote)


def _fold(value: str) -> str:
    return _WS.sub(" ", value).strip().casefold()


def _find_exact(text: str, quote: str, hint: int) -> int | None:
    pos = text.find(quote, hint)
    if pos < 0 and hint:
        pos = text.find(quote)
    return pos if pos >= 0 else None


def _find_folded(text: str, quote: str, hint: int) -> tuple[int, int] | None:
    words = quote.split()
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    match = pattern.search(text, hint) or (pattern.search(text) if hint else None)
    return (match.start(), match.end()) if match else None


def _find_fuzzy(text: str, quote: str) -> tuple[int, int] | None:
    if len(quote) < 12:  # short strings match too much by chance
        return None
    result = fuzz.partial_ratio_alignment(quote, text, score_cutoff=FUZZY_MIN_SCORE)
    if result is None:
        return None
    return result.dest_start, result.dest_end
