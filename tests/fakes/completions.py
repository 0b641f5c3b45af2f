"""Scripted behaviours (steps) of the fake model and the chat-completion bodies they produce."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from tests.fakes.request_rules import ApiError, Mode
from tests.fakes.schema_answer import Phrases, instance_of, user_text


@dataclass(frozen=True)
class Reply:
    """A normal answer; content None → the responder's answer, dict → its JSON."""

    content: str | dict[str, Any] | None = None
    finish_reason: str = "stop"
    usage: dict[str, int] | None = None
    tool_call: bool | None = None  # None: a tool call when the request has tools


@dataclass(frozen=True)
class Refusal:
    """The model refuses (`message.refusal` on OpenAI; plain content on other servers)."""

    text: str = "I'm sorry, I can't help with that."


@dataclass(frozen=True)
class ContentFilter:
    """The output was withheld by the content filter (finish_reason content_filter)."""


@dataclass(frozen=True)
class RateLimited:
    """429 with Retry-After / retry-after-ms headers and an OpenAI rate-limit body."""

    retry_after: float = 1.0


@dataclass(frozen=True)
class ServerError:
    """A 5xx answer with an OpenAI server_error body."""

    status: int = 500


@dataclass(frozen=True)
class Hang:
    """Wait `seconds` before answering normally (to trigger the client's timeout)."""

    seconds: float


@dataclass(frozen=True)
class InvalidJSON:
    """200, finish_reason stop, content that does not parse as JSON."""

    content: str | None = None  # None → the normal answer cut in half


@dataclass(frozen=True)
class Truncated:
    """200, finish_reason length, the normal answer cut mid-JSON."""


Step = Reply | Refusal | ContentFilter | RateLimited | ServerError | Hang | InvalidJSON | Truncated


def step_error(step: Step, model: str) -> ApiError | None:
    """The HTTP error a step stands for, or None when it yields a completion."""
    if isinstance(step, RateLimited):
        headers = {
            "retry-after": str(max(1, round(step.retry_after))),
            "retry-after-ms": str(int(step.retry_after * 1000)),
            "x-ratelimit-remaining-requests": "0",
        }
        message = (
            f"Rate limit reached for {model} on requests per min (RPM): Limit 3, Used 3,"
            f" Requested 1. Please try again in {step.retry_after}s."
        )
        return ApiError(429, message, type="requests", code="rate_limit_exceeded", headers=headers)
    if isinstance(step, ServerError):
        message = "The server had an error while processing your request. Sorry about that!"
        return ApiError(step.status, message, type="server_error")
    return None


def default_answer(request: dict[str, Any], mode: Mode) -> dict[str, Any] | str:
    """The fake model's own answer: schema-valid JSON built from the user text, or prose."""
    phrases = Phrases(user_text(request))
    if mode.schema is not None:
        return instance_of(mode.schema, phrases)  # type: ignore[no-any-return]
    if mode.json:
        return {"summary": phrases.take("summary")}
    return phrases.take("summary")


def build_completion(
    request: dict[str, Any], mode: Mode, step: Step, *, answer: str, profile: str, serial: int
) -> dict[str, Any]:
    """The chat.completion body for a request answered by `step`."""
    message, finish = _message(mode, step, answer, profile, serial)
    message, finish = _apply_max_tokens(request, message, finish)
    text = message.get("content") or "".join(
        c["function"]["arguments"] for c in message.get("tool_calls", [])
    )
    choices = [
        {"index": i, "message": message, "logprobs": None, "finish_reason": finish}
        for i in range(int(request.get("n") or 1))
    ]
    usage = _usage(request, str(text))
    if isinstance(step, Reply) and step.usage:
        usage.update(step.usage)
    return {
        "id": f"chatcmpl-fake{serial:06d}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(request.get("model") or "deployment"),
        "system_fingerprint": "fp_fake",
        "choices": choices,
        "usage": usage,
    }


def _message(
    mode: Mode, step: Step, answer: str, profile: str, serial: int
) -> tuple[dict[str, Any], str]:
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if profile == "openai":
        message |= {"refusal": None, "annotations": []}
    if isinstance(step, Refusal):
        message["refusal" if profile == "openai" else "content"] = step.text
        return message, "stop"
    if isinstance(step, ContentFilter):
        return message, "content_filter"
    text, finish, tool_call = _text_and_finish(step, answer)
    use_tool = mode.tool is not None and tool_call is not False
    if not use_tool:
        message["content"] = text
        return message, finish
    call = {"name": mode.tool, "arguments": text}
    message["tool_calls"] = [{"id": f"call_fake{serial:06d}", "type": "function", "function": call}]
    if finish == "stop" and not mode.forced_tool:  # a named tool_choice ends with "stop"
        finish = "tool_calls"
    return message, finish


def _text_and_finish(step: Step, answer: str) -> tuple[str, str, bool | None]:
    if isinstance(step, Reply):
        content = step.content
        text = answer if content is None else content
        text = text if isinstance(text, str) else json.dumps(text)
        return text, step.finish_reason, step.tool_call
    if isinstance(step, InvalidJSON):
        return step.content if step.content is not None else _cut(answer), "stop", None
    if isinstance(step, Truncated):
        return _cut(answer), "length", None
    return answer, "stop", None


def _cut(text: str) -> str:
    """A proper prefix of `text`: never valid JSON when `text` is a JSON object."""
    return text[: max(1, len(text) // 2)]


def _apply_max_tokens(
    request: dict[str, Any], message: dict[str, Any], finish: str
) -> tuple[dict[str, Any], str]:
    """Cut the content at max_tokens (≈4 characters a token), like a real model stops."""
    limit = request.get("max_completion_tokens") or request.get("max_tokens")
    content = message.get("content")
    if not isinstance(limit, int) or not isinstance(content, str) or len(content) <= limit * 4:
        return message, finish
    return message | {"content": content[: limit * 4]}, "length"


def _usage(request: dict[str, Any], text: str) -> dict[str, int]:
    prompt = json.dumps(request.get("messages"))
    prompt += json.dumps(request.get("response_format") or request.get("tools") or "")
    prompt_tokens, completion_tokens = max(1, len(prompt) // 4), max(1, len(text) // 4)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
