"""How predicted items are paired with gold items: by name, by canonical value, by fuzzy text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz, utils

ACTION_MIN_SCORE = 80.0
# Below this share of the longer text's tokens a subset match is too loose to trust.
_MIN_TOKEN_SHARE = 0.4
_NOT_ALNUM = re.compile(r"[\W_]+")
_HASH = re.compile(r"^[0-9a-fA-F]{32,128}$")
_CVE = re.compile(r"^cve-\d{4}-\d{4,}$", re.IGNORECASE)
_URL_HEAD = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)(.*)$")

G = TypeVar("G")
P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Pair:
    gold: int
    pred: int
    score: float


def name_key(name: str) -> str:
    """Compare names without case, punctuation or spaces ("Cozy Bear" == "cozy-bear")."""
    return _NOT_ALNUM.sub("", name.casefold())


def names_match(gold_names: Iterable[str], pred_names: Iterable[str]) -> bool:
    """True when any predicted name or alias equals any gold name or alias."""
    gold_keys = {name_key(n) for n in gold_names} - {""}
    return any(name_key(n) in gold_keys for n in pred_names)


def indicator_key(value: str) -> str:
    """Canonical comparison key of an indicator value, whatever its type."""
    value = value.strip()
    if _HASH.match(value):
        return value.lower()
    if _CVE.match(value):
        return value.upper()
    url = _URL_HEAD.match(value)
    if url:
        return url.group(1).lower() + url.group(2)
    if value[:3].lower() in {"bc1", "tb1"}:
        return value.lower()
    if value[:1] in {"1", "3"} and value.isalnum():
        return value  # base58 bitcoin addresses are case-sensitive
    return value.lower().rstrip(".")


def action_score(gold: str, pred: str) -> float:
    """Fuzzy similarity of two action-item texts, 0-100, wary of tiny fragments."""
    a, b = utils.default_process(gold), utils.default_process(pred)
    if not a or not b:
        return 0.0
    short, long_ = sorted((len(a.split()), len(b.split())))
    if short < _MIN_TOKEN_SHARE * long_:
        return float(fuzz.token_sort_ratio(a, b))
    return float(fuzz.token_set_ratio(a, b))


def owners_match(gold: str | None, pred: str | None) -> bool:
    """Owners agree when both are absent or one's name words hold the other's."""
    g, p = _owner_words(gold), _owner_words(pred)
    if not g or not p:
        return not g and not p
    return g <= p or p <= g


def _owner_words(owner: str | None) -> set[str]:
    if not owner:
        return set()
    return {w for w in _NOT_ALNUM.split(owner.casefold()) if w}


def greedy_pairs(
    gold: Sequence[G],
    pred: Sequence[P],
    score: Callable[[G, P], float],
    minimum: float,
) -> list[Pair]:
    """Pair gold and predicted items one-to-one, best score first, ignoring weak pairs."""
    candidates = [
        Pair(gi, pi, s)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(pred)
        if (s := score(g, p)) >= minimum
    ]
    candidates.sort(key=lambda c: (-c.score, c.gold, c.pred))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[Pair] = []
    for cand in candidates:
        if cand.gold in used_gold or cand.pred in used_pred:
            continue
        used_gold.add(cand.gold)
        used_pred.add(cand.pred)
        pairs.append(cand)
    return pairs
