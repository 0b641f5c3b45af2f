"""Due dates of action items: find the phrase, then pin it to a calendar date.

Relative phrases ("tonight", "by Friday", "in two weeks") resolve only against the date the
notes carry; without one they stay unknown, so a due date is never invented. The common
phrases are resolved by hand; dateparser is a cached fallback for rare absolute formats.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from app.engine.document import Document

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_ORD = r"(?:st|nd|rd|th)?"
_COUNT = r"(?:a|one|two|three|four|five|six|\d{1,2})"
_ABSOLUTE = (
    rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|"
    rf"\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}{_ORD}(?:,?\s+\d{{4}})?"
)
# "EOD tomorrow" and "end of next week" are read whole: "eod" and "next week" alone mean less.
_END_OF = r"end\s+of\s+(?:(?:the\s+)?(?:day|week|month)|next\s+week)(?:\s+tomorrow)?"
_RELATIVE = (
    rf"(?:next\s+|this\s+)?{_WEEKDAY}|tomorrow|today|tonight|next\s+(?:week|month)|"
    rf"{_END_OF}|(?:eod|eow|eom|cob)(?:\s+tomorrow)?|"
    rf"in\s+{_COUNT}\s+(?:days?|weeks?)|in\s+a\s+fortnight"
)
_DATE = rf"(?:{_ABSOLUTE}|{_RELATIVE})"
ABSOLUTE_RE = re.compile(_ABSOLUTE, re.IGNORECASE)
# _DUE, _EVENT_DUE and _LOOSE run on lower-cased text: a case-blind search is far slower.
_DUE = re.compile(
    rf"\b(?:due(?:\s+date)?|by|before|deadline|until|no\s+later\s+than|eta)\s*:?\s*"
    rf"(?:on\s+|the\s+)?(?P<date>{_DATE})\b"
)
# "before the board meeting on 2024-03-21": a deadline named by the event on a given date.
_EVENT_DUE = re.compile(
    rf"\b(?:by|before|ahead\s+of|in\s+time\s+for)\s+(?:[\w'-]++\s+){{1,5}}?(?:on|of)\s+"
    rf"(?P<date>{_ABSOLUTE})\b"
)
_DUE_WORDS = ("due", "by", "before", "deadline", "until", "later", "eta")
# Every date _DUE, _EVENT_DUE and _LOOSE can find holds a digit (each _ABSOLUTE form does) or
# one of these words (each _RELATIVE form does): a cheap pre-check on lower-cased text.
_DIGIT = re.compile(r"\d")
_RELATIVE_WORDS = (
    "day",
    "week",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "tomorrow",
    "tonight",
    "eod",
    "eow",
    "eom",
    "cob",
    "fortnight",
)
_LOOSE_WORDS = _RELATIVE_WORDS[:-2]  # "cob" and "fortnight" are no _LOOSE dates
_LOOSE = re.compile(
    rf"\b(?P<date>tomorrow|tonight|today|next\s+(?:week|month)|(?:next\s+|this\s+)?{_WEEKDAY}|"
    rf"{_END_OF}|(?:eod|eow|eom)(?:\s+tomorrow)?|in\s+{_COUNT}\s+(?:days?|weeks?))\b"
)
_DATE_RE = re.compile(_DATE)  # on lower-cased text
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_CELL_WORDS = 5  # a due-date cell is short: "06:00 tomorrow", "Fri 29/11", "2024-06-12"
_TRAILING_WORDS = 4  # "end of next week"
BARE_DATE = re.compile(rf"^\s*(?:on\s+)?(?P<date>{_DATE})\b", re.IGNORECASE)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_WEEKDAYS = {d: i for i, d in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])}
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_DAY_MONTH = re.compile(
    rf"(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<month>{_MONTH})(?:,?\s+(?P<year>\d{{4}}))?", re.I
)
_MONTH_DAY = re.compile(
    rf"(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}){_ORD}(?:,?\s+(?P<year>\d{{4}}))?", re.I
)
_IN_N = re.compile(r"in (?P<n>\w+) (?P<unit>day|week)s?")
_HAS_YEAR = re.compile(r"\d{4}")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})$")
_HEADER_DATE = re.compile(
    r"^(?:[#*_\s]*)?(?:date|when|meeting date|held)\s*[*_]*\s*:\s*(?P<value>.+)$", re.I
)
_HEADER_LINES = 15
_DATELINE_WORDS = 12  # a longer line is prose, whose dates are no meeting's date
_FIELD_SEPARATOR = re.compile(r"[·|•]")
_SAME_DAY = frozenset(
    ["today", "tonight", "eod", "cob", "end of day", "end of the day", "this evening"]
)
_END_OF_WEEK = frozenset(["eow", "end of week", "end of the week", "this week"])
_END_OF_MONTH = frozenset(["eom", "end of month", "end of the month"])
_FRIDAY = 4


def header_date(doc: Document) -> date | None:
    """The notes' date from a 'Date: …' line or a dated line near the top, if any."""
    for line in doc.lines[:_HEADER_LINES]:
        match = _HEADER_DATE.match(line.text)
        candidate = match.group("value") if match else _absolute_in(line.text)
        if candidate:
            parsed = _first_absolute(candidate.strip(" *_"))
            if parsed is not None:
                return parsed
    return None


def find_due(content: str, base: date | None) -> str | None:
    """The ISO due date an item's words state ("by Friday", "due 12 May"), else None."""
    lowered = content.lower()
    digit = _DIGIT.search(lowered) is not None  # every absolute date holds one
    # Most items name no date at all; and without a base date only an absolute one resolves.
    if not digit and (base is None or not _holds_any(lowered, _RELATIVE_WORDS)):
        return None
    due = _DUE.search(lowered) if _holds_any(lowered, _DUE_WORDS) else None
    while due is not None:  # as finditer, without its iterator (most items have one or none)
        resolved = resolve_date(due.group("date"), base)
        if resolved:
            return resolved
        due = _DUE.search(lowered, due.end())
    if (
        digit  # _EVENT_DUE's date is an absolute one
        and ("by" in lowered or "before" in lowered or "ahead" in lowered or "time" in lowered)
        and (event := _EVENT_DUE.search(lowered)) is not None
    ):
        resolved = resolve_date(event.group("date"), base)
        if resolved:
            return resolved
    loose = (
        _LOOSE.search(lowered) if base is not None and _holds_any(lowered, _LOOSE_WORDS) else None
    )
    return resolve_date(loose.group("date"), base) if loose else None


def _holds_any(lowered: str, words: tuple[str, ...]) -> bool:
    """Cheap pre-check: does the lower-cased text hold any of these words?"""
    for word in words:  # noqa: SIM110 (a loop beats any() over a generator)
        if word in lowered:
            return True
    return False


def _may_hold_date(lowered: str) -> bool:
    """Cheap pre-check for every date pattern: a digit or a relative-date word."""
    if _DIGIT.search(lowered) is not None:  # one scan in C settles most texts
        return True
    return _holds_any(lowered, _RELATIVE_WORDS)


def has_due_phrase(text: str) -> bool:
    """True when the text holds a due-date phrase ("by Friday", "due 12 May")."""
    lowered = text.lower()
    return _may_hold_date(lowered) and _DUE.search(lowered) is not None


def resolve_date(phrase: str, base: date | None) -> str | None:
    """Turn a due-date phrase into an ISO date, or None when it cannot be pinned down."""
    phrase = phrase.strip()
    if _DIGIT.search(phrase) is not None and ABSOLUTE_RE.fullmatch(phrase):  # each holds a digit
        parsed = _parse_absolute(phrase, base)
    else:
        parsed = _parse_relative(phrase, base) if base is not None else None
    return parsed.isoformat() if parsed else None


def _absolute_in(line: str) -> str | None:
    if _HAS_YEAR.search(line) is None:  # cheap test first
        return None
    if len(line.split()) > _DATELINE_WORDS:
        # "Teams meeting · Tuesday 17 September 2024 · 10:00": a long header of short fields
        if _FIELD_SEPARATOR.search(line) is None:
            return None
        for segment in _FIELD_SEPARATOR.split(line):
            if (found := _absolute_in(segment)) is not None:
                return found
        return None
    match = ABSOLUTE_RE.search(line)
    if match and _HAS_YEAR.search(match.group()):
        return match.group()
    return None


def _first_absolute(value: str) -> date | None:
    match = ABSOLUTE_RE.search(value)
    parsed = _parse_absolute(match.group(), None) if match else None
    return parsed if parsed is not None else _dateparse(value, None)


def _parse_absolute(phrase: str, base: date | None) -> date | None:
    iso = _ISO.match(phrase.strip())
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    named = _parse_named_month(phrase.strip(), base)
    return named if named is not None else _dateparse(phrase, base)


def _parse_relative(phrase: str, base: date) -> date | None:
    key = " ".join(phrase.lower().split())  # the phrase is stripped: runs of spaces become one
    if key in _SAME_DAY:
        return base
    if key == "tomorrow" or key.endswith(" tomorrow"):  # "EOD tomorrow"
        return base + timedelta(days=1)
    if key in _END_OF_WEEK:
        return base + timedelta(days=(_FRIDAY - base.weekday()) % 7)
    if key == "end of next week":
        return base + timedelta(days=(_FRIDAY - base.weekday()) % 7 + 7)
    if key in _END_OF_MONTH:
        return base.replace(day=calendar.monthrange(base.year, base.month)[1])
    if key == "next week":
        return base + timedelta(days=7)
    if key == "next month":
        return _add_month(base)
    return _parse_offset(key, base) or _dateparse(phrase, base)


def _parse_offset(key: str, base: date) -> date | None:
    """'in two weeks', 'in a fortnight', '[next|this] friday' (the next one after the base)."""
    if key == "in a fortnight":
        return base + timedelta(days=14)
    if key.startswith("in ") and (match := _IN_N.fullmatch(key)) is not None:
        raw = match.group("n")
        count = int(raw) if raw.isdigit() else _NUMBERS.get(raw)
        if count is None:
            return None
        return base + timedelta(days=count * (7 if match.group("unit") == "week" else 1))
    day = _WEEKDAYS.get(key.removeprefix("next ").removeprefix("this ")[:3])
    if day is None:
        return None
    return base + timedelta(days=(day - base.weekday() - 1) % 7 + 1)


def _add_month(base: date) -> date:
    year, month = (base.year + 1, 1) if base.month == 12 else (base.year, base.month + 1)
    return date(year, month, min(base.day, calendar.monthrange(year, month)[1]))


def _parse_named_month(phrase: str, base: date | None) -> date | None:
    match = _DAY_MONTH.fullmatch(phrase) or _MONTH_DAY.fullmatch(phrase)
    if match is None:
        return None
    month = _MONTHS.get(match.group("month")[:3].lower())
    year = int(match.group("year")) if match.group("year") else None
    if month is None or (year is None and base is None):
        return None
    try:
        found = date(year or base.year, month, int(match.group("day")))  # type: ignore[union-attr]
    except ValueError:
        return None
    if year is None and base is not None and found < base:  # "12 March" in April: next March
        found = found.replace(year=found.year + 1)
    return found


def warm() -> None:
    """Import dateparser and parse one date now (~0.6 s), not in the first document needing it."""
    _dateparse("12 March 2024", None)


@lru_cache(maxsize=1024)
def _dateparse(phrase: str, base: date | None) -> date | None:
    import dateparser  # imported lazily: slow to import, and only rare formats reach it

    settings: dict[str, object] = {"PREFER_DATES_FROM": "future"}
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if isinstance(parsed, datetime) else None


def cell_date(cell: str, base: date | None) -> str | None:
    """The ISO date a short table cell or field holds ("Oct 16", "06:00 tomorrow"), else None."""
    lowered = cell.lower()
    if len(lowered.split()) > _CELL_WORDS or not _may_hold_date(lowered):
        return None
    if ":" in lowered:
        lowered = _CLOCK.sub(" ", lowered)
    if (absolute := ABSOLUTE_RE.search(lowered)) is not None:
        return resolve_date(absolute.group(), base)
    relative = _LOOSE.search(lowered) if base is not None else None
    return resolve_date(relative.group("date"), base) if relative else None


def trailing_date(text: str, base: date | None) -> tuple[str | None, int] | None:
    """A date phrase that ends the text ("… Camila Ortiz Oct 16"): its ISO date, and where
    the phrase starts; None when the text ends in no date."""
    words = text.rsplit(" ", _TRAILING_WORDS)
    for count in range(min(_TRAILING_WORDS, len(words) - 1), 0, -1):
        phrase = " ".join(words[-count:])
        if _DATE_RE.fullmatch(phrase.lower()) is not None:
            return resolve_date(phrase, base), len(text) - len(phrase) - 1
    return None
