"""Each staff member's choice of columns, kept server-side (issue 27): read back from any
computer, one object per person keyed by a hash of their identity, written conditionally, and
used by default by nothing but the staff page (an export says its columns)."""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler.staff import columns, preferences
from tests.fixtures import BUCKET
from tests.staff.conftest import bearer


def stored(s3: Any, staff: str) -> dict[str, Any]:
    key = f"preferences/{hashlib.sha256(staff.encode()).hexdigest()}.json"
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


def test_never_chosen_means_every_column_and_the_choices_are_the_columns(
        client: FlaskClient) -> None:
    answer = client.get("/api/staff/preferences", headers=bearer("lecture"))
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["colonnes"], body["revision"]) == (None, 0)
    assert [c["cle"] for c in body["colonnes_disponibles"]] == list(columns.CHOICES)
    assert body["colonnes_disponibles"][0] == {"cle": "numero-d-inscription",
                                               "libelle": "Numéro d'inscription"}
    assert {"cle": "prenoms", "libelle": "Prénoms"} in body["colonnes_disponibles"]


def test_a_choice_is_kept_per_person_in_the_columns_order(client: FlaskClient,
                                                          s3: Any) -> None:
    saved = client.put("/api/staff/preferences", headers=bearer("lecture"),
                       json={"colonnes": ["nom-de-naissance", "numero-d-inscription"]})
    assert saved.status_code == 200
    assert (saved.get_json()["colonnes"], saved.get_json()["revision"]) == (
        ["numero-d-inscription", "nom-de-naissance"], 1)
    # Another computer: the same person, a new request, the same choice.
    again = client.get("/api/staff/preferences", headers=bearer("lecture")).get_json()
    assert again["colonnes"] == ["numero-d-inscription", "nom-de-naissance"]
    # Someone else's is their own.
    assert client.get("/api/staff/preferences", headers=bearer()).get_json()["colonnes"] is None
    assert stored(s3, "lecture") == {"agent": "lecture", "revision": 1,
                                     "colonnes": ["numero-d-inscription", "nom-de-naissance"]}
    back = client.put("/api/staff/preferences", headers=bearer("lecture"),
                      json={"colonnes": None})
    assert (back.get_json()["colonnes"], back.get_json()["revision"]) == (None, 2)


@pytest.mark.parametrize(("body", "errors"), [
    ({"colonnes": ["age"]}, {"colonnes.0": ["Colonne inconnue : « age »."]}),
    ({"colonnes": []}, {"colonnes": ["Choisissez au moins une colonne."]}),
    ({}, {"colonnes": ["Ce champ est obligatoire : renseignez-le."]}),
    ({"colonnes": ["sexe"], "theme": "sombre"},
     {"theme": ["Ce champ n'est pas attendu par le formulaire : retirez-le."]}),
])
def test_a_wrong_choice_is_refused_and_nothing_written(client: FlaskClient, s3: Any,
                                                       body: dict[str, Any],
                                                       errors: dict[str, list[str]]) -> None:
    answer = client.put("/api/staff/preferences", headers=bearer("lecture"), json=body)
    assert answer.status_code == 422
    assert answer.get_json()["code"] == "preferences_invalides"
    assert answer.get_json()["errors"] == errors
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="preferences/")["KeyCount"] == 0


@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)  # threads: moto's server
def test_two_windows_saving_at_once_leave_one_whole_choice(app: Flask, s3: Any) -> None:
    store = app.extensions["dossier_store"]
    choices = [["sexe"], ["commune", "adresse"], ["statut"], ["version", "cree-le"]]
    threads = [threading.Thread(target=preferences.save, args=(store, "lecture"),
                                kwargs={"colonnes": c}) for c in choices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = stored(s3, "lecture")
    assert final["revision"] == len(choices)  # every save counted: none overwrote another
    assert final["colonnes"] in [[k for k in columns.CHOICES if k in c] for c in choices]
