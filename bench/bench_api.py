"""In-process API latency: POST /v1/reports, GET /v1/reports/{id} and an actor page, p50/p99.

Runs the real app (SQLite file in a temp dir, the offline extractor) through httpx's ASGI
transport, so it measures Precis and not the network. GET /healthz in the same run is the
baseline the other figures are divided by. The actor page is read after ``--actor-reports``
more short reports that all name one actor, the case of a much-reported group.

    python -m bench.bench_api [--posts 200] [--gets 1000] [--actor-reports 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from app.main import create_app
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _documents() -> list[str]:
    paths = sorted((ROOT / "seeds").glob("*.*")) + sorted((ROOT / "eval" / "docs").glob("*.*"))
    return [p.read_text(encoding="utf-8") for p in paths if p.suffix in (".txt", ".md")]


async def _time(call: Callable[[], Awaitable[httpx.Response]], expect: int) -> float:
    started = time.perf_counter()
    response = await call()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != expect:
        raise SystemExit(f"unexpected {response.status_code}: {response.text[:200]}")
    return elapsed


def _row(name: str, samples: list[float], baseline: float) -> str:
    qs = statistics.quantiles(samples, n=100)
    p50, p99 = statistics.median(samples), qs[98]
    return f"{name:<28} {len(samples):>6} {p50:>9.2f} {p99:>9.2f} {p50 / baseline:>9.1f}x"


ACTOR_NOTE = "APT41 used KeyPlug against telecom firms in Europe. Sighting {i}."


async def run(posts: int, gets: int, actor_reports: int) -> None:
    """Submit ``posts`` reports, then read them back ``gets`` times, and print the table."""
    docs = _documents()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", data_dir=Path(tmp))
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        ):
            health = [await _time(lambda: client.get("/healthz"), 200) for _ in range(gets)]
            post_ms: list[float] = []
            ids: list[str] = []
            for i in range(posts):
                body = {"text": f"{docs[i % len(docs)]}\n\nSubmission {i}.", "labels": ["bench"]}
                started = time.perf_counter()
                response = await client.post("/v1/reports", json=body)
                post_ms.append((time.perf_counter() - started) * 1000)
                ids.append(response.json()["id"])
            get_ms = []
            for i in range(gets):
                url = f"/v1/reports/{ids[i % len(ids)]}"
                get_ms.append(await _time(functools.partial(client.get, url), 200))
            list_ms = [
                await _time(lambda: client.get("/v1/reports", params={"limit": 20}), 200)
                for _ in range(gets // 10)
            ]
            for i in range(actor_reports):
                body = {"text": ACTOR_NOTE.format(i=i)}
                response = await client.post(
                    "/v1/reports", json=body, headers={"Prefer": "wait=60"}
                )
                if response.status_code != 201:
                    raise SystemExit(f"unexpected {response.status_code}: {response.text[:200]}")
            actor_ms = [
                await _time(lambda: client.get("/v1/actors/APT41"), 200) for _ in range(gets // 10)
            ]
    baseline = statistics.median(health)
    print(f"{'request':<28} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'p50/base':>10}")
    for name, samples in (
        ("GET /healthz (baseline)", health),
        ("POST /v1/reports → 202", post_ms),
        ("GET /v1/reports/{id}", get_ms),
        ("GET /v1/reports?limit=20", list_ms),
        (f"GET /v1/actors/{{name}} ({actor_reports})", actor_ms),
    ):
        print(_row(name, samples, baseline))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--gets", type=int, default=1000)
    parser.add_argument("--actor-reports", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(run(args.posts, args.gets, args.actor_reports))


if __name__ == "__main__":
    main()
