"""Issue 29 (10): the form says which answers are required (RGAA 11.10), and a phone shows the
first step in the order a screen reader reads it (RGAA 12.8, WCAG 1.3.2).

The form starts with « Tous les champs sont obligatoires, sauf ceux marqués « (facultatif) » »;
every control a candidate can see then says it: `required` (or aria-required), or
« (facultatif) » in its label (or, for a box or a radio, its group's legend). A box among several
of which one must be ticked (the units sat in progressive form) has no attribute for it: the
sentence says it, and the rules (shared_rules.mandatory) require its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import shared_rules
from shared_rules.export import export_rules
from shared_rules.mandatory import OBLIGATOIRE, answer_statuses
from shared_rules.session import DEFAULT_SESSION_CODE
from tests.site.conftest import WIDTHS
from tests.site.parcours import Candidat, dossier_valide, nom_unique, texte

Ouvrir = Callable[..., Candidat]

PHRASE = "Tous les champs sont obligatoires, sauf ceux marqués « (facultatif) »."
GROUPES_OBLIGATOIRES = [p for p, s in answer_statuses().items() if s == OBLIGATOIRE]

#: Every visible control of the form, with what it says about its answer.
_CONTROLES = """(groupesObligatoires) => {
  const propre = (t) => (t ?? "").replace(/\\s+/g, " ").trim();
  const libelle = (e) => propre([...(e.labels ?? [])].map((l) => l.textContent).join(" "));
  const legendes = (e) => {
    const trouvees = [];
    for (let f = e.closest("fieldset"); f; f = f.parentElement?.closest("fieldset")) {
      trouvees.push(propre(f.querySelector(":scope > legend")?.textContent));
    }
    return trouvees;
  };
  return [...document.querySelectorAll("#dossier input, #dossier select, #dossier textarea")]
    .filter((e) => e.checkVisibility() && !e.closest('[aria-hidden="true"]'))
    .map((e) => {
      const groupe = e.type === "checkbox" || e.type === "radio";
      return {
        id: e.id, libelle: libelle(e),
        requis: e.required || e.getAttribute("aria-required") === "true",
        facultatif: libelle(e).includes("(facultatif)")
          || (groupe && legendes(e).some((l) => l.includes("(facultatif)"))),
        // One of the choices of a required field (the box's name is the field's path).
        parmi: e.type === "checkbox" && groupesObligatoires.includes(e.name)
          && e.closest("fieldset")?.dataset.chemin === e.name,
      };
    });
}"""


@pytest.fixture(scope="module")
def regles() -> dict[str, Any]:
    session = shared_rules.get_session(DEFAULT_SESSION_CODE)
    assert session is not None
    return export_rules(session)


class Controles:
    """What the visible controls say, step after step; every id seen is kept."""

    def __init__(self, c: Candidat) -> None:
        self.c = c
        self.vus: set[str] = set()

    def verifier(self, etat: str) -> None:
        controles: list[dict[str, Any]] = self.c.page.evaluate(_CONTROLES, GROUPES_OBLIGATOIRES)
        assert controles, etat
        # Exactly one indication each: required, optional, or one of a required group.
        muets = [c for c in controles
                 if [c["requis"], c["facultatif"], c["parmi"]].count(True) != 1]
        assert muets == [], etat
        self.vus.update(c["id"] for c in controles)


@pytest.mark.parametrize("largeur", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_visible_control_says_whether_it_must_be_answered(
        candidat: Ouvrir, regles: dict[str, Any], largeur: int) -> None:
    c = candidat(largeur)
    page = c.page
    assert texte(page.locator("#dossier > p").first) == PHRASE
    dossier = dossier_valide(nom_unique("Obligatoire"))
    c.reprendre(dossier, "examen")
    v = Controles(c)

    # 1. The speciality; the label of one not in the list; the year of a resit.
    v.verifier("examen")
    c.examen("Ma spécialité n'est pas dans la liste")
    v.verifier("examen, autre spécialité")
    c.examen(next(s["libelle"] for s in regles["specialites"] if s["rattrapage"]))
    v.verifier("examen, rattrapage")
    page.locator("#specialite").select_option(dossier["specialite"])
    c.continuer()

    # 2. Civil status: a first name added, papers without the day of birth.
    assert c.etape() == "Étape 2 sur 8 : Votre état civil"
    assert page.get_by_label("Nom d'usage (facultatif)").count() == 1
    assert page.locator("#nom-naissance").get_attribute("required") is not None
    page.get_by_role("button", name="Ajouter un prénom").click()
    page.get_by_label("Mes papiers ne portent pas le jour").check()
    v.verifier("état civil")
    c.etat("2-etat-civil-obligatoires")
    page.get_by_label("Mes papiers ne portent pas le jour").uncheck()
    c.continuer()

    # 3. Contact: a postcode of another département asks for a confirmation.
    assert c.etape() == "Étape 3 sur 8 : Vos coordonnées et votre établissement"
    page.get_by_label("Code postal").fill("16000")
    page.get_by_label("Code postal").blur()
    assert page.locator("#bloc-residence").is_visible()
    v.verifier("coordonnées, code postal d'un autre département")
    c.etat("3-coordonnees-obligatoires")
    page.get_by_label("Code postal").fill(dossier["contact"]["code_postal"])
    page.get_by_label("Code postal").blur()
    c.continuer()

    # 4. The progressive form's units, one at least.
    page.get_by_label("Forme progressive").check()
    v.verifier("forme progressive")
    c.etat("4-forme-progressive-obligatoires")
    page.locator(f"#forme_passage-{dossier['forme_passage']}").check()
    c.continuer()

    # 5. An exemption, a kept grade, an accommodation request.
    assert c.etape() == "Étape 5 sur 8 : Dispenses, notes conservées et aménagement"
    page.get_by_role("button", name="Ajouter une note conservée").click()
    page.get_by_label("Je demande un aménagement").check()
    v.verifier("dispenses, notes conservées, aménagement")
    c.etat("5-dispenses-obligatoires")
    page.get_by_role("button", name="Retirer la note conservée 1").click()
    page.get_by_label("Je demande un aménagement").uncheck()
    c.continuer()

    # 6. EPS.
    v.verifier("EPS")
    c.continuer()

    # 7. Languages, « Autre langue » typed by hand, for the compulsory unit and the optional one.
    autre = regles["langues_vivantes"]["autre"]["code"]
    page.get_by_label("Langue vivante de l'épreuve obligatoire").select_option(autre)
    page.get_by_label("Langue de cette épreuve").select_option(autre)
    v.verifier("langues, autre langue")
    c.etat("7-langues-obligatoires")
    page.get_by_label("Langue vivante de l'épreuve obligatoire").select_option("")
    page.get_by_label("Langue de cette épreuve").select_option(
        dossier["epreuves_facultatives"][0]["langue"])
    c.continuer()

    # 8. The certification must be ticked.
    page.locator("#etape-verification:not([hidden])").wait_for()
    v.verifier("vérification")
    assert page.locator("#attestation").get_attribute("required") is not None

    # Every kind of control was seen, those that appear with a situation included.
    attendus = {"specialite", "specialite-autre", "rattrapage-annee", "nom-naissance",
                "nom-usage", "sans-prenom", "sexe-f", "naissance-jour", "naissance-incomplete",
                "naissance-precision-mois", "email-confirmation", "telephone",
                "confirmation-residence", "departement-87", "langue-vivante",
                "langue-vivante-autre", "facultative-langue-vivante-langue",
                "facultative-langue-vivante-langue-autre", "amenagement-demande",
                "amenagement-decision", "amenagement-precisions", "attestation"}
    assert attendus <= v.vus, attendus - v.vus
    assert c.problemes == []


@pytest.mark.parametrize("specialite", ["Ma spécialité n'est pas dans la liste", "rattrapage"])
def test_on_a_phone_the_first_step_is_shown_in_the_order_it_is_read(
        candidat: Ouvrir, regles: dict[str, Any], specialite: str) -> None:
    """At 390 px nothing is moved by CSS: each part of the step, in the page's order, is below
    the one before (the speciality's list used to be lifted above the facts read first)."""
    c = candidat(WIDTHS["telephone"])
    if specialite == "rattrapage":
        specialite = next(s["libelle"] for s in regles["specialites"] if s["rattrapage"])
    c.examen(specialite)
    boites: list[dict[str, Any]] = c.page.evaluate("""() => [
        document.getElementById("champs-obligatoires"),
        ...document.querySelectorAll("#etape-examen > *")]
      .filter((e) => e.checkVisibility())
      .map((e) => {
        const r = e.getBoundingClientRect();
        return { quoi: e.id || e.className || e.tagName, haut: r.top, bas: r.bottom };
      })""")
    assert len(boites) >= 6
    desordre = [(avant["quoi"], apres["quoi"])
                for avant, apres in zip(boites, boites[1:], strict=False)
                if apres["haut"] < avant["bas"] - 0.5]
    assert desordre == []
    c.etat("1-examen-ordre")
    assert c.problemes == []
