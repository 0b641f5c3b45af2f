"""Rules for actor names no gazetteer knows yet: naming schemes and introducing cue words.

Every rule looks for a cheap literal cue first (a scheme's prefix, "backdoor", "APT",
"Typhoon") and only then reads the few characters around it, so a pass stays linear in the
size of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import repeat

from app.engine import lexicon
from app.engine.gazetteer import Gazetteer

# ("[a-z]++": a capital or digit must follow the lower-case run, so giving letters back to
# it could never help; the possessive run saves the regex engine from trying.)
TOKEN = r"(?:[A-Z][A-Za-z0-9]*|[a-z]++[A-Z0-9][A-Za-z0-9]*)(?:[-.][A-Za-z0-9]+)*"
NAME = rf"{TOKEN}(?:[ ](?:{TOKEN}|\d+(?:\.\d+)*)){{0,2}}"
# The same names where only white space, "*" or "," may follow one: no letter, digit, "-" or
# "." given back could match those, so every run is possessive (a faster search, same spans).
_TOKEN_WHOLE = r"(?:[A-Z][A-Za-z0-9]*+|[a-z]++[A-Z0-9][A-Za-z0-9]*+)(?:[-.][A-Za-z0-9]++)*+"
_NAME_WHOLE = rf"{_TOKEN_WHOLE}(?:[ ](?:{_TOKEN_WHOLE}|\d++(?:\.\d++)*+)){{0,2}}"

_SCHEMES = re.compile(
    r"\b(?:APT-?\d{1,3}|APT-C-\d{2}|(?:STORM|DEV)-\d{3,4}|UNC\d{3,5}|TA(?!00\d\d\b)\d{3,4}"
    r"|FIN\d{1,2}|TAG-\d{1,3}|UAC-\d{4}|UAT-?\d{3,4}|CL-(?:STA|CRI|UNK)-\d{3,4}|TEMP\.[A-Z][a-z]+"
    r"|(?:Red|Blue|Black|White|Yellow|Orange|Green|Purple) Dev \d{1,3}"
    r"|(?:BRONZE|IRON|GOLD|COBALT|NICKEL|TUNGSTEN|ALUMINUM|PLATINUM|ZINC|COPPER|CARBON)"
    r" [A-Z]{4,})\b"
)
_FAMILY_WORDS = (
    "Typhoon|Blizzard|Sandstorm|Sleet|Tempest|Tsunami|Hail|Cyclone"
    "|Panda|Bear|Kitten|Chollima|Spider|Jackal|Buffalo|Tiger|Leopard|Ocelot|Crane|Lynx"
    "|Taurus|Ursa|Serpens|Libra|Scorpius|Pisces|Aquarius|Draco"
)
_FAMILY = re.compile(rf"\b(?:{_FAMILY_WORDS}|{_FAMILY_WORDS.upper()})\b")
_FAMILY_EXCLUDED = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "super",
        "tropical",
        "winter",
        "snow",
        "summer",
        "great",
        "severe",
        "heavy",
        "red",
        "giant",
        "polar",
        "brown",
        "black",
        "white",
        "grizzly",
        "teddy",
        "bengal",
        "siberian",
        "sun",
        "clouded",
        "sea",
        "fishing",
        "paper",
        "wolf",
        "big",
        "small",
        "little",
        "baby",
        "mother",
        "golden",
    ]
)
_ACTOR_SUFFIX = (
    r"(?:APT|APT group|threat actor|threat group|group|Group|gang|Gang|actors?|cluster"
    r"|hackers|operators|crew|Crew|Team)\b(?!-)"
)
_MALWARE_CUES = (
    "backdoor|malware|implant|loader|RAT|ransomware|stealer|infostealer|dropper|trojan|Trojan"
    "|wiper|downloader|rootkit|botnet|keylogger|spyware|webshell|web shell|worm|bootkit"
)
# An actor suffix (group 1 matched) or else a software cue word after a name, in one match
# rather than one per kind: the first alternative is tried first, as two patterns would be.
_CUE_AFTER_NAME = re.compile(rf"[ ](?:({_ACTOR_SUFFIX})|(?:{_MALWARE_CUES}|tool)\b(?!-))")
_NAMING = r"(?:called|named|dubbed|known as|tracked as|codenamed|designated)"
_CUE_BEFORE_NAME = re.compile(
    rf"\b(?:{_MALWARE_CUES}|tool|utility|tunneler|tunneller|threat actor|threat group"
    rf"|hacking group|APT group|group|actor|cluster|gang)(?:,?\s+{_NAMING}|,"
    rf"|,?\s+(?:that|which)\s+(?:[\w-]+\s+){{1,2}}?"
    rf"(?:named|dubbed|calls|call|(?:tracks?|tracked)\s+(?:internally\s+)?as)"
    rf"|\s+(?:we|it|they)\s+(?:call|calls|named|dubbed|tracks? as|refers? to as)"
    rf"|(?P<bare_as>\s+(?:internally\s+)?as))?\s+(?:the\s+)?(?P<name>{NAME})"
)
# "we track this dropper as X": a bare "as" after the cue names only after such a verb
_TRACK_BEFORE = re.compile(r"\b(?:track|tracks|tracked|call|calls|refer to|refers to)\s+\w+\s+$")
_SOFTWARE_CUE = re.compile(rf"\b(?:{_MALWARE_CUES}|tool|utility|tunneler|tunneller)\b")
_INTRO_CUE = re.compile(
    r"\b(?:threat actor|APT actor|APT group|threat group|hacking group|espionage group"
    r"|cyberespionage group|ransomware group|ransomware gang|adversary)\b"
)
_INTRO_HEAD = re.compile(
    rf"(?<![\w.-])({_NAME_WHOLE})\**,?\s+(?:is\s+|was\s+)?(?:an?|the)\s+(?:[\w-]+(?:['’]s)?\s+){{0,4}}$"
)
_NAME_AT_END = re.compile(rf"(?<![\w.-])({_NAME_WHOLE})\s*$")
_NAME_AT_START = re.compile(rf"^({NAME})")
_ASCII_CAPITAL_OR_DIGIT = re.compile(r"[A-Z0-9]")
# the same test for a short word as a set operation: no regex state to set up per word
_ASCII_CAPITALS_AND_DIGITS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# "The", "This", "New": a word no name starts with; where no name can end just before it (a
# line break, or a space after anything but a letter or digit), a name before a cue word
# could only be that word, which ``pick_name`` refuses.
_CAPITALISED_GENERIC = frozenset(
    word.capitalize() for word in lexicon.GENERIC_NAMES if word.isascii() and word.isalpha()
)
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_ARTICLES = frozenset({"a", "an", "the"})
_BAD_ENDINGS = (
    "-based",
    "-like",
    "-related",
    "-style",
    "-linked",
    "-nexus",
    "-sponsored",
    "-affiliated",
    "-backed",
    "-aligned",
    "-associated",
    "-directed",
)
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{16,}")  # a hash next to a cue word is no name
_INTRO_WORDS = re.compile(
    r"(?:called|named|dubbed|known as|tracked as|tracks? as|refers? to as|codenamed|calls?)\s"
)
_NATIONALITIES = frozenset(
    word.lower() for names, adjs in lexicon.COUNTRIES.values() for word in (*names, *adjs)
)


# A name found by a rule, with the kind its cue implies: (start, end, name, kind). A plain
# tuple: a NamedTuple costs a type call and a second tuple each.
Candidate = tuple[int, int, str, str]


def find_rule_names(
    text: str, gaz: Gazetteer, at: dict[str, list[int]] | None = None
) -> list[Candidate]:
    """Every actor or malware name introduced by a naming scheme or a cue word.

    ``at`` maps cue tags to the offsets the gazetteer pass found them at; without it the
    text is scanned here.
    """
    if at is None:
        at = gaz.scan_with_cues(text)[1]
    found: list[Candidate] = []
    cue_names = _word_starts(at.get("cue_name"))
    found.extend(_scheme_names(text, _matches(_SCHEMES, text, _word_starts(at.get("scheme")))))
    found.extend(_family_names(text, _matches(_FAMILY, text, _word_starts(at.get("family")))))
    found.extend(_names_before_cues(text, gaz, at.get("after_name", [])))
    found.extend(_names_after_cues(text, gaz, _matches(_CUE_BEFORE_NAME, text, cue_names)))
    found.extend(
        _introduced_names(text, gaz, _matches(_INTRO_CUE, text, _word_starts(at.get("intro"))))
    )
    found.extend(_introduced_software(text, gaz, cue_names))
    return found


def _word_starts(starts: list[int] | None) -> list[int]:
    """The distinct offsets, in text order."""
    return sorted(set(starts)) if starts else []


def _matches(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """The pattern's matches that begin at the given word starts (distinct, in text order)."""
    return list(filter(None, map(pattern.match, repeat(text), starts)))


def scheme_match(name: str) -> bool:
    """True when a name follows a vendor naming scheme (APT41, STORM-0866, Red Dev 40)."""
    return _SCHEMES.fullmatch(name) is not None


def _scheme_names(text: str, matches: list[re.Match[str]]) -> Iterator[Candidate]:
    for match in matches:
        yield (match.start(), match.end(), match.group(), "threat_actor")


def _family_names(text: str, matches: list[re.Match[str]]) -> Iterator[Candidate]:
    for match in matches:
        at = match.start()
        head = _name_at_end(text, at - 40 if at > 40 else 0, at)
        if head is None or head.end(1) + 1 != at:
            continue
        word = head.group(1).split()[-1]
        if word.lower() in _FAMILY_EXCLUDED or word.lower() in _NATIONALITIES:
            continue
        if word.isupper() != match.group().isupper():
            continue  # "FANCY BEAR" and "Fancy Bear", never "FANCY Bear"
        start = at - len(word) - 1
        end = match.end()
        yield (start, end, text[start:end], "threat_actor")


def _names_before_cues(text: str, gaz: Gazetteer, cues: list[int]) -> Iterator[Candidate]:
    """ "Sandman APT", "the KEYPLUG backdoor": a name just before a cue word (at ``cues``).

    Runs for every cue word of a document, so the checks are inlined and the cheapest come
    first: most cues follow a lower-case word ("the group", "this backdoor").
    """
    actors: list[Candidate] = []
    software: list[Candidate] = []
    name_at_end, no_capital = _NAME_AT_END.search, _ASCII_CAPITALS_AND_DIGITS.isdisjoint
    cue_at = _CUE_AFTER_NAME.match
    ascii_text = text.isascii()
    for at in sorted({cue - 1 for cue in cues if cue > 0}):
        if text[at] != " ":
            continue  # both patterns start with a space after a capitalised word
        lo = at - 40 if at > 40 else 0
        # The word before: what follows the last space or line break within 40 characters,
        # else everything before. ``rpartition`` takes one argument, where a ranged ``rfind``
        # parses a format string on every call (a few times the cost, twice per cue).
        _, space, word = text[lo:at].rpartition(" ")
        if "\n" in word:
            word = word.rpartition("\n")[2]
        elif not space:
            word = text[:at]
        if no_capital(word) and (ascii_text or not _has_capital_or_digit(word)):
            continue
        start = at - len(word)
        if word in _CAPITALISED_GENERIC and (
            start < 2 or text[start - 1] == "\n" or text[start - 2] not in _ASCII_ALNUM
        ):
            continue  # "The backdoor", "This group": the name could only be that one word
        match = cue_at(text, at)
        if match is None:
            continue
        if match.lastindex:
            found, kind = actors, "threat_actor"
        else:
            # a slice and ``==``: a ranged ``startswith`` parses its arguments on every call
            found, kind = software, "tool" if text[at + 1 : at + 5] == "tool" else "malware"
        lo = at - 60 if at > 60 else 0
        parts = text[lo:at].rsplit(None, 3)  # ``_tail_start``, inlined: the last three words
        head = name_at_end(text, lo + len(parts[0]) if len(parts) > 3 else lo, at)
        if head is None:
            continue
        picked = pick_name(text, head.start(1), head.end(1), kind, gaz)
        if picked is not None:
            found.append(picked)
    yield from actors  # every "X group" first, then every "X backdoor", as the text orders them
    yield from software


def _has_capital_or_digit(word: str) -> bool:
    if word.isascii():
        return _ASCII_CAPITAL_OR_DIGIT.search(word) is not None
    return any(ch.isupper() or ch.isdigit() for ch in word)


def _tail_start(text: str, lo: int, hi: int, words: int) -> int:
    """An offset in ``[lo, hi]`` at or before the start of the last ``words`` words there."""
    parts = text[lo:hi].rsplit(None, words)
    return lo + len(parts[0]) if len(parts) > words else lo


def _name_at_end(text: str, lo: int, hi: int) -> re.Match[str] | None:
    """``_NAME_AT_END`` searched in ``text[lo:hi]``; a name is at most three words, so only
    the last three are tried (the same match, without trying every offset before them)."""
    return _NAME_AT_END.search(text, _tail_start(text, lo, hi, 3), hi)


def _intro_head(text: str, lo: int, hi: int) -> re.Match[str] | None:
    """``_INTRO_HEAD`` searched in ``text[lo:hi]``, skipped when none of the last five words
    is the article the pattern needs before its up to four trailing words."""
    if not hi or not text[hi - 1].isspace():
        return None  # the pattern ends in white space
    words = text[lo:hi].rsplit(None, 9)
    if _ARTICLES.isdisjoint(words[-5:]):
        return None
    # a match spans at most nine words (a name of three, "is", the article and four more)
    return _INTRO_HEAD.search(text, lo + len(words[0]) if len(words) > 9 else lo, hi)


def _names_after_cues(
    text: str, gaz: Gazetteer, matches: list[re.Match[str]]
) -> Iterator[Candidate]:
    for match in matches:
        cue = match.group().split()[0].rstrip(",")
        kind = _kind_of_cue(cue)
        if match.group("bare_as") and not _TRACK_BEFORE.search(
            text, max(0, match.start() - 30), match.start()
        ):
            continue
        strong = bool(match.group("bare_as") or _INTRO_WORDS.search(match.group()))
        picked = pick_name(
            text, match.start("name"), match.end("name"), kind, gaz, from_left=True, named=strong
        )
        if picked is None:
            continue
        if kind == "threat_actor" and not strong and not distinctive(picked[2], gaz):
            continue  # "group Microsoft" / "actor Sandman" need a naming word or a clear name
        yield picked


def _introduced_names(
    text: str, gaz: Gazetteer, matches: list[re.Match[str]]
) -> Iterator[Candidate]:
    for match in matches:
        at = match.start()
        head = _intro_head(text, at - 100 if at > 100 else 0, at)
        if head is None:
            continue
        picked = pick_name(text, head.start(1), head.end(1), "threat_actor", gaz)
        if picked is not None:
            yield picked


def _introduced_software(text: str, gaz: Gazetteer, cues: list[int]) -> Iterator[Candidate]:
    """ "GRAYFEATHER, a new backdoor written in Go" / "**ORCSHRED**, a shell-script wiper".

    ``cues`` are where software cue words may start. Few of them follow the article the
    name needs ("a new backdoor"), so that test (``_intro_head``'s first) comes before the
    cue's own pattern.
    """
    isdisjoint, cue_at = _ARTICLES.isdisjoint, _SOFTWARE_CUE.match
    for start in cues:
        lo = start - 60 if start > 60 else 0
        if not start or not text[start - 1].isspace():
            continue
        if isdisjoint(text[lo:start].rsplit(None, 5)[-5:]):
            continue
        match = cue_at(text, start)
        if match is None:
            continue
        head = _intro_head(text, lo, start)
        if head is None:
            continue
        kind = _kind_of_cue(match.group())
        picked = pick_name(text, head.start(1), head.end(1), kind, gaz)
        if picked is None:
            continue
        if distinctive(picked[2], gaz) or gaz.lookup(picked[2]) is not None:
            yield picked


def _kind_of_cue(cue: str) -> str:
    if cue in {"tool", "utility", "tunneler", "tunneller"}:
        return "tool"
    if cue in {"threat", "hacking", "APT", "group", "actor", "cluster", "gang"}:
        return "threat_actor"
    return "malware"


def pick_name(
    text: str,
    start: int,
    end: int,
    kind: str,
    gaz: Gazetteer,
    *,
    from_left: bool = False,
    named: bool = False,
) -> Candidate | None:
    """The best name inside ``text[start:end]``: a known phrase, else one distinctive word."""
    # ``_at_sentence_start``, inlined: this runs for every rule cue with a name before it
    before = text[start - 3 if start > 3 else 0 : start].rstrip(_OPENERS)
    at_start = not before or before[-1] in _SENTENCE_ENDS
    picked = _pick_in(text[start:end], kind, from_left, at_start, gaz, named)
    if picked is None:
        return None
    lo, hi = picked
    return (start + lo, start + hi, text[start + lo : start + hi], kind)


@lru_cache(maxsize=65536)
def _pick_in(
    window: str, kind: str, from_left: bool, at_start: bool, gaz: Gazetteer, named: bool = False
) -> tuple[int, int] | None:
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", window)]
    while tokens and window[tokens[-1][0] : tokens[-1][1]].replace(".", "").isdigit():
        tokens.pop()  # "LockBit 3.0 ransomware" names LockBit
    for size in range(len(tokens), 0, -1):
        span = tokens[:size] if from_left else tokens[-size:]
        name = window[span[0][0] : span[-1][1]]
        first = at_start and span[0][0] == 0
        if _acceptable(name, gaz, single=size == 1, at_start=first):
            return span[0][0], span[-1][1]
        if named and size > 1 and _named_phrase(name, gaz):
            return span[0][0], span[-1][1]
    return None


def _acceptable(name: str, gaz: Gazetteer, *, single: bool, at_start: bool) -> bool:
    words = name.split()
    first = words[0].lower()
    if first in lexicon.GENERIC_NAMES or first in _NATIONALITIES or name.endswith(_BAD_ENDINGS):
        return False
    if _HEX_DIGEST.fullmatch(name):
        return False
    known = gaz.lookup(name)
    if known is not None:
        entity = gaz.entities[known]
        if entity.kind in {"security_vendor", "government", "country", "region", "sector"}:
            return False
        return single or not at_start
    if not single:
        return False  # unknown multi-word phrases are too often ordinary words
    return distinctive(name, gaz) or (not gaz.is_common(name) and not at_start)


def _named_phrase(name: str, gaz: Gazetteer) -> bool:
    """ "a cluster we call Vellum Mantis": after a naming word, capitalised words are a name."""
    words = name.split()
    if gaz.lookup(name) is not None or not all(w[:1].isupper() for w in words):
        return False
    if any(w.lower() in lexicon.GENERIC_NAMES or w.lower() in _NATIONALITIES for w in words):
        return False
    return not all(gaz.is_common(w) for w in words)


def distinctive(name: str, gaz: Gazetteer) -> bool:
    """Digits, inner capitals or all caps: a shape ordinary words rarely have."""
    if any(ch.isdigit() for ch in name) or scheme_match(name):
        return True
    letters = name.replace(" ", "").replace("-", "")
    inner_caps = any(ch.isupper() for ch in letters[1:]) and not letters.isupper()
    return inner_caps or (letters.isupper() and len(letters) >= 4 and not gaz.is_common(letters))


def _at_sentence_start(text: str, pos: int) -> bool:
    before = text[pos - 3 if pos > 3 else 0 : pos].rstrip(_OPENERS)
    return not before or before[-1] in _SENTENCE_ENDS


_OPENERS = " \"'“‘("  # what may stand between a sentence's end and its first word
_SENTENCE_ENDS = ".!?:\n"
