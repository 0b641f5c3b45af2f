"""The per-line shapes that summary and action items share."""

from __future__ import annotations

from app.engine.document import Document
from app.engine.kind import is_heading, is_list_item
from app.engine.line_shapes import line_shapes


def test_line_shapes_tell_headings_list_items_and_tasks_apart() -> None:
    doc = Document.from_raw(
        "## Recommendations\n\n- Patch the VPN.\n- [ ] Rotate the keys\nTODO: call Dana\n"
        "The group used a loader in the campaign against several telecom providers."
    )
    shapes = line_shapes(doc)
    assert [s.heading for s in shapes] == [True, False, False, False, False]
    assert [s.explicit for s in shapes] == [False, False, True, True, False]
    assert [doc.lines[i].text[s.marker :] for i, s in enumerate(shapes)][1:3] == [
        "Patch the VPN.",
        "[ ] Rotate the keys",
    ]


def test_line_shapes_are_worked_out_once_per_document() -> None:
    doc = Document.from_raw("Title\n\n- one item here")
    assert line_shapes(doc) is line_shapes(doc)
    assert line_shapes(Document.from_raw(doc.text)) == line_shapes(doc)


def test_line_shapes_call_a_line_a_heading_exactly_when_kind_does() -> None:
    lines = [
        "# Title",
        "#x:",
        "**Bold line**",
        "__Bold lead-in__:",
        "*emphasis only",
        "Indicators of compromise:",
        "45.61.139[.]118",
        "a) first option",
        "a.",
        "x",
        "What to do next",
        "Type | Value",
        "The group used a loader.",
        "- Patch the VPN",
        "1. Rotate the keys",
        "(a) Call Dana",
    ]
    doc = Document.from_raw("\n".join(lines))
    assert [s.heading for s in line_shapes(doc)] == [
        is_heading(line) and not is_list_item(line) for line in lines
    ]
