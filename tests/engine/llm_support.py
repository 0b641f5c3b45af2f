"""Shared pieces of the LLM extractor tests: configs, documents and schema-aware responders."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from app.engine.document import Document
from app.engine.llm_config import LLMConfig
from tests.fakes.completions import default_answer
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.request_rules import Mode

ARTICLE = (
    "Sandman linked to China\n\n"
    "Sandman, an APT actor, is linked to China, as per a report by SentinelOne and PwC. "
    "Its modular backdoor LuaDream was used in attacks on telecom providers in the Middle "
    "East, Europe and South Asia.\n\n"
    "LuaDream beaconed to mode.encagil[.]com and 185.82.218.230.\n\n"
    "Recommendations:\n"
    "1. Block the listed indicators at the perimeter.\n"
    "2. Hunt for LuaDream on telecom hosts."
)
REDUCE_MARKER = "You write the summary of a long document"


def make_config(fake: FakeOpenAI, **overrides: Any) -> LLMConfig:
    """A config for the fake: short timeout and backoff, a model the fake serves."""
    values: dict[str, Any] = {
        "model": "test-model",
        "base_url": fake.base_url,
        "api_key": "sk-test",
        "timeout": 0.5,
        "max_retries": 2,
    }
    return LLMConfig(**(values | overrides))


def article() -> Document:
    """The short test article."""
    return Document.from_raw(ARTICLE)


def long_document(paragraphs: int, marker: str = "") -> Document:
    """A document of many distinct paragraphs (a marker may tag the middle one)."""
    texts = []
    for i in range(paragraphs):
        tag = f" {marker}" if marker and i == paragraphs // 2 else ""
        texts.append(
            f"Section {i}. Sandman operators staged LuaDream implant number {i} on a telecom"
            f" host in Europe, and analysts at SentinelOne tracked its beacon.{tag} "
            f"The implant {i} reported to its controller every few minutes."
        )
    return Document.from_raw("\n\n".join(texts))


def request_mode(body: dict[str, Any]) -> Mode:
    """The Mode the fake derived for a request (enough to build a schema-valid answer)."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return Mode(schema=fmt["json_schema"]["schema"], json=True)
    if body.get("tools"):
        function = body["tools"][0]["function"]
        return Mode(schema=function["parameters"], tool=function["name"], json=True)
    schema = fmt.get("schema")
    if schema is None:  # JSON mode: the schema is stated at the end of the system message
        system = str(body["messages"][0]["content"])
        schema = json.loads(system.rsplit("JSON schema:\n", 1)[1])
    return Mode(schema=schema, json=True)


def schema_answer(body: dict[str, Any]) -> dict[str, Any]:
    """The fake's default schema-valid answer for ``body``."""
    answer = default_answer(body, request_mode(body))
    assert isinstance(answer, dict)
    return answer


def is_reduce(body: dict[str, Any]) -> bool:
    """True for the reduce (summary-of-summaries) request."""
    return REDUCE_MARKER in json.dumps(body["messages"][0]["content"])


def document_of(body: dict[str, Any]) -> str:
    """The text between the <document> delimiters of a chunk request."""
    first_user = next(m for m in body["messages"] if m["role"] == "user")
    text = str(first_user["content"])
    return text.split("<document>\n", 1)[1].rsplit("\n</document>", 1)[0]


class InFlight:
    """A responder wrapper that records how many requests were answered at once."""

    def __init__(self, inner: Callable[[dict[str, Any]], Any], hold: float = 0.15) -> None:
        self.inner, self.hold = inner, hold
        self.now = self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> Any:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        try:
            time.sleep(self.hold)
            return self.inner(body)
        finally:
            with self._lock:
                self.now -= 1


def closed_port_url() -> str:
    """A base URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
