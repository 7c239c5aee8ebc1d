"""Issue 17: the addresses SES can't send to (no SMTPUTF8) and that no candidate has are refused
with a French message that says why; an internationalised domain is stored as typed and sent in
punycode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shared_rules import messages as msg
from tests.factories import make_dossier
from tests.fixtures import SentMail, read_dossier


@pytest.mark.parametrize(("address", "message"), [
    ("inès.rousseau@exemple.fr", msg.EMAIL_ACCENTS),
    ("李雷@exemple.fr", msg.EMAIL_ACCENTS),
    ('"x,y@evil.example"@exemple.fr', msg.EMAIL_GUILLEMETS),
    ('"a\x01b"@exemple.fr', msg.EMAIL_CARACTERES_CONTROLE),
    ("a@localhost", msg.EMAIL_DOMAINE_SANS_POINT),
    ("a@[127.0.0.1]", msg.EMAIL_DOMAINE_LITTERAL),
    ("marie@exemple.test", msg.EMAIL_INVALIDE),
    ("marie@exemple..fr", msg.EMAIL_INVALIDE),
])
def test_an_address_mail_cannot_reach_is_refused_saying_why(
        client: FlaskClient, address: str, message: str) -> None:
    response = client.post("/api/dossiers/verification",
                           json=make_dossier({"contact.email": address}))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"contact.email": [message]}


def test_an_internationalised_domain_is_kept_as_typed_and_sent_in_punycode(
        mail_app: Flask, s3: Any, sent_mail: Callable[[], list[SentMail]]) -> None:
    response = mail_app.test_client().post(
        "/api/dossiers", json=make_dossier({"contact.email": "jean@école.fr"}))
    assert response.status_code == 201
    body = response.get_json()
    assert body["dossier"]["contact"]["email"] == "jean@école.fr"
    assert read_dossier(s3, body["numero"])["dossier"]["contact"]["email"] == "jean@école.fr"
    assert [m.to for m in sent_mail()] == [["jean@xn--cole-9oa.fr"]]
