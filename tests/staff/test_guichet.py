"""The reception desk (issue 27): a scanned paper records « confirmation reçue » for its own
version in two S3 writes, says whose it is and what to check, refuses plainly what it can't
record, undoes a scan, and leaves the candidate's email to the scheduled retry, after the time
« annuler » is offered."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler import notifications
from handler.dossier import suivi
from handler.dossier.numero import canonical, display, new_numero
from handler.platform.clock import FrozenClock
from handler.staff import messages as msg
from tests.fixtures import BUCKET, MAIL_FROM, SITE_URL, Sent, build_app
from tests.staff.conftest import bearer, person, submit, token_hashes
from tests.staff.test_submission_cost import record_calls
from tests.staff.test_suivi import candidate_put, change

NOON = dt.datetime(2020, 11, 19, 12, 0, tzinfo=dt.UTC)


def scan(client: FlaskClient, reference: str, staff: str = "gestion") -> Any:
    return client.post("/api/staff/guichet/scans", json={"reference": reference},
                       headers=bearer(staff))


def undo(client: FlaskClient, numero: str, revision: int) -> Any:
    return client.post("/api/staff/guichet/annulations",
                       json={"numero": numero, "revision": revision}, headers=bearer("gestion"))


def stored_suivi(s3: Any, numero: str) -> dict[str, Any]:
    key = suivi.key(canonical(numero) or "")
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


def listed(client: FlaskClient, numero: str) -> dict[str, Any]:
    rows = client.get("/api/staff/dossiers", query_string={"q": numero},
                      headers=bearer()).get_json()["dossiers"]
    return dict(rows[0])


def test_a_scan_records_the_paper_in_two_writes_and_says_whose_it_is(
        app: Flask, client: FlaskClient, s3: Any) -> None:
    numero = submit(client, person("Martin", **{"etat_civil.prenoms": ["Léa", "Anne"]}))
    calls = record_calls(app)
    response = scan(client, f"{numero}-V1")
    writes = [(method, key) for method, key in calls if method in ("PUT", "POST", "DELETE")]
    assert response.status_code == 201, response.get_json()
    # The follow-up and its index part: the scan's whole cost in writes (issue 27's budget).
    assert [key.split("/")[0] for _, key in writes] == ["suivi", "index"], writes
    body = response.get_json()
    assert body["resultat"] == "enregistree"
    assert body["message"] == "Confirmation signée reçue, enregistrée (version 1)."
    assert body["statut_precedent"] == "Pré-inscrit (confirmation signée attendue)"
    who = body["personne"]
    assert (who["numero"], who["nom_naissance"], who["prenoms"]) == (
        numero, "Martin", ["Léa", "Anne"])
    assert who["pieces"] and all(isinstance(p, str) and p for p in who["pieces"])
    record = stored_suivi(s3, numero)
    assert (record["statut"], record["version_confirmee"], record["revision"]) == (
        "confirmation-recue", 1, 1)
    entry = record["historique"][-1]
    assert (entry["auteur"], entry["version_papier"], entry["guichet"]) == ("gestion", 1, True)
    assert listed(client, numero)["statut"] == "confirmation-recue"


def test_the_same_paper_twice_is_said_already_received_and_changes_nothing(
        client: FlaskClient, s3: Any) -> None:
    numero = submit(client, person("Martin"))
    assert scan(client, f"{numero}-V1").status_code == 201
    again = scan(client, f"{numero.lower().replace('-', ' ')} v1")
    assert again.status_code == 409
    body = again.get_json()
    assert body["code"] == "deja_recue"
    assert body["message"].startswith("Déjà reçue : la confirmation de la version 1 a été "
                                      "enregistrée le ")
    assert "par gestion" in body["message"]
    assert body["personne"]["nom_naissance"] == "Martin"
    assert stored_suivi(s3, numero)["revision"] == 1


def test_an_older_paper_names_its_candidate_and_is_not_recorded(
        client: FlaskClient, s3: Any) -> None:
    dossier = person("Martin")
    numero = submit(client, dossier)
    assert candidate_put(client, numero, {**dossier, "contact": {
        **dossier["contact"], "adresse": "3 rue des Tanneurs"}}).status_code == 200
    response = scan(client, f"{numero}-V1")
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "confirmation_ancienne"
    assert "Papier de la version 1, dossier en version 2" in body["message"]
    assert body["personne"]["version"] == 2
    assert scan(client, f"{numero}-V2").status_code == 201
    # Received since: the old paper is still said to be an older version's, not a transition.
    again = scan(client, f"{numero}-V1").get_json()
    assert again["code"] == "confirmation_ancienne" and again["personne"]["version"] == 2
    # A version the dossier never had: said, with whose number it is.
    future = scan(client, f"{numero}-V7")
    assert future.status_code == 422 and future.get_json()["personne"]["version"] == 2


@pytest.mark.parametrize(("reference", "status", "code"), [
    ("bonjour", 422, "reference_illisible"),
    ("", 422, "reference_illisible"),
    ("7K3M-Q9PA-R-V0", 422, "reference_illisible"),
])
def test_what_is_not_a_confirmation_is_said_plainly(client: FlaskClient, reference: str,
                                                     status: int, code: str) -> None:
    response = scan(client, reference)
    assert (response.status_code, response.get_json()["code"]) == (status, code)
    assert response.get_json()["message"] == msg.REFERENCE_ILLISIBLE


def test_a_number_without_its_version_or_unknown_is_refused_with_what_to_do(
        client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    without = scan(client, numero)
    assert (without.status_code, without.get_json()["code"]) == (422, "version_papier_requise")
    assert without.get_json()["errors"] == {"reference": [msg.REFERENCE_SANS_VERSION]}
    unknown = scan(client, f"{display(new_numero())}-V1")
    assert (unknown.status_code, unknown.get_json()["message"]) == (404, msg.PAPIER_INCONNU)


def test_ended_or_definitive_dossiers_are_not_received_again(client: FlaskClient) -> None:
    refused = submit(client, person("Martin"))
    assert change(client, refused, "refuse", note="Hors délai.").status_code == 200
    response = scan(client, f"{refused}-V1")
    assert (response.status_code, response.get_json()["code"]) == (409, "transition_refusee")
    assert response.get_json()["personne"]["nom_naissance"] == "Martin"
    final = submit(client, person("Durand"))
    assert scan(client, f"{final}-V1").status_code == 201
    assert change(client, final, "definitive").status_code == 200
    again = scan(client, f"{final}-V1")
    assert again.get_json()["code"] == "deja_recue"
    assert "« Inscription définitive »" in again.get_json()["message"]


def test_an_incomplete_dossiers_paper_lists_the_pieces_it_lacked(client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    assert change(client, numero, "incomplete", pieces_manquantes=["piece-identite"],
                  note=None).status_code == 200
    body = scan(client, f"{numero}-V1").get_json()
    assert body["statut_precedent"] == "Dossier incomplet"
    assert len(body["pieces_manquantes"]) == 1


def test_undo_gives_the_status_back_and_a_second_undo_is_refused(
        client: FlaskClient, s3: Any) -> None:
    numero = submit(client, person("Martin"))
    assert change(client, numero, "incomplete", pieces_manquantes=["piece-identite"],
                  note="Copie illisible.").status_code == 200
    revision = scan(client, f"{numero}-V1").get_json()["revision"]
    response = undo(client, numero, revision)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["message"] == (
        "Scan annulé : le dossier est revenu au statut « Dossier incomplet ».")
    record = stored_suivi(s3, numero)
    assert (record["statut"], record["pieces_manquantes"], record["note"],
            record["version_confirmee"], record["revision"]) == (
        "incomplete", ["piece-identite"], "Copie illisible.", None, 3)
    assert record["historique"][-1]["annule"] == revision
    assert listed(client, numero)["statut"] == "incomplete"
    twice = undo(client, numero, revision)
    assert (twice.status_code, twice.get_json()["code"]) == (409, "annulation_impossible")


def test_undo_refuses_a_scan_another_change_followed(client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    revision = scan(client, f"{numero}-V1").get_json()["revision"]
    assert change(client, numero, "definitive").status_code == 200
    response = undo(client, numero, revision)
    assert response.get_json()["code"] == "annulation_impossible"
    # A change made on the dossier's page is not the desk's to undo either.
    page_change = change(client, numero, "confirmation-recue").get_json()
    assert undo(client, numero, page_change["suivi"]["revision"]).status_code == 409


def test_reading_staff_cannot_scan(client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    assert scan(client, f"{numero}-V1", staff="lecture").status_code == 403


def _mail_app(s3: Any, s3_endpoint: str | None, ses: Any, instant: dt.datetime) -> Flask:
    return build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM, SITE_URL=SITE_URL,
                     STAFF_TOKEN_HASHES=token_hashes(), clock=FrozenClock(instant))


@pytest.mark.parametrize("undone", [False, True])
def test_the_email_waits_for_the_undo_window_then_goes_once(
        s3: Any, s3_endpoint: str | None, ses: Any, sent_mail: Sent, undone: bool) -> None:
    desk = _mail_app(s3, s3_endpoint, ses, NOON).test_client()
    numero = submit(desk, person("Martin"))
    before = len(sent_mail())  # the confirmation of the registration
    body = scan(desk, f"{numero}-V1").get_json()
    assert body["courriel"] == "differe"
    shown = desk.get(f"/api/staff/dossiers/{numero}", headers=bearer()).get_json()
    assert shown["suivi"]["courriel"]["statut"] == "differe"
    assert shown["suivi"]["courriel"]["nouvel_essai_automatique"] is True
    if undone:
        assert undo(desk, numero, body["revision"]).status_code == 200
    # Within the window nothing goes; after it, the scheduled retry sends it once.
    soon = _mail_app(s3, s3_endpoint, ses, NOON + dt.timedelta(minutes=2))
    assert notifications.retry_failed(soon)["suivi"]["envoye"] == 0
    later = _mail_app(s3, s3_endpoint, ses, NOON + dt.timedelta(minutes=6))
    assert notifications.retry_failed(later)["suivi"]["envoye"] == (0 if undone else 1)
    assert notifications.retry_failed(later)["suivi"]["envoye"] == 0
    mails = sent_mail()[before:]
    assert len(mails) == (0 if undone else 1)
    if not undone:
        assert mails[0].subject.startswith("Votre confirmation d'inscription au CAP a été reçue")
