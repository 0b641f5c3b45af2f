"""The LLM extractor under faults: each ends complete, partial or offline, and loses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.engine.fallback import AutoExtractor
from app.engine.llm import LLMExtractor
from app.engine.llm_client import forget_modes
from app.engine.llm_errors import LLMUnavailableError
from app.engine.llm_store import MemoryStore
from app.engine.offline import OfflineExtractor
from tests.engine.llm_support import (
    article,
    closed_port_url,
    document_of,
    is_reduce,
    long_document,
    make_config,
    schema_answer,
)
from tests.fakes.openai_server import (
    ContentFilter,
    FakeOpenAI,
    Hang,
    InvalidJSON,
    RateLimited,
    Refusal,
    ServerError,
    Truncated,
)


@pytest.fixture(autouse=True)
def _fresh_modes() -> Iterator[None]:
    forget_modes()
    yield
    forget_modes()


async def _extract(fake: FakeOpenAI, **overrides: Any) -> Any:
    async with LLMExtractor(make_config(fake, **overrides)) as extractor:
        return await extractor.extract(article())


async def test_llm_rate_limited_then_success(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(RateLimited(retry_after=0.1))
    brief = await _extract(fake_openai)
    assert brief.provenance.state == "complete"
    assert brief.provenance.calls == fake_openai.calls == 2


async def test_llm_server_error_then_success(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(ServerError(status=500))
    brief = await _extract(fake_openai)
    assert brief.provenance.state == "complete"
    assert brief.provenance.calls == fake_openai.calls == 2


async def test_llm_timeout_then_success(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Hang(seconds=3.0))
    brief = await _extract(fake_openai, timeout=0.5)
    assert brief.provenance.state == "complete"
    assert brief.provenance.calls == fake_openai.calls == 2


async def test_llm_invalid_json_is_reasked_once(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(InvalidJSON())
    brief = await _extract(fake_openai)
    assert brief.provenance.state == "complete"
    assert brief.provenance.calls == fake_openai.calls == 2
    reask = fake_openai.requests[1]["messages"]
    assert reask[-2]["role"] == "assistant"
    assert "not valid JSON" in reask[-1]["content"]


async def test_llm_invalid_twice_fails_the_chunk(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(InvalidJSON(), InvalidJSON())
    brief = await _extract(fake_openai)
    assert brief.provenance.state == "partial"
    assert brief.provenance.failed_chunks == [0]
    assert brief.provenance.calls == 2


async def test_llm_truncated_answer_splits_the_chunk(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Truncated())
    doc = article()
    async with LLMExtractor(make_config(fake_openai)) as extractor:
        brief = await extractor.extract(doc)
    prov = brief.provenance
    assert prov.state == "complete"
    assert prov.calls == fake_openai.calls == 3
    halves = [document_of(body) for body in fake_openai.requests[1:]]
    assert all(halves)
    assert halves[0] + halves[1] == doc.text


async def test_llm_refusal_leaves_a_partial_brief(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Refusal())
    brief = await _extract(fake_openai)
    prov = brief.provenance
    assert (prov.state, prov.failed_chunks, prov.calls) == ("partial", [0], 1)
    assert "refused" in prov.notes[0]
    assert {"Sandman", "LuaDream"} <= {a.name for a in brief.actors}  # the deterministic pass
    assert brief.summary
    assert brief.indicators


async def test_llm_content_filter_leaves_a_partial_brief(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(ContentFilter())
    brief = await _extract(fake_openai)
    prov = brief.provenance
    assert (prov.state, prov.failed_chunks, prov.calls) == ("partial", [0], 1)
    assert "content filter" in prov.notes[0]


async def test_llm_made_up_actor_is_flagged_and_made_up_indicator_dropped() -> None:
    def responder(body: dict[str, Any]) -> dict[str, Any]:
        answer = schema_answer(body)
        answer["actors"] = [
            {
                "name": "Zorblax Collective",
                "type": "threat_actor",
                "aliases": [],
                "description": "A group the text never names.",
                "evidence_quotes": ["Zorblax Collective breached the ministry"],
            }
        ]
        answer["indicators"] = [
            {"type": "ipv4", "value": "203.0.113.99", "as_written": "203.0.113.99"},
            {"type": "ipv4", "value": "185.82.218.230", "as_written": "185.82.218.230"},
        ]
        return answer

    with FakeOpenAI(responder=responder) as fake:
        brief = await _extract(fake)
    zorblax = next(a for a in brief.actors if a.name == "Zorblax Collective")
    assert not any(e.grounded for e in zorblax.evidence)
    assert brief.provenance.ungrounded["actors"] == 1
    assert brief.provenance.dropped["indicators"] == 1
    assert "203.0.113.99" not in {i.value for i in brief.indicators}
    assert "185.82.218.230" in {i.value for i in brief.indicators}


async def test_llm_failing_chunk_is_the_only_one_sent_again() -> None:
    poisoned = {"on": True}

    def responder(body: dict[str, Any]) -> dict[str, Any] | str:
        if poisoned["on"] and not is_reduce(body) and "POISON" in document_of(body):
            return "this is not JSON"
        return schema_answer(body)

    store = MemoryStore()
    doc = long_document(9, marker="POISON")
    with FakeOpenAI(responder=responder) as fake:
        config = make_config(fake, chunk_tokens=160, chunk_overlap_tokens=0)
        async with LLMExtractor(config, store=store) as extractor:
            first = await extractor.extract(doc)
            poisoned["on"] = False
            sent_before = fake.calls
            second = await extractor.extract(doc)
        resent = fake.requests[sent_before:]
    assert first.provenance.state == "partial"
    assert first.provenance.failed_chunks == [1]
    assert first.provenance.calls == 2 + 1 + 1 + 1  # two good chunks, a reask pair, a reduce
    assert second.provenance.state == "complete"
    assert second.provenance.failed_chunks == []
    chunk_requests = [b for b in resent if not is_reduce(b)]
    assert len(chunk_requests) == 1
    assert "POISON" in document_of(chunk_requests[0])
    assert second.provenance.calls == 2  # the failed chunk and the reduce


async def test_llm_endpoint_down_raises_unavailable() -> None:
    config = make_config_for_url(closed_port_url())
    async with LLMExtractor(config) as extractor:
        with pytest.raises(LLMUnavailableError) as caught:
            await extractor.extract(article())
    assert caught.value.original is not None


async def test_llm_auto_extractor_falls_back_to_offline_when_down() -> None:
    llm = LLMExtractor(make_config_for_url(closed_port_url()))
    auto = AutoExtractor(llm, OfflineExtractor())
    try:
        brief = await auto.extract(article())
    finally:
        await auto.aclose()
    assert brief.provenance.extractor == "offline"
    assert brief.provenance.fallback is not None
    assert "unavailable" in brief.provenance.fallback
    assert {"Sandman", "LuaDream"} <= {a.name for a in brief.actors}


def make_config_for_url(url: str) -> Any:
    """A config pointing at ``url`` with one quick retry."""
    from app.engine.llm_config import LLMConfig

    return LLMConfig(model="test-model", base_url=url, api_key="k", timeout=0.5, max_retries=1)
