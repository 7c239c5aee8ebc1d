"""Issue 26, items 5, 6 and 10, in Chromium: a signed confirmation received by its barcode (the
scanner types the reference, then Enter) is recorded for its own version, or the page says to
ask for the new one; a definitive dossier modified since reads so and « définitive » is not
offered; the staff page's smaller faults (the header over « Retour à la liste », « Connecté(e) »
twice, internal field names in messages, the previous export's link, the site's search), with
axe, the keyboard and unique ids in each state at 1024 and 1280 px."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from handler.staff.auth import DEMO_STAFF_TOKEN
from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import ADMINISTRATION, staff_get
from tests.site.test_gestion_bureau import _send, candidate

WIDTHS = {"1024": {"width": 1024, "height": 700}, "1280": {"width": 1280, "height": 800}}


def staff_post(site_url: str, path: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(site_url + "api/staff/" + path,
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {DEMO_STAFF_TOKEN}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def at_version_3(site_url: str) -> str:
    """A dossier its candidate modified twice; its number."""
    dossier = candidate()
    numero = _send(site_url, "POST", "api/dossiers", dossier)
    for n in (3, 4):
        _send(site_url, "PUT", f"api/dossiers/{numero}",
              {**dossier, "contact": {**dossier["contact"], "adresse": f"{n} rue des Tanneurs"}})
    return numero


def check_state(page: Any) -> None:
    """axe finds nothing, and no id is given twice."""
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map((e) => e.id)")
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def scan(page: Any, reference: str) -> None:
    """A hand scanner: the reference typed in the reception box, then Enter."""
    page.get_by_role("link", name="Retour à la liste").click() if page.locator(
        "#detail").is_visible() else None
    field = page.get_by_label("Code-barres ou numéro de la confirmation reçue")
    field.fill(reference)
    field.press("Enter")


@pytest.mark.parametrize("largeur", WIDTHS, ids=WIDTHS.keys())
def test_a_paper_is_received_for_its_own_version(browser: Any, site_url: str,
                                                 largeur: str) -> None:
    from playwright.sync_api import expect

    numero = at_version_3(site_url)
    with signed_in_page(browser, site_url, viewport=WIDTHS[largeur]) as (page, problems):
        # The version 1 paper: said at once, and its reception refused.
        scan(page, f"{numero}-V1")
        expect(page.get_by_role("heading", name=f"Dossier {numero}")).to_be_visible()
        expect(page.locator("#detail-papier")).to_contain_text(
            "Papier de la version 1, dossier en version 3 : demander la nouvelle confirmation")
        check_state(page)
        page.locator("#statut-choix").get_by_label("Confirmation signée reçue").check()
        expect(page.get_by_label("Version imprimée sur la confirmation reçue")).to_have_value("1")
        page.get_by_role("button", name="Enregistrer le statut").click()
        error = page.locator("#statut-erreur")
        expect(error).to_contain_text("Papier de la version 1, dossier en version 3")
        assert staff_get(site_url, f"dossiers/{numero}")["suivi"]["historique"] == []
        # No version typed: a message that names the field as the page does.
        page.get_by_label("Version imprimée sur la confirmation reçue").fill("")
        page.get_by_role("button", name="Enregistrer le statut").click()
        expect(error).to_contain_text("Version de la confirmation reçue : Indiquez la version")
        assert "version_papier" not in error.inner_text()
        check_state(page)
        # The version 3 paper, typed as people type it: chosen for them, and recorded.
        scan(page, f"{numero.lower().replace('-', ' ')} v3")
        expect(page.locator("#detail-papier")).to_contain_text(
            "Confirmation papier de la version 3, la version actuelle du dossier")
        received = page.locator("#statut-choix").get_by_label("Confirmation signée reçue")
        expect(received).to_be_checked()
        page.get_by_role("button", name="Enregistrer le statut").click()
        expect(page.locator("#statut-message")).to_have_text(
            "Statut enregistré : Confirmation signée reçue. Le candidat a été prévenu par "
            "courriel.")
        (entry,) = staff_get(site_url, f"dossiers/{numero}")["suivi"]["historique"]
        assert (entry["version_dossier"], entry["version_papier"]) == (3, 3)
        check_state(page)
        # A reference nobody holds: its message, no form.
        scan(page, "0000-0000-0-V1")
        expect(page.locator("#detail-erreur")).to_contain_text("Aucun dossier ne porte ce numéro")
        expect(page.locator("#detail-contenu")).to_be_hidden()
        check_state(page)
        assert problems == [], problems


def test_a_definitive_dossier_modified_since_is_shown_so_and_definitive_not_offered(
        browser: Any, site_url: str) -> None:
    from playwright.sync_api import expect

    dossier = candidate()
    numero = _send(site_url, "POST", "api/dossiers", dossier)
    staff_post(site_url, f"dossiers/{numero}/suivi", {
        "statut": "confirmation-recue", "version": 1, "revision": 0, "version_papier": 1})
    staff_post(site_url, f"dossiers/{numero}/suivi", {
        "statut": "definitive", "version": 1, "revision": 1})
    _send(site_url, "PUT", f"api/dossiers/{numero}",
          {**dossier, "contact": {**dossier["contact"], "adresse": "9 rue des Tanneurs"}})
    with signed_in_page(browser, site_url) as (page, problems):
        page.get_by_label("Nom, prénom ou numéro").fill(numero)
        row = page.locator("#liste-corps tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Modifié après réception de la confirmation")
        assert row.inner_text().count("Modifié après réception") == 1
        page.get_by_role("button", name=f"Ouvrir le dossier {numero}").click()
        expect(page.locator("#detail-resume")).to_contain_text(
            "Modifié après réception de la confirmation (nouvelle confirmation attendue)")
        choices = page.locator("#statut-choix")
        expect(choices).to_contain_text("Confirmation signée reçue")
        expect(choices.get_by_label("Inscription définitive")).to_have_count(0)
        assert problems == [], problems


@pytest.mark.parametrize("largeur", WIDTHS, ids=WIDTHS.keys())
def test_the_staff_page_s_smaller_faults(browser: Any, site_url: str, largeur: str) -> None:
    from playwright.sync_api import expect

    numero = at_version_3(site_url)
    with signed_in_page(browser, site_url, ADMINISTRATION, viewport=WIDTHS[largeur],
                        accept_downloads=True) as (page, problems):
        # Who is signed in, once; no site search that would find pages, not dossiers.
        expect(page.locator("#role")).to_have_text("administration")
        assert page.locator("body").inner_text().count("Connecté(e)") == 1
        assert page.locator(".md-search").count() == 0
        expect(page.locator('.md-header label[for="__search"]')).to_be_hidden()
        check_state(page)

        # A filter error says the field as the page labels it, each sentence once.
        page.get_by_label("Nom, prénom ou numéro").fill(numero)
        page.locator("#cree_du").fill("2020-12-31")
        page.locator("#cree_au").fill("2020-11-01")
        filters_error = page.locator("#filtres-erreur")
        expect(filters_error).to_contain_text("Créé du :")
        assert "cree_du" not in filters_error.inner_text()
        check_state(page)
        page.locator("#cree_du").fill("")
        page.locator("#cree_au").fill("")
        expect(page.locator("#liste-corps tr")).to_have_count(1)

        # Opened from the foot of the page, by the keyboard: the way back in sight, under
        # the sticky header, and the next Tab reaches it.
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.get_by_role("button", name=f"Ouvrir le dossier {numero}").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name=f"Dossier {numero}")).to_be_visible()
        page.keyboard.press("Tab")
        back = page.get_by_role("link", name="Retour à la liste")
        expect(back).to_be_focused()
        header = page.locator(".md-header").bounding_box()
        box = back.bounding_box()
        assert box["y"] >= header["y"] + header["height"], (box, header)

        # An erasure typed wrong: one sentence, no internal name.
        page.get_by_label("Recopiez le numéro d'inscription pour confirmer").fill("0000-0000-0")
        page.get_by_role("button", name="Effacer définitivement ce dossier").click()
        erasure_error = page.locator("#effacement-erreur")
        expect(erasure_error).to_be_visible()
        text = erasure_error.inner_text()
        assert "confirmation :" not in text
        sentences = [s for s in text.split(". ") if s]
        assert len(sentences) == len(set(sentences)), text
        check_state(page)
        back.click()

        # A new export takes the previous one's link away at once.
        zip_button = page.get_by_role("button", name="Exporter les dossiers et confirmations (ZIP)")
        zip_button.click()
        link = page.locator("#export-etat a")
        expect(link).to_be_visible(timeout=60_000)
        old = link.get_attribute("href")
        zip_button.click()
        expect(page.locator(f'#export-etat a[href="{old}"]')).to_have_count(0, timeout=1_000)
        expect(link).to_be_visible(timeout=60_000)
        check_state(page)
        assert problems == [], problems
