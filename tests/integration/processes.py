"""Run `precis` commands as real processes against a temp SQLite database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
FINISHED = {"done", "partial", "failed"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def precis_env(database: Path, **settings: str) -> dict[str, str]:
    """The environment for a child `precis`: the temp database plus PRECIS_* settings."""
    env = {
        **os.environ,
        "PRECIS_DATABASE_URL": f"sqlite:///{database}",
        "PRECIS_LOG_LEVEL": "warning",
    }
    env.update({f"PRECIS_{name.upper()}": value for name, value in settings.items()})
    return env


def start(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `python -m app.cli ARGS`, output to a log file."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env, stdout=out, stderr=out
        )


def wait_ready(base_url: str, process: subprocess.Popen[bytes], *, timeout: float = 120) -> None:
    """Wait until the server answers /readyz (fails if the process exits first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited during start-up"
        try:
            if httpx.get(f"{base_url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not become ready")


def wait_status(
    base_url: str, report_id: str, statuses: set[str], *, timeout: float = 120
) -> dict[str, Any]:
    """Poll a report until its status is one of `statuses`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = httpx.get(f"{base_url}/v1/reports/{report_id}", timeout=5).json()
        if body["status"] in statuses:
            return body
        time.sleep(0.05)
    raise AssertionError(f"report {report_id} never reached {statuses}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Kill a child if it still runs."""
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)
