"""PostgreSQL at scale: the API plus three `precis worker` processes, one killed mid-job.

Every one of 200 submitted reports must end `done` with exactly one extraction: none lost
when a worker dies with SIGKILL (its leases expire and other workers re-claim the jobs), none
extracted twice (writes after a claim are conditional on the lease).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.databases import POSTGRES_URL_ENV, database_url
from tests.integration.processes import free_port, start, stop, wait_ready

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get(POSTGRES_URL_ENV), reason=f"{POSTGRES_URL_ENV} unset"),
]
REPORTS = 200
SEED = Path(__file__).resolve().parents[2] / "seeds" / "sandman-luadream-article.txt"


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    urls = database_url("postgresql", tmp_path)
    yield next(urls)
    next(urls, None)  # drops the database


def _env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PRECIS_DATABASE_URL": url,
        "PRECIS_EMBEDDED_WORKER": "false",
        "PRECIS_EXTRACTOR": "offline",
        "PRECIS_LEASE_SECONDS": "3",
        "PRECIS_WORKER_POLL_SECONDS": "0.1",
        "PRECIS_LOG_LEVEL": "warning",
    }


def _submit(base_url: str, texts: list[str]) -> list[str]:
    def post(body: str) -> str:
        response = httpx.post(f"{base_url}/v1/reports", json={"text": body}, timeout=60)
        assert response.status_code == 202, response.text
        report_id: str = response.json()["id"]
        return report_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(post, texts))


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            rows = db.execute(text("SELECT status, COUNT(*) FROM report GROUP BY status"))
            return {status: count for status, count in rows}
    finally:
        engine.dispose()


def _wait_running(url: str, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _counts(url).get("running", 0) >= 2:
            return
        time.sleep(0.05)
    raise AssertionError("no jobs started running")


def _wait_all_done(url: str, *, timeout: float = 240) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        counts = _counts(url)
        if counts.get("done", 0) == REPORTS:
            return counts
        time.sleep(0.2)
    raise AssertionError(f"not every report finished: {counts}")


def test_three_workers_on_postgres_finish_every_report_once_despite_sigkill(
    postgres_url: str, tmp_path: Path
) -> None:
    env = _env(postgres_url)
    upgrade = subprocess.run(
        [sys.executable, "-m", "app.cli", "db", "upgrade"],
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert upgrade.returncode == 0, upgrade.stderr.decode()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    api = start("serve", "--port", str(port), env=env, log=tmp_path / "api.log")
    worker_args = ("worker", "--concurrency", "2", "--extract-delay", "0.3")
    workers = [start(*worker_args, env=env, log=tmp_path / f"worker-{i}.log") for i in range(3)]
    try:
        wait_ready(base_url, api)
        seed = SEED.read_text(encoding="utf-8")
        ids = _submit(base_url, [f"Submission {i}.\n\n{seed}" for i in range(REPORTS)])
        _wait_running(postgres_url)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=30)
        counts = _wait_all_done(postgres_url)
    finally:
        for process in [api, *workers]:
            stop(process)

    assert len(set(ids)) == REPORTS
    assert counts == {"done": REPORTS}
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as db:
            per_report = db.execute(
                text("SELECT report_id, COUNT(*) FROM extraction GROUP BY report_id")
            ).all()
            reclaimed = db.execute(text("SELECT COUNT(*) FROM job WHERE attempts > 1")).scalar()
    finally:
        engine.dispose()
    assert len(per_report) == REPORTS
    assert {count for _, count in per_report} == {1}
    assert (reclaimed or 0) >= 1  # the killed worker's jobs were claimed again
