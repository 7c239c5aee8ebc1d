"""« Espace gestionnaire » in a real browser, on the server `make run` starts: « Se connecter »
through the local run's OpenID Connect provider (its login form, a demonstration account), find
a dossier, change its status, download a CSV, sign out; no axe violation; not indexed, not
linked from the candidates' pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import secrets
import string
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handler.staff.auth import COOKIE, DEMO_STAFF_TOKEN
from handler.staff.oidc import DEMO_ACCOUNTS
from tests.factories import make_dossier
from tests.site.axe_check import axe_results
from tests.site.conftest import PAGES


def submit(site_url: str) -> str:
    """A new candidate through the API; their number."""
    nom = "Gestion" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    body = json.dumps(make_dossier({"etat_civil.nom_naissance": nom})).encode()
    request = urllib.request.Request(site_url + "api/dossiers", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["numero"])


GESTION, ADMINISTRATION = (next(e for e, r in DEMO_ACCOUNTS.items() if r == role)
                           for role in ("gestion", "administration"))


def se_connecter(page: Any, site_url: str, email: str) -> None:
    """« Se connecter », then the demonstration account on the provider's login form."""
    from playwright.sync_api import expect

    page.goto(site_url + "gestion.html", wait_until="networkidle")
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_role("button", name=email).click()
    page.wait_for_url(site_url + "gestion.html")
    expect(page.locator("#gestionnaire")).to_have_text(email)
    # The first list shown: its route sets the filters from the address, so typing before it
    # has come would be undone (a loaded machine takes its time).
    expect(page.locator("#liste-legende")).not_to_have_text("Aucune recherche pour l'instant.",
                                                            timeout=30_000)


def staff_get(site_url: str, path: str) -> Any:
    """A staff API answer, as a script gets it: the local run's demonstration token."""
    request = urllib.request.Request(site_url + "api/staff/" + path,
                                     headers={"Authorization": f"Bearer {DEMO_STAFF_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_staff_page_lists_a_dossier_changes_its_status_and_downloads_a_csv(
        browser: Any, site_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    numero = submit(site_url)
    # A browser elsewhere than Paris: the page shows the session's local time all the same.
    context = browser.new_context(locale="fr-FR", accept_downloads=True,
                                  timezone_id="America/Cayenne",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(site_url + "gestion.html", wait_until="networkidle")
        assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"

        assert page.get_by_label("Jeton d'accès").count() == 0  # the page takes no token
        se_connecter(page, site_url, GESTION)
        # Before: the page's first question (401, not signed in yet) and the provider's own
        # page (its stylesheet from the internet, its favicon); not this page's problems.
        problems.clear()
        expect(page.locator("#role")).to_have_text("gestion")
        # Chromium keeps the Secure __Host- cookie on http://127.0.0.1 (a secure context), and
        # no script of the page can read it; nothing is stored in the page.
        (cookie,) = [c for c in context.cookies() if c["name"] == COOKIE]
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert COOKIE not in page.evaluate("document.cookie")
        assert page.evaluate("sessionStorage.length + localStorage.length") == 0

        page.get_by_label("Nom, prénom ou numéro").fill(numero)
        page.get_by_role("button", name="Rechercher").click()
        expect(page.locator("#liste-legende")).to_have_text("1 dossier trouvé, page 1 sur 1")
        row = page.locator("#liste-corps tr")
        expect(row).to_contain_text("Pré-inscrit")

        page.get_by_role("button", name=f"Ouvrir le dossier {numero}").click()
        expect(page.get_by_role("heading", name=f"Dossier {numero}")).to_be_visible()
        page.locator("#statut-choix").get_by_label("Confirmation signée reçue").check()
        page.get_by_label("Version imprimée sur la confirmation reçue").fill("1")
        page.get_by_role("button", name="Enregistrer le statut").click()
        # The success shows beside the form, and stays.
        expect(page.locator("#statut-message")).to_have_text(
            "Statut enregistré : Confirmation signée reçue. Le candidat a été prévenu par "
            "courriel.")
        expect(page.locator("#detail-suivi")).to_contain_text(f"par {GESTION}")
        # The follow-up's history is stored in UTC and shown in Paris time.
        recorded = staff_get(site_url, f"dossiers/{numero}")["suivi"]["historique"][0]["le"]
        shown = dt.datetime.fromisoformat(recorded).astimezone(ZoneInfo("Europe/Paris"))
        expect(page.locator("#detail-suivi")).to_contain_text(
            f"{shown:%d/%m/%Y %H:%M} — Confirmation signée reçue")

        page.get_by_role("link", name="Retour à la liste").click()
        expect(row).to_contain_text("Confirmation signée reçue")
        with page.expect_download() as download:
            page.get_by_role("button", name="Exporter en CSV (Excel)").click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        assert target.name.startswith("dossiers-CAP-2021-06-") and target.suffix == ".csv"
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][:2] == ["Numéro d'inscription", "Statut"]
        assert [r[:2] for r in rows[1:]] == [[numero, "Confirmation signée reçue"]]

        # Incomplete: the candidate is emailed, and the detail says when.
        page.get_by_role("button", name=f"Ouvrir le dossier {numero}").click()
        page.locator("#statut-choix").get_by_label("Dossier incomplet").check()
        page.locator("#pieces-choix input").first.check()
        page.get_by_role("button", name="Enregistrer le statut").click()
        expect(page.locator("#statut-message")).to_contain_text(
            "Le candidat a été prévenu par courriel.")
        expect(page.locator("#detail-resume")).to_contain_text(
            re.compile(r"Courriel au candidat sur ce statut\s*envoyé le \d\d/\d\d/\d{4} \d\d:\d\d"))

        results = axe_results(page)
        assert results.violations_count == 0, results.generate_report()
        assert problems == [], problems
    finally:
        context.close()


def test_sign_out_ends_the_session_and_the_back_button_shows_no_dossier(
        browser: Any, site_url: str, artifacts: Path) -> None:
    from playwright.sync_api import expect

    numero = submit(site_url)
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    try:
        se_connecter(page, site_url, ADMINISTRATION)
        page.get_by_label("Nom, prénom ou numéro").fill(numero)
        page.get_by_role("button", name="Rechercher").click()
        expect(page.locator("#liste-corps")).to_contain_text(numero)
        (cookie,) = [c["value"] for c in context.cookies() if c["name"] == COOKIE]

        page.get_by_role("button", name="Se déconnecter").click()
        # The provider ends its own session, then sends the browser back to the page.
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(re.compile(re.escape(site_url + "gestion.html?deconnexion=1")))
        expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
        expect(page.locator("#annonce")).to_have_text("Vous êtes déconnecté(e).")
        assert [c for c in context.cookies() if c["name"] == COOKIE] == []
        page.screenshot(path=str(artifacts / "gestion-deconnecte.png"), full_page=True)
        results = axe_results(page)
        assert results.violations_count == 0, results.generate_report()

        page.go_back()
        page.go_back()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
        expect(page.locator("#espace")).to_be_hidden()
        assert numero not in page.content()

        # The old cookie, put back by hand, is refused: the session is over on the server.
        request = urllib.request.Request(site_url + "api/staff/moi",
                                         headers={"Cookie": f"{COOKIE}={cookie}"})
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError("the old session still answers")
        except urllib.error.HTTPError as refused:
            assert refused.code == 401
    finally:
        context.close()


def test_no_candidate_page_links_to_the_staff_page(built_site: Path) -> None:
    for name in PAGES:
        assert "gestion.html" not in (built_site / name).read_text(encoding="utf-8"), name
    index = json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))
    assert not [d for d in index["docs"] if d["location"].startswith("gestion.html")]


def test_a_zip_in_parts_is_offered_as_one_file_from_the_page(
        browser: Any, site_url: str, tmp_path: Path, monkeypatch: Any) -> None:
    """The page follows a job made in parts (one dossier a part here) to its single file."""
    import zipfile

    from playwright.sync_api import expect

    from handler.staff import jobs

    monkeypatch.setattr(jobs, "ZIP_PART", 1)  # the local server runs in this process
    famille = "Partie" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    numeros = []
    for prenom in ("Anne", "Bruno", "Chloé"):
        body = json.dumps(make_dossier({"etat_civil.nom_naissance": famille,
                                        "etat_civil.prenoms": [prenom]})).encode()
        request = urllib.request.Request(site_url + "api/dossiers", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            numeros.append(json.loads(response.read())["numero"])
    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    try:
        se_connecter(page, site_url, GESTION)
        page.get_by_label("Nom, prénom ou numéro").fill(famille)
        page.get_by_role("button", name="Rechercher").click()
        expect(page.locator("#liste-legende")).to_have_text("3 dossiers trouvés, page 1 sur 1")
        page.get_by_role("button", name="Exporter les dossiers et confirmations (ZIP)").click()
        link = page.locator("#export-etat a")
        expect(link).to_be_visible(timeout=60_000)
        expect(page.locator("#export-etat")).to_contain_text("Export ZIP de 3 dossier(s) prêt")
        with page.expect_download() as download:
            link.click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        names = zipfile.ZipFile(target).namelist()
        assert sorted(n.split("/")[0] for n in names if n.endswith("dossier.json")) == sorted(
            numeros)
        assert len(names) == 6
    finally:
        context.close()
