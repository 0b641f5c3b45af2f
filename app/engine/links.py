"""Typed relations between actors, read from cue phrases inside one sentence.

Only sentences naming two or more actors are read. For each pair of neighbouring mentions
the words between them (and just before the first) decide the relation: "attributed to",
"developed by", "reported by", "uses", "overlaps with", "linked to". A pair is skipped when
another actor stands between them, so "X links A to B and their use of C" gives B uses C,
not A uses C. "This backdoor" / "the group" stand for the last actor of that kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter, itemgetter
from typing import Any, cast

from pydantic import TypeAdapter

from app.engine.actor_patterns import Caseless, lowered
from app.engine.brief import Actor, ActorType, Evidence, Link, Relation
from app.engine.document import Document, Span
from app.engine.link_cues import (
    ACCESS_TO,
    ACCORDING_BEFORE,
    ADJACENT,
    APPOSITION,
    APPOSITIVE_COMMA,
    ASSOCIATE_BEFORE,
    ATTRIBUTE_BEFORE,
    ATTRIBUTED,
    BETWEEN_BEFORE,
    CHAIN_MORE,
    COLON_GAP,
    COORDINATED,
    COUNTRY_PHRASE,
    DEVELOPED,
    LINK_VERB_BEFORE,
    LINKED_STRONG,
    LINKED_WEAK,
    LIST_GAPS,
    MODIFIER_START,
    NEGATION,
    ORIGIN_AFTER,
    ORIGIN_GAP,
    OVERLAPS,
    OWNED_AFTER,
    PUBLICATION_AFTER,
    REPORTED,
    REPORTER_AFTER,
    REPORTER_BUILT,
    REPORTER_NAMING,
    REPORTER_TAIL,
    REPORTER_VERB,
    SHORT_APPOSITION,
    SOFTWARE_CHAIN,
    SPONSORED,
    SPONSORED_BY,
    STARTS_AS,
    STARTS_TO,
    STARTS_WITH,
    TAIL_BY,
    TAIL_PER,
    TAIL_RELATIVE,
    TARGETED_BY,
    TARGETS,
    TRACKED_BEFORE,
    UNIT_OF,
    USED_BY,
    USES,
    USES_MORE,
    VARIANT,
    VARIANT_AFTER,
    Cue,
    TailCue,
)
from app.engine.link_mentions import Mention, find_mentions
from app.engine.link_sentences import (
    GROUPS,
    SOFTWARE,
    SentenceMentions,
    safe_lowered,
    sentences_with_pairs,
)

MAX_GAP = 250
MAX_QUOTE = 400
# Actor kinds as plain strings (``ActorType`` values), as in ``link_sentences``.
REPORTERS = frozenset({ActorType.security_vendor.value, ActorType.government.value})
BLAMED = frozenset({ActorType.threat_actor.value, ActorType.country.value})
COUNTRY = ActorType.country.value
GOVERNMENT = ActorType.government.value
VENDOR = ActorType.security_vendor.value
# Who may stand behind an actor as its sponsor, and who may have made a tool.
SPONSORS = frozenset({COUNTRY, GOVERNMENT})
MAKERS = frozenset({*BLAMED, ActorType.organization.value})
# Who an attack can hit, as a labelled actor.
VICTIMS = frozenset({ActorType.organization.value, *REPORTERS, COUNTRY})
# Relations as plain strings too (``Link`` validates them into ``Relation``).
REL_ATTRIBUTED_TO = Relation.attributed_to.value
REL_DEVELOPED_BY = Relation.developed_by.value
REL_LINKED_TO = Relation.linked_to.value
REL_OVERLAPS_WITH = Relation.overlaps_with.value
REL_REPORTED_BY = Relation.reported_by.value
REL_RELATED_TO = Relation.related_to.value
REL_TARGETS = Relation.targets.value
REL_USES = Relation.uses.value
SYMMETRIC = frozenset({REL_LINKED_TO, REL_OVERLAPS_WITH, Relation.related_to.value})

Verdict = tuple[str, str, str, float]  # source, relation, target, confidence
Span2 = tuple[int, int]  # start and end offsets in the text
Gap = tuple[str, str | None]  # some words of the text, and their lowercased form
# What a pair's gap decides: (relation, whether the first mention is its source, confidence),
# None for no link, or _COORDINATE to look for "between A and B" instead.
Outcome = tuple[str, bool, float] | None
# The outcome of the first step whose cue is found in the words just before the first mention
# (a step without a cue always applies; every plan ends with one).
Plan = tuple[tuple[Cue | TailCue | None, Outcome], ...]
Found = dict[str, Any]  # a link's ``Link`` fields, its evidence still as spans
_COORDINATE: Outcome = ("", True, 0.0)
# Outcomes that hold only when the words after the second mention agree: "China" in "a
# China-based group", "Mirai" in "a Mirai variant".


class _After(tuple[str, bool, float]):
    """An outcome that holds only when the words after the second mention match ``after``;
    its relation is ``relation`` (the tuple's is empty, as ``_COORDINATE``'s)."""

    after: Caseless
    relation: str


def _after(relation: str, forward: bool, after: Caseless) -> _After:
    outcome = _After(("", forward, 0.6))
    outcome.after = after
    outcome.relation = relation
    return outcome


_ORIGIN = _after(REL_ATTRIBUTED_TO, True, ORIGIN_AFTER)  # "a China-based group"
_VARIANT = _after(REL_RELATED_TO, True, VARIANT_AFTER)  # "a Mirai variant"
_OWNED = _after(REL_USES, False, OWNED_AFTER)  # "FIN7's backdoor"
_REPORTED_AFTER = _after(REL_REPORTED_BY, True, REPORTER_AFTER)  # "that AhnLab tracks"
_CITED = _after(REL_REPORTED_BY, True, PUBLICATION_AFTER)  # "from the Proofpoint report"
_NO_LINK: Plan = ((None, None),)
_TRY_COORDINATED: Plan = ((None, _COORDINATE),)


_KIND = attrgetter("type._value_")  # an actor's kind as a plain string, read in C
_NAME = attrgetter("name")
_CLASS = {kind.value: "software" if kind.value in SOFTWARE else kind.value for kind in ActorType}


@dataclass(slots=True)
class _Text:
    """The document as the link reader consults it, with its actors' kinds and names."""

    text: str
    low: str | None  # ``lowered(text)``, when the whole document allows it
    kinds: list[str]  # ``ActorType`` values
    classes: list[str]  # the kind, "software" for malware and tools alike
    names: list[str]
    # what the words between two mentions decide, by (words, kinds, same class): a document
    # repeats its phrasings, so most pairs find their answer here
    plans: dict[tuple[str, str, str, bool], Plan] = field(default_factory=dict)
    # whether the document says "attribut…" at all: without, a plan leaves out the step
    # that reads "attribute the group to" before a first mention
    attributes: bool = False

    @classmethod
    def of(cls, doc: Document, actors: list[Actor]) -> _Text:
        """The text and, by actor index, the kinds, classes and names of ``actors``."""
        kinds: list[str] = list(map(_KIND, actors))  # (``value`` is a Python call)
        classes = list(map(_CLASS.__getitem__, kinds))
        attributes = "attribut" in doc.lowered
        return cls(
            doc.text,
            safe_lowered(doc),
            kinds,
            classes,
            list(map(_NAME, actors)),
            attributes=attributes,
        )

    def gap(self, start: int, end: int) -> Gap:
        """``text[start:end]`` and its ``lowered`` form (the cues read the words as written
        only when there is none, so then the lowered form stands for both)."""
        low = self.low
        if low is not None:
            words = low[start:end]
            return words, words
        words = self.text[start:end]
        return words, lowered(words)


def find_links(doc: Document, actors: list[Actor]) -> list[Link]:
    """Relations between the given actors, one per (source, relation, target), with evidence."""
    text = doc.text
    mentions = find_mentions(text, actors)
    if len(actors) < 2 or len(mentions) < 2:
        return []
    at = _Text.of(doc, actors)
    found: dict[tuple[str, str, str], Found] = {}
    _read(at, sentences_with_pairs(doc, mentions, at.kinds), found)
    return _models(text, list(found.values()), actors)


def _models(text: str, found: list[Found], actors: list[Actor]) -> list[Link]:
    """The links as models. Links read in one sentence quote the same span: its ``Evidence``
    is made once and shared (fewer objects to validate, and for the collector to walk), and
    each kind of model is validated in one call for the whole document.

    Most links quote a sentence an actor's evidence quotes already: that ``Evidence`` (equal
    in every field, as checked) is shared too, not made again.
    """
    quoted = {(e.start, e.end): e for actor in actors for e in actor.evidence}
    size = len(text)
    evidence: dict[Span2, Evidence] = {}
    new: list[Span2] = []
    for span in dict.fromkeys(chain.from_iterable(map(_EVIDENCE_OF, found))):
        start, end = span
        known = quoted.get(span)
        if (
            known is not None
            and known.grounded is (0 <= start < end <= size)
            and len(known.quote) == end - start
            and text.startswith(known.quote, start)  # (so the quote is ``text[start:end]``)
        ):
            evidence[span] = known
        else:
            new.append(span)
    if new:  # (the ``evidence_payload`` fields, written out: one call fewer a quote)
        payloads = [
            {
                "quote": text[start:end],
                "start": start,
                "end": end,
                "grounded": 0 <= start < end <= size,
            }
            for start, end in new
        ]
        evidence.update(zip(new, _EVIDENCE.validate_python(payloads), strict=True))
    get = evidence.__getitem__
    for f in found:
        f["evidence"] = list(map(get, f["evidence"]))  # (no comprehension's frame a link)
    return _LINKS.validate_python(found)


_EVIDENCE = TypeAdapter(list[Evidence])
_EVIDENCE_OF = itemgetter("evidence")
_LINKS = TypeAdapter(list[Link])


def _read(
    at: _Text, pairs: list[SentenceMentions], found: dict[tuple[str, str, str], Found]
) -> None:
    """Add the links between the mentions of each sentence to ``found``.

    One loop for the whole document, the pair's reading written out in it: a document has a
    few thousand pairs, and a call for each sentence and each pair cost more than the reading.
    """
    kinds, classes, names, plans = at.kinds, at.classes, at.names, at.plans
    text, low, attributes = at.text, at.low, at.attributes
    for sentence, items in pairs:
        # what every link read here quotes, unless the sentence is too long to quote whole
        whole = (
            (sentence.start, sentence.end) if sentence.end - sentence.start <= MAX_QUOTE else None
        )
        last = len(items) - 1
        head = 0  # where the list "A, B, and C" that ends with items[j] begins
        joined: set[int] | None = None  # the j whose items[j] continues the list items[j - 1]
        # ends (made only for a sentence that has one)
        prev_end, prev_class = 0, ""
        for j, later in enumerate(items):
            start, end, actor = later  # (unpacked: cheaper than reading the fields one by one)
            b_class = classes[actor]
            if j:
                if b_class != prev_class or text[prev_end:start].strip() not in LIST_GAPS:
                    head = j
                else:
                    if joined is None:
                        joined = set()
                    joined.add(j)
            prev_end, prev_class = end, b_class
            kb = kinds[actor]
            if kb == COUNTRY and j < last and _modifies_next(at, items, j):
                continue
            # the relation between items[i] and ``later`` is read in the words from items[i]
            # to items[head] (the first of the list that ends with ``later``) and just before
            head_start = items[head][0]
            i = head
            while i:  # (i from head - 1 down to 0: cheaper than making a backward range)
                i -= 1
                earlier = items[i]
                a_end, a_actor = earlier[1], earlier[2]
                if a_actor == actor:
                    continue
                verdict: Verdict | None = None
                if head_start - a_end <= MAX_GAP:
                    # (the words as written decide their lowered form: they alone key the plan)
                    words = text[a_end:head_start] if low is None else low[a_end:head_start]
                    ka = kinds[a_actor]
                    same_class = classes[a_actor] == b_class
                    key = (words, ka, kb, same_class)
                    plan = plans.get(key)
                    if plan is None:
                        gap = (words, words) if low is not None else (words, lowered(words))
                        plan = plans[key] = _plan(gap, ka, kb, same_class, attributes)
                    outcome = plan[0][1] if len(plan) == 1 else _follow(at, sentence, earlier, plan)
                    if outcome is not None:
                        rel, forward, confidence = outcome
                        if not rel:  # (one test for the two kinds of outcome that read more)
                            verdict = _read_more(at, sentence, earlier, later, outcome)
                        else:
                            na, nb = names[a_actor], names[actor]
                            verdict = (
                                (na, rel, nb, confidence) if forward else (nb, rel, na, confidence)
                            )
                if verdict is not None:
                    span = whole or _quote(sentence, earlier, later)
                    _add(found, verdict, span)
                    if joined is not None and i in joined:  # "CISA, the NSA and the FBI warn"
                        name = names[a_actor]
                        for other in _list_before(items, joined, i):
                            _add(found, _instead(verdict, name, at, other), span)
                if kinds[a_actor] != COUNTRY or _blocks(at, items, i):
                    break
            if head < j:  # "between A and B" inside a coordinated list
                verdict = _coordinated(at, sentence, items[head], later)
                if verdict is not None:
                    _add(found, verdict, whole or _quote(sentence, items[head], later))


def _list_before(items: list[Mention], joined: set[int], i: int) -> list[Mention]:
    """The other members of the list that ends with ``items[i]`` ("CISA, the NSA and")."""
    members: list[Mention] = []
    k = i
    while k in joined:
        prev = items[k - 1]
        if prev.actor != items[i].actor and all(m.actor != prev.actor for m in members):
            members.append(prev)
        k -= 1
    return members


def _instead(verdict: Verdict, name: str, at: _Text, other: Mention) -> Verdict:
    """The verdict with ``other``'s actor in the place of the actor named ``name``."""
    source, relation, target, confidence = verdict
    new = at.names[other.actor]
    if source == name:
        return new, relation, target, confidence
    return source, relation, new, confidence


def _modifies_next(at: _Text, items: list[Mention], j: int) -> bool:
    """True for "Chinese" in "Chinese state-sponsored group APT41": the link goes to APT41."""
    return ADJACENT.match(*at.gap(items[j].end, items[j + 1].start)) is not None


def _blocks(at: _Text, items: list[Mention], i: int) -> bool:
    """Whether items[i] hides the words before it from a later actor.

    Actors block; a country does not ("links A to China-based actor B"), unless it heads a
    noun phrase of its own ("China-based adversaries using C": the adversaries use C) that
    is not an apposition of the actor before it ("A, a Chinese group, used C").
    """
    item, following = items[i], items[i + 1]
    if at.kinds[item.actor] != COUNTRY:
        return True  # (the caller checks this first)
    phrase = COUNTRY_PHRASE.match(*at.gap(item.end, item.end + 60))
    if phrase is None or following.start - (item.end + phrase.end()) <= 2:
        return False
    return i == 0 or not APPOSITION.match(*at.gap(items[i - 1].end, item.start))


def _read_more(
    at: _Text, sentence: Span, a: Mention, b: Mention, outcome: tuple[str, bool, float]
) -> Verdict | None:
    """The link between ``a`` and ``b`` for an outcome without a relation of its own:
    "between A and B" (``_COORDINATE``: a country's "linked to" is read in ``_coordinated``),
    or one that holds only when the words after ``b`` agree (an ``_After``)."""
    if outcome is _COORDINATE:
        return _coordinated(at, sentence, a, b)
    after = cast(_After, outcome)
    if not _after_holds(at, sentence, b, after.after):
        return None
    na, nb = at.names[a.actor], at.names[b.actor]
    _, forward, confidence = after
    rel = after.relation
    return (na, rel, nb, confidence) if forward else (nb, rel, na, confidence)


def _after_holds(at: _Text, sentence: Span, b: Mention, after: Caseless) -> bool:
    """Whether the words after ``b`` (in its sentence) match ``after``."""
    end = b.end + 60
    return after.match(*at.gap(b.end, end if end < sentence.end else sentence.end)) is not None


def _verdict(
    at: _Text, a: Mention, b: Mention, rel: str, forward: bool, confidence: float
) -> Verdict:
    """The link from ``a`` to ``b`` (or back); "linked to" a country is an attribution."""
    na, nb = at.names[a.actor], at.names[b.actor]
    if rel == REL_LINKED_TO and COUNTRY in (at.kinds[a.actor], at.kinds[b.actor]):
        rel = REL_ATTRIBUTED_TO
        forward = at.kinds[b.actor] == COUNTRY
    return (na, rel, nb, confidence) if forward else (nb, rel, na, confidence)


def _follow(at: _Text, sentence: Span, a: Mention, plan: Plan) -> Outcome:
    """The outcome of the plan's first step whose cue the words just before ``a`` hold."""
    start = a.start - 60  # (a test, not max(): max parses its arguments as keywords too)
    before = at.gap(start if start > sentence.start else sentence.start, a.start)
    for cue, outcome in plan:
        if cue is None or cue.found(*before):
            return outcome
    return None  # (never reached: a plan ends with a step that always applies)


def _plan(gap: Gap, ka: str, kb: str, same_class: bool, attributes: bool) -> Plan:
    """What the words between two mentions decide for a pair of kinds ``ka`` and ``kb``
    (whether of one class, "software" for malware and tools alike); the words just before
    the first mention are left to the plan's cues."""
    if NEGATION.found(*gap) or MODIFIER_START.match(*gap):
        return _NO_LINK
    if kb == VENDOR and ka in SOFTWARE:  # (the most common pair, and only a report)
        return _reporting(ka, kb, gap)
    steps = _attribution(ka, kb, gap, attributes) if kb in SPONSORS or kb in GROUPS else ()
    if steps and steps[-1][0] is None:
        return steps
    rest: Plan
    if ka in GROUPS and kb in VICTIMS and _attack(kb, gap):
        rest = ((None, (REL_TARGETS, True, 0.6)),)
    elif ka in VICTIMS and kb in GROUPS and _has_by(gap) and TARGETED_BY.found(*gap):
        rest = ((None, (REL_TARGETS, False, 0.6)),)
    elif ka in REPORTERS or kb in REPORTERS:
        rest = _reporting(ka, kb, gap)
    elif ka == COUNTRY and kb != COUNTRY and (ADJACENT.match(*gap) or _possessive(kb, gap)):
        rest = ((None, (REL_ATTRIBUTED_TO, False, 0.6)),)
    else:
        rest = _relation(ka, kb, same_class, gap)
    if COUNTRY in (ka, kb):
        rest = tuple((cue, _to_country(outcome, kb)) for cue, outcome in rest)
    # (the attribution's cue is read after the others, as "links A to B" is the more common)
    return (*rest[:-1], *steps, rest[-1]) if steps else rest


def _may_vary(gap: Gap) -> bool:
    """Whether the words may say "a variant of" / "based on" (a cheap test first)."""
    low = gap[0] if gap[1] is None else gap[1]
    return " of" in low or " to" in low or "based on" in low


def _has_by(gap: Gap) -> bool:
    """Whether the words may hold "by" (a cheap test before a cue that ends with it)."""
    return gap[1] is None or " by" in gap[1]


def _to_country(outcome: Outcome, kb: str) -> Outcome:
    """ "Linked to" a country is an attribution to it."""
    if outcome is None or outcome[0] != REL_LINKED_TO:
        return outcome
    return (REL_ATTRIBUTED_TO, kb == COUNTRY, outcome[2])


def _possessive(kb: str, gap: Gap) -> bool:
    """ "North Korea's Lazarus Group": a country's own group or malware."""
    return (kb in GROUPS or kb in SOFTWARE) and gap[0] in ("'s ", "\u2019s ")


def _attack(kb: str, gap: Gap) -> bool:
    """Whether the words say a group attacked ``b`` (not that ``b`` warned of the attacks)."""
    if not TARGETS.found(*gap):
        return False
    return kb not in REPORTERS or REPORTER_VERB.search(*gap) is None


def _attribution(ka: str, kb: str, gap: Gap, attributes: bool) -> Plan:
    """The steps that read an attribution of ``a`` to a sponsor ``b`` (a government body or
    a country, or a group "running" it); a plan that ends with a step without a cue decides
    alone, an empty one leaves the pair to the other readings."""
    if ka in REPORTERS or ka == COUNTRY:  # (the caller has checked that kb is one of them)
        return ()
    low = gap[0] if gap[1] is None else gap[1]
    found = " by" in low and SPONSORED_BY.found(*gap)
    if kb in SPONSORS:
        found = found or SPONSORED.found(*gap) or ATTRIBUTED.found(*gap)
        found = found or (" of" in low and UNIT_OF.found(*gap))
    if found:
        return ((None, (REL_ATTRIBUTED_TO, True, 0.8)),)
    if kb == COUNTRY and ORIGIN_GAP.match(*gap):
        return ((None, _ORIGIN),)
    if attributes and STARTS_TO.match(*gap):  # "attribute the group to the FSB"
        return ((ATTRIBUTE_BEFORE, (REL_ATTRIBUTED_TO, True, 0.7)),)
    return ()


def _relation(ka: str, kb: str, same_class: bool, gap: Gap) -> Plan:
    """The plan for ``a`` (of kind ``ka``) and ``b`` (of kind ``kb``), neither a reporter:
    a relation, or when none is read "between A and B"."""
    if ka in SOFTWARE and kb in MAKERS and DEVELOPED.found(*gap):
        return ((None, (REL_DEVELOPED_BY, True, 0.8)),)
    if kb in BLAMED and ATTRIBUTED.found(*gap):
        return ((None, (REL_ATTRIBUTED_TO, True, 0.8)),)
    if same_class and _may_vary(gap) and VARIANT.found(*gap):
        return ((None, (REL_RELATED_TO, True, 0.7)),)
    if same_class and SHORT_APPOSITION.match(*gap):
        return ((None, _VARIANT),)
    if ka in SOFTWARE and kb in GROUPS and APPOSITIVE_COMMA.match(*gap):
        return ((None, _OWNED),)
    if ka in GROUPS and kb in SOFTWARE and (USES.search(*gap) or USES_MORE.found(*gap)):
        return ((None, (REL_USES, True, 0.8)),)
    if ka in SOFTWARE and kb in GROUPS and USED_BY.found(*gap):
        return ((None, (REL_USES, False, 0.8)),)
    if (
        ka in SOFTWARE
        and kb in SOFTWARE
        and (SOFTWARE_CHAIN.search(*gap) or CHAIN_MORE.found(*gap))
    ):
        return ((None, (REL_USES, True, 0.6)),)
    if same_class and OVERLAPS.search(*gap):
        return ((None, (REL_OVERLAPS_WITH, True, 0.7)),)
    if LINKED_STRONG.search(*gap) or ("access" in gap[0].lower() and ACCESS_TO.found(*gap)):
        return ((None, (REL_LINKED_TO, True, 0.7)),)
    steps: list[tuple[Cue | TailCue | None, Outcome]] = []
    if STARTS_TO.match(*gap):  # "links A to B"
        steps.append((LINK_VERB_BEFORE, (REL_LINKED_TO, True, 0.7)))
    if LINKED_WEAK.search(*gap):
        return (*steps, (None, (REL_LINKED_TO, True, 0.6)))
    if STARTS_WITH.match(*gap):  # "associates A with B"
        steps.append((ASSOCIATE_BEFORE, (REL_LINKED_TO, True, 0.6)))
    return (*steps, *_TRY_COORDINATED) if steps else _TRY_COORDINATED


def _reporting(ka: str, kb: str, gap: Gap) -> Plan:
    """ "A reported by V" / "V reports A": the plan when a vendor or agency (one of the two,
    of kinds ``ka`` and ``kb``) reports on the other."""
    if (ka in REPORTERS and kb in REPORTERS) or COUNTRY in (ka, kb):
        return _NO_LINK
    if kb in REPORTERS:
        if REPORTED.found(*gap):
            return ((None, (REL_REPORTED_BY, True, 0.8)),)
        return _reported_by(ka, gap)
    steps: list[tuple[Cue | TailCue | None, Outcome]] = [
        (ACCORDING_BEFORE, (REL_REPORTED_BY, False, 0.8))
    ]
    if STARTS_AS.match(*gap):  # "tracked by Proofpoint as TA542"
        steps.append((TRACKED_BEFORE, (REL_REPORTED_BY, False, 0.8)))
    if kb in SOFTWARE and REPORTER_BUILT.found(*gap):
        return (*steps, (None, (REL_DEVELOPED_BY, False, 0.6)))
    said = REPORTER_VERB.search(*gap) or REPORTER_NAMING.found(*gap) or COLON_GAP.match(*gap)
    return (*steps, (None, (REL_REPORTED_BY, False, 0.6) if said else None))


def _reported_by(ka: str, gap: Gap) -> Plan:
    """The plan for ``a`` followed by a vendor or agency when no "reported by" stands between:
    what the last words before the vendor say (one search of the gap's end)."""
    words, low = gap
    tail = REPORTER_TAIL.search(words, low, max(0, len(words) - _TAIL_SPAN))
    if tail is not None:
        kind = tail.lastindex
        if kind in (TAIL_BY, TAIL_PER):  # "named X by ESET", "used by X per Sophos"
            return ((None, (REL_REPORTED_BY, True, 0.7)),)
        if kind == TAIL_RELATIVE:  # "a backdoor that AhnLab has tracked"
            return ((None, _REPORTED_AFTER),)
    if ka in SOFTWARE and "by" in (words if low is None else low) and DEVELOPED.found(*gap):
        return ((None, (REL_DEVELOPED_BY, True, 0.8)),)
    if tail is not None:  # "tradecraft from the Proofpoint write-up"
        return ((None, _CITED),)
    return _NO_LINK


_TAIL_SPAN = 48


def _coordinated(at: _Text, sentence: Span, a: Mention, b: Mention) -> Verdict | None:
    """ "overlaps between A and B" / "connections between A and B"."""
    start = a.start - 120
    before, low = at.gap(start if start > sentence.start else sentence.start, a.start)
    if low is not None and "between" not in low:
        return None  # a cheap pre-check: the cue ends in "between"
    cue = BETWEEN_BEFORE.search(before, low)
    if cue is None or not COORDINATED.match(*at.gap(a.end, b.start)):
        return None
    word = cue.group(1).lower()
    if word.startswith(("overlap", "similar")):
        return at.names[a.actor], REL_OVERLAPS_WITH, at.names[b.actor], 0.6
    return _verdict(at, a, b, REL_LINKED_TO, True, 0.6)


def _add(found: dict[tuple[str, str, str], Found], verdict: Verdict, span: Span2) -> None:
    """Merge the link into ``found``: one per (source, relation, target), either way round
    for a symmetric relation, with up to five quotes (``span`` is this one's)."""
    source, relation, target, confidence = verdict
    if source == target:
        return
    if relation in SYMMETRIC and target < source:
        key = (relation, target, source)
    else:
        key = (relation, source, target)
    existing = found.get(key)
    if existing is None:
        found[key] = {
            "source": source,
            "relation": relation,
            "target": target,
            "confidence": confidence,
            "evidence": [span],  # ``_models`` turns them into ``Evidence``
        }
        return
    if confidence > existing["confidence"]:
        existing["confidence"] = confidence
    spans = existing["evidence"]
    if span not in spans and len(spans) < 5:
        spans.append(span)


def _quote(sentence: Span, a: Mention, b: Mention) -> Span2:
    """What a link between ``a`` and ``b`` quotes: the sentence, or when it is long the
    words around them."""
    if sentence.end - sentence.start <= MAX_QUOTE:
        return sentence.start, sentence.end
    start = max(sentence.start, min(a.start, b.start) - 60)
    end = min(sentence.end, max(a.end, b.end) + 60)
    return start, end
