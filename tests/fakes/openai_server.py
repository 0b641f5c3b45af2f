"""A fake OpenAI-compatible server: real HTTP on 127.0.0.1 for the real `openai` client.

Profiles: "openai" (structured outputs with strict-mode schema checks, JSON mode that needs the
word "json", strict tools; the Azure deployments path applies Azure's tighter limits),
"llamacpp" (rejects `json_schema` and tools, accepts `json_object` + `schema`), "no_strict"
(older vLLM/Ollama: `json_schema` accepted, `strict` ignored). Streaming is refused with a 400.

    with FakeOpenAI() as fake:
        fake.script(RateLimited(0.01), Reply(content={"summary": "..."}))
        client = openai.AsyncOpenAI(base_url=fake.base_url, api_key="test", max_retries=1)
        ...
        assert fake.calls == 2 and fake.requests[0]["response_format"]["type"] == "json_schema"

Steps are consumed only by requests that pass validation; without a step (or with
`Reply(content=None)`) the responder answers, by default with JSON valid for the request's
schema whose strings are taken from the last user message.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from collections import deque
from collections.abc import Callable
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.completions import (
    ContentFilter,
    Hang,
    InvalidJSON,
    RateLimited,
    Refusal,
    Reply,
    ServerError,
    Step,
    Truncated,
    build_completion,
    default_answer,
    step_error,
)
from tests.fakes.request_rules import PROFILES, ApiError, Mode, check_request, error_body

__all__ = [
    "ContentFilter",
    "FakeOpenAI",
    "Hang",
    "InvalidJSON",
    "RateLimited",
    "Refusal",
    "Reply",
    "ServerError",
    "Step",
    "Truncated",
]

Responder = Callable[[dict[str, Any]], dict[str, Any] | str]
Result = tuple[int, dict[str, str], dict[str, Any]]

_AZURE_PATH = re.compile(r"/openai/deployments/(?P<deployment>[^/]+)/chat/completions")
_NO_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header"
    " using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
)
_AZURE_NO_KEY = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide"
    " a valid key for an active subscription and use a correct regional API endpoint."
)


class FakeOpenAI:
    """Context manager running the fake server; stops on exit or after `max_lifetime` seconds."""

    def __init__(
        self,
        *,
        profile: str = "openai",
        latency: float = 0.0,
        models: tuple[str, ...] = ("gpt-4o-mini", "test-model"),
        responder: Responder | None = None,
        max_lifetime: float = 300.0,
    ) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; expected one of {PROFILES}")
        self.profile = profile
        self.latency = latency
        self.models = models
        self.responder = responder
        self.max_lifetime = max_lifetime
        self.requests: list[dict[str, Any]] = []
        self._script: deque[Step] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._port = 0

    def __enter__(self) -> FakeOpenAI:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, "http://127.0.0.1:PORT/v1"."""
        return f"http://127.0.0.1:{self._port}/v1"

    @property
    def azure_endpoint(self) -> str:
        """The Azure-style endpoint; the client adds /openai/deployments/{model}/..."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def calls(self) -> int:
        """How many chat-completions requests arrived (rejected ones included)."""
        with self._lock:
            return len(self.requests)

    def script(self, *steps: Step) -> None:
        """Queue behaviours, consumed one per valid request; the responder answers after."""
        with self._lock:
            self._script.extend(steps)

    def start(self) -> None:
        """Start serving on a random port of 127.0.0.1."""
        if self._server is not None:
            return
        self._stopping.clear()
        self._server = _Server(self)
        self._port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._timer = threading.Timer(self.max_lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        """Stop serving and drop open connections (safe to call twice, from any thread)."""
        with self._lock:
            server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # wakes Hang steps and latency waits
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._timer is not None and self._timer is not threading.current_thread():
            self._timer.cancel()

    def handle_chat(
        self, raw: bytes, headers: Message, deployment: str | None, query: str
    ) -> Result:
        """Answer one chat-completions request (called from the server's threads)."""
        body = _parse_json(raw)
        with self._lock:
            self.requests.append(
                body if isinstance(body, dict) else {"_unparsed": raw.decode(errors="replace")}
            )
            serial = len(self.requests)
        if self.latency > 0:
            self._stopping.wait(self.latency)
        try:
            _check_auth(headers, azure=deployment is not None)
            if deployment is not None:
                self._check_deployment(deployment, query)
            mode = check_request(
                body, profile=self.profile, models=self.models, azure=deployment is not None
            )
            assert isinstance(body, dict)
            return 200, {}, self._complete(body, mode, serial, deployment)
        except ApiError as err:
            return err.status, err.headers, error_body(err, self.profile)

    def list_models(self, headers: Message) -> Result:
        """GET /v1/models."""
        try:
            _check_auth(headers, azure=False)
        except ApiError as err:
            return err.status, err.headers, error_body(err, self.profile)
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models]
        return 200, {}, {"object": "list", "data": data}

    def _check_deployment(self, deployment: str, query: str) -> None:
        if not parse_qs(query).get("api-version"):
            raise ApiError(404, "Resource not found", code="404")
        if deployment not in self.models:
            raise ApiError(
                404,
                "The API deployment for this resource does not exist. If you created the"
                " deployment within the last 5 minutes, please wait a moment and try again.",
                code="DeploymentNotFound",
            )

    def _complete(
        self, body: dict[str, Any], mode: Mode, serial: int, deployment: str | None
    ) -> dict[str, Any]:
        with self._lock:
            step: Step = self._script.popleft() if self._script else Reply()
        if isinstance(step, Hang):
            self._stopping.wait(step.seconds)
            step = Reply()
        model = deployment or str(body.get("model"))
        error = step_error(step, model)
        if error is not None:
            raise error
        answer = self._answer(body, mode)
        completion = build_completion(
            body, mode, step, answer=answer, profile=self.profile, serial=serial
        )
        return completion | {"model": model}

    def _answer(self, body: dict[str, Any], mode: Mode) -> str:
        try:
            answer = self.responder(body) if self.responder else default_answer(body, mode)
        except Exception as exc:  # a broken test responder must surface, not hang the client
            raise ApiError(500, f"fake responder failed: {exc!r}", type="server_error") from exc
        return answer if isinstance(answer, str) else json.dumps(answer)


def _parse_json(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _check_auth(headers: Message, *, azure: bool) -> None:
    bearer = str(headers.get("Authorization") or "")
    if bearer.startswith("Bearer ") and bearer[7:].strip():
        return
    if azure and str(headers.get("api-key") or "").strip():
        return
    if azure:
        raise ApiError(401, _AZURE_NO_KEY, code="401")
    raise ApiError(401, _NO_KEY)


class _Server(ThreadingHTTPServer):
    """Threaded server that tracks its connections so stop() can close kept-alive ones."""

    daemon_threads = True
    request_queue_size = 128  # the default 5 drops bursts of concurrent connections

    def __init__(self, fake: FakeOpenAI) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            open_sockets = list(self._open)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts, stop()) are normal here: stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes
    server: _Server

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        azure = _AZURE_PATH.fullmatch(url.path)
        if url.path != "/v1/chat/completions" and not azure:
            self._send_not_found("POST", url.path)
            return
        deployment = azure["deployment"] if azure else None
        try:
            result = self.server.fake.handle_chat(raw, self.headers, deployment, url.query)
        except Exception as exc:  # a bug in the fake: show it to the test, not a dropped socket
            err = ApiError(500, f"fake server bug: {exc!r}", type="server_error")
            result = err.status, {"x-should-retry": "false"}, error_body(err, "openai")
        self._send(*result)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/v1/models":
            self._send(*self.server.fake.list_models(self.headers))
        else:
            self._send_not_found("GET", url.path)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log lines."""

    def _send_not_found(self, method: str, path: str) -> None:
        err = ApiError(404, f"Invalid URL ({method} {path})")
        self._send(err.status, {}, error_body(err, self.server.fake.profile))

    def _send(self, status: int, headers: dict[str, str], body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-request-id", f"req_fake_{id(body):x}")
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (timeout) or stop() closed the socket
            self.close_connection = True
