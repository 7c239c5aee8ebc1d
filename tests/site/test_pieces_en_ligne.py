"""« Mon dossier » in Chromium where the pieces come back online (issue 28): the owner uploads
a real PDF (« en cours d'analyse », then « déposée »), a file with the EICAR test signature
(refused: a virus), a file declared HEIC (the API's message saying how to send it), removes a
piece, all by keyboard too; axe checks the states at phone and desktop widths. A paper-only
session shows no such section."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from playwright.sync_api import expect

from handler.dossier import pieces
from handler.platform import messages as msg
from handler.platform.antivirus import EICAR
from tests.site.conftest import WIDTHS, served
from tests.site.parcours import Candidat, Identite, dossier_valide, nom_unique, texte
from tests.site.test_lien_acces import api
from tests.televersement.flow import clamscan_or_fail

Ouvrir = Callable[..., Candidat]
CONFIRMATION = pieces.CONFIRMATION
#: The example dossier's first required piece (tests/televersement/test_upload_loop.py).
IDENTITE = "piece-identite"


def un_pdf(texte_page: str = "Confirmation signee") -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=14)
    document.cell(text=texte_page)
    return bytes(document.output())


def _pile(built_site: Path, tmp_path_factory: pytest.TempPathFactory,
          retour: str) -> Iterator[str]:
    """The local run with pieces returned as `retour` says: ClamAV with the EICAR database."""
    from handler.local_server import LocalStack

    clamscan_or_fail()
    with served(LocalStack(site_dir=built_site, port=0, retour=retour,
                           clamav_dir=tmp_path_factory.mktemp("clamav"),
                           config={"SUBMISSIONS_PER_CLIENT": "1000"})) as url:
        yield url


@pytest.fixture(scope="module")
def site_en_ligne(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`--retour en-ligne`: online only."""
    yield from _pile(built_site, tmp_path_factory, "en_ligne")


@pytest.fixture(scope="module")
def site_deux_modes(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`--retour papier+en-ligne`: by post, or online."""
    yield from _pile(built_site, tmp_path_factory, "papier,en_ligne")


def dossier_ouvert(candidat: Ouvrir, url: str, largeur: int) -> tuple[Candidat, str]:
    """A new dossier, opened on « mon dossier » with its number and birth date."""
    nom = nom_unique("Piece")
    statut, cree = api(url, "dossiers", corps=dossier_valide(nom))
    assert statut == 201, cree
    c = candidat(largeur, page="mon-dossier.html", url=url)
    c.ouvrir_dossier(cree["numero"], Identite(nom, ["Marie-Ève"]))
    c.page.locator("#consultation:not([hidden])").wait_for()
    return c, str(cree["numero"])


def piece(c: Candidat, code: str) -> Any:
    return c.page.locator(f'li[data-piece="{code}"]')


def attendre_etat(c: Candidat, code: str, libelle: str) -> None:
    """Until the piece's state reads `libelle` (the page asks again while it is analysed)."""
    c.page.locator(f'li[data-piece="{code}"] .piece__etat strong',
                   has_text=re.compile(f"^{re.escape(libelle)}$")).wait_for(timeout=30_000)


def choisir(c: Candidat, code: str, nom: str, type_mime: str, contenu: bytes) -> None:
    piece(c, code).locator('input[type="file"]').set_input_files(
        files=[{"name": nom, "mimeType": type_mime, "buffer": contenu}])


def test_the_owner_deposits_pieces_and_sees_each_verdict(
    candidat: Ouvrir, site_en_ligne: str,
) -> None:
    c, numero = dossier_ouvert(candidat, site_en_ligne, WIDTHS["telephone"])
    page = c.page
    section = page.locator("#pieces-en-ligne")
    section.wait_for()
    page.locator(f'li[data-piece="{CONFIRMATION}"]').wait_for()
    assert texte(section.locator("h2")) == "Vos pièces à déposer"
    introduction = texte(section.locator("#pieces-en-ligne-introduction"))
    assert "en PDF, JPEG ou PNG, 10 Mo au plus" in introduction
    assert "par courrier" not in introduction  # online only: no choice to offer
    # Online only: the steps by post give way to the section; the PDF stays downloadable.
    retour = texte(page.locator("#consultation .retour"))
    assert "Joignez-y" not in retour and "Envoyez le tout" not in retour
    # The session's own words say how (shared_rules.pieces.consigne_en_ligne), with no link to
    # this very page.
    assert "se déposent en ligne, et non par courrier" in retour
    assert page.locator("#consultation [data-lien-depot]").is_hidden()
    assert page.get_by_role("button", name="Télécharger ma confirmation (PDF)").is_visible()
    confirmation = piece(c, CONFIRMATION)
    assert texte(confirmation.locator("h3")) == pieces.CONFIRMATION_LIBELLE
    assert texte(confirmation.locator(".piece__etat")) == "État : à déposer"
    champ = confirmation.get_by_label("Choisir un fichier")
    assert champ.get_attribute("accept") == (
        "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png")
    assert champ.get_attribute("capture") is None
    c.etat("28-pieces-a-deposer")
    # The birth date was exchanged once for an access proof: each request about the pieces
    # sends the proof (two reads in the API) instead of a counted birth-date check.
    entetes: list[tuple[str, dict[str, str]]] = []
    page.on("request", lambda r: entetes.append((r.url, r.headers)) if "/api/" in r.url else None)

    # A real PDF: sent to the bucket with a progress bar, analysed, deposited.
    choisir(c, CONFIRMATION, "confirmation.pdf", "application/pdf", un_pdf())
    confirmation.get_by_role("button", name="Déposer").click()
    attendre_etat(c, CONFIRMATION, "en cours d'analyse")
    attendre_etat(c, CONFIRMATION, "déposée")
    fichier = texte(confirmation.locator(".piece__fichier"))
    assert re.fullmatch(r"Fichier déposé : PDF, 1 page, \d+ ko, le 2 novembre 2020 à \d+ h \d\d",
                        fichier), fichier
    expect(confirmation.locator(".piece__message")).to_have_text(
        texte_de(f"« {pieces.CONFIRMATION_LIBELLE} » : pièce déposée."), use_inner_text=True)
    assert confirmation.get_by_role("button", name="Remplacer").is_visible()
    assert confirmation.get_by_role("button", name="Voir le fichier déposé").is_visible()

    # The file deposited, opened for the candidate to check it: a short link to the bucket.
    with page.context.expect_page() as onglet, page.expect_response(
            lambda r: r.url.endswith(f"/pieces/{CONFIRMATION}/fichier")) as lien:
        confirmation.get_by_role("button", name="Voir le fichier déposé").click()
    assert lien.value.status == 200
    assert f"/pieces/{numero.replace('-', '')}/{CONFIRMATION}-" in lien.value.json()["url"]
    onglet.value.close()
    vers_pieces = [h for u, h in entetes if "/pieces" in u]
    assert len(vers_pieces) >= 4  # the form, the arrival, the analysis followed, the file
    assert all("x-acces-dossier" in h and "x-date-naissance" not in h for h in vers_pieces)
    assert not [u for u, _ in entetes if u.endswith("/preuve")]  # the same proof, kept

    # EICAR: scanned, refused, the reason beside the piece.
    identite = piece(c, IDENTITE)
    choisir(c, IDENTITE, "identite.pdf", "application/pdf", EICAR)
    identite.get_by_role("button", name="Déposer").click()
    attendre_etat(c, IDENTITE, "refusée")
    assert texte(identite.locator(".piece__motif")) == f"Motif du refus : {pieces.INFECTE}"
    expect(identite.locator(".piece__message")).to_have_text(
        re.compile(r"^Erreur\s:\s.*contient un virus"))

    # A phone photo in HEIC: the API's message, before anything is sent.
    autre = page.locator("li[data-piece]").nth(2)
    code = autre.get_attribute("data-piece")
    assert code not in (CONFIRMATION, IDENTITE)
    choisir(c, str(code), "photo.heic", "image/heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64)
    autre.get_by_role("button", name="Déposer").click()
    message = autre.locator(".piece__message.message-erreur")
    # Only the error: never « Préparation de l'envoi… », said a moment before, in its place.
    expect(message).to_have_text(texte_de(f"Erreur : {msg.PIECE_HEIC}"), use_inner_text=True)
    assert texte(autre.locator(".piece__etat")) == "État : à déposer"
    c.etat("28-pieces-etats")
    page.set_viewport_size({"width": WIDTHS["ordinateur"], "height": 900})
    c.etat("28-pieces-etats-ordinateur")

    # Removed, after a question: « à déposer » again.
    confirmation.get_by_role("button", name="Retirer").click()
    question = confirmation.locator(".piece__question")
    question.wait_for()
    assert c.focus() == question.get_attribute("id")
    question.get_by_role("button", name="Oui, retirer la pièce").click()
    attendre_etat(c, CONFIRMATION, "à déposer")
    assert confirmation.locator(".piece__fichier").count() == 0
    expect(confirmation.locator(".piece__message")).to_have_text(
        texte_de("La pièce a été retirée : elle est de nouveau à déposer."), use_inner_text=True)
    statut, vue = api(site_en_ligne, f"dossiers/{numero}/pieces",
                      entetes={"X-Date-Naissance": "1998-05-17"})
    assert statut == 200 and vue["pieces"][0]["etat"] == "a_deposer"
    assert c.problemes == []


def texte_de(phrase: str) -> str:
    """A message as the page shows it: French spaces, collapsed as `texte` does."""
    return re.sub(r"\s+", " ", phrase).strip()


def focus_visible(c: Candidat) -> bool:
    """Whether the focused element shows the focus ring (formulaire.css)."""
    return bool(c.page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; }"))


def test_the_keyboard_reaches_the_file_control_and_every_button(
    candidat: Ouvrir, site_en_ligne: str,
) -> None:
    c, _ = dossier_ouvert(candidat, site_en_ligne, WIDTHS["ordinateur"])
    page = c.page
    confirmation = piece(c, CONFIRMATION)
    confirmation.wait_for()
    # From the piece's heading, as after reading it with a screen reader's heading keys.
    confirmation.locator("h3").focus()
    page.keyboard.press("Tab")
    assert c.focus() == f"piece-{CONFIRMATION}-fichier"
    assert focus_visible(c)
    # The system's file dialog is not the page's: the file is given as a person picks it.
    choisir(c, CONFIRMATION, "confirmation.pdf", "application/pdf", un_pdf())
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Déposer"
    assert focus_visible(c)
    page.keyboard.press("Enter")
    attendre_etat(c, CONFIRMATION, "déposée")
    # The button went with the state: the focus stays on the piece, never lost to the page.
    assert c.focus() == f"piece-{CONFIRMATION}-titre"
    ordre = []
    for _ in range(4):
        page.keyboard.press("Tab")
        assert focus_visible(c)
        ordre.append(page.evaluate(
            "() => document.activeElement.dataset.action"))
    assert ordre == ["voir", "fichier", "envoyer", "retirer"]
    page.keyboard.press("Enter")
    question = confirmation.locator(".piece__question")
    question.wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Oui, retirer la pièce"
    page.keyboard.press("Enter")
    attendre_etat(c, CONFIRMATION, "à déposer")
    assert c.focus() == f"piece-{CONFIRMATION}-titre"
    assert c.problemes == []


def test_where_both_modes_are_open_the_page_offers_the_post_and_the_section(
    candidat: Ouvrir, site_deux_modes: str,
) -> None:
    c, _ = dossier_ouvert(candidat, site_deux_modes, WIDTHS["telephone"])
    page = c.page
    page.locator(f'li[data-piece="{CONFIRMATION}"]').wait_for()
    retour = texte(page.locator("#consultation .retour"))
    assert "Joignez-y ces pièces" in retour and "Envoyez le tout" in retour
    assert ("Vous pouvez aussi les déposer en ligne au lieu de les envoyer par courrier" in retour)
    assert page.locator("#consultation [data-lien-depot]").is_hidden()  # the section follows
    introduction = texte(page.locator("#pieces-en-ligne-introduction"))
    assert "soit envoyer ces pièces par courrier, comme indiqué ci-dessus, soit les déposer ici" \
        in introduction
    c.etat("28-deux-modes")
    assert c.problemes == []


def test_a_paper_only_session_shows_no_section(candidat: Ouvrir, site_url: str) -> None:
    nom = nom_unique("Papier")
    statut, cree = api(site_url, "dossiers", corps=dossier_valide(nom))
    assert statut == 201
    c = candidat(WIDTHS["telephone"], page="mon-dossier.html")
    c.ouvrir_dossier(cree["numero"], Identite(nom, ["Marie-Ève"]))
    c.page.locator("#consultation:not([hidden])").wait_for()
    c.page.wait_for_load_state("networkidle")
    assert c.page.locator("#pieces-en-ligne").is_hidden()
    assert c.page.locator("#pieces-en-ligne-liste li").count() == 0
    retour = texte(c.page.locator("#consultation .retour"))
    assert "Joignez-y ces pièces" in retour and "Envoyez le tout" in retour
    assert "en ligne" not in retour
    assert c.problemes == []


def test_the_online_pages_may_reach_the_bucket_and_nothing_else(site_en_ligne: str) -> None:
    import urllib.request

    from handler.platform.security_headers import content_security_policy

    with urllib.request.urlopen(site_en_ligne + "mon-dossier.html", timeout=10) as reponse:
        politique = reponse.headers["Content-Security-Policy"]
    (connect,) = [d for d in politique.split("; ") if d.startswith("connect-src")]
    assert re.fullmatch(r"connect-src 'self' http://127\.0\.0\.1:\d+", connect), connect
    # The bucket (moto's server here) and nothing else, as production allows its own bucket.
    moto = connect.split()[-1]
    assert politique == content_security_policy(moto)
