"""The bureau's whole job on the staff page, in Chromium on the server `make run` starts: search
as people type (`ndiaye`), the dossier at its own address with every field of the candidate's
review and what changed between versions, « retour à la liste » keeping the filters, messages
beside their action, erasure from the page (role administration); no axe violation."""

from __future__ import annotations

import json
import secrets
import string
import urllib.request
from typing import Any

from tests.factories import make_dossier
from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import ADMINISTRATION, GESTION, se_connecter

BORN = "1998-05-17"  # the example dossier's birth date


def _send(site_url: str, method: str, path: str, dossier: dict[str, Any]) -> str:
    request = urllib.request.Request(site_url + path, data=json.dumps(dossier).encode(),
                                     method=method,
                                     headers={"Content-Type": "application/json",
                                              "X-Date-Naissance": BORN})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["numero"])


def candidate(**changes: Any) -> dict[str, Any]:
    suffix = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    return make_dossier({"etat_civil.prenoms": ["Awa" + suffix], **changes})


def _axe(page: Any) -> None:
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()


def test_search_as_typed_the_whole_dossier_its_changes_and_the_list_kept(
        browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    dossier = candidate(**{"etat_civil.nom_naissance": "N'Diaye", "specialite": "macon",
                           "amenagement.demande": True,
                           "amenagement.precisions": "Tiers temps, dyslexie"})
    numero = _send(site_url, "POST", "api/dossiers", dossier)
    changed = {**dossier, "specialite": "cuisine"}
    _send(site_url, "PUT", f"api/dossiers/{numero}", changed)
    prenom = dossier["etat_civil"]["prenoms"][0]
    with signed_in_page(browser, site_url) as (page, problems):
        # Typed as people say it, without pressing « Rechercher ».
        page.get_by_label("Nom, prénom ou numéro").press_sequentially(f"ndiaye {prenom.lower()}")
        expect(page.locator("#liste-legende")).to_have_text("1 dossier trouvé, page 1 sur 1")
        page.get_by_label("Trier par").select_option("nom")
        page.get_by_role("button", name=f"Ouvrir le dossier {numero}").click()
        page.wait_for_url(f"{site_url}gestion.html#/dossier/{numero}")
        expect(page.get_by_role("heading", name=f"Dossier {numero}")).to_be_visible()
        expect(page.locator("#vue-liste")).to_be_hidden()
        recap = page.locator("#detail-recapitulatif")
        for text in ("N'Diaye", "Cuisine", "Demandé ; précisions : Tiers temps, dyslexie",
                     "Téléphone", "Département", "Sexe", "Pays de naissance"):
            expect(recap).to_contain_text(text)
        versions = page.locator("#detail-versions")
        expect(versions).to_contain_text("Spécialité : Maçon → Cuisine")
        first_pdf = versions.get_by_role("link", name="confirmation PDF de la version 1")
        expect(first_pdf).to_have_attribute(
            "href", f"/api/staff/dossiers/{numero}/confirmation.pdf?version=1")
        # The pieces offered are this dossier's own: a cook needs no scaffolding certificate.
        page.locator("#statut-choix").get_by_label("Dossier incomplet").check()
        expect(page.locator("#pieces-choix")).not_to_contain_text("échafaudage")
        expect(page.locator("#pieces-choix")).to_contain_text("Autre pièce")
        # An error shows beside the form that caused it, not at the top of the page.
        page.locator("#pieces-choix").get_by_label("Autre pièce (précisée dans la note)").check()
        page.get_by_role("button", name="Enregistrer le statut").click()
        expect(page.locator("#statut-erreur")).to_contain_text("précisez dans la note")
        expect(page.locator("#erreur")).to_be_hidden()
        _axe(page)
        # Back to the list as it was: the search and the sort are kept.
        page.get_by_role("link", name="Retour à la liste").click()
        expect(page.locator("#vue-liste")).to_be_visible()
        expect(page.get_by_label("Nom, prénom ou numéro")).to_have_value(f"ndiaye {prenom.lower()}")
        expect(page.get_by_label("Trier par")).to_have_value("nom")
        expect(page.locator("#liste-legende")).to_have_text("1 dossier trouvé, page 1 sur 1")
        # Dates the wrong way round: said beside the filters.
        page.locator("#cree_du").fill("2020-11-10")
        page.locator("#cree_au").fill("2020-11-01")
        page.get_by_role("button", name="Rechercher").click()
        expect(page.locator("#filtres-erreur")).to_contain_text("postérieure à la date « au »")
        assert problems == [], problems


def test_an_administrator_erases_a_dossier_from_the_page(browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    numero = _send(site_url, "POST", "api/dossiers", candidate())
    context = browser.new_context(locale="fr-FR", viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    try:
        se_connecter(page, site_url, ADMINISTRATION)
        page.goto(f"{site_url}gestion.html#/dossier/{numero}")
        expect(page.get_by_role("heading", name=f"Dossier {numero}")).to_be_visible()
        bloc = page.locator("#effacement-bloc")
        expect(bloc).to_contain_text("Rien ne pourra être récupéré.")
        page.get_by_label("Recopiez le numéro d'inscription pour confirmer").fill("0000-0000-0")
        page.get_by_role("button", name="Effacer définitivement ce dossier").click()
        expect(page.locator("#effacement-erreur")).to_contain_text("recopiez son numéro")
        page.get_by_label("Recopiez le numéro d'inscription pour confirmer").fill(numero)
        page.get_by_role("button", name="Effacer définitivement ce dossier").click()
        expect(page.locator("#liste-message")).to_have_text(
            f"Dossier {numero} effacé définitivement ; l'effacement est journalisé.")
        expect(page.locator("#vue-liste")).to_be_visible()
        page.get_by_label("Nom, prénom ou numéro").fill(numero)
        expect(page.locator("#liste-legende")).to_have_text("0 dossier trouvé, page 1 sur 1")
        # The success stays while the list follows the search.
        expect(page.locator("#liste-message")).to_contain_text("effacé définitivement")
        _axe(page)
    finally:
        context.close()


def test_a_manager_has_no_erasure_control(browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    numero = _send(site_url, "POST", "api/dossiers", candidate())
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    try:
        se_connecter(page, site_url, GESTION)
        page.goto(f"{site_url}gestion.html#/dossier/{numero}")
        expect(page.get_by_role("heading", name=f"Dossier {numero}")).to_be_visible()
        expect(page.locator("#effacement-bloc")).to_be_hidden()
    finally:
        context.close()
