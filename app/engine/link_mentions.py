"""Where each actor is mentioned, for the link reader: spans grouped by sentence.

When the actors come straight from ``find_actors`` on the same text, its mention spans are
reused; otherwise every name and alias is searched for again.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from itertools import repeat
from operator import add, itemgetter, le, lt, sub
from typing import NamedTuple

from app.engine.actors import mention_spans
from app.engine.brief import Actor, ActorType
from app.engine.gazetteer import name_occurrences
from app.engine.lexicon import COUNTRIES


class Mention(NamedTuple):
    """One span of text naming ``actors[actor]``."""

    start: int
    end: int
    actor: int


def find_mentions(text: str, actors: list[Actor]) -> list[Mention]:
    """Every mention of every actor, in text order, the longest winning where names overlap."""
    known = mention_spans(text, actors)
    if known is not None:
        mentions: list[Mention] = []
        for i, found in enumerate(known):  # (each (start, end) + (i,) made a Mention in C)
            mentions += map(_new, _MENTION, map(add, found, [(i,)] * len(found)))
        mentions.sort(key=START)
        if _apart(mentions):  # (as they mostly are: then sorting by start was enough)
            return mentions
        spans = [(s, -e, i) for s, e, i in mentions]
        spans.sort()  # by start, the longest first, then as listed
        return _without_overlaps(spans)
    names: dict[str, str] = {}
    for index, actor in enumerate(actors):
        forms = [actor.name, *actor.aliases]
        if actor.type == ActorType.country and actor.name in COUNTRIES:
            forms.extend(form for group in COUNTRIES[actor.name] for form in group)
        for form in forms:
            names.setdefault(form, str(index))
    hits = [(start, -end, int(label)) for start, end, label in name_occurrences(text, names)]
    hits.sort(key=_order)
    return _without_overlaps(hits)


def _apart(mentions: list[Mention]) -> bool:
    """Whether each mention (sorted by start) starts after the one before it ends, and
    after it starts (a test run in C, without a Python loop over the mentions)."""
    starts = list(map(START, mentions))
    ends = list(map(END, mentions))
    return all(map(le, ends[:-1], starts[1:])) and all(map(lt, starts[:-1], starts[1:]))


def _order(hit: tuple[int, int, int]) -> tuple[int, int]:
    return hit[0], hit[1]


def _without_overlaps(hits: list[tuple[int, int, int]]) -> list[Mention]:
    """Mentions from (start, -end, actor) spans sorted by start, the longest first."""
    mentions: list[Mention] = []
    last_end = -1
    for start, neg_end, actor in hits:
        if start >= last_end:
            last_end = -neg_end
            mentions.append(_new(Mention, (start, last_end, actor)))
    return mentions


_new = tuple.__new__  # a Mention without the Python-level ``__new__`` of a named tuple
# Endless, unchanging iterators for ``map`` (making a ``repeat`` parses keyword arguments)
_MENTION = repeat(Mention)
_ONES = repeat(1)
START = itemgetter(0)  # a mention's ``start``, read in C
END = itemgetter(1)


def count_by_sentence(sentence_starts: list[int], starts: list[int]) -> Counter[int]:
    """How many mentions each sentence holds, by the sentence's index (-1 before the first),
    in text order, given the sentences' start offsets and the mentions' (both sorted)."""
    after = map(bisect_right, [sentence_starts] * len(starts), starts)  # (in C, no Python loop)
    return Counter(map(sub, after, _ONES))
