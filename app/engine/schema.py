"""The brief's JSON Schema, as committed under schemas/ and drift-tested."""

from __future__ import annotations

import json
from typing import Any

from app.engine.brief import Brief


def brief_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of the public brief."""
    schema = Brief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://precis.invalid/schemas/brief.schema.json"
    return schema


def render_brief_schema() -> str:
    """The schema as the stable text written to schemas/brief.schema.json."""
    return json.dumps(brief_json_schema(), indent=2, sort_keys=True) + "\n"
