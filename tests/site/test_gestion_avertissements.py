"""The postcode warnings on the staff page, in Chromium: the list row says in words that the
residence needs checking and whether the candidate confirmed it; the dossier shows the warning
the candidate was shown, in the rules' own words, « confirmé par le candidat » or not."""

from __future__ import annotations

import secrets
import string
from typing import Any

import shared_rules
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion_bureau import _axe, _send, candidate


def test_the_postcode_warnings_show_in_the_list_and_in_the_dossier(
        browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    nom = "Avert" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    confirmed = candidate(**{"etat_civil.nom_naissance": nom, "contact.code_postal": "16000",
                             "contact.confirmation_residence": True})
    unconfirmed = candidate(**{"etat_civil.nom_naissance": nom, "contact.code_postal": "19100"})
    plain = candidate(**{"etat_civil.nom_naissance": nom})
    numeros = {key: _send(site_url, "POST", "api/dossiers", dossier) for key, dossier in
               (("confirmed", confirmed), ("unconfirmed", unconfirmed), ("plain", plain))}
    (message_confirmed,) = shared_rules.warnings(confirmed)["contact.code_postal"]
    (message_unconfirmed,) = shared_rules.warnings(unconfirmed)["contact.code_postal"]
    assert shared_rules.warnings(plain) == {}
    with signed_in_page(browser, site_url) as (page, problems):
        page.get_by_label("Nom, prénom ou numéro").fill(nom.lower())
        expect(page.locator("#liste-legende")).to_have_text("3 dossiers trouvés, page 1 sur 1")

        def row(key: str) -> Any:
            return page.locator("#liste-corps tr").filter(
                has=page.get_by_role("button", name=f"Ouvrir le dossier {numeros[key]}"))

        expect(row("confirmed").locator(".gestion-marque")).to_have_text(
            "Résidence à vérifier : confirmée par le candidat")
        expect(row("unconfirmed").locator(".gestion-marque")).to_have_text(
            "Résidence à vérifier : non confirmée par le candidat")
        expect(row("plain").locator(".gestion-marque")).to_have_count(0)
        expect(row("plain")).not_to_contain_text("Résidence à vérifier")
        _axe(page)

        row("confirmed").get_by_role("button").click()
        expect(page.get_by_role("heading", name=f"Dossier {numeros['confirmed']}")).to_be_visible()
        expect(page.locator("#detail-avertissements")).to_have_text(
            "Avertissement montré au candidat (confirmé par le candidat) : "
            f"« {message_confirmed} »")
        _axe(page)

        page.goto(f"{site_url}gestion.html#/dossier/{numeros['unconfirmed']}")
        heading = page.get_by_role("heading", name=f"Dossier {numeros['unconfirmed']}")
        expect(heading).to_be_visible()
        expect(page.locator("#detail-avertissements")).to_have_text(
            "Avertissement montré au candidat (non confirmé par le candidat) : "
            f"« {message_unconfirmed} »")

        page.goto(f"{site_url}gestion.html#/dossier/{numeros['plain']}")
        expect(page.get_by_role("heading", name=f"Dossier {numeros['plain']}")).to_be_visible()
        expect(page.locator("#detail-avertissements")).to_be_hidden()
        expect(page.locator("#detail-avertissements")).to_be_empty()
        assert problems == [], problems
