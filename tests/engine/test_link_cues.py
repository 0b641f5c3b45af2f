"""Tests for the link reader's cue phrases."""

from __future__ import annotations

import pytest

from app.engine.link_cues import (
    ACCORDING_BEFORE,
    ASSOCIATE_BEFORE,
    ATTRIBUTED,
    DEVELOPED,
    LINK_VERB_BEFORE,
    NEGATION,
    REPORTED,
    USED_BY,
    Cue,
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
