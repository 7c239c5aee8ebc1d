"""Issue 17: the form's pages hold still while they load. Cumulative layout shift read from the
Performance API's layout-shift entries in Chromium (shifts within 500 ms of an input excluded,
as the metric does), at phone and desktop widths; each figure is printed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.site.conftest import WIDTHS
from tests.site.parcours import Candidat

Ouvrir = Callable[..., Candidat]
CLS_MAX = 0.05

OBSERVE = """() => {
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  }).observe({type: 'layout-shift', buffered: true});
}"""


@pytest.mark.parametrize("largeur", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("page", ["formulaire.html", "mon-dossier.html"])
def test_the_page_holds_still_while_loading(candidat: Ouvrir, page: str, largeur: int) -> None:
    c = candidat(largeur, page=page)
    c.page.evaluate(OBSERVE)
    c.page.wait_for_timeout(1000)  # the observer's buffered entries are delivered
    cls = c.page.evaluate("() => window.__cls")
    print(f"CLS {page} {largeur}px: {cls:.4f}")
    assert cls < CLS_MAX
