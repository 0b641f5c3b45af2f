"""Turn what users type into safe search terms: FTS5 queries, LIKE patterns, refanged values."""

from __future__ import annotations

import re

_TERM = re.compile(r'"([^"]*)"|(\S+)')
_HAS_WORD = re.compile(r"\w")
_MAX_TERMS = 16
_REFANG = (
    (re.compile(r"\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\}", re.I), "."),
    (re.compile(r"\[\s*(?::|colon)\s*\]", re.I), ":"),
    (re.compile(r"\[\s*(?:@|at)\s*\]|\(\s*(?:@|at)\s*\)", re.I), "@"),
    (re.compile(r"\[\s*/\s*\]", re.I), "/"),
    (re.compile(r"^hxxp", re.I), "http"),
    (re.compile(r"^fxp", re.I), "ftp"),
)


def search_terms(query: str) -> list[str]:
    """Split a user query into terms: "quoted phrases" stay whole, words without letters go."""
    terms: list[str] = []
    for match in _TERM.finditer(query):
        term = " ".join((match.group(1) if match.group(1) is not None else match.group(2)).split())
        if term and _HAS_WORD.search(term):
            terms.append(term)
    return terms[:_MAX_TERMS]


def fts5_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression requiring every term, each quoted so no syntax leaks through."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def like_pattern(term: str) -> str:
    """A substring LIKE pattern for a term, with wildcards escaped (escape char '\\')."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def refang(value: str) -> str:
    """Undo the usual defanging (hxxp, [.], (dot), [@]) and strip surrounding whitespace."""
    value = value.strip()
    for pattern, replacement in _REFANG:
        value = pattern.sub(replacement, value)
    return value


def name_key(name: str) -> str:
    """The lookup key of an actor name or alias: case-folded, whitespace folded."""
    return " ".join(name.split()).casefold()
