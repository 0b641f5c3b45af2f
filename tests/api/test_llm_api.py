"""The API with a model configured: OPENAI_BASE_URL pointed at an OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.main import create_app
from app.settings import Settings
from tests.api.conftest import WAIT
from tests.fakes.openai_server import FakeOpenAI

SEED = Path(__file__).resolve().parents[2] / "seeds" / "sandman-luadream-article.txt"


@pytest.fixture
async def llm_client(
    settings: Settings, fake_openai: FakeOpenAI
) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app whose extractor is built from settings: auto, with a model."""
    configured = settings.model_copy(
        update={
            "extractor": "auto",
            "llm_model": "gpt-4o-mini",
            "openai_base_url": fake_openai.base_url,
            "openai_api_key": "test-key",
            "llm_timeout": 10.0,
        }
    )
    app = create_app(configured)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://precis.test") as client,
    ):
        yield client


async def test_llm_brief_through_the_api(
    llm_client: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    text = SEED.read_text(encoding="utf-8")
    response = await llm_client.post("/v1/reports", json={"text": text}, headers=WAIT)
    assert response.status_code == 201, response.text
    provenance = response.json()["brief"]["provenance"]
    assert (provenance["extractor"], provenance["mode"]) == ("llm", "json_schema")
    assert provenance["calls"] == fake_openai.calls == 1
    assert provenance["token_usage"]["prompt_tokens"] > 0
    assert provenance["prompt_version"] == "extract.v1"


async def test_llm_same_document_again_costs_no_model_call(
    llm_client: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    body = {"text": SEED.read_text(encoding="utf-8")}
    first = await llm_client.post("/v1/reports", json=body, headers=WAIT)
    assert first.status_code == 201, first.text
    calls = fake_openai.calls
    again = await llm_client.post("/v1/reports?force=true", json=body, headers=WAIT)
    assert again.status_code == 201, again.text
    assert again.json()["id"] != first.json()["id"]
    assert again.json()["brief"]["provenance"]["cache_hit"] is True
    assert fake_openai.calls == calls


async def test_llm_token_budget_is_refused_up_front(
    llm_client: httpx.AsyncClient, fake_openai: FakeOpenAI
) -> None:
    body = {"text": SEED.read_text(encoding="utf-8"), "max_tokens_budget": 50}
    response = await llm_client.post("/v1/reports", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"].endswith("token-budget-exceeded")
    assert "budget is 50" in problem["detail"]
    assert fake_openai.calls == 0
    listed = (await llm_client.get("/v1/reports")).json()
    assert listed["items"] == []


async def test_llm_generous_budget_is_accepted(llm_client: httpx.AsyncClient) -> None:
    body = {"text": SEED.read_text(encoding="utf-8"), "max_tokens_budget": 100_000}
    response = await llm_client.post("/v1/reports", json=body, headers=WAIT)
    assert response.status_code == 201, response.text
