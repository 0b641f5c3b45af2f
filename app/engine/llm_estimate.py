"""What an extraction will cost in tokens, before any call: the budget check and the bench."""

from __future__ import annotations

import json
from typing import Any

from app.engine.chunking import Chunk
from app.engine.llm_config import LLMConfig
from app.engine.llm_modes import Message, ModePlan, request_options
from app.engine.prompts import Prompt
from app.engine.tokens import count_tokens
from app.engine.wire import WireExtraction, schema_for

MESSAGE_FRAMING_TOKENS = 4  # per chat message (role, separators), as OpenAI counts them
REDUCE_TOKENS_PER_PART = 250  # a chunk summary plus its key points
REDUCE_FIXED_TOKENS = 800  # the reduce prompt, its schema and its answer


def request_prompt_tokens(options: dict[str, Any], model: str) -> int:
    """Prompt tokens of a request: its messages plus the schema it carries."""
    messages: list[Message] = options["messages"]
    total = sum(count_tokens(str(m["content"]), model) + MESSAGE_FRAMING_TOKENS for m in messages)
    for key in ("response_format", "tools"):
        if key in options:
            total += count_tokens(json.dumps(options[key], separators=(",", ":")), model)
    return total


def prompt_overhead_tokens(config: LLMConfig, prompt: Prompt, plan: ModePlan) -> int:
    """Prompt tokens a chunk request adds to the chunk's own text (instructions and schema)."""
    messages: list[Message] = [
        {"role": "system", "content": prompt.system},
        {"role": "user", "content": prompt.user(part=1, parts=1, document="")},
    ]
    options = request_options(plan, messages, schema_for(WireExtraction), "brief")
    return request_prompt_tokens(options, config.model)


def expected_output_tokens(config: LLMConfig, chunk: Chunk) -> int:
    """A chunk's expected answer: about a quarter of its text, at least 500, at most the cap."""
    return min(config.max_output_tokens, max(500, chunk.tokens // 4))


def estimate_document_tokens(config: LLMConfig, prompt: Prompt, chunks: list[Chunk]) -> int:
    """Prompt and completion tokens of every chunk request, plus the reduce call when needed."""
    plan = ModePlan("json_schema" if config.mode == "auto" else config.mode)
    overhead = prompt_overhead_tokens(config, prompt, plan)
    total = sum(c.tokens + overhead + expected_output_tokens(config, c) for c in chunks)
    if len(chunks) > 1:
        total += REDUCE_FIXED_TOKENS + REDUCE_TOKENS_PER_PART * len(chunks)
    return total
