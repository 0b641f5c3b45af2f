"""Counts and scores: precision, recall and F1 per field, per document and micro-averaged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

FIELDS = ("actors", "indicators", "action_items")
# Scored only on documents whose gold line labels links.
LINK_FIELDS = ("links", "link_pairs")


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives of one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        # Nothing predicted makes no false claim: vacuously precise.
        predicted = self.tp + self.fp
        return 1.0 if predicted == 0 else self.tp / predicted

    @property
    def recall(self) -> float:
        # Nothing to find is vacuously all found.
        expected = self.tp + self.fn
        return 1.0 if expected == 0 else self.tp / expected

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass(frozen=True, slots=True)
class Ratio:
    """How many of ``total`` were right; 0/0 reads as 1.0 (nothing to get wrong)."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.correct + other.correct, self.total + other.total)

    @property
    def value(self) -> float:
        return 1.0 if self.total == 0 else self.correct / self.total


@dataclass(frozen=True, slots=True)
class DocScore:
    """How one brief compares with its gold document."""

    doc_id: str
    kind_correct: bool
    actors: Counts
    indicators: Counts
    action_items: Counts
    actor_types: dict[str, Counts] = field(default_factory=dict)
    actor_type_accuracy: Ratio = Ratio()
    owner_accuracy: Ratio = Ratio()
    due_accuracy: Ratio = Ratio()
    missed: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, list[str]] = field(default_factory=dict)
    links: Counts | None = None  # None: the gold line does not label links
    link_pairs: Counts | None = None

    def counts(self, name: str) -> Counts:
        """The counts of one field by name (actors, indicators, action_items, links, ...)."""
        value: Counts | None = getattr(self, name)
        return Counts() if value is None else value

    @property
    def mean_f1(self) -> float:
        return sum(self.counts(f).f1 for f in FIELDS) / len(FIELDS)


@dataclass(frozen=True, slots=True)
class EvalReport:
    """The scores of every document of a gold set, with micro-averaged totals."""

    docs: list[DocScore]
    extractor: str = "unknown"

    def total(self, name: str) -> Counts:
        """Micro-averaged counts of one field over all documents."""
        return sum((d.counts(name) for d in self.docs), Counts())

    @property
    def link_docs(self) -> int:
        """How many documents were scored on links."""
        return sum(d.links is not None for d in self.docs)

    def actor_types(self) -> dict[str, Counts]:
        """Micro-averaged actor counts per actor type."""
        merged: dict[str, Counts] = {}
        for doc in self.docs:
            for name, counts in doc.actor_types.items():
                merged[name] = merged.get(name, Counts()) + counts
        return dict(sorted(merged.items()))

    @property
    def kind_accuracy(self) -> Ratio:
        return Ratio(sum(d.kind_correct for d in self.docs), len(self.docs))

    @property
    def actor_type_accuracy(self) -> Ratio:
        return _sum_ratios(d.actor_type_accuracy for d in self.docs)

    @property
    def owner_accuracy(self) -> Ratio:
        return _sum_ratios(d.owner_accuracy for d in self.docs)

    @property
    def due_accuracy(self) -> Ratio:
        return _sum_ratios(d.due_accuracy for d in self.docs)


def _sum_ratios(ratios: Iterable[Ratio]) -> Ratio:
    return sum(ratios, Ratio())
