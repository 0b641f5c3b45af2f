"""Kind detection (article vs meeting notes) and title guessing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.brief import BriefKind
from app.engine.document import Document
from app.engine.kind import detect_kind, guess_title

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _doc(name: str) -> Document:
    return Document.from_raw((SEEDS / name).read_text(encoding="utf-8"))


def test_detect_kind_seed_article_is_an_article_despite_mentioning_meeting_notes() -> None:
    assert detect_kind(_doc("sandman-luadream-article.txt")) is BriefKind.article


@pytest.mark.parametrize(
    "name", ["meeting-notes-cti-weekly-sync.md", "meeting-notes-incident-review.txt"]
)
def test_detect_kind_meeting_seeds_are_meeting_notes(name: str) -> None:
    assert detect_kind(_doc(name)) is BriefKind.meeting_notes


def test_detect_kind_speaker_lines_and_mentions_make_notes() -> None:
    text = (
        "Standup\n\nAlice: finished the YARA rule\nBob: still triaging the phish\n"
        "Carol: blocked on firewall access\n@dave please review the PR\n"
    )
    assert detect_kind(Document.from_raw(text)) is BriefKind.meeting_notes


def test_detect_kind_callers_kind_wins() -> None:
    doc = _doc("meeting-notes-incident-review.txt")
    doc.kind = BriefKind.article
    assert detect_kind(doc) is BriefKind.article


def test_detect_kind_empty_text_is_other() -> None:
    assert detect_kind(Document(text="")) is BriefKind.other


def test_guess_title_takes_the_first_heading_line() -> None:
    assert guess_title(_doc("sandman-luadream-article.txt")) == (
        "Sandman Cyberespionage Group Linked to China"
    )
    assert guess_title(_doc("meeting-notes-cti-weekly-sync.md")) == "CTI weekly sync — 2024-04-26"


def test_guess_title_prose_opening_has_no_title() -> None:
    text = "The group targeted telecom providers across Europe in 2023. It used a Lua backdoor."
    assert guess_title(Document.from_raw(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "Emergency call: edge gateway exposure\n\nOn the call: Ruth (IR), Sven (network)\n\n"
        "Situation\n- Vendor disclosed two flaws today; no patch yet.\n\n"
        "Decisions\n- Sven to apply the mitigation tonight.\n",
        "SOC shift handover — night to day, 2024-02-20 07:00\n\n"
        "Outgoing: A. Moreno / Incoming: K. Ito\n\nOpen items\n"
        "* Host WS-1 isolated at 03:40 after a beacon to a known C2.\n\n"
        "TODO\n- Re-run the sandbox on the quarantined sample\n",
        "Detection stand-up\n\n09:02 — Kim: pager storm overnight on the mail relays\n"
        "09:05 — Lars: rolled back the DNS change that broke resolution\n"
        "09:09 — Noor: reviewing the EDR exclusions list\n",
    ],
)
def test_detect_kind_call_handover_and_standup_notes_are_meeting_notes(text: str) -> None:
    assert detect_kind(Document.from_raw(text)) is BriefKind.meeting_notes


def test_detect_kind_article_about_calls_and_handovers_stays_an_article() -> None:
    paragraph = (
        "The intruders phoned the help desk and asked for a password reset. The agent on the "
        "call followed the script, and the handover between shifts meant nobody checked the "
        "caller's identity. Meeting notes later showed the reset had been approved twice. "
        "Defenders should verify callers through a known number before any reset."
    )
    text = (
        f"# Anatomy of a help desk attack\n\n{paragraph}\n\n## Anatomy of a call\n\n{paragraph}\n"
    )
    assert detect_kind(Document.from_raw(text)) is BriefKind.article


def test_detect_kind_every_gold_article_stays_an_article() -> None:
    docs = Path(__file__).resolve().parents[2] / "eval" / "docs"
    for path in sorted(docs.glob("a*")):
        doc = Document.from_raw(path.read_text(encoding="utf-8"))
        assert detect_kind(doc) is BriefKind.article, path.name


def test_detect_kind_bridge_minutes_with_numbered_sections_are_meeting_notes() -> None:
    text = (
        "MAJOR INCIDENT BRIDGE - MINUTES\n"
        "Ref: MI-7 | Date: 26/11/2024 | Bridge opened 21:40 GMT\n"
        "Incident manager: Fiona Grant\n"
        "On the bridge: Dev Patel (network), Grace Liu (SOC)\n\n"
        "1. Situation\nThe edge firewall was reachable from the internet.\n\n"
        "2. Decisions\n- Emergency change approved.\n\n"
        "3. Actions\nA1  Dev Patel  Upgrade both firewalls.  Target: tomorrow\n"
    )
    assert detect_kind(Document.from_raw(text)) is BriefKind.meeting_notes


def test_detect_kind_bold_date_line_alone_does_not_make_an_advisory_notes() -> None:
    prose = (
        "Affiliates of the ransomware operation are exploiting a memory leak in the gateway "
        "appliances to steal session tokens. With a stolen token the attacker takes over an "
        "authenticated session without a password or a prompt. Fixed builds were released in "
        "October, but sessions hijacked before patching remain valid until they are ended."
    )
    text = (
        "# Advisory AA23-325A: affiliates exploit the gateway flaw\n\n"
        "**Date:** 21 November 2023\n\n## Overview\n\n"
        f"{prose}\n\n## Mitigations\n\n- Upgrade to the fixed builds.\n"
    )
    assert detect_kind(Document.from_raw(text)) is BriefKind.article
