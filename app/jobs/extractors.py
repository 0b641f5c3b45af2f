"""Which extractor runs a job: the app's default, or the one a re-extraction asked for."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from app.core.errors import ServiceUnavailableError
from app.core.extractors import get_extractor
from app.engine.brief import Brief
from app.engine.document import Document
from app.engine.errors import PrecisError
from app.engine.pipeline import Extractor
from app.settings import Settings

Wrap = Callable[[Extractor], Extractor]


class ExtractorUnavailableError(PrecisError):
    """The extractor a job needs cannot be built here; retrying will not help."""


class DelayedExtractor:
    """An extractor that sleeps first: for tests and benchmarks of the queue (`--extract-delay`)."""

    def __init__(self, inner: Extractor, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds
        self.name = inner.name

    def warm(self) -> None:
        """Warm the wrapped extractor, if it can be."""
        warm = getattr(self.inner, "warm", None)
        if callable(warm):
            warm()

    async def extract(self, doc: Document) -> Brief:
        """Sleep, then extract."""
        await asyncio.sleep(self.seconds)
        return await self.inner.extract(doc)


def delayed(seconds: float) -> Wrap | None:
    """A wrapper adding a delay to every extraction (None when there is no delay)."""
    if seconds <= 0:
        return None
    return lambda extractor: DelayedExtractor(extractor, seconds)


def supports_prompt_version() -> bool:
    """Whether this build's extractors can be asked for a prompt version."""
    return "prompt_version" in inspect.signature(get_extractor).parameters


class ExtractorChooser:
    """Builds (once) and hands out the extractor for a job's params."""

    def __init__(
        self,
        settings: Settings,
        default: Extractor | None = None,
        *,
        engine: Engine | None = None,
        wrap: Wrap | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine  # where the LLM path keeps its chunk and response cache
        self.wrap = wrap
        self._built: dict[tuple[str | None, ...], Extractor] = {}
        if default is not None:
            self._built[(None, None, None)] = wrap(default) if wrap else default

    def choose(self, params: dict[str, Any]) -> Extractor:
        """The extractor for params {extractor?, model?, prompt_version?}."""
        key = (params.get("extractor"), params.get("model"), params.get("prompt_version"))
        if key not in self._built:
            built = self._build(*key)
            self._built[key] = self.wrap(built) if self.wrap else built
        return self._built[key]

    def _build(
        self, choice: str | None, model: str | None, prompt_version: str | None
    ) -> Extractor:
        settings = self.settings.model_copy(update={"llm_model": model}) if model else self.settings
        kwargs: dict[str, Any] = {"prompt_version": prompt_version} if prompt_version else {}
        if self.engine is not None and "engine" in inspect.signature(get_extractor).parameters:
            kwargs["engine"] = self.engine
        try:
            return get_extractor(settings, choice=choice, **kwargs)
        except (ImportError, ServiceUnavailableError, TypeError) as exc:
            detail = getattr(exc, "detail", None) or "This build cannot run that extractor."
            raise ExtractorUnavailableError(detail, original=exc) from exc
