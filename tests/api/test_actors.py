"""The cross-report actor index."""

from __future__ import annotations

import httpx

from tests.api.conftest import MEETING, SANDMAN, submit


async def test_list_actors_substring_match_with_report_counts(client: httpx.AsyncClient) -> None:
    await submit(client, SANDMAN)
    await submit(client, MEETING)
    response = await client.get("/v1/actors", params={"q": "dev"})
    assert response.status_code == 200
    items = {item["name"]: item for item in response.json()["items"]}
    assert set(items) == {"STORM-0866", "Red Dev 40"}
    assert items["STORM-0866"]["report_count"] == 1
    assert items["STORM-0866"]["aliases"] == ["Red Dev 40"]


async def test_list_actors_without_query_orders_by_report_count(client: httpx.AsyncClient) -> None:
    await submit(client, SANDMAN)
    await submit(client, SANDMAN + "\nA second copy.")
    await submit(client, MEETING)
    items = (await client.get("/v1/actors")).json()["items"]
    assert items[0]["report_count"] == 2
    assert {item["name"] for item in items} >= {"Sandman", "LuaDream", "KeyPlug"}
    assert items[-1]["report_count"] == 1


async def test_list_actors_odd_query_is_safe(client: httpx.AsyncClient) -> None:
    await submit(client, SANDMAN)
    for query in ["%", "_", "\\", "'", '"']:
        response = await client.get("/v1/actors", params={"q": query})
        assert response.status_code == 200
        assert response.json()["items"] == []


async def test_get_actor_by_alias_merges_reports_and_links(client: httpx.AsyncClient) -> None:
    sandman = await submit(client, SANDMAN)
    meeting = await submit(client, MEETING)
    response = await client.get("/v1/actors/red dev 40")
    assert response.status_code == 200
    actor = response.json()
    assert actor["name"] in {"STORM-0866", "Red Dev 40"}
    assert {actor["name"], *actor["aliases"]} == {"STORM-0866", "Red Dev 40"}
    assert actor["types"] == ["threat_actor"]
    assert [r["id"] for r in actor["reports"]] == [meeting["id"], sandman["id"]]
    links = {(link["source"], link["relation"], link["target"]) for link in actor["links"]}
    assert links == {
        ("Sandman", "overlaps_with", actor["name"]),
        (actor["name"], "uses", "KeyPlug"),
    }


async def test_get_actor_counts_links_seen_in_several_reports(client: httpx.AsyncClient) -> None:
    await submit(client, SANDMAN)
    await submit(client, SANDMAN + "\nLater update.")
    actor = (await client.get("/v1/actors/LUADREAM")).json()
    assert actor["name"] == "LuaDream"
    assert actor["links"] == [
        {"source": "Sandman", "relation": "uses", "target": "LuaDream", "count": 2}
    ]


async def test_get_actor_name_with_slash(client: httpx.AsyncClient) -> None:
    await submit(client, "Note.\nActor: STORM-0866/Red Dev 40 | threat_actor")
    response = await client.get("/v1/actors/storm-0866/red dev 40")
    assert response.status_code == 200
    assert response.json()["name"] == "STORM-0866/Red Dev 40"


async def test_get_actor_unknown_is_404_problem(client: httpx.AsyncClient) -> None:
    await submit(client, SANDMAN)
    response = await client.get("/v1/actors/Lazarus")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_get_actor_gone_after_its_only_report_is_deleted(client: httpx.AsyncClient) -> None:
    created = await submit(client, SANDMAN)
    await client.delete(f"/v1/reports/{created['id']}")
    assert (await client.get("/v1/actors/Sandman")).status_code == 404


async def test_get_actor_pages_its_reports_newest_first(client: httpx.AsyncClient) -> None:
    ids = [(await submit(client, f"{SANDMAN}\nCopy {i}."))["id"] for i in range(5)]
    first = (await client.get("/v1/actors/Sandman", params={"limit": 2})).json()
    assert first["report_count"] == 5
    assert [r["id"] for r in first["reports"]] == ids[::-1][:2]
    seen = [r["id"] for r in first["reports"]]
    cursor = first["next_cursor"]
    while cursor is not None:
        page = (
            await client.get("/v1/actors/Sandman", params={"limit": 2, "cursor": cursor})
        ).json()
        assert page["links"] == first["links"]  # links and names span every report
        seen += [r["id"] for r in page["reports"]]
        cursor = page["next_cursor"]
    assert seen == ids[::-1]
    listed = (await client.get("/v1/reports", params={"actor": "Sandman", "limit": 10})).json()
    assert [r["id"] for r in listed["items"]] == seen


async def test_get_actor_bad_cursor_or_limit_is_422_problem(client: httpx.AsyncClient) -> None:
    await submit(client, SANDMAN)
    for params in ({"cursor": "not-a-cursor"}, {"limit": 0}, {"limit": 501}):
        response = await client.get("/v1/actors/Sandman", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"
