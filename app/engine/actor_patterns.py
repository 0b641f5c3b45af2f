"""Case-insensitive patterns that run as faster case-sensitive ones on lowercased text.

``re.IGNORECASE`` folds the case of every character it compares, which makes a pattern
that opens with a long alternation of words two to three times slower. On ASCII text,
lowercasing the text and matching a pattern whose letters are all lowercase finds the same
spans; on any other text the case-insensitive pattern is used as it is. Lowercasing a long
text that is not all ASCII is slow, so the pieces a pattern reads are lowercased instead.
"""

from __future__ import annotations

import re
import sys

_LETTERS_OUTSIDE_ESCAPES = re.compile(r"\\.|([A-Z])")


class Caseless:
    """A pattern compiled twice: case-insensitive, and as written for lowercased ASCII text."""

    __slots__ = ("any_case", "lower")

    def __init__(self, pattern: str) -> None:
        if any(m.group(1) for m in _LETTERS_OUTSIDE_ESCAPES.finditer(pattern)):
            raise ValueError(f"write the pattern in lowercase: {pattern!r}")
        self.any_case = re.compile(pattern, re.IGNORECASE)
        self.lower = re.compile(pattern)

    def search(
        self, text: str, low: str | None, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        """Search ``text``; ``low`` is its lowercased form, searched instead when not None."""
        if low is not None:
            return self.lower.search(low, pos, endpos)
        return self.any_case.search(text, pos, endpos)

    def match(
        self, text: str, low: str | None, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        """Match at ``pos`` in ``text`` (see ``search``)."""
        if low is not None:
            return self.lower.match(low, pos, endpos)
        return self.any_case.match(text, pos, endpos)


def lowered(text: str) -> str | None:
    """``text.lower()`` when a case-sensitive match in it is a case-insensitive one in ``text``.

    That holds for ASCII text, and for any text whose lowercase form keeps every offset and
    which lacks the dotless i and the long s (``re.IGNORECASE`` matches them to "i" and "s",
    ``str.lower`` leaves them be).
    """
    low = text.lower()
    if text.isascii() or (len(low) == len(text) and "\u0131" not in text and "\u017f" not in text):
        return low
    return None


_SAFE_LOWER: list[tuple[str, str | None]] = []


def lowered_document(text: str) -> str | None:
    """``lowered(text)``, remembered for the last text asked about."""
    if not _SAFE_LOWER or _SAFE_LOWER[0][0] is not text:
        _SAFE_LOWER[:] = [(text, lowered(text))]
    return _SAFE_LOWER[0][1]
