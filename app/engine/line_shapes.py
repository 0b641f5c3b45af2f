"""What each line of a document looks like, worked out once and shared by summary and actions.

A list marker, a heading, a task marker: every stage that walks the lines asks the same
questions, so the answers are kept on the document (``Document.view``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from app.engine.action_rules import CHECKBOX, PREFIX
from app.engine.document import Document
from app.engine.kind import LIST_MARKER, is_bare_heading, is_question_heading

_LIST_OPENERS = "-*•+▪◦‣("  # and a lower-case letter or a digit
# How PREFIX's forms open, lower-cased: action, follow-up, to-do/TODO, next step, AI:, done,
# completed. No other character matches these letters case-blind (as "ſ" does "s").
_TASK_STARTS = ("ac", "fo", "to", "ne", "ai", "do", "co")
_TASK_HEADS = frozenset(  # each in every mix of case, so a line's two need no lower()
    a + b
    for start in _TASK_STARTS
    for a in {start[0], start[0].upper()}
    for b in {start[1], start[1].upper()}
)
_SENTENCE_END = ".!;,"  # kind.is_heading: no heading but a Markdown one ends so
# kind.is_heading's Markdown and bold-line patterns: the first opens with '#', the second with
# '**' or '__'.
_MD_HEADING = re.compile(r"#{1,6}\s+")
_BOLD_LINE = re.compile(r"(?:\*\*|__)(?P<inner>[^*_]+?)(?:\*\*|__):?$")
_MAX_LEAD_IN_WORDS = 30


class LineShape(NamedTuple):
    """The shape of one line of ``Document.lines`` (same index)."""

    marker: int  # where the text starts after a list marker ("- ", "1. "); 0 without one
    heading: bool  # kind.is_heading: never true for a list item
    explicit: bool  # a task marker (ACTION:, TODO, [ ]) opens the text after any list marker


def line_shapes(doc: Document) -> list[LineShape]:
    """The shape of every line of ``doc``, in the order of ``doc.lines``."""
    return doc.view("line_shapes", _classify)


# The shapes of most lines, made once: a heading, a line of prose, each without a task marker.
_HEADING = LineShape(0, True, False)
_PROSE = LineShape(0, False, False)
# Makes a LineShape from a tuple of its fields, without the Python-level __new__ of a NamedTuple
_new_shape = tuple.__new__


def _classify(doc: Document) -> list[LineShape]:
    shapes: list[LineShape] = []
    append = shapes.append
    for line in doc.lines:
        text = line.text
        first = text[0]  # a marker opens with one of a few characters: test that inline
        start = 0  # ("a." or "a)" when it is a letter)
        if first in _LIST_OPENERS or ("a" <= first <= "z" and text[1:2] in ".)") or first.isdigit():
            marker = LIST_MARKER.match(text)
            start = marker.end() if marker else 0
        # CHECKBOX opens with '[', PREFIX with _TASK_HEADS
        explicit = (text[start] == "[" or text[start : start + 2] in _TASK_HEADS) and (
            CHECKBOX.match(text, start) is not None or PREFIX.match(text, start) is not None
        )
        if start:  # a list item: never a heading
            append(_new_shape(LineShape, (start, False, explicit)))
        # is_heading's first test, inline: a line that ends like a sentence is no heading
        elif (text[-1] not in _SENTENCE_END or first == "#") and _reads_as_heading(text):
            append(_new_shape(LineShape, (0, True, True)) if explicit else _HEADING)
        else:
            append(_new_shape(LineShape, (0, False, True)) if explicit else _PROSE)
    return shapes


def _reads_as_heading(line: str) -> bool:
    """``kind.is_heading`` of a line that is stripped, no list item and ends in no '.!;,'.

    (A line of ``Document.lines`` is stripped; the caller has ruled out the rest.)
    """
    if line[0] in "#*_" and (_MD_HEADING.match(line) or _BOLD_LINE.match(line)):
        return True
    if line[-1] == ":" and len(line.split()) <= _MAX_LEAD_IN_WORDS:
        return True
    return is_bare_heading(line) or is_question_heading(line)
