"""The wire schema obeys strict structured-output rules; wire answers become grounded pieces."""

from __future__ import annotations

from typing import Any

import pytest

from app.engine.brief import Origin, action_item_id
from app.engine.llm_config import LLMConfig
from app.engine.llm_estimate import prompt_overhead_tokens
from app.engine.llm_modes import ModePlan
from app.engine.prompts import load_prompt
from app.engine.wire import (
    WireExtraction,
    WireSummary,
    schema_for,
    strict_violations,
)
from app.engine.wire_convert import wire_to_pieces
from tests.fakes.strict_schema import AZURE_LIMITS, OPENAI_LIMITS, strict_schema_error

TEXT = (
    "SentinelOne reported that Sandman deployed LuaDream against telecom providers.\n\n"
    "The backdoor beaconed to mode.encagil[.]com and 185.82.218.230 during the campaign.\n\n"
    "Recommendation: block the listed domains at the proxy.\n\n"
    "Sandman deployed LuaDream again in 2024."
)


def _wire(**overrides: Any) -> WireExtraction:
    base: dict[str, Any] = {
        "summary": "Sandman used LuaDream.",
        "key_points": ["Sandman used LuaDream."],
        "actors": [],
        "links": [],
        "action_items": [],
        "indicators": [],
        "techniques": [],
        "targets": {"sectors": ["telecom"], "regions": []},
    }
    return WireExtraction.model_validate(base | overrides)


def _actor(name: str, quotes: list[str]) -> dict[str, Any]:
    return {
        "name": name,
        "type": "threat_actor",
        "aliases": [],
        "description": None,
        "evidence_quotes": quotes,
    }


@pytest.mark.parametrize("model", [WireExtraction, WireSummary])
def test_wire_schema_is_accepted_by_strict_mode(model: type[WireExtraction]) -> None:
    schema = schema_for(model)
    assert strict_violations(schema) == []
    assert strict_schema_error(schema, OPENAI_LIMITS) is None
    assert strict_schema_error(schema, AZURE_LIMITS) is None
    assert "$defs" not in schema


def test_wire_schema_makes_optional_values_nullable_but_required() -> None:
    item = schema_for(WireExtraction)["properties"]["action_items"]["items"]
    assert "owner" in item["required"]
    assert {"type": "null"} in item["properties"]["owner"]["anyOf"]
    assert item["additionalProperties"] is False


def test_wire_strict_violations_finds_a_loose_schema() -> None:
    loose = {"type": "object", "properties": {"a": {"type": "string", "minLength": 1}}}
    problems = strict_violations(loose)
    assert any("additionalProperties" in p for p in problems)
    assert any("required" in p for p in problems)
    assert any("minLength" in p for p in problems)


@pytest.mark.parametrize("mode", ["json_schema", "tools", "json_object"])
def test_wire_prompt_overhead_is_small_against_a_default_chunk(mode: str) -> None:
    config = LLMConfig(model="gpt-4o")
    overhead = prompt_overhead_tokens(config, load_prompt("extract", "v1"), ModePlan(mode))
    per_thousand = (config.chunk_tokens + overhead) * 1000 / config.chunk_tokens
    assert per_thousand <= 1300


def test_wire_convert_grounds_quotes_and_names() -> None:
    quote = "Sandman deployed LuaDream against telecom providers"
    pieces = wire_to_pieces(_wire(actors=[_actor("Sandman", [quote])]), TEXT, (0, len(TEXT)))
    (actor,) = pieces.actors
    assert actor.evidence[0].grounded
    assert TEXT[actor.evidence[0].start : actor.evidence[0].end] == quote


def test_wire_convert_prefers_the_quote_inside_the_chunk() -> None:
    quote = "Sandman deployed LuaDream"
    last = TEXT.rindex("Sandman deployed")
    pieces = wire_to_pieces(_wire(actors=[_actor("Sandman", [quote])]), TEXT, (last, len(TEXT)))
    assert pieces.actors[0].evidence[0].start == last


def test_wire_convert_flags_a_made_up_actor_but_keeps_it() -> None:
    made_up = _actor("Zorblax Collective", ["Zorblax Collective breached the ministry"])
    pieces = wire_to_pieces(_wire(actors=[made_up]), TEXT, (0, len(TEXT)))
    (actor,) = pieces.actors
    assert actor.name == "Zorblax Collective"
    assert not any(e.grounded for e in actor.evidence)


def test_wire_convert_drops_indicators_the_text_lacks() -> None:
    indicators = [
        {"type": "domain", "value": "mode.encagil.com", "as_written": "mode.encagil[.]com"},
        {"type": "ipv4", "value": "185.82.218.230", "as_written": "185.82.218.230"},
        {"type": "ipv4", "value": "203.0.113.99", "as_written": "203.0.113.99"},
        {"type": "ipv4", "value": "Sandman", "as_written": "Sandman"},
    ]
    pieces = wire_to_pieces(_wire(indicators=indicators), TEXT, (0, len(TEXT)))
    values = {(i.type.value, i.value, i.as_written) for i in pieces.indicators}
    assert values == {
        ("domain", "mode.encagil.com", "mode.encagil[.]com"),
        ("ipv4", "185.82.218.230", "185.82.218.230"),
    }
    assert pieces.dropped["indicators"] == {"ipv4:203.0.113.99", "ipv4:Sandman"}


def test_wire_convert_marks_inferred_items_and_gives_stable_ids() -> None:
    items = [
        {
            "text": "Block the listed domains at the proxy",
            "priority": "high",
            "owner": None,
            "due": "next week",
            "stated": True,
            "rationale": None,
            "evidence_quote": "block the listed domains at the proxy",
        },
        {
            "text": "Hunt for LuaDream on telecom hosts",
            "priority": None,
            "owner": "SOC",
            "due": "2024-06-01",
            "stated": False,
            "rationale": "LuaDream targeted telecom providers",
            "evidence_quote": None,
        },
    ]
    pieces = wire_to_pieces(_wire(action_items=items), TEXT, (0, len(TEXT)))
    stated, inferred = pieces.action_items
    assert stated.origin == Origin.stated
    assert stated.evidence[0].grounded
    assert stated.id == action_item_id("block the listed domains at the proxy!")
    assert stated.due is None  # not an ISO date
    assert inferred.origin == Origin.inferred
    assert inferred.due == "2024-06-01"


def test_wire_convert_keeps_known_techniques_and_drops_invented_ids() -> None:
    techniques = [
        {"id": "t1071.001", "evidence_quote": None},
        {"id": "T9999", "evidence_quote": None},
        {"id": "phishing", "evidence_quote": None},
    ]
    pieces = wire_to_pieces(_wire(techniques=techniques), TEXT, (0, len(TEXT)))
    assert [t.id for t in pieces.techniques] == ["T1071.001"]
    assert pieces.techniques[0].name
    assert pieces.dropped["techniques"] == {"T9999", "PHISHING"}


def test_wire_convert_drops_self_links_and_clamps_confidence() -> None:
    links = [
        {
            "source": "Sandman",
            "relation": "uses",
            "target": "LuaDream",
            "confidence": 1.7,
            "evidence_quote": "Sandman deployed LuaDream",
        },
        {
            "source": "Sandman",
            "relation": "related_to",
            "target": "sandman",
            "confidence": 0.5,
            "evidence_quote": None,
        },
    ]
    pieces = wire_to_pieces(_wire(links=links), TEXT, (0, len(TEXT)))
    (link,) = pieces.links
    assert link.confidence == 1.0
    assert link.evidence[0].grounded
