"""One settings object, read from the environment (prefix PRECIS_) when first asked for."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRECIS_", extra="ignore", populate_by_name=True)

    database_url: str = "sqlite:///./data/precis.db"
    data_dir: Path = Path("./data")
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    extractor: Literal["auto", "offline", "llm"] = "auto"
    page_size_max: int = 200
    log_level: str = "info"

    # Jobs and workers (issue 4).
    lease_seconds: float = Field(default=60.0, gt=0)
    max_attempts: int = Field(default=5, ge=1)
    retry_backoff_seconds: float = Field(default=2.0, ge=0)  # first retry delay; doubles
    embedded_worker: bool = True
    worker_concurrency: int = Field(default=2, ge=1)
    worker_poll_seconds: float = Field(default=0.5, gt=0)
    idempotency_ttl_seconds: int = Field(default=24 * 3600, gt=0)
    webhook_allow_private: bool = False
    webhook_secret: str | None = None
    webhook_timeout: float = Field(default=10.0, gt=0)
    webhook_max_attempts: int = Field(default=5, ge=1)

    # The LLM path (issue 3). OPENAI_API_KEY / OPENAI_BASE_URL and Azure's variables are read
    # without the PRECIS_ prefix, as every OpenAI-compatible tool reads them.
    llm_model: str | None = None
    llm_mode: Literal["auto", "json_schema", "json_object", "tools"] = "auto"
    llm_max_concurrency: int = Field(default=4, ge=1, le=64)
    llm_timeout: float = Field(default=120.0, gt=0)
    llm_max_retries: int = Field(default=3, ge=0, le=10)
    llm_chunk_tokens: int = Field(default=6000, ge=256)
    llm_chunk_overlap_tokens: int = Field(default=150, ge=0)
    llm_max_output_tokens: int = Field(default=4096, ge=256)
    llm_prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="USD per 1M (prompt, completion) tokens by model, added to the built-in table.",
    )
    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    azure_openai_endpoint: str | None = Field(
        default=None, validation_alias="AZURE_OPENAI_ENDPOINT"
    )
    azure_openai_api_key: str | None = Field(default=None, validation_alias="AZURE_OPENAI_API_KEY")
    openai_api_version: str | None = Field(default=None, validation_alias="OPENAI_API_VERSION")
    tiktoken_cache_dir: Path | None = Field(default=None, validation_alias="TIKTOKEN_CACHE_DIR")
    cache_dir: Path | None = None

    @property
    def llm_configured(self) -> bool:
        """A model endpoint is configured: a model name and somewhere to send it."""
        endpoint = self.openai_base_url or self.openai_api_key or self.azure_openai_endpoint
        return bool(self.llm_model and endpoint)


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
