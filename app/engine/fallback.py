"""The ``auto`` extractor: the LLM when it answers, the offline extractor when it does not."""

from __future__ import annotations

import logging

from app.engine.brief import Brief
from app.engine.document import Document
from app.engine.llm import LLMExtractor
from app.engine.llm_errors import LLMUnavailableError
from app.engine.offline import OfflineExtractor

log = logging.getLogger(__name__)


class AutoExtractor:
    """Tries the LLM extractor; falls back to the offline one when the endpoint is unreachable."""

    name = "auto"

    def __init__(self, llm: LLMExtractor, offline: OfflineExtractor | None = None) -> None:
        self.llm = llm
        self.offline = offline or OfflineExtractor()

    async def extract(self, doc: Document) -> Brief:
        """The LLM brief, or the offline brief with ``provenance.fallback`` saying why."""
        try:
            return await self.llm.extract(doc)
        except LLMUnavailableError as exc:
            log.warning("LLM unavailable, using the offline extractor: %s", exc)
            brief = await self.offline.extract(doc)
            brief.provenance.fallback = f"llm unavailable: {exc.detail}"
            return brief

    async def aclose(self) -> None:
        """Close the LLM extractor's connections."""
        await self.llm.aclose()
