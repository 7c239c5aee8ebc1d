"""Issue 28, in Chromium: on a dossier's page of the local stack with pieces returned online
(`make run RETOUR=en-ligne`), an agent views a deposited PDF in the page, refuses one piece
with a reason from the list and accepts another, by keyboard; the candidate's « mon dossier »
then shows the refusal; axe finds nothing.

The stack runs in its own process, as `make run` does: moto's state is per process, and a
second stack in this one would reset the bucket of the browser tests' shared stack."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from fpdf import FPDF

from handler.dossier import pieces
from handler.local_server import DEMO_STAFF_TOKEN
from tests.site.axe_check import axe_results
from tests.site.staff_session import signed_in_page
from tests.site.test_gestion import submit
from tests.televersement.flow import clamscan_or_fail

ROOT = Path(__file__).resolve().parents[2]
BORN = {"X-Date-Naissance": "1998-05-17"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def online_url(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The local run with pieces returned online, in a subprocess; its URL."""
    clamscan_or_fail()
    port = _free_port()
    outbox = tmp_path_factory.mktemp("courriels-en-ligne")
    process = subprocess.Popen(
        [sys.executable, "-m", "handler.local_server", "--port", str(port), "--site",
         str(built_site), "--courriels", str(outbox), "--retour", "en-ligne"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "api/session", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"the online local run didn't start:\n{output[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def a_pdf(text: str) -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=14)
    document.cell(text=text)
    return bytes(document.output())


def deposit(url: str, numero: str, code: str, content: bytes) -> None:
    """What « mon dossier » does: the form, the file straight to the bucket, the registration;
    then wait for the analysis."""
    base = f"{url}api/dossiers/{numero}/pieces"
    form = requests.post(f"{base}/{code}/formulaire", headers=BORN, timeout=10,
                         json={"type": "application/pdf", "taille": len(content)})
    assert form.status_code == 200, form.text
    answer = form.json()
    sent = requests.post(answer["url"], data=answer["champs"], timeout=10,
                         files={"file": ("piece.pdf", io.BytesIO(content))})
    assert sent.status_code in (200, 201, 204), sent.text
    registered = requests.post(f"{base}/{code}", json={"cle": answer["cle"]}, headers=BORN,
                               timeout=10)
    assert registered.status_code == 202, registered.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        listed = requests.get(base, headers=BORN, timeout=10).json()
        state = next(p["etat"] for p in listed["pieces"] if p["code"] == code)
        if state != "en_analyse":
            assert state == "deposee", listed
            return
        time.sleep(0.3)
    pytest.fail("the analysis didn't end")


def staff_pieces(url: str, numero: str) -> Any:
    request = urllib.request.Request(f"{url}api/staff/dossiers/{numero}/pieces",
                                     headers={"Authorization": f"Bearer {DEMO_STAFF_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def test_an_agent_views_a_pdf_refuses_one_piece_and_accepts_another(
        browser: Any, online_url: str) -> None:
    from playwright.sync_api import expect

    url = online_url
    numero = submit(url)
    deposit(url, numero, pieces.CONFIRMATION, a_pdf("Confirmation signee"))
    deposit(url, numero, "piece-identite", a_pdf("Carte d'identite"))
    # The page's policy lets it frame the bucket's links, and only those.
    policy = requests.get(url + "gestion.html", timeout=10).headers["Content-Security-Policy"]
    link = staff_pieces(url, numero)["pieces"][0]["fichier"]["url"]
    origin = "/".join(link.split("/")[:3])
    assert f"frame-src 'self' {origin}" in policy and f"img-src 'self' data: {origin}" in policy
    with signed_in_page(browser, url) as (page, problems):
        refused_by_policy: list[str] = []
        page.on("console", lambda m: refused_by_policy.append(m.text)
                if "Content Security Policy" in m.text else None)
        # At volume: the list's filter finds the dossiers whose pieces wait, with their count.
        filtre = page.get_by_label("Avec des pièces déposées à examiner")
        expect(filtre).to_be_visible()
        filtre.check()
        ligne = page.locator("#liste-corps tr").filter(
            has=page.get_by_role("button", name=f"Ouvrir le dossier {numero}"))
        expect(ligne.locator(".gestion-marque").filter(has_text="à examiner")).to_have_text(
            "2 pièces déposées à examiner")
        assert axe_results(page).violations_count == 0
        page.goto(f"{url}gestion.html#/dossier/{numero}")
        bloc = page.locator("#pieces-bloc")
        expect(bloc.get_by_role("heading", name="Pièces déposées en ligne")).to_be_visible()
        identite = page.locator("#piece-en-ligne-piece-identite")
        expect(identite).to_contain_text("État : déposée")
        # The PDF, viewed in the page from its presigned link.
        # (Waited for by its response, not `networkidle`: Chromium's PDF viewer in the frame
        # may keep the page from ever reporting it.)
        with page.expect_response(lambda r: r.url.startswith(origin) and ".pdf?" in r.url) as pdf:
            identite.get_by_role("button", name="Afficher le fichier").click()
        assert pdf.value.status == 200
        frame = identite.locator("iframe")
        expect(frame).to_be_visible()
        assert frame.get_attribute("src").startswith(origin)
        expect(identite.get_by_role("button", name="Masquer le fichier")).to_be_visible()
        assert refused_by_policy == [], refused_by_policy
        assert axe_results(page).violations_count == 0
        # Refuse the identity piece by keyboard: the reason from the list, then « Refuser ».
        motif = identite.get_by_label("Motif du refus")
        motif.focus()
        motif.select_option("illisible")
        identite.get_by_label("Autre motif, ou précision").focus()
        page.keyboard.type("photo floue")
        page.keyboard.press("Tab")
        expect(identite.get_by_role("button", name="Refuser")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#pieces-message")).to_contain_text("refusée")
        identite = page.locator("#piece-en-ligne-piece-identite")
        expect(identite).to_contain_text("refusée : illisible : photo floue")
        expect(page.locator("#pieces-courriel")).to_contain_text("Courriel des refus")
        expect(page.locator("#piece-en-ligne-piece-identite-titre")).to_be_focused()
        # The follow-up followed: « incomplet ».
        expect(page.locator("#detail-resume")).to_contain_text("Dossier incomplet")
        # Accept the signed confirmation.
        confirmation = page.locator(f"#piece-en-ligne-{pieces.CONFIRMATION}")
        confirmation.get_by_role("button", name="Accepter").focus()
        page.keyboard.press("Enter")
        expect(confirmation).to_contain_text("État : acceptée")
        expect(page.locator("#pieces-message")).to_contain_text("acceptée")
        # The « dossier complet »: made on demand, one accepted piece of the four asked.
        bloc.get_by_role("button", name="Dossier complet (PDF)").click()
        lien = page.locator("#pieces-complet-lien")
        expect(lien).to_be_focused()
        expect(lien).to_have_text("Ouvrir le dossier, incomplet : 1 pièce acceptée sur 4")
        complet = requests.get(lien.get_attribute("href"), timeout=10)
        assert complet.status_code == 200 and complet.content.startswith(b"%PDF")
        assert axe_results(page).violations_count == 0
        assert problems == [], problems
        assert refused_by_policy == [], refused_by_policy
    shown = {p["code"]: p for p in staff_pieces(url, numero)["pieces"]}
    assert shown["piece-identite"]["motif"] == "illisible : photo floue"
    assert shown[pieces.CONFIRMATION]["etat"] == "acceptee"
    # « Mon dossier » shows the refusal and its reason to the candidate.
    mine = requests.get(f"{url}api/dossiers/{numero}/pieces", headers=BORN, timeout=10).json()
    refused = next(p for p in mine["pieces"] if p["code"] == "piece-identite")
    assert (refused["etat_libelle"], refused["motif"]) == ("refusée", "illisible : photo floue")
