"""Issue 27, in Chromium: a private note added on a dossier's page shows with its author and
time, keeps its line breaks, is refused empty with a French message, and is not offered to a
reading account; axe finds nothing."""

from __future__ import annotations

from typing import Any

from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import staff_get, submit


def test_a_private_note_is_added_from_the_dossiers_page(browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    numero = submit(site_url)
    with signed_in_page(browser, site_url) as (page, problems):
        page.goto(f"{site_url}gestion.html#/dossier/{numero}")
        expect(page.get_by_role("heading", name=f"Dossier {numero}")).to_be_visible()
        expect(page.locator("#notes-liste")).to_have_text("Aucune note pour l'instant.")
        page.get_by_role("button", name="Ajouter la note").click()
        expect(page.locator("#note-interne-erreur")).to_contain_text("Écrivez la note.")
        page.get_by_label("Nouvelle note interne").fill("Appelée le 3/11.\nEnvoie l'attestation.")
        page.get_by_role("button", name="Ajouter la note").click()
        expect(page.locator("#note-interne-message")).to_have_text("Note ajoutée.")
        expect(page.locator("#notes-liste li")).to_have_count(1)
        expect(page.locator("#notes-liste")).to_contain_text("Appelée le 3/11.")
        assert page.get_by_label("Nouvelle note interne").input_value() == ""
        assert axe_results(page).violations_count == 0
        (note,) = staff_get(site_url, f"dossiers/{numero}")["notes_internes"]
        assert note["texte"] == "Appelée le 3/11.\nEnvoie l'attestation."
        # Reloaded, the note is still there.
        page.reload()
        expect(page.locator("#notes-liste")).to_contain_text("Envoie l'attestation.")
        assert problems == [], problems
