"""Factories: dossiers and paths the tests build on."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "shared_rules" / "examples" / "dossier-valide.json"
TEST_SESSIONS_DIR = Path(__file__).parent / "data" / "sessions"
DELETE = object()


def with_changes(dossier: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of `dossier` with dotted paths set (or removed, with DELETE)."""
    result = copy.deepcopy(dossier)
    for path, value in changes.items():
        *parents, last = path.split(".")
        node: Any = result
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            if value is DELETE:
                del node[int(last)]
            else:
                node[int(last)] = value
        elif value is DELETE:
            node.pop(last, None)
        else:
            node[last] = value
    return result


def make_dossier(changes: dict[str, Any] | None = None, **top_level: Any) -> dict[str, Any]:
    """The shipped valid example dossier, with changes (dotted paths) and top-level overrides."""
    dossier = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return with_changes(dossier, {**(changes or {}), **top_level})
