"""One structured request with reask, and one chunk's extraction with splitting and storage.

Invalid output is asked for once more with the validation errors appended (instructor's
"reask"); a refusal or a content-filter stop fails the chunk at once; an answer cut by the
output limit splits the chunk in two (recursively, to a bounded depth). Every validated chunk
result is saved to the chunk store as it completes, so a re-run sends only what failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from app.engine.chunking import Chunk
from app.engine.document import Document
from app.engine.llm_client import LLMClient, current_stats
from app.engine.llm_errors import (
    ContentFilterError,
    InvalidOutputError,
    LLMError,
    LLMUnavailableError,
    OutputTruncatedError,
    RefusalError,
)
from app.engine.llm_modes import Message, ModePlan, read_answer, reask_messages
from app.engine.llm_store import ChunkStore, store_key
from app.engine.prompts import Prompt, neutralise_tags
from app.engine.wire import WireExtraction, schema_for

MAX_SPLIT_DEPTH = 3
MAX_REPORTED_ERRORS = 8
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Part:
    """A validated wire result and the span of the document it was extracted from."""

    start: int
    end: int
    wire: WireExtraction


@dataclass
class ChunkOutcome:
    """How one chunk ended: its parts, or the error that failed it."""

    index: int
    parts: list[Part] = field(default_factory=list)
    error: LLMError | None = None
    mode: str | None = None


async def ask(
    client: LLMClient, messages: list[Message], model: type[M], name: str
) -> tuple[ModePlan, M]:
    """One structured answer validated as ``model``; one reask if it is invalid."""
    schema = schema_for(model)
    plan, completion = await client.complete(messages, schema, name)
    for attempt in (1, 2):
        answer = _answer_text(completion)
        try:
            return plan, model.model_validate_json(answer or "")
        except ValidationError as exc:
            if attempt == 2:
                raise InvalidOutputError(
                    f"invalid output after a reask: {_errors(exc)}", attempts=2, original=exc
                ) from exc
            messages = reask_messages(messages, answer, _errors(exc))
            completion = await client.send(plan, messages, schema, name)
    raise AssertionError("unreachable")


def _answer_text(completion: ChatCompletion) -> str | None:
    stats = current_stats.get()
    if stats is not None:
        stats.add_usage(completion.usage)
    if not completion.choices:
        return None
    choice = completion.choices[0]
    if choice.message.refusal:
        raise RefusalError(f"the model refused: {choice.message.refusal}")
    if choice.finish_reason == "content_filter":
        raise ContentFilterError("the provider's content filter withheld the answer")
    if choice.finish_reason == "length":
        raise OutputTruncatedError("the answer hit the output token limit")
    return read_answer(choice.message)


def _errors(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors()[:MAX_REPORTED_ERRORS]:
        loc = ".".join(str(p) for p in error.get("loc", ())) or "$"
        lines.append(f"- {loc}: {error.get('msg')}")
    return "\n".join(lines)


class ChunkRunner:
    """Extracts the chunks of one document, reusing and filling the chunk store."""

    def __init__(
        self,
        client: LLMClient,
        doc: Document,
        prompt: Prompt,
        *,
        doc_key: str,
        parts_total: int,
        store: ChunkStore | None,
    ) -> None:
        self.client = client
        self.doc = doc
        self.prompt = prompt
        self.doc_key = doc_key
        self.parts_total = parts_total
        self.store = store
        self.unavailable: LLMUnavailableError | None = None

    async def run(self, chunk: Chunk) -> ChunkOutcome:
        """The chunk's stored result, or a fresh extraction saved as soon as it validates."""
        stored = await self._load(chunk)
        if stored is not None:
            return stored
        if self.unavailable is not None:  # the endpoint is down: do not queue more waits
            return ChunkOutcome(chunk.index, error=self.unavailable)
        try:
            plan, parts = await self._extract(chunk.index, chunk.start, chunk.end, 0)
        except LLMUnavailableError as exc:
            self.unavailable = exc
            return ChunkOutcome(chunk.index, error=exc)
        except LLMError as exc:
            return ChunkOutcome(chunk.index, error=exc)
        await self._save(chunk, plan, parts)
        return ChunkOutcome(chunk.index, parts=parts, mode=plan.mode)

    async def _extract(
        self, index: int, start: int, end: int, depth: int
    ) -> tuple[ModePlan, list[Part]]:
        text = neutralise_tags(self.doc.text[start:end], "document")
        user = self.prompt.user(part=index + 1, parts=self.parts_total, document=text)
        messages: list[Message] = [
            {"role": "system", "content": self.prompt.system},
            {"role": "user", "content": user},
        ]
        try:
            plan, wire = await ask(self.client, messages, WireExtraction, "brief")
        except OutputTruncatedError:
            middle = split_point(self.doc, start, end)
            if depth >= MAX_SPLIT_DEPTH or middle is None:
                raise
            plan, first = await self._extract(index, start, middle, depth + 1)
            _, second = await self._extract(index, middle, end, depth + 1)
            return plan, first + second
        return plan, [Part(start, end, wire)]

    def _key(self, chunk: Chunk, mode: str) -> str:
        return store_key(self.doc_key, mode, chunk.index, chunk.start, chunk.end)

    async def _load(self, chunk: Chunk) -> ChunkOutcome | None:
        if self.store is None:
            return None
        for mode in dict.fromkeys(p.mode for p in self.client.candidate_plans()):
            value = await self.store.load(self._key(chunk, mode))
            if value is not None:
                parts = [_part_from(item) for item in value["parts"]]
                return ChunkOutcome(chunk.index, parts=parts, mode=mode)
        return None

    async def _save(self, chunk: Chunk, plan: ModePlan, parts: list[Part]) -> None:
        if self.store is None:
            return
        value = {"parts": [_part_to(part) for part in parts], "mode": plan.mode}
        await self.store.save(self._key(chunk, plan.mode), value)


def _part_to(part: Part) -> dict[str, Any]:
    return {"start": part.start, "end": part.end, "wire": part.wire.model_dump(mode="json")}


def _part_from(item: dict[str, Any]) -> Part:
    wire = WireExtraction.model_validate(item["wire"])
    return Part(int(item["start"]), int(item["end"]), wire)


def split_point(doc: Document, start: int, end: int) -> int | None:
    """A sentence start (else a space) near the middle of ``[start, end)``; None if too short."""
    if end - start < 2:
        return None
    middle = (start + end) // 2
    inside = [s.start for s in doc.sentences if start < s.start < end]
    if inside:
        return min(inside, key=lambda pos: abs(pos - middle))
    spaces = [i for i in range(start + 1, end) if doc.text[i].isspace()]
    return min(spaces, key=lambda pos: abs(pos - middle)) if spaces else middle
