"""The staff page's scripts type no bound the server owns: the list's highest page comes from
the referentiel (`page_max`, handler/staff/listing.py's PAGE_MAX), never from a number of
their own."""

from __future__ import annotations

import re
from pathlib import Path

from handler.staff import listing

STAFF = Path(__file__).resolve().parents[2] / "site" / "docs" / "assets" / "javascripts" / "staff"


def test_no_staff_script_types_the_list_s_highest_page() -> None:
    bound = re.compile(rf"\b{listing.PAGE_MAX:_}\b|\b{listing.PAGE_MAX}\b|\bPAGE_MAX\b")
    typed = [p.name for p in sorted(STAFF.glob("*.js")) if bound.search(p.read_text("utf-8"))]
    assert typed == []


def test_the_list_takes_its_highest_page_from_the_referentiel() -> None:
    page = (STAFF / "page.js").read_text(encoding="utf-8")
    liste = (STAFF / "liste.js").read_text(encoding="utf-8")
    assert "pageMax: referentiel.page_max" in page
    assert "appliquerAdresse(location.hash, liste.pageMax)" in page
    assert "Math.min(pageMax, Math.max(1, page))" in liste
