"""Score briefs against the gold set: the quality measure behind ``precis eval``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from app.engine.brief import ActionItem, Actor, Brief, ItemStatus
from app.engine.document import Document
from app.engine.pipeline import Extractor
from app.evaluation.gold import GoldAction, GoldActor, GoldDoc, load_gold
from app.evaluation.link_matching import score_links
from app.evaluation.matching import (
    ACTION_MIN_SCORE,
    Pair,
    action_score,
    greedy_pairs,
    indicator_key,
    names_match,
    owners_match,
)
from app.evaluation.metrics import Counts, DocScore, EvalReport, Ratio
from app.evaluation.table import format_table

__all__ = ["evaluate", "format_table", "load_gold", "score_brief"]


def score_brief(gold: GoldDoc, brief: Brief) -> DocScore:
    """Compare one brief with its gold document, field by field.

    The gold set labels open action items only, so items the brief reports as done (checked
    boxes, finished tickets) are left out of the comparison.
    """
    open_items = [item for item in brief.action_items if item.status is not ItemStatus.done]
    brief = brief.model_copy(update={"action_items": open_items})
    actor_pairs = greedy_pairs(gold.actors, brief.actors, _actor_score, 1.0)
    action_pairs = greedy_pairs(
        gold.action_items, brief.action_items, _action_score, ACTION_MIN_SCORE
    )
    gold_iocs = {indicator_key(i.value) for i in gold.indicators}
    pred_iocs = {indicator_key(i.value) for i in brief.indicators}
    score = _score_fields(gold, brief, actor_pairs, action_pairs, gold_iocs, pred_iocs)
    if gold.links is None:
        return score
    links = score_links(gold.links, gold.actors, brief.links, brief.actors)
    score.missed["links"] = links.missed
    score.extra["links"] = links.extra
    return replace(score, links=links.links, link_pairs=links.pairs)


def _score_fields(
    gold: GoldDoc,
    brief: Brief,
    actor_pairs: Sequence[Pair],
    action_pairs: Sequence[Pair],
    gold_iocs: set[str],
    pred_iocs: set[str],
) -> DocScore:
    return DocScore(
        doc_id=gold.id,
        kind_correct=brief.kind == gold.kind,
        actors=_counts(actor_pairs, len(gold.actors), len(brief.actors)),
        indicators=Counts(
            len(gold_iocs & pred_iocs), len(pred_iocs - gold_iocs), len(gold_iocs - pred_iocs)
        ),
        action_items=_counts(action_pairs, len(gold.action_items), len(brief.action_items)),
        actor_types=_actor_type_counts(gold.actors, brief.actors, actor_pairs),
        actor_type_accuracy=Ratio(
            sum(gold.actors[p.gold].type == brief.actors[p.pred].type for p in actor_pairs),
            len(actor_pairs),
        ),
        owner_accuracy=_owner_accuracy(gold.action_items, brief.action_items, action_pairs),
        due_accuracy=_due_accuracy(gold.action_items, brief.action_items, action_pairs),
        missed=_unmatched(
            [a.name for a in gold.actors],
            [a.text for a in gold.action_items],
            {p.gold for p in actor_pairs},
            {p.gold for p in action_pairs},
            gold_iocs - pred_iocs,
        ),
        extra=_unmatched(
            [a.name for a in brief.actors],
            [a.text for a in brief.action_items],
            {p.pred for p in actor_pairs},
            {p.pred for p in action_pairs},
            pred_iocs - gold_iocs,
        ),
    )


async def evaluate(path: Path, extractor: Extractor) -> EvalReport:
    """Run ``extractor`` on every gold document of ``path`` and score what it returns."""
    scores: list[DocScore] = []
    for gold in load_gold(path):
        brief = await extractor.extract(Document.from_raw(gold.text, kind=None))
        scores.append(score_brief(gold, brief))
    return EvalReport(docs=scores, extractor=getattr(extractor, "name", "unknown"))


def _actor_score(gold: GoldActor, pred: Actor) -> float:
    if not names_match((gold.name, *gold.aliases), (pred.name, *pred.aliases)):
        return 0.0
    return 2.0 if gold.type == pred.type else 1.0  # prefer the pairing that agrees on type


def _action_score(gold: GoldAction, pred: ActionItem) -> float:
    return action_score(gold.text, pred.text)


def _counts(pairs: Sequence[Pair], n_gold: int, n_pred: int) -> Counts:
    return Counts(len(pairs), n_pred - len(pairs), n_gold - len(pairs))


def _actor_type_counts(
    gold: Sequence[GoldActor], pred: Sequence[Actor], pairs: Sequence[Pair]
) -> dict[str, Counts]:
    """Per type: a hit needs the name and the type; a wrong type is a miss and an extra."""
    right = {(p.gold, p.pred) for p in pairs if gold[p.gold].type == pred[p.pred].type}
    hit_gold = {g for g, _ in right}
    hit_pred = {p for _, p in right}
    table: dict[str, Counts] = {}
    for gi, actor in enumerate(gold):
        delta = Counts(tp=1) if gi in hit_gold else Counts(fn=1)
        table[actor.type.value] = table.get(actor.type.value, Counts()) + delta
    for pi, guess in enumerate(pred):
        if pi not in hit_pred:
            table[guess.type.value] = table.get(guess.type.value, Counts()) + Counts(fp=1)
    return table


def _owner_accuracy(
    gold: Sequence[GoldAction], pred: Sequence[ActionItem], pairs: Sequence[Pair]
) -> Ratio:
    """Among matched items where either side names an owner, how many agree."""
    judged = [p for p in pairs if gold[p.gold].owner or pred[p.pred].owner]
    right = sum(owners_match(gold[p.gold].owner, pred[p.pred].owner) for p in judged)
    return Ratio(right, len(judged))


def _due_accuracy(
    gold: Sequence[GoldAction], pred: Sequence[ActionItem], pairs: Sequence[Pair]
) -> Ratio:
    """Among matched items where either side gives a due date, how many agree."""
    judged = [p for p in pairs if gold[p.gold].due or pred[p.pred].due]
    right = sum(gold[p.gold].due == pred[p.pred].due for p in judged)
    return Ratio(right, len(judged))


def _unmatched(
    actor_names: Sequence[str],
    action_texts: Sequence[str],
    hit_actors: set[int],
    hit_actions: set[int],
    iocs: set[str],
) -> dict[str, list[str]]:
    """The actors and action items whose index is not among the hits, and the given IOCs."""
    return {
        "actors": [name for i, name in enumerate(actor_names) if i not in hit_actors],
        "indicators": sorted(iocs),
        "action_items": [text for i, text in enumerate(action_texts) if i not in hit_actions],
    }
