"""Plain-dict payloads for brief models, so a model and its evidence validate in one call.

Building ``Evidence`` objects one by one and then the model that holds them costs a Python
round trip per object; a dict with nested evidence dicts goes through pydantic-core once.
"""

from __future__ import annotations

from typing import Any

Payload = dict[str, Any]


def evidence_payload(text: str, start: int, end: int) -> Payload:
    """The ``Evidence`` fields for a span already known to be in ``text`` (as ``evidence_at``)."""
    return {
        "quote": text[start:end],
        "start": start,
        "end": end,
        "grounded": 0 <= start < end <= len(text),
    }
