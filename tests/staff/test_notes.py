"""Issue 27: the bureau's private notes on a dossier — kept with their author and time, shown
on the staff's dossier, never on the candidate's side (page, API, emails), erased with the
dossier in every version."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures import BUCKET, SentMail
from tests.staff.conftest import bearer, person, submit
from tests.staff.test_suivi import BORN, candidate_put, change

NOTE = "Appelée le 3/11 : envoie l'attestation lundi.\nPenser à vérifier le tampon."


def _add(client: FlaskClient, numero: str, texte: Any, staff: str = "secretariat") -> Any:
    return client.post(f"/api/staff/dossiers/{numero}/notes", json={"texte": texte},
                       headers=bearer(staff))


def test_a_private_note_is_kept_with_its_author_and_never_reaches_the_candidate(
        mail_client: FlaskClient, s3: Any, sent_mail: Callable[[], list[SentMail]]) -> None:
    numero = submit(mail_client, person("Martin"))
    response = _add(mail_client, numero, NOTE)
    assert response.status_code == 201
    (note,) = response.get_json()["notes_internes"]
    assert (note["texte"], note["auteur"]) == (NOTE, "secretariat")
    assert note["le"].endswith("+00:00")
    assert _add(mail_client, numero, "Deuxième note.", staff="dec4").status_code == 201
    shown = mail_client.get(f"/api/staff/dossiers/{numero}", headers=bearer("lecture")).get_json()
    assert [(n["texte"], n["auteur"]) for n in shown["notes_internes"]] == [
        (NOTE, "secretariat"), ("Deuxième note.", "dec4")]
    # Nothing of it on the candidate's side: the API, a modification's answer, the emails.
    assert change(mail_client, numero, "incomplete", pieces_manquantes=["piece-identite"],
                  note="Copie illisible.").status_code == 200
    candidate = mail_client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": BORN})
    modified = candidate_put(mail_client, numero, person("Martin", **{"contact.adresse": "3 rue"}))
    for body in (candidate.data, modified.data, *(m.body.encode() for m in sent_mail())):
        assert b"attestation lundi" not in body and "Deuxième note".encode() not in body
    key = f"notes-internes/{numero.replace('-', '')}.json"
    stored = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    assert len(stored["notes"]) == 2


@pytest.mark.parametrize(("texte", "status"), [("", 422), ("   \n ", 422), ("x" * 2001, 422),
                                                ("a\x07b", 422), (12, 422)])
def test_a_bad_note_is_refused_in_french(client: FlaskClient, texte: Any, status: int) -> None:
    numero = submit(client, person("Martin"))
    response = _add(client, numero, texte)
    assert response.status_code == status
    assert response.get_json()["code"] == "note_invalide"
    assert "texte" in response.get_json()["errors"]


def test_reading_staff_may_not_write_a_note_and_an_unknown_number_is_404(
        client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    assert _add(client, numero, "Lecture seule.", staff="lecture").status_code == 403
    assert _add(client, "0000-0000-0", "Personne.").status_code == 404


def test_two_agents_adding_a_note_at_once_both_keep_theirs(app: Flask, client: FlaskClient,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from handler.staff import notes

    numero = submit(client, person("Martin"))
    store = app.extensions["dossier_store"]
    original = store.write
    raced = []

    def write_after_another(key: str, body: dict[str, Any], **options: Any) -> str:
        if key.startswith(notes.NOTES) and not raced:
            raced.append(True)
            original(key, {"numero": body["numero"], "notes": [
                {"texte": "Celle de l'autre agent.", "auteur": "dec4", "le": "x"}]},
                if_none_match=True)
        return str(original(key, body, **options))

    monkeypatch.setattr(store, "write", write_after_another)
    response = _add(client, numero, "La mienne.")
    assert response.status_code == 201
    assert [n["texte"] for n in response.get_json()["notes_internes"]] == [
        "Celle de l'autre agent.", "La mienne."]
