"""Which sentences the link reader reads: those naming two actors or more.

"This backdoor" / "the group" count as a mention of the last actor of that kind named in the
sentence or the two before it. Actor kinds are plain strings here (``ActorType`` values): the
hash of an enum member is a Python call, and kinds are looked up for every pair of mentions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import chain

from app.engine.actors import anaphor_cues
from app.engine.brief import ActorType
from app.engine.document import Document, Span
from app.engine.link_cues import (
    ANAPHOR,
    GROUP_WORDS,
    anaphor_starts,
    single_spaced,
    single_spaced_lines,
    starts_within,
)
from app.engine.link_mentions import START, Mention, count_by_sentence

SOFTWARE = frozenset({ActorType.malware.value, ActorType.tool.value})
GROUPS = frozenset({ActorType.threat_actor.value})

SentenceMentions = tuple[Span, list[Mention]]


def sentences_with_pairs(
    doc: Document, mentions: list[Mention], kinds: list[str]
) -> list[SentenceMentions]:
    """The sentences naming two actors or more, each with its mentions in text order.

    ``mentions`` are in text order; ``kinds[i]`` is the kind of the actor ``i``. Only the
    sentences naming an actor are visited; when where "this backdoor" may stand is known by
    sentence, only those with two mentions or with such a place: most name one actor.
    """
    sentences = doc.sentences
    starts = list(map(START, mentions))
    anaphors = _Anaphors(doc)
    per_sentence = anaphors.per_sentence
    result: list[SentenceMentions] = []
    end = 0  # the sentence's mentions are ``mentions[first:end]``
    for index, count in count_by_sentence(doc.sentence_starts, starts).items():
        first = end
        end += count
        if index < 0:
            continue
        if per_sentence is not None:
            if count == 1 and index not in per_sentence:
                continue
            candidates: list[int] | None = per_sentence.get(index, _NONE)
        else:
            candidates = anaphors.within(index, sentences[index])
        items = own = mentions[first:end]
        sentence = sentences[index]
        if candidates is None or candidates:
            floor = sentences[index - 2].start if index >= 2 else sentences[0].start
            recent = mentions[bisect_left(starts, floor, 0, first) : first]
            items = _with_anaphora(doc.text, kinds, sentence, recent, own, candidates)
        if len(items) > 1 and (items[-1][2] != items[0][2] or _two_actors(items)):
            result.append((sentence, items))
    return result


def safe_lowered(doc: Document) -> str | None:
    """``lowered(doc.text)`` (see ``actor_patterns``), taken from ``doc.lowered``: the kind
    and summary stages lower the document anyway, so it is lowered once."""
    text, low = doc.text, doc.lowered
    if text.isascii() or (len(low) == len(text) and "\u0131" not in text and "\u017f" not in text):
        return low
    return None


def _two_actors(items: list[Mention]) -> bool:
    """Whether the mentions name more than one actor."""
    actor = items[0].actor
    return items[-1].actor != actor or any(m.actor != actor for m in items)


class _Anaphors:
    """Where "this backdoor" / "the group" may stand, found once per document on demand."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        text = doc.text
        cues = anaphor_cues(text)  # from the gazetteer pass, if it scanned this very text
        self.cues = sorted(cues) if cues is not None else None
        self.found: list[int] | None = None  # from ``anaphor_starts``
        # in a single-spaced text the cues are all there is: grouped by sentence at once
        spaced = self.cues is not None and single_spaced_lines(text)
        self.per_sentence = _per_sentence(doc, self.cues) if spaced else None

    def within(self, index: int, sentence: Span) -> list[int] | None:
        """Candidate offsets inside the sentence (the index-th), or None when it has to be
        searched (``per_sentence``, when known, is read by the caller)."""
        cues = self.cues
        if cues is not None and single_spaced(sentence.text):
            return starts_within(cues, sentence.start, sentence.end) if cues else cues
        if self.found is None:
            low = safe_lowered(self.doc)
            if low is None:
                return None
            self.found = anaphor_starts(low)
        return starts_within(self.found, sentence.start, sentence.end)


_NONE: list[int] = []  # (never changed)


def _per_sentence(doc: Document, offsets: list[int] | None) -> dict[int, list[int]]:
    """The offsets (sorted) grouped by the index of the sentence that holds them."""
    sentences, starts = doc.sentences, doc.sentence_starts
    grouped: dict[int, list[int]] = {}
    for offset in offsets or ():
        index = bisect_right(starts, offset) - 1
        if index >= 0 and offset < sentences[index].end:
            grouped.setdefault(index, []).append(offset)
    return grouped


def _with_anaphora(
    text: str,
    kinds: list[str],
    sentence: Span,
    recent: list[Mention],
    own: list[Mention],
    starts: list[int] | None,
) -> list[Mention]:
    """The sentence's mentions and, in text order among them, "this backdoor" / "the group":
    the last actor of that kind before it, here or in ``recent`` (the two sentences before).

    ``starts`` are where in the sentence the pattern may match; None searches all of it.
    """
    end = sentence.end
    if starts is None:
        matches = list(ANAPHOR.finditer(text, sentence.start, end))
    else:
        matches = [m for m in (ANAPHOR.match(text, c, end) for c in starts) if m]
    found: list[Mention] = []
    for match in matches:
        wanted = GROUPS if match.group(1) in GROUP_WORDS else SOFTWARE
        where = match.start()
        for m in chain(reversed(own), reversed(recent)):
            if m.end <= where and kinds[m.actor] in wanted:
                found.append(_new(Mention, (where, match.end(), m.actor)))
                break
    if not found:
        return own
    items = own + found
    items.sort(key=START)  # (stable: own mentions first where they start together, as before)
    return items


_new = tuple.__new__  # a Mention without the Python-level ``__new__`` of a named tuple
