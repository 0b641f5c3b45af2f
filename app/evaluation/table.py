"""Render an evaluation report as a plain-text table for the terminal."""

from __future__ import annotations

from app.evaluation.metrics import FIELDS, Counts, DocScore, EvalReport, Ratio

WORST_DOCS = 5
_MAX_LISTED = 4
_HEADER = f"{'field':<22}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}"


def format_table(report: EvalReport, *, worst: int = WORST_DOCS) -> str:
    """Per-field precision / recall / F1, actors by type, accuracies and the worst documents."""
    lines = [f"Precis eval: {len(report.docs)} documents, extractor {report.extractor}", ""]
    lines += [_HEADER, "-" * len(_HEADER)]
    lines += [_row(name, report.total(name)) for name in FIELDS]
    lines += ["", "actors by type (a hit needs name and type)", _HEADER, "-" * len(_HEADER)]
    lines += [_row(f"  {name}", counts) for name, counts in report.actor_types().items()]
    lines += [
        "",
        _ratio("kind accuracy", report.kind_accuracy),
        _ratio("actor type accuracy (matched)", report.actor_type_accuracy),
        _ratio("action owner accuracy (matched)", report.owner_accuracy),
        _ratio("action due accuracy (matched)", report.due_accuracy),
    ]
    ranked = sorted(report.docs, key=lambda d: (d.mean_f1, d.doc_id))[:worst]
    if ranked:
        lines += ["", f"worst {len(ranked)} documents (mean F1 of the three fields)"]
        lines += [_doc_line(doc) for doc in ranked]
    return "\n".join(lines)


def _row(name: str, c: Counts) -> str:
    return f"{name:<22}{c.tp:>5}{c.fp:>5}{c.fn:>5}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}"


def _ratio(label: str, r: Ratio) -> str:
    return f"{label:<34}{r.value:>7.3f}  ({r.correct}/{r.total})"


def _doc_line(doc: DocScore) -> str:
    scores = " ".join(f"{name}={doc.counts(name).f1:.2f}" for name in FIELDS)
    kind = "" if doc.kind_correct else " kind=WRONG"
    detail = "; ".join(
        part
        for name in FIELDS
        if (part := _detail(name, doc.missed.get(name, []), doc.extra.get(name, [])))
    )
    return f"  {doc.doc_id:<28}{doc.mean_f1:.2f}  {scores}{kind}" + (
        f"\n      {detail}" if detail else ""
    )


def _detail(name: str, missed: list[str], extra: list[str]) -> str:
    parts = []
    if missed:
        parts.append(f"{name} missed: {_short(missed)}")
    if extra:
        parts.append(f"{name} extra: {_short(extra)}")
    return "; ".join(parts)


def _short(items: list[str]) -> str:
    shown = [item if len(item) <= 48 else item[:45] + "..." for item in items[:_MAX_LISTED]]
    more = len(items) - _MAX_LISTED
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")
