"""Scripted behaviours of the fake OpenAI server, as the real client sees them."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import openai
import pytest

from tests.fakes.openai_server import (
    ContentFilter,
    FakeOpenAI,
    Hang,
    InvalidJSON,
    RateLimited,
    Refusal,
    Reply,
    ServerError,
    Truncated,
)
from tests.fakes.samples import ARTICLE, BRIEF, USER, ask, client, json_schema_format


async def test_fake_openai_rate_limit_carries_retry_after(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(RateLimited(retry_after=3))
    with pytest.raises(openai.RateLimitError) as caught:
        await ask(fake_openai)
    assert caught.value.response.headers["retry-after"] == "3"
    assert caught.value.code == "rate_limit_exceeded"


async def test_fake_openai_client_retries_after_rate_limit(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(RateLimited(retry_after=0.01), Reply(content="second try"))
    async with client(fake_openai, max_retries=1) as api:
        reply = await api.chat.completions.create(model="gpt-4o-mini", messages=USER)
    assert reply.choices[0].message.content == "second try"
    assert fake_openai.calls == 2


async def test_fake_openai_server_error_is_internal_server_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(ServerError(503))
    with pytest.raises(openai.InternalServerError) as caught:
        await ask(fake_openai)
    assert caught.value.status_code == 503


async def test_fake_openai_hang_times_out_without_blocking_others(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Hang(60))
    async with client(fake_openai, timeout=30) as slow, client(fake_openai) as fast:
        hanging = asyncio.create_task(
            slow.chat.completions.create(model="gpt-4o-mini", messages=USER)
        )
        for _ in range(500):
            if fake_openai.calls:
                break
            await asyncio.sleep(0.01)
        reply = await fast.chat.completions.create(model="gpt-4o-mini", messages=USER)
        assert not hanging.done()
        hanging.cancel()
    assert reply.choices[0].message.content
    fake_openai.script(Hang(60))
    async with client(fake_openai, timeout=0.2) as api:
        with pytest.raises(openai.APITimeoutError):
            await api.chat.completions.create(model="gpt-4o-mini", messages=USER)


async def test_fake_openai_refusal_sets_message_refusal(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Refusal("I can't help with that."))
    async with client(fake_openai) as api:
        reply = await api.chat.completions.parse(
            model="gpt-4o-mini", messages=USER, response_format=json_schema_format(BRIEF)
        )
    message = reply.choices[0].message
    assert message.refusal == "I can't help with that."
    assert message.content is None
    assert message.parsed is None


async def test_fake_openai_content_filter_and_truncation_finish_reasons(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.script(ContentFilter(), Truncated())
    filtered = await ask(fake_openai, response_format=json_schema_format(BRIEF))
    truncated = await ask(fake_openai, response_format=json_schema_format(BRIEF))
    assert filtered.choices[0].finish_reason == "content_filter"
    assert filtered.choices[0].message.content is None
    assert truncated.choices[0].finish_reason == "length"
    with pytest.raises(json.JSONDecodeError):
        json.loads(truncated.choices[0].message.content)


async def test_fake_openai_parse_raises_on_length_and_content_filter(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.script(Truncated(), ContentFilter())
    async with client(fake_openai) as api:
        with pytest.raises(openai.LengthFinishReasonError):
            await api.chat.completions.parse(
                model="gpt-4o-mini", messages=USER, response_format=json_schema_format(BRIEF)
            )
        with pytest.raises(openai.ContentFilterFinishReasonError):
            await api.chat.completions.parse(
                model="gpt-4o-mini", messages=USER, response_format=json_schema_format(BRIEF)
            )


async def test_fake_openai_invalid_json_step_sends_unparseable_content(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.script(InvalidJSON())
    reply = await ask(fake_openai, response_format=json_schema_format(BRIEF))
    assert reply.choices[0].finish_reason == "stop"
    with pytest.raises(json.JSONDecodeError):
        json.loads(reply.choices[0].message.content)


async def test_fake_openai_cuts_answer_at_max_tokens(fake_openai: FakeOpenAI) -> None:
    reply = await ask(fake_openai, response_format=json_schema_format(BRIEF), max_tokens=5)
    assert reply.choices[0].finish_reason == "length"
    assert len(reply.choices[0].message.content) <= 20


async def test_fake_openai_scripted_reply_may_name_entities_absent_from_text(
    fake_openai: FakeOpenAI,
) -> None:
    invented = {"summary": "Fancy Bear did it.", "actors": [{"name": "Fancy Bear"}]}
    fake_openai.script(Reply(content=invented, usage={"completion_tokens": 7}))
    reply = await ask(fake_openai, response_format=json_schema_format(BRIEF))
    assert json.loads(reply.choices[0].message.content) == invented
    assert "Fancy Bear" not in ARTICLE
    assert reply.usage.completion_tokens == 7


async def test_fake_openai_uses_custom_responder() -> None:
    seen: list[str] = []

    def responder(request: dict[str, Any]) -> str:
        seen.append(request["messages"][-1]["content"])
        return "custom answer"

    with FakeOpenAI(responder=responder) as fake:
        reply = await ask(fake)
    assert reply.choices[0].message.content == "custom answer"
    assert seen == [ARTICLE]
