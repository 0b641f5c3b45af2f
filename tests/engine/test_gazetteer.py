"""Tests for the compiled gazetteer: matching rules, caching and the cache file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine import gazetteer as gz
from app.engine.gazetteer import Gazetteer, load_gazetteer, read_cache, write_cache


def _names(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(text[h.start : h.end], gaz.entities[h.entity].name) for h in gaz.scan(text)]


def test_load_gazetteer_is_cached_per_process() -> None:
    assert load_gazetteer() is load_gazetteer()


def test_scan_finds_attack_and_misp_names_with_offsets() -> None:
    gaz = load_gazetteer()
    text = "The Lazarus Group deployed Emotet and Cobalt Strike."
    found = _names(gaz, text)
    assert ("Lazarus Group", "Lazarus Group") in found
    assert ("Emotet", "Emotet") in found
    assert ("Cobalt Strike", "Cobalt Strike") in found


def test_scan_accepts_case_variant_of_distinctive_name() -> None:
    gaz = load_gazetteer()
    assert ("KeyPlug", "KEYPLUG") in _names(gaz, "They used the KeyPlug backdoor.")


def test_scan_ignores_common_words_and_partial_words() -> None:
    gaz = load_gazetteer()
    text = "Remote Agent update: the Storm hit Phoenix. Install Python, Lua and Chrome. APT410x"
    kinds = {gaz.entities[h.entity].kind for h in gaz.scan(text)}
    assert not kinds & {"threat_actor", "malware", "tool"}


def test_cache_file_round_trips(tmp_path: Path) -> None:
    gaz = load_gazetteer()
    path = tmp_path / "gaz.pickle"
    assert write_cache(path, gaz)
    loaded = read_cache(path)
    assert loaded is not None
    assert _names(loaded, "APT41 used KEYPLUG") == _names(gaz, "APT41 used KEYPLUG")


def test_read_cache_returns_none_for_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.pickle"
    path.write_bytes(b"not a pickle")
    assert read_cache(path) is None


def test_write_cache_reports_unwritable_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert write_cache(blocker / "sub" / "gaz.pickle", load_gazetteer()) is False


def test_cache_path_follows_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRECIS_CACHE_DIR", str(tmp_path))
    assert gz.cache_path().parent == tmp_path


def test_name_occurrences_many_names_as_few() -> None:
    text = "Acme Corp and ACME corp met Beta Labs; acme Corp left. Acme Corp again."
    few = gz.name_occurrences(text, {"Acme Corp": "a", "Beta Labs": "b"})
    padding = {f"Name{i} Zeta": "x" for i in range(20)}  # enough names for the automaton
    many = gz.name_occurrences(text, {"Acme Corp": "a", "Beta Labs": "b", **padding})
    assert sorted(few) == sorted(many)
    assert [text[s:e] for s, e, _ in sorted(few)] == ["Acme Corp", "Beta Labs", "Acme Corp"]


def test_scan_finds_a_stealer_by_its_short_name() -> None:
    gaz = load_gazetteer()
    found = _names(gaz, "Both hosts ran RedLine before the ransomware arrived.")
    assert ("RedLine", "RedLine Stealer") in found
