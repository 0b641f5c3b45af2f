"""Tell an article from meeting notes, and guess a document's title.

Also holds the line-shape helpers (list markers, headings) that actions and summary share.
"""

from __future__ import annotations

import re

from app.engine.brief import BriefKind
from app.engine.document import Document, Span

# "- ", "* ", "• ", "1. ", "1) ", "a. ", "(2) "; a letter marker is lower-case ("A. Smith" is text).
LIST_MARKER = re.compile(r"[ \t]*(?:[-*•+▪◦‣]|\d{1,3}[.)]|[a-z][.)]|\(\d{1,3}\)|\([a-z]\))[ \t]+")
_MD_HEADING = re.compile(r"#{1,6}\s+")
_BOLD_LINE = re.compile(r"(?:\*\*|__)(?P<inner>[^*_]+?)(?:\*\*|__):?$")
_LABEL_LINE = re.compile(
    r"(?:\*\*)?(?:attendees|participants|present|attendance|invitees|absent|apologies|date|time|"
    r"location|facilitator|chair|note[- ]?taker|scribe|on\s+(?:the\s+)?call|on[- ]call|"
    r"dial[- ]in|bridge|on\s+the\s+bridge|incident\s+(?:manager|commander|lead)|outgoing|"
    r"incoming|handed\s+over\s+(?:by|to)|shift\s+lead|"
    r"next\s+(?:call|meeting|sync|stand-?up|review|handover|check-?in|bridge))(?:\*\*)?\s*:",
    re.IGNORECASE,
)
_ACTION_MARK = re.compile(r"(?:ACTION(?: ITEM)?\s*:|AI\s*:|TODO\b|\[[ xX]\])")
_MENTION = re.compile(r"@[A-Za-z][\w.-]*")  # not after a word or a dot: checked by _mentions
# A title that names the occasion: "Emergency call: …", "SOC shift handover — …", "Call notes".
_OCCASION_TITLE = re.compile(
    r"^(?:#+\s*)?(?:\*\*)?(?:(?!(?:of|a|an|the|on|about|in|for|after|before|during)\s)[\w/&-]+\s+)"
    r"{0,3}(?:call|bridge|handover|hand-?off|stand-?up|sync|minutes|debrief|huddle|check-?in|"
    r"meeting)"
    r"(?:\s+notes)?\s*(?:[:—–,(-]|$|\d)",
    re.I,
)
# "14:05 — rolled back the change", "09:14 - JS pulls an MSI": a minute-by-minute log.
_TIMESTAMP_LINE = re.compile(
    r"\n[ \t]*(?:[-*•]\s+)?(?:\d{1,2}\s+\w{3}\s+)?\d{1,2}:\d{2}\b[ \t]*(?:[—–-]|:)[ \t]"
)
_QUESTION_HEADING = re.compile(r"(?:what|how|why|where|when|which|who)\b", re.I)
_DATE_LIKE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
    r"nov|dec)[a-z]*\.? \d{1,2}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    re.IGNORECASE,
)
_NOT_SPEAKERS = frozenset(
    """
    Note Notes Date Time Update Summary Action Status Owner Due Agenda Source Update Title
    Subject Location Attendees Participants Decision Decisions Todo Question Answer Re Fw
    Warning Example Result Results Goal Goals Risk Impact Tldr
    """.split()  # noqa: SIM905
)
# Whole-text forms of the line signals. Each opens with "\n" and runs on "\n" + text: a pattern
# that starts with a literal is scanned for at C speed, where "^" with re.M is tried at every
# character. The _LOW ones run on lower-cased text (a case-blind search is much slower).
_HEAD_LINES = 400
_LABEL_LOW = re.compile(
    r"\n[ \t]*(?:(?:\*\*)?(?:attendees|participants|present|attendance|invitees|absent|"
    r"apologies|location|facilitator|chair|note[- ]?taker|scribe|on\s+(?:the\s+)?(?:call|bridge)|"
    r"on[- ]call|dial[- ]in|bridge|incident\s+(?:manager|commander|lead)|outgoing|incoming|"
    r"handed\s+over\s+(?:by|to)|shift\s+lead|"
    r"next\s+(?:call|meeting|sync|stand-?up|review|handover|check-?in|bridge))|"
    r"\*\*(?:date|time))"
    r"(?:\*\*)?[ \t]*:"
)
_HEADING_WORD_LOW = re.compile(
    r"\n[ \t]*(?:#+[ \t]*)?(?:\*\*)?(?:agenda|minutes|discussion|notes|decisions|action items?|"
    r"actions|next steps|to-?dos?)\b"
)
# "2. Decisions", "3) Action items": a numbered section of minutes (lower-cased line).
# Both in one scan: a line starts either, never both (their words differ), and no match of
# one holds a line where the other matches (only a label's \s+ crosses a line break, and what
# follows it there is no heading word), so one scan finds what the two find.
_LINE_OPENING = r"\n[ \t]*"
_LABEL_OR_HEADING_WORD_LOW = re.compile(
    rf"{_LINE_OPENING}(?:(?P<label>{_LABEL_LOW.pattern.removeprefix(_LINE_OPENING)})|"
    rf"(?P<heading>{_HEADING_WORD_LOW.pattern.removeprefix(_LINE_OPENING)}))"
)
_NUMBERED_SECTION_LOW = re.compile(
    r"\d{1,2}[.)][ \t]*(?:\*\*)?(?:agenda|minutes|discussion|notes|decisions|action items?|"
    r"actions|next steps|to-?dos?)\b"
)
_SECTION_WORDS = 6
_MEETING_WORD_LOW = re.compile(
    r"\b(?:meeting|sync|stand-?up|retro(?:spective)?|review|minutes|1:1|call|handover|hand-?off|"
    r"debrief|huddle|check-?in|war\s+room)\b"
)
_DATE_LIKE_LOW = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
    r"nov|dec)[a-z]*\.? \d{1,2}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"
)
_SPEAKER_LINE = re.compile(
    r"\n[ \t]*(?:[-*•]\s+)?(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)[ \t]*:[ \t]+\S"
)
_LIST_LINE = re.compile(r"\n[ \t]*(?:[-*•+▪◦‣]|\d{1,3}[.)]|[a-z][.)]|\(\d{1,3}\)|\([a-z]\))[ \t]+")
# A paragraph line that is no prose: a list item, or a speaker's "Name: says". It runs on
# "\n" + paragraph, one match attempt per line; [^\S\n] keeps white space from crossing a line.
_SPEAKER_OPENER = r"(?:[-*•][^\S\n]+)?[A-Z][a-z]+(?: [A-Z][a-z]+)?[^\S\n]*:[^\S\n]+\S"
_NOT_PROSE_LINE = re.compile(rf"\n(?:{LIST_MARKER.pattern}|{_SPEAKER_OPENER})")
_NOT_PROSE_START = re.compile(_NOT_PROSE_LINE.pattern.removeprefix(r"\n"))  # a first line
_PROSE_MIN_WORDS = 40
# Forty words, without splitting them out: white space, then 39 words each followed by white
# space, then the first character of the fortieth.
_FORTY_WORDS = re.compile(rf"\s*+(?:\S++\s++){{{_PROSE_MIN_WORDS - 1}}}\S")
_DIGIT = re.compile(r"\d")
_TERMINAL = (".", "!", "?", ";", ",")
_NOT_HEADING_END = ".!;,"  # no bold, bare, question or lead-in heading ends so
_SHORT_LINE = 100
_MEETING_HINTS = (
    "meeting",
    "sync",
    "stand",
    "retro",
    "review",
    "minutes",
    "1:1",
    "call",
    "hand",
    "debrief",
    "huddle",
    "check",
    "war room",
)
# The cheap test for a task mark ("ACTION", "TODO", "AI:", "AI :", "[ ]", "[x]", "[X]") before
# _ACTION_MARK runs: a regex led by a literal scans fast, one per shared prefix beats a str
# search per mark.
_AI_MARK = re.compile(r"AI ?:")
_BOX_MARK = re.compile(r"\[[ xX]\]")
_TITLE_SCAN_LINES = 6
_TITLE_MAX_WORDS = 16
_TITLE_MAX_CHARS = 140


def detect_kind(doc: Document) -> BriefKind:
    """Classify a document as meeting notes or an article; the caller's ``doc.kind`` wins."""
    if doc.kind is not None:
        return doc.kind
    if not doc.text.strip():
        return BriefKind.other
    meeting = _meeting_score(doc)
    if meeting >= 3 and _prose_paragraphs(doc, stop=meeting) < meeting:
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
    if not stripped or (stripped[-1] in _NOT_HEADING_END and stripped[0] != "#"):
        return False  # ends like a sentence: only a Markdown heading could still be one
    if is_list_item(stripped):
        return False
    if _MD_HEADING.match(stripped) or _BOLD_LINE.match(stripped):
        return True
    if stripped.endswith(":") and len(stripped.split()) <= 30:
        return True
    return is_bare_heading(stripped) or is_question_heading(stripped)


def is_question_heading(line: str) -> bool:
    """True for a short unpunctuated line opening with a question word ("What to do next")."""
    if len(line) > 80 or line.endswith((".", "!", ";", ",", ":")) or not line[:1].isupper():
        return False
    return _QUESTION_HEADING.match(line) is not None and len(line.split()) <= 10


def is_bare_heading(line: str) -> bool:
    """True for a short line without punctuation that reads as a title ("Recommendations")."""
    if line.endswith(_TERMINAL) or ":" in line or "@" in line:  # before splitting it
        return False
    words = line.split(None, 8)  # a ninth piece means more than eight words
    if len(words) > 8:
        return False
    if len(words) <= 4:
        return True
    capitalised = 0
    for word in words:  # a loop: cheaper than sum() over a generator (a word is never empty)
        first = word[0]
        if first.isupper() or not first.isalpha():
            capitalised += 1
    return capitalised * 2 >= len(words)


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


def _meeting_score(doc: Document) -> int:
    """Meeting evidence, read with whole-text scans of the first lines (it is fast)."""
    lines = doc.lines[:_HEAD_LINES]
    if not lines:
        return 0
    end = lines[-1].end
    head = "\n" + doc.text[:end]
    lowered = doc.lowered  # shared with later stages; its offsets match unless lengths differ
    low = "\n" + lowered[:end] if len(lowered) == len(doc.text) else head.lower()
    meeting = sum(_line_scores(lines, head, low).values())
    meeting += min(3, _mentions(doc.text[:20000]))
    meeting += _speaker_score(head) + _bullet_score(head, len(lines))
    return meeting + _occasion_score(lines[0]) + _timestamp_score(head)


def _prose_paragraphs(doc: Document, *, stop: int) -> int:
    """How many of the first 200 paragraphs read as prose, counted up to ``stop`` only (the
    caller asks whether there are as many as that)."""
    count = 0
    for _ in filter(_is_prose, doc.paragraphs[:200]):
        count += 1
        if count == stop:
            break
    return count


def _line_scores(lines: list[Span], head: str, low: str) -> dict[int, int]:
    """Each line's score by its first signal: label 3, agenda heading 2, task mark 1, dated
    meeting heading 2. Later assignments win, so they run in reverse order of precedence."""
    scores: dict[int, int] = {}
    for line in lines:
        text = line.text
        if text[-1] in _TERMINAL or len(text) > _SHORT_LINE or _DIGIT.search(text) is None:
            continue  # every date-like form holds a digit
        if "0" <= text[0] <= "9" and _is_numbered_section(text):
            scores[line.start + 1] = 2  # + 1: offsets in ``head`` follow its leading "\n"
        elif _is_dated_meeting(text):
            scores[line.start + 1] = 2
    if _has_action_mark(head):
        for match in _ACTION_MARK.finditer(head):
            scores[head.rfind("\n", 0, match.start()) + 1] = 1
    for match in _LABEL_OR_HEADING_WORD_LOW.finditer(low):
        if match.lastgroup == "heading":
            end = low.find("\n", match.end())
            if len(low[match.start() : end if end >= 0 else len(low)].split()) <= _SECTION_WORDS:
                scores[match.start() + 1] = 2
        else:
            # "**Date:**" alone: a dateline as common atop an advisory as atop minutes
            dateline = "**date" in match.group() or "**time" in match.group()
            scores[match.start() + 1] = 1 if dateline else 3
    return scores


def _is_numbered_section(text: str) -> bool:
    """A short numbered heading that names a part of minutes ("3. Actions")."""
    return (
        len(text.split()) <= _SECTION_WORDS
        and _NUMBERED_SECTION_LOW.match(text.lower()) is not None
    )


def _is_dated_meeting(text: str) -> bool:
    lowered = text.lower()
    for word in _MEETING_HINTS:  # a loop: cheaper than any() over a generator
        if word in lowered:
            break
    else:
        return False
    found = _MEETING_WORD_LOW.search(lowered) and _DATE_LIKE_LOW.search(lowered)
    return bool(found) and is_heading(text)


def _has_action_mark(text: str) -> bool:
    return (
        "ACTION" in text
        or "TODO" in text
        or _AI_MARK.search(text) is not None
        or _BOX_MARK.search(text) is not None
    )


def _mentions(text: str) -> int:
    """How many @handles, leaving out the '@' of e-mail addresses."""
    if "@" not in text:
        return 0
    count = 0
    for match in _MENTION.finditer(text):
        before = text[match.start() - 1 : match.start()]
        count += not (before.isalnum() or before in "._")
    return count


def _speaker_score(head: str) -> int:
    """2 once three "Name: ..." lines name a speaker (not "Note:", "Date:"), else 0."""
    real = 0
    for match in _SPEAKER_LINE.finditer(head):
        if match.group("name").split()[0] not in _NOT_SPEAKERS:
            real += 1
            if real == 3:  # the score cannot change after the third
                return 2
    return 0


def _occasion_score(title: Span) -> int:
    """A title naming a call, handover or meeting; a date beside it makes it surer."""
    if len(title.text.split()) > 14 or _OCCASION_TITLE.match(title.text) is None:
        return 0
    return 2 if _DATE_LIKE.search(title.text) else 1


def _timestamp_score(head: str) -> int:
    """2 once three lines open with a time ("14:05 — ..."), else 0."""
    for seen, _ in enumerate(_TIMESTAMP_LINE.finditer(head), 1):
        if seen == 3:
            return 2
    return 0


def _bullet_score(head: str, n_lines: int) -> int:
    """2 when at least half the lines are short list items (20 words at most), else 0."""
    if n_lines < 6:
        return 0
    items = list(_LIST_LINE.finditer(head))
    if len(items) / n_lines < 0.5:  # too few even if every item were short
        return 0
    bullets = 0
    for match in items:
        end = head.find("\n", match.end())
        line = head[match.start() : end if end >= 0 else len(head)]
        if len(line.split(None, 20)) <= 20:  # stops splitting at the 21st word
            bullets += 1
    return 2 if bullets / n_lines >= 0.5 else 0


def _is_prose(paragraph: Span) -> bool:
    """Two sentences or more, 40 words or more, and no line a list item or a speaker's."""
    text = paragraph.text
    first = text.find(". ")  # two ". ": the search stops at the second
    if first < 0 or text.find(". ", first + 2) < 0 or _FORTY_WORDS.match(text) is None:
        return False
    if _NOT_PROSE_START.match(text) is not None:  # the first line
        return False
    return "\n" not in text or _NOT_PROSE_LINE.search(text) is None
