"""`precis worker` as its own process next to an API without an embedded worker."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import SANDMAN
from tests.integration.processes import (
    FINISHED,
    free_port,
    precis_env,
    start,
    stop,
    wait_ready,
    wait_status,
)

pytestmark = pytest.mark.slow


def test_worker_process_runs_jobs_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = precis_env(tmp_path / "precis.db", embedded_worker="false", worker_poll_seconds="0.1")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    api = start("serve", "--port", str(port), env=env, log=tmp_path / "api.log")
    workers = []
    worker_args = ("worker", "--concurrency", "2", "--extract-delay", "1")
    try:
        wait_ready(base_url, api)
        accepted = httpx.post(f"{base_url}/v1/reports", json={"text": SANDMAN}, timeout=30)
        assert accepted.status_code == 202
        report_id = accepted.json()["id"]
        assert wait_status(base_url, report_id, {"queued"})["attempts"] == 0

        workers.append(start(*worker_args, env=env, log=tmp_path / "worker-1.log"))
        wait_status(base_url, report_id, {"running", *FINISHED})
        workers[0].send_signal(signal.SIGTERM)
        assert workers[0].wait(timeout=60) == 0, (tmp_path / "worker-1.log").read_text()
        stopped = httpx.get(f"{base_url}/v1/reports/{report_id}", timeout=5).json()
        # A stopping worker finishes its job within the grace period, or hands it back uncounted.
        assert (stopped["status"], stopped["attempts"]) in {("done", 1), ("queued", 0)}

        workers.append(start(*worker_args, env=env, log=tmp_path / "worker-2.log"))
        report = wait_status(base_url, report_id, FINISHED)
        history = httpx.get(f"{base_url}/v1/reports/{report_id}/extractions", timeout=5).json()
    finally:
        for process in (api, *workers):
            stop(process)
    assert (report["status"], report["attempts"]) == ("done", 1)
    assert report["brief"]["actors"]
    assert [item["version"] for item in history["items"]] == [1]
