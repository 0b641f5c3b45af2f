"""Choose the extractor a report runs through, from the settings (and a job's wishes)."""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.cache import get_cache_entry, put_cache_entry
from app.core.errors import ServiceUnavailableError
from app.engine.brief import Brief
from app.engine.document import Document
from app.engine.fallback import AutoExtractor
from app.engine.llm import LLMExtractor
from app.engine.llm_config import LLMConfig
from app.engine.llm_errors import TokenBudgetExceededError
from app.engine.llm_store import MemoryStore
from app.engine.offline import OfflineExtractor
from app.engine.pipeline import Extractor
from app.settings import Settings

CHUNK_NAMESPACE = "llm_chunk"
RESPONSE_NAMESPACE = "llm_response"
_LOCAL_HOSTS = {"localhost", "localhost.localdomain"}


def get_extractor(
    settings: Settings,
    *,
    choice: str | None = None,
    prompt_version: str | None = None,
    engine: Engine | None = None,
) -> Extractor:
    """Build the extractor ``choice`` names, else PRECIS_EXTRACTOR (auto: LLM if configured)."""
    choice = choice or settings.extractor
    if choice == "offline" or (choice == "auto" and not settings.llm_configured):
        return OfflineExtractor()
    if choice not in ("auto", "llm"):
        raise ServiceUnavailableError(f"Unknown extractor {choice!r}: use offline, llm or auto.")
    if not settings.llm_configured:
        raise ServiceUnavailableError(
            "The llm extractor needs PRECIS_LLM_MODEL and OPENAI_BASE_URL or OPENAI_API_KEY "
            "(or AZURE_OPENAI_ENDPOINT)."
        )
    llm = LLMExtractor(llm_config(settings, prompt_version=prompt_version), **_stores(engine))
    inner: Extractor = AutoExtractor(llm) if choice == "auto" else llm
    return TlpRedGuard(inner, local=is_local_endpoint(llm.config.endpoint))


def model_tokens_needed(extractor: Extractor, doc: Document) -> int:
    """Model tokens ``extractor`` would spend on ``doc`` (0 when no model would be called)."""
    seen: Extractor | None = extractor
    while seen is not None:
        if isinstance(seen, LLMExtractor):
            return seen.estimate_tokens(doc)
        if isinstance(seen, TlpRedGuard) and not seen.sends(doc):
            return 0
        seen = getattr(seen, "inner", None) or getattr(seen, "llm", None)
    return 0


def check_token_budget(extractor: Extractor, doc: Document, budget: int | None) -> None:
    """Refuse a document whose extraction would exceed the caller's token budget."""
    if budget is None:
        return
    needed = model_tokens_needed(extractor, doc)
    if needed > budget:
        raise TokenBudgetExceededError(
            f"This document needs about {needed} model tokens; the budget is {budget}.",
            estimated=needed,
            budget=budget,
        )


def llm_config(settings: Settings, *, prompt_version: str | None = None) -> LLMConfig:
    """Map the settings onto the engine's LLM configuration."""
    cache_dir = settings.tiktoken_cache_dir or (
        settings.cache_dir / "tiktoken" if settings.cache_dir else None
    )
    return LLMConfig(
        model=settings.llm_model or "",
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key,
        azure_endpoint=settings.azure_openai_endpoint,
        azure_api_key=settings.azure_openai_api_key,
        azure_api_version=settings.openai_api_version,
        mode=settings.llm_mode,
        max_concurrency=settings.llm_max_concurrency,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        chunk_tokens=settings.llm_chunk_tokens,
        chunk_overlap_tokens=settings.llm_chunk_overlap_tokens,
        max_output_tokens=settings.llm_max_output_tokens,
        prices=settings.llm_prices,
        prompt_version=prompt_version or "extract.v1",
        tiktoken_cache_dir=cache_dir,
    )


def is_local_endpoint(url: str) -> bool:
    """True when the model server is on this machine (loopback), so any text may go there."""
    host = (urlsplit(url).hostname or "").lower()
    if host in _LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class TlpRedGuard:
    """TLP:RED text never leaves the machine: it goes to a local model or the offline extractor."""

    def __init__(self, inner: Extractor, *, local: bool) -> None:
        self.inner = inner
        self.local = local
        self.name = inner.name
        self.offline = OfflineExtractor()

    def warm(self) -> None:
        """Warm the offline extractor, which every TLP:RED document and every fallback uses."""
        self.offline.warm()

    def sends(self, doc: Document) -> bool:
        """Whether ``doc`` may go to the model (not TLP:RED, or the model is local)."""
        return self.local or doc.meta.get("tlp", "").lower() != "red"

    async def extract(self, doc: Document) -> Brief:
        """Extract with the configured extractor, unless the text is TLP:RED and it is remote."""
        if self.sends(doc):
            return await self.inner.extract(doc)
        brief = await self.offline.extract(doc)
        brief.provenance.fallback = "TLP:RED text stays on this machine; the model is remote"
        return brief

    async def aclose(self) -> None:
        """Close the model client's connections."""
        close = getattr(self.inner, "aclose", None)
        if close is not None:
            await close()


class DbStore:
    """The engine's chunk store / response cache, kept in the cache_entry table."""

    def __init__(self, engine: Engine, namespace: str) -> None:
        self.engine = engine
        self.namespace = namespace

    async def load(self, key: str) -> dict[str, Any] | None:
        """The stored value under ``key``, or None."""
        return await asyncio.to_thread(self._load, key)

    async def save(self, key: str, value: dict[str, Any]) -> None:
        """Store ``value`` under ``key`` (committed at once: it must survive a crash)."""
        await asyncio.to_thread(self._save, key, value)

    def _load(self, key: str) -> dict[str, Any] | None:
        with Session(self.engine) as session:
            entry = get_cache_entry(session, namespace=self.namespace, key=key)
            return entry.value if entry is not None and isinstance(entry.value, dict) else None

    def _save(self, key: str, value: dict[str, Any]) -> None:
        with Session(self.engine) as session:
            put_cache_entry(session, namespace=self.namespace, key=key, value=value)
            session.commit()


def _stores(engine: Engine | None) -> dict[str, Any]:
    if engine is None:
        return {"store": MemoryStore(), "cache": MemoryStore()}
    return {"store": DbStore(engine, CHUNK_NAMESPACE), "cache": DbStore(engine, RESPONSE_NAMESPACE)}
