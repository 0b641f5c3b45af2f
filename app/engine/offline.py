"""The offline extractor: deterministic, no network; the embedded default."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from functools import cache
from typing import TypeVar

from app.engine import action_dates
from app.engine.actions import find_action_items
from app.engine.actors import find_actors
from app.engine.brief import Brief
from app.engine.document import Document
from app.engine.gazetteer import load_gazetteer
from app.engine.indicators import scan_indicators
from app.engine.kind import detect_kind, guess_title
from app.engine.links import find_links
from app.engine.summary import summarise

OFFLINE_VERSION = "offline-1"
T = TypeVar("T")


class OfflineExtractor:
    """Gazetteers, rules and an extractive summary; the same text always gives the same brief."""

    name = "offline"

    async def extract(self, doc: Document) -> Brief:
        """Build a brief from the document alone, off the event loop (it is CPU-bound)."""
        return await asyncio.to_thread(extract_offline, doc)

    def warm(self) -> None:
        """Load the gazetteer, the IOC parser and the date parser now, so no document waits."""
        load_gazetteer()
        scan_indicators("warm-up: 192.0.2.1 example[.]com")
        action_dates.warm()
        _tune_gc()


# A document's pipeline keeps a few thousand containers alive at once (spans, hits, evidence),
# all freed by reference counting when the brief is built; at the default 700 the youngest
# generation filled several times per document and every pass traversed live objects only.
_YOUNG_GC_THRESHOLD = 10_000


@cache  # once a process: see below
def _tune_gc() -> None:
    """Spare the garbage collector passes that could find no garbage, once a process.

    The gazetteer, the IOC parser's grammar and the imported modules are a large graph of
    containers that lives as long as the process, yet every full collection walked all of it.
    gc.freeze() moves every object alive now into a generation no collection looks at
    (collecting first keeps garbage out of it); a higher young-generation threshold lets a
    document's short-lived objects die by reference count before any pass looks at them.
    Together they cut the collector's ~1.2 CPU s per 5 MB of documents to almost nothing.
    Only the first warm-up does this, so objects made later (an app built per test, say) are
    never frozen and stay collectable.
    """
    gc.collect()
    gc.freeze()
    young, *older = gc.get_threshold()
    gc.set_threshold(max(young, _YOUNG_GC_THRESHOLD), *older)


def extract_offline(doc: Document) -> Brief:
    """Run every offline stage over ``doc`` and assemble the brief (synchronous core)."""
    durations: dict[str, float] = {}
    kind = doc.kind or _timed(durations, "kind", lambda: detect_kind(doc))
    scan = _timed(durations, "indicators", lambda: scan_indicators(doc.text))
    actor_scan = _timed(durations, "actors", lambda: find_actors(doc))
    links = _timed(durations, "links", lambda: find_links(doc, actor_scan.actors))
    items = _timed(durations, "action_items", lambda: find_action_items(doc, kind))
    summary = _timed(durations, "summary", lambda: summarise(doc))
    return _validate_brief(
        {
            "kind": kind,
            "title": doc.title or guess_title(doc),
            "summary": summary.summary,
            "key_points": summary.key_points,
            "actors": actor_scan.actors,
            "links": links,
            "action_items": items,
            "indicators": scan.indicators,
            "techniques": scan.techniques,
            "targets": actor_scan.targets,
            "references": scan.references,
            "provenance": {  # (validated with the brief: one call into pydantic-core)
                "extractor": "offline",
                "prompt_version": OFFLINE_VERSION,
                "durations_ms": durations,
            },
        }
    )


# The brief from its fields, without ``Brief.__init__``'s Python-level wrapper.
_validate_brief: Callable[[object], Brief] = Brief.__pydantic_validator__.validate_python


def _timed(durations: dict[str, float], stage: str, step: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = step()
    durations[stage] = round((time.perf_counter() - started) * 1000, 3)
    return result
