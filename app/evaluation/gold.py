"""The labelled gold set: documents with the actors, indicators, action items and links."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.engine.brief import ActorType, BriefKind, IndicatorType, Relation


class GoldSetError(ValueError):
    """A gold line is malformed or points at a document that cannot be read."""


@dataclass(frozen=True, slots=True)
class GoldActor:
    name: str
    type: ActorType
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GoldIndicator:
    type: IndicatorType
    value: str


@dataclass(frozen=True, slots=True)
class GoldAction:
    text: str
    owner: str | None = None
    due: str | None = None


@dataclass(frozen=True, slots=True)
class GoldLink:
    source: str
    relation: Relation
    target: str


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One labelled document and its text."""

    id: str
    text: str
    kind: BriefKind
    path: str | None = None
    actors: tuple[GoldActor, ...] = field(default_factory=tuple)
    indicators: tuple[GoldIndicator, ...] = field(default_factory=tuple)
    action_items: tuple[GoldAction, ...] = field(default_factory=tuple)
    # None: the document is not scored on links; an empty tuple: it states none.
    links: tuple[GoldLink, ...] | None = None


def find_root(jsonl: Path) -> Path:
    """The first parent of the JSONL that holds a pyproject.toml, else the JSONL's folder."""
    for parent in jsonl.resolve().parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    return jsonl.resolve().parent


def load_gold(path: Path) -> list[GoldDoc]:
    """Read a gold JSONL file; each line has an inline "text" or a "path" from the repo root."""
    root = find_root(path)
    docs: list[GoldDoc] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            docs.append(parse_gold_line(json.loads(line), root))
        except (KeyError, TypeError, ValueError, OSError) as exc:
            raise GoldSetError(f"{path}:{number}: {exc}") from exc
    return docs


def parse_gold_line(raw: dict[str, Any], root: Path) -> GoldDoc:
    """Build one gold document from its decoded JSON object."""
    rel = raw.get("path")
    text = raw.get("text")
    if text is None:
        if not rel:
            raise GoldSetError(f"gold {raw.get('id')!r} has neither text nor path")
        text = (root / rel).read_text(encoding="utf-8")
    return GoldDoc(
        id=str(raw["id"]),
        text=str(text),
        kind=BriefKind(raw.get("kind", "other")),
        path=rel,
        actors=tuple(_actor(a) for a in raw.get("actors", [])),
        indicators=tuple(
            GoldIndicator(IndicatorType(i["type"]), str(i["value"]))
            for i in raw.get("indicators", [])
        ),
        action_items=tuple(
            GoldAction(str(a["text"]), a.get("owner"), a.get("due"))
            for a in raw.get("action_items", [])
        ),
        links=_links(raw.get("links")),
    )


def _actor(raw: dict[str, Any]) -> GoldActor:
    aliases = tuple(str(a) for a in raw.get("aliases", []))
    return GoldActor(str(raw["name"]), ActorType(raw["type"]), aliases)


def _links(raw: list[dict[str, Any]] | None) -> tuple[GoldLink, ...] | None:
    if raw is None:
        return None
    return tuple(
        GoldLink(str(link["source"]), Relation(link["relation"]), str(link["target"]))
        for link in raw
    )
