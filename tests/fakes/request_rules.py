"""How each server profile validates a chat-completions request, with the real error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.schema_answer import message_text
from tests.fakes.strict_schema import AZURE_LIMITS, OPENAI_LIMITS, JsonSchema, strict_schema_error

PROFILES = ("openai", "llamacpp", "no_strict")
_ROLES = ("system", "developer", "user", "assistant", "tool", "function")
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass
class ApiError(Exception):
    """An error response: HTTP status plus the fields of the provider's error body."""

    status: int
    message: str
    type: str = "invalid_request_error"
    param: str | None = None
    code: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Mode:
    """What a valid request asks the model to produce."""

    schema: JsonSchema | None = None
    tool: str | None = None  # answer with a call to this function
    forced_tool: bool = False  # tool_choice named the function
    json: bool = False


def error_body(err: ApiError, profile: str) -> dict[str, Any]:
    """The error body in the shape the profile's server sends."""
    if profile == "llamacpp":  # llama.cpp server: {"error": {"code": 400, "message", "type"}}
        return {"error": {"code": err.status, "message": err.message, "type": err.type}}
    if profile == "no_strict":  # vLLM: a top-level error object
        return {"object": "error", "message": err.message, "type": err.type, "code": err.status}
    return {
        "error": {"message": err.message, "type": err.type, "param": err.param, "code": err.code}
    }


def check_request(body: object, *, profile: str, models: tuple[str, ...], azure: bool) -> Mode:
    """Validate a request body like the profile's server; raise ApiError or return the Mode."""
    if not isinstance(body, dict):
        raise ApiError(400, "We could not parse the JSON body of your request.")
    if not azure:
        _check_model(body, profile, models)
    _check_messages(body.get("messages"))
    if body.get("stream"):
        raise ApiError(400, "streaming not supported by fake", param="stream")
    if profile == "llamacpp" and body.get("n", 1) != 1:
        raise ApiError(400, "Only one completion choice is allowed")
    mode = _check_response_format(body, profile, azure)
    tool_mode = _check_tools(body, profile, azure)
    return tool_mode if tool_mode.tool else mode


def _check_model(body: dict[str, Any], profile: str, models: tuple[str, ...]) -> None:
    model = body.get("model")
    if not model:
        raise ApiError(400, "you must provide a model parameter")
    if profile != "llamacpp" and model not in models:  # llama.cpp serves whatever is loaded
        raise ApiError(
            404,
            f"The model `{model}` does not exist or you do not have access to it.",
            code="model_not_found",
        )


def _check_messages(messages: object) -> None:
    if messages is None:
        raise ApiError(
            400,
            "Missing required parameter: 'messages'.",
            param="messages",
            code="missing_required_parameter",
        )
    if not isinstance(messages, list) or not messages:
        raise ApiError(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1,"
            " but got an empty array instead.",
            param="messages",
            code="empty_array",
        )
    for i, message in enumerate(messages):
        _check_message(i, message)


def _check_message(i: int, message: object) -> None:
    role = message.get("role") if isinstance(message, dict) else None
    if role not in _ROLES:
        raise ApiError(
            400,
            f"Invalid value: '{role}'. Supported values are: 'system', 'assistant', 'user',"
            " 'function', 'tool', and 'developer'.",
            param=f"messages[{i}].role",
            code="invalid_value",
        )
    assert isinstance(message, dict)
    content = message.get("content")
    optional = role == "assistant" and (message.get("tool_calls") or message.get("refusal"))
    if content is None and not optional:
        raise ApiError(
            400,
            f"Missing required parameter: 'messages[{i}].content'.",
            param=f"messages[{i}].content",
            code="missing_required_parameter",
        )
    if content is not None and not isinstance(content, str | list):
        raise ApiError(
            400,
            f"Invalid type for 'messages[{i}].content': expected one of a string or array"
            " of objects.",
            param=f"messages[{i}].content",
            code="invalid_type",
        )
    if role == "tool" and not message.get("tool_call_id"):
        raise ApiError(
            400,
            f"Missing required parameter: 'messages[{i}].tool_call_id'.",
            param=f"messages[{i}].tool_call_id",
            code="missing_required_parameter",
        )


def _check_response_format(body: dict[str, Any], profile: str, azure: bool) -> Mode:
    fmt = body.get("response_format")
    if fmt is None:
        return Mode()
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if profile == "llamacpp":
        return _llamacpp_format(fmt, kind)
    if kind == "text":
        return Mode()
    if kind == "json_object":
        return _json_object_format(body, fmt, profile)
    if kind == "json_schema":
        return _json_schema_format(fmt, profile, azure)
    raise ApiError(
        400,
        f"Invalid value: '{kind}'. Supported values are: 'text', 'json_object', and 'json_schema'.",
        param="response_format.type",
        code="invalid_value",
    )


def _llamacpp_format(fmt: Any, kind: object) -> Mode:
    if kind == "json_object":
        schema = fmt.get("schema")
        return Mode(schema=schema if isinstance(schema, dict) else None, json=True)
    if kind in ("text", None, ""):
        return Mode()
    raise ApiError(
        400, f'response_format type must be one of "text" or "json_object", but got: {kind}'
    )


def _json_object_format(body: dict[str, Any], fmt: dict[str, Any], profile: str) -> Mode:
    if profile != "openai":
        schema = fmt.get("schema")
        return Mode(schema=schema if isinstance(schema, dict) else None, json=True)
    if "schema" in fmt:
        raise ApiError(
            400,
            "Unknown parameter: 'response_format.schema'.",
            param="response_format.schema",
            code="unknown_parameter",
        )
    if "json" not in " ".join(message_text(m) for m in body["messages"]).lower():
        raise ApiError(
            400,
            "'messages' must contain the word 'json' in some form, to use 'response_format'"
            " of type 'json_object'.",
            param="messages",
        )
    return Mode(json=True)


def _json_schema_format(fmt: dict[str, Any], profile: str, azure: bool) -> Mode:
    spec = fmt.get("json_schema")
    if not isinstance(spec, dict) or "name" not in spec:
        raise ApiError(
            400,
            "Missing required parameter: 'response_format.json_schema.name'.",
            param="response_format.json_schema.name",
            code="missing_required_parameter",
        )
    name, schema = str(spec["name"]), spec.get("schema")
    if not _NAME.fullmatch(name):
        raise ApiError(
            400,
            f"Invalid 'response_format.json_schema.name': string does not match pattern."
            f" Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'. Got '{name}'.",
            param="response_format.json_schema.name",
            code="invalid_value",
        )
    if spec.get("strict") is True and profile == "openai":
        problem = strict_schema_error(schema, AZURE_LIMITS if azure else OPENAI_LIMITS)
        if problem:
            raise ApiError(
                400,
                f"Invalid schema for response_format '{name}': {problem}",
                param="response_format",
            )
    return Mode(schema=schema if isinstance(schema, dict) else None, json=True)


def _check_tools(body: dict[str, Any], profile: str, azure: bool) -> Mode:
    tools = body.get("tools")
    if not tools:
        return Mode()
    if profile == "llamacpp":
        raise ApiError(400, "tools param requires --jinja flag")
    functions: dict[str, JsonSchema] = {}
    for i, tool in enumerate(tools):
        name, params = _check_tool(i, tool, profile, azure)
        functions[name] = params
    choice = body.get("tool_choice", "auto")
    if choice == "none":
        return Mode()
    if isinstance(choice, dict):
        wanted = str((choice.get("function") or {}).get("name", ""))
        if wanted not in functions:
            raise ApiError(
                400,
                f"Invalid value for 'tool_choice': function '{wanted}' not found in tools.",
                param="tool_choice",
                code="invalid_value",
            )
        return Mode(schema=functions[wanted], tool=wanted, forced_tool=True, json=True)
    first = next(iter(functions))
    return Mode(schema=functions[first], tool=first, json=True)


def _check_tool(i: int, tool: object, profile: str, azure: bool) -> tuple[str, JsonSchema]:
    function = tool.get("function") if isinstance(tool, dict) else None
    if not isinstance(tool, dict) or tool.get("type") != "function" or not function:
        raise ApiError(
            400,
            f"Missing required parameter: 'tools[{i}].function'.",
            param=f"tools[{i}].function",
            code="missing_required_parameter",
        )
    name = str(function.get("name", ""))
    if not _NAME.fullmatch(name):
        raise ApiError(
            400,
            f"Invalid 'tools[{i}].function.name': string does not match pattern. Expected a"
            f" string that matches the pattern '^[a-zA-Z0-9_-]+$'. Got '{name}'.",
            param=f"tools[{i}].function.name",
            code="invalid_value",
        )
    params = function.get("parameters") or {
        "type": "object",
        "properties": {},
        "required": [],
        "additionalProperties": False,
    }
    if function.get("strict") is True and profile == "openai":
        problem = strict_schema_error(params, AZURE_LIMITS if azure else OPENAI_LIMITS)
        if problem:
            raise ApiError(
                400,
                f"Invalid schema for function '{name}': {problem}",
                param=f"tools[{i}].function.parameters",
                code="invalid_function_parameters",
            )
    return name, params
