"""The edge to the model server: the openai client, request counting, modes and error wrapping.

Retries of 429/5xx/timeouts are the SDK's (it honours Retry-After); every HTTP attempt is
counted by an event hook on the client's own HTTP client, into the ``CallStats`` of the
extraction the request belongs to (a context variable, so concurrent extractions sharing one
client each count their own). In ``auto`` mode the structured-output mode is probed once per
endpoint (base URL + model) and remembered for the process.
"""

from __future__ import annotations

import asyncio
import os
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import openai
from openai.types.chat import ChatCompletion
from openai.types.completion_usage import CompletionUsage

from app.engine.llm_config import DEFAULT_AZURE_API_VERSION, LLMConfig
from app.engine.llm_errors import LLMRequestError, LLMUnavailableError, UnsupportedModeError
from app.engine.llm_modes import (
    AUTO_CANDIDATES,
    Message,
    ModePlan,
    fixed_plan,
    request_options,
    says_unsupported,
)
from app.engine.wire import JsonSchema

_KNOWN_MODES: dict[tuple[str, str], ModePlan] = {}


@dataclass
class CallStats:
    """What one extraction cost: HTTP attempts (retries included) and tokens."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add_usage(self, usage: CompletionUsage | None) -> None:
        """Add a completion's token usage."""
        if usage is not None:
            self.prompt_tokens += usage.prompt_tokens or 0
            self.completion_tokens += usage.completion_tokens or 0


current_stats: ContextVar[CallStats | None] = ContextVar("precis_llm_stats", default=None)


def forget_modes() -> None:
    """Forget every probed mode (tests; or after a server was upgraded)."""
    _KNOWN_MODES.clear()


async def _count_request(request: object) -> None:
    stats = current_stats.get()
    if stats is not None:
        stats.calls += 1


def build_client(config: LLMConfig) -> openai.AsyncOpenAI:
    """An ``AsyncOpenAI`` (or ``AsyncAzureOpenAI``) whose HTTP requests are counted."""
    http_client = openai.DefaultAsyncHttpxClient(event_hooks={"request": [_count_request]})
    if config.azure_endpoint:
        return openai.AsyncAzureOpenAI(
            azure_endpoint=config.azure_endpoint,
            api_key=config.azure_api_key or config.api_key,
            api_version=config.azure_api_version or DEFAULT_AZURE_API_VERSION,
            timeout=config.timeout,
            max_retries=config.max_retries,
            http_client=http_client,
        )
    return openai.AsyncOpenAI(
        base_url=config.base_url,
        # Local servers (llama.cpp, Ollama, vLLM) need no key, but the SDK insists on one.
        api_key=config.api_key or os.environ.get("OPENAI_API_KEY") or "no-key",
        timeout=config.timeout,
        max_retries=config.max_retries,
        http_client=http_client,
    )


class LLMClient:
    """One client per extractor and event loop, with the extractor's concurrency limit."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self.client = build_client(config)
        self.semaphore = asyncio.Semaphore(config.max_concurrency)
        self._probe_lock = asyncio.Lock()
        self._token_param = (
            "max_completion_tokens"
            if config.azure_endpoint or not config.base_url
            else "max_tokens"
        )

    @property
    def endpoint_key(self) -> tuple[str, str]:
        """Which endpoint a probed mode belongs to."""
        return (self.config.endpoint, self.config.model)

    def known_plan(self) -> ModePlan | None:
        """The mode to use, when configured or already probed."""
        if self.config.mode != "auto":
            return fixed_plan(self.config.mode)
        return _KNOWN_MODES.get(self.endpoint_key)

    def candidate_plans(self) -> tuple[ModePlan, ...]:
        """Plans a stored result may have been made with (the known one, or all in auto)."""
        plan = self.known_plan()
        return (plan,) if plan is not None else AUTO_CANDIDATES

    async def complete(
        self, messages: list[Message], schema: JsonSchema, name: str
    ) -> tuple[ModePlan, ChatCompletion]:
        """Send one request in the endpoint's mode, probing for it first when unknown."""
        plan = self.known_plan()
        if plan is None:
            async with self._probe_lock:
                plan = self.known_plan()
                if plan is None:
                    return await self._probe(messages, schema, name)
        return plan, await self.send(plan, messages, schema, name)

    async def _probe(
        self, messages: list[Message], schema: JsonSchema, name: str
    ) -> tuple[ModePlan, ChatCompletion]:
        last: UnsupportedModeError | None = None
        for plan in AUTO_CANDIDATES:
            try:
                completion = await self.send(plan, messages, schema, name)
            except UnsupportedModeError as exc:
                last = exc
                continue
            _KNOWN_MODES[self.endpoint_key] = plan
            return plan, completion
        raise UnsupportedModeError(
            "the endpoint accepts none of json_schema, tools, json_object",
            status=last.status if last else None,
            original=last,
        )

    async def send(
        self, plan: ModePlan, messages: list[Message], schema: JsonSchema, name: str
    ) -> ChatCompletion:
        """One ``chat.completions.create`` (SDK retries included), SDK errors wrapped."""
        options: dict[str, Any] = request_options(plan, messages, schema, name)
        options[self._token_param] = self.config.max_output_tokens
        async with self.semaphore:
            try:
                completion: ChatCompletion = await self.client.chat.completions.create(
                    model=self.config.model, **options
                )
            except openai.APIConnectionError as exc:  # timeouts included
                raise LLMUnavailableError(f"{type(exc).__name__}: {exc}", original=exc) from exc
            except openai.APIStatusError as exc:
                raise _status_error(exc, plan) from exc
        return completion

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.client.close()


def _status_error(exc: openai.APIStatusError, plan: ModePlan) -> LLMRequestError:
    detail = f"{exc.status_code} from the model server: {exc.message}"
    if says_unsupported(exc.status_code, f"{exc.message} {exc.body}"):
        return UnsupportedModeError(
            f"{plan.mode} refused: {detail}", status=exc.status_code, original=exc
        )
    return LLMRequestError(detail, status=exc.status_code, original=exc)
