"""The structured-outputs strict-mode schema rules, as OpenAI and Azure OpenAI enforce them.

Sources: OpenAI "Structured model outputs → Supported schemas" (up to 5000 object properties,
10 levels of nesting, 120,000 characters of names and enum values, 1000 enum values; `pattern`,
`format`, numeric bounds and `minItems`/`maxItems` supported) and the Azure OpenAI page, which
still documents the first limits (100 properties, 5 levels, none of those constraint keywords).
Code that passes the Azure rules passes both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

JsonSchema = dict[str, Any]

# Refused everywhere: composition other than anyOf, object/array/string keywords OpenAI lists
# as unsupported, and `default` (the API answers "'default' is not permitted").
_ALWAYS_REFUSED = frozenset(
    {
        "allOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "dependentRequired",
        "dependentSchemas",
        "patternProperties",
        "unevaluatedProperties",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "unevaluatedItems",
        "contains",
        "minContains",
        "maxContains",
        "uniqueItems",
        "prefixItems",
        "minLength",
        "maxLength",
        "default",
    }
)
# Supported by OpenAI since late 2024, still listed as unsupported for Azure OpenAI.
_NEWER_CONSTRAINTS = frozenset(
    {
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
    }
)
_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)
_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})
_TYPE_MARKERS = ("type", "anyOf", "$ref", "enum", "const")


@dataclass(frozen=True)
class StrictLimits:
    """The limits and refused keywords of one provider's strict mode."""

    max_depth: int
    max_properties: int
    max_total_chars: int
    max_enum_values: int
    refused: frozenset[str]


OPENAI_LIMITS = StrictLimits(10, 5000, 120_000, 1000, _ALWAYS_REFUSED)
AZURE_LIMITS = StrictLimits(5, 100, 15_000, 500, _ALWAYS_REFUSED | _NEWER_CONSTRAINTS)


class StrictSchemaError(ValueError):
    """A schema that strict mode refuses; the message reads like the real API's."""


def strict_schema_error(schema: object, limits: StrictLimits = OPENAI_LIMITS) -> str | None:
    """Return why strict mode refuses `schema`, or None when it is accepted."""
    try:
        _Checker(schema, limits).check()
    except StrictSchemaError as exc:
        return str(exc)
    return None


def resolve_ref(root: JsonSchema, ref: str) -> JsonSchema:
    """Resolve a local `$ref` ("#", "#/$defs/X", any JSON pointer) against `root`."""
    if not ref.startswith("#"):
        raise StrictSchemaError(f"Invalid $ref '{ref}': only local references are supported.")
    node: Any = root
    for part in [p for p in ref[1:].split("/") if p]:
        key = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or key not in node:
            raise StrictSchemaError(f"Invalid $ref '{ref}': no such definition.")
        node = node[key]
    if not isinstance(node, dict):
        raise StrictSchemaError(f"Invalid $ref '{ref}': not a schema.")
    return node


def schema_types(node: JsonSchema) -> list[str]:
    """The node's `type` as a list (empty when absent)."""
    value = node.get("type")
    if isinstance(value, str):
        return [value]
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _fail(path: tuple[str, ...], message: str) -> StrictSchemaError:
    return StrictSchemaError(f"In context={path!r}, {message}")


class _Checker:
    """Walks a schema once, checking every node, then the whole-schema limits."""

    def __init__(self, schema: object, limits: StrictLimits) -> None:
        self.root: Any = schema
        self.limits = limits
        self.properties = 0
        self.enum_values = 0
        self.chars = 0

    def check(self) -> None:
        root = self.root
        if not isinstance(root, dict) or "anyOf" in root or root.get("type") != "object":
            got = root.get("type") if isinstance(root, dict) else type(root).__name__
            raise StrictSchemaError(
                f"schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{got}\"'."
            )
        self._visit(root, ())
        for key in ("$defs", "definitions"):
            for name, sub in (root.get(key) or {}).items():
                self.chars += len(name)
                self._visit(sub, (key, name))
        self._check_totals()

    def _visit(self, node: object, path: tuple[str, ...]) -> None:
        if not isinstance(node, dict):
            raise _fail(path, "schema must be a JSON object.")
        for keyword in node:
            if keyword in self.limits.refused:
                raise _fail(path, f"'{keyword}' is not permitted.")
        if not any(marker in node for marker in _TYPE_MARKERS):
            raise _fail(path, "schema must have a 'type' key.")
        if "$ref" in node:
            resolve_ref(self.root, str(node["$ref"]))
        self._check_scalars(node, path)
        if "object" in schema_types(node) or "properties" in node:
            self._check_object(node, path)
        if "items" in node:
            self._visit(node["items"], (*path, "items"))
        for i, branch in enumerate(node.get("anyOf") or []):
            self._visit(branch, (*path, "anyOf", str(i)))

    def _check_scalars(self, node: JsonSchema, path: tuple[str, ...]) -> None:
        for name in schema_types(node):
            if name not in _TYPES:
                raise _fail(path, f"type '{name}' is not permitted.")
        fmt = node.get("format")
        if fmt is not None and fmt not in _FORMATS:
            raise _fail(path, f"format '{fmt}' is not permitted.")
        enum = node.get("enum")
        if isinstance(enum, list):
            self.enum_values += len(enum)
            self.chars += sum(len(v) for v in enum if isinstance(v, str))
        if isinstance(node.get("const"), str):
            self.chars += len(node["const"])

    def _check_object(self, node: JsonSchema, path: tuple[str, ...]) -> None:
        props: dict[str, Any] = node.get("properties") or {}
        if node.get("additionalProperties") is not False:
            raise _fail(path, "'additionalProperties' is required to be supplied and to be false.")
        required = node.get("required")
        listed = required if isinstance(required, list) else []
        missing = [key for key in props if key not in listed]
        if missing or not isinstance(required, list):
            raise _fail(
                path,
                "'required' is required to be supplied and to be an array including every key"
                f" in properties. Missing '{missing[0] if missing else ''}'.",
            )
        extra = [key for key in listed if key not in props]
        if extra:
            raise _fail(path, f"Extra required key '{extra[0]}' supplied.")
        self.properties += len(props)
        self.chars += sum(len(key) for key in props)
        for key, sub in props.items():
            self._visit(sub, (*path, "properties", key))

    def _check_totals(self) -> None:
        limits = self.limits
        depth = self._depth(self.root, frozenset({"#"}))
        if depth > limits.max_depth:
            raise StrictSchemaError(
                f"{depth} levels of nesting exceeds limit of {limits.max_depth}."
            )
        if self.properties > limits.max_properties:
            raise StrictSchemaError(
                f"{self.properties} object properties exceeds limit of {limits.max_properties}."
            )
        if self.enum_values > limits.max_enum_values:
            raise StrictSchemaError(
                f"{self.enum_values} enum values exceeds limit of {limits.max_enum_values}."
            )
        if self.chars > limits.max_total_chars:
            raise StrictSchemaError(
                f"total string length of {self.chars} exceeds limit of {limits.max_total_chars}."
            )

    def _depth(self, node: JsonSchema, seen: frozenset[str]) -> int:
        """Object nesting depth (the root object is level 1); recursion through $ref counts once."""
        ref = node.get("$ref")
        if isinstance(ref, str):
            return 0 if ref in seen else self._depth(resolve_ref(self.root, ref), seen | {ref})
        own = 1 if ("object" in schema_types(node) or "properties" in node) else 0
        children: list[JsonSchema] = list((node.get("properties") or {}).values())
        children += [node["items"]] if isinstance(node.get("items"), dict) else []
        children += list(node.get("anyOf") or [])
        return own + max((self._depth(child, seen) for child in children), default=0)
