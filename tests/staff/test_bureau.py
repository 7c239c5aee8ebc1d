"""The bureau's daily work through the API: French answers, search as people type, filters that
say when they can't match, the status sort, the pieces a dossier may miss, the calendar clock
on what staff actions record."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from marshmallow import Schema, fields, validate

from handler.staff import messages as msg
from shared_rules import messages as rules_msg
from tests.fixtures import BUCKET
from tests.staff.conftest import bearer, person, submit


def staff_list(client: FlaskClient, **params: Any) -> Any:
    return client.get("/api/staff/dossiers", query_string=params, headers=bearer())


def change(client: FlaskClient, numero: str, **body: Any) -> Any:
    if body.get("statut") == "confirmation-recue":
        body.setdefault("version_papier", 1)
    return client.post(f"/api/staff/dossiers/{numero}/suivi", headers=bearer(),
                       json={"version": 1, "revision": 0, **body})


def test_an_unknown_export_format_and_a_missing_field_are_answered_in_french(
        client: FlaskClient) -> None:
    response = client.post("/api/staff/exports", headers=bearer(),
                           json={"format": "docx", "inconnu": 1})
    assert response.status_code == 422
    assert response.get_json() == {
        "code": "export_invalide", "message": msg.EXPORT_INVALIDE,
        "errors": {"format": ["Choisissez une de ces valeurs : csv, xlsx, ods, zip, pdf."],
                   "inconnu": [rules_msg.CHAMP_INCONNU]}}
    response = client.post("/api/staff/exports", headers=bearer(), json={})
    assert response.get_json()["errors"] == {"format": [rules_msg.OBLIGATOIRE]}
    # Issue 28: a paper session (Limoges 2021) has no piece online, so no « dossier complet ».
    response = client.post("/api/staff/exports", headers=bearer(),
                           json={"format": "complets", "filtres": {}})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "format": ["Choisissez une de ces valeurs : csv, xlsx, ods, zip, pdf."]}
    response = client.post("/api/staff/dossiers/0000-0000-0/suivi", headers=bearer(),
                           json={"statut": "definitive", "version": "1", "revision": -1})
    assert response.get_json()["errors"] == {
        "version": ["Saisissez un nombre entier en chiffres."],
        "revision": ["Saisissez une valeur supérieure ou égale à 0."]}


def test_any_schema_of_the_service_answers_in_french_without_its_own_messages() -> None:
    class Bare(Schema):
        nombre = fields.Integer(required=True)
        choix = fields.String(validate=validate.OneOf(["a", "b"]))
        texte = fields.String(validate=validate.Length(max=2))

    errors = Bare().validate({"choix": "c", "texte": "abc", "autre": 1})
    assert errors == {"nombre": [rules_msg.OBLIGATOIRE],
                      "choix": ["Choisissez une de ces valeurs : a, b."],
                      "texte": ["Trop long : 2 caractère(s) ou élément(s) au plus."],
                      "autre": [rules_msg.CHAMP_INCONNU]}


def test_the_csv_answer_has_one_charset(client: FlaskClient) -> None:
    submit(client, person("Martin"))
    response = client.post("/api/staff/exports", headers=bearer(), json={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_inverted_dates_are_refused_with_a_french_message(client: FlaskClient) -> None:
    response = staff_list(client, cree_du="2020-11-10", cree_au="2020-11-01",
                          modifie_du="2020-11-01", modifie_au="2020-11-01")
    assert response.status_code == 422
    assert response.get_json() == {"code": "filtre_invalide", "message": msg.FILTRE_INVALIDE,
                                   "errors": {"cree_du": [msg.DATES_INVERSEES]}}


@pytest.fixture
def names(client: FlaskClient) -> dict[str, str]:
    typed = {"ndiaye": ("N'Diaye", ["Awa"]), "oconnor": ("O’Connor", ["Seán"]),
             "lhay": ("L'Haÿ-Cœur", ["Léa"]), "delatour": ("De La Tour", ["Hugo"]),
             "jeanbaptiste": ("Martin", ["Jean-Baptiste", "Marie"])}
    # Each with an address of their own: the search reads addresses too (issue 27), and the
    # example's « marie-eve.lhay@… » would be found by « lhay ».
    return {key: submit(client, person(nom, **{"etat_civil.prenoms": prenoms,
                                               "contact.email": f"{key}@exemple.fr"}))
            for key, (nom, prenoms) in typed.items()}


@pytest.mark.parametrize(("typed", "found"), [
    ("ndiaye", ["ndiaye"]), ("NDIAYE", ["ndiaye"]), ("n diaye", ["ndiaye"]),
    ("oconnor", ["oconnor"]), ("o'connor sean", ["oconnor"]), ("lhay", ["lhay"]),
    ("lhaycoeur", ["lhay"]), ("delatour", ["delatour"]), ("de la tour", ["delatour"]),
    ("jeanbaptiste", ["jeanbaptiste"]), ("jean baptiste martin", ["jeanbaptiste"]),
    ("jean-baptiste marie", ["jeanbaptiste"]), ("léa", ["lhay"]), ("zzz", []),
])
def test_search_finds_names_typed_as_people_say_them(client: FlaskClient, names: dict[str, str],
                                                     typed: str, found: list[str]) -> None:
    body = staff_list(client, q=typed).get_json()
    assert sorted(d["numero"] for d in body["dossiers"]) == sorted(names[k] for k in found)


def test_search_finds_a_number_typed_any_way(client: FlaskClient, names: dict[str, str]) -> None:
    numero = names["ndiaye"]
    for typed in (numero, numero.lower(), numero.replace("-", ""), numero.replace("-", " ")):
        body = staff_list(client, q=typed).get_json()
        assert [d["numero"] for d in body["dossiers"]] == [numero], typed


def test_the_status_sort_follows_the_workflow(client: FlaskClient) -> None:
    numeros = [submit(client, person(nom)) for nom in ("Aa", "Bb", "Cc", "Dd")]
    assert change(client, numeros[0], statut="confirmation-recue").status_code == 200
    assert change(client, numeros[0], statut="definitive", revision=1).status_code == 200
    assert change(client, numeros[1], statut="incomplete", note="Pièce illisible."
                  ).status_code == 200
    assert change(client, numeros[2], statut="confirmation-recue").status_code == 200
    body = staff_list(client, tri="statut").get_json()
    assert [d["statut"] for d in body["dossiers"]] == [
        "pre-inscrit", "confirmation-recue", "incomplete", "definitive"]
    body = staff_list(client, tri="-statut").get_json()
    assert [d["statut"] for d in body["dossiers"]] == [
        "definitive", "incomplete", "confirmation-recue", "pre-inscrit"]


def test_a_piece_the_dossier_does_not_need_is_refused(client: FlaskClient, s3: Any) -> None:
    cuisine = submit(client, person("Martin", specialite="cuisine"))
    shown = client.get(f"/api/staff/dossiers/{cuisine}", headers=bearer()).get_json()
    assert "attestation-echafaudage" not in [p["code"] for p in shown["pieces"]]
    response = change(client, cuisine, statut="incomplete",
                      pieces_manquantes=["piece-identite", "attestation-echafaudage"])
    assert response.status_code == 422
    assert response.get_json() == {
        "code": "statut_invalide", "message": msg.STATUT_INVALIDE,
        "errors": {"pieces_manquantes": [
            msg.PIECE_NON_DEMANDEE.format(pieces="attestation-echafaudage")]}}
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="suivi/")
    response = change(client, cuisine, statut="incomplete", pieces_manquantes=["autre"])
    assert response.get_json()["errors"] == {"note": [msg.PIECE_AUTRE_NOTE]}
    response = change(client, cuisine, statut="incomplete",
                      pieces_manquantes=["piece-identite", "autre"],
                      note="Le justificatif de domicile manque.")
    assert response.status_code == 200
    assert response.get_json()["suivi"]["pieces_manquantes"] == ["piece-identite", "autre"]
    mine = client.get("/api/staff/referentiel", headers=bearer()).get_json()
    assert mine["piece_autre"] == {"code": "autre",
                                   "libelle": "Autre pièce (précisée dans la note)"}
    macon = submit(client, person("Dupont"))
    assert change(client, macon, statut="incomplete",
                  pieces_manquantes=["attestation-echafaudage"]).status_code == 200


def test_a_follow_up_is_dated_by_the_calendar_clock(app: Flask, client: FlaskClient,
                                                    s3: Any) -> None:
    numero = submit(client, person("Martin"))
    assert change(client, numero, statut="confirmation-recue").status_code == 200
    key = f"suivi/{numero.replace('-', '')}.json"
    stored = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    # The test app's clock starts on 2 November 2020 at 10:00 (Paris), like the local run's.
    assert stored["historique"][0]["le"].startswith("2020-11-02T09:0")
    erased = client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer(),
                         json={"confirmation": numero}).get_json()
    assert erased["effacement"]["le"].startswith("2020-11-02T09:0")


def test_the_detail_has_the_candidates_review_and_what_changed_between_versions(
        app: Flask, client: FlaskClient) -> None:
    from handler.dossier import recapitulatif
    from tests.staff.test_suivi import candidate_put

    numero = submit(client, person("Martin", **{"amenagement.demande": True,
                                                "amenagement.precisions": "Tiers temps, dyslexie"}))
    assert candidate_put(client, numero, person(
        "Martin", specialite="cuisine", **{"amenagement.demande": True,
                                           "amenagement.precisions": "Tiers temps, dyslexie"})
    ).status_code == 200
    shown = client.get(f"/api/staff/dossiers/{numero}", headers=bearer()).get_json()
    stored = app.extensions["dossier_store"].dossier(numero.replace("-", "")).body
    session = app.extensions["inscription_session"]
    assert shown["recapitulatif"] == [
        {"titre": s.titre, "lignes": [list(r) for r in s.lignes]}
        for s in recapitulatif.sections(stored, session)]
    rows = {label: value for s in shown["recapitulatif"] for label, value in s["lignes"]}
    assert "Demandé ; précisions : Tiers temps, dyslexie" in rows.values()
    latest, first = shown["versions"]
    assert (latest["version"], first["version"], first["changements"]) == (2, 1, [])
    assert {"groupe": next(s["titre"] for s in shown["recapitulatif"]
                           if "Spécialité" in dict(s["lignes"])),
            "libelle": "Spécialité", "avant": "Maçon", "apres": "Cuisine"
            } in latest["changements"]
    assert all(c["avant"] != c["apres"] for c in latest["changements"])


def test_the_confirmation_pdf_of_any_version_is_served_to_staff(client: FlaskClient) -> None:
    import pypdf

    from tests.staff.test_suivi import candidate_put

    numero = submit(client, person("Martin"))
    assert candidate_put(client, numero, person("Martin", specialite="cuisine")
                         ).status_code == 200

    def text(version: str) -> str:
        response = client.get(f"/api/staff/dossiers/{numero}/confirmation.pdf",
                              query_string={"version": version} if version else {},
                              headers=bearer("lecture"))
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        reader = pypdf.PdfReader(io.BytesIO(response.data))
        return " ".join(page.extract_text() for page in reader.pages)

    assert "Maçon" in text("1") and "(version 1)" in text("1")
    assert "Cuisine" in text("") and "(version 2)" in text("2")
    response = client.get(f"/api/staff/dossiers/{numero}/confirmation.pdf?version=7",
                          headers=bearer())
    assert response.status_code == 404
    assert response.get_json()["code"] == "version_introuvable"


@pytest.mark.parametrize("text", ["N'Diaye", "O’Connor", "L'Haÿ-Cœur", "De La Tour",
                                  "Jean-Baptiste", "ndiaye", "7K3M-Q9PA-R", "A\tB", "Ñúñez",
                                  "ÆSIR", "Straße", "  x  y ", "ǅemal", "ﬁ"])
def test_the_fast_search_key_is_the_identity_rules_comparison_key(text: str) -> None:
    from handler.staff import listing
    from shared_rules.names import comparison_key

    assert listing.search_key(text) == comparison_key(text)
