"""OpenAPI extras: request examples built from the sample documents in `seeds/`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI

SEED_ARTICLE = "sandman-luadream-article.txt"
REPORTS_PATH = "/v1/reports"


def default_seed_dir() -> Path:
    """The repository's `seeds/` folder (absent when installed without the repository)."""
    return Path(__file__).resolve().parents[2] / "seeds"


def seed_examples(seed_dir: Path) -> dict[str, dict[str, Any]]:
    """OpenAPI `examples` for the JSON body of POST /v1/reports."""
    examples: dict[str, dict[str, Any]] = {
        "meeting_notes": {
            "summary": "Short meeting notes",
            "value": {
                "text": "Weekly sync, 2024-05-02.\n\nAction: Dana to patch the VPN "
                "appliances by Friday.\nAction: Lee to block evil[.]example[.]com.",
                "kind": "meeting_notes",
                "tlp": "amber",
                "labels": ["weekly-sync"],
            },
        },
        "html": {
            "summary": "An HTML page (main content is kept)",
            "value": {"html": "<html><body><article><p>APT41 used KeyPlug.</p></article>"},
        },
    }
    try:
        article = (seed_dir / SEED_ARTICLE).read_text(encoding="utf-8")
    except OSError:
        return examples
    return {
        "sandman_article": {
            "summary": "The Sandman / LuaDream article",
            "value": {"text": article, "kind": "article", "tlp": "clear", "labels": ["apt"]},
        },
        **examples,
    }


def install_openapi_examples(app: FastAPI, examples: dict[str, dict[str, Any]]) -> None:
    """Add the examples to the generated schema of POST /v1/reports."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            body = schema["paths"][REPORTS_PATH]["post"]["requestBody"]["content"]
            body["application/json"]["examples"] = examples
        return app.openapi_schema or schema

    app.openapi = openapi  # type: ignore[method-assign]
