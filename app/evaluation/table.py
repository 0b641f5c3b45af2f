"""Render an evaluation report as a plain-text table for the terminal."""

from __future__ import annotations

from app.evaluation.metrics import FIELDS, LINK_FIELDS, Counts, DocScore, EvalReport, Ratio

WORST_DOCS = 5
_MAX_LISTED = 4
_MAX_LINKS_LISTED = 12
_HEADER = f"{'field':<22}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}"


def format_table(report: EvalReport, *, worst: int = WORST_DOCS) -> str:
    """Per-field precision / recall / F1, actors by type, accuracies and the worst documents."""
    lines = [f"Precis eval: {len(report.docs)} documents, extractor {report.extractor}", ""]
    lines += [_HEADER, "-" * len(_HEADER)]
    lines += [_row(name, report.total(name)) for name in FIELDS]
    if report.link_docs:
        lines += [_row(name.replace("_", " "), report.total(name)) for name in LINK_FIELDS]
        lines.append(f"(links: {report.link_docs} of {len(report.docs)} documents labelled)")
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
    lines += _worst_on_links(report.docs, worst)
    return "\n".join(lines)


def _worst_on_links(docs: list[DocScore], worst: int) -> list[str]:
    """The documents with the lowest link F1, with the links they missed and added."""
    scored = [d for d in docs if d.links is not None and (d.links.fp or d.links.fn)]
    ranked = sorted(scored, key=lambda d: (d.counts("links").f1, d.doc_id))[:worst]
    if not ranked:
        return []
    lines = ["", f"worst {len(ranked)} documents on links"]
    for doc in ranked:
        c = doc.counts("links")
        missed, extra = doc.missed.get("links", []), doc.extra.get("links", [])
        lines.append(f"  {doc.doc_id:<28}{c.f1:.2f}  tp={c.tp} fp={c.fp} fn={c.fn}")
        lines.append(f"      {_detail('links', missed, extra, _MAX_LINKS_LISTED)}")
    return lines


def _row(name: str, c: Counts) -> str:
    return f"{name:<22}{c.tp:>5}{c.fp:>5}{c.fn:>5}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}"


def _ratio(label: str, r: Ratio) -> str:
    return f"{label:<34}{r.value:>7.3f}  ({r.correct}/{r.total})"


def _doc_line(doc: DocScore) -> str:
    scores = " ".join(f"{name}={doc.counts(name).f1:.2f}" for name in FIELDS)
    kind = "" if doc.kind_correct else " kind=WRONG"
    detail = "; ".join(
        part
        for name in (*FIELDS, "links")
        if (part := _detail(name, doc.missed.get(name, []), doc.extra.get(name, [])))
    )
    return f"  {doc.doc_id:<28}{doc.mean_f1:.2f}  {scores}{kind}" + (
        f"\n      {detail}" if detail else ""
    )


def _detail(name: str, missed: list[str], extra: list[str], limit: int = _MAX_LISTED) -> str:
    parts = []
    if missed:
        parts.append(f"{name} missed: {_short(missed, limit)}")
    if extra:
        parts.append(f"{name} extra: {_short(extra, limit)}")
    return "; ".join(parts)


def _short(items: list[str], limit: int) -> str:
    shown = [item if len(item) <= 48 else item[:45] + "..." for item in items[:limit]]
    more = len(items) - limit
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")
