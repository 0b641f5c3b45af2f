"""The fake model's default answers: schema-valid JSON taken from the user text."""

from __future__ import annotations

from typing import Any

import jsonschema  # type: ignore[import-untyped]

from tests.fakes.schema_answer import Phrases, instance_of

TEXT = "Analysts at PwC tied Sandman to KeyPlug. The group targets telecom firms in South Asia."


def test_schema_answer_respects_formats_bounds_and_item_counts() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "due": {"type": ["string", "null"], "format": "date"},
            "priority": {"type": "integer", "minimum": 2, "maximum": 5},
            "confidence": {"type": "number", "exclusiveMaximum": 0.3},
            "names": {"type": "array", "items": {"type": "string"}, "minItems": 3},
            "status": {"const": "open"},
        },
    }
    answer = instance_of(schema, Phrases(TEXT))
    jsonschema.validate(answer, schema)
    assert len(set(answer["names"])) == 3
    assert all(name in TEXT for name in answer["names"])


def test_schema_answer_ends_recursive_schemas() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#"}},
        },
    }
    answer = instance_of(schema, Phrases(TEXT))
    jsonschema.validate(answer, schema)


def test_schema_answer_quotes_whole_sentence_fragments_for_long_fields() -> None:
    schema = {"type": "object", "properties": {"quote": {"type": "string"}}}
    answer = instance_of(schema, Phrases(TEXT))
    assert answer["quote"] == "Analysts at PwC tied Sandman to KeyPlug"
