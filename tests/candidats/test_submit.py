"""POST /api/dossiers and /api/dossiers/verification."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import shared_rules
from handler.dossier.numero import canonical
from handler.platform import messages as msg
from tests.factories import make_dossier
from tests.fixtures import all_keys, read_dossier


def submit(client: FlaskClient, dossier: Any, **headers: str) -> Any:
    return client.post("/api/dossiers", json=dossier, headers=headers)


def test_a_valid_dossier_is_recorded_with_a_number(client: FlaskClient, s3: Any) -> None:
    response = submit(client, make_dossier())
    assert response.status_code == 201
    body = response.get_json()
    numero = body["numero"]
    assert canonical(numero) is not None and len(numero) == 11  # 7K3M-Q9PA-R
    expected_dossier = shared_rules.load(make_dossier())
    assert body == {
        "numero": numero,
        "version": 1,
        "cree_le": "2020-11-02T10:00:00+01:00",
        "modifie_le": "2020-11-02T10:00:00+01:00",
        "dossier": expected_dossier,
        "pieces": shared_rules.required_pieces(expected_dossier),
        "retour_tardif": False,
        "message_retour_tardif": None,
        "avertissements": {},
        "courriel": "desactive",
        "suivi": {"statut": "pre-inscrit", "libelle": "Pré-inscrit (confirmation signée attendue)",
                  "etat": "Pré-inscrit : nous attendons votre confirmation signée",
                  "a_faire": [
                      "Envoyez votre confirmation d'inscription signée, avec les pièces "
                      "demandées, au Rectorat de Limoges, Bureau DEC 4. Dès sa réception, "
                      "l'état de votre dossier sera indiqué sur la page « Consulter ou modifier "
                      "mon dossier », jusqu'à votre inscription définitive."],
                  "adresse": [],
                  "pieces_manquantes": [], "note": None, "nouvelle_confirmation_requise": False,
                  "message": None},
    }
    assert response.headers["ETag"] == '"v1"'
    assert response.headers["Cache-Control"] == "no-store"
    stored = read_dossier(s3, numero)
    assert stored["dossier"] == expected_dossier
    assert stored["version"] == 1 and stored["historique"] == []
    assert stored["identite"] == shared_rules.identity_key(expected_dossier)


def test_the_stored_json_keeps_accents_readable(client: FlaskClient, s3: Any) -> None:
    numero = submit(client, make_dossier()).get_json()["numero"]
    raw = s3.get_object(Bucket="dossiers-test",
                        Key=f"dossiers/{canonical(numero)}.json")["Body"].read()
    assert "L'Haÿ-Cœur".encode() in raw


def test_an_invalid_dossier_gets_422_with_errors_by_path_and_nothing_stored(
    client: FlaskClient, s3: Any,
) -> None:
    dossier = make_dossier({"eps.activites": ["sauvetage", "demi-fond"],
                            "contact.email": DELETE_EMAIL})
    response = submit(client, dossier)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "dossier_invalide"
    assert body["message"] == msg.DOSSIER_INVALIDE
    assert body["errors"] == shared_rules.validate(dossier)
    assert set(body["errors"]) == {"eps.activites", "contact.email"}
    assert all_keys(s3) == []


DELETE_EMAIL = "pas-une-adresse"


def test_a_dossier_for_another_session_is_refused_on_session(client: FlaskClient) -> None:
    response = submit(client, make_dossier(session="cap-limoges-2022-06"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"session": [
        msg.SESSION_AUTRE.format(session="2021-06")]}


@pytest.mark.parametrize("variant", [
    {"etat_civil.nom_naissance": "L'HAŸ-CŒUR",
     "etat_civil.prenoms": ["marie ève", "FRANÇOISE", "nunez"]},
    # Issue 24: the same person with first names reordered got a second dossier.
    {"etat_civil.nom_naissance": "lhay coeur", "etat_civil.prenoms": ["Françoise", "Ñúñez",
                                                                      "Marie-Eve"],
     "contact.email": "autre@exemple.fr", "specialite": "couvreur"},
])
def test_the_same_person_cannot_register_twice(client: FlaskClient, s3: Any,
                                                variant: dict[str, Any]) -> None:
    first = submit(client, make_dossier())
    assert first.status_code == 201
    second = submit(client, make_dossier(variant))
    assert second.status_code == 409
    body = second.get_json()
    assert body["code"] == "deja_inscrit"
    assert "Rectorat de Limoges, Bureau DEC 4" in body["message"]
    assert "numéro d'inscription" in body["message"]
    assert [k for k in all_keys(s3) if k.startswith("dossiers/")] == [
        f"dossiers/{canonical(first.get_json()['numero'])}.json"]


def test_another_person_can_register(client: FlaskClient) -> None:
    assert submit(client, make_dossier()).status_code == 201
    other = make_dossier({"etat_civil.prenoms": ["Françoise"]})
    assert submit(client, other).status_code == 201


@pytest.mark.parametrize("pair", [
    # Issue 24: « Ahmadi Mohammad 01/01/1996 » and « Ahmadi Mohammad Reza 01/01/1996, born
    # elsewhere », « Nguyen Van Minh » and « Nguyễn Văn Hùng » born 2000-01-01: four people.
    [{"etat_civil.nom_naissance": "Ahmadi", "etat_civil.prenoms": ["Mohammad"],
      "etat_civil.date_naissance": "1996-01-01", "etat_civil.commune_naissance": "Hérat"},
     {"etat_civil.nom_naissance": "Ahmadi", "etat_civil.prenoms": ["Mohammad", "Reza"],
      "etat_civil.date_naissance": "1996-01-01", "etat_civil.commune_naissance": "Kaboul"}],
    [{"etat_civil.nom_naissance": "Nguyen", "etat_civil.prenoms": ["Van", "Minh"],
      "etat_civil.date_naissance": "2000-01-01", "etat_civil.commune_naissance": "Hanoï"},
     {"etat_civil.nom_naissance": "Nguyễn", "etat_civil.prenoms": ["Văn", "Hùng"],
      "etat_civil.date_naissance": "2000-01-01", "etat_civil.commune_naissance": "Hanoï"}],
], ids=["ahmadi", "nguyen"])
def test_homonyms_born_on_the_same_day_are_both_registered(client: FlaskClient, s3: Any,
                                                           pair: list[dict[str, Any]]) -> None:
    numeros = []
    for person in pair:
        response = submit(client, make_dossier(person))
        assert response.status_code == 201, response.get_json()
        numeros.append(canonical(response.get_json()["numero"]))
    claims = sorted(k for k in all_keys(s3) if k.startswith("identites/"))
    groups = {k.split("/")[2] for k in claims}
    assert len(claims) == 2 and len(groups) == 1  # one homonym group, two people


def test_a_retry_with_the_same_idempotency_key_returns_the_same_number(
    client: FlaskClient, s3: Any,
) -> None:
    first = submit(client, make_dossier(), **{"Idempotency-Key": "form-0123456789"})
    again = submit(client, make_dossier(), **{"Idempotency-Key": "form-0123456789"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json()["numero"] == first.get_json()["numero"]
    assert len([k for k in all_keys(s3) if k.startswith("dossiers/")]) == 1


def test_the_same_key_with_another_body_is_refused(client: FlaskClient) -> None:
    submit(client, make_dossier(), **{"Idempotency-Key": "form-0123456789"})
    other = submit(client, make_dossier({"specialite": "couvreur"}),
                   **{"Idempotency-Key": "form-0123456789"})
    assert other.status_code == 422
    assert other.get_json() == {"code": "cle_idempotence_reutilisee",
                                "message": msg.CLE_IDEMPOTENCE_REUTILISEE, "errors": {}}


def test_a_malformed_idempotency_key_is_refused(client: FlaskClient) -> None:
    response = submit(client, make_dossier(), **{"Idempotency-Key": "court"})
    assert response.status_code == 400
    assert response.get_json()["code"] == "cle_idempotence_invalide"


@pytest.mark.parametrize(("instant", "status"), [
    ("2020-10-14T06:59:59+00:00", 403),
    ("2020-10-14T07:00:00+00:00", 201),
    ("2020-11-20T15:59:59+00:00", 201),
    ("2020-11-20T16:00:00+00:00", 403),
])
def test_submissions_follow_the_window_edges(frozen_app: Any, instant: str,
                                             status: int) -> None:
    client = frozen_app(instant).test_client()
    response = submit(client, make_dossier())
    assert response.status_code == status
    if status == 403:
        body = response.get_json()
        assert body["code"] == "inscriptions_fermees"
        assert "mercredi 14 octobre 2020 à 9 h 00" in body["message"] or (
            "vendredi 20 novembre 2020 à 17 h 00" in body["message"])


def test_before_the_opening_the_message_gives_both_dates(frozen_app: Any) -> None:
    response = submit(frozen_app("2020-10-01T12:00:00+02:00").test_client(), make_dossier())
    assert response.get_json()["message"] == msg.INSCRIPTIONS_PAS_ENCORE_OUVERTES.format(
        ouverture="mercredi 14 octobre 2020 à 9 h 00",
        cloture="vendredi 20 novembre 2020 à 17 h 00")


def test_a_dossier_created_on_18_november_carries_the_late_return_message(
    frozen_app: Any,
) -> None:
    response = submit(frozen_app("2020-11-18T08:00:00+01:00").test_client(), make_dossier())
    body = response.get_json()
    session = shared_rules.get_session("cap-limoges-2021-06")
    assert session is not None
    assert body["retour_tardif"] is True
    assert body["message_retour_tardif"] == shared_rules.late_return_message(session)


def test_verification_validates_and_stores_nothing(client: FlaskClient, s3: Any) -> None:
    ok = client.post("/api/dossiers/verification", json=make_dossier())
    assert ok.status_code == 200
    assert ok.get_json()["valide"] is True
    assert ok.get_json()["pieces"] == shared_rules.required_pieces(make_dossier())
    bad = client.post("/api/dossiers/verification",
                      json=make_dossier({"etat_civil.date_naissance": "2004-01-01"}))
    assert bad.status_code == 422
    assert list(bad.get_json()["errors"]) == ["etat_civil.date_naissance"]
    assert all_keys(s3) == []


def test_a_body_over_1_mb_gets_413_before_parsing(client: FlaskClient, s3: Any) -> None:
    body = b'{"x": "' + b"a" * (1024 * 1024) + b'"}'
    response = client.post("/api/dossiers", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["code"] == "corps_trop_gros"
    assert all_keys(s3) == []


def test_a_body_that_is_not_json_gets_415(client: FlaskClient) -> None:
    response = client.post("/api/dossiers", data="nom=Dupont",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.get_json() == {"code": "json_attendu", "message": msg.JSON_ATTENDU,
                                   "errors": {}}


def test_broken_json_gets_400(client: FlaskClient) -> None:
    response = client.post("/api/dossiers", data="{pas du json",
                           content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["code"] == "requete_invalide"


@pytest.mark.parametrize("body", [[], "texte", 42, None])
def test_json_that_is_not_an_object_gets_422(client: FlaskClient, body: Any) -> None:
    response = client.post("/api/dossiers", data=json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"dossier": [shared_rules.messages.OBJET_ATTENDU]}


def test_unknown_routes_and_methods_answer_in_json(client: FlaskClient) -> None:
    missing = client.get("/api/nulle-part")
    assert missing.status_code == 404 and missing.get_json()["code"] == "introuvable"
    wrong = client.delete("/api/dossiers")
    assert wrong.status_code == 405 and wrong.get_json()["code"] == "methode_non_autorisee"


def test_cors_allows_the_site_origin_only(s3: Any, s3_endpoint: str | None) -> None:
    from tests.fixtures import build_app

    app: Flask = build_app(s3, s3_endpoint, SITE_ORIGIN="https://inscription.example.fr")
    client = app.test_client()
    good = client.options("/api/dossiers", headers={
        "Origin": "https://inscription.example.fr", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,idempotency-key"})
    assert good.headers["Access-Control-Allow-Origin"] == "https://inscription.example.fr"
    bad = client.options("/api/dossiers", headers={
        "Origin": "https://malveillant.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in bad.headers
