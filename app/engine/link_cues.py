"""The cue phrases the link reader looks for between and before two actor mentions.

All but ``ANAPHOR`` are case-insensitive (``Caseless``: matched in the lowercased document
when it allows); those only asked whether they occur are ``Cue``s, which skip the regex when
a literal shows it cannot match. ``anaphor_starts`` finds where "this backdoor" / "the group"
can begin without reading every sentence with the pattern.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

from app.engine.actor_patterns import Caseless


class Cue:
    """A caseless cue asked only whether it occurs in some words.

    Searching a short gap with a pattern that starts with ``\\b`` tries it at every offset,
    which costs more than all the rest of reading a pair of mentions. So the cue is written as
    alternatives, each with the literals its matches start with: an alternative is tried only
    from the first of them in the words, and not at all when none is there. (Searching from an
    offset still reads the character before it for ``\\b``, so the answer is the same.)
    """

    __slots__ = ("branches", "pattern")

    def __init__(self, *branches: tuple[str, tuple[str, ...]]) -> None:
        self.pattern = Caseless("|".join(pattern for pattern, _ in branches))
        self.branches = tuple(
            (starts, _first_of(starts), re.compile(pattern).search) for pattern, starts in branches
        )

    def found(self, text: str, low: str | None) -> bool:
        """Whether the cue occurs in ``text``; ``low`` is its ``lowered`` form (or None)."""
        if low is None:
            return self.pattern.search(text, None) is not None
        for starts, first, search in self.branches:
            for start in starts:
                if start in low:  # (cheaper than ``find`` when, as mostly, none is there)
                    at = first(low)  # (never None: one of them is there)
                    if at is not None and search(low, at.start()):
                        return True
                    break
        return False


def _first_of(literals: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """A search for the first of the literals in some words (one ``find`` for each costs more)."""
    return re.compile("|".join(map(re.escape, literals))).search


class TailCue:
    """A caseless cue that must end the words it is asked about: one of ``words`` (with a
    ``stem``, a word starting with one), white space, perhaps "the" and white space; that is,
    ``\\b(?:words)\\s+(?:the\\s+)?$``.

    A regex anchored at the end is still tried from every offset after a ``\\b``; reading the
    lowercased words back from their end answers with a few string tests.
    """

    __slots__ = ("pattern", "stem", "words")

    def __init__(self, *words: str, stem: bool = False) -> None:
        suffix = r"\w*" if stem else ""
        alternatives = "|".join(re.escape(word) + suffix for word in words)
        self.pattern = Caseless(rf"\b(?:{alternatives})\s+(?:the\s+)?$")
        self.words = words
        self.stem = stem

    def found(self, text: str, low: str | None) -> bool:
        """Whether the cue ends ``text``; ``low`` is its ``lowered`` form (or None)."""
        if low is None:
            return self.pattern.search(text, None) is not None
        head = low.rstrip()  # (``str.isspace`` is what ``\s`` matches)
        if len(head) == len(low):
            return False
        if self._ends_with_word(head):
            return True
        if not head.endswith("the"):
            return False
        rest = head[:-3]
        head = rest.rstrip()
        return len(head) < len(rest) and self._ends_with_word(head)

    def _ends_with_word(self, head: str) -> bool:
        """Whether ``head`` ends with one of the words (or a word one of the stems starts),
        the word starting at a word boundary."""
        if self.stem:
            start = len(head)
            while start and _is_word_char(head[start - 1]):
                start -= 1
            return head.startswith(self.words, start)
        if not head.endswith(self.words):  # (one test in C for the common answer)
            return False
        for word in self.words:
            if head.endswith(word):
                at = len(head) - len(word)
                if at == 0 or not _is_word_char(head[at - 1]):
                    return True
        return False


def _is_word_char(char: str) -> bool:
    """Whether ``\\w`` matches the character."""
    return char.isalnum() or char == "_"


NEGATION = Cue(
    (
        r"\b(?:not|no|never|unlike|rather than|instead of)\b|n't\b",
        ("no", "never", "unlike", "rather than", "instead of", "n't"),
    )
)
ATTRIBUTED = Cue(
    (r"\battribut\w*\b(?:\s+\S+){0,4}?\s+to\b|\battribution to\b", ("attribut",)),
)
# "run by", "on behalf of", "subordinate to": whoever stands behind the actor, as the
# words between them say.
SPONSORED_BY = Cue(
    (
        r"\b(?:run|sponsored|backed|directed|tasked|controlled)\s+by\b",
        ("run", "sponsored", "backed", "directed", "tasked", "controlled"),
    )
)
SPONSORED = Cue(  # (only for a government body or a country on the right)
    (r"\bon behalf of\b", ("on behalf of",)),
    (r"\bsubordinate to\b", ("subordinate to",)),
    (r"\bwork(?:s|ing|ed)?\s+for\b", ("work",)),
    (r"\b(?:based|located|headquartered)\s+in\b", ("based", "located", "headquartered")),
)
# "Sandworm, the unit of Russia's military intelligence service (GRU)": only for a
# government body or a country on the right.
UNIT_OF = Cue(
    (
        r"\b(?:unit|arm|division|branch|element|directorate|department|part)\s+of\b",
        ("unit", "arm", "division", "branch", "element", "directorate", "department", "part"),
    )
)
# "attribute the group to the FSB": the verb comes before the first actor.
ATTRIBUTE_BEFORE = TailCue("attribute", "attributes", "attributed", "attributing")
# "MooBot, a Mirai variant" / "Carbon, a lighter sibling of Snake".
VARIANT = Cue(
    (
        r"\b(?:variant|fork|offshoot|successor|derivative|rebrand|sibling|spin-?off|clone"
        r"|descendant|evolution|version)s?\s+(?:\S+\s+){0,1}?(?:of|to)\b",
        (
            *("variant", "fork", "offshoot", "successor", "derivative", "rebrand", "sibling"),
            *("spin", "clone", "descendant", "evolution", "version"),
        ),
    ),
    (r"\bbased on\b", ("based on",)),
)
VARIANT_AFTER = Caseless(r"^\s*(?:variant|fork|offshoot|derivative|clone|spin-?off|rebrand)s?\b")
# "X, a Y variant": only a short appositive stands between the two.
SHORT_APPOSITION = Caseless(r"^[\s\w-]{0,20}?,\s+(?:an?|the)\s+(?:[\w-]+\s+){0,1}$")
# "Mustang Panda, a China-based espionage group", "assesses it to be a China-nexus actor":
# the country words that follow name an actor's origin.
ORIGIN_AFTER = Caseless(
    r"(?!-speaking\b)[\s-]+(?:[\w-]+\s+){0,2}?(?:adversar\w*|actors?|groups?|hackers|apts?"
    r"|operators|attackers|gangs?|clusters?|units?)\b|-(?:nexus|based|linked|backed|sponsored)\b"
)
ORIGIN_GAP = Caseless(
    r"^[\s)]*(?:,\s+|\s+(?:is|was)\s+|[^.;]{0,40}?\b(?:to be|as)\s+)(?:an?|the)\s+"
    r"(?:[\w-]+\s+){0,2}$"
)
# "Midnight Blizzard's password spray against Microsoft": an attack on a labelled victim.
TARGETS = Cue(
    (
        r"\b(?:target(?:s|ed|ing)|attacked|attacking|breach(?:ed|ing)|compromis(?:ed|ing)"
        r"|hack(?:ed|ing)|against|intrusions?\s+(?:into|at)|infiltrat\w*|penetrat\w*)"
        r"(?:\s+[\w'\u2019-]+){0,4}?\s+$",
        (
            *("target", "attack", "breach", "compromis", "hack", "against", "intrusion"),
            *("infiltrat", "penetrat"),
        ),
    )
)
TARGETED_BY = Cue(
    (
        r"\b(?:targeted|attacked|breached|compromised|hacked|infiltrated|penetrated)\s+by\b",
        ("targeted", "attacked", "breached", "compromised", "hacked", "infiltrated", "penetrated"),
    )
)
# "DICELOADER (also named Lizar), FIN7's lightweight backdoor": the group owns the tool.
APPOSITIVE_COMMA = Caseless(r"^[\s)]*,\s+$")
OWNED_AFTER = Caseless(
    r"^(?:'s|\u2019s)\s+(?:[\w-]+\s+){0,2}?(?:backdoor|malware|implant|loader|ransomware|rat"
    r"|trojan|stealer|wiper|dropper|tool|toolkit|framework|web shell|botnet)s?\b"
)
# "AppleSeed, a backdoor that AhnLab has tracked": the vendor's verb follows its name.
REPORTER_AFTER = Caseless(
    r"^\s+(?:\w+\s+){0,2}?(?:track|report|name|dub|call|describ|document|discover|identif"
    r"|attribut)\w*\b"
)
# "matches TA577 tradecraft from the Proofpoint write-up": the vendor's publication.
PUBLICATION_AFTER = Caseless(
    r"^(?:'s|\u2019s)?\s+(?:[\w-]+\s+){0,1}?(?:write-?up|report|blog|advisory|research"
    r"|analysis|bulletin|alert)s?\b"
)
# "Scattered Spider style intrusion", "Black Basta affiliates": the name modifies a noun,
# it does not act.
MODIFIER_START = Caseless(r"^\s*(?:-|'s\s+)?(?:style|like|type|affiliates?)\b")
DEVELOPED = Cue(
    (
        r"\b(?:developed|created|authored|written|built|maintained|coded)\s+by\b",
        ("developed", "created", "authored", "written", "built", "maintained", "coded"),
    )
)
REPORTED = Cue(  # (the phrase the corpus uses most first: the branches are tried in order)
    (r"\baccording to\b", ("according to",)),
    (
        r"\b(?:reported|disclosed|documented|discovered|identified|uncovered|detailed|published"
        r"|observed|tracked|spotted|analy[sz]ed|named|dubbed|described|exposed)\s+by\b",
        (
            *("reported", "disclosed", "documented", "discovered", "identified", "uncovered"),
            *("detailed", "published", "observed", "tracked", "spotted", "analy", "named"),
            *("dubbed", "described", "exposed"),
        ),
    ),
    (r"\bas per\b", ("as per",)),
    (
        r"\b(?:report|research|analysis|findings|blog|advisory|investigation)"
        r"\s+(?:\S+\s+){0,2}?(?:by|from)\b",
        ("report", "research", "analysis", "findings", "blog", "advisory", "investigation"),
    ),
)
REPORTER_VERB = Caseless(
    r"\b(?:report\w*|disclos\w*|document\w*|discover\w*|identif\w*|uncover\w*|detail\w*"
    r"|observ\w*|track\w*|spott\w*|analy[sz]\w*|dub\w*|publish\w*|expos\w*|attribut\w*"
    r"|link\w*|warn\w*|assess\w*|research\w*)\b"
)
# "a loader that Microsoft and others call POWERTRASH", "the CISA/NSA advisory on X".
REPORTER_NAMING = Cue(
    (
        r"\b(?:describ\w*|name[ds]?|calls?|called|advisor(?:y|ies)|write-?ups?|bulletins?)\b",
        ("describ", "name", "call", "advisor", "write", "bulletin"),
    )
)
# The last words before a vendor or agency that name it as the source: "named Industroyer2
# by ESET", "tracked by Mandiant as UNC3944, by Microsoft" (only "by" between), "used by
# Akira operators per Sophos", "a backdoor that AhnLab has tracked" (its verb follows),
# "tradecraft from the Proofpoint write-up" (its publication follows).
TAIL_BY, TAIL_PER, TAIL_RELATIVE, TAIL_CITED = 1, 2, 3, 4  # its groups
REPORTER_TAIL = Caseless(
    r"(?:^[\s,]*(by)\s+(?:researchers\s+(?:at|from)\s+)?|\b(per|according to)\s+"
    r"|\b(that|which)\s+|\b(from|in)\s+)(?:the\s+)?$"
)
# "tracked by Proofpoint as TA542": the vendor follows a naming verb and precedes "as".
TRACKED_BEFORE = TailCue(
    *("tracked by", "known by", "named by", "called by", "designated by", "referred to by")
)
STARTS_AS = Caseless(r"^\s*as\s+$")
# "(Volexity: UTA0178)": a vendor's label, as in headlines and notes.
COLON_GAP = Caseless(r"^\s*:\s*$")
# "the Bureau was able to build a tool, PERSEUS": an agency or vendor made the tool.
REPORTER_BUILT = Cue(
    (
        r"\b(?:buil[dt]s?|develop(?:s|ed)?|wr[io]tes?|written|creat(?:e|es|ed))\b",
        ("buil", "develop", "wri", "wro", "creat"),
    )
)
USES = Caseless(
    r"\b(?:uses?|used|using|usage|use of|deploy\w*|leverag\w*|employ\w*|wield\w*"
    r"|rel(?:y|ies|ied) on|install\w*|drop\w*|deliver\w*|distribut\w*|spread\w*"
    r"|weaponi[sz]\w*|arsenal|toolkit|toolset|infect\w*|load\w*|execut\w*|launch\w*)\b"
)
# "FIN7, the group behind Carbanak", "TA577 moved to Pikabot", "targets X with GRAYFEATHER".
USES_MORE = Cue(
    (r"\b(?:runs?|behind|adopt\w*)\b", ("run", "behind", "adopt")),
    (
        r"\b(?:mov|switch|shift|turn|migrat)\w*\s+(?:from|to|on to)\b",
        ("mov", "switch", "shift", "turn", "migrat"),
    ),
    (r"\b(?:target|attack)\w*\s+(?:\S+\s+){0,3}?with\b", ("target", "attack")),
)
USED_BY = Cue(
    (
        r"\b(?:used|deployed|leveraged|employed|wielded|operated|in use|distributed|delivered"
        r"|dropped|installed)\s+by\b",
        (
            *("used", "deployed", "leveraged", "employed", "wielded", "operated", "in use"),
            *("distributed", "delivered", "dropped", "installed"),
        ),
    )
)
# Verbs only: "the Demodex loader ... and a JumbledPath build" is no chain.
SOFTWARE_CHAIN = Caseless(
    r"\b(?:drop(?:s|ped|ping)?|load(?:s|ed|ing)?|deploy(?:s|ed|ing)?|download(?:s|ed|ing)?"
    r"|install(?:s|ed|ing)?|deliver(?:s|ed|ing)?)\b"
)
CHAIN_MORE = Cue(
    (
        r"\b(?:writes|wrote|fetch(?:es|ed)|pull(?:s|ed)|retriev(?:es|ed)|launch(?:es|ed)"
        r"|execut(?:es|ed)|runs)\b",
        ("writes", "wrote", "fetch", "pull", "retriev", "launch", "execut", "runs"),
    )
)
OVERLAPS = Caseless(
    r"\boverlap\w*|\bshar(?:e|es|ed|ing)\b|\bsimilar\w*|\bresembl\w*|\bcode reuse\b"
)
LINKED_STRONG = Caseless(r"\b(?:linked|tied|connected|traced)\s+(?:\S+\s+){0,2}?to\b")
# "TA577 has handed access to Black Basta before": a broker and its customer.
ACCESS_TO = Cue(
    (
        r"\b(?:hand(?:s|ed|ing)?|sell(?:s|ing)?|sold|pass(?:es|ed|ing)?)\s+(?:off\s+)?access"
        r"\s+to\b",
        ("hand", "sell", "sold", "pass"),
    )
)
LINKED_WEAK = Caseless(
    r"\b(?:associat\w*|affiliat\w*|related to|connections?|links?|ties|part of|sub-?groups?)\b"
)
LINK_VERB_BEFORE = TailCue(
    *("link", "links", "linked", "linking", "ties", "tied", "connect", "connects")
)
ASSOCIATE_BEFORE = TailCue("associat", stem=True)
ACCORDING_BEFORE = TailCue(*("according to", "as per", "per", "researchers at", "researchers from"))
BETWEEN_BEFORE = Caseless(
    r"\b(overlap\w*|similarit\w*|connections?|links?|ties|relationships?|association)\b"
    r"[^.]{0,80}?\bbetween\s+(?:the\s+)?$"
)
STARTS_TO = Caseless(r"^\s*to\b")
STARTS_WITH = Caseless(r"^\s*with\b")
COORDINATED = Caseless(r"^\s*(?:\S+\s+){0,2}?(?:and|&)\s+(?:[\w-]+\s+){0,4}$")
# The words between two items of a list, white space around them stripped: a separator,
# perhaps after the closing bracket of an item's other name ("Service (HHS), the NSA") and
# before a "the" or the opening bracket of the next item's ("the FBI (").
LIST_GAPS = frozenset(
    " ".join(part for part in (close, sep, the, bracket) if part).replace(" ,", ",")
    for sep in (",", "and", "or", ", and", ", or", "/")
    for close in ("", ")")
    for the in ("", "the")
    for bracket in ("", "(")
) | {"(", ")", ") ("}
ADJACENT = Caseless(
    r"^[\s-]+(?:[\w-]+\s+){0,3}?(?:threat actor|actor|group|apt|adversary|cluster|gang|hackers"
    r"|operators|backdoor|malware)s?\s+$"
)
COUNTRY_PHRASE = Caseless(
    r"[\s-]+(?:[\w-]+\s+){0,2}?(?:adversar\w*|actors?|groups?|hackers|apts?|operators"
    r"|attackers|gangs?|clusters?)\b"
)
APPOSITION = Caseless(r"^,\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}$")
ANAPHOR = re.compile(
    r"\b(?:[Tt]his|[Tt]hat|[Tt]he|[Ii]ts)\s+(backdoor|malware|implant|loader|ransomware|RAT|trojan"
    r"|stealer|wiper|dropper|tool|group|threat actor|actor|APT|gang|cluster|adversary)\b"
    r"(?!\s+[A-Z0-9])"
)
GROUP_WORDS = frozenset({"group", "threat actor", "actor", "APT", "gang", "cluster", "adversary"})
_NOUNS = (
    *("backdoor", "malware", "implant", "loader", "ransomware", "rat", "trojan", "stealer"),
    *("wiper", "dropper", "tool", "group", "threat actor", "actor", "apt", "gang", "cluster"),
    "adversary",
)
_LONG = frozenset({"this", "that"})
_SHORT = frozenset({"the", "its"})


def anaphor_starts(low: str) -> list[int]:
    """Every offset where ``ANAPHOR`` may match, in order, given the lowercased text.

    A match is a determiner, white space and a noun: each noun is found with ``str.find``
    and the word before it checked.
    """
    starts: set[int] = set()
    for noun in _NOUNS:
        at = low.find(noun)
        while at >= 0:
            gap = at
            while gap > 0 and low[gap - 1].isspace():
                gap -= 1
            if gap < at:
                if gap >= 4 and low[gap - 4 : gap] in _LONG:
                    starts.add(gap - 4)
                elif gap >= 3 and low[gap - 3 : gap] in _SHORT:
                    starts.add(gap - 3)
            at = low.find(noun, at + 1)
    return sorted(starts)


_ODD_ASCII_SPACES = tuple(chr(c) for c in range(128) if chr(c).isspace() and chr(c) not in " \n")


def single_spaced_lines(text: str) -> bool:
    """True when every run of white space inside a line of the text is one plain space
    (``single_spaced`` for every sentence, checked at once); False also for other than ASCII."""
    if not text.isascii() or "  " in text:  # (isascii first: it is cheaper than "  " in it)
        return False  # (searching a long text that is not all ASCII for 27 characters is slow)
    return not any(space in text for space in _ODD_ASCII_SPACES)


def single_spaced(sentence: str) -> bool:
    """True when every run of white space in the sentence is one plain space.

    There the gazetteer pass's "this backdoor" cues (``anaphor_cues``) find every place
    ``ANAPHOR`` can match, as its keys hold one space between the words.
    """
    return " ".join(sentence.split()) == sentence


def starts_within(starts: list[int], lo: int, hi: int) -> list[int]:
    """The offsets of ``starts`` (sorted) in ``[lo, hi)``."""
    return starts[bisect_left(starts, lo) : bisect_left(starts, hi)]
