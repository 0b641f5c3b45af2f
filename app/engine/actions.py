"""Find the action items and recommendations a document states, with their evidence.

Three sources, in one pass over the lines: items of a list under a recommendation heading or
lead-in; imperative list items and explicit markers (ACTION:, TODO, TODO(Sam):, [ ], AI:)
anywhere; and recommendation sentences ("organisations should …", "we recommend that …",
and "MFA should be enforced …" among other advice). In meeting notes also "Alice to patch …
by 12 March", "@bob will …", "Alice Chen — chase …". Field lines under an item
("- Owner: Tom", "- Due: 2024-05-15") and a trailing "Kwame owns it." fill in its metadata.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from app.engine.action_dates import header_date
from app.engine.action_meta import (
    FIRST_PERSON,
    is_meta_field,
    is_meta_sentence,
    leading_owner,
    parse_meta,
)
from app.engine.action_rows import may_be_row, read_row
from app.engine.action_rules import (
    CHECKBOX,
    DONE_STATES,
    PREFIX,
    WORD,
    continues_advice,
    has_advice_word,
    is_assignment,
    is_chatty,
    is_explicit_item,
    is_imperative,
    is_rec_heading,
    is_recommendation,
    is_soft_recommendation,
    may_be_reader_can,
    rec_label_end,
)
from app.engine.brief import ActionItem, BriefKind, ItemStatus, Origin, action_item_id
from app.engine.document import Document, Span, split_sentences
from app.engine.kind import clean_heading, is_bare_heading, is_markdown_heading
from app.engine.line_shapes import LineShape, line_shapes
from app.engine.payloads import evidence_payload

__all__ = [
    "find_action_items",
    "has_advice_word",
    "is_chatty",
    "is_explicit_item",
    "is_imperative",
    "is_recommendation",
]

_LIST_HEADING = re.compile(
    r"\b(?:indicators?|iocs?|hash(?:es)?|domains?|ip\s+addresses|ips|urls|affected|products?|"
    r"versions?|timeline|references?|sources?|agenda|attendees|participants|appendix|ttps|"
    r"techniques|samples|files|infrastructure|vulnerabilit(?:y|ies)|cves?)\b",
    re.IGNORECASE,
)
# The same pattern without IGNORECASE, for lower-cased ASCII text (where the two agree).
_LIST_HEADING_LOW = re.compile(_LIST_HEADING.pattern)
_SPEAKER = re.compile(r"(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*:\s+")
_RUNNING_TEXT_CHARS = 100
# What a field line ('**Owner:** …', 'due: …', 'status = …') or a meta sentence opens with,
# when not with a capital: emphasis, or the lower-case first letter of a field name ('ſ' is
# the one other letter that a case-blind 's' matches).
_META_OPENERS = "*_oaredpswſ"
_MIN_RECS_FOR_ADVICE = 2  # a paragraph with this many recommendations is a paragraph of advice
_DONE_TITLE_WORDS = 3
_DONE_TITLE_CHARS = 40
_DONE_OPENINGS = frozenset(state[:4] for state in DONE_STATES)  # a cheap pre-check
# ActionItem.model_validate less its Python wrapper (an item is validated for every item found)
_validate_item: Callable[[object], ActionItem] = ActionItem.__pydantic_validator__.validate_python


class _Context:
    """Which section the scan is in: 'rec' (recommendations), 'blocked' (a list of things) or ''.

    A heading line is kept as it is and read only when a later line asks for the section: in a
    run of heading-like lines (a table's rows) only the last one needs reading.
    """

    __slots__ = ("_heading", "_list_only", "_mode")

    def __init__(self) -> None:
        self._mode = ""
        self._list_only = False  # a lead-in line's scope ends with its list
        self._heading: str | None = None  # the heading that opens the section, not yet read

    @property
    def mode(self) -> str:
        if (heading := self._heading) is not None:
            self._read(heading)
        return self._mode

    @property
    def list_only(self) -> bool:
        if (heading := self._heading) is not None:
            self._read(heading)
        return self._list_only

    def enter(self, heading: str) -> None:
        """Open the section of a heading line (``_opens_section`` said it does)."""
        self._heading = heading

    def leave(self) -> None:
        """Close the section: the lines that follow are in none."""
        self._heading, self._mode, self._list_only = None, "", False

    def _read(self, line: str) -> None:
        """Work out the section a heading line opens."""
        self._heading = None
        title = _clean_title(line)
        if is_rec_heading(title):
            self._mode = "rec"
        elif _is_list_heading(title):
            self._mode = "blocked"
        else:
            self._mode = ""
        self._list_only = line.rstrip().endswith(":") and not is_markdown_heading(line)


class _Found(NamedTuple):  # a NamedTuple: cheaper to make than a frozen dataclass
    start: int
    end: int
    status: ItemStatus
    speaker: str | None = None
    assigned: str | None = None  # TODO(Sam): …
    tail_end: int = 0  # end of a following "Kwame owns it." clause, if any


@dataclass
class _Scan:
    """The state of one pass: items so far, and the item that field lines below would fill."""

    doc: Document
    meeting: bool
    base: date | None
    ctx: _Context = field(default_factory=_Context)
    items: dict[str, ActionItem] = field(default_factory=dict)
    seen: set[tuple[str, str | None]] = field(default_factory=set)
    open_id: str | None = None
    done_section: bool = False  # under a "Done" / "Closed" heading of meeting notes


def find_action_items(doc: Document, kind: BriefKind) -> list[ActionItem]:
    """Return the action items the document states, in document order, each once."""
    meeting = kind is BriefKind.meeting_notes
    base = header_date(doc) if meeting else None
    scan = _Scan(doc, meeting, base)
    ctx = scan.ctx
    for line, shape in zip(doc.lines, line_shapes(doc), strict=True):
        text = line.text
        if meeting:  # a tracker's rows, and its "Done" section of finished tickets
            if shape.heading:
                scan.done_section = _is_done_title(text)
            if not shape.marker and may_be_row(text) and _scan_row(scan, line):
                continue
        # Most lines are a heading-like line (a table row, an indicator) or prose: a line with
        # no marker and no field sign, that is no meta sentence, takes the short ways below,
        # which do what _scan_line would, without its calls.
        if shape.marker or shape.explicit:
            _scan_line(scan, line, shape)
        elif ":" in text or "=" in text or ("A" <= text[0] <= "Z" and is_meta_sentence(text)):
            if meeting or (shape.heading and not _is_running_text(text)) or _may_act(scan, text):
                _scan_line(scan, line, shape)
        elif shape.heading and not _is_running_text(text):
            scan.open_id = None
            if _opens_section(text, explicit=False):
                ctx.enter(text)
            else:  # a task-like heading: an item
                _scan_items(scan, line, shape)
        elif meeting or has_advice_word(text):  # prose that may state an action
            _scan_items(scan, line, shape)
        else:  # prose without an advice word: no item, only the end of a lead-in's list
            scan.open_id = None
            if ctx.list_only:
                ctx.leave()
            elif ctx.mode == "rec":  # a recommendations section's prose states actions
                _scan_items(scan, line, shape)
    return list(scan.items.values())


def _scan_line(scan: _Scan, line: Span, shape: LineShape) -> None:
    body = line.text[shape.marker :] if shape.marker else line.text
    # A field line holds ':' or '='; a meta sentence too, or opens with a name; and both open
    # with a capital or a character of _META_OPENERS (a URL or a time opens with neither).
    first = body[:1]
    upper = "A" <= first <= "Z"
    field_sign = ":" in body or "=" in body
    if (
        (upper or first in _META_OPENERS)
        and (field_sign or upper)
        and (is_meta_field(body) if field_sign else is_meta_sentence(body))
    ):
        if scan.open_id is not None:
            _fill(scan, scan.open_id, body)
        return
    _scan_items(scan, line, shape)


def _scan_items(scan: _Scan, line: Span, shape: LineShape) -> None:
    """Add the items a line that is no field line states (``_scan_line`` less its meta test)."""
    scan.open_id = None
    text = scan.doc.text
    for found in _find_in_line(scan, line, shape):
        key = (text[found.start : found.end], found.speaker)
        if key in scan.seen:  # a repeated line yields its item once, cheaply
            continue
        scan.seen.add(key)
        if scan.done_section and found.status is not ItemStatus.done:
            found = found._replace(status=ItemStatus.done)  # listed under "Done" / "Closed"
        item = _build_item(scan, found)
        if item is not None:
            scan.items.setdefault(item.id, item)
            scan.open_id = item.id


def _may_act(scan: _Scan, prose: str) -> bool:
    """False when an article's line of prose (no heading, no list item, no task marker) can
    change nothing: no item to fill, no lead-in's list to end, no section, label or advice.

    Then the line need not be tested as a field line: whatever it is, nothing happens.
    """
    ctx = scan.ctx
    return (
        scan.open_id is not None
        or ctx.list_only
        or ctx.mode == "rec"
        or has_advice_word(prose)
        or rec_label_end(prose) > 0
    )


def _scan_row(scan: _Scan, line: Span) -> bool:
    """Read a ticket row ("DET-214 High Hunt for … Camila Ortiz Oct 16"); False if it is none."""
    row = read_row(line.text, scan.base)
    if row is None:
        return False
    scan.open_id = None
    # a finished ticket, or any ticket under a "Done" heading, is a checked item
    status = ItemStatus.done if row.done or scan.done_section else ItemStatus.open
    found = _Found(line.start + row.start, line.start + row.end, status)
    item = _build_item(scan, found)
    if item is not None:
        update = {"owner": row.owner or item.owner, "due": row.due or item.due}
        item = item.model_copy(update=update)
        scan.items.setdefault(item.id, item)
        scan.open_id = item.id
    return True


def _is_done_title(line: str) -> bool:
    """A heading for finished work: "Done", "### Closed (3)", "Completed:"."""
    if len(line) > _DONE_TITLE_CHARS or line.lstrip("#*_ ")[:4].lower() not in _DONE_OPENINGS:
        return False  # most headings
    words = _clean_title(line).rstrip(":").split()
    return 0 < len(words) <= _DONE_TITLE_WORDS and words[0].lower() in DONE_STATES


def _fill(scan: _Scan, item_id: str, body: str) -> None:
    """Complete an item's owner, due date and priority from a field line below it."""
    item = scan.items[item_id]
    meta = parse_meta(body, base=scan.base, meeting=scan.meeting)
    update = {
        "owner": item.owner or meta.owner,
        "due": item.due or meta.due,
        "priority": item.priority or meta.priority,
    }
    scan.items[item_id] = item.model_copy(update=update)


def _find_in_line(scan: _Scan, line: Span, shape: LineShape) -> list[_Found]:
    ctx = scan.ctx
    text = scan.doc.text
    listed = shape.marker > 0
    if not listed and not shape.explicit and _is_running_text(line.text):  # most of an article
        if ctx.list_only:
            ctx.leave()
        return _scan_prose(scan, line, whole_line=True)
    if shape.heading and _opens_section(line.text, explicit=shape.explicit):
        ctx.enter(line.text)
        return []
    if not listed and ctx.list_only and not CHECKBOX.match(line.text):
        ctx.leave()
    start = line.start + shape.marker
    status, explicit, assigned = ItemStatus.open, False, None
    if shape.explicit:
        status, start, explicit, assigned = _strip_markers(text, start, line.end)
    if start >= line.end:
        return []
    content = text[start : line.end]
    if explicit or (listed and _is_list_action(scan, content)):
        return [_item_with_tail(text, start, line.end, status, assigned)]
    if listed:
        if scan.meeting and "; " in content and " will " in content:
            return _clause_assignments(content, start)
        return []
    if start == line.start:
        return _scan_prose(scan, line, whole_line=True)
    return _scan_prose(scan, Span(start, line.end, content))


def _clause_assignments(content: str, start: int) -> list[_Found]:
    """'DET-211: fired on the servers; Jens will scope it first.': the clause after a ';'
    that assigns work, up to the end of its sentence."""
    found: list[_Found] = []
    at = content.find("; ")
    while at >= 0:
        clause = at + 2
        stop = content.find(". ", clause)
        end = len(content) if stop < 0 else stop + 1
        if is_assignment(content[clause:end]):
            found.append(_Found(start + clause, start + end, ItemStatus.open))
        at = content.find("; ", clause)
    return found


def _item_with_tail(
    text: str, start: int, end: int, status: ItemStatus, assigned: str | None
) -> _Found:
    """A list item, less a trailing 'Omar owns it.' sentence, which becomes its tail."""
    content = text[start:end]
    if ". " in content:
        for sentence in split_sentences(content)[1:]:
            if is_meta_sentence(sentence.text):
                cut = start + len(content[: sentence.start].rstrip())
                return _Found(start, cut, status, assigned=assigned, tail_end=end)
    return _Found(start, end, status, assigned=assigned)


def _is_running_text(line: str) -> bool:
    """A long line opening with a capital letter (the caller has ruled out task markers)."""
    return len(line) > _RUNNING_TEXT_CHARS and line[0].isupper() and not line.endswith(":")


def _opens_section(line: str, *, explicit: bool) -> bool:
    """True when a heading line opens a section (and is no task itself).

    The caller has checked that ``is_heading(line)``; ``explicit`` is the line's shape (a
    heading has no list marker, so it tells whether CHECKBOX or PREFIX matches the line).
    """
    if explicit:
        if CHECKBOX.match(line):
            return False
        prefix = PREFIX.match(line)
        if prefix is not None and line[prefix.end() :].strip():
            return False
    # A task-like heading ("Patch the VPN", "Alice to call Bob") is a task, if it is bare.
    return not ((is_imperative(line) or leading_owner(line)) and is_bare_heading(line))


def _clean_title(line: str) -> str:
    """``kind.clean_heading`` of a stripped line, less its regex substitution when no '#'."""
    return clean_heading(line) if "#" in line else line.strip().strip("*_").strip()


def _is_list_heading(title: str) -> bool:
    """``_LIST_HEADING.search``; ASCII text is searched lower-cased, which is much faster."""
    if title.isascii():
        return _LIST_HEADING_LOW.search(title.lower()) is not None
    return _LIST_HEADING.search(title) is not None


def _strip_markers(text: str, start: int, end: int) -> tuple[ItemStatus, int, bool, str | None]:
    status, explicit, assigned = ItemStatus.open, False, None
    box = CHECKBOX.match(text, start, end)
    if box:
        status = ItemStatus.done if box.group("mark") != " " else ItemStatus.open
        start, explicit = box.end(), True
    prefix = PREFIX.match(text, start, end)
    if prefix:
        state = (prefix.group("state") or "").strip().lower()
        if prefix.group("done") or state in DONE_STATES or state == "x":
            status = ItemStatus.done
        start, explicit = prefix.end(), True
        assigned = prefix.group("owner") or prefix.group("by")
    return status, start, explicit, assigned


def _is_list_action(scan: _Scan, content: str) -> bool:
    mode = scan.ctx.mode
    if mode == "blocked" or " " not in content:
        return False
    acts = (
        mode == "rec"
        or is_imperative(content)
        or is_recommendation(content)
        or (scan.meeting and is_assignment(content))
    )
    # one token (a domain, a hash) is never a task, nor is chatter; few items act: test last
    return acts and _has_two_words(content) and not is_chatty(content)


def _has_two_words(content: str) -> bool:
    """``len(WORD.findall(content)) >= 2``, without finding every word."""
    first = WORD.search(content)
    return first is not None and WORD.search(content, first.end()) is not None


def _scan_prose(scan: _Scan, line: Span, *, whole_line: bool = False) -> list[_Found]:
    """Sentences of a line (or of what follows its markers) that state an action."""
    ctx, meeting = scan.ctx, scan.meeting
    skip = rec_label_end(line.text)
    in_section = bool(skip) or (ctx.mode == "rec" and not ctx.list_only)
    advised = in_section or has_advice_word(line.text)
    if not meeting and not advised:
        return []
    speaker = None
    if not skip and meeting and (sp := _SPEAKER.match(line.text)) is not None:
        speaker, skip = sp.group("name"), sp.end()
    sentences = [
        (s.start + (skip if s.start == line.start else 0), s.end)
        for s in _sentences_of(scan.doc, line, whole_line=whole_line)
    ]
    text = scan.doc.text
    bodies = [text[start:end] for start, end in sentences]
    if not advised and " can " not in line.text:
        # No sentence holds an advice word or a "Defenders can": only a meeting's assignments
        # ("Alice to patch …", "I'll check …") can act, and the loop below comes to this.
        return _assignments(scan, sentences, bodies, speaker)
    # no recommendation without an advice word, or a "Defenders can …"
    advisory = [has_advice_word(body) or may_be_reader_can(body) for body in bodies]
    recs = [adv and is_recommendation(body) for body, adv in zip(bodies, advisory, strict=True)]
    advice = in_section or sum(recs) >= _MIN_RECS_FOR_ADVICE
    found: list[_Found] = []
    after_rec = False  # the sentence before was a recommendation
    for (start, end), body, rec, adv in zip(sentences, bodies, recs, advisory, strict=True):
        if found and found[-1].end <= start and is_meta_sentence(body):
            last = found[-1]
            found[-1] = _Found(last.start, last.end, last.status, last.speaker, tail_end=end)
        elif start < end and (
            rec
            or _is_prose_action(scan, body, in_section, advice=advice and adv)
            or (after_rec and adv and continues_advice(body))  # "They should also …"
        ):
            found.append(_Found(start, end, ItemStatus.open, speaker))
            after_rec = True
            continue
        after_rec = False
    return found


def _assignments(
    scan: _Scan, sentences: list[tuple[int, int]], bodies: list[str], speaker: str | None
) -> list[_Found]:
    """The sentences of a meeting's line without advice that assign work, each with a
    following "Kwame owns it." as its tail."""
    found: list[_Found] = []
    for (start, end), body in zip(sentences, bodies, strict=True):
        if found and found[-1].end <= start and is_meta_sentence(body):
            last = found[-1]
            found[-1] = _Found(last.start, last.end, last.status, last.speaker, tail_end=end)
        elif start < end and _is_prose_action(scan, body, False, advice=False):
            found.append(_Found(start, end, ItemStatus.open, speaker))
    return found


def _sentences_of(doc: Document, span: Span, *, whole_line: bool) -> list[Span]:
    """The sentences of a span, at document offsets: a whole line's are the document's own."""
    if whole_line:
        return doc.sentences_within(span.start, span.end)
    return [
        Span(span.start + s.start, span.start + s.end, s.text) for s in split_sentences(span.text)
    ]


def _is_prose_action(scan: _Scan, sentence: str, in_section: bool, *, advice: bool) -> bool:
    """Everything but a recommendation (which the caller has already tested for).

    ``advice`` is true in a paragraph of advice, for a sentence with an advice word.
    """
    acts = (
        (advice and is_soft_recommendation(sentence))
        or (in_section and is_imperative(sentence))
        or (scan.meeting and (is_assignment(sentence) or FIRST_PERSON.match(sentence) is not None))
    )
    return acts and not is_chatty(sentence)  # few sentences act: test last


def _build_item(scan: _Scan, found: _Found) -> ActionItem | None:
    text = scan.doc.text
    content = text[found.start : found.end]
    tail = text[found.end : found.tail_end] if found.tail_end else ""
    meta = parse_meta(
        content,
        base=scan.base,
        meeting=scan.meeting,
        assigned=found.assigned,
        speaker=found.speaker,
        tail=tail,
    )
    item_text = content[: meta.cut].rstrip(" \t,;:—–-|").strip()
    if not item_text:
        return None
    return _validate_item(
        {
            "id": action_item_id(item_text),
            "text": item_text,
            "priority": meta.priority,
            "owner": meta.owner,
            "due": meta.due,
            "origin": Origin.stated,
            "evidence": [evidence_payload(text, found.start, found.end)],
            "status": found.status,
        }
    )
