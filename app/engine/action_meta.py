"""Owner, due date and priority of an action item, read from its own words.

Relative dates ("Friday", "next week") resolve only against a date stated in the notes' header;
without one they stay unknown — a due date is never invented.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from app.engine.brief import Priority
from app.engine.document import Document

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_ORD = r"(?:st|nd|rd|th)?"
_ABSOLUTE = (
    rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|"
    rf"\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}{_ORD}(?:,?\s+\d{{4}})?"
)
_RELATIVE = (
    rf"(?:next\s+|this\s+)?{_WEEKDAY}|tomorrow|today|tonight|next\s+(?:week|month)|"
    r"end\s+of\s+(?:the\s+)?(?:day|week|month)|eod|eow|eom|cob|"
    r"in\s+(?:a|one|two|three|four|\d{1,2})\s+(?:days?|weeks?)"
)
_DATE = rf"(?:{_ABSOLUTE}|{_RELATIVE})"
_ABSOLUTE_RE = re.compile(_ABSOLUTE, re.IGNORECASE)
FIRST_PERSON = re.compile(r"I(?:'ll|’ll|\s+will|\s+am\s+going\s+to)\s+[a-z]+")
_DUE = re.compile(
    rf"\b(?:due(?:\s+date)?|by|before|deadline|until|no\s+later\s+than|eta)\s*:?\s*(?:on\s+|the\s+)?"
    rf"(?P<date>{_DATE})\b",
    re.IGNORECASE,
)
_LOOSE_RELATIVE = re.compile(
    r"\b(?P<date>tomorrow|next\s+week|end\s+of\s+(?:the\s+)?(?:day|week|month)|eod|eow|eom|"
    r"in\s+(?:a|one|two|three|four|\d{1,2})\s+(?:days?|weeks?))\b",
    re.IGNORECASE,
)
_BARE_DATE = re.compile(rf"^\s*(?:on\s+)?(?P<date>{_DATE})\b", re.IGNORECASE)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DAY_MONTH = re.compile(
    rf"(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<month>{_MONTH})(?:,?\s+(?P<year>\d{{4}}))?", re.I
)
_MONTH_DAY = re.compile(
    rf"(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}){_ORD}(?:,?\s+(?P<year>\d{{4}}))?", re.I
)
_HAS_YEAR = re.compile(r"\d{4}")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})$")

_NAME = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?"
_HANDLE = r"@[A-Za-z][\w.-]*[\w]"
_PERSON = rf"(?:{_HANDLE}|{_NAME}(?:\s+(?:and|&)\s+{_NAME})?)"
_OWNER_FIELD = re.compile(
    rf"\b(?:(?i:owners?|assignee|responsible)\s*[:=]|(?i:assigned\s+to))\s*"
    rf"(?P<owner>{_HANDLE}|{_NAME}|[a-z][\w.-]+)"
)
_PAREN_META = re.compile(rf"\(\s*(?P<owner>{_PERSON})\s*(?:[,;/]|\s[-–—]\s)\s*(?P<rest>[^()]*)\)")
_PAREN_HANDLE = re.compile(rf"\(\s*(?P<owner>{_HANDLE})\s*\)")
_LEADING_OWNER = re.compile(
    rf"^(?P<owner>{_PERSON})\s*:?\s+(?:to|will|is\s+going\s+to|'ll|shall)\s+(?P<verb>[a-z]+)\b"
)
_MENTION = re.compile(rf"(?<![\w.]){_HANDLE}")
_META_CLAUSE = re.compile(
    r"\s*(?:[-–—|;,]\s*)?(?:\b(?:owners?|assignee|assigned\s+to|due(?:\s+date)?|deadline|priority)\s*[:=]|"
    r"\((?:owners?|due)\s*:|\((?:p[0-4]|high|medium|low|urgent|critical|asap)\)|"
    r"\[(?:p[0-4]|high|medium|low|urgent|critical)\]|"
    r"[,;]\s*(?:urgent|asap|critical|p[0-4]|(?:high|medium|low)[- ]priority)\W*$)",
    re.IGNORECASE,
)
_HIGH = re.compile(
    r"\b(?:urgent(?:ly)?|critical|asap|p[01]|immediately|high[- ]priority|"
    r"priority\s*[:=]\s*(?:high|urgent|critical))\b|[(\[]high[)\]]",
    re.IGNORECASE,
)
_LOW = re.compile(
    r"\b(?:p[34]|low[- ]priority|priority\s*[:=]\s*low|when\s+possible|if\s+time\s+permits|"
    r"nice[- ]to[- ]have)\b|[(\[]low[)\]]",
    re.IGNORECASE,
)
_MEDIUM = re.compile(
    r"\b(?:p2|medium[- ]priority|priority\s*[:=]\s*(?:medium|normal))\b|[(\[]medium[)\]]",
    re.IGNORECASE,
)
_NOT_OWNERS = frozenset(
    """
    I We You They He She It This That These Those The A An All Everyone Someone Team Please
    Also Then Next Maybe Need Who What When Where Why How Action Todo Owner Due
    """.split()  # noqa: SIM905
)
_HEADER_DATE = re.compile(
    r"^(?:[#*_\s]*)?(?:date|when|meeting date)\s*[*_]*\s*:\s*(?P<value>.+)$", re.I
)
_HEADER_LINES = 15


@dataclass(frozen=True, slots=True)
class ItemMeta:
    """Who, when and how urgent; ``cut`` is where the trailing metadata starts."""

    owner: str | None
    due: str | None
    priority: Priority | None
    cut: int


def parse_meta(content: str, *, base: date | None, speaker: str | None = None) -> ItemMeta:
    """Read owner, due date and priority from an item's text."""
    owner, paren_date = _find_owner(content, speaker)
    due = _find_due(content, base) or (resolve_date(paren_date, base) if paren_date else None)
    return ItemMeta(owner=owner, due=due, priority=find_priority(content), cut=_meta_cut(content))


def find_priority(text: str) -> Priority | None:
    """Map urgency words (urgent, P1, 'when possible', ...) to a priority."""
    if _HIGH.search(text):
        return Priority.high
    if _LOW.search(text):
        return Priority.low
    if _MEDIUM.search(text):
        return Priority.medium
    return None


def leading_owner(content: str) -> re.Match[str] | None:
    """Match 'Alice to patch …' / '@bob will …' at the start of an item."""
    match = _LEADING_OWNER.match(content)
    if match is None or match.group("owner").split()[0] in _NOT_OWNERS:
        return None
    return match


def header_date(doc: Document) -> date | None:
    """The meeting's date from a 'Date: …' line or a dated heading near the top, if any."""
    for line in doc.lines[:_HEADER_LINES]:
        match = _HEADER_DATE.match(line.text)
        candidate = match.group("value") if match else _absolute_in(line.text)
        if candidate:
            parsed = _parse_absolute(candidate.strip(" *_"), None)
            if parsed is not None:
                return parsed
    return None


def resolve_date(phrase: str, base: date | None) -> str | None:
    """Turn a due-date phrase into an ISO date, or None when it cannot be pinned down."""
    phrase = phrase.strip()
    if _ABSOLUTE_RE.fullmatch(phrase):
        parsed = _parse_absolute(phrase, base)
    else:
        parsed = _parse_relative(phrase, base) if base is not None else None
    return parsed.isoformat() if parsed else None


def _find_owner(content: str, speaker: str | None) -> tuple[str | None, str | None]:
    if (field := _OWNER_FIELD.search(content)) is not None:
        return _clean_owner(field.group("owner")), None
    for paren in _PAREN_META.finditer(content):
        rest = paren.group("rest")
        bare = _BARE_DATE.match(rest)
        if _DUE.search(rest) or bare or find_priority(rest):
            return _clean_owner(paren.group("owner")), bare.group("date") if bare else None
    if (handle := _PAREN_HANDLE.search(content) or _MENTION.search(content)) is not None:
        return _clean_owner(
            handle.group("owner") if handle.re is _PAREN_HANDLE else handle.group()
        ), None
    if (lead := leading_owner(content)) is not None:
        return _clean_owner(lead.group("owner")), None
    if speaker and FIRST_PERSON.match(content):
        return speaker, None
    return None, None


def _clean_owner(raw: str) -> str | None:
    owner = raw.strip().lstrip("@").rstrip(".,;:")
    return None if not owner or owner in _NOT_OWNERS else owner


def _find_due(content: str, base: date | None) -> str | None:
    for match in _DUE.finditer(content):
        resolved = resolve_date(match.group("date"), base)
        if resolved:
            return resolved
    loose = _LOOSE_RELATIVE.search(content) if base is not None else None
    return resolve_date(loose.group("date"), base) if loose else None


def _meta_cut(content: str) -> int:
    cut = len(content)
    for match in _META_CLAUSE.finditer(content):
        if len(content[: match.start()].split()) >= 2:
            cut = match.start()
            break
    for paren in _PAREN_META.finditer(content):
        rest = paren.group("rest")
        if (
            _DUE.search(rest) or _BARE_DATE.match(rest) or find_priority(rest)
        ) and paren.start() < cut:
            cut = paren.start() if len(content[: paren.start()].split()) >= 2 else cut
    handle = _PAREN_HANDLE.search(content)
    if handle and handle.start() < cut and len(content[: handle.start()].split()) >= 2:
        cut = handle.start()
    return cut


def _absolute_in(line: str) -> str | None:
    match = _ABSOLUTE_RE.search(line)
    if match and _HAS_YEAR.search(match.group()) and len(line.split()) <= 12:
        return match.group()
    return None


def _parse_absolute(phrase: str, base: date | None) -> date | None:
    iso = _ISO.match(phrase.strip())
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    return _dateparse(phrase, base)


def _parse_relative(phrase: str, base: date) -> date | None:
    key = re.sub(r"\s+", " ", phrase.lower())
    if key in {"eod", "cob", "today", "tonight", "end of day", "end of the day"}:
        return base
    if key in {"eow", "end of week", "end of the week"}:
        return base + timedelta(days=(4 - base.weekday()) % 7)
    if key in {"eom", "end of month", "end of the month"}:
        return base.replace(day=calendar.monthrange(base.year, base.month)[1])
    return _dateparse(phrase, base)


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


@lru_cache(maxsize=1024)
def _dateparse(phrase: str, base: date | None) -> date | None:
    named = _parse_named_month(phrase.strip(), base)
    if named is not None:
        return named
    import dateparser  # imported lazily: it is slow to import and rarely needed

    settings: dict[str, object] = {"PREFER_DATES_FROM": "future"}
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if isinstance(parsed, datetime) else None
