"""GET and PUT /api/dossiers/{numero}: the number and the birth date open the dossier."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

import shared_rules
from handler.platform import messages as msg
from tests.factories import make_dossier
from tests.fixtures import all_keys, read_dossier

BORN = "1998-05-17"


def create(client: FlaskClient, dossier: dict[str, Any] | None = None) -> str:
    response = client.post("/api/dossiers", json=dossier or make_dossier())
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["numero"])


def consult(client: FlaskClient, numero: str, born: str = BORN) -> Any:
    return client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": born})


def modify(client: FlaskClient, numero: str, dossier: dict[str, Any], born: str = BORN,
           **headers: str) -> Any:
    return client.put(f"/api/dossiers/{numero}", json=dossier,
                      headers={"X-Date-Naissance": born, **headers})


def test_the_owner_reads_the_dossier(client: FlaskClient) -> None:
    numero = create(client)
    response = consult(client, numero)
    assert response.status_code == 200
    body = response.get_json()
    assert body["numero"] == numero
    assert body["dossier"] == shared_rules.load(make_dossier())
    assert body["version"] == 1
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("typed", [str.lower, lambda n: n.replace("-", " "),
                                   lambda n: n.replace("-", "")])
def test_the_number_is_accepted_in_any_case_with_spaces_or_dashes(client: FlaskClient,
                                                                  typed: Any) -> None:
    numero = create(client)
    assert consult(client, typed(numero)).status_code == 200


@pytest.mark.parametrize("born", ["1996", "1996-03"])
def test_papers_with_no_day_open_the_dossier_with_the_date_as_written(client: FlaskClient,
                                                                     born: str) -> None:
    """Issue 24: the birth date is the credential whatever the papers carry: the same written
    form (« mon dossier » sends it from 00 typed in the boxes); any full date is another one."""
    numero = create(client, make_dossier({"etat_civil.date_naissance": born}))
    assert consult(client, numero, born=born).status_code == 200
    for other in ("1996-01-01", "1996-03-01", "1997"):
        if other != born:
            assert consult(client, numero, born=other).status_code == 404
    assert consult(client, numero, born="1996-00-00").status_code == 400


def test_a_wrong_birth_date_answers_exactly_like_an_unknown_number(client: FlaskClient) -> None:
    numero = create(client)
    wrong_date = consult(client, numero, born="1998-05-18")
    unknown = consult(client, "0000-0000-0")
    assert wrong_date.status_code == unknown.status_code == 404
    assert wrong_date.get_json() == unknown.get_json() == {
        "code": "dossier_introuvable", "message": msg.DOSSIER_INTROUVABLE, "errors": {}}
    assert consult(client, "..%2F..%2Fetc%2Fpasswd").status_code in (404, 422)


def test_a_number_that_cant_be_one_says_which_part_is_wrong(client: FlaskClient) -> None:
    """Issue 29, item 8: a truncated number, a wrong check character and a wrong birth date all
    got the same 404. A malformed number is a typing error that says nothing of the numbers
    that exist: 422 `numero_invalide`, on the number, saying what is wrong."""
    numero = create(client)
    wrong_check = numero[:-1] + ("0" if numero[-1] != "0" else "1")

    def said(typed: str) -> str:
        response = consult(client, typed)
        assert (response.status_code, response.get_json()["code"]) == (422, "numero_invalide")
        assert response.get_json()["errors"] == {"numero": [response.get_json()["message"]]}
        return str(response.get_json()["message"])

    assert "vous en avez saisi 8" in said(numero[:-2])
    assert "faute de frappe" in said(wrong_check)
    assert said("n%27importe%20quoi").endswith("retirez « ' », « u ».")  # « n'importe quoi »
    assert "plus de 40" in said("A" * 5000)


def test_a_missing_birth_date_header_is_explained(client: FlaskClient) -> None:
    numero = create(client)
    response = client.get(f"/api/dossiers/{numero}")
    assert response.status_code == 400
    assert response.get_json()["message"] == msg.DATE_NAISSANCE_ENTETE


def test_a_modification_makes_a_new_version_and_keeps_the_old(client: FlaskClient,
                                                              s3: Any) -> None:
    numero = create(client)
    changed = make_dossier({"specialite": "couvreur",
                            "eps": {"dispense": True, "activites": []}})
    response = modify(client, numero, changed)
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == 2 and body["modifie"] is True
    assert body["dossier"]["specialite"] == "couvreur"
    assert [p["code"] for p in body["pieces"]] == [
        "piece-identite", "diplome-et-releve-de-notes", "attestation-echafaudage"]
    assert response.headers["ETag"] == '"v2"'
    stored = read_dossier(s3, numero)
    assert stored["version"] == 2
    assert stored["cree_le"] == "2020-11-02T10:00:00+01:00"
    assert [v["version"] for v in stored["historique"]] == [1]
    assert stored["historique"][0]["dossier"]["specialite"] == "macon"
    assert consult(client, numero).get_json()["version"] == 2


def test_a_modification_is_validated_like_a_creation(client: FlaskClient, s3: Any) -> None:
    numero = create(client)
    response = modify(client, numero, make_dossier({"eps.activites": ["sauvetage",
                                                                      "tennis-de-table"]}))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["eps.activites"]
    assert read_dossier(s3, numero)["version"] == 1


def test_a_wrong_birth_date_cannot_modify(client: FlaskClient, s3: Any) -> None:
    numero = create(client)
    response = modify(client, numero, make_dossier(), born="2000-01-01")
    assert response.status_code == 404
    assert read_dossier(s3, numero)["version"] == 1


def test_modifications_are_refused_after_the_closing(client: FlaskClient, frozen_app: Any,
                                                     s3: Any) -> None:
    numero = create(client)
    closed = frozen_app("2020-11-20T17:00:00+01:00").test_client()
    assert consult(closed, numero).status_code == 200  # reading stays possible
    response = modify(closed, numero, make_dossier({"specialite": "couvreur"}))
    assert response.status_code == 403
    assert response.get_json()["code"] == "inscriptions_fermees"
    assert read_dossier(s3, numero)["version"] == 1


def test_a_stale_version_is_a_clean_conflict(client: FlaskClient, s3: Any) -> None:
    numero = create(client)
    assert modify(client, numero, make_dossier({"specialite": "couvreur"}),
                  **{"If-Match": '"v1"'}).status_code == 200
    stale = modify(client, numero, make_dossier({"specialite": "macon"}),
                   **{"If-Match": '"v1"'})
    assert stale.status_code == 409
    assert stale.get_json()["code"] == "modification_concurrente"
    assert read_dossier(s3, numero)["dossier"]["specialite"] == "couvreur"


def test_correcting_the_name_moves_the_identity(client: FlaskClient, s3: Any) -> None:
    numero = create(client)
    corrected = make_dossier({"etat_civil.nom_naissance": "Dupont-Cœur"})
    assert modify(client, numero, corrected).status_code == 200
    # The old identity is free again; the new one is taken.
    assert client.post("/api/dossiers", json=make_dossier()).status_code == 201
    assert client.post("/api/dossiers", json=corrected).status_code == 409
    claims = [k for k in all_keys(s3) if k.startswith("identites/")]
    assert len(claims) == 2


def test_a_modification_cannot_take_another_persons_identity(client: FlaskClient,
                                                             s3: Any) -> None:
    first = create(client)
    other = make_dossier({"etat_civil.prenoms": ["Françoise"]})
    create(client, other)
    response = modify(client, first, other)
    assert response.status_code == 409
    assert response.get_json()["code"] == "deja_inscrit"
    assert read_dossier(s3, first)["version"] == 1


@pytest.mark.parametrize("if_match", ['"abc"', "*", '"v1", "v2"', "v1", '"v1'])
def test_a_malformed_if_match_is_refused_and_writes_nothing(client: FlaskClient, s3: Any,
                                                            if_match: str) -> None:
    numero = create(client)
    before = all_keys(s3)
    refused = modify(client, numero, make_dossier({"specialite": "couvreur"}),
                     **{"If-Match": if_match})
    assert refused.status_code == 400
    assert refused.get_json() == {"code": "if_match_invalide", "message": msg.IF_MATCH_INVALIDE,
                                  "errors": {}}
    assert read_dossier(s3, numero)["version"] == 1
    assert all_keys(s3) == before  # not even a proof counted


def test_an_unchanged_dossier_makes_no_new_version_and_no_email(
        mail_app: Any, s3: Any, sent_mail: Any) -> None:
    """Issue 17: saving « mon dossier » unchanged answers the current version, modifie false."""
    client = mail_app.test_client()
    numero = create(client)
    assert len(sent_mail()) == 1
    before = read_dossier(s3, numero)
    response = modify(client, numero, make_dossier(), **{"If-Match": '"v1"'})
    assert response.status_code == 200
    body = response.get_json()
    assert body == {**consult(client, numero).get_json(), "modifie": False}
    assert body["version"] == 1 and body["courriel"] == "envoye"
    assert response.headers["ETag"] == '"v1"'
    assert read_dossier(s3, numero) == before
    assert len(sent_mail()) == 1  # no second email


def test_an_unchanged_dossier_under_a_stale_version_is_still_a_conflict(
        client: FlaskClient) -> None:
    numero = create(client)
    assert modify(client, numero, make_dossier({"contact.adresse": "3 rue"})).status_code == 200
    response = modify(client, numero, make_dossier({"contact.adresse": "3 rue"}),
                      **{"If-Match": '"v1"'})
    assert response.status_code == 409
    assert response.get_json()["code"] == "modification_concurrente"
