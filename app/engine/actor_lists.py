"""Software names that rules find without a naming word: members of a list after a software
cue ("malware families include PLEAD, Waterbear and Flagpro") and a known tool before
"proxy" or "tunnel" ("the GOST proxy").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import repeat

from app.engine.actor_rules import NAME, Candidate, distinctive, pick_name
from app.engine.gazetteer import Gazetteer

# "malware families include A, B and C", "infostealers such as A and B": a list of software
_LIST_CUE = re.compile(
    r"(?:malware|tools|utilities|backdoors|implants|loaders|stealers|infostealers|RATs"
    r"|families|strains)\s+(?:(?:families|strains|such as|like|including|includes?|included)\s+)+"
)
_LIST_ITEM = re.compile(rf"({NAME})(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)?")
_SOFTWARE_KINDS = frozenset({"tool", "malware"})


def find_listed_names(text: str, gaz: Gazetteer, at: dict[str, list[int]]) -> list[Candidate]:
    """Names in software lists and before "proxy" / "tunnel" (``at``: cue offsets by tag)."""
    starts = sorted(set(at.get("list", ())))
    matches = [m for m in map(_LIST_CUE.match, repeat(text), starts) if m is not None]
    return [*_listed_software(text, gaz, matches), *_proxy_names(text, gaz, at.get("proxy", []))]


def _listed_software(
    text: str, gaz: Gazetteer, matches: list[re.Match[str]]
) -> Iterator[Candidate]:
    """Each name of the list after "malware such as", known or shaped like a name."""
    for match in matches:
        kind = "tool" if match.group().startswith(("tools", "utilities")) else "malware"
        at = match.end()
        while (item := _LIST_ITEM.match(text, at)) is not None:
            picked = pick_name(text, item.start(1), item.end(1), kind, gaz, from_left=True)
            if picked is not None and (
                gaz.lookup(picked[2]) is not None or distinctive(picked[2], gaz)
            ):
                yield picked
            if item.end() == item.end(1):
                break  # no comma or "and" after this name: the list ends
            at = item.end()


def _proxy_names(text: str, gaz: Gazetteer, cues: list[int]) -> Iterator[Candidate]:
    """ "the GOST proxy", "Chisel tunnels": a known tool's name just before the word; an
    unknown one is not trusted there ("an HTTP proxy", "a reverse SSH tunnel")."""
    for cue in cues:
        if cue < 2 or text[cue - 1] != " ":
            continue
        start = max(text.rfind(" ", cue - 30, cue - 1), text.rfind("\n", cue - 30, cue - 1)) + 1
        word = text[start : cue - 1]
        known = gaz.lookup(word) if word[:1].isupper() else None
        if known is not None and gaz.entities[known].kind in _SOFTWARE_KINDS:
            yield (start, cue - 1, word, "tool")
