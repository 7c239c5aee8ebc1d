"""Issue 19, point 5: the browser code grouped by side (site/README.md, « The browser code's
layout »): `candidats/` and `staff/` never import each other, `platform/` imports nothing of
theirs, and every import resolves to a file."""

from __future__ import annotations

import re
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "site" / "docs" / "assets" / "javascripts"
IMPORT = re.compile(r'^\s*(?:import|export)\s[^"\']*?from\s*["\'](\.{1,2}/[^"\']+)["\']|'
                    r'\bimport\(\s*["\'](\.{1,2}/[^"\']+)["\']', re.M)
#: What each side may import (folders under assets/javascripts/), besides itself.
ALLOWED = {"candidats": {"platform"}, "staff": {"platform"}, "platform": set()}


def imports() -> list[tuple[str, str]]:
    """(importing file, imported file), both relative to assets/javascripts/."""
    found = []
    for script in sorted(SCRIPTS.rglob("*.js")):
        for match in IMPORT.finditer(script.read_text(encoding="utf-8")):
            target = (script.parent / (match[1] or match[2])).resolve()
            found.append((script.relative_to(SCRIPTS).as_posix(),
                          target.relative_to(SCRIPTS).as_posix()))
    return found


def test_the_scripts_live_in_their_side_s_folder() -> None:
    folders = {p.relative_to(SCRIPTS).parts[0] for p in SCRIPTS.rglob("*.js")}
    assert folders == {"candidats", "staff", "platform", "workers"}


def test_each_import_resolves_and_stays_within_its_side_or_goes_down_to_the_platform() -> None:
    found = imports()
    assert len(found) > 30
    assert [(a, b) for a, b in found if not (SCRIPTS / b).is_file()] == []
    crossing = [(a, b) for a, b in found
                if a.split("/")[0] != b.split("/")[0]
                and b.split("/")[0] not in ALLOWED[a.split("/")[0]]]
    assert crossing == []


def test_the_shared_dom_helpers_exist_once_in_the_platform() -> None:
    defining = [p.relative_to(SCRIPTS).as_posix() for p in SCRIPTS.rglob("*.js")
                if re.search(r"export function el\(", p.read_text(encoding="utf-8"))]
    assert defining == ["platform/dom.js"]
    reexports = [p.relative_to(SCRIPTS).as_posix() for p in SCRIPTS.rglob("*.js")
                 if re.search(r"^export \{[^}]*\} from", p.read_text(encoding="utf-8"), re.M)]
    assert reexports == []
