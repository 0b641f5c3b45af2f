"""A brief as Markdown that a person pastes into a ticket.

Indicators are defanged (``hxxp``, ``[.]``) everywhere in the output, so ticket systems that
auto-link text cannot turn them into live links; table cells escape ``|``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.engine.brief import ActionItem, Actor, Brief, Indicator, IndicatorType, ItemStatus, Link

_DEFANG_TYPES = frozenset(
    {
        IndicatorType.url,
        IndicatorType.domain,
        IndicatorType.ipv4,
        IndicatorType.ipv6,
        IndicatorType.cidr,
        IndicatorType.email,
    }
)
_SCHEME = re.compile(r"^(h)(tt)(ps?)(://)", re.IGNORECASE)
_ATTACK_URL = "https://attack.mitre.org/techniques/{}/"
DEFANG_NOTE = (
    "_Indicators are defanged (`hxxp`, `[.]`, `[@]`) so ticket systems do not auto-link them; "
    "refang before use._"
)


def render_markdown(
    brief: Brief,
    *,
    report_id: str | None = None,
    source_url: str | None = None,
    tlp: str | None = None,
) -> str:
    """Render a brief as Markdown: summary, action checklist, actors, links, indicators, footer."""
    defang = _defanger(brief.indicators)
    sections = [
        _header(brief, report_id=report_id, source_url=source_url, tlp=tlp),
        _section("Summary", [defang(_inline(brief.summary)) or "_No summary._"]),
        _section("Key points", [f"- {defang(_inline(p))}" for p in brief.key_points]),
        _section("Action items", [defang(_action_line(item)) for item in brief.action_items]),
        _section("Actors", _actors_table(brief.actors)),
        _section("Links", [f"- {defang(_link_line(link))}" for link in brief.links]),
        _section("Indicators", _indicators(brief.indicators)),
        _section("ATT&CK techniques", _techniques(brief)),
        _section("Targets", _targets(brief)),
        _section("References", [f"- <{url}>" for url in brief.references]),
        _footer(brief),
    ]
    return "\n\n".join(part for part in sections if part).rstrip() + "\n"


def defang(value: str, kind: IndicatorType) -> str:
    """Defang a network indicator (hxxp, [.], [@]); hashes and CVEs are returned unchanged."""
    if kind not in _DEFANG_TYPES:
        return value
    value = _SCHEME.sub(lambda m: "hxxp" + m.group(3)[1:] + m.group(4), value)
    return value.replace(".", "[.]").replace("@", "[@]")


def escape_cell(value: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return _inline(value).replace("\\", "\\\\").replace("|", "\\|")


def _header(brief: Brief, *, report_id: str | None, source_url: str | None, tlp: str | None) -> str:
    facts = [f"**Kind:** {brief.kind.value.replace('_', ' ')}"]
    if tlp:
        facts.insert(0, f"**TLP:** {tlp.upper().removeprefix('TLP:')}")
    if report_id:
        facts.append(f"**Report:** `{report_id}`")
    if source_url:
        facts.append(f"**Source:** <{source_url}>")
    return f"# {_inline(brief.title or 'Untitled brief')}\n\n" + " · ".join(facts)


def _section(title: str, lines: list[str]) -> str:
    return f"## {title}\n\n" + "\n".join(lines) if lines else ""


def _action_line(item: ActionItem) -> str:
    box = "x" if item.status is ItemStatus.done else " "
    details = [
        f"owner: {item.owner}" if item.owner else "",
        f"due: {item.due}" if item.due else "",
        f"priority: {item.priority.value}" if item.priority else "",
    ]
    meta = ", ".join(d for d in details if d)
    suffix = f" ({meta})" if meta else ""
    inferred = " _(inferred)_" if item.origin.value == "inferred" else ""
    return f"- [{box}] {_inline(item.text)}{suffix}{inferred} `{item.id}`"


def _actors_table(actors: list[Actor]) -> list[str]:
    if not actors:
        return []
    rows = ["| Name | Type | Aliases |", "| --- | --- | --- |"]
    for actor in actors:
        aliases = ", ".join(actor.aliases)
        cells = (actor.name, actor.type.value.replace("_", " "), aliases)
        rows.append("| " + " | ".join(escape_cell(c) for c in cells) + " |")
    return rows


def _link_line(link: Link) -> str:
    relation = link.relation.value.replace("_", " ")
    return f"{_inline(link.source)} —{relation}→ {_inline(link.target)} ({link.confidence:.2f})"


def _indicators(indicators: list[Indicator]) -> list[str]:
    if not indicators:
        return []
    lines = [DEFANG_NOTE]
    for kind, values in _group_indicators(indicators).items():
        lines += ["", f"**{kind.value}** ({len(values)})", "", "```text", *values, "```"]
    return lines


def _group_indicators(indicators: Iterable[Indicator]) -> dict[IndicatorType, list[str]]:
    groups: dict[IndicatorType, list[str]] = {}
    for indicator in indicators:
        value = defang(indicator.value, indicator.type).replace("`", "'")
        bucket = groups.setdefault(indicator.type, [])
        if value not in bucket:
            bucket.append(value)
    return groups


def _techniques(brief: Brief) -> list[str]:
    lines = []
    for technique in brief.techniques:
        url = _ATTACK_URL.format(technique.id.replace(".", "/"))
        name = f" — {_inline(technique.name)}" if technique.name else ""
        lines.append(f"- [{technique.id}]({url}){name}")
    return lines


def _targets(brief: Brief) -> list[str]:
    lines = []
    if brief.targets.sectors:
        lines.append("- Sectors: " + ", ".join(_inline(s) for s in brief.targets.sectors))
    if brief.targets.regions:
        lines.append("- Regions: " + ", ".join(_inline(r) for r in brief.targets.regions))
    return lines


def _footer(brief: Brief) -> str:
    p = brief.provenance
    parts = [
        f"extractor `{p.extractor}`",
        f"model `{p.model}`" if p.model else "",
        f"prompt `{p.prompt_version}`" if p.prompt_version else "",
        f"schema v{brief.schema_version}",
    ]
    ungrounded = sum(p.ungrounded.values())
    if ungrounded:
        parts.append(f"{ungrounded} item(s) not found verbatim in the source")
    return "---\n\n_Extracted by " + " · ".join(x for x in parts if x) + "._"


def _inline(text: str) -> str:
    """Collapse line breaks so free text cannot start a heading, list or table of its own."""
    return " ".join(text.split())


def _defanger(indicators: list[Indicator]) -> _Defanger:
    return _Defanger(indicators)


class _Defanger:
    """Defangs every known network indicator wherever it appears in free text."""

    def __init__(self, indicators: list[Indicator]) -> None:
        pairs: dict[str, str] = {}
        for ind in indicators:
            if ind.type in _DEFANG_TYPES:
                for raw in {ind.value, ind.as_written}:
                    if raw and defang(raw, ind.type) != raw:
                        pairs[raw] = defang(ind.value, ind.type)
        self._pairs = pairs
        keys = sorted(pairs, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(k) for k in keys)) if keys else None

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._pairs[m.group()], text)
