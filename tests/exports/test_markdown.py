"""The brief as Markdown for tickets."""

from __future__ import annotations

import re
from pathlib import Path

from app.engine.actions import find_action_items
from app.engine.brief import (
    ActionItem,
    Actor,
    ActorType,
    Brief,
    BriefKind,
    Indicator,
    IndicatorType,
    ItemStatus,
    Link,
    Priority,
    Provenance,
    Relation,
    Targets,
    Technique,
    action_item_id,
)
from app.engine.document import Document
from app.engine.summary import summarise
from app.exports.markdown import render_markdown

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _brief() -> Brief:
    doc = Document.from_raw((SEEDS / "sandman-luadream-article.txt").read_text(encoding="utf-8"))
    summary = summarise(doc)
    done = "Block evil-lua.com at the proxy"
    items = [
        *find_action_items(doc, BriefKind.article),
        ActionItem(
            id=action_item_id(done),
            text=done,
            owner="alice",
            due="2024-05-01",
            priority=Priority.high,
            status=ItemStatus.done,
        ),
    ]
    return Brief(
        kind=BriefKind.article,
        title="Sandman | LuaDream",
        summary=summary.summary + " Its C2 was 45.9.148.108.",
        key_points=summary.key_points,
        actors=[
            Actor(name="Sandman", type=ActorType.threat_actor),
            Actor(name="STORM-0866", type=ActorType.threat_actor, aliases=["Red Dev 40", "a|b"]),
            Actor(name="LuaDream", type=ActorType.malware),
        ],
        action_items=items,
        links=[Link(source="Sandman", relation=Relation.uses, target="LuaDream", confidence=0.9)],
        indicators=[
            Indicator(type=IndicatorType.domain, value="evil-lua.com", as_written="evil-lua[.]com"),
            Indicator(
                type=IndicatorType.url,
                value="https://evil-lua.com/gate.php",
                as_written="hxxps://evil-lua[.]com/gate.php",
            ),
            Indicator(type=IndicatorType.ipv4, value="45.9.148.108", as_written="45.9.148[.]108"),
            Indicator(type=IndicatorType.sha256, value="a" * 64, as_written="a" * 64),
        ],
        techniques=[Technique(id="T1059.006", name="Lua")],
        targets=Targets(sectors=["telecommunications"], regions=["Middle East", "Europe"]),
        references=["https://www.sentinelone.com/labs/sandman-apt/"],
        provenance=Provenance(extractor="offline", model="rules", prompt_version="v1"),
    )


def test_render_markdown_lists_every_part_of_the_brief() -> None:
    brief = _brief()
    md = render_markdown(brief, report_id="rep_123", source_url="https://example.org/a")
    for item in brief.action_items:
        assert item.id in md
    for point in brief.key_points:
        assert point in md
    for name in ("Sandman", "STORM-0866", "Red Dev 40", "LuaDream", "T1059.006", "Lua"):
        assert name in md
    assert "Sandman —uses→ LuaDream" in md
    assert "telecommunications" in md
    assert "Middle East" in md
    assert "https://www.sentinelone.com/labs/sandman-apt/" in md
    assert "`rep_123`" in md
    assert "https://example.org/a" in md
    assert "extractor `offline`" in md
    assert "model `rules`" in md
    assert "prompt `v1`" in md


def test_render_markdown_action_items_are_a_checklist_with_details() -> None:
    md = render_markdown(_brief())
    checklist = [line for line in md.splitlines() if line.startswith(("- [ ] ", "- [x] "))]
    assert len(checklist) == 5
    assert sum(line.startswith("- [ ] Strengthen") for line in checklist) == 1
    done = [line for line in checklist if line.startswith("- [x]")]
    assert len(done) == 1
    assert "(owner: alice, due: 2024-05-01, priority: high)" in done[0]


def test_render_markdown_defangs_indicators_everywhere() -> None:
    md = render_markdown(_brief())
    assert "evil-lua[.]com" in md
    assert "hxxps://evil-lua[.]com/gate[.]php" in md
    assert "45[.]9[.]148[.]108" in md
    assert "a" * 64 in md
    assert "evil-lua.com" not in md  # not even in the action item or the summary
    assert "45.9.148.108" not in md
    assert "defanged" in md


def test_render_markdown_pipes_do_not_break_the_actors_table() -> None:
    md = render_markdown(_brief())
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + 3
    cells = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
    assert cells == {5}
    assert "a\\|b" in md
    assert md.startswith("# Sandman | LuaDream\n")


def test_render_markdown_minimal_brief_has_no_empty_sections() -> None:
    provenance = Provenance(extractor="offline")
    brief = Brief(kind=BriefKind.meeting_notes, summary="", provenance=provenance)
    md = render_markdown(brief)
    assert "## Actors" not in md
    assert "## Indicators" not in md
    assert "_No summary._" in md
    assert "meeting notes" in md
