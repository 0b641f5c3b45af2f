"""The fake model's default answer: JSON that validates against the requested schema.

Strings are taken from the request's user text (capitalised words for names, verbatim sentence
fragments for summaries and quotes), so a default answer is grounded in the input.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fakes.strict_schema import JsonSchema, resolve_ref, schema_types

_NAME = re.compile(r"\b[A-Z][A-Za-z0-9][\w-]*")
_SENTENCE = re.compile(r"[^.!?\n]+")
_FRAGMENT = re.compile(r"\S+(?:[ \t]+\S+){0,15}")
_STOP = frozenset(
    "The This That These Those There And But For With From Into When Where What Which"  # noqa: SIM905
    " While Return Extract Answer Give List Use Only You Your Please Text Article JSON".split()
)
_LONG_KEYS = (
    "summary",
    "text",
    "quote",
    "description",
    "rationale",
    "title",
    "evidence",
    "excerpt",
    "point",
    "detail",
    "reason",
)
_FORMAT_VALUES = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "analyst@example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
_MAX_DEPTH = 8


def message_text(message: object) -> str:
    """The text of one chat message (string content or text parts)."""
    if not isinstance(message, dict):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def user_text(request: dict[str, Any]) -> str:
    """The last user message's text (or, failing that, all messages' text)."""
    messages = [m for m in request.get("messages") or [] if isinstance(m, dict)]
    users = [message_text(m) for m in messages if m.get("role") == "user"]
    return users[-1] if users else "\n".join(message_text(m) for m in messages)


class Phrases:
    """Rotating supply of names and sentence fragments taken from a text."""

    def __init__(self, text: str) -> None:
        names = [w for w in _NAME.findall(text) if w not in _STOP]
        self.names = list(dict.fromkeys(names)) or ["Example"]
        spans = [s.strip() for s in _SENTENCE.findall(text)]
        fragments = [m.group(0) for s in spans if (m := _FRAGMENT.match(s)) and len(s.split()) > 3]
        self.sentences = fragments or [text.strip()[:120] or "No text was given."]
        self._next = {"name": 0, "sentence": 0}

    def take(self, key: str) -> str:
        """The next phrase suited to a property named `key`."""
        kind = "sentence" if any(k in key.lower() for k in _LONG_KEYS) else "name"
        pool = self.sentences if kind == "sentence" else self.names
        index = self._next[kind]
        self._next[kind] = index + 1
        return pool[index % len(pool)]


def instance_of(schema: JsonSchema, phrases: Phrases, *, root: JsonSchema | None = None) -> Any:
    """Build a value that validates against `schema`, walking objects, arrays, anyOf and $ref."""
    return _value(schema, root if root is not None else schema, phrases, "value", 0)


def _value(node: JsonSchema, root: JsonSchema, phrases: Phrases, key: str, depth: int) -> Any:
    if "$ref" in node:
        return _value(resolve_ref(root, str(node["$ref"])), root, phrases, key, depth)
    if "const" in node:
        return node["const"]
    if isinstance(node.get("enum"), list) and node["enum"]:
        return node["enum"][0]
    branches = [b for b in node.get("anyOf") or node.get("oneOf") or [] if isinstance(b, dict)]
    if branches:
        return _value(_pick_branch(branches, depth), root, phrases, key, depth)
    types = schema_types(node)
    kind = next((t for t in types if t != "null"), "null" if types else "")
    if kind == "null" or ("null" in types and depth >= _MAX_DEPTH):
        return None
    if kind == "object" or "properties" in node:
        props: dict[str, Any] = node.get("properties") or {}
        return {k: _value(v, root, phrases, k, depth + 1) for k, v in props.items()}
    if kind == "array":
        return _array(node, root, phrases, key, depth)
    return _scalar(node, kind, phrases, key)


def _pick_branch(branches: list[JsonSchema], depth: int) -> JsonSchema:
    """The first non-null branch, or the null branch once deep in a recursive schema."""
    nulls = [b for b in branches if schema_types(b) == ["null"]]
    others = [b for b in branches if b not in nulls]
    if nulls and (depth >= _MAX_DEPTH or not others):
        return nulls[0]
    return others[0] if others else branches[0]


def _array(node: JsonSchema, root: JsonSchema, phrases: Phrases, key: str, depth: int) -> Any:
    low = int(node.get("minItems", 0))
    count = max(1, low) if depth < _MAX_DEPTH else low
    count = min(count, int(node.get("maxItems", count)))
    items = node.get("items")
    item_schema: JsonSchema = items if isinstance(items, dict) else {"type": "string"}
    return [_value(item_schema, root, phrases, key, depth + 1) for _ in range(count)]


def _scalar(node: JsonSchema, kind: str, phrases: Phrases, key: str) -> Any:
    if kind == "boolean":
        return True
    if kind in ("number", "integer"):
        value: float = 1 if kind == "integer" else 0.5
        low = node.get("minimum", node.get("exclusiveMinimum"))
        high = node.get("maximum", node.get("exclusiveMaximum"))
        if isinstance(low, int | float) and value <= low:
            value = low + (1 if kind == "integer" else 0.5) * ("exclusiveMinimum" in node)
        if isinstance(high, int | float) and value >= high:
            value = high - (1 if kind == "integer" else 0.5) * ("exclusiveMaximum" in node)
        return int(value) if kind == "integer" else value
    fmt = node.get("format")
    if isinstance(fmt, str) and fmt in _FORMAT_VALUES:
        return _FORMAT_VALUES[fmt]
    return phrases.take(key)
