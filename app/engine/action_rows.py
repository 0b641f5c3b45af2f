"""Rows of an issue-tracker export or an action table: one ticket, one line.

"SECOPS-512 | Task | High | Block the domain … | Wei Chen | 2024-06-12 | To Do" in a pipe
table, or the same with the columns run together ("DET-214 Urgent Hunt for … Camila Ortiz
Oct 16", "A1 Dev Patel Upgrade … Target: tomorrow"): a key opens the row, a summary that reads
as a command is the item, and the cells around it give its owner, due date and status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.engine.action_dates import cell_date, trailing_date
from app.engine.action_rules import DONE_STATES, is_imperative
from app.engine.action_verbs import is_action_verb

# A ticket key ("SECOPS-512", "#431") or an action number ("A1"), then a separator. CVE and
# ATT&CK ids are no tickets.
_KEY = re.compile(
    r"\|?[ \t]*(?:(?!CVE-|CWE-|GHSA-)[A-Z][A-Z0-9]{1,9}-\d{1,6}|#\d{1,6}|A\d{1,3})"
    r"(?![\w-])[.:)]?(?:[ \t]*\|[ \t]*|[ \t]+)"
)
_NAME_WORD = r"[A-Z][^\W\d_]+(?:['’][A-Z][^\W\d_]+)?|[A-Z]['’][A-Z][^\W\d_]+"
_NAME = re.compile(rf"@[A-Za-z][\w.-]*|(?:{_NAME_WORD})(?:[ -](?:{_NAME_WORD})){{0,2}}")
_NAME_WORD_RE = re.compile(_NAME_WORD)
# The words a tracker's type, priority and open-status columns use, lower-cased.
_COLUMN_WORDS = frozenset(
    """
    task story bug incident epic sub-task subtask improvement spike chore request change
    urgent highest high medium low lowest normal critical major minor trivial blocker
    p0 p1 p2 p3 p4 none unassigned todo open new backlog blocked triage doing
    """.split()  # noqa: SIM905
)
_COLUMN_PHRASES = ("no priority", "to do", "in progress", "in review", "on hold", "won't do")
_UNASSIGNED = frozenset(["unassigned", "nobody", "tbd", "-", "—", "–", "n/a", ""])
_NO_DATE = ("—", "–", "-", "n/a", "tbd", "none")
_FIELD_LABEL = re.compile(r"(?i:target|due(?:\s+date)?|deadline|eta|when)\s*[:=]\s*")
_MIN_SUMMARY_WORDS = 3
# Name-like words that end a summary rather than open an owner: "… in Okta", "… to the SOC".
_BEFORE_NON_OWNER = frozenset("in on to the for from at with of and by via into a an".split())  # noqa: SIM905


@dataclass(frozen=True, slots=True)
class Row:
    """The item a row states: its summary's span in the line, owner, due date and status."""

    start: int
    end: int
    owner: str | None
    due: str | None
    done: bool


def may_be_row(line: str) -> bool:
    """Cheap pre-check: the line opens with a ticket key or an action number."""
    first, second = line[:1], line[1:2]  # "SECOPS-", "A1", "#431", "| KEY"
    if "A" <= first <= "Z":
        may = "A" <= second <= "Z" or "0" <= second <= "9"
    else:
        may = first == "|" or (first == "#" and "0" <= second <= "9")
    return may and _KEY.match(line) is not None


def read_row(line: str, base: date | None) -> Row | None:
    """The item of a ticket row, or None when no cell reads as a task."""
    key = _KEY.match(line)
    if key is None:
        return None
    if "|" in line[key.start() : key.end()] or line.count("|") >= 2:
        return _read_cells(line, key.end(), base)
    return _read_run(line, key.end(), base)


def _read_cells(line: str, start: int, base: date | None) -> Row | None:
    """A pipe-table row: one cell is the summary, the others owner, due date and status."""
    cells = _cells(line, start)
    summary = next((c for c in cells if _is_summary(c[2])), None)
    if summary is None:
        return None
    owner = due = None
    done = False
    for cell_start, _, value in cells:
        if cell_start == summary[0]:
            continue
        lowered = value.lower()
        done = done or _is_done(lowered)
        date_here = cell_date(value, base) if lowered not in _NO_DATE else None
        if date_here is not None:
            due = due or date_here
        elif owner is None and _is_owner(value):
            owner = value.lstrip("@")
    return Row(summary[0], summary[1], owner, due, done)


def _cells(line: str, start: int) -> list[tuple[int, int, str]]:
    cells: list[tuple[int, int, str]] = []
    pos = start
    for piece in line[start:].split("|"):
        stripped = piece.strip()
        if stripped:
            offset = pos + piece.index(stripped)
            cells.append((offset, offset + len(stripped), stripped))
        pos += len(piece) + 1
    return cells


def _read_run(line: str, start: int, base: date | None) -> Row | None:
    """A row whose columns ran together: key, [type, priority, status,] summary, owner, due."""
    start, done = _skip_column_words(line, start)
    rest = line[start:]
    owner = None
    if not is_imperative(rest):  # "A1 Dev Patel Upgrade …": an owner before the summary
        lead = _leading_owner(rest)
        if lead is None:
            return None
        owner, skip = lead
        start += skip
        rest = line[start:]
    end, tail = _summary_end(line, start, base, owner_first=owner is not None)
    if len(line[start:end].split()) < _MIN_SUMMARY_WORDS:
        return None
    due = None
    if owner is not None:  # the tail holds fields: "Target: tomorrow", "CLOSED on the bridge"
        fields = line[end:]
        done = done or any(w.strip(".,;:") in DONE_STATES for w in fields.lower().split())
        label = _FIELD_LABEL.search(fields)
        due = cell_date(fields[label.end() :], base) if label else None
    else:
        owner, due, done = tail.owner, tail.due, done or tail.done
    return Row(start, end, owner, due, done)


def _skip_column_words(line: str, start: int) -> tuple[int, bool]:
    """Step over the type, priority and status words after the key; a done status says so."""
    done = False
    while True:
        rest = line[start:]
        lowered = rest.lower()
        phrase = next((p for p in _COLUMN_PHRASES if lowered.startswith(p + " ")), None)
        word = phrase or lowered.split(" ", 1)[0]
        if phrase is None and word not in _COLUMN_WORDS and word not in DONE_STATES:
            return start, done
        done = done or word in DONE_STATES
        start += len(word) + 1


def _leading_owner(rest: str) -> tuple[str, int] | None:
    """'Dev Patel Upgrade …': the name, and where the verb after it starts."""
    words = rest.split(" ", 4)
    for count in range(1, min(3, len(words) - 1) + 1):
        name, verb = words[:count], words[count]
        if not all(_NAME_WORD_RE.fullmatch(w) for w in name):
            return None
        if verb[:1].isupper() and is_action_verb(verb):
            owner = " ".join(name)
            return owner, len(owner) + 1
    return None


@dataclass(frozen=True, slots=True)
class _Tail:
    owner: str | None
    due: str | None
    done: bool


def _summary_end(
    line: str, start: int, base: date | None, *, owner_first: bool
) -> tuple[int, _Tail]:
    """Where the summary ends; for a summary-first row also the owner, due and status after."""
    if owner_first:  # the summary is the first sentence; fields follow it
        stop = line.find(". ", start)
        return (len(line) if stop < 0 else stop + 1), _Tail(None, None, False)
    end, done = len(line), False
    last = line[start:end].rsplit(" ", 1)[-1].lower()
    if last in DONE_STATES:
        end, done = end - len(last) - 1, True
    due = None
    if line[start:end].rsplit(" ", 1)[-1] in _NO_DATE:
        end = line.rfind(" ", start, end)
    elif (found := trailing_date(line[start:end], base)) is not None:
        due, cut = found
        end = start + cut
    end, owner = _trailing_owner(line, start, end)
    return end, _Tail(owner, due, done)


def _trailing_owner(line: str, start: int, end: int) -> tuple[int, str | None]:
    """'… at the web proxy Jens Aalto': the owner's name at the end, and where it starts."""
    words = line[start:end].split(" ")
    if words and words[-1].lower() in _UNASSIGNED:
        return start + len(" ".join(words[:-1])), None
    names = 0
    while names < min(2, len(words) - 1) and _NAME_WORD_RE.fullmatch(words[-1 - names]):
        names += 1
    if names == 1 and words[-2].lower() in _BEFORE_NON_OWNER:
        names = 0
    if names == 0:
        return end, None
    kept = " ".join(words[:-names])
    return start + len(kept), " ".join(words[-names:])


def _is_summary(cell: str) -> bool:
    return len(cell.split()) >= _MIN_SUMMARY_WORDS and is_imperative(cell)


def _is_done(lowered: str) -> bool:
    return lowered in DONE_STATES or lowered.split(" ", 1)[0] in DONE_STATES


def _is_owner(cell: str) -> bool:
    lowered = cell.lower()
    if lowered in _COLUMN_WORDS or lowered in _COLUMN_PHRASES or lowered in _UNASSIGNED:
        return False
    return _NAME.fullmatch(cell) is not None
