"""Owner, due date and priority of an action item, read from its own words.

Explicit fields (``owner: Dana``, ``assigned to Bob``, ``@dana``, ``(Alice, by Friday)``) count
in any document; the looser meeting styles ("Priya will …", "Alice Chen — patch …",
"Kwame owns it") only in meeting notes, where a leading name is a person, not a label.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from app.engine.action_dates import BARE_DATE, find_due, has_due_phrase, resolve_date
from app.engine.action_verbs import is_action_verb
from app.engine.brief import Priority

# Possessive: no pattern goes on with a lower-case letter after a name's word, so giving some
# of its letters back could never lead to a match, only to a slower failure.
_NAME = r"[A-Z][a-z]++(?:['’][A-Z][a-z]++)?(?:[ -][A-Z][a-z]++)?"
_HANDLE = r"@[A-Za-z][\w.-]*[\w]"
_PERSON = rf"(?:{_HANDLE}|{_NAME}(?:\s+(?:and|&)\s+{_NAME})?)"
FIRST_PERSON = re.compile(r"I(?:'ll|’ll|\s+will|\s+am\s+going\s+to)\s+[a-z]+")
_OWNER_FIELD = re.compile(
    rf"\b(?:(?i:owners?|assignee|responsible|who)\s*[:=]|(?i:assigned\s+to|owned\s+by))\s*"
    rf"(?P<owner>{_HANDLE}|{_NAME}|[a-z][\w.-]+)"
)
_PAREN_META = re.compile(rf"\(\s*(?P<owner>{_PERSON})\s*(?:[,;/]|\s[-–—]\s)\s*(?P<rest>[^()]*)\)")
_PAREN_HANDLE = re.compile(rf"\(\s*(?P<owner>{_HANDLE})\s*\)")
_LEADING = (
    rf"(?P<owner>{_PERSON})\s*:?\s+(?:to|will|is\s+going\s+to|'ll|shall)\s+(?P<verb>[a-z]+)\b"
)
_LEADING_OWNER = re.compile(_LEADING)
# "Alice Chen — chase the suppliers", "Dana: check the logs": the verb must be an action verb.
_LABELLED = (
    rf"(?:(?P<label_owner>{_PERSON})\s*(?:[—–:]|\s-)|(?P<handle>{_HANDLE}))\s*"
    r"(?P<label_verb>[A-Za-z-]+)\b"
)
# Both in one pattern, _LEADING tried first: one match attempt for the many texts with neither.
_LEADING_OR_LABELLED = re.compile(f"{_LEADING}|{_LABELLED}")
_OWNS = re.compile(
    rf"\b(?P<owner>{_NAME})\s+(?:owns|will\s+own|is\s+owning|takes|has|is\s+on|picks\s+up)\s+"
    r"(?:it|this|that)\b"
)
# What every _OWNS match holds, opening with a character class so the search skips ahead fast
# (a pattern that opens with \b is tried at every position).
_OWNS_CLAUSE = re.compile(
    r"\s(?:owns|will\s+own|is\s+owning|takes|has|is\s+on|picks\s+up)\s+(?:it|this|that)\b"
)
_META_SENTENCE = re.compile(
    rf"^(?:{_NAME}\s+(?:owns|will\s+own|is\s+owning|takes|is\s+on|picks\s+up)\s+(?:it|this|that)\b|"
    r"(?i:owners?|assignee|due(?:\s+date)?|deadline|eta)\s*[:=])"
)
_META_LINE = re.compile(
    r"^[*_]*(?i:owners?|assignee|responsible|due(?:\s+date)?|deadline|eta|priority|status|who|"
    r"when)[*_]*\s*[:=][*_]*\s*\S"
)
# is_meta_line or is_meta_sentence in one match, for a text that holds ':' or '='.
_META_LINE_OR_SENTENCE = re.compile(f"{_META_LINE.pattern}|{_META_SENTENCE.pattern}")
_MENTION = re.compile(rf"(?<![\w.]){_HANDLE}")
_META_CLAUSE = re.compile(
    r"\s*(?:[-–—|;,]\s*)?(?:\b(?:owners?|assignee|assigned\s+to|due(?:\s+date)?|deadline|priority)\s*[:=]|"
    r"\b(?:assigned\s+to|owned\s+by)\s+(?=@|[A-Z])|"
    r"\((?:owners?|due)\s*:|\((?:p[0-4]|high|medium|low|urgent|critical|asap)\)|"
    r"\[(?:p[0-4]|high|medium|low|urgent|critical)\]|"
    r"[,;]\s*(?:urgent|asap|critical|p[0-4]|(?:high|medium|low)[- ]priority)\W*$)",
    re.IGNORECASE,
)
# _META_CLAUSE less its leading separator: a clause holds one. Searching for this first is far
# faster, as a pattern opening with "\s*" is tried in full at every position.
_META_CLAUSE_BODY = re.compile(
    _META_CLAUSE.pattern.removeprefix(r"\s*(?:[-–—|;,]\s*)?"), re.IGNORECASE
)
# The same for lower-cased ASCII text, where it finds what the case-blind one does, much faster.
_META_CLAUSE_BODY_LOW = re.compile(_META_CLAUSE_BODY.pattern.replace("[A-Z]", "[a-z]"))
# Every match of _META_CLAUSE_BODY_LOW holds one of these or a "p" and a digit ("p1", "(p2)"):
# a finer pre-check than _META_HINTS, whose "(", "[" and ", p" most items hold, for a slow search.
_CLAUSE_WORDS = (
    "owner",
    "assign",
    "due",
    "deadline",
    "priority",
    "owned",
    "urgent",
    "asap",
    "critical",
    "(high)",
    "[high]",
    "(medium)",
    "[medium]",
    "(low)",
    "[low]",
)
_DASH_DUE = re.compile(r"\s(?:[—–]|-)\s+due\s+\w")
_OWNER_HINTS = ("owner", "assign", "responsible", "who", "owned by")
# Words without which no trailing metadata clause can match: a cheap pre-check.
_META_HINTS = (
    "owner",
    "assign",
    "due",
    "deadline",
    "priority",
    "(",
    "[",
    "urgent",
    "asap",
    "critical",
    ", p",
    "; p",
)
_HIGH = re.compile(
    r"\b(?:urgent(?:ly)?|critical|asap|p[01]|immediately|high[- ]priority|"
    r"priority\s*[:=]\s*(?:high|urgent|critical))\b|[(\[]high[)\]]",
)
_LOW = re.compile(
    r"\b(?:p[34]|low[- ]priority|priority\s*[:=]\s*low|when\s+possible|if\s+time\s+permits|"
    r"nice[- ]to[- ]have)\b|[(\[]low[)\]]",
)
_MEDIUM = re.compile(
    r"\b(?:p2|medium[- ]priority|priority\s*[:=]\s*(?:medium|normal))\b|[(\[]medium[)\]]",
)
# Without one of these (or "p" and a digit) in the lower-cased text no priority pattern matches.
_PRIORITY_HINTS = (
    "urgent",
    "critical",
    "asap",
    "priority",
    "immediate",
    "possible",
    "permits",
    "nice",
    "high)",  # "(high)", "[high]" and the others: a bracket alone is too common a hint
    "high]",
    "low)",
    "low]",
    "medium)",
    "medium]",
)
_P_DIGIT = re.compile(r"p\d")
_NOT_OWNERS = frozenset(
    """
    I We You They He She It This That These Those The A An All Everyone Someone Team Please
    Also Then Next Maybe Need Who What When Where Why How Action Todo Owner Due Note Notes
    Update Status Decision Decisions Summary Question Answer Step Phase Mitigation Fix Tip
    Recommendation Recommendations Workaround Priority Deadline Result Goal Risk Impact
    Agenda Context Background Outcome Option Done Open Closed Blocked
    """.split()  # noqa: SIM905
)


class ItemMeta(NamedTuple):  # a NamedTuple: made for every item, cheaper than a frozen dataclass
    """Who, when and how urgent; ``cut`` is where the trailing metadata starts."""

    owner: str | None
    due: str | None
    priority: Priority | None
    cut: int


class Lead(NamedTuple):
    """The person an item opens with ("Alice to …", "Alice Chen — …") and the verb after."""

    owner: str
    verb: str


def parse_meta(
    content: str,
    *,
    base: date | None,
    meeting: bool = True,
    assigned: str | None = None,
    speaker: str | None = None,
    tail: str = "",
) -> ItemMeta:
    """Read owner, due date and priority from an item's text, then from a trailing ``tail``.

    ``assigned`` is an owner named by the item's marker (``TODO(Sam):``); ``speaker`` owns
    only what they say in the first person; ``tail`` is a following clause about the item
    ("Kwame owns it; done by 23:00").
    """
    loose = meeting and assigned is None  # a marker's owner beats "Alice to …" in the text
    owner, paren_date = find_owner(content, meeting=loose, speaker=speaker)
    owner = owner or (_clean_owner(assigned) if assigned else None)
    due = find_due(content, base) or (resolve_date(paren_date, base) if paren_date else None)
    if tail:
        owner = owner or find_owner(tail, meeting=meeting)[0]
        due = due or find_due(tail, base)
    return ItemMeta(owner=owner, due=due, priority=find_priority(content), cut=_meta_cut(content))


def find_priority(text: str) -> Priority | None:
    """Map urgency words (urgent, P1, 'when possible', ...) to a priority."""
    text = text.lower()
    if not _may_be_priority(text):  # cheap pre-check for the common case
        return None
    if _HIGH.search(text):
        return Priority.high
    if _LOW.search(text):
        return Priority.low
    if _MEDIUM.search(text):
        return Priority.medium
    return None


def _may_be_priority(lowered: str) -> bool:
    for hint in _PRIORITY_HINTS:  # a plain loop: cheaper than one regex of alternatives
        if hint in lowered:
            return True
    return _has_p_digit(lowered)


def _has_p_digit(lowered: str) -> bool:
    return "p" in lowered and _P_DIGIT.search(lowered) is not None


def leading_owner(content: str, *, labelled: bool = True) -> Lead | None:
    """'Alice to patch …', '@bob will …' and (if ``labelled``) 'Alice Chen — patch …'."""
    first = content[:1]  # both patterns open with a capital letter or an '@': test that inline
    if not ("A" <= first <= "Z" or first == "@"):
        return None
    match = (_LEADING_OR_LABELLED if labelled else _LEADING_OWNER).match(content)
    if match is None:
        return None
    owner, verb = match.group("owner", "verb")
    if owner is None:  # the labelled form: "Alice Chen — chase …", "@dana check …"
        owner = match.group("label_owner") or match.group("handle")
        verb = match.group("label_verb")
        if not is_action_verb(verb):
            return None
    if owner.split()[0] in _NOT_OWNERS:
        return None
    return Lead(owner=owner, verb=verb.lower())


def is_meta_field(content: str) -> bool:
    """``is_meta_line(content) or is_meta_sentence(content)``, one match for the two, for a
    text that holds ':' or '=' (a field line below an item, or a sentence about it)."""
    return _META_LINE_OR_SENTENCE.match(content) is not None


def is_meta_sentence(sentence: str) -> bool:
    """True for a sentence that only says who owns the item before it ('Kwame owns it.')."""
    return _META_SENTENCE.match(sentence) is not None


def find_owner(
    content: str, *, meeting: bool = True, speaker: str | None = None
) -> tuple[str | None, str | None]:
    """The item's owner, and a date phrase found beside it in '(Alice, Friday)', if any."""
    lowered = content.lower()
    has_field = _holds_any(lowered, _OWNER_HINTS)
    if has_field and (field := _OWNER_FIELD.search(content)) is not None:
        return _clean_owner(field.group("owner")), None
    for paren in _PAREN_META.finditer(content) if "(" in content else ():
        rest = paren.group("rest")
        bare = BARE_DATE.match(rest)
        if has_due_phrase(rest) or bare or find_priority(rest):
            return _clean_owner(paren.group("owner")), bare.group("date") if bare else None
    parens = "(" in content
    if parens and "@" in content and (handle := _PAREN_HANDLE.search(content)) is not None:
        return _clean_owner(handle.group("owner")), None
    if "@" in content and (mention := _MENTION.search(content)) is not None:
        return _clean_owner(mention.group()), None
    return (_loose_owner(content, speaker) if meeting else None), None


def _loose_owner(content: str, speaker: str | None) -> str | None:
    if (lead := leading_owner(content)) is not None:
        return _clean_owner(lead.owner)
    if speaker and FIRST_PERSON.match(content):
        return speaker
    owns = _OWNS.search(content) if _OWNS_CLAUSE.search(content) else None
    return _clean_owner(owns.group("owner")) if owns else None


def _clean_owner(raw: str) -> str | None:
    owner = raw.strip().lstrip("@").rstrip(".,;:")
    return None if not owner or owner.split()[0] in _NOT_OWNERS else owner


def _meta_cut(content: str) -> int:
    cut = len(content)
    dash = _DASH_DUE.search(content) if " due " in content else None
    if dash is not None and len(content[: dash.start()].split()) >= 2:
        cut = dash.start()  # "… window — due today."
    lowered = content.lower()
    clauses = _holds_any(lowered, _META_HINTS) and _has_meta_clause(content, lowered)
    for match in _META_CLAUSE.finditer(content) if clauses else ():
        if len(content[: match.start()].split()) >= 2:
            cut = min(cut, match.start())
            break
    if "(" not in content:
        return cut
    for paren in _PAREN_META.finditer(content):
        rest = paren.group("rest")
        if (
            has_due_phrase(rest) or BARE_DATE.match(rest) or find_priority(rest)
        ) and paren.start() < cut:
            cut = paren.start() if len(content[: paren.start()].split()) >= 2 else cut
    handle = _PAREN_HANDLE.search(content)
    if handle and handle.start() < cut and len(content[: handle.start()].split()) >= 2:
        cut = handle.start()
    return cut


def _has_meta_clause(content: str, lowered: str) -> bool:
    """``_META_CLAUSE_BODY.search(content)``; ASCII text is searched lower-cased, much faster."""
    if content.isascii():
        if not _holds_any(lowered, _CLAUSE_WORDS) and not _has_p_digit(lowered):
            return False  # most texts _META_HINTS let through ("(", "[", ", p")
        return _META_CLAUSE_BODY_LOW.search(lowered) is not None
    return _META_CLAUSE_BODY.search(content) is not None


def _holds_any(lowered: str, hints: tuple[str, ...]) -> bool:
    for hint in hints:  # noqa: SIM110 (a loop beats any() over a generator)
        if hint in lowered:
            return True
    return False
