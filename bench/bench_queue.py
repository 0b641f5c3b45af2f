"""The job queue under load, with real `precis serve` / `precis worker` processes.

(a) accepted submissions per second (POST → 202) from 32 concurrent clients, on SQLite and on
    PostgreSQL (when PRECIS_TEST_POSTGRES_URL is set), against GET /healthz from the same
    clients in the same run as the baseline;
(b) end-to-end reports per minute with three `precis worker` processes whose LLM extractor
    talks to the fake OpenAI server adding 1 s per call, against the ideal set by worker
    concurrency (3 workers × --concurrency slots, one call per one-chunk report).

    python -m bench.bench_queue [--posts 1000] [--reports 60] [--latency 1.0] [--slots 2]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.corpus import SEED, make_document
from tests.databases import database_url
from tests.fakes.openai_server import FakeOpenAI
from tests.integration.processes import free_port, start, stop, wait_ready

CLIENTS = 32


def _texts(count: int, tag: str) -> list[str]:
    import random

    rng = random.Random(SEED)
    return [f"{tag} {i}.\n\n{make_document(rng)}" for i in range(count)]


async def _hammer(base_url: str, requests: list[tuple[str, str, dict[str, str] | None]]) -> float:
    """Send requests from CLIENTS concurrent clients; return requests per second."""
    queue: asyncio.Queue[tuple[str, str, dict[str, str] | None]] = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
            while not queue.empty():
                method, path, body = queue.get_nowait()
                response = await http.request(method, path, json=body)
                if response.status_code not in (200, 202):
                    raise SystemExit(f"{method} {path}: {response.status_code} {response.text}")

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return len(requests) / (time.perf_counter() - started)


@contextmanager
def _server(
    url: str, tmp: Path, raw_env: dict[str, str] | None = None, **env: str
) -> Iterator[str]:
    port = free_port()
    environ = {
        **(raw_env or os.environ),
        "PRECIS_DATABASE_URL": url,
        "PRECIS_LOG_LEVEL": "warning",
        **{f"PRECIS_{k.upper()}": v for k, v in env.items()},
    }
    if url.startswith("postgresql"):
        import subprocess
        import sys

        subprocess.run([sys.executable, "-m", "app.cli", "db", "upgrade"], env=environ, check=True)
    api = start("serve", "--port", str(port), env=environ, log=tmp / "api.log")
    try:
        wait_ready(f"http://127.0.0.1:{port}", api)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(api)


def bench_accept(url: str, posts: int, tmp: Path) -> tuple[float, float]:
    """(POSTs accepted per second, GET /healthz per second) on one database."""
    with _server(url, tmp, embedded_worker="false") as base_url:
        health = [("GET", "/healthz", None)] * posts
        bodies = [("POST", "/v1/reports", {"text": t}) for t in _texts(posts, "Accept")]
        health_rate = asyncio.run(_hammer(base_url, health))
        post_rate = asyncio.run(_hammer(base_url, bodies))
    return post_rate, health_rate


def bench_workers(reports: int, latency: float, slots: int, tmp: Path) -> tuple[float, float, int]:
    """(reports per minute, ideal reports per minute, model calls) with three LLM workers."""
    with FakeOpenAI(latency=latency, max_lifetime=1800) as fake:
        url = f"sqlite:///{tmp / 'workers.db'}"
        llm = {
            "extractor": "llm",
            "llm_model": "gpt-4o-mini",
            "llm_max_concurrency": str(slots),
            "worker_poll_seconds": "0.05",
        }
        env = {
            **os.environ,
            "PRECIS_DATABASE_URL": url,
            "PRECIS_LOG_LEVEL": "warning",
            "OPENAI_BASE_URL": fake.base_url,
            "OPENAI_API_KEY": "bench",
            **{f"PRECIS_{k.upper()}": v for k, v in llm.items()},
        }
        with _server(url, tmp, env, embedded_worker="false") as base_url:
            workers = [
                start("worker", "--concurrency", str(slots), env=env, log=tmp / f"w{i}.log")
                for i in range(3)
            ]
            try:
                # Warm-up outside the clock: workers load gazetteers and probe the model's mode.
                warm = [("POST", "/v1/reports", {"text": t}) for t in _texts(3 * slots, "Warm")]
                asyncio.run(_hammer(base_url, warm))
                _wait_done(base_url, len(warm))
                warm_calls = fake.calls
                started = time.perf_counter()
                bodies = [("POST", "/v1/reports", {"text": t}) for t in _texts(reports, "E2E")]
                asyncio.run(_hammer(base_url, bodies))
                _wait_done(base_url, len(warm) + reports)
                elapsed = time.perf_counter() - started
            finally:
                for worker in workers:
                    stop(worker)
        calls = fake.calls - warm_calls
    # Ideal: every model call in flight as soon as a slot is free, nothing else costing time.
    ideal_seconds = math.ceil(calls / (3 * slots)) * latency
    return reports * 60 / elapsed, reports * 60 / ideal_seconds, calls


def _wait_done(base_url: str, reports: int) -> None:
    deadline = time.monotonic() + 1200
    while time.monotonic() < deadline:
        page = httpx.get(f"{base_url}/v1/reports", params={"limit": 200}, timeout=30).json()
        done = [i for i in page["items"] if i["status"] in ("done", "partial", "failed")]
        if len(done) >= reports:
            return
        time.sleep(0.2)
    raise SystemExit("the workers did not finish")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--reports", type=int, default=60)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--slots", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        print(f"(a) POST → 202, {CLIENTS} concurrent clients, {args.posts} requests each run")
        print(f"{'database':<12} {'POST/s':>9} {'healthz/s':>10} {'ratio':>7}")
        targets = [("sqlite", f"sqlite:///{tmp / 'accept.db'}")]
        postgres = database_url("postgresql", tmp)  # drops its database when closed
        if os.environ.get("PRECIS_TEST_POSTGRES_URL"):
            targets.append(("postgresql", next(postgres)))
        for name, url in targets:
            posts, health = bench_accept(url, args.posts, tmp)
            print(f"{name:<12} {posts:>9.1f} {health:>10.1f} {posts / health:>7.2f}")
        rate, ideal, calls = bench_workers(args.reports, args.latency, args.slots, tmp)
        print(f"\n(b) 3 workers × {args.slots} slots, fake model {args.latency:.1f} s per call")
        print(f"{args.reports} reports, {calls} model calls")
        print(f"reports/min {rate:.1f}   ideal {ideal:.1f}   ratio {rate / ideal:.2f}")


if __name__ == "__main__":
    main()
