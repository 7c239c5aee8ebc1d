"""Issue 27, in Chromium: for the administration role, a squatted dossier handed back from its
page, and the audit log at gestion.html#/journal, where the day's erasures and hand-backs show
and a number typed is matched by its fingerprint; neither is offered to a gestion account. axe
finds nothing."""

from __future__ import annotations

from typing import Any

from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import ADMINISTRATION, GESTION, staff_get, submit
from tests.site.test_gestion_reception import staff_post

OWNER = "proprietaire.verifie@exemple.fr"


def check_state(page: Any) -> None:
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()


def test_hand_back_from_the_page_then_read_the_days_log(browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    squatted, erased = submit(site_url), submit(site_url)
    staff_post(site_url, f"dossiers/{erased}/effacement", {"confirmation": erased})
    with signed_in_page(browser, site_url, ADMINISTRATION) as (page, problems):
        page.goto(f"{site_url}gestion.html#/dossier/{squatted}")
        heading = page.get_by_role("heading", name="Rendre ce dossier à son propriétaire")
        expect(heading).to_be_visible()
        page.get_by_label("Remplacer l'adresse électronique du dossier").check()
        page.get_by_label("Adresse électronique du propriétaire (vérifiée)").fill(OWNER)
        page.get_by_label("Numéro d'inscription recopié, pour confirmer la restitution").fill(
            squatted)
        check_state(page)
        page.get_by_role("button", name="Rendre le dossier").click()
        expect(page.locator("#restitution-message")).to_contain_text(
            "Restitution faite (adresse électronique remplacée), journalisée.")
        assert staff_get(site_url, f"dossiers/{squatted}")["dossier"]["contact"]["email"] == OWNER

        page.get_by_role("link", name="Journal d'audit").click()
        expect(page.get_by_role("heading", name="Journal d'audit")).to_be_visible()
        rows = page.locator("#journal-corps tr")
        expect(rows.filter(has_text="Restitution d'un dossier usurpé")).not_to_have_count(0)
        expect(rows.filter(has_text="Effacement (RGPD)")).not_to_have_count(0)
        check_state(page)
        page.get_by_label("Numéro d'inscription (facultatif)").fill(erased)
        page.get_by_role("button", name="Afficher").click()
        expect(page.locator("#journal-legende")).to_contain_text(f"1 concernant le numéro {erased}")
        marked = rows.filter(has_text="Ce numéro")
        expect(marked).to_have_count(1)
        expect(marked).to_contain_text("Effacement (RGPD)")
        check_state(page)
        assert problems == [], problems


def test_a_gestion_account_is_offered_neither(browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    numero = submit(site_url)
    with signed_in_page(browser, site_url, GESTION) as (page, problems):
        expect(page.get_by_role("link", name="Journal d'audit")).to_be_hidden()
        page.goto(f"{site_url}gestion.html#/dossier/{numero}")
        expect(page.get_by_role("heading", name=f"Dossier {numero}")).to_be_visible()
        expect(page.locator("#restitution-bloc")).to_be_hidden()
        assert problems == [], problems
