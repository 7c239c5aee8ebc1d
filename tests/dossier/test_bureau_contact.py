"""Issue 13, point 6: every message that sends people to the bureau DEC 4 says how to reach it
(phone, email, postal address; each unknown part « à confirmer »), and production refuses to
start while that contact is unconfirmed."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

import shared_rules
from handler.app import create_app
from handler.platform.config import ConfigError
from tests.factories import make_dossier

SESSION = shared_rules.get_session("cap-limoges-2021-06")
assert SESSION is not None
CONTACT = ("Rectorat de Limoges, Bureau DEC 4 (téléphone : à confirmer ; courriel : à confirmer ; "
           "adresse : rue François Chénieux, Limoges, code postal à confirmer)")


def test_the_contact_names_each_unconfirmed_part() -> None:
    assert shared_rules.bureau_contact(SESSION) == CONTACT
    assert SESSION.contact_bureau.a_confirmer
    assert (SESSION.contact_bureau.telephone, SESSION.contact_bureau.courriel) == (None, None)


def test_production_refuses_to_start_while_the_contact_is_unconfirmed() -> None:
    with pytest.raises(ConfigError, match="retour_confirmation.contact_bureau"):
        create_app({"INSCRIPTION_ENV": "production", "SITE_URL": "https://cap.exemple.fr/"},
                   s3_client=object())


def test_already_registered_gives_the_contact(client: FlaskClient) -> None:
    assert client.post("/api/dossiers", json=make_dossier()).status_code == 201
    body = client.post("/api/dossiers", json=make_dossier()).get_json()
    assert body["code"] == "deja_inscrit" and CONTACT in body["message"]


def test_the_closed_registry_gives_the_contact(frozen_app: Any) -> None:
    client = frozen_app("2020-11-20T17:00:00+01:00").test_client()
    body = client.post("/api/dossiers", json=make_dossier()).get_json()
    assert body["code"] == "inscriptions_fermees" and CONTACT in body["message"]


def test_the_late_return_message_gives_the_contact() -> None:
    assert f"contactez le {CONTACT}, pour savoir" in shared_rules.late_return_message(SESSION)
