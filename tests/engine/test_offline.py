"""The seed article through the whole offline extractor, as the issue states it."""

from pathlib import Path

import pytest

from app.engine.brief import ActorType, Brief, BriefKind, Relation
from app.engine.document import Document
from app.engine.offline import OfflineExtractor

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def seed_brief() -> Brief:
    import asyncio

    doc = Document.from_raw((SEEDS / "sandman-luadream-article.txt").read_text(encoding="utf-8"))
    return asyncio.run(OfflineExtractor().extract(doc))


def _by_name(brief: Brief) -> dict[str, ActorType]:
    return {a.name.casefold(): a.type for a in brief.actors}


def test_offline_seed_names_actors_with_types(seed_brief: Brief) -> None:
    types = _by_name(seed_brief)
    expected = {
        "sandman": ActorType.threat_actor,
        "storm-0866": ActorType.threat_actor,
        "apt41": ActorType.threat_actor,
        "luadream": ActorType.malware,
        "keyplug": ActorType.malware,
        "sentinelone": ActorType.security_vendor,
        "microsoft": ActorType.security_vendor,
        "pwc": ActorType.security_vendor,
    }
    assert {name: types.get(name) for name in expected} == expected


def test_offline_seed_storm_0866_is_one_actor_with_alias(seed_brief: Brief) -> None:
    storms = [a for a in seed_brief.actors if "STORM-0866" in [a.name, *a.aliases]]
    assert len(storms) == 1
    assert "Red Dev 40" in [storms[0].name, *storms[0].aliases]
    assert not any(a.name == "Red Dev 40" for a in seed_brief.actors if a is not storms[0])


def test_offline_seed_targets_and_links(seed_brief: Brief) -> None:
    assert "telecommunications" in seed_brief.targets.sectors
    assert {"Middle East", "Europe", "South Asia"} <= set(seed_brief.targets.regions)
    pairs = {frozenset((link.source, link.target)) for link in seed_brief.links}
    assert frozenset(("Sandman", "STORM-0866")) in pairs
    assert frozenset(("KeyPlug", "APT41")) in pairs
    assert all(link.relation in Relation for link in seed_brief.links)


def test_offline_seed_four_recommendations(seed_brief: Brief) -> None:
    firsts = [item.text.split()[0] for item in seed_brief.action_items]
    assert firsts == ["Strengthen", "Conduct", "Collaborate", "Stay"]
    assert seed_brief.kind == BriefKind.article


def test_offline_seed_every_evidence_is_grounded(seed_brief: Brief) -> None:
    text = Document.from_raw((SEEDS / "sandman-luadream-article.txt").read_text()).text
    evidence = [e for a in seed_brief.actors for e in a.evidence]
    evidence += [e for link in seed_brief.links for e in link.evidence]
    evidence += [e for item in seed_brief.action_items for e in item.evidence]
    assert evidence
    for ev in evidence:
        assert ev.grounded
        assert text[ev.start : ev.end] == ev.quote


def test_offline_same_text_same_brief() -> None:
    import asyncio

    text = (SEEDS / "meeting-notes-incident-review.txt").read_text(encoding="utf-8")
    first = asyncio.run(OfflineExtractor().extract(Document.from_raw(text)))
    second = asyncio.run(OfflineExtractor().extract(Document.from_raw(text)))
    drop = {"provenance"}
    assert first.model_dump(exclude=drop) == second.model_dump(exclude=drop)
    assert first.kind == BriefKind.meeting_notes


# Letters whose case mapping changes length or that case-blind regexes fold to ASCII ("İ",
# "ı", "ſ", "ẞ"), plus spaces and ligatures that normalisation or splitting may treat apart.
_AWKWARD = "İıſẞßﬁΣ\u00a0\u200b"


_TEXTS = sorted([*SEEDS.glob("*.txt"), *(SEEDS.parent / "eval" / "docs").glob("*")])


@pytest.mark.parametrize("path", _TEXTS, ids=lambda p: p.name)
def test_offline_evidence_stays_on_its_text_among_awkward_characters(path: Path) -> None:
    """Every grounded span still quotes its own text when awkward characters are sprinkled in."""
    import random

    from app.engine.indicators import scan_indicators
    from app.engine.offline import extract_offline

    rng = random.Random(path.name)
    chars = list(path.read_text(encoding="utf-8"))
    for _ in range(40):
        chars.insert(rng.randrange(len(chars)), rng.choice(_AWKWARD))
    for at in [i for i, c in enumerate(chars) if c == "/"][::-1][::7]:  # inside URLs too
        chars.insert(at + 1, rng.choice(_AWKWARD[:3]))
    doc = Document.from_raw("".join(chars))
    brief = extract_offline(doc)
    evidence = [e for a in brief.actors for e in a.evidence]
    evidence += [e for link in brief.links for e in link.evidence]
    evidence += [e for item in brief.action_items for e in item.evidence]
    evidence += [e for i in brief.indicators for e in i.evidence]
    evidence += [e for t in brief.techniques for e in t.evidence]
    assert evidence
    for ev in evidence:
        if ev.grounded:
            assert doc.text[ev.start : ev.end] == ev.quote
    for indicator in brief.indicators:  # each quote, read alone, still writes its value
        for ev in indicator.evidence:
            alone = scan_indicators(ev.quote).indicators
            assert indicator.value in {i.value for i in alone}, (indicator.value, ev.quote)
