"""The strict-mode rules the fake applies to structured-output and strict-tool schemas."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.strict_schema import AZURE_LIMITS, OPENAI_LIMITS, strict_schema_error


def strict_object(properties: dict[str, Any]) -> dict[str, Any]:
    """An object schema that follows the strict rules."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def nested(levels: int) -> dict[str, Any]:
    """`levels` objects, each inside the previous one."""
    schema = strict_object({"leaf": {"type": "string"}})
    for _ in range(levels - 1):
        schema = strict_object({"child": schema})
    return schema


def test_strict_schema_counts_nesting_levels_against_each_provider() -> None:
    assert strict_schema_error(nested(5), AZURE_LIMITS) is None
    assert strict_schema_error(nested(6), AZURE_LIMITS) == "6 levels of nesting exceeds limit of 5."
    assert strict_schema_error(nested(10), OPENAI_LIMITS) is None
    assert "11 levels of nesting" in str(strict_schema_error(nested(11), OPENAI_LIMITS))


def test_strict_schema_counts_object_properties_across_the_schema() -> None:
    wide = strict_object({f"field_{i}": {"type": "string"} for i in range(101)})
    assert "101 object properties exceeds limit of 100" in str(
        strict_schema_error(wide, AZURE_LIMITS)
    )
    assert strict_schema_error(wide, OPENAI_LIMITS) is None


def test_strict_schema_accepts_recursive_refs() -> None:
    node = strict_object({"name": {"type": "string"}, "children": {"type": "array"}})
    node["properties"]["children"]["items"] = {"$ref": "#/$defs/node"}
    schema = strict_object({"root": {"$ref": "#/$defs/node"}}) | {"$defs": {"node": node}}
    tree = strict_object({"name": {"type": "string"}, "parent": {"anyOf": [{"$ref": "#"}]}})
    assert strict_schema_error(schema) is None
    assert strict_schema_error(tree) is None


@pytest.mark.parametrize(
    ("schema", "complaint"),
    [
        ({"type": "array", "items": {"type": "string"}}, "schema must be a JSON Schema of"),
        ({"anyOf": [nested(1)]}, "schema must be a JSON Schema of"),
        (strict_object({"a": {"$ref": "#/$defs/missing"}}), "Invalid $ref"),
        (strict_object({"a": {"type": "string", "format": "uri"}}), "format 'uri'"),
        (strict_object({"a": {"type": "object"}}), "'additionalProperties' is required"),
        (strict_object({"a": {"oneOf": [{"type": "string"}]}}), "'oneOf' is not permitted"),
        (nested(1) | {"required": ["leaf", "ghost"]}, "Extra required key 'ghost'"),
    ],
)
def test_strict_schema_refuses_what_the_api_refuses(schema: Any, complaint: str) -> None:
    assert complaint in str(strict_schema_error(schema))


def test_strict_schema_names_the_offending_context() -> None:
    schema = strict_object({"actors": {"type": "array", "items": {"type": "object"}}})
    error = strict_schema_error(schema)
    assert error is not None
    assert error.startswith("In context=('properties', 'actors', 'items'), ")


def test_strict_schema_allows_keyword_names_as_property_names() -> None:
    schema = strict_object({"default": {"type": "string"}, "minLength": {"type": "integer"}})
    assert strict_schema_error(schema, AZURE_LIMITS) is None


def test_strict_schema_allows_newer_constraints_on_openai_only() -> None:
    schema = strict_object({"due": {"type": "string", "format": "date"}})
    schema["properties"]["score"] = {"type": "number", "minimum": 0, "maximum": 1}
    schema["required"].append("score")
    assert strict_schema_error(schema, OPENAI_LIMITS) is None
    assert "'format' is not permitted" in str(strict_schema_error(schema, AZURE_LIMITS))
