"""Issue 13, point 7: every « à confirmer » of the session file reaches the candidate where the
fact is used. The walk is tests/shared_rules/test_unconfirmed.py's: every fact marked
`a_confirmer`; each must have a place below (a built page or a state of the form) where its
mark is found, so that a new unconfirmed fact without a mark fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shared_rules
from handler.dossier import mail_content
from tests.shared_rules.test_unconfirmed import FACTS
from tests.site.conftest import WIDTHS
from tests.site.parcours import dossier_valide, nom_unique
from tests.site.test_built_site import read_page

MARK = "à confirmer"

#: Group facts: the page and the sentence that carries the mark.
PAGES = {
    "retour_confirmation.adresse": ("index.html", f"Cette adresse est {MARK} avant tout envoi."),
    "retour_confirmation.contact_bureau": ("index.html",
                                           f"téléphone {MARK} ; courriel {MARK}"),
    "donnees_personnelles.responsable_traitement": (
        "donnees-personnelles.html", f"Contact du responsable du traitement : {MARK}"),
    "donnees_personnelles.conservation": ("donnees-personnelles.html",
                                          f"Durée de conservation : {MARK}"),
    "donnees_personnelles.base_legale": ("donnees-personnelles.html",
                                         f"Base légale du traitement : {MARK}"),
}
#: Group facts used by the form: the element that carries the mark, on the example dossier.
FORM = {
    "langues_vivantes": "#langue-vivante-aide",
    "amenagement": "#amenagement-suite",
}
#: Group facts the follow-up uses: the « à faire » « mon dossier » and the email give for a
#: status (tests/site/test_suivi_candidat.py shows it on the page).
FOLLOW_UP = {
    "retour_confirmation.pieces_manquantes": ("incomplete", "2020-12-01T10:00:00+01:00"),
}
#: Speciality facts: the element of the form that carries the mark once it is chosen.
SPECIALITY = {
    "libelle": "option",
    "langue_vivante_obligatoire": "#langue-sans-epreuve",
    "unites_facultatives": '[data-liste="facultatives"]',
    "ouverte_academie": "#specialite-a-confirmer",
    "unites_professionnelles": "#unites-professionnelles-a-confirmer",
}

_READ = """(selecteurs) => {
  const liste = document.querySelector("#specialite");
  const lu = {};
  for (const option of liste.options) {
    if (!option.value) continue;
    liste.value = option.value;
    liste.dispatchEvent(new Event("change", { bubbles: true }));
    lu[option.value] = Object.fromEntries(Object.entries(selecteurs).map(([fait, s]) =>
      [fait, s === "option" ? option.textContent : document.querySelector(s).textContent]));
  }
  return lu;
}"""


def test_every_unconfirmed_fact_shows_its_mark_where_it_is_used(
        candidat: Any, built_site: Path) -> None:
    from playwright.sync_api import expect

    c = candidat(WIDTHS["ordinateur"])
    page = c.page
    par_specialite: dict[str, dict[str, str]] = page.evaluate(_READ, SPECIALITY)
    c.reprendre(dossier_valide(nom_unique("Marque")), "dispenses")
    # The draft's step once the form has answered (a loaded machine takes its time).
    c.attendre()
    expect(page.locator("#etape-dispenses")).to_be_visible(timeout=30_000)
    page.get_by_label("Je demande un aménagement des conditions d'examen").check()
    formulaire = {fact: str(page.locator(sel).text_content()) for fact, sel in FORM.items()}

    missing = []
    for name, code, key in FACTS:
        if code is not None:
            where = SPECIALITY.get(key)
            found = where is not None and MARK in par_specialite[code][key]
        else:
            group = name.rsplit(".", 1)[0]
            if group in FOLLOW_UP:
                statut, depuis = FOLLOW_UP[group]
                session = shared_rules.get_session("cap-limoges-2021-06")
                assert session is not None
                found = MARK in mail_content.suivi_a_faire(statut, session, depuis=depuis)
            elif group in PAGES:
                page_name, sentence = PAGES[group]
                found = sentence in read_page(built_site, page_name).text
            else:
                found = group in FORM and MARK in formulaire[group]
        if not found:
            missing.append((name, code))
    assert missing == []
    assert len(FACTS) > 150  # every speciality's facts and the session's groups
    assert c.problemes == []
