"""Tests for typed links between actors."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.actors import find_actors
from app.engine.brief import Link, Relation
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
