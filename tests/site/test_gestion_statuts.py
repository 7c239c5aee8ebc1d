"""Issue 27, in Chromium: the list filters on several statuses at once (a group of boxes), kept in
the list's address, so that a reload shows the same list; axe finds nothing."""

from __future__ import annotations

import re
import secrets
import string
from typing import Any

from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion_bureau import _send, candidate
from tests.site.test_gestion_reception import staff_post


def test_two_statuses_at_once_kept_in_the_address(browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    nom = "Statuts" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    received, waiting, refused = (
        _send(site_url, "POST", "api/dossiers", candidate(**{"etat_civil.nom_naissance": nom}))
        for _ in range(3))
    staff_post(site_url, f"dossiers/{received}/suivi", {
        "statut": "confirmation-recue", "version": 1, "revision": 0, "version_papier": 1})
    staff_post(site_url, f"dossiers/{refused}/suivi", {
        "statut": "refuse", "version": 1, "revision": 0, "note": "Hors délai."})
    with signed_in_page(browser, site_url) as (page, problems):
        page.get_by_label("Nom, prénom ou numéro").fill(nom)
        rows = page.locator("#liste-corps tr")
        expect(rows).to_have_count(3)
        filters = page.locator("#statut")
        filters.get_by_label("Confirmation signée reçue").check()
        expect(rows).to_have_count(1)
        filters.get_by_label("Dossier refusé").check()
        expect(rows).to_have_count(2)
        expect(page.locator("#liste-corps")).not_to_contain_text(waiting)
        expect(page).to_have_url(re.compile(
            r"statut=confirmation-recue&statut=refuse"))
        assert axe_results(page).violations_count == 0
        page.reload()
        expect(page.locator("#liste-corps tr")).to_have_count(2)
        expect(page.locator("#statut").get_by_label("Dossier refusé")).to_be_checked()
        expect(page.locator("#statut").get_by_label("Pré-inscrit")).not_to_be_checked()
        assert problems == [], problems
