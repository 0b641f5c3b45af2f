"""The brief: the public, versioned shape of what Precis extracts from a document.

Every piece of evidence points at character offsets ``[start, end)`` of the stored,
normalised text; ``grounded`` is true only when the text at those offsets matches the quote.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class BriefKind(StrEnum):
    article = "article"
    meeting_notes = "meeting_notes"
    other = "other"


class ActorType(StrEnum):
    threat_actor = "threat_actor"
    malware = "malware"
    tool = "tool"
    organization = "organization"
    security_vendor = "security_vendor"
    government = "government"
    person = "person"
    sector = "sector"
    country = "country"
    other = "other"


class Relation(StrEnum):
    attributed_to = "attributed_to"
    linked_to = "linked_to"
    uses = "uses"
    targets = "targets"
    developed_by = "developed_by"
    reported_by = "reported_by"
    overlaps_with = "overlaps_with"
    related_to = "related_to"


class Priority(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class Origin(StrEnum):
    stated = "stated"
    inferred = "inferred"


class ItemStatus(StrEnum):
    open = "open"
    done = "done"


class IndicatorType(StrEnum):
    ipv4 = "ipv4"
    ipv6 = "ipv6"
    cidr = "cidr"
    domain = "domain"
    url = "url"
    email = "email"
    md5 = "md5"
    sha1 = "sha1"
    sha256 = "sha256"
    sha512 = "sha512"
    cve = "cve"
    bitcoin = "bitcoin"


class Evidence(_Model):
    """A quote from the source and where it stands in the stored text."""

    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    grounded: bool


class Actor(_Model):
    name: str
    type: ActorType
    aliases: list[str] = Field(default_factory=list)
    description: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class Link(_Model):
    source: str
    relation: Relation
    target: str
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(default_factory=list)


class ActionItem(_Model):
    id: str = Field(description="Stable id derived from the item's text; survives re-extraction.")
    text: str
    priority: Priority | None = None
    owner: str | None = None
    due: str | None = Field(default=None, description="ISO 8601 date when one was stated.")
    origin: Origin = Origin.stated
    rationale: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    status: ItemStatus = ItemStatus.open


class Indicator(_Model):
    type: IndicatorType
    value: str = Field(description="Canonical, refanged value.")
    as_written: str = Field(description="The value as it appears in the text (maybe defanged).")
    evidence: list[Evidence] = Field(default_factory=list)


class Technique(_Model):
    id: str = Field(pattern=r"^T\d{4}(\.\d{3})?$")
    name: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class Targets(_Model):
    sectors: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)


class TokenUsage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ExtractionState(StrEnum):
    complete = "complete"
    partial = "partial"


class Provenance(_Model):
    extractor: str
    model: str | None = None
    prompt_version: str | None = None
    mode: str | None = Field(
        default=None,
        description="How structured output was obtained: json_schema, json_object, tools.",
    )
    state: ExtractionState = ExtractionState.complete
    chunks: int = 1
    failed_chunks: list[int] = Field(
        default_factory=list,
        description="Chunks that failed after retries; a re-run retries only these.",
    )
    calls: int = Field(default=0, description="Model calls made, retries included.")
    cache_hit: bool = False
    fallback: str | None = Field(
        default=None, description="Why another extractor was used than the one asked for."
    )
    durations_ms: dict[str, float] = Field(default_factory=dict)
    token_usage: TokenUsage = Field(default_factory=TokenUsage)
    cost_estimate_usd: float | None = None
    ungrounded: dict[str, int] = Field(
        default_factory=dict, description="Counts of items that could not be aligned to the text."
    )
    dropped: dict[str, int] = Field(
        default_factory=dict, description="Counts of items dropped because the text lacks them."
    )
    notes: list[str] = Field(default_factory=list)


class Brief(_Model):
    """Everything Precis extracted from one document."""

    schema_version: str = SCHEMA_VERSION
    kind: BriefKind
    title: str | None = None
    summary: str
    key_points: list[str] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    techniques: list[Technique] = Field(default_factory=list)
    targets: Targets = Field(default_factory=Targets)
    references: list[str] = Field(default_factory=list)
    provenance: Provenance


_WS = re.compile(r"\W+")
# The key of ASCII text, by bytes: a capital becomes its lower-case letter, a word character
# ([a-z0-9_]) stays, every other byte becomes a space (runs of which ``split`` then folds).
_ASCII_KEY = bytes(
    c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 or c == 95 else 32
    for c in range(256)
)


def action_item_id(text: str) -> str:
    """Derive a stable id from an action item's text, insensitive to case and punctuation."""
    if text.isascii():  # the key the regex below makes, ~2.5x as fast (an id contract: the
        # property test in tests/engine/test_action_id_fast.py holds the two paths equal)
        key = b" ".join(text.encode().translate(_ASCII_KEY).split())
    else:
        key = _WS.sub(" ", text.lower()).strip().encode()
    return "ai_" + hashlib.sha256(key).hexdigest()[:12]
