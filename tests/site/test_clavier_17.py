"""Issue 17, keyboard and screen: on every page, at phone and desktop widths, Tab never stops on
something hidden (the closed menu drawer, a 0-px-high element)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.site.conftest import PAGES, WIDTHS
from tests.site.parcours import Candidat, nom_unique, texte

Ouvrir = Callable[..., Candidat]
TABS = 30

#: The focused element: its id or tag, its size, whether it sits in the primary sidebar (the
#: drawer on a phone) and whether that sidebar is shown.
FOCUSED = """() => {
  const e = document.activeElement;
  const r = e.getBoundingClientRect();
  const sidebar = e.closest('.md-sidebar--primary');
  const drawer = document.getElementById('__drawer');
  return {name: e.id || e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30),
          width: r.width, height: r.height,
          inClosedDrawer: Boolean(sidebar) && innerWidth < 1220 && !(drawer && drawer.checked)};
}"""


@pytest.mark.parametrize("largeur", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("page", PAGES)
def test_tab_never_stops_on_something_hidden(candidat: Ouvrir, page: str,
                                             largeur: int) -> None:
    c = candidat(largeur, page=page)
    hidden = []
    for _ in range(TABS):
        c.page.keyboard.press("Tab")
        focused = c.page.evaluate(FOCUSED)
        if focused["name"] == "BODY ":
            break
        if focused["inClosedDrawer"] or focused["width"] < 1 or focused["height"] < 1:
            hidden.append(focused)
    assert hidden == []


@pytest.mark.parametrize("page", ["formulaire.html", "mon-dossier.html"])
def test_the_no_javascript_notice_is_no_entry_of_the_table_of_contents(built_site: Path,
                                                                         page: str) -> None:
    html = (built_site / page).read_text(encoding="utf-8")
    assert "besoin de JavaScript</h2>" in html  # still a heading for those who see it
    toc = re.findall(r'<nav class="md-nav md-nav--secondary".*?</nav>', html, re.DOTALL)
    assert all("JavaScript" not in nav for nav in toc)


def test_no_built_page_has_an_id_twice(built_site: Path) -> None:
    """Every state of the form is checked too, at each screenshot (parcours.Candidat.etat)."""
    doubles = {}
    for page in sorted(built_site.rglob("*.html")):
        ids = re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8"))
        if repeated := sorted({i for i in ids if ids.count(i) > 1}):
            doubles[page.name] = repeated
    assert doubles == {}


@pytest.mark.parametrize("page", ["formulaire.html", "mon-dossier.html"])
def test_every_visible_button_is_at_least_44_px_both_ways(candidat: Ouvrir, page: str) -> None:
    c = candidat(WIDTHS["telephone"], page=page)
    if page == "formulaire.html":  # the first names' Monter / Descendre / Retirer
        c.page.get_by_label("Spécialité de CAP que vous présentez").select_option(index=1)
        c.continuer()
        c.page.get_by_role("button", name="Ajouter un prénom").click()
    small = c.page.evaluate("""() => [...document.querySelectorAll('#application button')]
        .filter(b => b.offsetParent !== null)
        .map(b => [b.textContent.trim(), b.getBoundingClientRect()])
        .filter(([, r]) => r.width < 44 || r.height < 43.5)
        .map(([t, r]) => `${t}: ${r.width}×${r.height}`)""")
    assert small == []


def test_a_name_typed_all_in_lower_case_gets_a_gentle_hint_on_the_review(
        candidat: Ouvrir) -> None:
    from tests.site.test_form import _aller_a_la_verification

    c = candidat(WIDTHS["telephone"])
    _aller_a_la_verification(c, nom_unique("n'diaye-lefèvre").lower())
    indice = c.page.locator("#recapitulatif [data-role='casse']")
    assert texte(indice) == ("Vérifiez les majuscules et les accents : le diplôme reprendra "
                             "exactement votre saisie.")
    c.page.get_by_label("Je certifie").check()
    c.envoyer()  # never a refusal
    c.page.locator("#confirmation:not([hidden])").wait_for()
    assert c.problemes == []


def test_reloading_on_the_review_stays_on_the_review(candidat: Ouvrir) -> None:
    from tests.site.test_form import _aller_a_la_verification

    c = candidat(WIDTHS["telephone"])
    _aller_a_la_verification(c, nom_unique("Recharge"))
    c.page.wait_for_timeout(400)  # the draft is saved a moment after
    assert c.brouillon()["etape"] == "verification"
    c.page.reload(wait_until="networkidle")
    c.page.locator("#etape-verification:not([hidden])").wait_for()
    assert c.etape().startswith("Étape 8 sur 8")
    assert c.problemes == []


def test_on_a_phone_the_speciality_list_is_in_the_first_screen(candidat: Ouvrir) -> None:
    """390 × 844 (a common phone), as in production: without the local run's demonstration
    banner (handler.local_server), whose height is taken off."""
    c = candidat(WIDTHS["telephone"])
    c.page.set_viewport_size({"width": WIDTHS["telephone"], "height": 844})
    bas = c.page.evaluate(
        "() => document.getElementById('specialite').getBoundingClientRect().bottom"
        " - (document.querySelector('.banniere-demo')?.getBoundingClientRect().height ?? 0)")
    print(f"spécialité: bas à {bas:.0f} px sur 844")
    assert bas <= 844
