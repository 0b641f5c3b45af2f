"""How the text uses a name decides what it is: a ransomware brand as a gang or as the payload,
a company as a victim or a mere product label, "Operation X" as an operation, not an actor.
"""

from __future__ import annotations

import re
from itertools import repeat
from operator import itemgetter

from app.engine.org_rules import is_acting, is_victim

_SOFTWARE_AFTER = re.compile(
    r"^[ /]?(?:[a-z-]+\s+)?(?:ransomware|malware|encryptor|payloads?|binar(?:y|ies)|builds?"
    r"|samples?|variants?|strains?|backdoor|loader|trojan|botnet|implant|infections?"
    r"|deployments?)\b(?!-as-a-service|\s+(?:operation|gang|group|affiliates?|operators|crew"
    r"|brand|actors?|as a service))"
)
_GROUP_AFTER = re.compile(
    r"^(?:\s+(?:ransomware(?:-as-a-service)?|extortion|cybercrime|criminal))?\s+(?:gang|group"
    r"|operation|affiliates?|operators|crew|administrators|admins|brand|actors?|members)\b"
    r"|^['’]s\s+(?:leak|data leak|extortion|affiliates?|operators|administrators|members)\b"
    r"|^,?\s+(?:has|had|was|is|named|claimed|collapsed|says|said|listed|posted|published"
    r"|threatened|announced|demanded|took|shut|began|started|returned)\b"
)
_SOFTWARE_BEFORE = re.compile(r"\b(?:deploy\w*|install\w*|dropp\w*|execut\w*)\s+(?:the\s+)?$")
_OPERATION = re.compile(
    r"[Oo]peration(?:,?\s+(?:named|called|dubbed|codenamed|known as))?\s+([A-Z][\w-]+)"
)
# A vendor that ships the fix is an organisation in the story; one that reports research is not.
# matched at the end of a mention; the first pattern is a quick filter for the second
_PATCH_HINT = re.compile(
    r"(?:\s(?:Software|Technologies|Networks|Systems|Inc\.?|Corp\.?)){0,2},?\s"
    r"(?:hotfix|patch|fixed|released|published|shipped|issued)"
)
_PATCH_AFTER = re.compile(
    r"(?:\s+(?:Software|Technologies|Networks|Systems|Inc\.?|Corp\.?)){0,2}(?:\s+(?:hotfix\w*"
    r"|patch\w*|fixed\s+(?:builds?|versions?|releases?))\b|,?\s+(?:fixed|patched"
    r"|(?:released|published|shipped|issued)\s+(?:an?\s+)?(?:[\w-]+\s+)?(?:hotfix|patch|fix"
    r"|firmware|security update)))"
)
_RESEARCH_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:researchers?|analysts?|Threat|Research|Labs|Intelligence|team|tracks"
    r"|tracked|observed|attributed|assessed|identified|discovered|detected|dubbed|named|calls"
    r"|noted|found|linked)\b"
)
_RESEARCH_BEFORE = re.compile(
    r"\b(?:according to|(?:researchers|analysts) (?:at|from)|(?:reported|tracked|discovered"
    r"|observed|identified|named|dubbed) by)\s+$"
)
Span = tuple[int, int]
_END = itemgetter(1)
MAX_VOTES = 40  # mentions read to decide a type; a long report repeats itself


def usage_votes(text: str, spans: list[Span]) -> tuple[int, int]:
    """(software, group) votes from the words around the first mentions of one actor."""
    software = group = 0
    for start, end in spans[:MAX_VOTES]:
        after = text[end : end + 60]
        if _SOFTWARE_AFTER.match(after) or _SOFTWARE_BEFORE.search(
            text[start - 30 if start > 30 else 0 : start]
        ):
            software += 1
        elif _GROUP_AFTER.match(after):
            group += 1
    return software, group


def usage_kind(
    text: str, spans: list[Span], kind: str, *, ransomware: bool, software_twin: bool
) -> str:
    """The kind the text's usage supports: ransomware brands are gangs unless used as payload."""
    if kind == "malware" and ransomware:
        software, group = usage_votes(text, spans)
        return "threat_actor" if group >= software else kind
    if kind == "threat_actor" and software_twin:
        software, group = usage_votes(text, spans)
        return "malware" if software > group else kind
    return kind


def is_ransomware(text: str, spans: list[Span], known: tuple[str, ...]) -> bool:
    """True for a ransomware family: "X ransomware" in the text, or so its known names say.

    ``known`` holds the gazetteer's aliases and the head of its description.
    """
    if any("ransomware" in name.lower() for name in known):
        return True
    return any(text[end : end + 11] == " ransomware" for _, end in spans)


def operation_names(text: str, cues: list[int]) -> set[str]:
    """Names the text gives to operations ("Operation MEDUSA", "an operation, named MEDUSA").

    ``cues`` are the offsets of the word "operation".
    """
    return {match.group(1) for match in filter(None, (_OPERATION.match(text, c) for c in cues))}


def organization_counts(text: str, spans: list[Span]) -> bool:
    """A company is an actor only where the text shows it acting or attacked somewhere."""
    return any(is_acting(text, start, end) for start, end in spans)


def only_victim(text: str, spans: list[Span]) -> bool:
    """True when every mention is the target of an attack ("a password spray against X")."""
    return bool(spans) and all(is_victim(text, start, end) for start, end in spans)


def only_patcher(text: str, spans: list[Span]) -> bool:
    """True when a vendor ships a fix somewhere and never reports research of its own."""
    spans = spans[:MAX_VOTES]
    # one C-level pass over the mention ends: most vendors never ship a fix in the text
    ends = list(map(_END, spans))
    if not any(map(_PATCH_HINT.match, repeat(text), ends)):
        return False
    if not any(map(_PATCH_AFTER.match, repeat(text), ends)):
        return False
    for start, end in spans:
        if _RESEARCH_AFTER.match(text[end : end + 40]) or _RESEARCH_BEFORE.search(
            text[start - 30 if start > 30 else 0 : start]
        ):
            return False
    return True
