"""Structured-output modes: how a request asks for JSON, and how the answer is read back.

``json_schema`` (strict structured outputs), ``tools`` (one strict function the model is
forced to call) and ``json_object`` (JSON mode with the schema in the prompt, and in
``response_format.schema`` for llama.cpp-style servers that accept it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from openai.types.chat import ChatCompletionMessage

from app.engine.wire import JsonSchema

TOOL_NAME = "record_result"
_UNSUPPORTED = re.compile(
    r"response_format|json_schema|json_object|tool|schema|strict|not supported|unsupported"
    r"|not implemented|--jinja",
    re.IGNORECASE,
)
Message = dict[str, Any]


@dataclass(frozen=True)
class ModePlan:
    """One way of asking for structured output."""

    mode: str  # json_schema | tools | json_object
    schema_in_body: bool = False  # json_object with response_format.schema (llama.cpp)


AUTO_CANDIDATES = (
    ModePlan("json_schema"),
    ModePlan("tools"),
    ModePlan("json_object", schema_in_body=True),
    ModePlan("json_object"),
)


def fixed_plan(mode: str) -> ModePlan:
    """The plan for a mode set in the configuration (no probing)."""
    return ModePlan(mode)


def says_unsupported(status: int | None, message: str) -> bool:
    """True when an error answer means "this structured-output mode is not supported here"."""
    return status in (400, 404, 422, 500, 501) and bool(_UNSUPPORTED.search(message))


def request_options(
    plan: ModePlan, messages: list[Message], schema: JsonSchema, name: str
) -> dict[str, Any]:
    """The ``chat.completions.create`` keyword arguments of ``plan`` (messages included)."""
    if plan.mode == "json_schema":
        spec = {"name": name, "schema": schema, "strict": True}
        return {
            "messages": messages,
            "response_format": {"type": "json_schema", "json_schema": spec},
        }
    if plan.mode == "tools":
        function = {
            "name": TOOL_NAME,
            "description": f"Record the {name}.",
            "parameters": schema,
            "strict": True,
        }
        return {
            "messages": messages,
            "tools": [{"type": "function", "function": function}],
            "tool_choice": {"type": "function", "function": {"name": TOOL_NAME}},
        }
    with_schema = _schema_in_prompt(messages, schema)
    if plan.schema_in_body:
        fmt = {"type": "json_object", "schema": schema}
        return {"messages": with_schema, "extra_body": {"response_format": fmt}}
    return {"messages": with_schema, "response_format": {"type": "json_object"}}


def _schema_in_prompt(messages: list[Message], schema: JsonSchema) -> list[Message]:
    """JSON mode does not enforce a schema: state it in the system message."""
    compact = json.dumps(schema, separators=(",", ":"))
    note = f"\n\nAnswer with one JSON object only, valid against this JSON schema:\n{compact}"
    first, *rest = messages
    return [{**first, "content": str(first["content"]) + note}, *rest]


def read_answer(message: ChatCompletionMessage) -> str | None:
    """The JSON text of an answer: the forced tool call's arguments, else the content."""
    for call in message.tool_calls or []:
        function = getattr(call, "function", None)
        if function is not None and function.arguments:
            return str(function.arguments)
    return message.content


def reask_messages(messages: list[Message], answer: str | None, errors: str) -> list[Message]:
    """The conversation plus the invalid answer and what was wrong with it."""
    return [
        *messages,
        {"role": "assistant", "content": answer or ""},
        {
            "role": "user",
            "content": (
                "Your answer was not valid JSON for the required schema:\n"
                f"{errors}\nAnswer again with the complete, corrected JSON object only."
            ),
        },
    ]
