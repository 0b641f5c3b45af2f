"""The `precis` command, run as a user would (a subprocess, no server, no database)."""

import json
import subprocess
import sys
from pathlib import Path

from app.engine.schema import render_brief_schema

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "sandman-luadream-article.txt"


def _precis(
    *args: str, stdin: bytes | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        check=False,
    )


def test_cli_extract_prints_json_brief() -> None:
    result = _precis("extract", str(SEED))
    assert result.returncode == 0, result.stderr.decode()
    brief = json.loads(result.stdout)
    assert brief["kind"] == "article"
    assert "Sandman" in {a["name"] for a in brief["actors"]}


def test_cli_extract_markdown_from_stdin() -> None:
    result = _precis("extract", "-", "--format", "markdown", stdin=SEED.read_bytes())
    assert result.returncode == 0, result.stderr.decode()
    assert "Sandman" in result.stdout.decode()
    assert "- [ ] Strengthen cyber defenses" in result.stdout.decode()


def test_cli_extract_rejects_empty_input_with_a_message() -> None:
    result = _precis("extract", "-", stdin=b"  \n ")
    assert result.returncode == 2
    assert b"precis:" in result.stderr


def test_cli_extract_llm_without_model_says_why() -> None:
    result = _precis("extract", str(SEED), "--extractor", "llm")
    assert result.returncode == 2
    assert b"llm" in result.stderr.lower()


def test_cli_schema_writes_the_models_schema(tmp_path: Path) -> None:
    out = tmp_path / "brief.schema.json"
    result = _precis("schema", "--output", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert out.read_text(encoding="utf-8") == render_brief_schema()
