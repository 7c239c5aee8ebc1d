"""A candidate in the browser: open the form, answer each step as a person would, check.

Used by the form's tests (test_form.py, test_form_keyboard.py). Every page opened here records
its console errors and failed requests; `Candidat.etat()` runs axe and takes the screenshot of
the current state, so that every step and state of the journey is checked the same way.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.factories import make_dossier
from tests.site.axe_check import axe_results

#: localStorage key of the draft (site/docs/assets/javascripts/candidats/formulaire/brouillon.js).
CLE_BROUILLON = "preinscription-cap:cap-limoges-2021-06:brouillon"

#: Birth names unique within one server run: one dossier per person and session.
_SUFFIXES = ("".join(letters) for letters in itertools.product("bcdfghjklmnpqrstvz", repeat=3))


def texte(locator: Any) -> str:
    """A locator's visible text, every run of spaces (no-break ones included) as one space."""
    return re.sub(r"\s+", " ", str(locator.inner_text())).strip()


def nom_unique(base: str) -> str:
    """« Lefèvre » → « Lefèvre-Bcd », a birth name no other test uses."""
    return f"{base}-{next(_SUFFIXES).capitalize()}"


@dataclass
class Identite:
    """What a candidate types about themselves."""

    nom: str
    prenoms: list[str]
    jour: str = "17"
    mois: str = "5"
    annee: str = "1998"
    sexe: str = "F"
    email: str = "marie.candidate@exemple.fr"

    @property
    def date_iso(self) -> str:
        return f"{self.annee}-{int(self.mois):02d}-{int(self.jour):02d}"


def dossier_valide(nom: str, **changements: Any) -> dict[str, Any]:
    """The example dossier under another birth name (dotted paths may change more)."""
    return make_dossier({"etat_civil.nom_naissance": nom, **changements})


@dataclass
class Candidat:
    """One browser page on the form, with what went wrong in it."""

    page: Any
    artifacts: Path
    largeur: int
    site_url: str
    problemes: list[str] = field(default_factory=list)
    captures: list[str] = field(default_factory=list)
    violations: dict[str, int] = field(default_factory=dict)

    def console(self, message: Any) -> None:
        """Console errors are failures, except the browser's own line for an API answer
        the form expects and handles (404, 409, 422…)."""
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and "/api/" in url:
            return
        self.problemes.append(f"console: {message.text}")

    def ouvrir(self, page: str = "formulaire.html") -> None:
        response = self.page.goto(self.site_url + page, wait_until="networkidle")
        assert response is not None and response.ok
        self.page.locator("#chargement").wait_for(state="hidden")

    def reprendre(self, dossier: dict[str, Any], etape: str) -> None:
        """Open the form on a draft, as a candidate coming back to a half-filled form."""
        brouillon = {"format": 1, "dossier": dossier, "etape": etape,
                     "emailConfirmation": dossier.get("contact", {}).get("email", ""),
                     "debutSaisie": int(time.time() * 1000) - 5 * 60_000}  # 5 minutes ago
        self.page.evaluate("([cle, valeur]) => localStorage.setItem(cle, valeur)",
                           [CLE_BROUILLON, json.dumps(brouillon)])
        self.ouvrir()

    def brouillon(self) -> Any:
        texte = self.page.evaluate("cle => localStorage.getItem(cle)", CLE_BROUILLON)
        return json.loads(texte) if texte else None

    def attendre(self) -> None:
        """Until the form is no longer asking the server (aria-busy: a step whose last check is
        the server's, issue 29), as a person waits for the page to answer."""
        self.page.wait_for_function("() => !document.querySelector('[aria-busy=\"true\"]')")

    def focus(self) -> str:
        """The id (or tag) of the focused element, once the form has answered."""
        self.attendre()
        element = "document.activeElement"
        return str(self.page.evaluate(f"{element}.id || {element}.tagName"))

    # -- what a person sees --------------------------------------------------------------------

    def etape(self) -> str:
        """The visible step's heading (« Étape 2 sur 8 : Votre état civil »)."""
        self.attendre()
        heading = self.page.locator(".etape:not([hidden]) h1")
        return re.sub(r"\s+", " ", heading.inner_text()).strip()

    def continuer(self) -> None:
        self.page.locator("#continuer").click()

    def vers_la_verification(self) -> None:
        """« Continuer » on this step and each next one, answered already, to the review."""
        for _ in range(8):
            avant = self.etape()
            self.continuer()
            self.page.wait_for_function(
                "avant => { const h = document.querySelector('.etape:not([hidden]) h1');"
                " return document.querySelector('#resume-erreurs:not([hidden])')"
                " || (h && h.innerText.replace(/\\s+/g, ' ').trim() !== avant); }", arg=avant)
            if self.page.locator("#etape-verification:not([hidden])").count():
                return
            assert self.page.locator("#resume-erreurs:not([hidden])").count() == 0, (
                self.etape(), self.resume_erreurs())
        raise AssertionError("la vérification n'est pas atteinte")

    def envoyer(self) -> None:
        self.page.locator("#envoyer").click()

    def resume_erreurs(self) -> list[str]:
        """The links of the error summary, in order."""
        return [re.sub(r"\s+", " ", t).strip()
                for t in self.page.locator("#resume-erreurs-liste a").all_inner_texts()]

    def message_du_champ(self, chemin: str) -> str:
        """The error message shown beside the field of a dossier path."""
        conteneur = self.page.locator(f'[data-chemin="{chemin}"]')
        return re.sub(r"\s+", " ", conteneur.locator(".message-erreur").first.inner_text()).strip()

    def etat(self, nom: str) -> None:
        """axe on the page as it is, then a screenshot: one state of the journey."""
        # Issue 17: no id twice in any state of the page.
        doubles = self.page.evaluate(
            "() => { const vus = new Set(), doubles = new Set();"
            " for (const e of document.querySelectorAll('[id]')) {"
            " if (vus.has(e.id)) doubles.add(e.id); vus.add(e.id); }"
            " return [...doubles]; }")
        assert doubles == [], f"{nom}: ids en double {doubles}"
        # Issue 29, item 11: one main heading, the step's (or the confirmation's, the
        # dossier's), in every state; the page's own title only when none is shown.
        principaux = self.page.evaluate(
            "() => [...document.querySelectorAll('h1')].filter((h) => !h.closest('[hidden]')"
            " && !h.closest('[aria-hidden=\"true\"]')).map((h) => h.innerText.trim())")
        assert len(principaux) == 1, f"{nom}: titres principaux {principaux}"
        results = axe_results(self.page)
        self.violations[nom] = results.violations_count
        assert results.violations_count == 0, f"{nom}:\n{results.generate_report()}"
        chemin = self.artifacts / f"formulaire-{nom}-{self.largeur}.png"
        self.page.screenshot(path=chemin, full_page=True)
        self.captures.append(chemin.name)

    # -- answering, step by step ---------------------------------------------------------------

    def examen(self, specialite: str) -> None:
        liste = self.page.get_by_label("Spécialité de CAP que vous présentez")
        liste.select_option(label=specialite)

    def etat_civil(self, qui: Identite, *, commune: str = "Limoges", pays: str = "France") -> None:
        page = self.page
        page.get_by_label("Nom de naissance").fill(qui.nom)
        page.get_by_label("1er prénom", exact=True).fill(qui.prenoms[0])
        for rang, prenom in enumerate(qui.prenoms[1:], start=2):
            page.get_by_role("button", name="Ajouter un prénom").click()
            page.get_by_label(f"{rang}e prénom", exact=True).fill(prenom)
        page.get_by_label("Féminin" if qui.sexe == "F" else "Masculin").check()
        page.get_by_label("Jour", exact=True).fill(qui.jour)
        page.get_by_label("Mois", exact=True).fill(qui.mois)
        page.get_by_label("Année", exact=True).fill(qui.annee)
        page.get_by_label("Commune de naissance").fill(commune)
        page.get_by_label("Pays de naissance").fill(pays)

    def coordonnees(self, qui: Identite, *, email: bool = True,
                    departement: str = "Haute-Vienne (87)", code_postal: str = "87100") -> None:
        page = self.page
        if email:
            page.get_by_label("Adresse électronique", exact=True).fill(qui.email)
            page.get_by_label("Confirmez votre adresse électronique").fill(qui.email)
        page.get_by_label("Téléphone (facultatif)").fill("05 55 12 34 56")
        page.get_by_label("Adresse (numéro et voie)").fill("12 avenue du Général-Leclerc")
        page.get_by_label("Code postal").fill(code_postal)
        page.get_by_label("Commune", exact=True).fill("Limoges")
        page.get_by_label(departement).check()

    def eps(self, choix: str) -> None:
        self.page.get_by_role("radio", name=choix).check()

    def ouvrir_dossier(self, numero: str, qui: Identite) -> None:
        """« Mon dossier »: the number and the birth date."""
        acces = self.page.locator("#acces")
        acces.get_by_label("Numéro d'inscription").fill(numero)
        acces.get_by_label("Jour", exact=True).fill(qui.jour)
        acces.get_by_label("Mois", exact=True).fill(qui.mois)
        acces.get_by_label("Année", exact=True).fill(qui.annee)
        acces.get_by_role("button", name="Ouvrir mon dossier").click()
