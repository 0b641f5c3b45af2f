"""``action_item_id``'s ASCII fast path makes the key its general (regex) path makes.

The id is a contract: ticketing systems store it, so the same text must keep its id. The fast
path is taken for every ASCII text; these tests hold it equal to the general path on random
text (a seeded generator, and Hypothesis).
"""

from __future__ import annotations

import hashlib
import random
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.brief import action_item_id

# Characters a key treats differently: letters of both cases, digits, the underscore (a word
# character), punctuation, every kind of ASCII white space and control character.
_ALPHABET = string.ascii_letters + string.digits + "_" + string.punctuation + " \t\n\r\x0b\x0c"
_ASCII = "".join(map(chr, range(128)))


def _general_id(text: str) -> str:
    """The id as the general path derives it, for any text."""
    key = re.sub(r"\W+", " ", text.lower()).strip()
    return "ai_" + hashlib.sha256(key.encode()).hexdigest()[:12]


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "_",
        "__init__",
        "Patch the VPN, then rotate keys!",
        "  - Block evil[.]com (Alice, by Friday)  ",
        "A_B\tc\x1fd\x7fE",
        "!!!",
        "x",
    ],
)
def test_fast_path_matches_general_path_on_examples(text: str) -> None:
    assert text.isascii()
    assert action_item_id(text) == _general_id(text)


def test_fast_path_matches_general_path_on_random_text() -> None:
    rng = random.Random(20240515)
    for _ in range(5000):
        alphabet = _ALPHABET if rng.random() < 0.7 else _ASCII
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80)))
        assert action_item_id(text) == _general_id(text), repr(text)


def test_non_ascii_text_keeps_the_general_path() -> None:
    for text in ("Café — patch the VPN", "ſhould İstanbul", "Ａｌｉｃｅ to call", "K elvin"):
        assert action_item_id(text) == _general_id(text)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_fast_path_matches_general_path_with_hypothesis(text: str) -> None:
    assert action_item_id(text) == _general_id(text)
