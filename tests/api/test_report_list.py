"""Listing reports: cursor pagination and every filter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.conftest import MEETING, SANDMAN, submit


async def _ids(client: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await client.get("/v1/reports", params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_list_reports_pages_cover_all_without_duplicates(client: httpx.AsyncClient) -> None:
    created = [
        (await submit(client, f"Report number {n}.\nAction: Do thing {n}."))["id"] for n in range(7)
    ]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/reports", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(created))


async def test_list_reports_cursor_is_stable_under_inserts(client: httpx.AsyncClient) -> None:
    older = [(await submit(client, f"Old report {n}."))["id"] for n in range(4)]
    first = (await client.get("/v1/reports", params={"limit": 2})).json()
    await submit(client, "A newer report arrives between pages.")
    second = (
        await client.get("/v1/reports", params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    listed = [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]]
    assert listed == list(reversed(older))


async def test_list_reports_items_are_summaries(client: httpx.AsyncClient) -> None:
    created = await submit(client, SANDMAN, labels=["apt"])
    item = (await client.get("/v1/reports")).json()["items"][0]
    assert item["id"] == created["id"]
    assert "text" not in item
    assert "brief" not in item
    assert item["actors"] == ["Sandman", "STORM-0866", "LuaDream"]
    assert item["counts"] == {"actors": 3, "indicators": 1, "action_items": 1, "links": 2}
    assert item["labels"] == ["apt"]


@pytest.mark.parametrize("name", ["red dev 40", "STORM-0866", "  Red  Dev 40 "])
async def test_list_reports_filter_actor_matches_any_alias(
    client: httpx.AsyncClient, name: str
) -> None:
    sandman = await submit(client, SANDMAN)
    meeting = await submit(client, MEETING)
    await submit(client, "Nothing about actors here.")
    assert set(await _ids(client, actor=name)) == {sandman["id"], meeting["id"]}


async def test_list_reports_filter_actor_unknown_is_empty(client: httpx.AsyncClient) -> None:
    await submit(client, SANDMAN)
    assert await _ids(client, actor="Lazarus") == []


@pytest.mark.parametrize(
    "value", ["mode.encagil.com", "mode[.]encagil[.]com", "MODE(.)encagil.com"]
)
async def test_list_reports_filter_indicator_accepts_defanged(
    client: httpx.AsyncClient, value: str
) -> None:
    sandman = await submit(client, SANDMAN)
    await submit(client, MEETING)
    assert await _ids(client, indicator=value) == [sandman["id"]]


async def test_list_reports_filter_label_and_kind(client: httpx.AsyncClient) -> None:
    sandman = await submit(client, SANDMAN, labels=["APT", "china"], kind="article")
    meeting = await submit(client, MEETING, labels=["weekly"], kind="meeting_notes")
    assert await _ids(client, label="apt") == [sandman["id"]]
    assert await _ids(client, kind="meeting_notes") == [meeting["id"]]
    assert await _ids(client, kind="article", label="weekly") == []


async def test_list_reports_filter_since_until(client: httpx.AsyncClient) -> None:
    created = await submit(client, SANDMAN)
    now = datetime.fromisoformat(created["created_at"])
    today = now.date().isoformat()
    assert await _ids(client, since=today) == [created["id"]]
    assert await _ids(client, until=today) == [created["id"]]
    assert await _ids(client, since=(now + timedelta(seconds=1)).isoformat()) == []
    assert await _ids(client, until=(now - timedelta(days=1)).date().isoformat()) == []
    before = (now - timedelta(minutes=1)).astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert await _ids(client, since=before) == [created["id"]]


async def test_list_reports_filter_q_full_text(client: httpx.AsyncClient) -> None:
    sandman = await submit(client, SANDMAN)
    meeting = await submit(client, MEETING)
    assert await _ids(client, q="sentinelone") == [sandman["id"]]
    assert await _ids(client, q="KeyPlug backdoor") == [meeting["id"]]
    assert await _ids(client, q='"weekly sync"') == [meeting["id"]]
    assert await _ids(client, q='"sync weekly"') == []
    assert await _ids(client, q='"Red Dev 40"') == [meeting["id"], sandman["id"]]
    assert await _ids(client, q="STORM-0866") == [meeting["id"], sandman["id"]]
    assert await _ids(client, q="sentinelone keyplug") == []


@pytest.mark.parametrize(
    "query",
    [
        'APT41 "STORM-0866"',
        '"unbalanced',
        "NEAR(a b)",
        "a OR b AND NOT",
        "*",
        "c++ -x ^y",
        "'; DROP TABLE report; --",
        '""',
        "✓ 中文",
    ],
)
async def test_list_reports_filter_q_awkward_input_never_errors(
    client: httpx.AsyncClient, query: str
) -> None:
    await submit(client, SANDMAN)
    response = await client.get("/v1/reports", params={"q": query})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"since": "yesterday"},
        {"limit": 0},
        {"limit": 201},
        {"kind": "novel"},
    ],
)
async def test_list_reports_bad_parameters_are_422(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    response = await client.get("/v1/reports", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
