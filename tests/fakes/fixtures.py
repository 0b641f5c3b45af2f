"""Pytest plugin with the `fake_openai` fixture (registered in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A running FakeOpenAI server (profile "openai"), stopped after the test."""
    with FakeOpenAI() as fake:
        yield fake
