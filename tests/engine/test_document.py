from app.engine.document import (
    _ABBREVIATIONS,
    _LIST_MARKER,
    Document,
    _ends_with_abbreviation,
    normalise_text,
    split_paragraphs,
    split_sentences,
)


def test_normalise_text_folds_line_ends_spaces_and_blank_runs() -> None:
    raw = "\ufeffTitle\r\n\r\n\r\n\r\nBody\u00a0text  here\t \r\nnext\u200b line  "
    assert normalise_text(raw) == "Title\n\nBody text here\nnext line"


def test_normalise_text_is_idempotent() -> None:
    raw = "A  b\r\n\n\n\nc \u2003d"
    once = normalise_text(raw)
    assert normalise_text(once) == once


def test_split_sentences_keeps_dotted_tokens_whole() -> None:
    text = "The C2 was evil.com at 10.1.2.3 on v2.1. Then e.g. the U.S. government reacted. Done!"
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == [
        "The C2 was evil.com at 10.1.2.3 on v2.1.",
        "Then e.g. the U.S. government reacted.",
        "Done!",
    ]


def test_split_sentences_offsets_point_into_text() -> None:
    text = "First one. Second one?\n- a list item\n\n1. Numbered item"
    for span in split_sentences(text):
        assert text[span.start : span.end] == span.text
    assert [s.text for s in split_sentences(text)][-1] == "1. Numbered item"


def test_split_paragraphs_on_blank_lines() -> None:
    text = "one\nstill one\n\ntwo\n\n\nthree"
    assert [p.text for p in split_paragraphs(text)] == ["one\nstill one", "two", "three"]


def test_document_paragraphs_match_split_paragraphs_on_unnormalised_text() -> None:
    # Document builds its paragraphs from its lines; both ways must cut at the same blank lines
    text = "  Title \n\nOne\n  two  \n \t\n\x1c\nThree\u2028four\n\n\n\nLast\n \n"
    doc = Document(text=text)
    assert doc.paragraphs == split_paragraphs(text)
    assert [p.text for p in doc.paragraphs] == ["Title", "One\n  two", "Three\u2028four", "Last"]


def test_document_sha256_identifies_normalised_text() -> None:
    a = Document.from_raw("Same text.\r\n")
    b = Document.from_raw("Same text.")
    assert a.sha256 == b.sha256
    assert a.sha256 != Document.from_raw("Other text.").sha256


def _ends_with_abbreviation_in_full(text: str, start: int, cut: int) -> bool:
    """The abbreviation test read word by word, without the long-word shortcut."""
    head = text[start:cut].rstrip("\"'”’)]")
    words = head.rsplit(None, 1)
    word = words[-1] if words else ""
    if len(words) == 1 and _LIST_MARKER.fullmatch(word):
        return True
    return word.rstrip(".").lower() in _ABBREVIATIONS or (len(word) == 2 and word[0].isupper())


def test_long_word_shortcut_agrees_with_the_full_abbreviation_test() -> None:
    words = [
        *("approx", "Approx", "approxi", "approximately", "systems", "e.g", "U.S", "Inc"),
        *("corp", "x", "A", "iv", "xviii", "12", "abcdefg", "abcdefgh", "Müller", "İİİİİİİ"),
        *("etc..", "approx..", "word)", "groupé", "fig"),
    ]
    for word in words:
        for stop in ".!?":
            for lead in ("", "See ", "Then the long word "):
                text = f"{lead}{word}{stop} Next"
                cut = len(lead) + len(word) + 1
                for start in range(cut):
                    expected = _ends_with_abbreviation_in_full(text, start, cut)
                    assert _ends_with_abbreviation(text, start, cut) is expected, (text, start)
