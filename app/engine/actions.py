"""Find the action items and recommendations a document states, with their evidence.

Three sources, in one pass over the lines: items of a list under a recommendation heading or
lead-in; imperative list items and explicit markers (ACTION:, TODO, [ ], AI:) anywhere; and
recommendation sentences ("organisations should …", "we recommend that …"). In meeting notes
also "Alice to patch … by 12 March" and "@bob will …".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.engine.action_meta import FIRST_PERSON, header_date, leading_owner, parse_meta
from app.engine.brief import ActionItem, BriefKind, ItemStatus, Origin, action_item_id
from app.engine.document import Document, Span, split_sentences
from app.engine.grounding import evidence_at
from app.engine.kind import (
    LIST_MARKER,
    clean_heading,
    is_bare_heading,
    is_heading,
    is_markdown_heading,
)

VERBS = frozenset(
    """
    add adopt adapt alert align allowlist analyse analyze apply archive ask assess assign
    audit automate avoid back backup ban block blocklist book brief build calculate call
    capture change check clarify classify clean close collaborate collect communicate
    compare complete conduct configure confirm consider contact contain continue coordinate
    correlate create decide decommission define delete deploy design detect determine
    develop disable disconnect disseminate document double draft educate email enable
    encrypt enforce engage enrich enroll enrol ensure escalate establish evaluate expand
    explore export file filter finalise finalize find fix flag follow forward gather get
    harden hold hunt identify implement improve include increase inform ingest install
    integrate introduce inventory investigate invite isolate keep label leverage limit log
    look maintain make map mandate measure merge migrate minimise minimize mitigate monitor
    move notify obtain onboard organise organize patch perform ping plan prepare present
    preserve prevent prioritise prioritize protect provide publish purge push quarantine
    raise reach rebuild reconfigure recover reduce refresh register reimage remediate remind
    remove rename renew replace report request require rerun research reset resolve restore
    restrict retain retire revoke review revise rotate run sanitise sanitize scan schedule
    scope search secure segment segregate send set share shut sinkhole standardise
    standardize start stay stop strengthen submit subscribe supervise sync take talk test
    track train triage tune turn update upgrade use utilise utilize validate verify watch
    whitelist write
    """.split()  # noqa: SIM905
)
_AFTER_VERB_NOUN = frozenset(
    """
    of is was are were has have had 's
    """.split()  # noqa: SIM905
)
_ADVERB = re.compile(
    r"^(?:please|also|then|immediately|urgently|regularly|continuously|always|"
    r"promptly|proactively|periodically|routinely|carefully|quickly)\s+",
    re.I,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_REC_HEADING = re.compile(
    r"\b(?:recommend\w*|action\s+items?|actions|next\s+steps?|mitigat\w*|remediat\w*|"
    r"what\s+(?:you\s+|to\s+|we\s+)?(?:can\s+|should\s+)?do|to-?dos?|countermeasures?|"
    r"follow[- ]ups?|"
    r"defensive\s+measures|best\s+practices|guidance|advice|takeaways\s+for\s+defenders)\b",
    re.IGNORECASE,
)
_LIST_HEADING = re.compile(
    r"\b(?:indicators?|iocs?|hash(?:es)?|domains?|ip\s+addresses|ips|urls|affected|products?|"
    r"versions?|timeline|references?|sources?|agenda|attendees|participants|appendix|ttps|"
    r"techniques|samples|files|infrastructure|vulnerabilit(?:y|ies)|cves?)\b",
    re.IGNORECASE,
)
_CHECKBOX = re.compile(r"\[(?P<mark>[ xX✓✔])\]\s*")
_PREFIX = re.compile(
    r"(?:(?i:action(?:\s+items?)?|follow[- ]up|to-?do|next\s+step)\s*[:\-–—]|AI\s*:|TODO\b:?|"
    r"(?P<done>(?i:done|completed?)\s*:))\s*"
)
_MODAL = re.compile(
    r"\b(?:should|must|need(?:s)?\s+to|ought\s+to|ha(?:s|ve)\s+to|(?:is|are)\s+(?:strongly\s+)?"
    r"(?:advised|encouraged|urged)\s+to)\b",
    re.IGNORECASE,
)
_ADVICE = re.compile(
    r"\b(?:recommends?|recommended|advises?|urges?|suggests?)\s+(?:that\b|[a-z]+ing\b)|"
    r"\bit\s+is\s+(?:strongly\s+)?(?:recommended|advised|advisable|important|essential|critical|"
    r"crucial|vital|imperative)\s+(?:to|that)\b",
    re.IGNORECASE,
)
_ADVICE_WORDS = (
    "should",
    "must",
    "need to",
    "needs to",
    "ought",
    "has to",
    "have to",
    "advise",
    "encouraged",
    "urge",
    "recommend",
    "suggest that",
    "suggests that",
    "it is ",
)
_READERS = frozenset(
    """
    you we us organizations organisations orgs companies enterprises businesses teams team
    defenders administrators admins sysadmins users customers operators owners security soc
    it staff employees everyone agencies entities institutions providers analysts readers
    clients partners members leaders leadership management cisos ciso departments network
    networks
    """.split()  # noqa: SIM905
)
_ACTORS = frozenset(
    """
    attacker attackers adversary adversaries actor actors threat malware
    """.split()  # noqa: SIM905
)
_CHATTY = re.compile(
    r"\b(?:i\s+hope|hope\s+this|let\s+me\s+know|feel\s+free|(?:do\s+not|don't)\s+hesitate|"
    r"further\s+assistance|happy\s+to\s+help|thank(?:s|\s+you)|read\s+more|click\s+here|"
    r"subscribe\s+to\s+our|sign\s+up)\b",
    re.IGNORECASE,
)
_SPEAKER = re.compile(r"(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*:\s+")
_MAX_SUBJECT_WORDS = 10
_RUNNING_TEXT_CHARS = 100


@dataclass
class _Context:
    """Which section the scan is in: 'rec' (recommendations), 'blocked' (a list of things) or ''."""

    mode: str = ""
    list_only: bool = False  # a lead-in line's scope ends with its list


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    status: ItemStatus
    speaker: str | None = None


def find_action_items(doc: Document, kind: BriefKind) -> list[ActionItem]:
    """Return the action items the document states, in document order, each once."""
    meeting = kind is BriefKind.meeting_notes
    base = header_date(doc) if meeting else None
    items: dict[str, ActionItem] = {}
    seen: set[tuple[str, str | None]] = set()  # a repeated line yields its item once, cheaply
    ctx = _Context()
    for line in doc.lines:
        for found in _scan_line(doc.text, line, ctx, meeting=meeting):
            key = (doc.text[found.start : found.end], found.speaker)
            if key in seen:
                continue
            seen.add(key)
            item = _build_item(doc.text, found, base)
            if item is not None and item.id not in items:
                items[item.id] = item
    return list(items.values())


def is_imperative(text: str) -> bool:
    """True when the text opens with a base-form verb used as a command ("Patch the VPN")."""
    text = _ADVERB.sub("", text, count=1)
    words = _WORD.findall(text[:120])
    if len(words) < 2 or words[0].lower() not in VERBS:
        return False
    return words[1].lower() not in _AFTER_VERB_NOUN and not text.rstrip().endswith("?")


def is_recommendation(sentence: str) -> bool:
    """True for 'organisations should …', 'we recommend that …'; not for 'attackers must …'."""
    if not has_advice_word(sentence) or sentence.rstrip().endswith("?"):
        return False
    if _ADVICE.search(sentence):
        return not is_chatty(sentence)
    modal = _MODAL.search(sentence)
    if modal is None or is_chatty(sentence):
        return False
    subject = [w.lower() for w in _WORD.findall(sentence[: modal.start()])]
    if not subject or len(subject) > _MAX_SUBJECT_WORDS or _ACTORS.intersection(subject):
        return False
    return bool(_READERS.intersection(subject))


def has_advice_word(text: str) -> bool:
    """Cheap pre-check: could this text hold a recommendation at all?"""
    lowered = text.lower()
    return any(word in lowered for word in _ADVICE_WORDS)


def is_chatty(text: str) -> bool:
    """True for conversational filler ("I hope this helps", "Let me know if …")."""
    return _CHATTY.search(text) is not None


def is_explicit_item(line: str) -> bool:
    """True for a line marked as a task: ACTION:, TODO, AI:, a checkbox."""
    content = line[m.end() :] if (m := LIST_MARKER.match(line)) else line
    return bool(_CHECKBOX.match(content) or _PREFIX.match(content))


def _scan_line(text: str, line: Span, ctx: _Context, *, meeting: bool) -> list[_Found]:
    if _is_running_text(line.text):  # fast path for the bulk of an article
        if ctx.list_only:
            ctx.mode, ctx.list_only = "", False
        return _scan_prose(text, line, ctx, meeting=meeting)
    marker = LIST_MARKER.match(line.text)
    if marker is None and _update_context(line.text, ctx):
        return []
    if marker is None and ctx.list_only and not _CHECKBOX.match(line.text):
        ctx.mode, ctx.list_only = "", False
    start = line.start + (marker.end() if marker else 0)
    status, start, explicit = _strip_markers(text, start, line.end)
    if start >= line.end:
        return []
    content = text[start : line.end]
    if explicit or (marker is not None and _is_list_action(content, ctx, meeting=meeting)):
        return [_Found(start, line.end, status)]
    if marker is not None:
        return []
    return _scan_prose(text, Span(start, line.end, content), ctx, meeting=meeting)


def _is_running_text(line: str) -> bool:
    """A long line opening with a capital letter and no task prefix: not a heading or list."""
    return (
        len(line) > _RUNNING_TEXT_CHARS
        and line[0].isupper()
        and not line.endswith(":")
        and _PREFIX.match(line) is None
    )


def _update_context(line: str, ctx: _Context) -> bool:
    """Enter or leave a section on a heading; True when the line is a heading."""
    if not is_heading(line) or _CHECKBOX.match(line) or _PREFIX.match(line):
        return False
    if is_bare_heading(line) and (is_imperative(line) or leading_owner(line)):
        return False
    title = clean_heading(line)
    if _REC_HEADING.search(title):
        ctx.mode = "rec"
    elif _LIST_HEADING.search(title):
        ctx.mode = "blocked"
    else:
        ctx.mode = ""
    ctx.list_only = not is_markdown_heading(line) and line.rstrip().endswith(":")
    return True


def _strip_markers(text: str, start: int, end: int) -> tuple[ItemStatus, int, bool]:
    status, explicit = ItemStatus.open, False
    box = _CHECKBOX.match(text, start, end)
    if box:
        status = ItemStatus.done if box.group("mark") != " " else ItemStatus.open
        start, explicit = box.end(), True
    prefix = _PREFIX.match(text, start, end)
    if prefix:
        status = ItemStatus.done if prefix.group("done") else status
        start, explicit = prefix.end(), True
    return status, start, explicit


def _is_list_action(content: str, ctx: _Context, *, meeting: bool) -> bool:
    if _CHATTY.search(content) or len(_WORD.findall(content)) < 2:
        return False
    if ctx.mode == "rec":
        return True
    if ctx.mode == "blocked":
        return False
    if is_imperative(content) or is_recommendation(content):
        return True
    return meeting and _is_assignment(content)


def _scan_prose(text: str, line: Span, ctx: _Context, *, meeting: bool) -> list[_Found]:
    in_section = ctx.mode == "rec" and not ctx.list_only
    if not meeting and not in_section and not has_advice_word(line.text):
        return []
    sp = _SPEAKER.match(line.text) if meeting else None
    speaker, skip = (sp.group("name"), sp.end()) if sp else (None, 0)
    found: list[_Found] = []
    for sentence in split_sentences(line.text):
        start, body = line.start + sentence.start, sentence.text
        if skip and sentence.start == 0:
            start, body = start + skip, body[skip:]
        if _is_prose_action(body, ctx, meeting=meeting):
            found.append(_Found(start, line.start + sentence.end, ItemStatus.open, speaker))
    return found


def _is_prose_action(sentence: str, ctx: _Context, *, meeting: bool) -> bool:
    if is_recommendation(sentence):
        return True
    if _CHATTY.search(sentence):
        return False
    if ctx.mode == "rec" and not ctx.list_only and is_imperative(sentence):
        return True
    if not meeting:
        return False
    return _is_assignment(sentence) or FIRST_PERSON.match(sentence) is not None


def _is_assignment(text: str) -> bool:
    lead = leading_owner(text)
    return lead is not None and lead.group("verb") in VERBS


def _build_item(text: str, found: _Found, base: date | None) -> ActionItem | None:
    content = text[found.start : found.end]
    meta = parse_meta(content, base=base, speaker=found.speaker)
    item_text = content[: meta.cut].rstrip(" \t,;:—–-|").strip()
    if not item_text:
        return None
    return ActionItem(
        id=action_item_id(item_text),
        text=item_text,
        priority=meta.priority,
        owner=meta.owner,
        due=meta.due,
        origin=Origin.stated,
        evidence=[evidence_at(text, found.start, found.end)],
        status=found.status,
    )
