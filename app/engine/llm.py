"""The LLM extractor: any OpenAI-compatible server, strict structured output, nothing lost.

A document is cut into token-bounded chunks, extracted concurrently (bounded by one semaphore
per extractor), each chunk's validated answer saved as it completes; the answers are
converted and grounded (``wire_convert``), merged (``merge``), summarised by one reduce call
when there was more than one chunk, and combined with the deterministic pass (indicators,
techniques, references, actors the model missed). A chunk that still fails after retries
leaves the brief ``partial``; an unreachable endpoint raises ``LLMUnavailableError``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from app.engine.actors import ActorScan, find_actors
from app.engine.brief import Brief, BriefKind, ExtractionState, Provenance, TokenUsage
from app.engine.chunking import Chunk, chunk_document
from app.engine.document import Document, normalise_text, text_sha256
from app.engine.indicators import IndicatorScan, scan_indicators
from app.engine.kind import detect_kind, guess_title
from app.engine.llm_chunks import ChunkOutcome, ChunkRunner, ask
from app.engine.llm_client import CallStats, LLMClient, current_stats
from app.engine.llm_config import LLMConfig
from app.engine.llm_errors import LLMError, LLMUnavailableError, TokenBudgetExceededError
from app.engine.llm_estimate import estimate_document_tokens
from app.engine.llm_modes import Message
from app.engine.llm_store import ChunkStore, ResponseCache, store_key
from app.engine.merge import add_deterministic, count_dropped, count_ungrounded, merge_pieces
from app.engine.prompts import load_versioned, neutralise_tags
from app.engine.summary import summarise
from app.engine.tokens import prepare_offline_encodings
from app.engine.wire import WireSummary
from app.engine.wire_convert import Pieces, wire_to_pieces

REDUCE_PROMPT = "reduce.v1"
MAX_KEY_POINTS = 6


@dataclass
class _Deterministic:
    kind: BriefKind
    title: str | None
    scan: IndicatorScan
    actors: ActorScan


@dataclass
class _Run:
    outcomes: list[ChunkOutcome]
    stats: CallStats
    notes: list[str]
    mode: str | None


class LLMExtractor:
    """Extracts a brief with a model behind any OpenAI-compatible endpoint."""

    name = "llm"

    def __init__(
        self,
        config: LLMConfig,
        *,
        store: ChunkStore | None = None,
        cache: ResponseCache | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.cache = cache
        self.prompt = load_versioned(config.prompt_version)
        if config.tiktoken_cache_dir is not None:
            prepare_offline_encodings(config.tiktoken_cache_dir)
        self._client: LLMClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def client(self) -> LLMClient:
        """The client of the running event loop (made on first use in each loop)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client, self._loop = LLMClient(self.config), loop
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP connections of the current client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> LLMExtractor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def chunks(self, doc: Document) -> list[Chunk]:
        """The chunks ``doc`` is sent in."""
        return chunk_document(
            doc,
            model=self.config.model,
            max_tokens=self.config.chunk_tokens,
            overlap_tokens=self.config.chunk_overlap_tokens,
        )

    def estimate_tokens(self, doc: Document) -> int:
        """Tokens an extraction of ``doc`` should use: prompts of all chunks and their answers."""
        return estimate_document_tokens(self.config, self.prompt, self.chunks(doc))

    async def extract(self, doc: Document, *, max_tokens_budget: int | None = None) -> Brief:
        """Extract a brief; with a budget, refuse before any call when the estimate exceeds it."""
        stats = CallStats()
        token = current_stats.set(stats)
        try:
            return await self._extract(doc, stats, max_tokens_budget)
        finally:
            current_stats.reset(token)

    async def _extract(self, doc: Document, stats: CallStats, budget: int | None) -> Brief:
        started = time.perf_counter()
        cached = await self._cached(doc)
        if cached is not None:
            return cached  # free, whatever the budget
        chunks = await asyncio.to_thread(self.chunks, doc)
        if budget is not None:
            self._check_budget(chunks, budget)
        # The deterministic pass runs while the model answers (after chunking: same GIL).
        deterministic = asyncio.create_task(asyncio.to_thread(_run_deterministic, doc))
        try:
            brief = await self._extract_chunks(doc, chunks, stats, deterministic)
        finally:
            deterministic.cancel()  # a no-op once it is done
        brief.provenance.durations_ms["llm_total"] = round(
            (time.perf_counter() - started) * 1000, 3
        )
        return brief

    def _check_budget(self, chunks: list[Chunk], budget: int) -> None:
        estimated = estimate_document_tokens(self.config, self.prompt, chunks)
        if estimated > budget:
            raise TokenBudgetExceededError(
                f"extraction needs about {estimated} tokens, over the budget of {budget}",
                estimated=estimated,
                budget=budget,
            )

    async def _extract_chunks(
        self,
        doc: Document,
        chunks: list[Chunk],
        stats: CallStats,
        deterministic: asyncio.Task[_Deterministic],
    ) -> Brief:
        runner = ChunkRunner(
            self.client,
            doc,
            self.prompt,
            doc_key=self._doc_key(doc),
            parts_total=len(chunks),
            store=self.store,
        )

        async def run(chunk: Chunk) -> tuple[ChunkOutcome, list[Pieces]]:
            outcome = await runner.run(chunk)  # converted as soon as it is in, not at the end
            return outcome, await asyncio.to_thread(_convert, doc.text, outcome)

        results = await asyncio.gather(*(run(chunk) for chunk in chunks))
        outcomes = [outcome for outcome, _ in results]
        _raise_if_unreachable(outcomes)
        notes = [f"chunk {o.index} failed: {o.error}" for o in outcomes if o.error is not None]
        summary = asyncio.create_task(self._summarise(doc, outcomes, notes))
        try:
            pieces = await asyncio.to_thread(merge_pieces, [p for _, ps in results for p in ps])
            pieces.summary, pieces.key_points, reduced = await summary
        finally:
            summary.cancel()
        known = self.client.known_plan()
        run_info = _Run(outcomes, stats, notes, known.mode if known else None)
        brief = await asyncio.to_thread(self._assemble, await deterministic, pieces, run_info)
        if brief.provenance.state == ExtractionState.complete and reduced:
            await self._save_cached(doc, brief)
        return brief

    async def _summarise(
        self, doc: Document, outcomes: list[ChunkOutcome], notes: list[str]
    ) -> tuple[str, list[str], bool]:
        """Summary and key points: one reduce call for many chunks; False if it failed."""
        done = [o for o in outcomes if o.error is None]
        parts = [part.wire for o in done for part in o.parts]
        joined = " ".join(w.summary.strip() for w in parts if w.summary.strip())
        points = _union([kp for w in parts for kp in w.key_points])[:MAX_KEY_POINTS]
        if len(outcomes) > 1 and done:
            try:
                reduced = await self._reduce(done)
            except LLMError as exc:
                notes.append(f"reduce failed: {exc}")
                return joined, points, False
            return reduced.summary, reduced.key_points, True
        if joined:
            return joined, points, True
        offline = await asyncio.to_thread(summarise, doc)
        notes.append("summary from the offline extractor: no chunk succeeded")
        return offline.summary, offline.key_points, True

    async def _reduce(self, done: list[ChunkOutcome]) -> WireSummary:
        prompt = load_versioned(REDUCE_PROMPT)
        blocks = []
        for outcome in done:
            for part in outcome.parts:
                points = "\n".join(f"- {kp}" for kp in part.wire.key_points)
                blocks.append(f"Part {outcome.index + 1}: {part.wire.summary}\n{points}".strip())
        parts = neutralise_tags("\n\n".join(blocks), "parts")
        messages: list[Message] = [
            {"role": "system", "content": prompt.system},
            {"role": "user", "content": prompt.user(parts=parts)},
        ]
        _, summary = await ask(self.client, messages, WireSummary, "summary")
        return summary

    def _assemble(self, det: _Deterministic, pieces: Pieces, run: _Run) -> Brief:
        add_deterministic(pieces, det.scan, det.actors)
        outcomes, stats = run.outcomes, run.stats
        failed = [o.index for o in outcomes if o.error is not None]
        modes = [o.mode for o in outcomes if o.mode]
        usage = TokenUsage(
            prompt_tokens=stats.prompt_tokens,
            completion_tokens=stats.completion_tokens,
            total_tokens=stats.prompt_tokens + stats.completion_tokens,
        )
        provenance = Provenance(
            extractor=self.name,
            model=self.config.model,
            prompt_version=self.prompt.version,
            mode=modes[0] if modes else run.mode,
            state=ExtractionState.partial if failed else ExtractionState.complete,
            chunks=len(outcomes),
            failed_chunks=failed,
            calls=stats.calls,
            token_usage=usage,
            cost_estimate_usd=self.config.cost(stats.prompt_tokens, stats.completion_tokens),
            ungrounded=count_ungrounded(pieces),
            dropped=count_dropped(pieces),
            notes=run.notes,
        )
        return Brief(
            kind=det.kind,
            title=det.title,
            summary=pieces.summary,
            key_points=pieces.key_points[: MAX_KEY_POINTS * 2],
            actors=pieces.actors,
            links=pieces.links,
            action_items=pieces.action_items,
            indicators=pieces.indicators,
            techniques=pieces.techniques,
            targets=pieces.targets,
            references=det.scan.references,
            provenance=provenance,
        )

    def _doc_key(self, doc: Document) -> str:
        return store_key(
            text_sha256(normalise_text(doc.text)), self.prompt.version, self.config.model
        )

    def _cache_keys(self, doc: Document) -> list[str]:
        modes = dict.fromkeys(p.mode for p in self.client.candidate_plans())
        return [store_key("brief", self._doc_key(doc), mode) for mode in modes]

    async def _cached(self, doc: Document) -> Brief | None:
        if self.cache is None:
            return None
        for key in self._cache_keys(doc):
            value = await self.cache.load(key)
            if value is not None:
                brief = Brief.model_validate(value)
                brief.provenance = brief.provenance.model_copy(
                    update={
                        "cache_hit": True,
                        "calls": 0,
                        "token_usage": TokenUsage(),
                        "cost_estimate_usd": self.config.cost(0, 0),
                    }
                )
                return brief
        return None

    async def _save_cached(self, doc: Document, brief: Brief) -> None:
        if self.cache is None or brief.provenance.mode is None:
            return
        key = store_key("brief", self._doc_key(doc), brief.provenance.mode)
        await self.cache.save(key, brief.model_dump(mode="json"))


def _run_deterministic(doc: Document) -> _Deterministic:
    return _Deterministic(
        kind=doc.kind or detect_kind(doc),
        title=doc.title or guess_title(doc),
        scan=scan_indicators(doc.text),
        actors=find_actors(doc),
    )


def _convert(text: str, outcome: ChunkOutcome) -> list[Pieces]:
    return [wire_to_pieces(part.wire, text, (part.start, part.end)) for part in outcome.parts]


def _raise_if_unreachable(outcomes: list[ChunkOutcome]) -> None:
    """Every chunk failed because the endpoint cannot be reached: say so, as one error."""
    errors = [o.error for o in outcomes]
    if errors and all(isinstance(e, LLMUnavailableError) for e in errors):
        first = errors[0]
        assert first is not None
        raise LLMUnavailableError(f"model endpoint unavailable: {first}", original=first.original)


def _union(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if value.strip():
            seen.setdefault(value.strip().casefold(), value.strip())
    return list(seen.values())
