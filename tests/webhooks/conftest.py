"""Webhook fixtures: a real HTTP receiver on 127.0.0.1 and a fresh SQLite database per test."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from app.core.db import create_db_engine
from app.reports.ids import new_report_id
from app.reports.models import Report, utcnow
from app.settings import Settings
from app.webhooks import dispatch

SECRET = "whsec_test-secret-0123456789"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every request; answers with the queued statuses, then 200."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, *statuses: int, headers: dict[str, str] | None = None) -> None:
        self.answers.extend((status, headers or {}) for status in statuses)

    def next_answer(self) -> tuple[int, dict[str, str]]:
        with self.lock:
            return self.answers.pop(0) if self.answers else (200, {})


def verify_documented(secret: str, body: bytes, header: str) -> bool:
    """The receiver-side check exactly as the signing module's docstring documents it."""
    parts = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamp = next((value for key, value in parts if key == "t"), "")
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return stamp.isdigit() and any(
        hmac.compare_digest(expected, value) for key, value in parts if key == "v1"
    )


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            status, headers = receiver.next_answer()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """An HTTP server on a random loopback port, in a thread."""
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'precis.db'}",
        data_dir=tmp_path,
        webhook_allow_private=True,
        webhook_secret=SECRET,
        webhook_timeout=5.0,
        webhook_max_attempts=5,
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = create_db_engine(settings.database_url)
    SQLModel.metadata.create_all(engine)  # the migrations are tested with the schema
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> Callable[[], Session]:
    return lambda: Session(engine, expire_on_commit=False)


@pytest.fixture
def report_id(session_factory: Callable[[], Session]) -> str:
    """A finished report in the database."""
    report = Report(
        id=new_report_id(),
        text="Sandman uses LuaDream.",
        sha256="0" * 64,
        media_type="text/plain",
        status="done",
        title="Sandman and LuaDream",
    )
    with session_factory() as session:
        session.add(report)
        session.commit()
    return report.id


async def sweep(session_factory: Callable[[], Session], settings: Settings) -> int:
    """Make every pending attempt due now (skip the backoff wait) and send them."""
    await dispatch.wait_for_deliveries()
    later = utcnow() + timedelta(hours=2)
    return await dispatch.deliver_due(session_factory, settings, now=later)
