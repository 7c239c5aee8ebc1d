"""Issue 27, in Chromium: the bureau ends a dossier's workflow without erasing it, « Dossier
refusé » or « Classé sans suite », with the reason the candidate reads; the page asks for it."""

from __future__ import annotations

from typing import Any

from handler.staff import messages as staff_msg
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import staff_get, submit


def test_a_refusal_asks_its_reason_and_tells_the_candidate(browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    numero = submit(site_url)
    with signed_in_page(browser, site_url) as (page, problems):
        page.goto(f"{site_url}gestion.html#/dossier/{numero}")
        expect(page.get_by_role("heading", name=f"Dossier {numero}")).to_be_visible()
        note = page.get_by_label("Note pour le candidat", exact=False)
        expect(note).to_be_hidden()
        page.locator("#statut-choix").get_by_label("Dossier refusé").check()
        expect(note).to_be_visible()
        page.get_by_role("button", name="Enregistrer le statut").click()
        expect(page.locator("#statut-erreur")).to_contain_text(staff_msg.MOTIF_OBLIGATOIRE)
        note.fill("Vous résidez hors de l'académie.")
        page.get_by_role("button", name="Enregistrer le statut").click()
        expect(page.locator("#statut-message")).to_have_text(
            "Statut enregistré : Dossier refusé. Le candidat a été prévenu par courriel.")
        expect(page.locator("#detail-suivi")).to_contain_text(
            "Dossier refusé (version 1), par")
        # The end is kept, not erased; only « back to pré-inscrit » is offered from it.
        options = page.locator("input[name=nouveau-statut]")
        expect(options).to_have_count(1)
        expect(page.locator("#statut-choix").get_by_label(
            "Pré-inscrit (confirmation signée attendue)")).to_be_visible()
        suivi = staff_get(site_url, f"dossiers/{numero}")["suivi"]
        assert (suivi["statut"], suivi["note"]) == ("refuse", "Vous résidez hors de l'académie.")
        assert problems == [], problems
