"""Issue 26, items 1 and 2, in Chromium: every view of the staff page is rendered from scratch.
A success message belongs to the dossier it was given for; a number nobody holds shows its
message alone, loaded fresh or after another dossier, and no form that could change the dossier
shown before."""

from __future__ import annotations

from typing import Any

from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import staff_get, submit


def test_a_success_message_stays_with_its_dossier(browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    first, second = submit(site_url), submit(site_url)
    with signed_in_page(browser, site_url) as (page, problems):
        page.goto(f"{site_url}gestion.html#/dossier/{first}")
        expect(page.get_by_role("heading", name=f"Dossier {first}")).to_be_visible()
        page.locator("#statut-choix").get_by_label("Confirmation signée reçue").check()
        page.get_by_label("Version imprimée sur la confirmation reçue").fill("1")
        page.get_by_role("button", name="Enregistrer le statut").click()
        expect(page.locator("#statut-message")).to_have_text(
            "Statut enregistré : Confirmation signée reçue. Le candidat a été prévenu par "
            "courriel.")
        page.get_by_role("link", name="Retour à la liste").click()
        page.goto(f"{site_url}gestion.html#/dossier/{second}")
        expect(page.get_by_role("heading", name=f"Dossier {second}")).to_be_visible()
        expect(page.locator("#detail-resume")).to_contain_text("Pré-inscrit")
        expect(page.locator("#statut-message")).to_be_empty()
        assert problems == [], problems


def test_an_unknown_number_shows_its_message_alone_and_changes_nothing(
        browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    known = submit(site_url)
    unknown = "0000-0000-0"
    with signed_in_page(browser, site_url) as (page, problems):
        # Loaded fresh: the message, not a blank page.
        page.goto(f"{site_url}gestion.html#/dossier/{unknown}")
        expect(page.locator("#detail-erreur")).to_be_visible()
        expect(page.locator("#detail-erreur")).to_contain_text("Aucun dossier ne porte ce numéro")
        expect(page.locator("#detail-contenu")).to_be_hidden()
        # After a known dossier: nothing of it stays on screen, no form to save.
        page.goto(f"{site_url}gestion.html#/dossier/{known}")
        expect(page.get_by_role("heading", name=f"Dossier {known}")).to_be_visible()
        expect(page.locator("#detail-contenu")).to_be_visible()
        page.goto(f"{site_url}gestion.html#/dossier/{unknown}")
        expect(page.get_by_role("heading", name=f"Dossier {unknown}")).to_be_visible()
        expect(page.locator("#detail-erreur")).to_contain_text("Aucun dossier ne porte ce numéro")
        expect(page.locator("#detail-contenu")).to_be_hidden()
        expect(page.get_by_role("button", name="Enregistrer le statut")).to_be_hidden()
        assert staff_get(site_url, f"dossiers/{known}")["suivi"]["historique"] == []
        assert problems == [], problems
