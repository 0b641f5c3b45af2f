"""Tests for the sentences the link reader reads."""

from __future__ import annotations

from app.engine.actors import find_actors
from app.engine.document import Document
from app.engine.link_mentions import Mention, count_by_sentence, find_mentions
from app.engine.link_sentences import sentences_with_pairs


def test_count_by_sentence_counts_mentions_by_the_sentence_they_start_in() -> None:
    mentions = [Mention(0, 2, 0), Mention(5, 7, 1), Mention(8, 9, 2), Mention(30, 32, 2)]
    counts = count_by_sentence([4, 10, 20], [m.start for m in mentions])
    assert list(counts.items()) == [(-1, 1), (0, 2), (2, 1)]


def test_sentences_with_pairs_count_this_backdoor_as_a_mention() -> None:
    doc = Document.from_raw(
        "APT29 deployed WINELOADER against embassies. "
        "Mandiant said the backdoor contacts its server. "
        "The weather was fine."
    )
    actors = find_actors(doc).actors
    kinds = [a.type.value for a in actors]
    pairs = sentences_with_pairs(doc, find_mentions(doc.text, actors), kinds)
    read = [sentence.text for sentence, _ in pairs]
    assert read[0].startswith("APT29 deployed")
    assert any(text.startswith("Mandiant said") for text in read)
    assert not any("weather" in text for text in read)
