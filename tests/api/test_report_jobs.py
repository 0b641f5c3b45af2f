"""The asynchronous API: 202 and a worker, `Prefer: wait`, retries, re-extraction, history."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.engine.brief import Brief
from app.engine.document import Document
from app.engine.errors import PrecisError
from app.reports.responses import parse_prefer_wait
from tests.api.conftest import MEETING, SANDMAN, WAIT, ClientFactory, submit

FINISHED = {"done", "partial", "failed"}


async def wait_until_finished(client: httpx.AsyncClient, report_id: str) -> dict[str, Any]:
    """Poll GET until the report's job has ended (the test fails after 30 s)."""
    async with asyncio.timeout(30):
        while True:
            body: dict[str, Any] = (await client.get(f"/v1/reports/{report_id}")).json()
            if body["status"] in FINISHED:
                return body
            await asyncio.sleep(0.02)


class _RefusingExtractor:
    name = "refusing"

    def __init__(self) -> None:
        self.calls = 0

    async def extract(self, doc: Document) -> Brief:
        self.calls += 1
        raise PrecisError("The model server refused the request.")


async def test_create_report_answers_202_then_the_worker_stores_the_brief(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/v1/reports", json={"text": SANDMAN})
    assert response.status_code == 202
    accepted = response.json()
    assert response.headers["location"] == f"/v1/reports/{accepted['id']}"
    assert (accepted["status"], accepted["brief"], accepted["attempts"]) == ("queued", None, 0)
    assert "preference-applied" not in response.headers

    done = await wait_until_finished(client, accepted["id"])
    assert (done["status"], done["attempts"], done["last_error"]) == ("done", 1, None)
    assert [a["name"] for a in done["brief"]["actors"]] == ["Sandman", "STORM-0866", "LuaDream"]


async def test_prefer_wait_without_a_worker_answers_202_still_queued(
    make_client: ClientFactory,
) -> None:
    async with make_client(embedded_worker=False) as client:
        response = await client.post(
            "/v1/reports", json={"text": SANDMAN}, headers={"Prefer": "wait=1"}
        )
        assert response.status_code == 202
        assert response.headers["preference-applied"] == "wait=1"
        assert response.json()["status"] == "queued"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("wait=5", 5),
        ("respond-async, wait=10", 10),
        ('wait="7"', 7),
        ("wait=600", 60),
        ("wait=-1", None),
        ("wait=soon", None),
        ("return=minimal", None),
        (None, None),
    ],
)
def test_parse_prefer_wait_reads_rfc7240_and_caps_at_60(
    header: str | None, expected: int | None
) -> None:
    assert parse_prefer_wait(header) == expected


async def test_failing_extractor_is_retried_then_fails_with_the_reason(
    make_client: ClientFactory,
) -> None:
    extractor = _RefusingExtractor()
    async with make_client(
        extractor_override=extractor,
        max_attempts=3,
        retry_backoff_seconds=0.01,
        worker_poll_seconds=0.02,
    ) as client:
        accepted = (await client.post("/v1/reports", json={"text": SANDMAN})).json()
        failed = await wait_until_finished(client, accepted["id"])
    assert failed["status"] == "failed"
    assert failed["attempts"] == 3
    assert extractor.calls == 3
    assert failed["last_error"] == (
        "Failed after 3 attempts: The model server refused the request."
    )
    assert failed["brief"] is None


async def test_idempotency_key_replays_the_first_response(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "ticket-4711", **WAIT}
    first = await client.post("/v1/reports", json={"text": SANDMAN}, headers=headers)
    again = await client.post("/v1/reports", json={"text": SANDMAN}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert len((await client.get("/v1/reports")).json()["items"]) == 1


async def test_idempotency_key_replays_a_202_even_with_force(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "retry-me"}
    first = await client.post("/v1/reports?force=true", json={"text": MEETING}, headers=headers)
    again = await client.post("/v1/reports?force=true", json={"text": MEETING}, headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert len((await client.get("/v1/reports")).json()["items"]) == 1


async def test_idempotency_key_with_another_body_is_422(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "ticket-4712"}
    await client.post("/v1/reports", json={"text": SANDMAN}, headers=headers)
    response = await client.post("/v1/reports", json={"text": MEETING}, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "Idempotency-Key" in response.json()["detail"]


async def test_another_idempotency_key_is_a_normal_submission(client: httpx.AsyncClient) -> None:
    first = await submit(client, SANDMAN)
    response = await client.post(
        "/v1/reports", json={"text": SANDMAN}, headers={"Idempotency-Key": "fresh"}
    )
    assert response.status_code == 200  # the content is already stored
    assert response.json()["id"] == first["id"]


async def test_callback_url_is_checked_at_submission(make_client: ClientFactory) -> None:
    async with make_client(webhook_allow_private=True) as client:
        ok = await client.post(
            "/v1/reports",
            json={"text": SANDMAN, "callback_url": "http://127.0.0.1:9/hook"},
        )
        assert ok.status_code == 202, ok.text
        refused = await client.post(
            "/v1/reports",
            json={"text": MEETING, "callback_url": "http://169.254.169.254/latest"},
        )
        assert refused.status_code == 422
        assert "callback_url" in refused.json()["detail"]
        files = {"file": ("m.txt", MEETING.encode(), "text/plain")}
        form = {"callback_url": "ftp://example.com/x"}
        assert (await client.post("/v1/reports", files=files, data=form)).status_code == 422


async def test_reextraction_adds_a_version_and_history_lists_both(
    client: httpx.AsyncClient,
) -> None:
    created = await submit(client, SANDMAN)
    response = await client.post(f"/v1/reports/{created['id']}/extractions", headers=WAIT)
    assert response.status_code == 201, response.text
    assert response.json()["extraction"]["version"] == 2

    history = (await client.get(f"/v1/reports/{created['id']}/extractions")).json()["items"]
    assert [item["version"] for item in history] == [2, 1]
    assert all(item["provenance"]["extractor"] == "fake" for item in history)
    assert history[0]["job_id"] != history[1]["job_id"]


async def test_reextraction_with_unavailable_extractor_fails_and_keeps_the_brief(
    client: httpx.AsyncClient,
) -> None:
    created = await submit(client, SANDMAN)
    response = await client.post(
        f"/v1/reports/{created['id']}/extractions", json={"extractor": "llm"}, headers=WAIT
    )
    assert response.status_code == 202
    report = response.json()
    assert (report["status"], report["attempts"]) == ("failed", 1)  # not retried
    assert "llm" in report["last_error"]
    assert report["extraction"]["version"] == 1
    assert report["brief"] == created["brief"]


async def test_reextraction_rejects_unknown_fields_and_reports(client: httpx.AsyncClient) -> None:
    created = await submit(client, SANDMAN)
    bad = await client.post(f"/v1/reports/{created['id']}/extractions", json={"extractor": "magic"})
    assert bad.status_code == 422
    missing = await client.post("/v1/reports/nope/extractions", json={})
    assert missing.status_code == 404
    assert (await client.get("/v1/reports/nope/extractions")).status_code == 404
