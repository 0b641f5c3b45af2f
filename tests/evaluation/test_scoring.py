"""Tests of the gold-set scorer and of the gold set's own consistency."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ioc_finder import ioc_finder
from rapidfuzz import fuzz, utils

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
    Provenance,
    Relation,
    action_item_id,
)
from app.engine.document import Document
from app.evaluation.gold import (
    GoldAction,
    GoldActor,
    GoldDoc,
    GoldIndicator,
    GoldLink,
    load_gold,
)
from app.evaluation.link_matching import SYMMETRIC
from app.evaluation.matching import name_key
from app.evaluation.metrics import EvalReport
from app.evaluation.scoring import evaluate, format_table, score_brief

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "eval" / "gold.jsonl"

GOLD_DOC = GoldDoc(
    id="doc1",
    text="APT29 (Cozy Bear) used 192.0.2.1. Patch the VPN appliances now.",
    kind=BriefKind.article,
    actors=(
        GoldActor("Midnight Blizzard", ActorType.threat_actor, ("APT29", "Cozy Bear")),
        GoldActor("Microsoft", ActorType.security_vendor),
    ),
    indicators=(
        GoldIndicator(IndicatorType.ipv4, "192.0.2.1"),
        GoldIndicator(IndicatorType.domain, "evil.example.com"),
    ),
    action_items=(
        GoldAction("Patch the VPN appliances now.", owner="Dana", due="2024-03-14"),
        GoldAction("Reset credentials of every VPN user."),
    ),
)


def _actor(name: str, kind: ActorType, *aliases: str) -> Actor:
    return Actor(name=name, type=kind, aliases=list(aliases))


def _item(text: str, owner: str | None = None, due: str | None = None) -> ActionItem:
    return ActionItem(id=action_item_id(text), text=text, owner=owner, due=due)


def _ioc(kind: IndicatorType, value: str) -> Indicator:
    return Indicator(type=kind, value=value, as_written=value)


def _brief(
    actors: list[Actor] | None = None,
    indicators: list[Indicator] | None = None,
    items: list[ActionItem] | None = None,
    kind: BriefKind = BriefKind.article,
) -> Brief:
    return Brief(
        kind=kind,
        summary="s",
        actors=actors or [],
        indicators=indicators or [],
        action_items=items or [],
        provenance=Provenance(extractor="test"),
    )


def _perfect() -> Brief:
    return _brief(
        actors=[
            _actor("Midnight Blizzard", ActorType.threat_actor, "APT29"),
            _actor("Microsoft", ActorType.security_vendor),
        ],
        indicators=[
            _ioc(IndicatorType.ipv4, "192.0.2.1"),
            _ioc(IndicatorType.domain, "evil.example.com"),
        ],
        items=[
            _item("Patch the VPN appliances now.", owner="Dana", due="2024-03-14"),
            _item("Reset credentials of every VPN user."),
        ],
    )


def test_score_brief_perfect_brief_scores_one_everywhere() -> None:
    score = score_brief(GOLD_DOC, _perfect())
    for field in ("actors", "indicators", "action_items"):
        counts = score.counts(field)
        assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0)
    assert score.kind_correct
    assert score.actor_type_accuracy.value == 1.0
    assert score.owner_accuracy.value == 1.0
    assert score.due_accuracy.value == 1.0


def test_score_brief_missing_actor_lowers_recall_not_precision() -> None:
    brief = _perfect()
    brief.actors = brief.actors[:1]
    counts = score_brief(GOLD_DOC, brief).actors
    assert counts.precision == 1.0
    assert counts.recall == 0.5
    assert score_brief(GOLD_DOC, brief).missed["actors"] == ["Microsoft"]


def test_score_brief_extra_actor_lowers_precision_not_recall() -> None:
    brief = _perfect()
    brief.actors.append(_actor("Lazarus Group", ActorType.threat_actor))
    counts = score_brief(GOLD_DOC, brief).actors
    assert counts.recall == 1.0
    assert counts.precision == pytest.approx(2 / 3)


def test_score_brief_actor_matches_through_alias_and_punctuation() -> None:
    brief = _perfect()
    brief.actors[0] = _actor("cozy-bear", ActorType.threat_actor)
    assert score_brief(GOLD_DOC, brief).actors.tp == 2


def test_score_brief_two_names_of_one_actor_count_once() -> None:
    brief = _perfect()
    brief.actors.append(_actor("APT29", ActorType.threat_actor))
    counts = score_brief(GOLD_DOC, brief).actors
    assert (counts.tp, counts.fp, counts.fn) == (2, 1, 0)


def test_score_brief_wrong_type_counts_for_name_but_not_for_type() -> None:
    brief = _perfect()
    brief.actors[1] = _actor("Microsoft", ActorType.organization)
    score = score_brief(GOLD_DOC, brief)
    assert score.actors.tp == 2
    assert score.actor_type_accuracy.value == 0.5
    assert score.actor_types["security_vendor"].fn == 1
    assert score.actor_types["organization"].fp == 1


def test_score_brief_indicators_match_canonical_value_whatever_the_type() -> None:
    brief = _perfect()
    brief.indicators = [
        _ioc(IndicatorType.url, "192.0.2.1"),
        _ioc(IndicatorType.domain, "EVIL.example.com"),
        _ioc(IndicatorType.domain, "other.example.net"),
    ]
    counts = score_brief(GOLD_DOC, brief).indicators
    assert (counts.tp, counts.fp, counts.fn) == (2, 1, 0)


def test_score_brief_defanged_prediction_does_not_match() -> None:
    brief = _perfect()
    brief.indicators = [_ioc(IndicatorType.domain, "evil[.]example[.]com")]
    assert score_brief(GOLD_DOC, brief).indicators.tp == 0


def test_score_brief_action_items_match_fuzzily() -> None:
    brief = _perfect()
    brief.action_items = [
        _item("ACTION: @dana to patch the VPN appliances now", owner="dana", due="2024-03-14"),
        _item("Reset the credentials of every VPN user"),
    ]
    score = score_brief(GOLD_DOC, brief)
    assert score.action_items.tp == 2
    assert score.owner_accuracy.value == 1.0


def test_score_brief_unrelated_or_fragment_action_does_not_match() -> None:
    brief = _perfect()
    brief.action_items = [_item("Order lunch for the team"), _item("patch")]
    assert score_brief(GOLD_DOC, brief).action_items.tp == 0


def test_score_brief_items_reported_done_are_not_scored() -> None:
    # the gold set labels open items only; a checked box the extractor keeps as done is
    # neither a hit nor an extra
    brief = _perfect()
    done = _item("Order lunch for the team").model_copy(update={"status": ItemStatus.done})
    brief.action_items = [*brief.action_items, done]
    score = score_brief(GOLD_DOC, brief)
    assert (score.action_items.tp, score.action_items.fp, score.action_items.fn) == (2, 0, 0)


def test_score_brief_wrong_owner_and_due_lower_their_accuracy() -> None:
    brief = _perfect()
    brief.action_items[0] = _item("Patch the VPN appliances now.", owner="Marco", due="2024-03-15")
    score = score_brief(GOLD_DOC, brief)
    assert score.action_items.tp == 2
    assert score.owner_accuracy.value == 0.0
    assert score.due_accuracy.value == 0.0


def test_score_brief_wrong_kind_is_reported() -> None:
    brief = _perfect()
    brief.kind = BriefKind.meeting_notes
    assert not score_brief(GOLD_DOC, brief).kind_correct


def test_score_brief_empty_prediction_has_zero_recall_and_f1() -> None:
    counts = score_brief(GOLD_DOC, _brief()).indicators
    assert (counts.precision, counts.recall, counts.f1) == (1.0, 0.0, 0.0)


def test_score_brief_empty_gold_and_empty_prediction_is_perfect() -> None:
    empty = GoldDoc(id="e", text="nothing here", kind=BriefKind.article)
    counts = score_brief(empty, _brief()).action_items
    assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0)


def test_score_brief_empty_gold_with_predictions_has_zero_precision() -> None:
    empty = GoldDoc(id="e", text="nothing here", kind=BriefKind.article)
    counts = score_brief(empty, _brief(items=[_item("Patch everything")])).action_items
    assert (counts.precision, counts.f1) == (0.0, 0.0)


class _FixedExtractor:
    """Returns the same brief for every document and records what it was given."""

    name = "fixed"

    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.seen: list[Document] = []

    async def extract(self, doc: Document) -> Brief:
        self.seen.append(doc)
        return self.brief


async def test_evaluate_scores_inline_and_path_documents(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "b.txt").write_text("Microsoft saw 192.0.2.1.")
    sub = tmp_path / "eval"
    sub.mkdir()
    ipv4 = {"type": "ipv4", "value": "192.0.2.1"}
    vendor = {"name": "Microsoft", "type": "security_vendor", "aliases": []}
    rows = [
        {"id": "a", "kind": "article", "text": "APT29 used 192.0.2.1.", "indicators": [ipv4]},
        {"id": "b", "kind": "article", "path": "docs/b.txt", "actors": [vendor]},
    ]
    (sub / "gold.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    extractor = _FixedExtractor(_brief(indicators=[_ioc(IndicatorType.ipv4, "192.0.2.1")]))
    report = await evaluate(sub / "gold.jsonl", extractor)
    assert [d.doc_id for d in report.docs] == ["a", "b"]
    assert extractor.seen[1].text == "Microsoft saw 192.0.2.1."
    assert extractor.seen[0].kind is None
    assert (report.total("indicators").tp, report.total("indicators").fp) == (1, 1)
    assert report.total("actors").fn == 1


def test_format_table_shows_fields_types_and_worst_documents() -> None:
    report_docs = [score_brief(GOLD_DOC, _perfect()), score_brief(GOLD_DOC, _brief())]
    table = format_table(EvalReport(docs=report_docs, extractor="fixed"))
    for needle in ("actors", "indicators", "action_items", "threat_actor", "kind accuracy"):
        assert needle in table
    assert "missed" in table
    assert "0.500" in table  # micro-averaged recall over one perfect and one empty brief


LINK_DOC = GoldDoc(
    id="links",
    text="APT29 deployed WellMess. Microsoft tracks APT29; it overlaps with Dukes.",
    kind=BriefKind.article,
    actors=(
        GoldActor("Midnight Blizzard", ActorType.threat_actor, ("APT29", "Cozy Bear")),
        GoldActor("WellMess", ActorType.malware),
        GoldActor("Microsoft", ActorType.security_vendor),
        GoldActor("The Dukes", ActorType.threat_actor, ("Dukes",)),
    ),
    links=(
        GoldLink("APT29", Relation.uses, "WellMess"),
        GoldLink("Midnight Blizzard", Relation.reported_by, "Microsoft"),
        GoldLink("Midnight Blizzard", Relation.overlaps_with, "The Dukes"),
    ),
)


def _link(source: str, relation: Relation, target: str) -> Link:
    return Link(source=source, relation=relation, target=target, confidence=0.8)


def _link_brief(*links: Link) -> Brief:
    brief = _brief(
        actors=[
            _actor("Cozy Bear", ActorType.threat_actor, "APT29"),
            _actor("WellMess", ActorType.malware),
            _actor("Microsoft", ActorType.security_vendor),
            _actor("Dukes", ActorType.threat_actor),
        ]
    )
    brief.links = list(links)
    return brief


def test_score_brief_links_match_through_gold_and_brief_aliases() -> None:
    brief = _link_brief(
        _link("Cozy Bear", Relation.uses, "WellMess"),  # a brief alias of the gold APT29
        _link("APT29", Relation.reported_by, "Microsoft"),
        _link("Dukes", Relation.overlaps_with, "Cozy Bear"),  # symmetric: either way round
    )
    score = score_brief(LINK_DOC, brief)
    assert score.links is not None
    assert (score.links.tp, score.links.fp, score.links.fn) == (3, 0, 0)


def test_score_brief_directed_link_written_backwards_does_not_match() -> None:
    brief = _link_brief(_link("WellMess", Relation.uses, "APT29"))
    score = score_brief(LINK_DOC, brief)
    assert score.counts("links").tp == 0
    assert score.counts("link_pairs").tp == 1  # the two ends alone still pair up
    assert score.missed["links"] == [
        "APT29 -uses-> WellMess",
        "Midnight Blizzard -reported_by-> Microsoft",
        "Midnight Blizzard -overlaps_with-> The Dukes",
    ]
    assert score.extra["links"] == ["WellMess -uses-> APT29"]


def test_score_brief_wrong_relation_misses_the_link_but_hits_the_pair() -> None:
    brief = _link_brief(_link("APT29", Relation.linked_to, "The Dukes"))
    score = score_brief(LINK_DOC, brief)
    assert (score.counts("links").tp, score.counts("links").fp) == (0, 1)
    assert (score.counts("link_pairs").tp, score.counts("link_pairs").fn) == (1, 2)


def test_score_brief_duplicate_links_count_once_one_to_one() -> None:
    brief = _link_brief(
        _link("APT29", Relation.uses, "WellMess"),
        _link("Cozy Bear", Relation.uses, "WellMess"),  # the same link under another name
        _link("The Dukes", Relation.overlaps_with, "APT29"),
        _link("APT29", Relation.overlaps_with, "Dukes"),
    )
    links = score_brief(LINK_DOC, brief).counts("links")
    assert (links.tp, links.fp, links.fn) == (2, 0, 1)


def test_score_brief_links_unlabelled_are_not_scored_and_empty_gold_counts_extras() -> None:
    brief = _link_brief(_link("APT29", Relation.uses, "WellMess"))
    assert score_brief(GOLD_DOC, brief).links is None
    empty = GoldDoc(id="e", text="APT29", kind=BriefKind.article, links=())
    links = score_brief(empty, brief).links
    assert links is not None
    assert (links.tp, links.fp, links.precision) == (0, 1, 0.0)


def test_format_table_shows_links_only_when_labelled() -> None:
    unlabelled = format_table(EvalReport(docs=[score_brief(GOLD_DOC, _perfect())]))
    assert "link pairs" not in unlabelled
    brief = _link_brief(_link("WellMess", Relation.uses, "APT29"))
    table = format_table(EvalReport(docs=[score_brief(LINK_DOC, brief)]))
    assert "link pairs" in table
    assert "1 of 1 documents labelled" in table
    assert "links missed: APT29 -uses-> WellMess" in table
    assert "links extra: WellMess -uses-> APT29" in table


# The gold set itself: it must load and be consistent with the documents it labels.

_DEFANG = [
    (re.compile(r"hxxp", re.IGNORECASE), "http"),
    (re.compile(r"\[\.\]|\(\.\)|\[dot\]|\(dot\)", re.IGNORECASE), "."),
    (re.compile(r"\[at\]|\(at\)|\[@\]", re.IGNORECASE), "@"),
    (re.compile(r"\[:\]"), ":"),
]


def _refang(text: str) -> str:
    for pattern, plain in _DEFANG:
        text = pattern.sub(plain, text)
    return text


@pytest.fixture(scope="module")
def gold_docs() -> list[GoldDoc]:
    return load_gold(GOLD)


def test_gold_set_loads_with_enough_documents_of_both_kinds(gold_docs: list[GoldDoc]) -> None:
    assert len(gold_docs) >= 25
    kinds = {d.kind for d in gold_docs}
    assert kinds == {BriefKind.article, BriefKind.meeting_notes}
    assert len({d.id for d in gold_docs}) == len(gold_docs)
    for doc in gold_docs:
        assert doc.path is not None
        assert (REPO / doc.path).is_file(), doc.path


def test_gold_indicators_occur_in_their_refanged_documents(gold_docs: list[GoldDoc]) -> None:
    missing = []
    for doc in gold_docs:
        plain = _refang(doc.text).casefold()
        fanged = ioc_finder.ioc_fanger.fang(doc.text).casefold()
        missing += [
            (doc.id, i.value)
            for i in doc.indicators
            if i.value.casefold() not in plain and i.value.casefold() not in fanged
        ]
    assert missing == []


def test_gold_action_items_occur_fuzzily_in_their_documents(gold_docs: list[GoldDoc]) -> None:
    missing = []
    for doc in gold_docs:
        text = utils.default_process(doc.text)
        missing += [
            (doc.id, a.text)
            for a in doc.action_items
            if fuzz.partial_ratio(utils.default_process(a.text), text) < 85
        ]
    assert missing == []


def test_gold_actor_names_occur_in_their_documents(gold_docs: list[GoldDoc]) -> None:
    missing = []
    for doc in gold_docs:
        text = doc.text.casefold()
        missing += [
            (doc.id, a.name)
            for a in doc.actors
            if not any(n.casefold() in text for n in (a.name, *a.aliases))
        ]
    assert missing == []


def test_gold_links_join_labelled_actors_of_their_document(gold_docs: list[GoldDoc]) -> None:
    bad = []
    for doc in gold_docs:
        names = {name_key(n) for a in doc.actors for n in (a.name, *a.aliases)}
        for link in doc.links or ():
            ends = (link.source, link.target)
            if not all(name_key(end) in names for end in ends) or link.source == link.target:
                bad.append((doc.id, link))
    assert bad == []


def test_gold_links_are_labelled_once_each(gold_docs: list[GoldDoc]) -> None:
    repeated = []
    for doc in gold_docs:
        keys = [
            (link.source, link.relation, link.target)
            if link.relation not in SYMMETRIC
            else (*sorted((link.source, link.target)), link.relation)
            for link in doc.links or ()
        ]
        repeated += [(doc.id, key) for key in set(keys) if keys.count(key) > 1]
    assert repeated == []
