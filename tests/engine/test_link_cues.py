"""Tests for the link reader's cue phrases."""

from __future__ import annotations

import re

import pytest

from app.engine.actor_patterns import lowered
from app.engine.link_cues import (
    ACCORDING_BEFORE,
    ASSOCIATE_BEFORE,
    ATTRIBUTE_BEFORE,
    ATTRIBUTED,
    DEVELOPED,
    LINK_VERB_BEFORE,
    LIST_GAPS,
    NEGATION,
    REPORTED,
    SPONSORED,
    SPONSORED_BY,
    TARGETED_BY,
    TRACKED_BEFORE,
    USED_BY,
    Cue,
    TailCue,
)

CUES = [
    NEGATION,
    ATTRIBUTED,
    DEVELOPED,
    REPORTED,
    USED_BY,
    LINK_VERB_BEFORE,
    ASSOCIATE_BEFORE,
    ACCORDING_BEFORE,
    SPONSORED,
    SPONSORED_BY,
    TARGETED_BY,
]
WORDS = [
    "",
    " is not ",
    " cannot be ",
    " knows no ",
    " isn't ",
    " unlike the ",
    " rather than ",
    " was attributed by analysts to ",
    " attribution to ",
    " was developed by ",
    " was built and then maintained by ",
    ", according to ",
    ", accordingly to ",
    " reported first by ",
    " tracked by ",
    " as per ",
    " (see the report published by ",
    " research from ",
    " was deployed by ",
    " in use by ",
    "the report links ",
    "the report links the ",
    "the report unlinks ",
    "associated with ",
    "is associated ",
    "per ",
    "researchers at ",
    "unreported by ",
    " no ",
    "no",
    "nothing ",
    " works on behalf of the ",
    ", a unit run by ",
    " network, sponsored by ",
    " is based in ",
    " worked for ",
    " workforce ",
    " rerun by ",
    " was breached by ",
    " compromised  by ",
    " attribute the group ",
    " attributes ",
    " tracked by ",
    " known by ",
    " was referred to by ",
]


@pytest.mark.parametrize("cue", CUES)
def test_cue_found_agrees_with_its_whole_pattern(cue: Cue) -> None:
    for words in WORDS:
        for text in (words, words.upper(), words.title()):
            expected = cue.pattern.any_case.search(text) is not None
            assert cue.found(text, text.lower()) is expected, text
            assert cue.found(text, None) is expected, text


def test_cue_found_tries_an_alternative_only_from_its_first_literal() -> None:
    cue = Cue((r"\bby\b", ("by",)))
    assert cue.found(" stand by ", " stand by ")
    assert not cue.found(" bypass ", " bypass ")
    assert cue.found(" bypass by ", " bypass by ")


# The tail cues as they were first written, as regexes.
TAIL_PATTERNS = [
    (LINK_VERB_BEFORE, r"\b(?:links?|linked|linking|ties|tied|connects?)\s+(?:the\s+)?$"),
    (ASSOCIATE_BEFORE, r"\bassociat\w*\s+(?:the\s+)?$"),
    (
        ACCORDING_BEFORE,
        r"\b(?:according to|as per|per|researchers (?:at|from))\s+(?:the\s+)?$",
    ),
    (ATTRIBUTE_BEFORE, r"\battribut(?:e|es|ed|ing)\s+(?:the\s+)?$"),
    (
        TRACKED_BEFORE,
        r"\b(?:tracked by|known by|named by|called by|designated by|referred to by)"
        r"\s+(?:the\s+)?$",
    ),
]
TAILS = [
    *WORDS,
    "links the the ",
    "links\tthe\n",
    "links\u00a0",
    "links the",
    "linksthe ",
    "relinks ",
    "the report links_ ",
    "bathe ",
    "associatethe ",
    "associated the  ",
    "associated-with ",
    "disassociated ",
    "associated, ",
    "associatedé ",
    "paper ",
    "as per the ",
    "researchers from the ",
    "researchers fromthe ",
    "(according to ",
    "per\n",
    " ",
    "the ",
    "  the ",
]


@pytest.mark.parametrize(("cue", "pattern"), TAIL_PATTERNS)
def test_tail_cue_found_agrees_with_the_regex(cue: TailCue, pattern: str) -> None:
    for words in TAILS:
        for text in (words, words.upper(), words.title()):
            expected = re.search(pattern, text, re.IGNORECASE) is not None
            assert cue.found(text, lowered(text)) is expected, text
            assert cue.found(text, None) is expected, text


@pytest.mark.parametrize(
    "gap", [",", "and", ", the", "and the", ", and the", "), the", ") and", "(", "/", "or the ("]
)
def test_list_gaps_hold_brackets_and_the_around_a_separator(gap: str) -> None:
    assert gap in LIST_GAPS


@pytest.mark.parametrize("gap", ["to", "uses the", "the", "theme", ", a", "and a"])
def test_list_gaps_hold_no_other_words(gap: str) -> None:
    assert gap not in LIST_GAPS
