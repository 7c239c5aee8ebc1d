"""Issue 27, in Chromium: in the export block, the agent checks the spreadsheets' columns and
saves the choice, which is there again after a reload (kept by the server, not the browser);
the spreadsheet follows it; « Confirmations à imprimer (PDF) » is followed to its one PDF, whose
link downloads a PDF holding each confirmation of the list. axe finds nothing."""

from __future__ import annotations

import io
import json
import secrets
import string
import urllib.request
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from tests.factories import make_dossier
from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page


def submit_family(site_url: str, famille: str, prenoms: list[str]) -> list[str]:
    numeros = []
    for prenom in prenoms:
        body = json.dumps(make_dossier({"etat_civil.nom_naissance": famille,
                                        "etat_civil.prenoms": [prenom]})).encode()
        request = urllib.request.Request(site_url + "api/dossiers", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            numeros.append(json.loads(response.read())["numero"])
    return numeros


def test_the_columns_chosen_stay_after_a_reload_and_the_pdf_to_print_downloads(
        browser: Any, site_url: str) -> None:
    famille = "Impression" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    numeros = submit_family(site_url, famille, ["Anne", "Bruno"])
    with signed_in_page(browser, site_url, accept_downloads=True) as (page, problems):
        try:
            choose_print_and_check(page, site_url, famille, numeros)
        finally:
            # The demonstration account is the other browser tests' too: every column again.
            page.request.put(f"{site_url}api/staff/preferences", data=json.dumps(
                {"colonnes": None}), headers={"Content-Type": "application/json",
                                              "Origin": site_url.rstrip("/")})
        assert problems == [], problems


def choose_print_and_check(page: Any, site_url: str, famille: str, numeros: list[str]) -> None:
    """The columns chosen, saved, found again after a reload and followed by the CSV; the PDF
    to print asked, followed and downloaded."""
    from playwright.sync_api import expect

    choix = page.locator("#colonnes-export")
    choix.locator("summary").click()
    expect(page.get_by_label("Nom de naissance", exact=True)).to_be_checked()
    page.get_by_role("button", name="Tout décocher").click()
    for libelle in ("Numéro d'inscription", "Nom de naissance", "Prénoms"):
        page.get_by_label(libelle, exact=True).check()
    expect(page.locator("#colonnes-resume")).to_have_text("3 sur 38")
    assert axe_results(page).violations_count == 0
    page.get_by_role("button", name="Enregistrer ce choix").click()
    expect(page.locator("#colonnes-etat")).to_have_text(
        "Choix enregistré\u00a0: 3 colonne(s) sur 38.")

    page.reload()
    expect(page.locator("#gestionnaire")).to_be_visible()
    expect(page.locator("#colonnes-resume")).to_have_text("3 sur 38")
    page.locator("#colonnes-export summary").click()
    expect(page.get_by_label("Nom de naissance", exact=True)).to_be_checked()
    expect(page.get_by_label("Sexe", exact=True)).not_to_be_checked()

    page.get_by_label("Nom, prénom ou numéro").fill(famille)
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#liste-legende")).to_have_text("2 dossiers trouvés, page 1 sur 1")
    with page.expect_download() as fichier:
        page.get_by_role("button", name="Exporter en CSV (Excel)").click()
    header = Path(fichier.value.path()).read_text("utf-8-sig").splitlines()[0]
    assert header.split(";")[:3] == ["Numéro d'inscription", "Nom de naissance", "Prénom 1"]
    assert "Sexe" not in header

    page.get_by_role("button", name="Confirmations à imprimer (PDF)").click()
    link = page.locator("#export-etat a")
    expect(link).to_be_visible(timeout=60_000)
    expect(page.locator("#export-etat")).to_contain_text(
        "Export PDF des confirmations de 2 dossier(s) prêt")
    # (Before the link is clicked: once hovered, it takes the theme's accent colour.)
    assert axe_results(page).violations_count == 0
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("confirmations-")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data), strict=True)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert all(numero in text for numero in numeros)
    # Back to every column from the page, as an agent would (the choice is still open).
    page.get_by_role("button", name="Tout cocher").click()
    page.get_by_role("button", name="Enregistrer ce choix").click()
    expect(page.locator("#colonnes-etat")).to_have_text(
        "Choix enregistré\u00a0: toutes les colonnes.")
