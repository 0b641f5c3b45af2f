"""End to end with the real offline extractor on the seed article."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.main import create_app
from app.settings import Settings

SEED = Path(__file__).resolve().parents[2] / "seeds" / "sandman-luadream-article.txt"

pytestmark = pytest.mark.slow


@pytest.fixture
async def real_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app that builds its extractor from the settings (offline)."""
    app = create_app(settings.model_copy(update={"extractor": "offline"}))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://precis.test") as client,
    ):
        yield client


async def test_offline_seed_article_brief_names_the_actors(
    real_client: httpx.AsyncClient,
) -> None:
    response = await real_client.post(
        "/v1/reports",
        json={"text": SEED.read_text(encoding="utf-8"), "labels": ["seed"]},
        headers={"Prefer": "wait=60"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["extraction"]["extractor"] == "offline"
    names = {a["name"].casefold() for a in body["brief"]["actors"]}
    aliases = {x.casefold() for a in body["brief"]["actors"] for x in [a["name"], *a["aliases"]]}
    assert {"sandman", "luadream", "keyplug", "apt41"} <= names
    assert {"storm-0866", "red dev 40"} <= aliases


async def test_offline_seed_article_is_found_by_alias_and_text(
    real_client: httpx.AsyncClient,
) -> None:
    created = await real_client.post(
        "/v1/reports",
        json={"text": SEED.read_text(encoding="utf-8")},
        headers={"Prefer": "wait=60"},
    )
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    for params in ({"actor": "red dev 40"}, {"actor": "LUADREAM"}, {"q": "LABScon"}):
        listed = (await real_client.get("/v1/reports", params=params)).json()
        assert [item["id"] for item in listed["items"]] == [report_id], params
    actor = (await real_client.get("/v1/actors/Storm-0866")).json()
    assert [r["id"] for r in actor["reports"]] == [report_id]
    markdown = await real_client.get(f"/v1/reports/{report_id}/brief.md")
    assert markdown.status_code == 200
    assert "Sandman" in markdown.text
