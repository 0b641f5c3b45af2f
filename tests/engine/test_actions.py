"""Action items: recommendations in articles, assigned tasks in meeting notes."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from app.engine import action_dates
from app.engine.action_dates import find_due, header_date
from app.engine.actions import find_action_items, is_imperative, is_recommendation
from app.engine.brief import ActionItem, BriefKind, ItemStatus, Origin, Priority
from app.engine.document import Document

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _doc(name: str) -> Document:
    return Document.from_raw((SEEDS / name).read_text(encoding="utf-8"))


def _items(text: str, kind: BriefKind = BriefKind.article) -> list[ActionItem]:
    return find_action_items(Document.from_raw(text), kind)


def _by_start(items: list[ActionItem], start: str) -> ActionItem:
    matches = [item for item in items if item.text.startswith(start)]
    assert len(matches) == 1, [item.text for item in items]
    return matches[0]


def test_find_action_items_seed_yields_exactly_the_four_recommendations() -> None:
    doc = _doc("sandman-luadream-article.txt")
    items = find_action_items(doc, BriefKind.article)
    starts = ["Strengthen", "Conduct", "Collaborate", "Stay informed"]
    assert [item.text.split()[0] for item in items] == [s.split()[0] for s in starts]
    for item, start in zip(items, starts, strict=True):
        assert item.text.startswith(start)
        assert item.origin is Origin.stated
        evidence = item.evidence[0]
        assert evidence.grounded
        assert item.text in doc.text[evidence.start : evidence.end]


def test_find_action_items_seed_ignores_the_closing_pleasantries() -> None:
    items = find_action_items(_doc("sandman-luadream-article.txt"), BriefKind.article)
    assert not any("Let me know" in item.text or "hope" in item.text for item in items)
    assert all(not item.text[0].isdigit() for item in items)  # list markers are stripped


def test_find_action_items_ids_are_stable_across_runs() -> None:
    doc = _doc("sandman-luadream-article.txt")
    first = [item.id for item in find_action_items(doc, BriefKind.article)]
    fresh = _doc("sandman-luadream-article.txt")
    again = [item.id for item in find_action_items(fresh, BriefKind.article)]
    assert first == again
    assert len(set(first)) == 4


def test_find_action_items_weekly_sync_parses_owners_dues_and_checkboxes() -> None:
    items = find_action_items(_doc("meeting-notes-cti-weekly-sync.md"), BriefKind.meeting_notes)
    yara = _by_start(items, "Alice to tune")
    assert (yara.owner, yara.due, yara.status) == ("Alice", "2024-05-03", ItemStatus.open)
    wiki = _by_start(items, "Publish the LuaDream")
    assert (wiki.owner, wiki.due) == ("dana.lee", "2024-05-02")
    assert wiki.text == "Publish the LuaDream hunting queries to the SOC wiki"
    share = _by_start(items, "Share the QR-code")
    assert share.status is ItemStatus.done  # [x]
    assert share.owner == "Tomasz"
    assert share.due == "2024-05-03"  # "by Friday", relative to "Date: 2024-04-26"
    expire = _by_start(items, "Expire feed domains")
    assert (expire.owner, expire.due, expire.priority) == ("Bob Okafor", "2024-05-10", Priority.low)


def test_find_action_items_weekly_sync_reads_handles_and_urgency() -> None:
    items = find_action_items(_doc("meeting-notes-cti-weekly-sync.md"), BriefKind.meeting_notes)
    brief_ciso = _by_start(items, "@priya.raman to brief")
    assert brief_ciso.owner == "priya.raman"
    assert brief_ciso.priority is Priority.high
    assert brief_ciso.due == "2024-05-03"  # "next week"
    review = _by_start(items, "Review the Red Dev 40")
    assert (review.owner, review.due) == ("Bob", "2024-05-06")
    assert not any(item.text.startswith(("ACTION", "TODO", "[")) for item in items)


def test_find_action_items_incident_review_parses_ai_lines_and_speakers() -> None:
    items = find_action_items(_doc("meeting-notes-incident-review.txt"), BriefKind.meeting_notes)
    mfa = _by_start(items, "Ken to enforce MFA")
    assert (mfa.owner, mfa.due, mfa.priority) == ("Ken", "2024-03-15", Priority.high)
    block = _by_start(items, "Sara to block")
    assert block.due == "2024-03-13"  # "by tomorrow" after "Date: 12 March 2024"
    rotate = _by_start(items, "Rotate the passwords")
    assert (rotate.owner, rotate.due) == ("Maria", "2024-03-14")
    assert _by_start(items, "Pull VPN logs").status is ItemStatus.done  # [x]
    assert _by_start(items, "I'll draft the customer notice").owner == "Jon"
    assert not any("185.220.101.4 " in item.text and "UTC" in item.text for item in items)


def test_find_action_items_numbered_list_of_iocs_is_not_an_action_list() -> None:
    text = "Indicators of compromise:\n\n1. 185.12.44.3\n2. hxxp://evil[.]com/a.php\n3. Upd.exe\n"
    assert _items(text) == []


def test_find_action_items_bare_numbered_iocs_after_prose_are_not_items() -> None:
    text = "The actor used these servers:\n\n1. 45.9.148.108\n2. 3f2a9c0e1d7b4a55e1c2d3b4a5f6e7d8\n"
    assert _items(text) == []


def test_find_action_items_list_under_an_indicators_heading_needs_no_verbs() -> None:
    text = "## Affected products\n\n- Update Manager 3.2\n- Patch Portal 1.0\n\n## Recap\n\nText.\n"
    assert _items(text) == []


def test_find_action_items_empty_recommendations_heading_takes_nothing_from_next_list() -> None:
    text = "## Recommendations\n\n## Indicators\n\n1. 10.1.2.3\n2. bad.example.com\n"
    assert _items(text) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Attackers must first gain access to the VPN appliance before they can move laterally.",
        "The malware needs to contact its C2 server every 10 minutes.",
        "Why should anyone trust the vendor's patch?",
    ],
)
def test_find_action_items_descriptive_modal_sentences_are_not_items(sentence: str) -> None:
    assert _items(f"Some context first.\n\n{sentence}\n") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Organisations should enable phishing-resistant MFA on every VPN gateway.",
        "We recommend that defenders block the listed domains at the proxy.",
        "Administrators are advised to rotate all service account credentials.",
    ],
)
def test_find_action_items_recommendation_sentences_in_prose_are_items(sentence: str) -> None:
    items = _items(f"The campaign hit telecoms in 2023. {sentence} More context follows.\n")
    assert [item.text for item in items] == [sentence]


def test_find_action_items_imperative_bullets_anywhere_are_items() -> None:
    text = "Some prose.\n\n- Patch Exchange servers to the March CU\n- Several hosts were hit\n"
    assert [item.text for item in _items(text)] == ["Patch Exchange servers to the March CU"]


def test_find_action_items_repeated_item_is_listed_once() -> None:
    text = "Next steps:\n- Block the C2 domains\n\nRecap:\n\nTODO: block the C2 domains\n"
    assert len(_items(text)) == 1


def test_find_action_items_relative_due_without_a_meeting_date_stays_unknown() -> None:
    text = "- [ ] Send the advisory to partners (Alice, by Friday)\n"
    items = _items(text, BriefKind.meeting_notes)
    assert [(item.owner, item.due) for item in items] == [("Alice", None)]


def test_find_action_items_absolute_dates_are_iso() -> None:
    text = "Date: 2024-04-26\n\nACTION: Carol to rotate the API keys by 12 May 2024\n"
    assert [item.due for item in _items(text, BriefKind.meeting_notes)] == ["2024-05-12"]


def _meeting(body: str, header: str = "Date: Tuesday 5 March 2024") -> list[ActionItem]:
    return _items(f"Ops sync\n{header}\n\n{body}\n", BriefKind.meeting_notes)


@pytest.mark.parametrize(
    ("line", "owner"),
    [
        ("TODO(Mira): tune the impossible-travel rule for contractors", "Mira"),
        ("Jonas Weber — roll back the proxy change on the edge cluster", "Jonas Weber"),
        ("Pat will review the firewall exceptions for the branch offices", "Pat"),
        ("Review the phishing report queue, assigned to Bob", "Bob"),
        ("Archive the old playbooks (owner: Dana)", "Dana"),
        ("@lena draft the comms template for the outage", "lena"),
        ("Ines to rotate the signing keys on the build server", "Ines"),
    ],
)
def test_find_action_items_meeting_owner_styles(line: str, owner: str) -> None:
    items = _meeting(f"## Actions\n- {line}")
    assert len(items) == 1
    assert items[0].owner == owner


def test_find_action_items_assigned_to_is_cut_from_the_text() -> None:
    items = _meeting("- Review the phishing report queue, assigned to Bob")
    assert [item.text for item in items] == ["Review the phishing report queue"]


def test_find_action_items_field_sub_bullets_fill_the_item_above() -> None:
    body = (
        "## Action items\n"
        "- **Hunt for the new loader across the estate**\n"
        "  - Owner: Farah Ali\n"
        "  - Deadline: 2024-03-15\n"
        "- **Retire the old jump host**\n"
        "  - Due: end of week\n"
    )
    items = _meeting(body)
    assert [(i.text.strip("*"), i.owner, i.due) for i in items] == [
        ("Hunt for the new loader across the estate", "Farah Ali", "2024-03-15"),
        ("Retire the old jump host", None, "2024-03-08"),
    ]


def test_find_action_items_owns_it_sentence_names_the_owner_of_the_sentence_before() -> None:
    body = "Decisions\n- Rotate the CI secrets tonight. Omar owns it; done by 23:00."
    items = _meeting(body)
    assert [(i.text, i.owner, i.due) for i in items] == [
        ("Rotate the CI secrets tonight.", "Omar", "2024-03-05")
    ]


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("tonight", "2024-03-05"),
        ("by tomorrow EOD", "2024-03-06"),
        ("by Friday", "2024-03-08"),
        ("Thursday morning", "2024-03-07"),
        ("by end of week", "2024-03-08"),
        ("next Monday", "2024-03-11"),
        ("in two weeks", "2024-03-19"),
        ("before the audit on 2024-03-20", "2024-03-20"),
    ],
)
def test_find_action_items_relative_dues_resolve_against_the_notes_date(
    phrase: str, due: str
) -> None:
    items = _meeting(f"- Kim to file the postmortem {phrase}")
    assert [item.due for item in items] == [due]


@pytest.mark.parametrize("phrase", ["tonight", "by Friday", "in two weeks", "next Monday"])
def test_find_action_items_relative_dues_without_a_date_line_stay_unknown(phrase: str) -> None:
    items = _meeting(f"- Kim to file the postmortem {phrase}", header="Attendees: Kim, Lars")
    assert [(item.owner, item.due) for item in items] == [("Kim", None)]


def test_find_action_items_todo_heading_opens_a_task_list() -> None:
    body = "TODO\n- Re-run the sandbox on the quarantined sample\n- Ticket 4471 escalation path"
    items = _meeting(body)
    assert [item.text for item in items] == [
        "Re-run the sandbox on the quarantined sample",
        "Ticket 4471 escalation path",
    ]


def test_find_action_items_passive_should_counts_in_a_paragraph_of_advice() -> None:
    text = (
        "The wiper spread over SMB in March.\n\n"
        "Organisations should segment OT networks from IT. Backups should be kept offline and "
        "tested monthly. Security teams should monitor for new scheduled tasks.\n\n"
        "Analysts believe the operators should be considered capable. Defences should be tuned.\n"
    )
    assert [item.text for item in _items(text)] == [
        "Organisations should segment OT networks from IT.",
        "Backups should be kept offline and tested monthly.",
        "Security teams should monitor for new scheduled tasks.",
    ]


def test_find_action_items_question_heading_is_a_section_not_an_item() -> None:
    text = (
        "The group sprayed passwords for months.\n\nWhat administrators should take from this\n\n"
        "Conditional access policies should cover test tenants too.\n"
    )
    assert [item.text for item in _items(text)] == [
        "Conditional access policies should cover test tenants too."
    ]


def test_find_action_items_inline_recommendation_label_opens_an_item() -> None:
    text = "The lure is a fake CV.\n\n**What to do:** Block shortcut files downloaded from mail.\n"
    assert [item.text for item in _items(text)] == ["Block shortcut files downloaded from mail."]


def test_find_action_items_domain_list_after_a_lead_in_is_not_items() -> None:
    text = (
        "The implant talked to three servers:\n\n- sync.example-cdn[.]org\n- patch.example[.]net\n"
    )
    assert _items(text) == []


def test_find_action_items_labels_in_articles_are_not_owners() -> None:
    text = "## Recommendations\n\n- Mitigation: apply the vendor patch to every gateway\n"
    assert [item.owner for item in _items(text)] == [None]


def test_find_action_items_open_checkbox_reads_owner_and_weekday_in_parentheses() -> None:
    text = "Date: 2024-04-26\n\n- [ ] Share the indicators with the ISAC (Tomasz, by Friday)\n"
    item = _by_start(_items(text, BriefKind.meeting_notes), "Share the indicators")
    assert (item.owner, item.due, item.status) == ("Tomasz", "2024-05-03", ItemStatus.open)


@pytest.mark.parametrize(
    "line",
    [
        "- [x] Share the phishing indicators with the ISAC",
        "AI-6 [done] (@hana): Add CVE-2024-47575 to the KEV tracking sheet.",
        "Done: rotate the VPN service account password",
    ],
)
def test_find_action_items_checked_items_are_kept_as_done(line: str) -> None:
    # a ticketing system syncing items by id must see a task close, not vanish
    items = _items(f"Date: 2024-11-05\n\n{line}\n", BriefKind.meeting_notes)
    assert [item.status for item in items] == [ItemStatus.done]


def test_find_action_items_numbered_ai_lines_read_owner_and_due() -> None:
    text = (
        "VM standup - Tue 05 Nov 2024\n\n-- Action items --\n"
        "AI-1 (@ravi): Upgrade fmg-hq-01 to 7.4.5 in the emergency window - due today.\n"
        "AI-2 (@ravi): Upgrade fmg-dr-01 once the MSP restores the VPN - due Thursday.\n"
    )
    items = _items(text, BriefKind.meeting_notes)
    assert [(i.owner, i.due) for i in items] == [("ravi", "2024-11-05"), ("ravi", "2024-11-07")]
    assert items[0].text.startswith("Upgrade fmg-hq-01")


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("send the timeline to legal, EOD tomorrow", "2024-10-04"),
        ("review the exception list by end of next week", "2024-10-11"),
        ("rotate the deploy keys - next Tuesday", "2024-10-08"),
        ("brief the CISO by end of week", "2024-10-04"),
    ],
)
def test_find_due_later_ends_resolve_against_a_thursday(phrase: str, due: str) -> None:
    assert find_due(phrase, date(2024, 10, 3)) == due


def test_header_date_reads_a_long_header_of_dotted_fields() -> None:
    text = (
        "# Meeting recap: helpdesk impersonation\n\n"
        "**Microsoft Teams meeting · Tuesday 17 September 2024 · 10:00–10:40 · Recording and "
        "transcript available**\n"
    )
    assert header_date(Document.from_raw(text)) == date(2024, 9, 17)


def test_header_date_ignores_a_long_prose_line_with_a_date() -> None:
    text = "Notes\n\nThe gang will publish the data of all who do not pay by 14 June 2023.\n"
    assert header_date(Document.from_raw(text)) is None


def _triples(text: str) -> list[tuple[str, str | None, str | None]]:
    """(text, owner, due) of the open items; see ``_done`` for the checked ones."""
    items = _items(text, BriefKind.meeting_notes)
    return [(i.text, i.owner, i.due) for i in items if i.status is ItemStatus.open]


def _done(text: str) -> list[str]:
    items = _items(text, BriefKind.meeting_notes)
    return [i.text for i in items if i.status is ItemStatus.done]


def test_find_action_items_pipe_tracker_export_reads_rows_and_marks_done_tickets() -> None:
    text = (
        "Backlog review, Wednesday 2024-06-12\n\n"
        "Key | Type | Priority | Summary | Assignee | Due date | Status\n"
        "----|------|----------|---------|----------|----------|-------\n"
        "SEC-512 | Incident | Highest | Block the phishing domain on the proxy | Wei Chen "
        "| 2024-06-12 | To Do\n"
        "SEC-503 | Task | High | Isolate laptop LT-2291 after the detection | Wei Chen "
        "| 2024-06-10 | Done\n"
        "SEC-490 | Task | Low | Retire the legacy appliance from the inventory | Tomás Reyes "
        "| 2024-06-28 | Blocked\n"
    )
    assert _triples(text) == [
        ("Block the phishing domain on the proxy", "Wei Chen", "2024-06-12"),
        ("Retire the legacy appliance from the inventory", "Tomás Reyes", "2024-06-28"),
    ]
    assert _done(text) == ["Isolate laptop LT-2291 after the detection"]


def test_find_action_items_run_together_tickets_under_status_headings() -> None:
    text = (
        "Linear export, team DET · 14/10/2024\n\n### In Progress\n\n"
        "DET-214   Urgent   Hunt for LNK launches from USB drives on the fleet   Camila Ortiz   "
        "Oct 16\n"
        "DET-218   Low   Document the triage steps in the SOC runbook   Unassigned   —\n\n"
        "### Done\n\nDET-201   Medium   Retire the old ruleset on the DMZ sensors   Jens Aalto   "
        "Oct 9\n"
    )
    assert _triples(text) == [
        ("Hunt for LNK launches from USB drives on the fleet", "Camila Ortiz", "2024-10-16"),
        ("Document the triage steps in the SOC runbook", None, None),
    ]
    assert _done(text) == ["Retire the old ruleset on the DMZ sensors"]


def test_find_action_items_numbered_actions_with_owner_first_and_target_field() -> None:
    text = (
        "BRIDGE MINUTES\nDate: 26/11/2024\n\n3. Actions\n"
        "A1  Dev Patel     Upgrade both firewalls to the fixed build.   Target: 06:00 tomorrow\n"
        "A4  Tom O'Neill   Add a check for exposed interfaces.   Target: next Monday\n"
        "A6  Dev Patel     Remove the forgotten NAT rule.   CLOSED on the bridge\n"
    )
    assert _triples(text) == [
        ("Upgrade both firewalls to the fixed build.", "Dev Patel", "2024-11-27"),
        ("Add a check for exposed interfaces.", "Tom O'Neill", "2024-12-02"),
    ]
    assert _done(text) == ["Remove the forgotten NAT rule."]


@pytest.mark.parametrize(
    "row",
    [
        "CVE-2024-1709 | ScreenConnect | Upgrade to 23.9.8 or later now | internet-facing",
        "INC-2024-0117 Pikabot on a finance workstation, closed by the SOC",
        "A1 Dev Patel said the firewall was reachable from the internet",
    ],
)
def test_find_action_items_rows_that_are_no_tickets_yield_no_row_item(row: str) -> None:
    assert all(i.owner is None for i in _items(f"Notes\n\n{row}\n", BriefKind.meeting_notes))


def test_find_action_items_cuts_a_trailing_dash_due_clause() -> None:
    text = "Date: 2024-11-05\n\nAI-1 (@ravi): Upgrade the backup server to 12.2 — due Fri.\n"
    assert _triples(text) == [("Upgrade the backup server to 12.2", "ravi", "2024-11-08")]


def test_find_action_items_assignment_after_a_semicolon_in_a_note() -> None:
    text = (
        "Review notes\nDate: 2024-10-14\n\n"
        "- DET-211: the draft fired thirty times a day; Jens will scope it to workstations "
        "before it ships. The sample came from a raw IP.\n"
        "- DET-214: seen twice last month; nothing else to add.\n"
    )
    assert _triples(text) == [("Jens will scope it to workstations before it ships.", "Jens", None)]


def test_find_action_items_post_is_an_action_verb() -> None:
    text = "Standup\n\nMei will post the hashes in #threat-intel once the sandbox run finishes.\n"
    assert _triples(text) == [
        ("Mei will post the hashes in #threat-intel once the sandbox run finishes.", "Mei", None)
    ]


def test_find_action_items_they_should_continues_the_recommendation_before() -> None:
    text = (
        "## What operators should do\n\nOperators should disable Smart Install on every switch. "
        "They should also restrict management interfaces to an out-of-band network.\n\n"
        "## Background\n\nThe actors moved between carriers. They should have been caught.\n"
    )
    assert [i.text for i in _items(text)] == [
        "Operators should disable Smart Install on every switch.",
        "They should also restrict management interfaces to an out-of-band network.",
    ]


def test_find_action_items_bold_question_label_opens_advice() -> None:
    text = (
        "Summary\n\n**What should we do?** The infrastructure team should replace the two "
        "branch routers before the end of the year. Passwords should be rotated monthly.\n"
    )
    assert [i.text for i in _items(text)] == [
        "The infrastructure team should replace the two branch routers before the end of the year.",
        "Passwords should be rotated monthly.",
    ]


@pytest.mark.parametrize(
    "item",
    [
        "After upgrading, terminate all active and persistent sessions.",
        "If possible, disable the management interface on the WAN side.",
        "In addition, reset the passwords of every local account.",
        "Finally, rotate every API key.",
    ],
)
def test_is_imperative_allows_a_short_clause_before_the_command(item: str) -> None:
    assert is_imperative(item)


@pytest.mark.parametrize(
    "item",
    ["Please re-image the affected hosts.", "“Block the domain at the proxy.”", "REVOKE all keys"],
)
def test_is_imperative_reads_past_an_adverb_or_a_quote_in_any_case(item: str) -> None:
    assert is_imperative(item)


@pytest.mark.parametrize("line", ["md5 | 66382cce99ff0c97756443b4b95efe63", "Chen: patch it", ""])
def test_is_imperative_not_for_a_table_row_a_speaker_or_nothing(line: str) -> None:
    assert not is_imperative(line)


def test_is_imperative_a_clause_before_a_statement_is_no_command() -> None:
    assert not is_imperative("After upgrading, the attackers returned within a day.")


@pytest.mark.parametrize(
    "sentence",
    [
        "Defenders can hunt for scheduled tasks that run rundll32 from AppData.",
        "Network defenders can also block the listed domains at the proxy.",
        "Organisations are also encouraged to log every RDP session.",
    ],
)
def test_is_recommendation_can_and_also_encouraged_forms(sentence: str) -> None:
    assert is_recommendation(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Organizations can be breached within hours of the disclosure.",
        "Attackers can also block the listed domains to hide their tracks.",
    ],
)
def test_is_recommendation_can_without_a_reader_doing_something_is_none(sentence: str) -> None:
    assert not is_recommendation(sentence)


def test_find_action_items_defenders_can_sentences_in_a_mitigations_section() -> None:
    text = (
        "## Mitigations\n\nThe loader persists through a scheduled task. Defenders can hunt for "
        "tasks that run rundll32 from AppData. Defenders can also block the listed domains.\n"
    )
    assert [i.text for i in _items(text)] == [
        "Defenders can hunt for tasks that run rundll32 from AppData.",
        "Defenders can also block the listed domains.",
    ]


def test_action_dates_warm_loads_the_date_parser() -> None:
    action_dates.warm()
    assert "dateparser" in sys.modules
