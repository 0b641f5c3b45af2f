from app.engine.grounding import align, ground, spans_match, verify

TEXT = "Sandman, an APT actor recently identified, is linked to China.\nIt uses  LuaDream."


def test_ground_exact_quote_is_grounded() -> None:
    ev = ground(TEXT, "is linked to China")
    assert ev.grounded
    assert TEXT[ev.start : ev.end] == "is linked to China"


def test_ground_folds_case_and_whitespace() -> None:
    ev = ground(TEXT, "it uses luadream")
    assert ev.grounded
    assert TEXT[ev.start : ev.end] == "It uses  LuaDream"


def test_ground_fuzzy_hit_is_located_but_not_grounded() -> None:
    ev = ground(TEXT, "Sandman, an APT actr recently identifed")
    assert not ev.grounded
    assert TEXT[ev.start : ev.end].startswith("Sandman")


def test_ground_absent_quote_is_not_grounded() -> None:
    ev = ground(TEXT, "North Korea stole bitcoin from exchanges")
    assert not ev.grounded
    assert (ev.start, ev.end) == (0, 0)


def test_align_prefers_hit_after_hint() -> None:
    text = "KeyPlug here. KeyPlug there."
    assert align(text, "KeyPlug", hint=5).start == 14


def test_verify_repairs_wrong_offsets() -> None:
    wrong = ground(TEXT, "LuaDream").model_copy(update={"start": 0, "end": 8})
    fixed = verify(TEXT, wrong)
    assert fixed.grounded
    assert TEXT[fixed.start : fixed.end] == "LuaDream"


def test_spans_match_rejects_out_of_range() -> None:
    assert not spans_match(TEXT, 5, 500, "x")
    assert not spans_match(TEXT, 3, 3, "")
