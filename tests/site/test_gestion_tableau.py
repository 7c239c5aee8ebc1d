"""Issue 27, in Chromium: the dashboard at gestion.html#/tableau shows the server's figures,
one table per rubric, with the papers expected and received and a CSV of the same numbers;
axe finds nothing."""

from __future__ import annotations

from typing import Any

from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import staff_get, submit


def test_the_dashboard_shows_the_servers_figures(browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    submit(site_url)
    figures = staff_get(site_url, "tableau")
    with signed_in_page(browser, site_url) as (page, problems):
        page.goto(f"{site_url}gestion.html#/tableau")
        expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
        expect(page.locator("#tableau-total")).to_contain_text("en tout")
        total = figures["total"]
        assert page.locator("#tableau-total").inner_text().replace("\u202f", "").startswith(
            str(total))
        for caption in ("Dossiers par statut", "Dossiers par spécialité",
                        "Dossiers par département de résidence", "Dossiers par jour de création"):
            expect(page.get_by_role("table", name=caption)).to_be_visible()
        statuts = page.get_by_role("table", name="Dossiers par statut")
        pre = next(r for r in figures["par_statut"] if r["code"] == "pre-inscrit")
        expect(statuts.get_by_role("row", name=pre["libelle"])).to_contain_text(
            f"{pre['nombre']:,}".replace(",", "\u202f"))
        expect(page.locator("#tableau-papiers")).to_contain_text("Confirmations signées :")
        assert axe_results(page).violations_count == 0
        # The CSV link goes to the same figures.
        assert page.get_by_role("link", name="Télécharger ces chiffres (CSV pour Excel)") \
            .get_attribute("href") == "/api/staff/tableau.csv"
        fichier = page.request.get(f"{site_url}api/staff/tableau.csv")  # the session's cookie
        assert fichier.status == 200
        assert fichier.text().lstrip("\ufeff").startswith("Rubrique;Code;Libellé;Nombre")
        # Back to the list by its link.
        page.get_by_role("link", name="Dossiers", exact=True).click()
        expect(page.get_by_role("heading", name="Rechercher des dossiers")).to_be_visible()
        expect(page.locator("#vue-tableau")).to_be_hidden()
        assert problems == [], problems
