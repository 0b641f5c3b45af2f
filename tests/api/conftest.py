"""API test fixtures: a fresh SQLite database per test, real HTTP through the ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.engine.pipeline import Extractor
from app.main import create_app
from app.settings import Settings
from tests.api.fake_extractor import FakeExtractor

ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]

SANDMAN = """Sandman linked to China
Sandman, an APT actor, is linked to China by SentinelOne.
Actor: Sandman | threat_actor
Actor: STORM-0866 | threat_actor | Red Dev 40
Actor: LuaDream | malware
Link: Sandman | uses | LuaDream
Link: Sandman | overlaps_with | STORM-0866
IOC: domain mode.encagil.com
Action: Patch the VPN appliances."""

MEETING = """Weekly sync on KeyPlug
The team discussed the KeyPlug backdoor and Red Dev 40.
Actor: Red Dev 40 | threat_actor | STORM-0866
Actor: KeyPlug | malware
Link: Red Dev 40 | uses | KeyPlug
Action: Block the KeyPlug C2 domains."""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a new SQLite file in a directory that does not exist yet."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'data' / 'precis.db'}", data_dir=tmp_path)


@pytest.fixture
def extractor() -> FakeExtractor:
    return FakeExtractor()


@pytest.fixture
def make_client(settings: Settings, extractor: FakeExtractor) -> ClientFactory:
    """Open a client on a new app; keyword arguments override settings."""

    @asynccontextmanager
    async def open_client(
        *, extractor_override: Extractor | None = None, raise_errors: bool = True, **changes: Any
    ) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(
            settings.model_copy(update=changes), extractor=extractor_override or extractor
        )
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_errors)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://precis.test") as client,
        ):
            yield client

    return open_client


@pytest.fixture
async def client(make_client: ClientFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as opened:
        yield opened


WAIT = {"Prefer": "wait=30"}


async def submit(client: httpx.AsyncClient, text: str, **fields: Any) -> dict[str, Any]:
    """POST a text report, wait for its brief (embedded worker), and return the report."""
    response = await client.post("/v1/reports", json={"text": text, **fields}, headers=WAIT)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
