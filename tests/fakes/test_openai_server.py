"""The fake OpenAI server, seen through the real `openai` async client over real HTTP."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]
import openai
import pytest
from pydantic import BaseModel

from tests.fakes.openai_server import (
    FakeOpenAI,
)
from tests.fakes.samples import ARTICLE, BRIEF, USER, ask, client, json_schema_format


async def test_fake_openai_answers_strict_schema_with_valid_grounded_json(
    fake_openai: FakeOpenAI,
) -> None:
    reply = await ask(fake_openai, response_format=json_schema_format(BRIEF))
    brief = json.loads(reply.choices[0].message.content)
    jsonschema.validate(brief, BRIEF)
    assert brief["actors"][0]["name"] in ARTICLE
    assert brief["actors"][0]["evidence"][0]["quote"] in ARTICLE
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda s: s.pop("additionalProperties"), "'additionalProperties' is required"),
        (lambda s: s["required"].remove("kind"), "Missing 'kind'"),
        (lambda s: s["properties"]["summary"].update(minLength=1), "'minLength' is not permitted"),
        (lambda s: s["properties"]["summary"].update(default="x"), "'default' is not permitted"),
        (lambda s: s.update(patternProperties={"^x": {}}), "'patternProperties' is not permitted"),
        (lambda s: s["properties"].update(x={}) or s["required"].append("x"), "a 'type' key"),
        (lambda s: s["$defs"]["evidence"].pop("required"), "'required' is required"),
    ],
)
async def test_fake_openai_rejects_schema_breaking_strict_rules(
    fake_openai: FakeOpenAI, change: Any, complaint: str
) -> None:
    schema = json.loads(json.dumps(BRIEF))
    change(schema)
    with pytest.raises(openai.BadRequestError) as caught:
        await ask(fake_openai, response_format=json_schema_format(schema))
    assert complaint in caught.value.message
    assert caught.value.param == "response_format"
    assert fake_openai.calls == 1


async def test_fake_openai_accepts_any_schema_when_strict_is_off(fake_openai: FakeOpenAI) -> None:
    schema = {"type": "object", "properties": {"summary": {"type": "string", "minLength": 3}}}
    reply = await ask(fake_openai, response_format=json_schema_format(schema, strict=False))
    jsonschema.validate(json.loads(reply.choices[0].message.content), schema)


async def test_fake_openai_accepts_pydantic_model_through_parse(fake_openai: FakeOpenAI) -> None:
    class Evidence(BaseModel):
        quote: str

    class Actor(BaseModel):
        name: str
        alias: str | None = None
        evidence: list[Evidence]

    async with client(fake_openai) as api:
        reply = await api.chat.completions.parse(
            model="gpt-4o-mini", messages=USER, response_format=Actor
        )
    actor = reply.choices[0].message.parsed
    assert actor is not None
    assert actor.name in ARTICLE
    assert fake_openai.requests[0]["response_format"]["json_schema"]["strict"] is True


async def test_fake_openai_unknown_model_is_not_found(fake_openai: FakeOpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        await ask(fake_openai, model="gpt-nope")
    assert caught.value.code == "model_not_found"


@pytest.mark.parametrize(
    ("messages", "param"),
    [
        ([], "messages"),
        ([{"role": "bot", "content": "hi"}], "messages[0].role"),
        ([{"role": "user"}], "messages[0].content"),
        ([{"role": "tool", "content": "42"}], "messages[0].tool_call_id"),
    ],
)
async def test_fake_openai_rejects_malformed_messages(
    fake_openai: FakeOpenAI, messages: Any, param: str
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        await ask(fake_openai, messages=messages)
    assert caught.value.param == param
    assert fake_openai.requests[0]["messages"] == messages


async def test_fake_openai_json_mode_needs_the_word_json(fake_openai: FakeOpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="must contain the word 'json'"):
        await ask(fake_openai, response_format={"type": "json_object"})
    asked = [{"role": "system", "content": "Answer in JSON."}, *USER]
    reply = await ask(fake_openai, messages=asked, response_format={"type": "json_object"})
    assert isinstance(json.loads(reply.choices[0].message.content), dict)


async def test_fake_openai_llamacpp_profile_wants_json_object_with_schema() -> None:
    with FakeOpenAI(profile="llamacpp") as fake:
        with pytest.raises(openai.BadRequestError, match="but got: json_schema"):
            await ask(fake, response_format=json_schema_format(BRIEF))
        reply = await ask(fake, response_format={"type": "json_object", "schema": BRIEF})
        with pytest.raises(openai.BadRequestError, match="--jinja"):
            await ask(fake, tools=[{"type": "function", "function": {"name": "f"}}])
    jsonschema.validate(json.loads(reply.choices[0].message.content), BRIEF)


async def test_fake_openai_no_strict_profile_ignores_strict_rules() -> None:
    loose = {"type": "object", "properties": {"summary": {"type": "string", "minLength": 1}}}
    with FakeOpenAI(profile="no_strict") as fake:
        reply = await ask(fake, response_format=json_schema_format(loose))
    jsonschema.validate(json.loads(reply.choices[0].message.content), loose)


def brief_tool(schema: object) -> list[dict[str, Any]]:
    """One strict function tool taking `schema`."""
    return [
        {
            "type": "function",
            "function": {"name": "record_brief", "parameters": schema, "strict": True},
        }
    ]


async def test_fake_openai_tools_answer_with_valid_tool_call(fake_openai: FakeOpenAI) -> None:
    named = {"type": "function", "function": {"name": "record_brief"}}
    auto = await ask(fake_openai, tools=brief_tool(BRIEF))
    forced = await ask(fake_openai, tools=brief_tool(BRIEF), tool_choice=named)
    call = auto.choices[0].message.tool_calls[0]
    jsonschema.validate(json.loads(call.function.arguments), BRIEF)
    assert call.function.name == "record_brief"
    assert auto.choices[0].finish_reason == "tool_calls"
    assert forced.choices[0].message.tool_calls[0].function.name == "record_brief"
    assert forced.choices[0].finish_reason == "stop"


async def test_fake_openai_rejects_strict_tool_with_loose_schema(fake_openai: FakeOpenAI) -> None:
    loose = {"type": "object", "properties": {"summary": {"type": "string"}}}
    with pytest.raises(openai.BadRequestError) as caught:
        await ask(fake_openai, tools=brief_tool(loose))
    assert caught.value.code == "invalid_function_parameters"
    assert caught.value.param == "tools[0].function.parameters"


async def test_fake_openai_serves_azure_deployments_with_azure_limits(
    fake_openai: FakeOpenAI,
) -> None:
    bounded = json.loads(json.dumps(BRIEF))
    bounded["properties"]["actors"]["maxItems"] = 20
    async with openai.AsyncAzureOpenAI(
        azure_endpoint=fake_openai.azure_endpoint,
        api_key="k",
        api_version="2024-10-21",
        max_retries=0,
    ) as azure:
        reply = await azure.chat.completions.create(
            model="gpt-4o-mini", messages=USER, response_format=json_schema_format(BRIEF)
        )
        with pytest.raises(openai.BadRequestError, match="'maxItems' is not permitted"):
            await azure.chat.completions.create(
                model="gpt-4o-mini", messages=USER, response_format=json_schema_format(bounded)
            )
        with pytest.raises(openai.NotFoundError):
            await azure.chat.completions.create(model="no-such-deployment", messages=USER)
    jsonschema.validate(json.loads(reply.choices[0].message.content or ""), BRIEF)
    openai_reply = await ask(fake_openai, response_format=json_schema_format(bounded))
    assert openai_reply.choices[0].message.content


async def test_fake_openai_requires_an_api_key(fake_openai: FakeOpenAI) -> None:
    body = {"model": "gpt-4o-mini", "messages": USER}
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{fake_openai.base_url}/chat/completions", json=body)
    assert response.status_code == 401
    assert "API key" in response.json()["error"]["message"]


async def test_fake_openai_refuses_streaming(fake_openai: FakeOpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="streaming not supported"):
        await ask(fake_openai, stream=True)


async def test_fake_openai_serves_concurrent_requests(fake_openai: FakeOpenAI) -> None:
    async with client(fake_openai) as api:
        replies = await asyncio.gather(
            *(api.chat.completions.create(model="gpt-4o-mini", messages=USER) for _ in range(16))
        )
    assert all(r.choices[0].message.content for r in replies)
    assert fake_openai.calls == 16


async def test_fake_openai_stops_when_context_exits() -> None:
    with FakeOpenAI() as fake:
        async with client(fake) as api:
            await api.chat.completions.create(model="gpt-4o-mini", messages=USER)
            fake.stop()
            with pytest.raises(openai.APIConnectionError):
                await api.chat.completions.create(model="gpt-4o-mini", messages=USER)
    with pytest.raises(openai.APIConnectionError):
        await ask(fake)


async def test_fake_openai_stops_by_itself_after_max_lifetime() -> None:
    fake = FakeOpenAI(max_lifetime=0.1)
    fake.start()
    for _ in range(500):
        try:
            await ask(fake)
        except openai.APIConnectionError:
            break
        await asyncio.sleep(0.01)
    else:
        pytest.fail("the fake server kept running past max_lifetime")
    fake.stop()
