"""Shared inputs and client helpers for the fake OpenAI server's tests."""

from __future__ import annotations

from typing import Any

import openai
from openai.types.chat import ChatCompletionMessageParam

from tests.fakes.openai_server import FakeOpenAI

ARTICLE = (
    "SentinelOne reported that Sandman deployed LuaDream against telecom providers in the"
    " Middle East. Microsoft links the activity to STORM-0866, also tracked as Red Dev 40."
)
USER: list[ChatCompletionMessageParam] = [{"role": "user", "content": ARTICLE}]
EVIDENCE = {
    "type": "object",
    "properties": {"quote": {"type": "string"}},
    "required": ["quote"],
    "additionalProperties": False,
}
BRIEF = {
    "type": "object",
    "properties": {
        "summary": {"type": "string"},
        "kind": {"type": "string", "enum": ["article", "meeting_notes"]},
        "confidence": {"type": "number"},
        "actors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "alias": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "evidence": {"type": "array", "items": {"$ref": "#/$defs/evidence"}},
                },
                "required": ["name", "alias", "evidence"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["summary", "kind", "confidence", "actors"],
    "additionalProperties": False,
    "$defs": {"evidence": EVIDENCE},
}


def client(fake: FakeOpenAI, **options: Any) -> openai.AsyncOpenAI:
    """The real async client pointed at the fake, without retries unless asked."""
    options = {"max_retries": 0} | options
    return openai.AsyncOpenAI(base_url=fake.base_url, api_key="test", **options)


def json_schema_format(schema: object, *, strict: bool = True) -> Any:
    """A response_format asking for `schema` as structured output."""
    return {
        "type": "json_schema",
        "json_schema": {"name": "brief", "schema": schema, "strict": strict},
    }


async def ask(fake: FakeOpenAI, **params: Any) -> Any:
    """One chat completion with the seed text, `params` overriding the defaults."""
    async with client(fake) as api:
        return await api.chat.completions.create(
            **({"model": "gpt-4o-mini", "messages": USER} | params)
        )
