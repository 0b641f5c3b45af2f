"""Ingest: text, Markdown, HTML and PDF into normalised text, with typed errors."""

from __future__ import annotations

import pytest
import trafilatura

from app.engine.errors import EmptyDocumentError, UndecodableError, UnsupportedMediaTypeError
from app.engine.ingest import decode_html, ingest, resolve_media_type
from tests.engine.pdf_factory import minimal_pdf

ARTICLE_HTML = """<!doctype html><html><head><title>Sandman | Example News</title>
<script>window.tracking = "SECRET_SCRIPT_TEXT";</script><style>.x{color:red}</style></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li>
<li><a href="/login">NAV_LOGIN_LINK</a></li></ul></nav>
<article><h1>Sandman linked to China</h1>
<p>Sandman, an APT actor recently identified, is linked to China, as per a report by
SentinelOne, Microsoft, and PwC.</p>
<p>Their modular backdoor, LuaDream, was used against telecom providers in the Middle East,
Europe, and South Asia.</p></article>
<footer>FOOTER_COPYRIGHT 2024 Example News</footer></body></html>"""


def test_ingest_text_normalises_whitespace_and_line_ends() -> None:
    doc = ingest(b"  Line one\r\n\r\n\r\n\r\nLine\t two  \r\n", media_type="text/plain")
    assert doc.text == "Line one\n\nLine two"
    assert doc.title is None


def test_ingest_markdown_takes_first_heading_as_title() -> None:
    doc = ingest("Intro line\n\n# Sandman report\n\nBody text.", media_type="text/markdown")
    assert doc.title == "Sandman report"
    assert "# Sandman report" in doc.text


@pytest.mark.parametrize("raw", ["", "   \n\t \r\n", "\u200b\u00a0\n"])
def test_ingest_text_empty_or_whitespace_raises(raw: str) -> None:
    with pytest.raises(EmptyDocumentError):
        ingest(raw, media_type="text/plain")


def test_ingest_text_invalid_utf8_raises_undecodable() -> None:
    with pytest.raises(UndecodableError):
        ingest(b"caf\xe9 au lait", media_type="text/plain")


def test_ingest_text_binary_with_nul_bytes_raises_undecodable() -> None:
    with pytest.raises(UndecodableError):
        ingest(b"abc\x00\x00def", media_type="text/plain")


def test_ingest_text_utf16_with_bom_is_decoded() -> None:
    doc = ingest("Sandman uses LuaDream.".encode("utf-16"), media_type="text/plain")
    assert doc.text == "Sandman uses LuaDream."


def test_ingest_html_keeps_main_content_and_drops_boilerplate() -> None:
    doc = ingest(ARTICLE_HTML, media_type="text/html")
    assert "LuaDream, was used against telecom providers" in doc.text
    assert "SentinelOne" in doc.text
    for noise in ("SECRET_SCRIPT_TEXT", "NAV_LOGIN_LINK", "color:red"):
        assert noise not in doc.text
    assert doc.title is not None
    assert "Sandman" in doc.title


def test_ingest_html_blocks_become_paragraphs() -> None:
    doc = ingest(ARTICLE_HTML, media_type="text/html")
    assert "\n\n" in doc.text
    assert "telecom" not in doc.text.split("\n\n")[0]


def test_ingest_html_fragment_without_article_keeps_text() -> None:
    doc = ingest(
        "<div>APT41 deployed KeyPlug.</div><script>var hidden=1</script>", media_type="text/html"
    )
    assert "APT41 deployed KeyPlug." in doc.text
    assert "hidden" not in doc.text


def test_ingest_html_falls_back_to_visible_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trafilatura, "extract", lambda *args, **kwargs: None)
    doc = ingest(ARTICLE_HTML, media_type="text/html")
    assert "LuaDream, was used against telecom providers" in doc.text
    assert "Sandman linked to China\n\nSandman, an APT actor" in doc.text
    for noise in ("SECRET_SCRIPT_TEXT", "NAV_LOGIN_LINK", "color:red", "FOOTER_COPYRIGHT"):
        assert noise not in doc.text


def test_ingest_html_only_markup_raises_empty() -> None:
    with pytest.raises(EmptyDocumentError):
        ingest("<html><body><script>var x = 1;</script></body></html>", media_type="text/html")


def test_decode_html_uses_meta_charset_when_not_utf8() -> None:
    page = (
        '<html><head><meta charset="windows-1252"></head>'
        "<body><p>Caf\u00e9 report</p></body></html>"
    )
    assert "Caf\u00e9 report" in decode_html(page.encode("cp1252"))


def test_decode_html_without_charset_and_bad_bytes_raises() -> None:
    with pytest.raises(UndecodableError):
        decode_html(b"<html><body><p>Caf\xe9</p></body></html>")


def test_ingest_pdf_extracts_text_and_title() -> None:
    pdf = minimal_pdf(
        ["Sandman uses the LuaDream backdoor.", "APT41 deployed KeyPlug."], title="Sandman brief"
    )
    doc = ingest(pdf, media_type="application/pdf")
    assert "LuaDream backdoor" in doc.text
    assert "KeyPlug" in doc.text
    assert doc.title == "Sandman brief"


def test_ingest_pdf_broken_bytes_raise_undecodable() -> None:
    with pytest.raises(UndecodableError):
        ingest(b"%PDF-1.4\nthis is not really a pdf", media_type="application/pdf")


def test_ingest_pdf_without_text_raises_empty() -> None:
    with pytest.raises(EmptyDocumentError):
        ingest(minimal_pdf([]), media_type="application/pdf")


@pytest.mark.parametrize(
    ("content_type", "filename", "expected"),
    [
        ("text/plain; charset=utf-8", "a.bin", "text/plain"),
        ("text/x-markdown", None, "text/markdown"),
        ("application/octet-stream", "Report.PDF", "application/pdf"),
        (None, "page.htm", "text/html"),
        ("", "notes.md", "text/markdown"),
    ],
)
def test_resolve_media_type_by_type_then_extension(
    content_type: str | None, filename: str | None, expected: str
) -> None:
    assert resolve_media_type(content_type, filename) == expected


@pytest.mark.parametrize(
    ("content_type", "filename"), [("image/png", "x.txt"), (None, "x.docx"), (None, None)]
)
def test_resolve_media_type_unsupported_raises(
    content_type: str | None, filename: str | None
) -> None:
    with pytest.raises(UnsupportedMediaTypeError):
        resolve_media_type(content_type, filename)
