"""Where the LLM extractor keeps finished work: per-chunk results and whole-brief responses.

Both are plain key/value stores of JSON-able dicts; the app provides database-backed ones,
these in-memory ones serve the tests and the CLI.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any, Protocol


class ChunkStore(Protocol):
    """Validated wire results of single chunks, so a re-run sends only what failed."""

    async def load(self, key: str) -> dict[str, Any] | None: ...

    async def save(self, key: str, value: dict[str, Any]) -> None: ...


class ResponseCache(Protocol):
    """Finished briefs by document and prompt/model/mode, so a resubmission costs no call."""

    async def load(self, key: str) -> dict[str, Any] | None: ...

    async def save(self, key: str, value: dict[str, Any]) -> None: ...


class MemoryStore:
    """A dict-backed ``ChunkStore`` and ``ResponseCache`` (copies in and out)."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, Any]] = {}

    async def load(self, key: str) -> dict[str, Any] | None:
        """The value saved under ``key``, or None."""
        value = self.data.get(key)
        return copy.deepcopy(value) if value is not None else None

    async def save(self, key: str, value: dict[str, Any]) -> None:
        """Save ``value`` under ``key``, replacing any earlier one."""
        self.data[key] = copy.deepcopy(value)


def store_key(*parts: object) -> str:
    """A compact key from its parts (document hash, prompt version, model, mode, chunk)."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
