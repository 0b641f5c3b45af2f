"""Extractive summary and key points."""

from __future__ import annotations

from pathlib import Path

from app.engine.document import Document
from app.engine.summary import summarise

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _doc(name: str) -> Document:
    return Document.from_raw((SEEDS / name).read_text(encoding="utf-8"))


def test_summarise_seed_names_the_actor_and_its_backdoor() -> None:
    result = summarise(_doc("sandman-luadream-article.txt"))
    assert "Sandman" in result.summary
    assert "LuaDream" in result.summary
    assert len(result.summary.split()) <= 120


def test_summarise_seed_skips_chatter_furniture_and_the_title() -> None:
    result = summarise(_doc("sandman-luadream-article.txt"))
    everything = " ".join([result.summary, *result.key_points])
    assert "I hope this analysis helps" not in everything
    assert "Let me know" not in everything
    assert "08:48AM" not in everything
    assert "Full Article" not in everything
    assert "Sandman Cyberespionage Group Linked to China" not in everything


def test_summarise_seed_key_points_are_few_distinct_and_short() -> None:
    points = summarise(_doc("sandman-luadream-article.txt")).key_points
    assert 3 <= len(points) <= 5
    assert len(set(points)) == len(points)
    assert all(len(point.split()) <= 30 for point in points)


def test_summarise_keeps_document_order() -> None:
    doc = _doc("sandman-luadream-article.txt")
    sentences = [s.rstrip(".") for s in summarise(doc).summary.split(". ")]
    positions = [doc.text.find(s[:40]) for s in sentences]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)


def test_summarise_is_deterministic() -> None:
    doc = _doc("sandman-luadream-article.txt")
    assert summarise(doc) == summarise(_doc("sandman-luadream-article.txt"))


def test_summarise_meeting_notes_leaves_out_the_task_list() -> None:
    result = summarise(_doc("meeting-notes-cti-weekly-sync.md"))
    assert "LuaDream" in result.summary
    assert "Attendees" not in result.summary
    assert "YARA rule to cut false positives" not in result.summary


def test_summarise_very_long_document_stays_within_budget() -> None:
    topics = ["ransomware", "phishing", "botnet", "wiper", "stealer", "loader", "rootkit"]
    paragraphs = [
        f"Report {i} describes a {topics[i % 7]} campaign against sector {i % 13}. "
        f"The operators reused infrastructure number {i} and rotated domains weekly. "
        f"Analysts linked cluster {i % 17} to earlier {topics[(i + 3) % 7]} activity."
        for i in range(5000)
    ]
    result = summarise(Document.from_raw("\n\n".join(paragraphs)))
    assert 0 < len(result.summary.split()) <= 120
    assert 3 <= len(result.key_points) <= 5


def test_summarise_respects_a_small_word_budget_even_for_one_long_sentence() -> None:
    sentence = " ".join(["The backdoor contacted its server"] * 20) + "."
    result = summarise(Document.from_raw(sentence), max_words=25)
    assert 0 < len(result.summary.split()) <= 25


def test_summarise_empty_document_is_empty() -> None:
    result = summarise(Document(text=""))
    assert (result.summary, result.key_points) == ("", [])


def test_summarise_counts_words_parted_by_any_white_space() -> None:
    spaces = [chr(i) for i in range(0x3001) if chr(i).isspace() and chr(i) not in " \n"]
    for space in spaces:  # five words, no " " between them: a sentence long enough to keep
        text = space.join(["Alpha", "beta", "gamma", "delta", "epsilon."])
        assert summarise(Document(text=text)).summary == text, repr(space)


def test_summarise_keeps_a_list_item_that_opens_with_an_enumeration() -> None:
    doc = Document.from_raw("Notes on the week.\n\n- 12. The actor reused the loader. It spread.")
    assert "12. The actor reused the loader." in summarise(doc).summary


def test_summarise_drops_a_repeat_that_differs_only_in_punctuation() -> None:
    first = "The loader -- now signed -- reached 'finance' hosts in March."
    repeat = "The loader, now signed, reached finance hosts in March!"
    other = "Analysts traced the signing certificate to a stolen vendor account."
    for tail in ("", " Café staff were not affected."):  # an ASCII text, and one that is not
        result = summarise(Document.from_raw(f"{first} {other} {repeat}{tail}"))
        everything = " ".join([result.summary, *result.key_points])
        assert "hosts in March" in everything
        assert repeat not in everything
