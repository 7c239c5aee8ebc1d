"""The whole journey with the keyboard alone, and the focus visible at every stop.

No mouse: Tab and Shift+Tab to move, Space for a checkbox or a radio, arrows inside a radio
group, type-ahead in a list, Enter to follow a link or press a button. At every element the Tab
key reaches, the focus must show (an outline or the form's focus ring).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.site.conftest import WIDTHS
from tests.site.parcours import Candidat, nom_unique

Ouvrir = Callable[..., Candidat]

_FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return { id: "", visible: false, description: "body" };
  const s = getComputedStyle(e);
  const contour = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1;
  const anneau = s.boxShadow && s.boxShadow !== "none";
  return { id: e.id, visible: contour || anneau,
           description: `${e.tagName.toLowerCase()}#${e.id}.${e.className}` };
}"""


class Clavier:
    """Tab through the page, checking that every stop shows its focus."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.arrets = 0
        self.invisibles: list[str] = []

    def focus(self) -> dict[str, Any]:
        etat: dict[str, Any] = self.page.evaluate(_FOCUS)
        return etat

    def tab_jusqua(self, identifiant: str, *, arriere: bool = False, maximum: int = 80) -> None:
        for _ in range(maximum):
            self.page.keyboard.press("Shift+Tab" if arriere else "Tab")
            etat = self.focus()
            self.arrets += 1
            if not etat["visible"]:
                self.invisibles.append(etat["description"])
            if etat["id"] == identifiant:
                return
        raise AssertionError(f"#{identifiant} never reached with Tab")

    def taper(self, identifiant: str, texte: str) -> None:
        self.tab_jusqua(identifiant)
        self.page.keyboard.type(texte)

    def continuer(self) -> None:
        self.tab_jusqua("continuer")
        self.page.keyboard.press("Enter")


def test_the_whole_journey_with_the_keyboard_alone(candidat: Ouvrir) -> None:
    c = candidat(WIDTHS["ordinateur"])
    page = c.page
    k = Clavier(page)
    nom = nom_unique("Clavier")

    # 1. The speciality, by type-ahead in the list.
    k.tab_jusqua("specialite")
    page.keyboard.type("Maç")
    assert page.locator("#specialite").input_value() == "macon"
    k.continuer()
    assert c.focus() == "titre-etat-civil"

    # 2. Civil status; a second first name added, then moved up, with the buttons.
    k.taper("nom-naissance", nom)
    k.tab_jusqua(page.locator("#liste-prenoms input").first.get_attribute("id") or "")
    page.keyboard.type("Anne")
    k.tab_jusqua("ajouter-prenom")
    page.keyboard.press("Enter")
    page.keyboard.type("Zoé")
    page.keyboard.press("Tab")  # « Monter le 2e prénom »
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Monter le 2e prénom")
    page.keyboard.press("Enter")
    assert [page.locator("#liste-prenoms input").nth(i).input_value() for i in (0, 1)] == [
        "Zoé", "Anne"]
    k.tab_jusqua("sexe-f")
    page.keyboard.press("Space")
    k.taper("naissance-jour", "3")
    k.taper("naissance-mois", "11")
    k.taper("naissance-annee", "1990")
    k.taper("commune-naissance", "Guéret")
    k.taper("pays-naissance", "France")
    page.keyboard.press("Enter")  # Enter in a text field continues, as in any form
    assert c.focus() == "titre-coordonnees"

    # 3. Contact: the email forgotten, the summary leads back to it.
    k.taper("telephone", "0555000000")
    k.taper("adresse", "3 place Bonnyaud")
    k.taper("code-postal", "23000")
    k.taper("commune", "Guéret")
    k.tab_jusqua("departement-19")
    page.keyboard.press("ArrowDown")  # the arrows choose within the group: Creuse
    assert page.locator("#departement-23").is_checked()
    k.continuer()
    assert c.focus() == "resume-erreurs"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert c.focus() == "email"
    page.keyboard.type("clavier@exemple.fr")
    page.keyboard.press("Tab")
    page.keyboard.type("clavier@exemple.fr")
    page.keyboard.press("Enter")
    page.locator("#etape-forme:not([hidden])").wait_for()  # the step may ask the server first
    assert c.focus() == "titre-forme"

    # 4. The recommended form is already chosen.
    k.continuer()

    # 5. No exemption, no kept grade: nothing to add.
    assert c.focus() == "titre-dispenses"
    k.continuer()

    # 6. EPS: « dispensé », the first choice of the group.
    assert c.focus() == "titre-eps"
    k.tab_jusqua("eps-dispense")
    page.keyboard.press("Space")
    k.continuer()

    # 7. Nothing to add.
    assert c.focus() == "titre-langues"
    k.continuer()

    # 8. The review, the certification, the submission.
    page.locator("#etape-verification:not([hidden])").wait_for()
    assert c.focus() == "titre-verification"
    assert "Zoé, Anne" in page.locator("#recapitulatif").inner_text()
    k.tab_jusqua("attestation")
    page.keyboard.press("Space")
    # A person reads the review: the server refuses a form filled in under 3 seconds.
    page.wait_for_timeout(3_000)
    k.tab_jusqua("envoyer")
    page.keyboard.press("Enter")

    # 9. The number, and the confirmation downloaded with Enter.
    page.locator("#confirmation:not([hidden]), #erreur-generale:not([hidden])").first.wait_for()
    erreur = page.locator("#erreur-generale")
    assert erreur.is_hidden(), erreur.inner_text()
    assert c.focus() == "titre-confirmation"
    assert re.match(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$", page.locator("#numero").inner_text())
    k.tab_jusqua("telecharger")
    with page.expect_download() as telechargement:
        page.keyboard.press("Enter")
    assert telechargement.value.suggested_filename.endswith(".pdf")

    assert k.invisibles == []
    assert k.arrets > 20
    assert c.problemes == []
