"""Tests for typed links between actors."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.actors import find_actors
from app.engine.brief import Actor, ActorType, Link, Relation
from app.engine.document import Document
from app.engine.links import find_links

SEED = Path(__file__).resolve().parents[2] / "seeds" / "sandman-luadream-article.txt"


def _links(text: str) -> list[Link]:
    doc = Document.from_raw(text)
    return find_links(doc, find_actors(doc).actors)


def _has(
    links: list[Link], a: str, relations: set[Relation], b: str, *, either: bool = False
) -> bool:
    for link in links:
        if link.relation in relations and (link.source, link.target) == (a, b):
            return True
        if either and link.relation in relations and (link.source, link.target) == (b, a):
            return True
    return False


@pytest.fixture(scope="module")
def seed_links() -> list[Link]:
    return _links(SEED.read_text(encoding="utf-8"))


def test_find_links_seed_sandman_linked_to_storm(seed_links: list[Link]) -> None:
    assert _has(seed_links, "Sandman", {Relation.linked_to}, "STORM-0866", either=True)


def test_find_links_seed_keyplug_and_apt41(seed_links: list[Link]) -> None:
    assert _has(seed_links, "KeyPlug", {Relation.linked_to, Relation.uses}, "APT41", either=True)


def test_find_links_seed_storm_uses_keyplug(seed_links: list[Link]) -> None:
    assert _has(seed_links, "STORM-0866", {Relation.uses}, "KeyPlug")


def test_find_links_seed_reported_by_vendors(seed_links: list[Link]) -> None:
    for vendor in ("SentinelOne", "Microsoft", "PwC"):
        assert _has(seed_links, "Sandman", {Relation.reported_by}, vendor)


def test_find_links_seed_no_wrong_user(seed_links: list[Link]) -> None:
    assert not _has(seed_links, "Sandman", {Relation.uses}, "KeyPlug")
    assert not any(
        link.source == "China" and link.relation == Relation.reported_by for link in seed_links
    )


def test_find_links_are_unique_with_grounded_evidence(seed_links: list[Link]) -> None:
    text = Document.from_raw(SEED.read_text(encoding="utf-8")).text
    keys = [(link.source, link.relation, link.target) for link in seed_links]
    assert len(keys) == len(set(keys))
    for link in seed_links:
        assert link.evidence
        assert all(text[e.start : e.end] == e.quote for e in link.evidence)


def test_find_links_attribution_and_development() -> None:
    links = _links(
        "Mandiant attributed the campaign to APT29. "
        "The WINELOADER backdoor was developed by APT29. "
        "According to ESET, Moonfang used the WINELOADER backdoor."
    )
    assert _has(links, "WINELOADER", {Relation.developed_by}, "APT29")
    assert any(link.relation == Relation.reported_by and link.target == "ESET" for link in links)


def test_find_links_negated_cue_gives_no_link() -> None:
    links = _links("APT28 is not linked to APT29.")
    assert not _has(links, "APT28", {Relation.linked_to}, "APT29", either=True)


def test_find_links_overlap_between_families() -> None:
    links = _links("Analysts found code overlaps between ShadowPad and PlugX.")
    assert _has(links, "ShadowPad", {Relation.overlaps_with}, "PlugX", either=True)


def test_find_links_confidence_higher_for_explicit_verbs() -> None:
    links = _links("TA577 uses Pikabot. Pikabot is associated with TA578.")
    uses = next(link for link in links if link.relation == Relation.uses)
    assoc = next(link for link in links if link.target == "TA578" or link.source == "TA578")
    assert uses.confidence > assoc.confidence


def test_find_links_cue_words_in_any_case() -> None:
    links = _links(
        "The WINELOADER backdoor was DEVELOPED BY APT29. ESET’s Moonfang USED WINELOADER."
    )
    assert _has(links, "WINELOADER", {Relation.developed_by}, "APT29")


def test_find_links_anaphor_refers_back() -> None:
    links = _links("APT41 runs a large operation. The group uses ShadowPad in most intrusions.")
    assert _has(links, "APT41", {Relation.uses}, "ShadowPad")


def test_find_links_same_with_unnormalised_white_space() -> None:
    text = "APT41 runs a large operation. The group uses ShadowPad in most intrusions."
    messy = Document(text=text.replace("The group", "The \t group"))
    links = find_links(messy, find_actors(messy).actors)
    assert _has(links, "APT41", {Relation.uses}, "ShadowPad")


def test_find_links_for_actors_from_elsewhere_searches_their_names() -> None:
    doc = Document.from_raw("Mandiant attributed the campaign to APT29. APT29 uses WINELOADER.")
    actors = [actor.model_copy() for actor in find_actors(doc).actors]
    links = find_links(doc, actors)
    assert _has(links, "APT29", {Relation.uses}, "WINELOADER")


# Rules read with the actors given, so that they test the link reader alone.

_KINDS = {
    "CISA": ActorType.government,
    "NSA": ActorType.government,
    "FBI": ActorType.government,
    "GRU": ActorType.government,
    "FSB": ActorType.government,
    "China": ActorType.country,
    "North Korea": ActorType.country,
    "ESET": ActorType.security_vendor,
    "Microsoft": ActorType.security_vendor,
    "Proofpoint": ActorType.security_vendor,
    "Sophos": ActorType.security_vendor,
    "AhnLab": ActorType.security_vendor,
    "NCA": ActorType.government,
    "Fortra": ActorType.organization,
    "Zellis": ActorType.organization,
}
_SOFTWARE = {
    *("Industroyer2", "POWERTRASH", "Pikabot", "Carbanak", "DICELOADER", "MooBot", "Mirai"),
    *("Carbon", "Snake", "AppleSeed", "Cobalt Strike", "AnyDesk", "PlugX", "StealBit"),
}


def _given(text: str, *names: str) -> list[Link]:
    """The links between the named actors, typed from the tables above (else a group)."""
    actors = [
        Actor(
            name=name,
            type=ActorType.malware
            if name in _SOFTWARE
            else _KINDS.get(name, ActorType.threat_actor),
        )
        for name in names
    ]
    return find_links(Document.from_raw(text), actors)


def test_find_links_a_list_before_the_cue_gives_each_member_the_link() -> None:
    links = _given(
        "A joint advisory issued by CISA, the NSA and the FBI warns that Volt Typhoon is "
        "inside the networks.",
        *("CISA", "NSA", "FBI", "Volt Typhoon"),
    )
    for agency in ("CISA", "NSA", "FBI"):
        assert _has(links, "Volt Typhoon", {Relation.reported_by}, agency)


def test_find_links_attribution_to_a_government_body() -> None:
    links = _given(
        "The attack was the work of Sandworm, the unit of the GRU that runs sabotage. "
        "Star Blizzard phished policy staff. UK agencies attribute the group to the FSB.",
        *("Sandworm", "GRU", "Star Blizzard", "FSB"),
    )
    assert _has(links, "Sandworm", {Relation.attributed_to}, "GRU")
    assert _has(links, "Star Blizzard", {Relation.attributed_to}, "FSB")
    assert not _has(links, "Star Blizzard", {Relation.reported_by}, "FSB")


def test_find_links_country_of_origin_in_an_apposition_or_possessive() -> None:
    links = _given(
        "Mustang Panda, a China-based espionage group, spreads by USB. "
        "North Korea's Lazarus Group stole millions. "
        "BlackTech is a group that the agencies link to China.",
        *("Mustang Panda", "China", "Lazarus Group", "North Korea", "BlackTech"),
    )
    assert _has(links, "Mustang Panda", {Relation.attributed_to}, "China")
    assert _has(links, "Lazarus Group", {Relation.attributed_to}, "North Korea")
    assert _has(links, "BlackTech", {Relation.attributed_to}, "China")
    assert not _has(links, "BlackTech", {Relation.linked_to}, "China", either=True)


def test_find_links_country_without_an_origin_phrase_is_no_attribution() -> None:
    links = _given(
        "Mustang Panda, a group seen in China-region networks.", "Mustang Panda", "China"
    )
    assert not _has(links, "Mustang Panda", {Relation.attributed_to}, "China")


def test_find_links_vendor_named_around_the_actor() -> None:
    links = _given(
        "The new malware, named Industroyer2 by ESET, was narrow. "
        "It ran a loader that Microsoft and others call POWERTRASH. "
        "The operators, tracked by Proofpoint as TA542, came back. "
        "The flaw is being used by Akira operators per Sophos. "
        "Others fetched AppleSeed, a backdoor that AhnLab has tracked since 2019.",
        *("Industroyer2", "ESET", "POWERTRASH", "Microsoft", "TA542", "Proofpoint"),
        *("Akira", "Sophos", "AppleSeed", "AhnLab"),
    )
    for thing, vendor in (
        ("Industroyer2", "ESET"),
        ("POWERTRASH", "Microsoft"),
        ("TA542", "Proofpoint"),
        ("Akira", "Sophos"),
        ("AppleSeed", "AhnLab"),
    ):
        assert _has(links, thing, {Relation.reported_by}, vendor), thing


def test_find_links_tool_changes_and_ownership_are_uses() -> None:
    links = _given(
        "Within weeks TA577 had moved to Pikabot. "
        "FIN7, the group behind the Carbanak malware, is back. "
        "The loader fetched DICELOADER, FIN7's lightweight backdoor.",
        *("TA577", "Pikabot", "FIN7", "Carbanak", "DICELOADER"),
    )
    assert _has(links, "TA577", {Relation.uses}, "Pikabot")
    assert _has(links, "FIN7", {Relation.uses}, "Carbanak")
    assert _has(links, "FIN7", {Relation.uses}, "DICELOADER")


def test_find_links_variant_of_another_family_is_related() -> None:
    links = _given(
        "Criminals ran the MooBot malware, a Mirai variant. "
        "Carbon is sometimes described as a lighter sibling of Snake.",
        *("MooBot", "Mirai", "Carbon", "Snake"),
    )
    assert _has(links, "MooBot", {Relation.related_to}, "Mirai", either=True)
    assert _has(links, "Carbon", {Relation.related_to}, "Snake", either=True)


def test_find_links_attack_on_a_labelled_victim_targets_it() -> None:
    links = _given(
        "Midnight Blizzard's password spray against Microsoft worked. "
        "Victims of past LockBit attacks should contact the NCA.",
        *("Midnight Blizzard", "Microsoft", "LockBit", "NCA"),
    )
    assert _has(links, "Midnight Blizzard", {Relation.targets}, "Microsoft")
    assert not _has(links, "LockBit", {Relation.targets}, "NCA")


def test_find_links_name_used_as_a_modifier_does_not_act() -> None:
    links = _given(
        "The exercise simulated a Scattered Spider style intrusion that installed AnyDesk. "
        "Rapid7 reported Black Basta affiliates moving on to Cobalt Strike.",
        *("Scattered Spider", "AnyDesk", "Black Basta", "Cobalt Strike"),
    )
    assert not _has(links, "Scattered Spider", {Relation.uses}, "AnyDesk")
    assert not _has(links, "Black Basta", {Relation.linked_to}, "Cobalt Strike", either=True)


def test_find_links_tool_developed_by_an_organisation() -> None:
    links = _given(
        "Cobalt Strike, a tool developed by Fortra, is abused.", "Cobalt Strike", "Fortra"
    )
    assert _has(links, "Cobalt Strike", {Relation.developed_by}, "Fortra")


def test_find_links_loader_as_a_noun_is_no_chain() -> None:
    links = _given(
        "One sample of the PlugX loader has one hash, and a StealBit build has another.",
        "PlugX",
        "StealBit",
    )
    assert not _has(links, "PlugX", {Relation.uses}, "StealBit")
