"""Sentence-level tests for actions: imperatives, recommendations, markers, chatter, headings."""

from __future__ import annotations

import re

from app.engine.action_meta import leading_owner
from app.engine.action_verbs import VERBS, is_action_verb
from app.engine.kind import LIST_MARKER

_AFTER_VERB_NOUN = frozenset(
    """
    of is was are were has have had 's
    """.split()  # noqa: SIM905
)
_ADVERBS = """
    please also then immediately urgently regularly continuously always promptly proactively
    periodically routinely carefully quickly
    """.split()  # noqa: SIM905
_ADVERB = re.compile(rf"^(?:{'|'.join(_ADVERBS)})\s+", re.I)
# "After upgrading, …", "If possible, …", "In addition, …": a clause before the command.
_LEAD_CLAUSE = re.compile(
    r"(?i:(?:after|before|once|when|where|if|until|while)\s[^,.;:!?]{1,50}|in\s+addition|"
    r"additionally|finally|first(?:ly)?|second(?:ly)?|third(?:ly)?|next|then|also|"
    r"as\s+a\s+(?:priority|minimum|first\s+step))\s*,\s+"
)
_LEAD_SPAN = 60
# The first word of every _LEAD_CLAUSE form.
_LEAD_WORDS = """
    after before once when where if until while in additionally finally first firstly second
    secondly third thirdly next then also as
    """.split()  # noqa: SIM905
# What an imperative's first word is: an action verb, or an adverb or lead clause before one.
_OPENING_WORDS = VERBS.union(_ADVERBS, _LEAD_WORDS)
_OPENING_MARKS = "*_\"“'"  # what _OPENING lets come before the verb
_VERB_LIKE = re.compile(r"[A-Za-z][A-Za-z'-]*")  # _OPENING's verb
# The verb must be a word of its own: "sync.telemetry-hub[.]org" does not open with "sync".
_OPENING = re.compile(
    r"[*_\"“']*(?P<verb>[A-Za-z][A-Za-z'-]*)\s+[^A-Za-z]*(?P<next>[A-Za-z][A-Za-z']*)?"
)
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
REC_HEADING = re.compile(
    r"\b(?:recommend\w*|action\s+items?|actions|next\s+steps?|mitigat\w*|remediat\w*|"
    r"what\s+(?:[\w-]+\s+){0,2}?(?:should|can|must|needs?\s+to|to)\s+(?!know\b|expect\b)\w+|"
    r"how\s+to\s+(?:protect|defend|mitigate|detect|respond|prepare|stay)|to-?dos?|"
    r"countermeasures?|^(?:[\d.)\s]*)follow[- ]?ups?|"
    r"defensive\s+measures|best\s+practices|guidance|advice|takeaways\s+for\s+defenders)\b",
    re.IGNORECASE,
)
# Every form of REC_HEADING holds one of these (stems without "s" or "k", which a case-blind
# match also finds as "ſ" and the Kelvin sign).
_REC_HINTS = (
    "recommend",
    "action",
    "next",
    "mitigat",
    "remediat",
    "what",
    "how",
    "todo",
    "to-do",
    "countermea",
    "follow",
    "defen",
    "practice",
    "guidance",
    "advice",
    "eaway",
)
CHECKBOX = re.compile(r"\[(?P<mark>[ xX✓✔])\]\s*")
PREFIX = re.compile(
    r"(?:(?i:action(?:\s+items?)?|follow[- ]up|to-?do|next\s+step)\s*[:\-–—]|AI\s*:|"
    r"TODO(?:\s*\((?P<owner>[^()]{1,40})\))?\s*:?|(?P<done>(?i:done|completed?)\s*:)|"
    # a numbered action, as in minutes and stand-ups: "AI-3 (@hana):", "Action 2 [done]:"
    r"(?:AI|AP|(?i:action(?:\s+item)?))[ -]?#?\d{1,3}[ \t]*"
    r"(?:\[(?P<state>[^\]\n]{1,12})\][ \t]*)?(?:\((?P<by>[^()\n]{1,40})\)[ \t]*)?:)\s*"
)
# The words a marker or a tracker's status column uses for finished work.
DONE_STATES = frozenset(
    "done closed resolved completed complete fixed cancelled canceled duplicate".split()  # noqa: SIM905
)
# "**What to do:** Train …": a recommendation label opening a line of text.
LABEL = re.compile(r"(?:\*\*|__)?(?P<label>[A-Za-z][^:*_\n]{1,60}?)(?:\*\*|__)?:(?:\*\*|__)?\s+")
# "Defenders can hunt for …": advice phrased as what the readers can do (lower-cased text).
_CAN_READERS = (
    r"(?:network\s+)?(?:defenders|administrators|admins|organi[sz]ations|(?:security|soc)\s+teams)"
)
_CAN_SUBJECTS = frozenset(
    "defenders administrators admins organizations organisations teams".split()  # noqa: SIM905
)
_CAN_OPENING = re.compile(
    rf"(?:[a-z-]+\s+){{0,2}}?{_CAN_READERS}\s+can\s+(?:also\s+)?(?P<verb>[a-z-]+)"
)
_QUESTION_LABEL = re.compile(r"(?:\*\*|__)(?P<label>[A-Za-z][^*_?\n]{1,60})\?(?:\*\*|__)\s+")
_MODAL = re.compile(
    r"\b(?:should|must|need(?:s)?\s+to|ought\s+to|ha(?:s|ve)\s+to|(?:is|are)\s+(?:also\s+)?"
    r"(?:strongly\s+)?(?:advised|encouraged|urged)\s+to)\b",
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
    "need",
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
# "recommends that", "advises", "urges", "suggests", "it is important/essential/… to": the
# stems leave out "s" and "k", which a case-blind match also finds as "ſ" and the Kelvin sign.
_ADVICE_HINTS = (
    "recommend",
    "advi",
    "urge",
    "sugge",
    "important",
    "ential",
    "critical",
    "crucial",
    "vital",
    "imperative",
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
    attacker attackers adversary adversaries actor actors threat malware group gang hackers
    criminals affiliates implant backdoor loader ransomware campaign
    """.split()  # noqa: SIM905
)
_REPORTING = frozenset(
    """
    believe believes believed think thinks thought say says said assess assesses assessed
    note notes noted warn warns warned claim claims claimed argue argues argued suspect
    suspects suspected
    """.split()  # noqa: SIM905
)
_NOT_SUBJECTS = frozenset(
    """
    it this that there these those they he she which who what how why where when i
    """.split()  # noqa: SIM905
)
_CHATTY = re.compile(
    r"\b(?:i\s+hope|hope\s+this|let\s+me\s+know|feel\s+free|(?:do\s+not|don't)\s+hesitate|"
    r"further\s+assistance|happy\s+to\s+help|thank(?:s|\s+you)|read\s+more|click\s+here|"
    r"subscribe\s+to\s+our|sign\s+up)\b"
)
# Plain substring checks on the lower-cased text: far cheaper than a case-blind regex search.
_CHATTY_HINTS = (
    "hope",
    "let me",
    "free",
    "hesitate",
    "assistance",
    "happy",
    "thank",
    "read more",
    "click",
    "subscribe",
    "sign up",
)
_MAX_SUBJECT_WORDS = 10
_LABEL_SPAN = 70  # a label's colon comes this early in the line


def is_imperative(text: str) -> bool:
    """True when the text opens with a base-form verb used as a command ("Patch the VPN")."""
    if not _may_be_imperative(text):  # most texts open with a word that cannot start one
        return False
    adverb = _ADVERB.match(text)  # anchored: a match, not a sub that scans the whole text
    if adverb is not None:
        text = text[adverb.end() :]
    elif text.find(",", 0, _LEAD_SPAN) > 0 and (lead := _LEAD_CLAUSE.match(text)) is not None:
        text = text[lead.end() :]  # "After upgrading, terminate all sessions"
    opening = _OPENING.match(text)
    if opening is None or not is_action_verb(opening.group("verb")):
        return False
    following = (opening.group("next") or "").lower()
    return following not in _AFTER_VERB_NOUN and not _is_question(text)


def _may_be_imperative(text: str) -> bool:
    """Cheap pre-check for is_imperative, on the text's first word less the marks _OPENING
    allows before it and a lead clause's comma: _ADVERB and _LEAD_CLAUSE need a word of ASCII
    letters that is an adverb or lead word, _OPENING one of [A-Za-z'-] (an action verb when
    all letters). Other words (a table row's 'md5', a speaker's 'Chen:') open no imperative."""
    words = text.split(None, 1)
    word = words[0].lstrip(_OPENING_MARKS).rstrip(",") if words else ""
    if not word.isascii():  # a case-blind pattern also matches 'ſ' for 's': leave it to them
        return True
    if word.isalpha():
        return word.lower() in _OPENING_WORDS
    return _VERB_LIKE.fullmatch(word) is not None


def is_recommendation(sentence: str) -> bool:
    """True for 'organisations should …', 'we recommend that …'; not for 'attackers must …'."""
    if _is_question(sentence):
        return False
    if not has_advice_word(sentence):
        return may_be_reader_can(sentence) and _reads_reader_can(sentence.lower())
    lowered = sentence.lower()
    if _may_advise(lowered) and _ADVICE.search(sentence):
        return not is_chatty(sentence)
    if " can " in lowered and _reads_reader_can(lowered):
        return True
    subject = _modal_subject(sentence)
    return bool(subject and _READERS.intersection(subject))


def continues_advice(sentence: str) -> bool:
    """True for 'They should also …': advice whose subject is the last sentence's readers.

    The caller has checked that the sentence before was a recommendation.
    """
    return not _is_question(sentence) and _modal_subject(sentence) == ["they"]


def _is_question(text: str) -> bool:
    """``text.rstrip().endswith("?")``, without copying a text that ends in no white space."""
    return text.endswith("?") or (text[-1:].isspace() and text.rstrip().endswith("?"))


def _reads_reader_can(lowered: str) -> bool:
    """'Defenders can hunt for …' (lower-cased): a reader, 'can' and an action verb."""
    can = _CAN_OPENING.match(lowered)
    return can is not None and is_action_verb(can.group("verb"))


def is_soft_recommendation(sentence: str) -> bool:
    """True for 'X should …' with a subject that is not an attacker or a pronoun.

    Only trusted among recommendations: "MFA should be enforced …" in a paragraph of advice.
    """
    if not has_advice_word(sentence) or _is_question(sentence):
        return False
    subject = _modal_subject(sentence)
    return bool(subject) and subject[0] not in _NOT_SUBJECTS


def _may_advise(lowered: str) -> bool:
    """Cheap pre-check for _ADVICE: each of its forms holds one of these words."""
    for word in _ADVICE_HINTS:  # noqa: SIM110 (a loop beats any() over a generator)
        if word in lowered:
            return True
    return False


def has_advice_word(text: str) -> bool:
    """Cheap pre-check: could this text hold a recommendation at all?"""
    lowered = text.lower()
    for word in _ADVICE_WORDS:  # noqa: SIM110 (a loop beats any() over a generator)
        if word in lowered:
            return True
    return False


def may_be_reader_can(text: str) -> bool:
    """Cheap pre-check for 'Defenders can …' advice, which holds no word has_advice_word seeks.

    Only asked of the sentences of a line already being read: asking it of every line of
    an article costs more than the rare sentence is worth.
    """
    if " can " not in text:
        return False
    return _reader_can(text.lower())


def _reader_can(lowered: str) -> bool:
    """'defenders can', 'admins can': a reader before a ' can ' of the lower-cased text."""
    at = lowered.find(" can ")
    while at >= 0:
        if lowered[lowered.rfind(" ", 0, at) + 1 : at] in _CAN_SUBJECTS:
            return True
        at = lowered.find(" can ", at + 4)
    return False


def is_chatty(text: str) -> bool:
    """True for conversational filler ("I hope this helps", "Let me know if …")."""
    lowered = text.lower()
    if not may_be_chatty(lowered):
        return False
    return _CHATTY.search(lowered) is not None


def may_be_chatty(lowered: str) -> bool:
    """Cheap pre-check on lower-cased text: False when no part of it can be chatter."""
    for hint in _CHATTY_HINTS:  # noqa: SIM110 (a loop beats any() over a generator)
        if hint in lowered:
            return True
    return False


def is_explicit_item(line: str) -> bool:
    """True for a line marked as a task: ACTION:, TODO, AI:, a checkbox."""
    content = line[m.end() :] if (m := LIST_MARKER.match(line)) else line
    return bool(CHECKBOX.match(content) or PREFIX.match(content))


def is_assignment(text: str) -> bool:
    """True for 'Alice to patch …', '@bob will review …', 'Alice Chen — chase …'."""
    lead = leading_owner(text)
    return lead is not None and is_action_verb(lead.verb)


def rec_label_end(line: str) -> int:
    """Where the text starts after a recommendation label ('What to do: …'), else 0."""
    colon = line.find(":", 0, _LABEL_SPAN)
    if colon < 0:
        if line[:2] in ("**", "__") and "?" in line[:_LABEL_SPAN]:
            question = _QUESTION_LABEL.match(line)  # "**What should we do?** Replace …"
            if question is not None and is_rec_heading(question.group("label")):
                return question.end()
        return 0
    # LABEL's colon is the line's first, and white space or the end of emphasis follows it:
    # not so in "at 10:32" or "https://"
    follow = line[colon + 1 : colon + 3]
    if not (follow[:1].isspace() or follow in ("**", "__")):
        return 0
    label = LABEL.match(line)
    if label is None or len(label.group("label").split()) > 6:
        return 0
    return label.end() if is_rec_heading(label.group("label")) else 0


def is_rec_heading(title: str) -> bool:
    """True for a title that opens recommendations or actions ("Mitigations", "What to do")."""
    lowered = title.lower()
    for word in _REC_HINTS:  # a cheap pre-check: the search below is a slow one
        if word in lowered:
            return REC_HEADING.search(title) is not None
    return False


def _modal_subject(sentence: str) -> list[str]:
    """The words before the modal verb, when they read as a reader-side subject."""
    modal = _MODAL.search(sentence)
    if modal is None or is_chatty(sentence):
        return []
    subject = [w.lower() for w in WORD.findall(sentence[: modal.start()])]
    if len(subject) > _MAX_SUBJECT_WORDS or not _ACTORS.isdisjoint(subject):
        return []
    if not _REPORTING.isdisjoint(subject):  # "analysts believe the group should …" reports
        return []
    return subject
