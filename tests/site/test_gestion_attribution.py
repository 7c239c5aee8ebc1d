"""Issue 27, in Chromium: the list shows the birth date and the agent a dossier is assigned to,
finds a dossier by its phone typed any way and by its email, filters « aménagement demandé »
and « mes dossiers » (kept in the page's address); a dossier is taken with « M'attribuer ce
dossier » and given to a colleague from its page; axe finds nothing."""

from __future__ import annotations

import json
import secrets
import urllib.request
from typing import Any

from tests.factories import make_dossier
from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import ADMINISTRATION, GESTION, staff_get


def submit_contact(site_url: str) -> tuple[str, str, str]:
    """A new candidate asking for accommodations, with an address and a phone of their own:
    (number, email, phone as stored)."""
    suffix = "".join(secrets.choice("0123456789") for _ in range(8))
    email, phone = f"candidat.{suffix}@exemple.fr", f"06{suffix}"
    body = json.dumps(make_dossier({
        "etat_civil.nom_naissance": "Attribue" + "".join(chr(97 + int(c)) for c in suffix),
        "contact.email": email,
        "contact.telephone": phone, "amenagement.demande": True})).encode()
    request = urllib.request.Request(site_url + "api/dossiers", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["numero"]), email, phone


def _row(page: Any, numero: str) -> Any:
    return page.locator("#liste-corps tr").filter(has=page.get_by_role(
        "button", name=f"Ouvrir le dossier {numero}"))


def test_a_dossier_found_by_its_phone_is_assigned_and_filtered(browser: Any,
                                                              site_url: str) -> None:
    from playwright.sync_api import expect

    numero, email, phone = submit_contact(site_url)
    spaced = "+33 " + phone[1] + " " + " ".join(phone[i:i + 2] for i in range(2, 10, 2))
    with signed_in_page(browser, site_url) as (page, problems):
        headers = page.locator("#liste thead th").all_inner_texts()
        # After the selection's box, the number, the names and the first names.
        assert headers[4] == "Date de naissance" and "Attribué à" in headers
        page.get_by_label("Nom, prénom ou numéro").fill(spaced)
        row = _row(page, numero)
        expect(row).to_be_visible()
        expect(page.locator("#liste-corps tr")).to_have_count(1)
        cells = row.locator("td").all_inner_texts()
        assert cells[headers.index("Date de naissance")] == "17/05/1998"
        assert cells[headers.index("Attribué à")] == "Personne"
        expect(row).to_contain_text("Aménagement d'épreuves demandé")
        # By its email too, any case.
        page.get_by_label("Nom, prénom ou numéro").fill(
            email.upper())
        expect(page.locator("#liste-corps tr")).to_have_count(1)
        expect(_row(page, numero)).to_be_visible()
        assert axe_results(page).violations_count == 0

        # Taken from its page.
        _row(page, numero).get_by_role("button", name=f"Ouvrir le dossier {numero}").click()
        expect(page.locator("#attribution-actuelle")).to_have_text("Dossier attribué à personne.")
        page.get_by_role("button", name="M'attribuer ce dossier").click()
        expect(page.locator("#attribution-message")).to_have_text(f"Dossier attribué à {GESTION}.")
        expect(page.locator("#attribution-actuelle")).to_contain_text(f"Attribué à {GESTION}")
        expect(page.get_by_role("button", name="M'attribuer ce dossier")).to_be_hidden()
        assert page.get_by_label("Attribuer ce dossier à").input_value() == GESTION
        assert axe_results(page).violations_count == 0
        assert staff_get(site_url, f"dossiers/{numero}")["attribution"]["agent"] == GESTION

        # « Mes dossiers » and « aménagement demandé », kept in the list's address.
        page.get_by_role("link", name="← Retour à la liste").click()
        page.get_by_label("Nom, prénom ou numéro").fill("")
        page.get_by_label("Attribution").select_option("moi")
        page.get_by_label("Aménagement d'épreuves demandé").check()
        expect(page).to_have_url(f"{site_url}gestion.html#/?attribution=moi&amenagement=demande")
        expect(_row(page, numero)).to_be_visible()
        cells = _row(page, numero).locator("td").all_inner_texts()
        assert cells[headers.index("Attribué à")] == GESTION
        listed = staff_get(site_url, "dossiers?amenagement=demande&par_page=200")["dossiers"]
        assert all(d["amenagement_demande"] for d in listed)
        page.reload()
        expect(page.get_by_label("Aménagement d'épreuves demandé")).to_be_checked()
        assert page.get_by_label("Attribution").input_value() == "moi"
        expect(_row(page, numero)).to_be_visible()

        # Given to a colleague: no longer among « mes dossiers ».
        _row(page, numero).get_by_role("button", name=f"Ouvrir le dossier {numero}").click()
        page.get_by_label("Attribuer ce dossier à").select_option(ADMINISTRATION)
        page.get_by_role("button", name="Enregistrer l'attribution").click()
        expect(page.locator("#attribution-message")).to_have_text(
            f"Dossier attribué à {ADMINISTRATION}.")
        expect(page.get_by_role("button", name="M'attribuer ce dossier")).to_be_visible()
        page.get_by_role("link", name="← Retour à la liste").click()
        expect(page.locator("#liste-legende")).to_be_visible()
        expect(_row(page, numero)).to_have_count(0)
        assert problems == [], problems
