"""How predicted links are paired with gold links: same relation, both ends alias-aware."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.engine.brief import Actor, Link, Relation
from app.evaluation.gold import GoldActor, GoldLink
from app.evaluation.matching import greedy_pairs, name_key, names_match
from app.evaluation.metrics import Counts

# Relations whose two ends may be written either way round.
SYMMETRIC = frozenset({Relation.linked_to, Relation.overlaps_with, Relation.related_to})


@dataclass(frozen=True, slots=True)
class LinkEnds:
    """One link with each end widened to every name of the actor it names."""

    source: tuple[str, ...]
    relation: Relation
    target: tuple[str, ...]
    label: str  # the link as written, for the report


@dataclass(frozen=True, slots=True)
class LinkScore:
    """Links matched on relation and ends, link pairs on the two ends alone."""

    links: Counts
    pairs: Counts
    missed: list[str]
    extra: list[str]


def score_links(
    gold_links: Sequence[GoldLink],
    gold_actors: Sequence[GoldActor],
    pred_links: Sequence[Link],
    pred_actors: Sequence[Actor],
) -> LinkScore:
    """Pair predicted links with gold links one-to-one and count hits, misses and extras."""
    gold_names = [(a.name, *a.aliases) for a in gold_actors]
    pred_names = [(a.name, *a.aliases) for a in pred_actors]
    gold = _dedupe([_ends(g.source, g.relation, g.target, gold_names, []) for g in gold_links])
    pred = _dedupe(
        [_ends(p.source, p.relation, p.target, pred_names, gold_names) for p in pred_links]
    )
    pairs = greedy_pairs(gold, pred, _link_score, 1.0)
    gold_pairs = _dedupe_pairs(gold)
    pred_pairs = _dedupe_pairs(pred)
    pair_hits = greedy_pairs(gold_pairs, pred_pairs, _pair_score, 1.0)
    hit_gold = {p.gold for p in pairs}
    hit_pred = {p.pred for p in pairs}
    return LinkScore(
        links=Counts(len(pairs), len(pred) - len(pairs), len(gold) - len(pairs)),
        pairs=Counts(
            len(pair_hits), len(pred_pairs) - len(pair_hits), len(gold_pairs) - len(pair_hits)
        ),
        missed=[g.label for i, g in enumerate(gold) if i not in hit_gold],
        extra=[p.label for i, p in enumerate(pred) if i not in hit_pred],
    )


def names_of(
    name: str, actors: Sequence[tuple[str, ...]], gold: Sequence[tuple[str, ...]] = ()
) -> tuple[str, ...]:
    """Every name of the actor ``name`` refers to, widened by the gold actor sharing one.

    The main name comes first: the gold actor's when one matches, else the actor's, else
    ``name`` itself.
    """
    key = name_key(name)
    names = next((n for n in actors if any(name_key(x) == key for x in n)), (name,))
    for gold_names in gold:
        if names_match(gold_names, names):
            return (*gold_names, *names)
    return names


def _ends(
    source: str,
    relation: Relation,
    target: str,
    actors: Sequence[tuple[str, ...]],
    gold: Sequence[tuple[str, ...]],
) -> LinkEnds:
    label = f"{source} -{relation.value}-> {target}"
    return LinkEnds(names_of(source, actors, gold), relation, names_of(target, actors, gold), label)


def _link_score(gold: LinkEnds, pred: LinkEnds) -> float:
    if gold.relation != pred.relation:
        return 0.0
    return 1.0 if _ends_match(gold, pred, either_way=gold.relation in SYMMETRIC) else 0.0


def _pair_score(gold: LinkEnds, pred: LinkEnds) -> float:
    return 1.0 if _ends_match(gold, pred, either_way=True) else 0.0


def _ends_match(gold: LinkEnds, pred: LinkEnds, *, either_way: bool) -> bool:
    if names_match(gold.source, pred.source) and names_match(gold.target, pred.target):
        return True
    swapped = names_match(gold.source, pred.target) and names_match(gold.target, pred.source)
    return either_way and swapped


def _dedupe(links: list[LinkEnds]) -> list[LinkEnds]:
    """One link per (source, relation, target), symmetric relations either way round."""
    return _unique(links, _link_key)


def _dedupe_pairs(links: list[LinkEnds]) -> list[LinkEnds]:
    """The two ends of each link, unordered, once per pair whatever the relations."""
    return _unique(links, lambda link: tuple(sorted((_key(link.source), _key(link.target)))))


def _link_key(link: LinkEnds) -> tuple[str, ...]:
    src, tgt = _key(link.source), _key(link.target)
    if link.relation in SYMMETRIC:
        src, tgt = sorted((src, tgt))
    return (src, link.relation.value, tgt)


def _unique(links: list[LinkEnds], key: Callable[[LinkEnds], tuple[str, ...]]) -> list[LinkEnds]:
    first: dict[tuple[str, ...], LinkEnds] = {}
    for link in links:
        first.setdefault(key(link), link)
    return list(first.values())


def _key(names: tuple[str, ...]) -> str:
    return name_key(names[0])  # an actor's main name identifies it
