"""A server killed mid-job (SIGKILL): after a restart the job is re-claimed and done once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

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
SEED = Path(__file__).resolve().parents[2] / "seeds" / "sandman-luadream-article.txt"


def test_killed_server_job_finishes_exactly_once_after_restart(tmp_path: Path) -> None:
    database = tmp_path / "precis.db"
    env = precis_env(database, lease_seconds="2", worker_poll_seconds="0.1", extractor="offline")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    serve = ("serve", "--port", str(port), "--extract-delay", "3")
    first = start(*serve, env=env, log=tmp_path / "first.log")
    try:
        wait_ready(base_url, first)
        response = httpx.post(
            f"{base_url}/v1/reports", json={"text": SEED.read_text(encoding="utf-8")}, timeout=30
        )
        assert response.status_code == 202, response.text
        report_id = response.json()["id"]
        wait_status(base_url, report_id, {"running"})
        first.kill()
        first.wait(timeout=30)
    finally:
        stop(first)

    second = start(*serve, env=env, log=tmp_path / "second.log")
    try:
        wait_ready(base_url, second)
        report = wait_status(base_url, report_id, FINISHED)
        history = httpx.get(f"{base_url}/v1/reports/{report_id}/extractions", timeout=5).json()
    finally:
        stop(second)

    assert report["status"] == "done"
    assert report["attempts"] == 2
    assert "lease expired" in report["last_error"]
    assert [item["version"] for item in history["items"]] == [1]
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT COUNT(*) FROM extraction WHERE report_id = ?", (report_id,))
        assert rows.fetchone()[0] == 1
