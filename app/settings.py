"""One settings object, read from the environment (prefix PRECIS_) when first asked for."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRECIS_", extra="ignore")

    database_url: str = "sqlite:///./data/precis.db"
    data_dir: Path = Path("./data")
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    extractor: Literal["auto", "offline", "llm"] = "auto"
    page_size_max: int = 200
    log_level: str = "info"


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
