"""Naive bots are turned away by the form's signals; API clients and candidates are not."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from handler.candidats.spam import FILL_TIME_HEADER, HONEYPOT_HEADER
from handler.platform import messages as msg
from tests.factories import make_dossier
from tests.fixtures import all_keys


def submit(app: Flask, headers: dict[str, str], ip: str = "203.0.113.7",
           dossier: dict[str, Any] | None = None) -> Any:
    return app.test_client().post("/api/dossiers", json=dossier or make_dossier(),
                                  headers=headers, environ_base={"REMOTE_ADDR": ip})


def test_a_form_filled_by_a_person_is_accepted(app: Flask) -> None:
    response = submit(app, {HONEYPOT_HEADER: "", FILL_TIME_HEADER: "312.4"})
    assert response.status_code == 201


def test_an_api_client_without_signals_is_accepted(app: Flask) -> None:
    assert submit(app, {}).status_code == 201


@pytest.mark.parametrize("headers", [
    {HONEYPOT_HEADER: "http://spam.example", FILL_TIME_HEADER: "120"},
    {HONEYPOT_HEADER: "", FILL_TIME_HEADER: "0.4"},
    {FILL_TIME_HEADER: "vite"},
    {FILL_TIME_HEADER: "nan"},
], ids=["honeypot-filled", "too-fast", "not-a-number", "nan"])
def test_bot_signals_refuse_the_submission_and_store_nothing(
    app: Flask, s3: Any, headers: dict[str, str],
) -> None:
    response = submit(app, headers)
    assert response.status_code == 400
    assert response.get_json() == {"code": "envoi_refuse", "message": msg.ENVOI_REFUSE,
                                   "errors": {}}
    assert all_keys(s3) == []


def test_one_client_is_limited_others_are_not(app: Flask) -> None:
    for person in range(20):
        dossier = make_dossier({"etat_civil.prenoms": [f"Prenom{chr(97 + person)}"]})
        assert submit(app, {}, dossier=dossier).status_code == 201
    limited = submit(app, {}, dossier=make_dossier({"etat_civil.prenoms": ["Dernier"]}))
    assert limited.status_code == 429
    assert limited.get_json() == {"code": "trop_de_requetes", "message": msg.TROP_D_ENVOIS,
                                  "errors": {}}
    assert int(limited.headers["Retry-After"]) > 0
    other = submit(app, {}, ip="198.51.100.1",
                   dossier=make_dossier({"etat_civil.prenoms": ["Dernier"]}))
    assert other.status_code == 201
