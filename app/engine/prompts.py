"""The LLM prompts: versioned files ``prompts/<task>.v<N>.md`` (app/engine/prompt_files).

A file holds the system message, then a line ``=== user ===``, then the user message as a
``string.Template`` (``$document`` and friends). Text sent as data is placed between tags
after any copy of those tags inside it has been neutralised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from string import Template

USER_MARKER = "=== user ==="


@dataclass(frozen=True)
class Prompt:
    """One versioned prompt: its full text and version (``extract.v1``)."""

    text: str
    version: str

    @property
    def system(self) -> str:
        """The system message."""
        return self.text.split(USER_MARKER, 1)[0].strip()

    def user(self, **values: object) -> str:
        """The user message with ``values`` substituted."""
        _, _, template = self.text.partition(USER_MARKER)
        return Template(template.strip()).substitute({k: str(v) for k, v in values.items()})


@lru_cache(maxsize=16)
def load_prompt(name: str, version: str) -> Prompt:
    """Read ``prompts/<name>.<version>.md`` from the package (``load_prompt("extract", "v1")``)."""
    if not re.fullmatch(r"[a-z_]+", name) or not re.fullmatch(r"v\d+", version):
        raise ValueError(f"bad prompt name or version: {name}.{version}")
    path = resources.files("app.engine").joinpath(f"prompt_files/{name}.{version}.md")
    return Prompt(text=path.read_text(encoding="utf-8"), version=f"{name}.{version}")


def load_versioned(prompt_version: str) -> Prompt:
    """Load a prompt by its full version string (``extract.v1``)."""
    name, _, version = prompt_version.rpartition(".")
    return load_prompt(name, version)


def neutralise_tags(text: str, *tags: str) -> str:
    """Defuse any ``<tag>``/``</tag>`` inside data so it cannot close our delimiters."""
    for tag in tags:
        pattern = re.compile(rf"<\s*/?\s*{re.escape(tag)}\b[^>]*>", re.IGNORECASE)
        text = pattern.sub(lambda m: f"‹{m.group(0)[1:-1]}›", text)
    return text
