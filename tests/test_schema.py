from pathlib import Path

from app.engine.schema import render_brief_schema

COMMITTED = Path(__file__).resolve().parents[1] / "schemas" / "brief.schema.json"


def test_committed_brief_schema_matches_models() -> None:
    """Fails when app/engine/brief.py changed without `precis schema` being re-run."""
    assert COMMITTED.read_text(encoding="utf-8") == render_brief_schema(), (
        "schemas/brief.schema.json is stale: run `precis schema` and commit the result"
    )
