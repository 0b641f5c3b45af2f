"""The LLM extractor against the fake OpenAI server adding a fixed latency per call.

(a) many one-chunk reports at once, (b) one 300,000-character report: wall time against the
ideal ``ceil(calls / concurrency) × latency``; prompt tokens sent per 1,000 source tokens
(instructions and schema included, counted with tiktoken on the requests the server got);
and the cost of submitting the same document again with a response cache (model calls).

    python -m bench.bench_llm [--latency 1.0] [--reports 50] [--chars 300000] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import time
from dataclasses import dataclass
from typing import Any

from app.engine.brief import Brief
from app.engine.document import Document
from app.engine.llm import LLMExtractor
from app.engine.llm_config import LLMConfig
from app.engine.llm_estimate import request_prompt_tokens
from app.engine.llm_store import MemoryStore
from app.engine.tokens import count_tokens
from bench.corpus import SEED, make_document
from tests.fakes.openai_server import FakeOpenAI

MODEL = "gpt-4o-mini"


@dataclass
class Row:
    name: str
    calls: int
    wall: float
    ideal: float
    prompt_per_1k: float
    note: str = ""


def _config(fake: FakeOpenAI, concurrency: int) -> LLMConfig:
    return LLMConfig(
        model=MODEL,
        base_url=fake.base_url,
        api_key="bench",
        max_concurrency=concurrency,
        timeout=60.0,
        max_retries=0,
    )


def _prompt_tokens(bodies: list[dict[str, Any]]) -> int:
    return sum(request_prompt_tokens(body, MODEL) for body in bodies)


def _one_chunk_reports(extractor: LLMExtractor, count: int) -> list[Document]:
    rng = random.Random(SEED)
    docs: list[Document] = []
    while len(docs) < count:
        doc = Document.from_raw(make_document(rng))
        if len(extractor.chunks(doc)) == 1:
            docs.append(doc)
    return docs


def _long_report(chars: int) -> Document:
    rng = random.Random(SEED + 1)
    parts: list[str] = []
    while sum(len(p) + 2 for p in parts) < chars:
        parts.append(make_document(rng))
    return Document.from_raw("\n\n".join(parts)[:chars])


async def _run(
    fake: FakeOpenAI, extractor: LLMExtractor, docs: list[Document]
) -> tuple[list[Brief], float, list[dict[str, Any]]]:
    before = fake.calls
    started = time.perf_counter()
    briefs = await asyncio.gather(*(extractor.extract(doc) for doc in docs))
    return list(briefs), time.perf_counter() - started, fake.requests[before:]


def _source_tokens(docs: list[Document]) -> int:
    return sum(count_tokens(doc.text, MODEL) for doc in docs)


async def _many(fake: FakeOpenAI, extractor: LLMExtractor, reports: int, c: int) -> Row:
    docs = _one_chunk_reports(extractor, reports + 1)
    # Warm up (not counted): the tokenizer, the gazetteer, the endpoint's one-off mode probe.
    _, warm_wall, _ = await _run(fake, extractor, docs[:1])
    briefs, wall, bodies = await _run(fake, extractor, docs[1:])
    calls = sum(b.provenance.calls for b in briefs)
    per_1k = _prompt_tokens(bodies) * 1000 / _source_tokens(docs[1:])
    ideal = math.ceil(calls / c) * fake.latency
    note = f"after a warm-up document ({warm_wall:.1f}s)"
    return Row(f"(a) {reports} one-chunk reports", calls, wall, ideal, per_1k, note)


async def _long(fake: FakeOpenAI, extractor: LLMExtractor, doc: Document, c: int) -> Row:
    (brief,), wall, bodies = await _run(fake, extractor, [doc])
    prov = brief.provenance
    per_1k = _prompt_tokens(bodies) * 1000 / _source_tokens([doc])
    ideal = math.ceil(prov.calls / c) * fake.latency
    chained = (math.ceil(prov.chunks / c) + 1) * fake.latency
    note = f"{prov.chunks} chunks, then the reduce: ideal {chained:.1f}s"
    return Row(f"(b) one {len(doc.text):,}-char report", prov.calls, wall, ideal, per_1k, note)


async def bench(latency: float, reports: int, chars: int, concurrency: int) -> list[Row]:
    """Run the three measurements and return one table row each."""
    with FakeOpenAI(latency=latency, max_lifetime=1800) as fake:
        config = _config(fake, concurrency)
        async with LLMExtractor(config, cache=MemoryStore()) as extractor:
            many = await _many(fake, extractor, reports, concurrency)
            long_doc = _long_report(chars)
            long = await _long(fake, extractor, long_doc, concurrency)
            (again,), wall, _ = await _run(fake, extractor, [long_doc])
    note = f"cache_hit={again.provenance.cache_hit}"
    return [many, long, Row("(c) the same report again", again.provenance.calls, wall, 0, 0, note)]


def _print(rows: list[Row], latency: float, concurrency: int) -> None:
    print(f"fake latency {latency:.1f}s per call, max_concurrency {concurrency}, model {MODEL}")
    print(
        f"{'run':<34}{'calls':>6}{'wall s':>9}{'ideal s':>9}{'ratio':>7}{'prompt/1k src':>15}  note"
    )
    for r in rows:
        ratio = f"{r.wall / r.ideal:.2f}" if r.ideal else "-"
        per_1k = f"{r.prompt_per_1k:,.0f}" if r.prompt_per_1k else "-"
        print(
            f"{r.name:<34}{r.calls:>6}{r.wall:>9.2f}{r.ideal:>9.1f}{ratio:>7}{per_1k:>15}  {r.note}"
        )


def main() -> None:
    """Parse the arguments, run the bench, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--reports", type=int, default=50)
    parser.add_argument("--chars", type=int, default=300_000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    rows = asyncio.run(bench(args.latency, args.reports, args.chars, args.concurrency))
    _print(rows, args.latency, args.concurrency)


if __name__ == "__main__":
    main()
