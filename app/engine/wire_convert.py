"""Wire → brief: the one place a model's answer becomes brief pieces, grounded in the text.

Every quote and name is aligned to the document (inside the chunk's span first); what cannot
be aligned is kept but flagged ``grounded=false``. Indicators the text lacks are dropped, as
are technique ids ATT&CK does not know; items the model inferred are marked ``inferred``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import date

from app.engine.brief import (
    ActionItem,
    Actor,
    Evidence,
    Indicator,
    Link,
    Origin,
    Targets,
    Technique,
    action_item_id,
)
from app.engine.grounding import evidence_at, ground
from app.engine.indicators import technique_name
from app.engine.ioc_filters import canonical_value, is_bitcoin_address
from app.engine.wire import (
    WireActionItem,
    WireActor,
    WireExtraction,
    WireIndicator,
    WireLink,
    WireTechnique,
)

MAX_EVIDENCE = 5
WHOLE_TEXT_SEARCH_LIMIT = 200_000  # beyond this, a quote is looked for in its chunk only
_TECHNIQUE_ID = re.compile(r"T\d{4}(\.\d{3})?")
_DEFANG = re.compile(r"[\[\(\{]\s*(\.|dot|@|at|:)\s*[\]\)\}]", re.IGNORECASE)
_DEFANG_VALUES = {"dot": ".", "at": "@"}
_HOST = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}"
_SHAPES = {
    "domain": re.compile(_HOST, re.IGNORECASE),
    "url": re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE),
    "email": re.compile(rf"[^@\s]+@{_HOST}", re.IGNORECASE),
    "md5": re.compile(r"[0-9a-f]{32}", re.IGNORECASE),
    "sha1": re.compile(r"[0-9a-f]{40}", re.IGNORECASE),
    "sha256": re.compile(r"[0-9a-f]{64}", re.IGNORECASE),
    "sha512": re.compile(r"[0-9a-f]{128}", re.IGNORECASE),
    "cve": re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE),
}


@dataclass
class Pieces:
    """The brief's content from one chunk (or several, once merged)."""

    summary: str = ""
    key_points: list[str] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    techniques: list[Technique] = field(default_factory=list)
    targets: Targets = field(default_factory=Targets)
    dropped: dict[str, set[str]] = field(default_factory=dict)

    def drop(self, kind: str, value: str) -> None:
        """Record an item dropped because the text does not support it."""
        self.dropped.setdefault(kind, set()).add(value)


def wire_to_pieces(wire: WireExtraction, text: str, span: tuple[int, int]) -> Pieces:
    """Convert one chunk's wire result into grounded brief pieces (``span`` is the chunk's)."""
    locate = _Locator(text, span)
    pieces = Pieces(
        summary=wire.summary.strip(),
        key_points=_clean_list(wire.key_points),
        targets=Targets(
            sectors=_clean_list(wire.targets.sectors), regions=_clean_list(wire.targets.regions)
        ),
    )
    pieces.actors = [a for a in (_actor(w, locate) for w in wire.actors) if a is not None]
    pieces.links = [link for link in (_link(w, locate) for w in wire.links) if link]
    pieces.action_items = [i for i in (_action_item(w, locate) for w in wire.action_items) if i]
    for indicator in wire.indicators:
        _add_indicator(pieces, indicator, locate)
    for technique in wire.techniques:
        _add_technique(pieces, technique, locate)
    return pieces


class _Locator:
    """Align quotes inside the chunk first, then (for texts of sane size) anywhere."""

    def __init__(self, text: str, span: tuple[int, int]) -> None:
        self.text = text
        self.start, self.end = span
        self.local = text[self.start : self.end]

    def evidence(self, quote: str | None) -> Evidence | None:
        if quote is None or not quote.strip():
            return None
        found = ground(self.local, quote)
        if found.end > 0:
            return found.model_copy(
                update={"start": found.start + self.start, "end": found.end + self.start}
            )
        whole = len(self.local) < len(self.text) <= WHOLE_TEXT_SEARCH_LIMIT
        return ground(self.text, quote, hint=self.start) if whole else found

    def exact(self, value: str) -> Evidence | None:
        pos = self.local.find(value)
        if pos >= 0:
            return evidence_at(self.text, self.start + pos, self.start + pos + len(value))
        pos = self.text.find(value)
        return evidence_at(self.text, pos, pos + len(value)) if pos >= 0 and value else None


def _evidence(locate: _Locator, quotes: list[str | None]) -> list[Evidence]:
    found: dict[tuple[int, int, str], Evidence] = {}
    for quote in quotes:
        ev = locate.evidence(quote)
        if ev is not None:
            found.setdefault((ev.start, ev.end, ev.quote), ev)
    ranked = sorted(found.values(), key=lambda e: not e.grounded)
    return ranked[:MAX_EVIDENCE]


def _actor(wire: WireActor, locate: _Locator) -> Actor | None:
    name = wire.name.strip()
    if not name:
        return None
    evidence = _evidence(locate, list(wire.evidence_quotes))
    if not any(e.grounded for e in evidence):
        named = _evidence(locate, [name, *wire.aliases])
        evidence = [e for e in named if e.grounded][:1] + evidence
    aliases = [a for a in _clean_list(wire.aliases) if a.casefold() != name.casefold()]
    description = (wire.description or "").strip() or None
    return Actor(
        name=name, type=wire.type, aliases=aliases, description=description, evidence=evidence
    )


def _link(wire: WireLink, locate: _Locator) -> Link | None:
    source, target = wire.source.strip(), wire.target.strip()
    if not source or not target or source.casefold() == target.casefold():
        return None
    confidence = min(1.0, max(0.0, wire.confidence))
    evidence = _evidence(locate, [wire.evidence_quote])
    return Link(
        source=source,
        relation=wire.relation,
        target=target,
        confidence=confidence,
        evidence=evidence,
    )


def _action_item(wire: WireActionItem, locate: _Locator) -> ActionItem | None:
    text = wire.text.strip()
    if not text:
        return None
    evidence = _evidence(locate, [wire.evidence_quote])
    if wire.stated and not any(e.grounded for e in evidence):
        evidence = [e for e in _evidence(locate, [text]) if e.grounded] + evidence
    return ActionItem(
        id=action_item_id(text),
        text=text,
        priority=wire.priority,
        owner=(wire.owner or "").strip() or None,
        due=_iso_date(wire.due),
        origin=Origin.stated if wire.stated else Origin.inferred,
        rationale=(wire.rationale or "").strip() or None,
        evidence=evidence,
    )


def _add_indicator(pieces: Pieces, wire: WireIndicator, locate: _Locator) -> None:
    written = wire.as_written.strip()
    evidence = locate.exact(written) if written else None
    if evidence is None:
        evidence = locate.exact(wire.value.strip()) if wire.value.strip() else None
    if evidence is None:
        pieces.drop("indicators", f"{wire.type.value}:{written or wire.value}")
        return
    kind = wire.type.value
    value = canonical_value(kind, _refang(wire.value.strip() or evidence.quote))
    from_text = canonical_value(kind, _refang(evidence.quote))
    if value != from_text:  # the model's value must be the written one, refanged
        value = from_text
    if not is_valid_indicator(kind, value):
        pieces.drop("indicators", f"{kind}:{written or wire.value}")
        return
    pieces.indicators.append(
        Indicator(type=wire.type, value=value, as_written=evidence.quote, evidence=[evidence])
    )


def _add_technique(pieces: Pieces, wire: WireTechnique, locate: _Locator) -> None:
    technique_id = wire.id.strip().upper()
    name = technique_name(technique_id) if _TECHNIQUE_ID.fullmatch(technique_id) else None
    if name is None:
        pieces.drop("techniques", technique_id)
        return
    evidence = _evidence(locate, [wire.evidence_quote])
    if not any(e.grounded for e in evidence):
        by_id = locate.exact(technique_id)
        evidence = ([by_id] if by_id else []) + evidence
    pieces.techniques.append(Technique(id=technique_id, name=name, evidence=evidence))


def is_valid_indicator(kind: str, value: str) -> bool:
    """True when ``value`` has the shape its type says (the model may mislabel a name)."""
    shape = _SHAPES.get(kind)
    if shape is not None:
        return shape.fullmatch(value) is not None
    if kind in ("ipv4", "ipv6", "cidr"):
        return _is_ip(kind, value)
    if kind == "bitcoin":
        return is_bitcoin_address(value)
    return False


def _is_ip(kind: str, value: str) -> bool:
    try:
        if kind == "cidr":
            return "/" in value and bool(ipaddress.ip_network(value, strict=False))
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return address.version == (4 if kind == "ipv4" else 6)


def _refang(value: str) -> str:
    value = _DEFANG.sub(lambda m: _DEFANG_VALUES.get(m.group(1).lower(), m.group(1)), value)
    return re.sub(r"^hxxp", "http", value, flags=re.IGNORECASE)


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


def _clean_list(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        value = value.strip()
        if value:
            seen.setdefault(value.casefold(), value)
    return list(seen.values())
