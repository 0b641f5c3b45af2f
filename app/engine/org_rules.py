"""Rules for organisations, agencies and research firms no name list knows.

Companies are named by a corporate suffix ("Progress Software", "Acme Corp."), by an
apposition ("payroll provider, Zellis,") or as an industry body ("Health-ISAC"); agencies by a
government-sounding name with its acronym ("Cyber Safety Review Board (CSRB)") or a country's
possessive ("Iran's Islamic Revolutionary Guard Corps"); research firms by "Forensics" / "Labs".
A known company only counts as an actor where the text shows it acting or attacked
(``is_acting``): "Ivanti disclosed", "Ivanti's patches", "attacks on MGM Resorts", never
"Ivanti Connect Secure" (a product) or a bare list of products.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.engine import lexicon
from app.engine.actor_rules import Candidate
from app.engine.gazetteer import Gazetteer

_CAP = r"[A-Z][\w&'’.-]*"
_SUFFIX = (
    r"Inc\.|Inc\b|Ltd\.?|LLC|Corp\.|Corporation|GmbH|plc|PLC|Software|Networks|Systems"
    r"|Technologies|Entertainment|Resorts|Holdings|Enterprise|Airlines|Bank|Pharmaceuticals"
    r"|Telecom|Industries|Healthcare"
)
_SUFFIX_AT = re.compile(rf"(?:{_SUFFIX})(?![\w-])")
_HEAD = re.compile(rf"(?:(?<=[\s(\"“])|^)((?:{_CAP}\s){{0,2}}{_CAP})\s$")
_DESCRIPTOR = (
    r"provider|company|firm|vendor|supplier|developer|maker|manufacturer|retailer|chain"
    r"|operator|insurer|bank|hospital|university|business|startup|subsidiary|contractor|giant"
    r"|conglomerate|exchange|processor|distributor|publisher|carrier|utility"
)
_NAME = rf"({_CAP}(?:\s{_CAP}){{0,3}})"
_APPOSITION_AFTER = re.compile(rf"(?:{_DESCRIPTOR}),\s+{_NAME},")
_DESCRIPTOR_AT = re.compile(
    rf"(?:{_DESCRIPTOR})\b|which\s+(?:sells|makes|develops|owns|maintains|builds|produces"
    r"|distributes)\b"
)
_APPOSITION_BEFORE = re.compile(
    rf"(?<![\w-]){_NAME},\s+(?:(?:a|an|the)\s+(?:[\w'’-]+\s+){{0,3}}?)?$"
)
_ISAC = re.compile(r"(?<![\w-])(?:[A-Z][A-Za-z]*-)+ISAC\b")
_FIRM_AT = re.compile(r"(?:Forensics|Labs|Threat Intelligence)\b")
_FIRM_HEAD = re.compile(rf"(?<![\w-])((?:{_CAP}\s){{1,2}})$")
_AGENCY_HEAD = (
    r"Agency|Service|Bureau|Directorate|Department|Ministry|Office|Board|Command|Commission"
    r"|Corps|Police|Guard|Administration|Authority|Committee|Council|Centre|Center"
)
_GOV_TEXT = (
    "National Federal State Intelligence Internal Investigation Crime Criminal Justice Defense"
    " Defence Homeland Police Military Revolutionary Reconnaissance General Foreign Review"
    " Cyber Treasury Health Human Commerce Army Navy Air Guard Republic Royal Public Interior"
    " Counterintelligence Espionage Signals Protection Constitution Prosecutor"
)
_GOV_WORDS = frozenset(_GOV_TEXT.split())
_AGENCY_AT = re.compile(rf"(?:{_AGENCY_HEAD})\b")
_AGENCY_CHAIN = re.compile(r"(?<![\w-])([A-Z][\w.-]*(?:\s(?:of|for|and|the|[A-Z][\w.-]*)){0,6})\s$")
_ACRONYM = re.compile(r"\s+\(([A-Z][A-Za-z0-9-]{1,7})\)")
_DEMONYMS = frozenset(adj for _, adjs in lexicon.COUNTRIES.values() for adj in adjs)
_LEADING = frozenset({"US", "U.S.", "UK", "U.K.", "The", "EU", "Our", "Their", "Its", "His", "Her"})
_POSSESSIVE = re.compile(r"[A-Z][a-z]+(?:\s[A-Z][a-z]+)?['’]s\s$")
_ACTS_AFTER = re.compile(
    r"^(?:['’]s\s+(?![A-Z])|\s+(?:security\s+)?(?:advisory|advisories|bulletin|hotfix(?:es)?"
    r"|patch(?:es)?)\b"
    # "AT&T and Verizon were breached": the verb may follow a list of fellow subjects
    r"|(?:(?:,\s+|,?\s+and\s+)[A-Z][\w&'’.-]*(?:\s[A-Z][\w&'’.-]*)?){0,4}"
    r",?\s+(?:(?:support|spokesperson|spokesman|officials|representatives)\s+)?"
    r"(?:\w+ly\s+)?(?:disclosed|confirmed|said|says|reported|warned"
    r"|announced|released|publish\w*|issued|patched|fixed|notified|acknowledged|joined|stated"
    r"|revealed|detected|discovered|sells|develops|makes|suffered|paid|filed|told|urged"
    r"|recommended|advised|shared|admitted|was|were|has|had|is)\b)"
)
_VICTIM_BEFORE = re.compile(
    r"(?:\b(?:attacks?|breach\w*|intrusions?|compromises?|hacks?|spray|campaigns?)\s+"
    r"(?:on|of|at|against)|\bagainst|\bcustomers\s+of|\bvictims?\s+(?:such as|including))"
    rf"\s+(?:the\s+)?(?:{_CAP}(?:\s+|,\s*|\s+and\s+))*$"
)
# "the companies that have confirmed breaches are AT&T, Verizon and ...": a victim list
# ("such as", "including" and "providers" are left out: "lures spoofing companies such as
# DocuSign", "hosting providers including Vultr" name no victims)
_VICTIM_LIST_BEFORE = re.compile(
    r"\b(?:victims|companies|organi[sz]ations|firms|businesses|carriers)"
    r"(?:\s+[\w'’-]+){0,6}?\s+(?:are|were|include[sd]?)"
    rf"\s+(?:the\s+)?(?:{_CAP}(?:\s+|,\s*|\s+and\s+))*$"
)
# "compromised the SolarWinds build environment", "breached T-Mobile, Lumen and Charter": an
# attack verb, then the victims' names, none followed by a capitalised product name.
_VICTIM_VERB_BEFORE = re.compile(
    r"\b(?:compromised|breached|hacked|infiltrated)\s+(?:the\s+)?"
    rf"(?:{_CAP}(?:\s+|,\s*|\s+and\s+))*$"
)
_PRODUCT_AFTER = re.compile(r"\s+[A-Z0-9]")  # "compromised Citrix NetScaler": a product

# "the advisory from Cisco": the vendor that issued a fix or an advisory acts in the story.
_ISSUER_BEFORE = re.compile(
    r"\b(?:advisory|advisories|bulletin|patch(?:es)?|fix(?:es)?|hotfix(?:es)?|guidance)"
    r"\s+(?:from|by)\s+(?:the\s+)?$"
)
# "Posted by the Kestrel Response DFIR team": the research team that wrote the report
_BYLINE_AT = re.compile(
    r"(?:[Pp]osted|[Pp]ublished|[Ww]ritten|[Aa]uthored)\s+by\s+(?:the\s+)?"
    r"((?:[A-Z][\w&.-]*\s){1,3}?)(?:(?:DFIR|IR|SOC|[Tt]hreat\s+[Rr]esearch|[Tt]hreat\s+[Ii]ntel\w*"
    r"|[Rr]esearch|[Ii]ncident\s+[Rr]esponse)\s+)?[Tt]eam\b"
)
_VICTIMS_AT = re.compile(
    r"[Vv]ictims\s+(?:include[sd]?|including|such as|were|are)\s+(?:the\s+)?"
    r"([A-Z][\w&'’.-]*(?:\s(?:of|for|the|[A-Z][\w&'’.-]*)){0,5})"
)


def is_acting(text: str, start: int, end: int) -> bool:
    """True where an organisation mention acts or is attacked, not merely names a product."""
    if _ACTS_AFTER.match(text[end : end + 40]):
        return True
    if _ISSUER_BEFORE.search(text[start - 40 if start > 40 else 0 : start]):
        return True
    return is_victim(text, start, end)


def is_victim(text: str, start: int, end: int) -> bool:
    """True where the words before a mention make it the target of an attack."""
    window = text[start - 80 if start > 80 else 0 : start]
    if not _has_victim_word(window):
        return False  # a cheap pre-check: every pattern below needs one of these words
    if _VICTIM_BEFORE.search(window) or _VICTIM_LIST_BEFORE.search(window):
        return True
    verb = _VICTIM_VERB_BEFORE.search(window)
    return verb is not None and _PRODUCT_AFTER.match(text, end) is None


def _has_victim_word(window: str) -> bool:
    """Plain substring tests, spelt out: faster than a regex or a generator over a list."""
    return (
        "attack" in window
        or "against" in window
        or "breach" in window
        or "compromise" in window
        or "intrusion" in window
        or "hack" in window
        or "victim" in window
        or "compan" in window
        or "customers" in window
        or "campaign" in window
        or "organi" in window
        or "firms" in window
        or "businesses" in window
        or "carriers" in window
        or "spray" in window
        or "infiltrated" in window
    )


def find_org_names(text: str, gaz: Gazetteer, at: dict[str, list[int]]) -> list[Candidate]:
    """Organisations, agencies and research firms introduced by their shape or an apposition.

    ``at`` maps each cue tag of the gazetteer pass to the offsets where its words occur.
    """
    found: list[Candidate] = []
    found.extend(_suffixed(text, gaz, _at(_SUFFIX_AT, text, at, "org_suffix")))
    found.extend(_apposed(text, gaz, _at(_DESCRIPTOR_AT, text, at, "descriptor")))
    found.extend(_isacs(text, gaz, at.get("isac", [])))
    found.extend(_firms(text, gaz, _at(_FIRM_AT, text, at, "firm")))
    found.extend(_agencies(text, gaz, _at(_AGENCY_AT, text, at, "agency")))
    found.extend(_victims(text, gaz, _at(_VICTIMS_AT, text, at, "victims")))
    found.extend(_bylines(text, gaz, _at(_BYLINE_AT, text, at, "byline")))
    return found


def _bylines(text: str, gaz: Gazetteer, matches: Iterator[re.Match[str]]) -> Iterator[Candidate]:
    for match in matches:
        name = match.group(1).strip()
        if gaz.is_common(name.split()[0]) and len(name.split()) == 1:
            continue
        if _new_name(name, gaz, "security_vendor") and not _generic(name, gaz):
            yield (match.start(1), match.start(1) + len(name), name, "security_vendor")


def _victims(text: str, gaz: Gazetteer, matches: Iterator[re.Match[str]]) -> Iterator[Candidate]:
    """ "Victims include the Port of Seattle": a capitalised name after a victim list cue."""
    for match in matches:
        name = match.group(1)
        while name.endswith((" of", " for", " the", " and")):
            name = name.rsplit(" ", 1)[0]
        words = name.split()
        if len(words) == 1 and (gaz.is_common(name) or gaz.lookup(name) is not None):
            continue  # one known word is the gazetteer's to find, an ordinary one no name
        if words[0] in _LEADING or words[0] in _DEMONYMS:
            continue  # "Victims include US Government agencies": a description, no name
        if _new_name(name, gaz, "organization") and not _generic(name, gaz):
            yield (match.start(1), match.start(1) + len(name), name, "organization")


def _at(
    pattern: re.Pattern[str], text: str, at: dict[str, list[int]], tag: str
) -> Iterator[re.Match[str]]:
    """The pattern's matches that begin where the gazetteer pass saw a cue word of ``tag``."""
    for start in at.get(tag, ()):
        match = pattern.match(text, start)
        if match is not None:
            yield match


def _suffixed(text: str, gaz: Gazetteer, matches: Iterator[re.Match[str]]) -> Iterator[Candidate]:
    for match in matches:
        at = match.start()
        head = _HEAD.search(text, at - 50 if at > 50 else 0, at)
        if head is None:
            continue
        words = _after_sentence_end(head.group(1).split())
        if not words:
            continue
        if _opens_known_name(words, gaz):
            continue  # "Check Point Software Technologies": the gazetteer has the company
        while len(words) > 1 and words[0].istitle() and gaz.is_common(words[0]):
            words = words[1:]  # "The Acme Networks" -> "Acme Networks"
        start = at - len(" ".join(words)) - 1
        name = text[start : match.end()]
        if not name.endswith("Inc."):
            name = name.rstrip(".")
        plain = all(gaz.is_common(w) for w in words)
        if plain and not is_acting(text, start, start + len(name)):
            continue
        if _new_name(name, gaz, "organization"):
            yield (start, start + len(name), name, "organization")


def _after_sentence_end(words: list[str]) -> list[str]:
    """The words after the last one that ends a sentence ("PAN-OS. Palo Alto Networks")."""
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        if word.endswith(".") and "." not in word[:-1] and len(word) > 2:
            return words[index + 1 :]  # "U.S." and "J." are abbreviations, "PAN-OS." is an end
    return words


def _opens_known_name(words: list[str], gaz: Gazetteer) -> bool:
    """True when the first two words before a suffix are a name the gazetteer knows."""
    return len(words) >= 2 and gaz.lookup(" ".join(words[:2])) is not None


def _apposed(text: str, gaz: Gazetteer, matches: Iterator[re.Match[str]]) -> Iterator[Candidate]:
    for match in matches:
        at = match.start()
        after = _APPOSITION_AFTER.match(text, at)
        before = _APPOSITION_BEFORE.search(text, at - 80 if at > 80 else 0, at)
        for found in (after, before):
            if found is None:
                continue
            name = found.group(1)
            if _new_name(name, gaz, "organization") and not _generic(name, gaz):
                yield (found.start(1), found.end(1), name, "organization")


def _isacs(text: str, gaz: Gazetteer, starts: list[int]) -> Iterator[Candidate]:
    for start in starts:
        match = _ISAC.search(text, start - 30 if start > 30 else 0, start + 4)
        if match is not None and _new_name(match.group(), gaz, "organization"):
            yield (match.start(), match.end(), match.group(), "organization")


def _firms(text: str, gaz: Gazetteer, matches: Iterator[re.Match[str]]) -> Iterator[Candidate]:
    for match in matches:
        at = match.start()
        head = _FIRM_HEAD.search(text, at - 40 if at > 40 else 0, at)
        if head is None or gaz.is_common(head.group(1).split()[0]):
            continue
        name = text[head.start(1) : match.end()]
        if _new_name(name, gaz, "security_vendor"):
            yield (head.start(1), match.end(), name, "security_vendor")


def _agencies(text: str, gaz: Gazetteer, matches: Iterator[re.Match[str]]) -> Iterator[Candidate]:
    for match in matches:
        at = match.start()
        if text[at - 1 : at] != " ":
            continue
        chain = _AGENCY_CHAIN.search(text, at - 70 if at > 70 else 0, at)
        if chain is None:
            continue
        start = chain.start(1)
        words = chain.group(1).split()
        while words and words[0] in _LEADING:
            start += len(words.pop(0)) + 1
        if not words or not _GOV_WORDS.intersection(words):
            continue
        words.append(match.group())
        name = text[start : match.end()]
        paren = _ACRONYM.match(text, match.end())
        acronym = paren.group(1) if paren else None
        owned = _POSSESSIVE.search(text, start - 30 if start > 30 else 0, start) is not None
        national = words[0] in _DEMONYMS  # "the Polish Military Counterintelligence Service"
        if not (owned or national or (acronym and _initials_fit(words, acronym))):
            continue
        if not _new_name(name, gaz, "government") or (acronym and gaz.lookup(acronym)):
            continue
        yield (start, match.end(), name, "government")
        if paren and acronym:
            yield (paren.start(1), paren.end(1), acronym, "government")


def _initials_fit(words: list[str], acronym: str) -> bool:
    """True when the acronym's letters are the capitals of the name, in order."""
    capitals = "".join(w[0] for w in words if w[:1].isupper())
    letters = iter(capitals)
    return len(acronym) >= 2 and all(ch in letters for ch in acronym.upper() if ch.isalpha())


def _new_name(name: str, gaz: Gazetteer, kind: str) -> bool:
    """False for names the gazetteer already files under another kind ("Palo Alto Networks")."""
    known = gaz.lookup(name)
    return known is None or gaz.entities[known].kind == kind


def _generic(name: str, gaz: Gazetteer) -> bool:
    words = name.split()
    return (len(words) == 1 and gaz.is_common(name)) or words[0].lower() in {"the", "a", "an"}
