"""Consistency of the held-out gold set (eval/holdout), with the checks used for eval/gold.jsonl."""

from __future__ import annotations

from datetime import date

import pytest

from app.engine.brief import BriefKind
from app.evaluation.gold import GoldDoc, load_gold
from tests.evaluation import test_scoring as gold_checks

HOLDOUT = gold_checks.REPO / "eval" / "holdout" / "gold.jsonl"
HOLDOUT_DOCS = gold_checks.REPO / "eval" / "holdout" / "docs"


@pytest.fixture(scope="module")
def holdout_docs() -> list[GoldDoc]:
    return load_gold(HOLDOUT)


def test_holdout_set_loads_with_enough_documents_of_both_kinds(
    holdout_docs: list[GoldDoc],
) -> None:
    assert len(holdout_docs) >= 12
    assert {d.kind for d in holdout_docs} == {BriefKind.article, BriefKind.meeting_notes}
    assert len({d.id for d in holdout_docs}) == len(holdout_docs)
    for doc in holdout_docs:
        assert doc.path is not None
        assert (gold_checks.REPO / doc.path).is_file(), doc.path
        assert (gold_checks.REPO / doc.path).parent == HOLDOUT_DOCS, doc.path


def test_holdout_documents_are_not_in_the_tuning_gold_set(holdout_docs: list[GoldDoc]) -> None:
    tuning = load_gold(gold_checks.GOLD)
    tuning_ids = {d.id for d in tuning}
    tuning_texts = {d.text.strip() for d in tuning}
    shared = [d.id for d in holdout_docs if d.id in tuning_ids or d.text.strip() in tuning_texts]
    assert shared == []


def test_holdout_documents_are_all_labelled(holdout_docs: list[GoldDoc]) -> None:
    labelled = {gold_checks.REPO / d.path for d in holdout_docs if d.path}
    assert set(HOLDOUT_DOCS.iterdir()) == labelled


def test_holdout_indicators_occur_in_their_refanged_documents(
    holdout_docs: list[GoldDoc],
) -> None:
    gold_checks.test_gold_indicators_occur_in_their_refanged_documents(holdout_docs)


def test_holdout_action_items_occur_fuzzily_in_their_documents(
    holdout_docs: list[GoldDoc],
) -> None:
    gold_checks.test_gold_action_items_occur_fuzzily_in_their_documents(holdout_docs)


def test_holdout_actor_names_occur_in_their_documents(holdout_docs: list[GoldDoc]) -> None:
    gold_checks.test_gold_actor_names_occur_in_their_documents(holdout_docs)


def test_holdout_meeting_items_have_owners_and_iso_due_dates(
    holdout_docs: list[GoldDoc],
) -> None:
    items = [a for d in holdout_docs if d.kind is BriefKind.meeting_notes for a in d.action_items]
    assert items
    assert all(a.owner for a in items)
    dated = [a.due for a in items if a.due]
    assert dated
    assert all(date.fromisoformat(due).isoformat() == due for due in dated)
