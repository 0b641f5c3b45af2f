"""Turn submitted documents (plain text, Markdown, HTML, PDF) into normalised text and a title."""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePath

import pypdf
import trafilatura

from app.engine.document import normalise_text
from app.engine.errors import EmptyDocumentError, UndecodableError, UnsupportedMediaTypeError

TEXT_PLAIN = "text/plain"
TEXT_MARKDOWN = "text/markdown"
TEXT_HTML = "text/html"
APPLICATION_PDF = "application/pdf"
MEDIA_TYPES = frozenset({TEXT_PLAIN, TEXT_MARKDOWN, TEXT_HTML, APPLICATION_PDF})

_ALIASES = {
    "text/x-markdown": TEXT_MARKDOWN,
    "application/xhtml+xml": TEXT_HTML,
    "application/x-pdf": APPLICATION_PDF,
}
_EXTENSIONS = {
    ".txt": TEXT_PLAIN,
    ".text": TEXT_PLAIN,
    ".md": TEXT_MARKDOWN,
    ".markdown": TEXT_MARKDOWN,
    ".html": TEXT_HTML,
    ".htm": TEXT_HTML,
    ".xhtml": TEXT_HTML,
    ".pdf": APPLICATION_PDF,
}
# Declared types that say nothing about the content, so the file extension decides.
_GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_MD_HEADING = re.compile(r"^#{1,2}\s+(.+?)\s*#*\s*$", re.M)
_DROPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "head"}
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "section", "td"}
)
_MAX_TITLE = 300


@dataclass(frozen=True, slots=True)
class IngestedDocument:
    """Normalised text ready for the engine, with the title the source carried (if any)."""

    text: str
    title: str | None
    media_type: str


def resolve_media_type(content_type: str | None, filename: str | None = None) -> str:
    """Pick the media type to read a document as: its declared type, else its file extension."""
    declared = (content_type or "").split(";")[0].strip().lower()
    declared = _ALIASES.get(declared, declared)
    if declared in MEDIA_TYPES:
        return declared
    if declared not in _GENERIC_TYPES:
        raise UnsupportedMediaTypeError(f"Unsupported media type {declared!r}.")
    extension = PurePath(filename or "").suffix.lower()
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    raise UnsupportedMediaTypeError(
        f"Cannot tell the media type of {filename or 'the upload'!r}; "
        f"send one of {', '.join(sorted(MEDIA_TYPES))}."
    )


def ingest(data: bytes | str, *, media_type: str) -> IngestedDocument:
    """Read a document of the given media type into normalised text."""
    if media_type not in MEDIA_TYPES:
        raise UnsupportedMediaTypeError(f"Unsupported media type {media_type!r}.")
    if media_type == APPLICATION_PDF:
        if isinstance(data, str):
            raise UnsupportedMediaTypeError("A PDF must be sent as bytes.")
        return ingest_pdf(data)
    if media_type == TEXT_HTML:
        return ingest_html(data if isinstance(data, str) else decode_html(data))
    return ingest_text(data if isinstance(data, str) else decode_text(data), media_type=media_type)


def ingest_text(raw: str, *, media_type: str = TEXT_PLAIN) -> IngestedDocument:
    """Normalise plain text or Markdown; a Markdown document's first heading is its title."""
    text = _require_text(normalise_text(raw.replace("\x00", "")))
    title = None
    if media_type == TEXT_MARKDOWN and (match := _MD_HEADING.search(text)):
        title = _clean_title(match.group(1))
    return IngestedDocument(text=text, title=title, media_type=media_type)


def ingest_html(html: str) -> IngestedDocument:
    """Keep an HTML page's main content (no navigation, scripts or boilerplate)."""
    if not html.strip():
        raise EmptyDocumentError("The document is empty.")
    extracted = _extract_main_content(html)
    if not extracted:
        extracted = _dump_html_text(html)
    # trafilatura puts one block per line; a blank line makes each block a paragraph.
    text = _require_text(normalise_text(extracted.replace("\n", "\n\n")))
    return IngestedDocument(text=text, title=_html_title(html), media_type=TEXT_HTML)


def ingest_pdf(data: bytes) -> IngestedDocument:
    """Extract the text layer of a PDF, page by page."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UndecodableError("The PDF is encrypted.")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except UndecodableError:
        raise
    except Exception as exc:  # pypdf raises many types on malformed files; all mean "unreadable"
        raise UndecodableError("The PDF cannot be read.", original=exc) from exc
    text = normalise_text("\n\n".join(pages))
    if not text:
        raise EmptyDocumentError("The PDF has no text layer (a scanned image?).")
    return IngestedDocument(text=text, title=_clean_title(title), media_type=APPLICATION_PDF)


def decode_text(data: bytes) -> str:
    """Decode text bytes: a byte-order mark if present, otherwise strict UTF-8."""
    text = _decode_with_bom(data)
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UndecodableError("The text is not valid UTF-8.", original=exc) from exc
    if "\x00" in text:
        raise UndecodableError("The text holds binary data (NUL bytes).")
    return text


def decode_html(data: bytes) -> str:
    """Decode HTML bytes: a byte-order mark, then UTF-8, then the page's own meta charset."""
    text = _decode_with_bom(data)
    if text is not None:
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        charset = _META_CHARSET.search(data[:4096])
        if charset is None:
            raise UndecodableError("The HTML is not UTF-8 and declares no charset.") from exc
        return _decode_as(data, charset.group(1).decode("ascii"))


def _decode_as(data: bytes, charset: str) -> str:
    try:
        return data.decode(codecs.lookup(charset).name)
    except (LookupError, UnicodeDecodeError) as exc:
        raise UndecodableError(f"The HTML cannot be decoded as {charset!r}.", original=exc) from exc


def _decode_with_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"The text is not valid {encoding}.", original=exc) from exc
    return None


def _extract_main_content(html: str) -> str | None:
    try:
        result: str | None = trafilatura.extract(
            html, include_comments=False, include_tables=True, favor_recall=True
        )
    except ValueError:
        return None
    return result


class _TextDump(HTMLParser):
    """Every text node outside boilerplate tags, one line per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_TAGS:
            self._skipping.append(tag)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and tag == self._skipping[-1]:
            self._skipping.pop()
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _dump_html_text(html: str) -> str:
    """Fallback for pages trafilatura gives up on: the visible text, boilerplate tags left out."""
    parser = _TextDump()
    parser.feed(html)
    parser.close()
    lines = "".join(parser.parts).splitlines()
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def _html_title(html: str) -> str | None:
    try:
        metadata = trafilatura.extract_metadata(html)
    except ValueError:
        return None
    return _clean_title(metadata.title if metadata else None)


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    cleaned = " ".join(title.replace("\x00", "").split())
    return cleaned[:_MAX_TITLE] or None


def _require_text(text: str) -> str:
    if not text:
        raise EmptyDocumentError("The document is empty or holds only whitespace.")
    return text
