"""Bulk actions (issue 27): the same status change for several dossiers, each recorded as a
single change is (author, time, index, email), each answered on its own; « select the whole
search » gives every dossier of the filter with what a change needs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler.dossier import suivi
from handler.dossier.numero import canonical
from handler.staff import lot
from handler.staff import messages as msg
from tests.faults import FaultyClient, client_error
from tests.fixtures import BUCKET, Sent
from tests.staff.conftest import bearer, person, submit
from tests.staff.test_suivi import candidate_put, change


def bulk(client: FlaskClient, statut: str, dossiers: list[dict[str, Any]],
         staff: str = "gestion", **extra: Any) -> Any:
    return client.post("/api/staff/lots", json={"statut": statut, "dossiers": dossiers,
                                                 **extra}, headers=bearer(staff))


def whole(client: FlaskClient, **filters: str) -> Any:
    return client.get("/api/staff/selection", query_string=filters, headers=bearer("lecture"))


def stored_suivi(s3: Any, numero: str) -> dict[str, Any]:
    key = suivi.key(canonical(numero) or "")
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


def test_a_bulk_reception_records_each_and_reports_each_refusal(
        client: FlaskClient, s3: Any) -> None:
    names = ["Martin", "Durand", "Petit", "Moreau"]
    numeros = [submit(client, person(n)) for n in names]
    selected = whole(client).get_json()["dossiers"]
    assert {d["numero"] for d in selected} == set(numeros)
    # Meanwhile one candidate modifies their dossier, and another dossier is refused.
    modified, refused = numeros[1], numeros[2]
    dossier = person("Durand")
    assert candidate_put(client, modified, {**dossier, "contact": {
        **dossier["contact"], "adresse": "3 rue des Tanneurs"}}).status_code == 200
    assert change(client, refused, "refuse", note="Hors délai.").status_code == 200
    response = bulk(client, "confirmation-recue", selected)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    by_numero = {r["numero"]: r for r in body["resultats"]}
    assert (body["enregistres"], body["refuses"]) == (2, 2)
    assert by_numero[modified]["code"] == "dossier_modifie"
    assert by_numero[refused]["code"] == "suivi_concurrent"
    for numero in (numeros[0], numeros[3]):
        assert by_numero[numero] == {"numero": numero, "enregistre": True,
                                     "statut": "confirmation-recue"}
        record = stored_suivi(s3, numero)
        assert (record["statut"], record["version_confirmee"]) == ("confirmation-recue", 1)
        assert record["historique"][-1]["auteur"] == "gestion"
        assert record["historique"][-1]["version_papier"] == 1
    # The list shows them received: the index followed each change.
    received = whole(client, statut="confirmation-recue").get_json()
    assert {d["numero"] for d in received["dossiers"]} == {numeros[0], numeros[3]}
    assert all(d["revision"] == 1 for d in received["dossiers"])


def test_a_refused_transition_is_reported_with_its_reason(client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    assert change(client, numero, "refuse", note="Hors délai.").status_code == 200
    (shown,) = whole(client).get_json()["dossiers"]
    (result,) = bulk(client, "confirmation-recue", [shown]).get_json()["resultats"]
    assert result["code"] == "transition_refusee"
    assert result["message"].startswith("Un dossier au statut « Dossier refusé » ne peut pas")


def test_a_bulk_incomplete_carries_its_piece_and_note_to_each(
        client: FlaskClient, s3: Any) -> None:
    numeros = [submit(client, person(n)) for n in ("Martin", "Durand")]
    selected = whole(client).get_json()["dossiers"]
    response = bulk(client, "incomplete", selected, pieces_manquantes=["piece-identite"],
                    note="Copie illisible.")
    assert response.get_json()["enregistres"] == 2
    for numero in numeros:
        record = stored_suivi(s3, numero)
        assert (record["statut"], record["pieces_manquantes"], record["note"]) == (
            "incomplete", ["piece-identite"], "Copie illisible.")


def test_a_piece_one_dossier_was_not_asked_for_is_refused_for_that_one_only(
        client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    (shown,) = whole(client).get_json()["dossiers"]
    (result,) = bulk(client, "incomplete", [shown],
                     pieces_manquantes=["pas-une-piece"]).get_json()["resultats"]
    assert (result["numero"], result["enregistre"], result["code"]) == (
        numero, False, "statut_invalide")
    assert "pas-une-piece" in result["message"]


@pytest.mark.parametrize(("body", "field"), [
    ({"statut": "incomplete"}, "pieces_manquantes"),
    ({"statut": "definitive"}, "statut"),
    ({"statut": "confirmation-recue", "dossiers": []}, "dossiers"),
    ({"statut": "confirmation-recue",
      "dossiers": [{"numero": "X", "version": 1, "revision": 0}] * (lot.LOT_MAX + 1)},
     "dossiers"),
])
def test_a_bulk_request_is_checked_as_a_whole_first(client: FlaskClient, body: dict[str, Any],
                                                    field: str) -> None:
    body = {"dossiers": [{"numero": "7K3M-Q9PA-R", "version": 1, "revision": 0}], **body}
    response = client.post("/api/staff/lots", json=body, headers=bearer("gestion"))
    assert response.status_code == 422
    assert field in response.get_json()["errors"], response.get_json()


def test_reading_staff_select_but_cannot_change(client: FlaskClient) -> None:
    submit(client, person("Martin"))
    selected = whole(client).get_json()
    assert selected["nombre"] == 1
    assert bulk(client, "confirmation-recue", selected["dossiers"],
                staff="lecture").status_code == 403


def test_each_dossier_changed_in_bulk_gets_its_own_email(
        mail_client: FlaskClient, sent_mail: Sent) -> None:
    numeros = [submit(mail_client, person(n)) for n in ("Martin", "Durand", "Petit")]
    before = len(sent_mail())
    selected = mail_client.get("/api/staff/selection", headers=bearer()).get_json()["dossiers"]
    assert bulk(mail_client, "confirmation-recue", selected).get_json()["enregistres"] == 3
    subjects = [m.subject for m in sent_mail()[before:]]
    assert len(subjects) == 3
    received = "Votre confirmation d'inscription au CAP a été reçue"
    assert all(s.startswith(received) for s in subjects)
    assert sorted(s.rsplit("n° ", 1)[1] for s in subjects) == sorted(numeros)


def test_a_storage_fault_on_one_dossier_leaves_the_others_done(app: Flask,
                                                               client: FlaskClient) -> None:
    numeros = [submit(client, person(n)) for n in ("Martin", "Durand")]
    selected = whole(client).get_json()["dossiers"]
    store = app.extensions["dossier_store"]
    first = canonical(selected[0]["numero"])
    real = store.client

    def fault(name: str, kwargs: dict[str, Any]) -> Exception | None:
        if name == "put_object" and kwargs["Key"] == suivi.key(first or ""):
            return client_error("ServiceUnavailable", 503)
        return None

    store.client = FaultyClient(real, fault)
    try:
        results = bulk(client, "confirmation-recue", selected).get_json()["resultats"]
    finally:
        store.client = real
    assert [r["enregistre"] for r in results] == [False, True]
    assert results[0]["message"] == msg.LOT_STOCKAGE
    assert {r["numero"] for r in results} == set(numeros)
