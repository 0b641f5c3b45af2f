"""A tiny deterministic extractor for storage tests: it reads tagged lines of the text.

`Actor: name | type | alias, alias`, `Link: source | relation | target`, `IOC: type value`,
`Action: text`. The first line is the title and the first sentence the summary.
"""

from __future__ import annotations

from app.engine.brief import (
    ActionItem,
    Actor,
    ActorType,
    Brief,
    BriefKind,
    Indicator,
    IndicatorType,
    Link,
    Provenance,
    Relation,
    action_item_id,
)
from app.engine.document import Document


class FakeExtractor:
    """Parses tagged lines; counts its calls so tests can see when extraction ran."""

    name = "fake"

    def __init__(self) -> None:
        self.calls = 0

    async def extract(self, doc: Document) -> Brief:
        """Build a brief from the tagged lines of the document."""
        self.calls += 1
        brief = Brief(
            kind=doc.kind or BriefKind.article,
            title=doc.text.split("\n", 1)[0][:80],
            summary=doc.sentences[0].text if doc.sentences else "",
            provenance=Provenance(extractor=self.name, model="fake-1", prompt_version="t1"),
        )
        for line in doc.text.splitlines():
            tag, _, rest = line.partition(":")
            _add(brief, tag.strip().lower(), [part.strip() for part in rest.split("|")])
        return brief


def _add(brief: Brief, tag: str, parts: list[str]) -> None:
    if tag == "actor":
        aliases = [a.strip() for a in parts[2].split(",")] if len(parts) > 2 else []
        brief.actors.append(Actor(name=parts[0], type=ActorType(parts[1]), aliases=aliases))
    elif tag == "link":
        brief.links.append(
            Link(source=parts[0], relation=Relation(parts[1]), target=parts[2], confidence=0.8)
        )
    elif tag == "ioc":
        kind, value = parts[0].split()
        brief.indicators.append(Indicator(type=IndicatorType(kind), value=value, as_written=value))
    elif tag == "action":
        brief.action_items.append(ActionItem(id=action_item_id(parts[0]), text=parts[0]))
