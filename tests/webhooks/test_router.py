"""Webhook subscriptions and the delivery log over HTTP (problem+json errors)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from app.settings import Settings
from app.webhooks import dispatch
from tests.api.conftest import SANDMAN
from tests.api.fake_extractor import FakeExtractor
from tests.webhooks.conftest import Receiver, verify_documented


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'data' / 'precis.db'}",
        data_dir=tmp_path,
        webhook_allow_private=False,
    )


@asynccontextmanager
async def open_client(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    app = create_app(settings, extractor=FakeExtractor())
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://precis.test") as client,
    ):
        yield client, app


@pytest.fixture
async def client(app_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with open_client(app_settings) as (opened, _):
        yield opened


async def test_create_webhook_refuses_an_unsafe_url_and_stores_nothing(
    client: httpx.AsyncClient,
) -> None:
    refused = await client.post("/v1/webhooks", json={"url": "http://10.0.0.5/hook"})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:precis:problem:unsafe-url"
    assert (await client.get("/v1/webhooks")).json() == {"items": []}


async def test_webhook_crud_round_trip(app_settings: Settings, receiver: Receiver) -> None:
    settings = app_settings.model_copy(update={"webhook_allow_private": True})
    async with open_client(settings) as (client, _):
        created = await client.post(
            "/v1/webhooks", json={"url": receiver.url(), "events": ["report.failed"]}
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["secret"].startswith("whsec_")
        assert body["events"] == ["report.failed"]
        assert created.headers["location"] == f"/v1/webhooks/{body['id']}"
        chosen = await client.post("/v1/webhooks", json={"url": receiver.url(), "secret": "s" * 32})
        assert chosen.json()["secret"] == "s" * 32
        assert chosen.json()["events"] == ["report.done", "report.failed"]
        listed = (await client.get("/v1/webhooks")).json()["items"]
        assert [item["id"] for item in listed] == [body["id"], chosen.json()["id"]]
        assert all("secret" not in item for item in listed)
        assert (await client.delete(f"/v1/webhooks/{body['id']}")).status_code == 204
        gone = await client.delete(f"/v1/webhooks/{body['id']}")
        assert gone.status_code == 404
        assert gone.headers["content-type"] == "application/problem+json"
        assert len((await client.get("/v1/webhooks")).json()["items"]) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://example.com/hook"},
        {"url": "http://127.0.0.1:9/hook"},
        {"url": "https://user:pw@example.com/hook"},
        {"url": "https://example.com/hook", "events": ["report.deleted"]},
        {"url": "https://example.com/hook", "events": []},
        {"url": "https://example.com/hook", "secret": "short"},
        {"url": "https://example.com/hook", "extra": True},
    ],
)
async def test_create_webhook_rejects_bad_input_as_problem_json(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post("/v1/webhooks", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_report_deliveries_lists_every_attempt_of_the_workers_event(
    app_settings: Settings, receiver: Receiver
) -> None:
    settings = app_settings.model_copy(update={"webhook_allow_private": True})
    receiver.answer(500)
    async with open_client(settings) as (client, _):
        secret = (await client.post("/v1/webhooks", json={"url": receiver.url()})).json()["secret"]
        report = (await client.post("/v1/reports", json={"text": SANDMAN})).json()
        log = await wait_for_log(client, report["id"], rows=2)
        assert [(item["attempt"], item["status_code"]) for item in log] == [(1, 500), (2, None)]
        assert log[0]["event"] == "report.done"
        assert log[1]["next_attempt_at"] is not None
        [request] = receiver.requests
        assert verify_documented(secret, request.body, request.headers["Precis-Signature"])
        missing = await client.get("/v1/reports/nope/deliveries")
        assert missing.status_code == 404


async def wait_for_log(
    client: httpx.AsyncClient, report_id: str, *, rows: int
) -> list[dict[str, Any]]:
    """The report's delivery log once the embedded worker has made its first attempt."""
    for _ in range(400):  # a bound, not a timing: the worker runs the job and notifies
        await dispatch.wait_for_deliveries()
        response = await client.get(f"/v1/reports/{report_id}/deliveries")
        items: list[dict[str, Any]] = response.json()["items"]
        if len(items) >= rows:
            return items
        await asyncio.sleep(0.05)
    raise AssertionError(f"no delivery log for {report_id}")
