"""Tell an article from meeting notes, and guess a document's title.

Also holds the line-shape helpers (list markers, headings) that actions and summary share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.engine.brief import BriefKind
from app.engine.document import Document, Span

# "- ", "* ", "• ", "1. ", "1) ", "a. ", "(2) "; a letter marker is lower-case ("A. Smith" is text).
LIST_MARKER = re.compile(r"[ \t]*(?:[-*•+▪◦‣]|\d{1,3}[.)]|[a-z][.)]|\(\d{1,3}\)|\([a-z]\))[ \t]+")
_MD_HEADING = re.compile(r"#{1,6}\s+")
_BOLD_LINE = re.compile(r"(?:\*\*|__)(?P<inner>[^*_]+?)(?:\*\*|__):?$")
_LABEL_LINE = re.compile(
    r"(?:\*\*)?(?:attendees|participants|present|attendance|invitees|absent|apologies|date|time|"
    r"location|facilitator|chair|note[- ]?taker|scribe)(?:\*\*)?\s*:",
    re.IGNORECASE,
)
_AGENDA = re.compile(r"(?:#+\s*)?(?:\*\*)?(?:agenda|minutes|discussion|notes|decisions)\b", re.I)
_ACTION_HEADING = re.compile(
    r"(?:#+\s*)?(?:\*\*)?(?:action items?|actions|next steps|to-?dos?)\b", re.I
)
_ACTION_MARK = re.compile(r"(?:ACTION(?: ITEM)?\s*:|AI\s*:|TODO\b|\[[ xX]\])")
_MENTION = re.compile(r"(?<![\w.])@[A-Za-z][\w.-]*")
_MEETING_WORD = re.compile(
    r"\b(?:meeting|sync|stand-?up|retro(?:spective)?|review|minutes|1:1)\b", re.I
)
_DATE_LIKE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
    r"nov|dec)[a-z]*\.? \d{1,2}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    re.IGNORECASE,
)
_SPEAKER = re.compile(r"(?:[-*•]\s+)?(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*:\s+\S")
_NOT_SPEAKERS = frozenset(
    """
    Note Notes Date Time Update Summary Action Status Owner Due Agenda Source Update Title
    Subject Location Attendees Participants Decision Decisions Todo Question Answer Re Fw
    Warning Example Result Results Goal Goals Risk Impact Tldr
    """.split()  # noqa: SIM905
)
_TERMINAL = (".", "!", "?", ";", ",")
_TITLE_SCAN_LINES = 6
_TITLE_MAX_WORDS = 16
_TITLE_MAX_CHARS = 140


@dataclass(frozen=True, slots=True)
class _Signals:
    meeting: int
    prose: int


def detect_kind(doc: Document) -> BriefKind:
    """Classify a document as meeting notes or an article; the caller's ``doc.kind`` wins."""
    if doc.kind is not None:
        return doc.kind
    if not doc.text.strip():
        return BriefKind.other
    signals = _count_signals(doc)
    if signals.meeting >= 3 and signals.meeting > signals.prose:
        return BriefKind.meeting_notes
    return BriefKind.article


def guess_title(doc: Document) -> str | None:
    """Return the first short heading-like line near the top of the document, else None."""
    for line in doc.lines[:_TITLE_SCAN_LINES]:
        text = clean_heading(line.text)
        if not text or _LABEL_LINE.match(line.text) or is_dateline(text):
            continue
        if is_list_item(line.text) or text.endswith(_TERMINAL):
            return None
        if len(text) <= _TITLE_MAX_CHARS and len(text.split()) <= _TITLE_MAX_WORDS:
            return text
        return None
    return None


def is_list_item(line: str) -> bool:
    """True when the line starts with a bullet or an enumeration marker."""
    return LIST_MARKER.match(line) is not None


def is_heading(line: str) -> bool:
    """True for a Markdown heading, a bold line, a lead-in ending in ':' or a short bare line."""
    stripped = line.strip()
    if not stripped or is_list_item(stripped):
        return False
    if _MD_HEADING.match(stripped) or _BOLD_LINE.match(stripped):
        return True
    if stripped.endswith(":") and len(stripped.split()) <= 30:
        return True
    return is_bare_heading(stripped)


def is_bare_heading(line: str) -> bool:
    """True for a short line without punctuation that reads as a title ("Recommendations")."""
    words = line.split()
    if len(words) > 8 or line.endswith(_TERMINAL) or ":" in line or "@" in line:
        return False
    capitalised = sum(1 for word in words if word[:1].isupper() or not word[:1].isalpha())
    return len(words) <= 4 or capitalised * 2 >= len(words)


def is_markdown_heading(line: str) -> bool:
    """True for '# Heading' or a whole-line bold '**Heading**'."""
    stripped = line.strip()
    return bool(_MD_HEADING.match(stripped) or _BOLD_LINE.match(stripped))


def clean_heading(line: str) -> str:
    """Strip Markdown heading marks and emphasis around a line."""
    text = _MD_HEADING.sub("", line.strip(), count=1)
    return text.strip().strip("*_").strip()


_DATELINE = re.compile(
    r"^(?:(?:posted|published|updated|by)\b.*|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,? .*\d{4}.*|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}\b.{0,30}|"
    r"\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4}\b.{0,30}|"
    r"\d{4}-\d{2}-\d{2}\b.{0,30}|full article|read more.*)$",
    re.IGNORECASE,
)


def is_dateline(text: str) -> bool:
    """True for bylines, date stamps and 'Full Article' style furniture."""
    return len(text) <= 80 and _DATELINE.match(text.strip()) is not None


def _count_signals(doc: Document) -> _Signals:
    lines = doc.lines
    meeting = sum(_line_score(line) for line in lines[:400])
    meeting += min(3, len(_MENTION.findall(doc.text[:20000])))
    meeting += _speaker_score(lines[:400]) + _bullet_score(lines[:400])
    prose = sum(1 for p in doc.paragraphs[:200] if _is_prose(p))
    return _Signals(meeting=meeting, prose=prose)


def _line_score(line: Span) -> int:
    text = line.text
    short = len(text.split()) <= 6
    if _LABEL_LINE.match(text) and not text.lower().startswith(("date", "time")):
        return 3
    if short and (_AGENDA.match(text) or _ACTION_HEADING.match(text)):
        return 2
    if _ACTION_MARK.search(text):
        return 1
    if is_heading(text) and _MEETING_WORD.search(text) and _DATE_LIKE.search(text):
        return 2
    return 0


def _speaker_score(lines: list[Span]) -> int:
    speakers = [m.group("name") for line in lines if (m := _SPEAKER.match(line.text))]
    real = [name for name in speakers if name.split()[0] not in _NOT_SPEAKERS]
    return 2 if len(real) >= 3 else 0


def _bullet_score(lines: list[Span]) -> int:
    if len(lines) < 6:
        return 0
    bullets = sum(1 for line in lines if is_list_item(line.text) and len(line.text.split()) <= 20)
    return 2 if bullets / len(lines) >= 0.5 else 0


def _is_prose(paragraph: Span) -> bool:
    if any(is_list_item(line) or _SPEAKER.match(line) for line in paragraph.text.split("\n")):
        return False
    return len(paragraph.text.split()) >= 40 and paragraph.text.count(". ") >= 2
