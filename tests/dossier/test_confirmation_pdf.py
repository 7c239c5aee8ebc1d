"""GET /api/dossiers/{numero}/confirmation.pdf: the confirmation to print, sign and post.

PDFs are checked by the text pypdf extracts from them, never by their bytes; the layout of
the bureau's frame by where PDFium finds its characters and its boxes.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

import shared_rules
from handler.candidats.registrations import new_record
from handler.dossier import confirmation_pdf
from handler.dossier.numero import new_numero
from handler.platform import messages as msg
from tests.factories import make_dossier

BORN = "1998-05-17"
SESSION = shared_rules.get_session("cap-limoges-2021-06")
assert SESSION is not None
PIECES = {piece.code: piece.libelle for piece in SESSION.pieces}


def pdf_text(data: bytes) -> str:
    """Every page's text, each run of white space (line breaks included) folded to one space."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def create(client: FlaskClient, dossier: dict[str, Any] | None = None) -> str:
    response = client.post("/api/dossiers", json=dossier or make_dossier())
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["numero"])


def download(client: FlaskClient, numero: str, born: str = BORN) -> Any:
    return client.get(f"/api/dossiers/{numero}/confirmation.pdf",
                      headers={"X-Date-Naissance": born})


def test_the_owner_downloads_an_a4_pdf_that_is_never_cached(client: FlaskClient) -> None:
    numero = create(client)
    response = download(client, numero)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="confirmation-inscription-CAP-2021-06-{numero}-V1.pdf"')
    page = PdfReader(io.BytesIO(response.data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_the_pdf_holds_the_number_names_pieces_address_and_deadline(
    client: FlaskClient,
) -> None:
    numero = create(client)
    text = pdf_text(download(client, numero).data)
    assert numero in text
    # Every first name, in civil-status order, exactly as typed.
    assert "Marie-Ève, Françoise, Ñúñez" in text
    assert "L'Haÿ-Cœur" in text
    for piece in shared_rules.required_pieces(shared_rules.load(make_dossier())):
        assert piece["libelle"] in text
    for line in SESSION.adresse.lignes:
        assert line in text
    # The postcode is not confirmed: shown « à confirmer », never invented.
    assert "Limoges (code postal « à confirmer »)" in text
    # Issue 24: « au plus tard pour le 18 » is a date of receipt, as the notice says.
    assert shared_rules.return_deadline(SESSION) in text
    assert "Envoyez cette confirmation, datée et signée, avec les pièces, le plus rapidement " \
        "possible, à l'adresse suivante" in text
    assert "Certifié exact" in text and "Signature du candidat" in text
    assert "dernière modification le lundi 2 novembre 2020 à 10 h 00 (version 1)" in text
    # Labels come from the session data, never the codes.
    assert "Individuels Haute-Vienne" in text
    assert "Forme globale" in text
    assert "Demi-fond (3 × 500 m) et badminton simple" in text
    assert "Langue vivante (épreuve facultative) : Espagnol" in text


def test_the_people_of_issue_24_print_as_their_papers_show_them(client: FlaskClient) -> None:
    """No first name, a birth date with no day and no month, a double hyphen, a birthplace with
    a comma, kept grades per professional unit, a language typed by hand."""
    dossier = make_dossier({"etat_civil.nom_naissance": "Martin--Lefèvre",
                            "etat_civil.prenoms": [], "etat_civil.sans_prenom": True,
                            "etat_civil.date_naissance": "1996",
                            "etat_civil.commune_naissance": "Washington, D.C.",
                            "specialite": "cuisine", "langue_vivante": "autre",
                            "langue_vivante_autre": "Arabe",
                            "benefices": [{"unite": "ep1", "annee": 2019, "note": 13},
                                          {"unite": "ep3", "annee": 2019, "note": 11}]})
    text = pdf_text(download(client, create(client, dossier), born="1996").data)
    for shown in ("Martin--Lefèvre", "aucun (pas de prénom à l'état civil)",
                  "00/00/1996 (jour et mois inconnus)", "Washington, D.C.",
                  "Autre langue : Arabe", "Épreuve professionnelle EP1 (UP1) — 13/20 (2019)",
                  "Épreuve professionnelle EP3 (UP3) — 11/20 (2019)"):
        assert shown in text, shown


def test_rare_letters_print_with_the_embedded_font(client: FlaskClient) -> None:
    dossier = make_dossier({"etat_civil.nom_naissance": "Cœur",
                            "etat_civil.prenoms": ["Ÿvonne", "Æsa", "Bjørn"],
                            "etat_civil.commune_naissance": "Ærøskøbing",
                            "etat_civil.pays_naissance": "Danemark"})
    data = download(client, create(client, dossier)).data
    text = pdf_text(data)
    for word in ("Cœur", "Ÿvonne, Æsa, Bjørn", "Ærøskøbing"):
        assert word in text
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    embedded = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert embedded and all("DejaVuSans" in name for name in embedded)


@pytest.mark.parametrize(("specialite", "expected"), [("macon", True), ("patissier", False)])
def test_the_scaffolding_certificate_is_asked_only_where_the_notice_requires_it(
    client: FlaskClient, specialite: str, expected: bool,
) -> None:
    numero = create(client, make_dossier({"specialite": specialite}))
    text = pdf_text(download(client, numero).data)
    assert (PIECES["attestation-echafaudage"] in text) is expected
    assert PIECES["piece-identite"] in text


def test_a_dossier_created_on_the_deadline_day_gets_the_late_return_message(
    frozen_app: Any,
) -> None:
    client = frozen_app("2020-11-18T09:30:00+01:00").test_client()
    text = pdf_text(download(client, create(client)).data)
    assert " ".join(shared_rules.late_return_message(SESSION).split()) in text


def test_a_dossier_created_before_the_deadline_has_no_late_return_message(
    client: FlaskClient,
) -> None:
    text = pdf_text(download(client, create(client)).data)
    assert "pour savoir si elle sera acceptée" not in text


def test_the_pdf_shows_the_last_modification(client: FlaskClient) -> None:
    numero = create(client)
    changed = make_dossier({"specialite": "couvreur"})
    assert client.put(f"/api/dossiers/{numero}", json=changed,
                      headers={"X-Date-Naissance": BORN}).status_code == 200
    text = pdf_text(download(client, numero).data)
    assert "Couvreur" in text and "(version 2)" in text


def test_a_wrong_birth_date_answers_exactly_like_consulting(client: FlaskClient) -> None:
    numero = create(client)
    wrong = download(client, numero, born="1998-05-18")
    unknown = download(client, "0000-0000-0")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json() == {
        "code": "dossier_introuvable", "message": msg.DOSSIER_INTROUVABLE, "errors": {}}
    missing = client.get(f"/api/dossiers/{numero}/confirmation.pdf")
    assert missing.status_code == 400
    assert missing.get_json()["code"] == "date_naissance_requise"


def test_size_and_generation_time(capsys: pytest.CaptureFixture[str]) -> None:
    record = new_record(new_numero(), shared_rules.load(make_dossier()), session=SESSION,
                        now=dt.datetime(2020, 11, 2, 9, tzinfo=dt.UTC))
    confirmation_pdf.render(record, SESSION)  # the first one loads the fonts
    started = time.perf_counter()
    data = confirmation_pdf.render(record, SESSION)
    elapsed = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(data)).pages)
    with capsys.disabled():
        print(f"\nconfirmation PDF: {len(data) / 1024:.1f} KiB, {pages} pages, generated in "
              f"{elapsed * 1000:.0f} ms")
    assert data.startswith(b"%PDF-")


def test_no_personal_data_in_log_lines(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    client = app.test_client()
    numero = create(client)
    download(client, numero)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("handler"))
    assert "GET /api/dossiers/<numero>/confirmation.pdf 200" in logged
    for secret in (numero, numero.replace("-", ""), "Haÿ", BORN):
        assert secret not in logged


def test_an_unlisted_speciality_a_kept_eps_grade_and_a_declared_language_print(
        client: FlaskClient) -> None:
    """Issue 13: the typed label, « no EPS this session » and the unconfirmed language."""
    dossier = make_dossier({"specialite": "autre", "specialite_autre": "Accordeur de pianos",
                            "eps": {"dispense": False, "activites": []},
                            "benefices": [{"unite": "eps", "annee": 2019, "note": 12}],
                            "langue_vivante": "anglais"})
    text = pdf_text(download(client, create(client, dossier)).data)
    assert "Ma spécialité n'est pas dans la liste : Accordeur de pianos" in text
    assert "Pas d'épreuve d'EPS à cette session" in text
    assert "Anglais" in text  # the compulsory language, unconfirmed: declared, recorded


def test_the_pdf_ends_with_a_frame_for_the_rectorat_with_the_dossiers_pieces(
        client: FlaskClient) -> None:
    numero = create(client, make_dossier({"specialite": "macon"}))
    text = pdf_text(download(client, numero).data)
    frame = text[text.index("Cadre réservé au Rectorat"):]
    assert frame.startswith("Cadre réservé au Rectorat Reçue le : ........ / ........ / "
                            "............ Pièces vérifiées :")
    assert "Cachet et visa du bureau :" in frame
    # The pieces this dossier must send, each to tick on reception; no other.
    for code in ("piece-identite", "attestation-echafaudage"):
        assert PIECES[code][:40] in frame
    assert PIECES["decision-amenagement"][:40] not in frame
    assert "Certifié exact" not in frame  # after the candidate's signature


def test_each_versions_file_is_named_with_its_version(client: FlaskClient) -> None:
    """Issue 29: two versions of one dossier, downloaded, must not overwrite each other."""
    numero = create(client)
    first = download(client, numero).headers["Content-Disposition"]
    assert client.put(f"/api/dossiers/{numero}", json=make_dossier({"specialite": "couvreur"}),
                      headers={"X-Date-Naissance": BORN}).status_code == 200
    second = download(client, numero).headers["Content-Disposition"]
    assert first == f'attachment; filename="confirmation-inscription-CAP-2021-06-{numero}-V1.pdf"'
    assert second == f'attachment; filename="confirmation-inscription-CAP-2021-06-{numero}-V2.pdf"'


# Issue 29: the bureau's frame with the largest set of pieces (five: the notice's six less one,
# as a speciality needs either the scaffolding certificate or the catch-up session's grades).
KEPT_GRADE = {"benefices": [{"unite": "ep1", "annee": 2019, "note": 13}]}
EARLIER_ACCOMMODATION = {"amenagement": {"demande": True, "decision_anterieure": True,
                                         "precisions": "Tiers temps et salle à part."}}
# The example already asks for a dispense, in a speciality needing the scaffolding piece.
FIVE_WITH_SCAFFOLDING = {**KEPT_GRADE, **EARLIER_ACCOMMODATION}
FIVE_IN_CATCH_UP = {"specialite": "petite-enfance", "rattrapage": {"annee_echec": 2019},
                    **KEPT_GRADE, **EARLIER_ACCOMMODATION}
FIVE_PIECES = [pytest.param(FIVE_WITH_SCAFFOLDING, id="macon"),
               pytest.param(FIVE_IN_CATCH_UP, id="petite-enfance")]
FRAME = "Cadre réservé au Rectorat"
LONG_PRECISIONS = ("Tiers temps, salle à part et pauses régulières ; sujets agrandis. " * 15)[:1000]
ON_TIME = dt.datetime(2020, 11, 2, 9, tzinfo=dt.UTC)
LATE = dt.datetime(2020, 11, 18, 8, 30, tzinfo=dt.UTC)  # the late-return warning is printed


def rendered(changes: dict[str, Any], *, now: dt.datetime = ON_TIME) -> bytes:
    record = new_record(new_numero(), shared_rules.load(make_dossier(changes)), session=SESSION,
                        now=now)
    return confirmation_pdf.render(record, SESSION)


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def frame_page(data: bytes) -> int:
    """The index of the one page that holds the bureau's frame, the whole frame."""
    pages = [n for n, text in enumerate(page_texts(data)) if FRAME in text]
    assert len(pages) == 1
    assert "Cachet et visa du bureau :" in page_texts(data)[pages[0]]
    return pages[0]


def characters_in_stamp_box(data: bytes) -> list[str]:
    """The characters PDFium finds inside the box under « Cachet et visa du bureau »."""
    page = pypdfium2.PdfDocument(data)[frame_page(data)]
    text = page.get_textpage()
    found = text.search("Cachet et visa du bureau").get_next()
    assert found is not None
    caption_left, caption_bottom, _, _ = text.get_charbox(found[0])
    boxes = [obj.get_bounds() for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])]
    stamp = [(left, bottom, right, top) for left, bottom, right, top in boxes
             if abs(left - caption_left) < 6 and caption_bottom - 25 < top < caption_bottom]
    assert len(stamp) == 1, boxes
    left, bottom, right, top = stamp[0]
    inside = []
    for index in range(text.count_chars()):
        char = text.get_text_range(index, 1)
        x0, y0, x1, y1 = text.get_charbox(index)
        if char.strip() and x0 < right and x1 > left and y0 < top and y1 > bottom:
            inside.append(char)
    return inside


@pytest.mark.parametrize("changes", FIVE_PIECES)
def test_with_five_pieces_every_label_prints_whole_in_the_frame_beside_an_empty_stamp_box(
        changes: dict[str, Any]) -> None:
    data = rendered(changes)
    labels = [piece["libelle"] for piece in shared_rules.required_pieces(
        shared_rules.load(make_dossier(changes)))]
    assert len(labels) == 5
    text = page_texts(data)[frame_page(data)]
    frame = text[text.index(FRAME):]
    for label in labels:
        assert label in frame, label
    # Each label wraps within its column: not a letter runs into the box kept for the stamp.
    assert characters_in_stamp_box(data) == []


@pytest.mark.parametrize("changes", FIVE_PIECES)
def test_with_five_pieces_and_the_usual_recap_the_confirmation_holds_on_two_pages(
        changes: dict[str, Any]) -> None:
    """One sheet printed on both sides: the recap ends, the candidate signs and the bureau's
    frame follows, on the second page."""
    data = rendered(changes)
    texts = page_texts(data)
    assert len(texts) == 2
    assert frame_page(data) == 1
    before = texts[1][:texts[1].index(FRAME)]
    for shown in ("Pièces à joindre à cette confirmation", "Où et quand l'envoyer",
                  "Certifié exact", "Signature du candidat :"):
        assert shown in before, shown


@pytest.mark.parametrize(("changes", "now", "pages"), [
    pytest.param({}, ON_TIME, 2, id="usual"),
    pytest.param(FIVE_WITH_SCAFFOLDING, LATE, 3, id="five-pieces-returned-late"),
    pytest.param(FIVE_IN_CATCH_UP, LATE, 3, id="five-pieces-catch-up-returned-late"),
    pytest.param({**FIVE_WITH_SCAFFOLDING, "amenagement.precisions": LONG_PRECISIONS}, ON_TIME, 3,
                 id="five-pieces-longest-precisions"),
])
def test_the_frame_never_stands_alone_the_signature_goes_with_it(
        changes: dict[str, Any], now: dt.datetime, pages: int) -> None:
    """Where the signature and the frame do not both fit after the recap, both go over."""
    data = rendered(changes, now=now)
    texts = page_texts(data)
    assert len(texts) == pages
    page = frame_page(data)
    assert page == pages - 1
    before = texts[page][:texts[page].index(FRAME)]
    assert before.startswith("Certifié exact") if pages == 3 else "Certifié exact" in before
    assert "Signature du candidat :" in before
    assert characters_in_stamp_box(data) == []
