"""Chunks stay under the token budget, cut on paragraph/sentence boundaries, and cover the text."""

from __future__ import annotations

import itertools

from app.engine.chunking import Chunk, chunk_document
from app.engine.document import Document
from app.engine.tokens import count_tokens

MODEL = "gpt-4o"


def _paragraph(i: int) -> str:
    return " ".join(
        f"Paragraph {i} sentence {j} says the Sandman actor reused LuaDream in telecom."
        for j in range(6)
    )


def _doc(paragraphs: int) -> Document:
    return Document.from_raw("\n\n".join(_paragraph(i) for i in range(paragraphs)))


def _covered(doc: Document, chunks: list[Chunk]) -> bool:
    covered = [False] * len(doc.text)
    for chunk in chunks:
        for i in range(chunk.start, chunk.end):
            covered[i] = True
    return all(covered[i] for i, ch in enumerate(doc.text) if not ch.isspace())


def test_chunking_short_document_is_one_chunk() -> None:
    doc = _doc(2)
    chunks = chunk_document(doc, model=MODEL, max_tokens=6000)
    assert [(c.start, c.end) for c in chunks] == [(0, len(doc.text))]
    assert chunks[0].tokens == count_tokens(doc.text, MODEL)


def test_chunking_long_document_respects_budget_and_covers_everything() -> None:
    doc = _doc(60)
    chunks = chunk_document(doc, model=MODEL, max_tokens=400, overlap_tokens=40)
    assert len(chunks) > 5
    assert all(c.tokens <= 400 for c in chunks)
    assert all(c.text == doc.text[c.start : c.end] for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert _covered(doc, chunks)


def test_chunking_boundaries_fall_on_sentences() -> None:
    doc = _doc(30)
    starts = {s.start for s in doc.sentences}
    ends = {s.end for s in doc.sentences}
    chunks = chunk_document(doc, model=MODEL, max_tokens=300, overlap_tokens=30)
    assert all(c.start in starts for c in chunks)
    assert all(c.end in ends for c in chunks)


def test_chunking_consecutive_chunks_overlap() -> None:
    doc = _doc(30)
    chunks = chunk_document(doc, model=MODEL, max_tokens=300, overlap_tokens=60)
    for before, after in itertools.pairwise(chunks):
        assert after.start < before.end
        overlap = doc.text[after.start : before.end]
        assert 0 < count_tokens(overlap, MODEL) <= 60


def test_chunking_no_overlap_when_asked_for_none() -> None:
    doc = _doc(30)
    chunks = chunk_document(doc, model=MODEL, max_tokens=300, overlap_tokens=0)
    assert all(a.end <= b.start for a, b in itertools.pairwise(chunks))


def test_chunking_overlong_sentence_is_split_on_whitespace() -> None:
    doc = Document.from_raw(" ".join(f"word{i}" for i in range(3000)))
    chunks = chunk_document(doc, model=MODEL, max_tokens=200, overlap_tokens=0)
    assert len(chunks) > 5
    assert all(c.tokens <= 200 for c in chunks)
    assert all(not c.text[0].isspace() and not c.text[-1].isspace() for c in chunks)
    words = " ".join(c.text for c in chunks).split()
    assert words == doc.text.split()


def test_chunking_unbroken_run_of_characters_is_still_bounded() -> None:
    doc = Document.from_raw("A" * 20_000)
    chunks = chunk_document(doc, model=MODEL, max_tokens=100, overlap_tokens=0)
    assert all(c.tokens <= 100 for c in chunks)
    assert "".join(c.text for c in chunks) == doc.text
