"""Issue 27, in Chromium: bulk actions on the list. Dossiers are selected row by row, by the
page's box, or as the whole search; one change is applied to all, each dossier recorded on its
own, and a dossier its candidate modified meanwhile is reported with its reason, not
overwritten; a new search empties the selection. axe finds nothing in each state."""

from __future__ import annotations

import io
import secrets
import string
from typing import Any

from pypdf import PdfReader

from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import staff_get
from tests.site.test_gestion_bureau import _send, candidate


def check_state(page: Any) -> None:
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_change_applied_to_a_selection_reports_each_dossier(browser: Any,
                                                                site_url: str) -> None:
    from playwright.sync_api import expect

    nom = "Lot" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    dossiers = [candidate(**{"etat_civil.nom_naissance": nom}) for _ in range(3)]
    numeros = [_send(site_url, "POST", "api/dossiers", d) for d in dossiers]
    with signed_in_page(browser, site_url) as (page, problems):
        page.get_by_label("Nom, prénom ou numéro").fill(nom)
        rows = page.locator("#liste-corps tr")
        expect(rows).to_have_count(3)
        count = page.locator("#lot-compte")
        expect(count).to_contain_text("Aucun dossier sélectionné")
        check_state(page)

        # Two rows by their boxes, then the whole page by its own.
        page.get_by_label(f"Sélectionner le dossier {numeros[0]}").check()
        page.get_by_label(f"Sélectionner le dossier {numeros[1]}").check()
        expect(count).to_have_text("2 dossiers sélectionnés.")
        page.get_by_label("Sélectionner tous les dossiers de cette page").check()
        expect(count).to_have_text("3 dossiers sélectionnés.")
        page.get_by_role("button", name="Vider la sélection").click()
        expect(count).to_contain_text("Aucun dossier sélectionné")
        expect(page.get_by_label(f"Sélectionner le dossier {numeros[0]}")).not_to_be_checked()

        # The whole search; meanwhile a candidate modifies their dossier.
        page.get_by_role("button", name="Sélectionner tous les dossiers de cette recherche").click()
        expect(count).to_have_text("3 dossiers sélectionnés.")
        expect(page.get_by_label(f"Sélectionner le dossier {numeros[2]}")).to_be_checked()
        check_state(page)
        changed = dossiers[2]
        _send(site_url, "PUT", f"api/dossiers/{numeros[2]}", {**changed, "contact": {
            **changed["contact"], "adresse": "5 rue des Tanneurs"}})
        page.get_by_label("Papiers reçus : la confirmation signée de la version").check()
        asked: list[str] = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.get_by_role("button", name="Appliquer aux dossiers sélectionnés").click()
        result = page.locator("#lot-resultat")
        expect(result).to_contain_text("2 dossiers enregistrés ; 1 dossier non modifié :")
        assert asked[0].replace("\u00a0", " ").startswith(
            "Marquer 3 dossiers « Confirmation signée reçue » ?"), asked
        expect(result.get_by_role("link", name=numeros[2])).to_be_visible()
        expect(result).to_contain_text("modifié")
        expect(count).to_contain_text("Aucun dossier sélectionné")
        for numero in numeros[:2]:
            assert staff_get(site_url, f"dossiers/{numero}")["suivi"]["statut"] == \
                "confirmation-recue"
        assert staff_get(site_url, f"dossiers/{numeros[2]}")["suivi"]["revision"] == 0
        # The list shows the new statuses.
        expect(rows.filter(has_text="Confirmation signée reçue")).to_have_count(2)
        check_state(page)

        # The one left, marked incomplete with a piece.
        page.get_by_label(f"Sélectionner le dossier {numeros[2]}").check()
        expect(count).to_have_text("1 dossier sélectionné.")
        page.get_by_label("Incomplets : des pièces manquent").check()
        pieces = page.locator("#lot-pieces-choix input")
        pieces.first.check()
        check_state(page)
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Appliquer aux dossiers sélectionnés").click()
        expect(result).to_contain_text("1 dossier enregistré ; aucun refus.")
        shown = staff_get(site_url, f"dossiers/{numeros[2]}")["suivi"]
        assert shown["statut"] == "incomplete" and len(shown["pieces_manquantes"]) == 1

        # Two dossiers selected: their confirmations in one PDF to print, their rows in a CSV.
        page.get_by_label(f"Sélectionner le dossier {numeros[0]}").check()
        page.get_by_label(f"Sélectionner le dossier {numeros[2]}").check()
        state = page.locator("#export-etat")
        page.get_by_role("button", name="Imprimer leurs confirmations (PDF)").click()
        expect(state).to_contain_text("de 2 dossier(s) prêt", timeout=60_000)
        link = state.get_by_role("link").get_attribute("href")
        assert link
        printed = page.request.get(link)
        assert printed.status == 200
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printed.body())).pages)
        assert numeros[0] in text and numeros[2] in text and numeros[1] not in text
        page.get_by_role("button", name="Exporter la sélection en CSV (Excel)").click()
        expect(state).to_contain_text("de 2 dossier(s) enregistré")
        check_state(page)
        page.get_by_role("button", name="Vider la sélection").click()

        # A new search empties the selection.
        page.get_by_label(f"Sélectionner le dossier {numeros[0]}").check()
        expect(count).to_have_text("1 dossier sélectionné.")
        page.get_by_label("Nom, prénom ou numéro").fill(numeros[1])
        expect(rows).to_have_count(1)
        expect(count).to_contain_text("Aucun dossier sélectionné")
        assert problems == [], problems
