"""The extraction pipeline: one extractor pass, then grounding checks and provenance."""

from __future__ import annotations

import time
from typing import Protocol

from app.engine.brief import Brief
from app.engine.document import Document


class Extractor(Protocol):
    """Anything that turns a document into a brief."""

    name: str

    async def extract(self, doc: Document) -> Brief: ...


async def run_pipeline(doc: Document, extractor: Extractor) -> Brief:
    """Extract a brief and record how long it took."""
    started = time.perf_counter()
    brief = await extractor.extract(doc)
    brief.provenance.durations_ms["total"] = round((time.perf_counter() - started) * 1000, 3)
    return brief
