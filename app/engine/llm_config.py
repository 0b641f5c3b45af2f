"""How the LLM extractor reaches its model: endpoint, mode, limits and prices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Mode = Literal["auto", "json_schema", "json_object", "tools"]

# USD per 1M (prompt, completion) tokens, as published by OpenAI; extend with config.prices.
BUILTIN_PRICES: Mapping[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4-turbo": (10.00, 30.00),
    "gpt-3.5-turbo": (0.50, 1.50),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "o1": (15.00, 60.00),
    "o3": (2.00, 8.00),
    "o3-mini": (1.10, 4.40),
    "o4-mini": (1.10, 4.40),
}
DEFAULT_AZURE_API_VERSION = "2024-10-21"


@dataclass(frozen=True)
class LLMConfig:
    """Everything the LLM extractor needs to know; built by the app from its settings."""

    model: str
    base_url: str | None = None
    api_key: str | None = None
    azure_endpoint: str | None = None
    azure_api_key: str | None = None
    azure_api_version: str | None = None
    mode: Mode = "auto"
    max_concurrency: int = 4
    timeout: float = 120.0
    max_retries: int = 3
    chunk_tokens: int = 6000
    chunk_overlap_tokens: int = 150
    max_output_tokens: int = 4096
    prices: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    prompt_version: str = "extract.v1"
    tiktoken_cache_dir: Path | None = None

    @property
    def endpoint(self) -> str:
        """Where requests go: the Azure endpoint, the base URL, or OpenAI's default."""
        return self.azure_endpoint or self.base_url or "https://api.openai.com/v1"

    def price(self) -> tuple[float, float] | None:
        """USD per 1M (prompt, completion) tokens for this model, or None when unknown."""
        return price_for(self.model, {**BUILTIN_PRICES, **self.prices})

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        """Estimated cost in USD of the given usage, or None when the model's price is unknown."""
        price = self.price()
        if price is None:
            return None
        usd = (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000
        return round(usd, 6)


def price_for(model: str, table: Mapping[str, tuple[float, float]]) -> tuple[float, float] | None:
    """The price of ``model``: an exact entry, else the longest entry it is a dated variant of."""
    if model in table:
        return table[model]
    variants = [name for name in table if model.startswith(name + "-")]
    return table[max(variants, key=len)] if variants else None
