"""The wire schema: what the model fills in, kept apart from the public brief.

It follows the strict structured-output rules (OpenAI, Azure, vLLM, llama.cpp grammars):
every object closes with ``additionalProperties: false``, every property is required, an
optional value is ``anyOf [T, null]``, and no ``minLength``/``pattern``/``format``/
``default``/``title`` keywords. ``strict_schema`` turns pydantic's output into that shape,
with every ``$ref`` inlined. Converting a wire result into brief pieces is ``wire_convert``'s
job alone.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.engine.brief import ActorType, IndicatorType, Priority, Relation

JsonSchema = dict[str, Any]
_DROP = frozenset(
    {
        "title",
        "default",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "uniqueItems",
        "examples",
    }
)


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WireActor(_Wire):
    name: str
    type: ActorType
    aliases: list[str]
    description: str | None
    evidence_quotes: list[str]


class WireLink(_Wire):
    source: str
    relation: Relation
    target: str
    confidence: float = Field(description="0 to 1")
    evidence_quote: str | None


class WireActionItem(_Wire):
    text: str
    priority: Priority | None
    owner: str | None
    due: str | None = Field(description="YYYY-MM-DD if stated")
    stated: bool = Field(description="false if you inferred it")
    rationale: str | None
    evidence_quote: str | None


class WireIndicator(_Wire):
    type: IndicatorType
    value: str
    as_written: str


class WireTechnique(_Wire):
    id: str = Field(description="ATT&CK id, e.g. T1059.001")
    evidence_quote: str | None


class WireTargets(_Wire):
    sectors: list[str]
    regions: list[str]


class WireExtraction(_Wire):
    """One chunk's extraction as the model returns it."""

    summary: str
    key_points: list[str]
    actors: list[WireActor]
    links: list[WireLink]
    action_items: list[WireActionItem]
    indicators: list[WireIndicator]
    techniques: list[WireTechnique]
    targets: WireTargets


class WireSummary(_Wire):
    """The reduce step's answer: one summary and the key points of the whole document."""

    summary: str
    key_points: list[str]


def strict_schema(model: type[BaseModel]) -> JsonSchema:
    """The strict structured-output JSON schema of a wire model, with every ``$ref`` inlined."""
    raw = model.model_json_schema()
    defs = raw.pop("$defs", {})
    cleaned: JsonSchema = _clean(raw, defs)
    return cleaned


@lru_cache(maxsize=8)
def _cached(model: type[BaseModel]) -> JsonSchema:
    return strict_schema(model)


def schema_for(model: type[BaseModel]) -> JsonSchema:
    """A copy of the (cached) strict schema of ``model``."""
    return copy.deepcopy(_cached(model))


def _clean(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_clean(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        extra = {k: v for k, v in node.items() if k != "$ref"}
        return _clean({**target, **extra}, defs)
    out = {k: _clean(v, defs) for k, v in node.items() if k not in _DROP}
    if "description" in out and ("enum" in out or out.get("type") == "object"):
        del out["description"]  # class docstrings add tokens, not meaning
    if out.get("type") == "object" and "properties" in out:
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    return out


def strict_violations(schema: JsonSchema, path: str = "$") -> list[str]:
    """Where ``schema`` breaks the strict rules (empty when it complies)."""
    problems: list[str] = []
    if isinstance(schema, dict):
        problems += [f"{path}: {key}" for key in schema if key in _DROP or key == "$ref"]
        if schema.get("type") == "object":
            props = schema.get("properties", {})
            if schema.get("additionalProperties") is not False:
                problems.append(f"{path}: additionalProperties must be false")
            if sorted(schema.get("required", [])) != sorted(props):
                problems.append(f"{path}: every property must be required")
        for key, value in schema.items():
            if isinstance(value, dict | list) and key != "enum":
                problems += strict_violations(value, f"{path}.{key}")  # type: ignore[arg-type]
    elif isinstance(schema, list):
        for i, item in enumerate(schema):
            problems += strict_violations(item, f"{path}[{i}]")
    return problems
