"""Creating, reading, de-duplicating and deleting reports."""

from __future__ import annotations

import sqlite3

import httpx

from app.settings import Settings
from tests.api.conftest import MEETING, SANDMAN, WAIT, submit
from tests.api.fake_extractor import FakeExtractor


async def test_create_report_with_prefer_wait_returns_brief_and_location(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/v1/reports",
        json={
            "text": SANDMAN,
            "tlp": "amber",
            "labels": ["apt", "china"],
            "source_url": "https://example.com/a",
        },
        headers=WAIT,
    )
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/v1/reports/{body['id']}"
    assert response.headers["preference-applied"] == "wait=30"
    assert body["attempts"] == 1
    assert body["last_error"] is None
    assert body["status"] == "done"
    assert body["tlp"] == "amber"
    assert body["labels"] == ["apt", "china"]
    assert body["source_url"] == "https://example.com/a"
    assert body["title"] == "Sandman linked to China"
    assert len(body["sha256"]) == 64
    assert body["extraction"]["version"] == 1
    assert body["extraction"]["extractor"] == "fake"
    assert [a["name"] for a in body["brief"]["actors"]] == ["Sandman", "STORM-0866", "LuaDream"]
    assert body["created_at"].endswith(("Z", "+00:00"))


async def test_get_report_returns_stored_report(client: httpx.AsyncClient) -> None:
    created = await submit(client, SANDMAN)
    response = await client.get(f"/v1/reports/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


async def test_create_report_same_content_returns_existing(
    client: httpx.AsyncClient, extractor: FakeExtractor
) -> None:
    first = await submit(client, SANDMAN)
    again = await client.post("/v1/reports", json={"text": "  " + SANDMAN.replace("\n", "\r\n")})
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert extractor.calls == 1


async def test_create_report_force_stores_new_report(client: httpx.AsyncClient) -> None:
    first = await submit(client, SANDMAN)
    forced = await client.post("/v1/reports?force=true", json={"text": SANDMAN}, headers=WAIT)
    assert forced.status_code == 201
    assert forced.json()["id"] != first["id"]
    assert forced.json()["sha256"] == first["sha256"]
    listing = (await client.get("/v1/reports")).json()
    assert len(listing["items"]) == 2


async def test_delete_report_removes_it_and_its_rows(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    created = await submit(client, SANDMAN)
    kept = await submit(client, MEETING)
    assert (await client.delete(f"/v1/reports/{created['id']}")).status_code == 204
    assert (await client.get(f"/v1/reports/{created['id']}")).status_code == 404
    assert (await client.delete(f"/v1/reports/{created['id']}")).status_code == 404
    assert (await client.get("/v1/reports", params={"q": "SentinelOne"})).json()["items"] == []
    path = settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        for table in (
            "extraction",
            "report_actor",
            "report_actor_alias",
            "report_link",
            "report_fts",
        ):
            ids = {row[0] for row in db.execute(f"SELECT report_id FROM {table}")}
            assert ids == {kept["id"]}, table


async def test_create_report_stores_file_in_new_directory(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await submit(client, SANDMAN)
    path = settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_create_report_kind_given_by_caller_is_kept(client: httpx.AsyncClient) -> None:
    created = await submit(client, MEETING, kind="meeting_notes")
    assert created["kind"] == "meeting_notes"
    assert created["brief"]["kind"] == "meeting_notes"


async def test_brief_markdown_renders_title_and_actors(client: httpx.AsyncClient) -> None:
    created = await submit(client, SANDMAN)
    response = await client.get(f"/v1/reports/{created['id']}/brief.md")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.text.startswith("# ")
    assert "Sandman" in response.text
    assert "LuaDream" in response.text


async def test_brief_markdown_unknown_report_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/reports/nope/brief.md")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_create_report_strips_nul_characters(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/reports", json={"text": "Sandman\u0000 uses LuaDream."})
    assert response.status_code == 202
    assert response.json()["text"] == "Sandman uses LuaDream."
