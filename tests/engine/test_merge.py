"""Merging chunk results: aliases fold actors, links follow them, duplicates collapse."""

from __future__ import annotations

from app.engine.actors import ActorScan
from app.engine.brief import (
    ActionItem,
    Actor,
    ActorType,
    Evidence,
    Indicator,
    IndicatorType,
    Link,
    Origin,
    Relation,
    Targets,
    action_item_id,
)
from app.engine.indicators import IndicatorScan
from app.engine.merge import add_deterministic, count_ungrounded, merge_pieces
from app.engine.wire_convert import Pieces

GROUNDED = Evidence(quote="x", start=0, end=1, grounded=True)
LOOSE = Evidence(quote="made up", start=0, end=0, grounded=False)


def _actor(name: str, *aliases: str, kind: ActorType = ActorType.threat_actor) -> Actor:
    return Actor(name=name, type=kind, aliases=list(aliases), evidence=[GROUNDED])


def _link(source: str, target: str, confidence: float = 0.5) -> Link:
    return Link(source=source, relation=Relation.linked_to, target=target, confidence=confidence)


def _item(text: str, origin: Origin = Origin.stated, owner: str | None = None) -> ActionItem:
    return ActionItem(id=action_item_id(text), text=text, origin=origin, owner=owner)


def test_merge_actor_alias_folds_two_chunks_into_one() -> None:
    first = Pieces(actors=[_actor("STORM-0866")])
    second = Pieces(actors=[_actor("Red Dev 40", "storm-0866")])
    merged = merge_pieces([first, second])
    (actor,) = merged.actors
    assert actor.name == "STORM-0866"
    assert actor.aliases == ["Red Dev 40"]


def test_merge_actor_bridging_alias_joins_earlier_actors() -> None:
    parts = [
        Pieces(actors=[_actor("Sandman")]),
        Pieces(actors=[_actor("LuaDream", kind=ActorType.malware)]),
        Pieces(actors=[_actor("Sandman APT", "Sandman", "LuaDream")]),
        Pieces(actors=[_actor("luadream")]),
    ]
    merged = merge_pieces(parts)
    assert [a.name for a in merged.actors] == ["Sandman"]
    assert set(merged.actors[0].aliases) == {"LuaDream", "Sandman APT"}


def test_merge_links_follow_canonical_names_and_dedupe() -> None:
    first = Pieces(
        actors=[_actor("STORM-0866", "Red Dev 40")], links=[_link("Red Dev 40", "APT41")]
    )
    second = Pieces(links=[_link("storm-0866", "APT41", 0.9), _link("Red Dev 40", "STORM-0866")])
    merged = merge_pieces([first, second])
    (link,) = merged.links
    assert (link.source, link.target, link.confidence) == ("STORM-0866", "APT41", 0.9)


def test_merge_action_items_by_id_keep_stated_and_fill_gaps() -> None:
    first = Pieces(action_items=[_item("Patch the VPN", Origin.inferred)])
    second = Pieces(action_items=[_item("patch the VPN.", Origin.stated, owner="IT")])
    (item,) = merge_pieces([first, second]).action_items
    assert item.origin == Origin.stated
    assert item.owner == "IT"


def test_merge_indicators_and_targets_are_unioned() -> None:
    ip = Indicator(type=IndicatorType.ipv4, value="192.0.2.1", as_written="192.0.2.1")
    first = Pieces(indicators=[ip], targets=Targets(sectors=["telecom"], regions=["Europe"]))
    second = Pieces(indicators=[ip], targets=Targets(sectors=["Telecom", "ISP"], regions=[]))
    merged = merge_pieces([first, second])
    assert len(merged.indicators) == 1
    assert merged.targets.sectors == ["telecom", "ISP"]
    assert merged.targets.regions == ["Europe"]


def test_merge_deterministic_adds_missed_actors_and_scan_indicators() -> None:
    pieces = Pieces(actors=[Actor(name="Sandman", type=ActorType.threat_actor, evidence=[LOOSE])])
    found = ActorScan(
        actors=[_actor("sandman"), _actor("PwC", kind=ActorType.security_vendor)],
        targets=Targets(regions=["Middle East"]),
    )
    scan = IndicatorScan(
        indicators=[Indicator(type=IndicatorType.domain, value="a.example", as_written="a.example")]
    )
    add_deterministic(pieces, scan, found)
    assert [a.name for a in pieces.actors] == ["Sandman", "PwC"]
    assert pieces.actors[0].evidence[0].grounded  # the scan's evidence backs the model's actor
    assert pieces.actors[1].type == ActorType.security_vendor
    assert [i.value for i in pieces.indicators] == ["a.example"]
    assert pieces.targets.regions == ["Middle East"]


def test_merge_counts_ungrounded_items_per_kind() -> None:
    pieces = Pieces(
        actors=[_actor("Sandman"), Actor(name="Ghost", type=ActorType.other, evidence=[LOOSE])],
        links=[_link("Sandman", "Ghost")],
        action_items=[_item("Do a thing"), _item("Guess a thing", Origin.inferred)],
    )
    counts = count_ungrounded(pieces)
    assert counts == {"actors": 1, "links": 1, "action_items": 1, "techniques": 0}
