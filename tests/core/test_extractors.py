"""Which extractor runs: settings, fallbacks, TLP:RED, and the database-backed stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from app.core.db import create_db_engine
from app.core.errors import ServiceUnavailableError
from app.core.extractors import DbStore, TlpRedGuard, get_extractor, is_local_endpoint
from app.engine.document import Document
from app.engine.offline import OfflineExtractor
from app.settings import Settings
from tests.fakes.openai_server import FakeOpenAI

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "sandman-luadream-article.txt"


def _settings(**changes: object) -> Settings:
    base = {"llm_model": None, "openai_base_url": None, "openai_api_key": None}
    return Settings(**{**base, "azure_openai_endpoint": None, **changes})  # type: ignore[arg-type]


def test_get_extractor_auto_without_model_is_offline() -> None:
    assert isinstance(get_extractor(_settings(extractor="auto")), OfflineExtractor)


def test_get_extractor_llm_without_model_says_what_to_set() -> None:
    with pytest.raises(ServiceUnavailableError, match="PRECIS_LLM_MODEL"):
        get_extractor(_settings(), choice="llm")


def test_get_extractor_auto_with_model_wraps_llm_with_fallback() -> None:
    settings = _settings(llm_model="gpt-4o-mini", openai_base_url="http://127.0.0.1:9/v1")
    extractor = get_extractor(settings)
    assert isinstance(extractor, TlpRedGuard)
    assert extractor.inner.name == "auto"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8080/v1", True),
        ("http://localhost:11434/v1", True),
        ("http://[::1]:8000/v1", True),
        ("https://api.openai.com/v1", False),
        ("http://10.0.0.8:8000/v1", False),
    ],
)
def test_is_local_endpoint(url: str, local: bool) -> None:
    assert is_local_endpoint(url) is local


async def test_tlp_red_text_is_not_sent_to_a_remote_model() -> None:
    # A remote endpoint nothing listens on: any call would fail the test with an error.
    settings = _settings(llm_model="gpt-4o-mini", openai_base_url="http://model.invalid/v1")
    extractor = get_extractor(settings, choice="llm")
    doc = Document.from_raw(SEED.read_text(encoding="utf-8"), meta={"tlp": "red"})
    brief = await extractor.extract(doc)
    assert brief.provenance.extractor == "offline"
    assert "TLP:RED" in (brief.provenance.fallback or "")


async def test_tlp_red_text_may_go_to_a_local_model(fake_openai: FakeOpenAI) -> None:
    settings = _settings(
        llm_model="gpt-4o-mini", openai_base_url=fake_openai.base_url, openai_api_key="k"
    )
    extractor = get_extractor(settings, choice="llm")
    doc = Document.from_raw(SEED.read_text(encoding="utf-8"), meta={"tlp": "red"})
    try:
        brief = await extractor.extract(doc)
    finally:
        await extractor.aclose()  # type: ignore[attr-defined]
    assert brief.provenance.extractor == "llm"
    assert fake_openai.calls >= 1


async def test_db_store_round_trips_and_survives_a_new_engine(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_db_engine(url)
    SQLModel.metadata.create_all(engine)
    await DbStore(engine, "llm_chunk").save("k1", {"pieces": [1, 2]})
    engine.dispose()
    again = DbStore(create_db_engine(url), "llm_chunk")
    assert await again.load("k1") == {"pieces": [1, 2]}
    assert await again.load("missing") is None
    assert await DbStore(again.engine, "other").load("k1") is None


def test_cli_extract_llm_against_an_openai_compatible_server(fake_openai: FakeOpenAI) -> None:
    env = {
        **os.environ,
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": "test-key",
        "PRECIS_LLM_MODEL": "gpt-4o-mini",
    }
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "extract", str(SEED), "--extractor", "llm"],
        capture_output=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    brief = json.loads(result.stdout)
    assert brief["provenance"]["extractor"] == "llm"
    assert brief["provenance"]["calls"] == fake_openai.calls >= 1
    request = fake_openai.requests[0]
    assert request["response_format"]["json_schema"]["strict"] is True
