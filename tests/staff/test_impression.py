"""The bureau's printing (issue 27): the confirmations of a selection in one PDF, made in the
background, in parts side by side for a large one, each confirmation the very one its candidate
got, in the selection's order, each starting on a recto; and the selection given by numbers."""

from __future__ import annotations

import io
import random
from typing import Any

import pypdfium2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from handler.dossier import confirmation_pdf
from handler.dossier.numero import canonical, display, new_numero
from handler.staff import impression, jobs
from tests.staff.conftest import bearer, person, submit
from tests.staff.test_export_parts import leftovers
from tests.staff.test_exports import download, finished

NOMS = ["Bernard", "Dupont", "Durand", "Lefebvre", "Martin", "Moreau", "Petit"]
#: Long enough a text for a confirmation of three pages.
LONG = {"amenagement.demande": True, "amenagement.precisions": "Tiers temps, dyslexie " * 40}


def ask(client: FlaskClient, **body: Any) -> Any:
    return client.post("/api/staff/exports", headers=bearer(), json=body)


def pages_of(client: FlaskClient, numero: str) -> list[str]:
    """The text of each page of the confirmation the candidate gets."""
    response = client.get(f"/api/staff/dossiers/{numero}/confirmation.pdf", headers=bearer())
    assert response.status_code == 200
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]


def check_merged(client: FlaskClient, data: bytes, numeros: list[str]) -> None:
    """One valid PDF: each confirmation whole, in order, from a recto, as the candidate's."""
    reader = PdfReader(io.BytesIO(data), strict=True)
    texts = [page.extract_text() for page in reader.pages]
    assert len(pypdfium2.PdfDocument(data)) == len(texts)  # a second reader agrees
    at = 0
    for numero in numeros:
        own = pages_of(client, numero)
        assert at % 2 == 0  # a recto
        assert numero in texts[at]
        # The same text as the candidate's file, page by page (« Page 2/3 » included).
        assert [" ".join(t.split()) for t in texts[at:at + len(own)]] == [
            " ".join(t.split()) for t in own]
        at += len(own)
        if len(own) % 2:
            assert texts[at].strip() == "Page laissée blanche"
            at += 1
    assert at == len(texts)
    assert reader.metadata is not None and reader.metadata.title == impression.TITLE


@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)  # threads: moto's server
def test_a_large_selection_prints_in_parts_merged_into_one_pdf_in_the_selections_order(
        app: Flask, client: FlaskClient, s3: Any, s3_endpoint: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "PDF_PART", 3)  # 7 dossiers: parts of 3, 3 and 1
    numeros = [submit(client, person(nom, **(LONG if nom in ("Durand", "Petit") else {})))
               for nom in NOMS]
    chosen = random.Random(27).sample(numeros, len(numeros))
    state = finished(client, app, ask(client, format="pdf", numeros=chosen))
    assert (state["statut"], state["parties"], state["nombre"], state["fait"]) == (
        "pret", 3, 7, 7)
    assert state["fichier"].startswith("confirmations-CAP-2021-06-")
    assert state["fichier"].endswith(".pdf")
    data = download(s3, s3_endpoint, state["lien"])
    check_merged(client, data, chosen)
    # Seven confirmations: five of two pages, two of three (each with its blank verso).
    assert len(PdfReader(io.BytesIO(data)).pages) == 5 * 2 + 2 * 4
    assert leftovers(s3, state["id"]) == []


def test_a_small_selection_prints_in_one_go_always_in_the_background(
        app: Flask, client: FlaskClient, s3: Any, s3_endpoint: str | None) -> None:
    numeros = [submit(client, person("Martin", **LONG)), submit(client, person("Dupont"))]
    response = ask(client, format="pdf", filtres={"tri": "nom"})
    state = finished(client, app, response)
    assert (state["statut"], state["parties"], state["fait"]) == ("pret", 0, 2)
    check_merged(client, download(s3, s3_endpoint, state["lien"]), numeros[::-1])


def test_the_fonts_are_embedded_once_for_the_whole_batch(client: FlaskClient, app: Flask) -> None:
    numeros = [canonical(submit(client, person(nom))) for nom in NOMS[:4]]
    store, session = app.extensions["dossier_store"], app.extensions["inscription_session"]
    records = [store.dossier(n).body for n in numeros]
    out = io.BytesIO()
    assert impression.write_pdf(out, records, session) == 4
    alone = sum(len(confirmation_pdf.render(r, session)) for r in records)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    fonts = {font.get_object()["/BaseFont"] for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert len(fonts) == 2  # DejaVu Sans and its bold, once each
    assert len(out.getvalue()) < alone / 2  # 4 dossiers: 56 KB against 150 KB


def test_merge_hangs_each_parts_pages_under_one_root(client: FlaskClient, app: Flask) -> None:
    store, session = app.extensions["dossier_store"], app.extensions["inscription_session"]
    records = [store.dossier(canonical(submit(client, person(nom)))).body for nom in NOMS[:3]]
    parts = []
    for chunk in (records[:1], records[1:]):
        out = io.BytesIO()
        impression.write_pdf(out, chunk, session)
        parts.append(out.getvalue())
    merged = io.BytesIO()
    assert impression.merge(merged, iter(parts)) == 6
    reader = PdfReader(io.BytesIO(merged.getvalue()), strict=True)
    assert [len(kid.get_object()["/Kids"]) for kid in reader.trailer["/Root"]["/Pages"]["/Kids"]
            ] == [2, 4]
    assert [r["numero"][:4] in reader.pages[i].extract_text().replace("-", "")
            for i, r in zip((0, 2, 4), records, strict=True)] == [True] * 3


def test_numbers_select_exactly_those_dossiers_in_their_order_unknown_ones_counted(
        client: FlaskClient) -> None:
    martin, dupont = submit(client, person("Martin")), submit(client, person("Dupont"))
    unknown = display(new_numero())  # well formed, registered by nobody
    response = ask(client, format="csv", numeros=[dupont, unknown, martin.lower(), dupont])
    assert response.status_code == 200
    assert response.headers["X-Nombre-Dossiers"] == "2"
    assert response.headers["X-Nombre-Ignores"] == "1"
    lines = response.data.decode("utf-8-sig").splitlines()[1:]
    assert [line.split(";")[0] for line in lines] == [dupont, martin]


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"filtres": {"tri": "nom"}, "numeros": []}, "numeros",
     "Donnez soit les filtres de la liste, soit les numéros des dossiers choisis, pas les deux."),
    ({"numeros": ["7K3M-Q9PA-X"]}, "numeros.0",
     "« 7K3M-Q9PA-X » n'est pas un numéro d'inscription valide (9 caractères, par exemple "
     "7K3M-Q9PA-R) : corrigez-le ou retirez-le de la sélection."),
    ({"numeros": [12]}, "numeros.0",
     "« 12 » n'est pas un numéro d'inscription valide (9 caractères, par exemple 7K3M-Q9PA-R) : "
     "corrigez-le ou retirez-le de la sélection."),
    ({"colonnes": ["nom-de-naissance", "age"]}, "colonnes.1", "Colonne inconnue : « age »."),
])
def test_a_malformed_selection_is_refused_in_french(client: FlaskClient, body: dict[str, Any],
                                                     field: str, message: str) -> None:
    response = ask(client, format="pdf", **body)
    assert response.status_code == 422
    answer = response.get_json()
    assert answer["code"] == "export_invalide"
    assert answer["errors"][field] == [message]


def test_at_most_zip_max_numbers(client: FlaskClient) -> None:
    from handler.staff import rest

    too_many = [f"{i:09d}" for i in range(rest.ZIP_MAX + 1)]
    response = ask(client, format="pdf", numeros=too_many)
    assert response.status_code == 422
    assert response.get_json()["errors"]["numeros"] == [
        "Choisissez au plus 25\u202f000 dossiers pour un export."]


def test_a_pdf_too_large_is_refused_with_advice(client: FlaskClient,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from handler.staff import rest

    submit(client, person("Martin"))
    submit(client, person("Dupont"))
    monkeypatch.setattr(rest, "ZIP_MAX", 1)
    response = ask(client, format="pdf", filtres={})
    assert response.status_code == 422
    assert response.get_json()["message"].startswith(
        "Cet export PDF des confirmations compterait 2 dossiers, au-delà des 1 qu'un export")


def test_an_empty_selection_prints_one_page_that_says_so(app: Flask) -> None:
    out = io.BytesIO()
    assert impression.write_pdf(out, [], app.extensions["inscription_session"]) == 0
    (page,) = PdfReader(io.BytesIO(out.getvalue())).pages
    assert " ".join(page.extract_text().split()) == "Aucune confirmation dans cette sélection."
