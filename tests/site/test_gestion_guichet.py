"""Issue 27, in Chromium: the reception desk at gestion.html#/reception. A simulated hand scanner
types each barcode, then Enter: the paper is recorded for its version, whose it is and what to
check show in large text, the field is cleared and keeps the focus for the next one; a paper
already received, an older version, or a number no dossier has is said plainly; the last scans
are listed, and « Annuler » gives the dossier its status back. axe finds nothing in each state,
at a phone's width and a desk's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import staff_get
from tests.site.test_gestion_bureau import _send, candidate
from tests.site.test_gestion_reception import at_version_3

WIDTHS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 800}}


def scanner(page: Any, reference: str) -> None:
    """A USB barcode scanner: a keyboard typing the code fast, then Enter, wherever the focus
    is kept."""
    page.keyboard.type(reference, delay=5)
    page.keyboard.press("Enter")


def check_state(page: Any) -> None:
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("largeur", WIDTHS, ids=WIDTHS.keys())
def test_the_desk_records_a_pile_of_papers_one_scan_each(browser: Any, site_url: str,
                                                          largeur: str) -> None:
    from playwright.sync_api import expect

    first = _send(site_url, "POST", "api/dossiers", candidate())
    second = _send(site_url, "POST", "api/dossiers", candidate())
    modified = at_version_3(site_url)
    with signed_in_page(browser, site_url, viewport=WIDTHS[largeur]) as (page, problems):
        page.get_by_role("link", name="Réception du courrier").click()
        expect(page.get_by_role("heading", name="Réception du courrier")).to_be_visible()
        field = page.get_by_label("Code-barres de la confirmation")
        expect(field).to_be_focused()
        check_state(page)
        verdict = page.locator("#guichet-resultat")

        # The first paper: recorded, whose it is and the pieces to check, in the green box.
        scanner(page, f"{first}-V1")
        expect(verdict).to_contain_text("Confirmation signée reçue, enregistrée (version 1).")
        expect(verdict).to_contain_text(f"n° {first}")
        expect(verdict).to_contain_text("Pièces à vérifier dans l'enveloppe")
        expect(verdict).to_have_class("guichet-resultat guichet-ok guichet-nouveau")
        expect(verdict.locator(".guichet-marque")).to_have_text("✓")
        expect(field).to_have_value("")
        expect(field).to_be_focused()
        check_state(page)
        assert staff_get(site_url, f"dossiers/{first}")["suivi"]["statut"] == "confirmation-recue"

        # The same paper again: said plainly, nothing changed.
        scanner(page, f"{first}-V1")
        expect(verdict).to_contain_text("Déjà reçue")
        expect(verdict).to_have_class("guichet-resultat guichet-refus guichet-nouveau")
        expect(verdict.locator(".guichet-marque")).to_have_text("✗")
        check_state(page)

        # An older version's paper: whose it is, and what to ask.
        scanner(page, f"{modified}-V1")
        expect(verdict).to_contain_text("Papier de la version 1, dossier en version 3")
        expect(verdict).to_contain_text(f"n° {modified}")
        # A typed number with no dossier.
        scanner(page, "ABCD")
        expect(verdict).to_contain_text("Ce n'est pas le code-barres d'une confirmation")

        # The next paper, then « Annuler » on it: the status comes back, the focus too.
        scanner(page, f"{second}-V1")
        expect(verdict).to_contain_text("enregistrée (version 1)")
        rows = page.locator("#guichet-derniers li")
        expect(rows).to_have_count(5)
        expect(rows.first).to_contain_text(second)
        expect(rows.first).to_contain_text("Reçue")
        check_state(page)
        page.get_by_role("button", name=f"Annuler le scan du dossier {second}").click()
        expect(verdict).to_contain_text("le dossier est revenu au statut « Pré-inscrit")
        expect(rows.first).to_contain_text("Annulé")
        undo = page.get_by_role("button", name=f"Annuler le scan du dossier {second}")
        expect(undo).to_have_count(0)
        expect(field).to_be_focused()
        assert staff_get(site_url, f"dossiers/{second}")["suivi"]["statut"] == "pre-inscrit"

        # A scanner typing while the focus is on the page, not on a control: the field gets it.
        page.locator("#guichet-titre").click()
        scanner(page, f"{second}-V1")
        expect(verdict).to_contain_text("enregistrée (version 1)")
        expect(rows).to_have_count(6)
        check_state(page)

        # The last scans stay with a reload of the tab, and go at sign-out.
        page.reload()
        expect(page.locator("#guichet-derniers li")).to_have_count(6)
        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_role("button", name="End session").click()  # the provider's own page
        expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
        assert page.evaluate("() => sessionStorage.getItem('gestion-guichet')") is None
        assert problems == [], problems
