"""« Déjà inscrit »: who is registered can be asked, so it is limited and told to the holder."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import shared_rules
from handler.candidats import doublons
from handler.platform import messages as msg
from tests.factories import make_dossier
from tests.fixtures import BUCKET, MAIL_FROM, SITE_URL, Sent, SentMail, all_keys, build_app

HOLDER_EMAIL = "marie-eve.lhay@exemple.fr"
ATTACKER_EMAIL = "usurpateur@exemple.fr"
BORN = "1998-05-17"
#: The holder's identity (name, first name, birth date) with the attacker's address.
SQUAT = {"contact.email": ATTACKER_EMAIL, "specialite": "couvreur"}
DESTINATAIRE = "Rectorat de Limoges, Bureau DEC 4"
#: What an API message puts after « contactez le » (shared_rules.bureau_contact).
CONTACT = shared_rules.bureau_contact(shared_rules.get_session("cap-limoges-2021-06"))


def post(client: FlaskClient, dossier: dict[str, Any], ip: str) -> Any:
    return client.post("/api/dossiers", json=dossier, headers={"X-Forwarded-For": ip})


def put(client: FlaskClient, numero: str, dossier: dict[str, Any], ip: str,
        born: str = BORN) -> Any:
    return client.put(f"/api/dossiers/{numero}", json=dossier,
                      headers={"X-Forwarded-For": ip, "X-Date-Naissance": born})


def make_app(s3: Any, s3_endpoint: str | None, ses: Any, **config: Any) -> Flask:
    return build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM, SITE_URL=SITE_URL,
                     CLIENT_IP_HEADER="X-Forwarded-For", **config)


@pytest.fixture
def app(s3: Any, s3_endpoint: str | None, ses: Any) -> Flask:
    return make_app(s3, s3_endpoint, ses)


@pytest.fixture
def holder(app: Flask) -> str:
    response = post(app.test_client(), make_dossier(), "198.51.100.1")
    assert response.status_code == 201
    return str(response.get_json()["numero"])


def alerts(sent: list[SentMail]) -> list[SentMail]:
    return [m for m in sent if m.subject.startswith("Tentative de pré-inscription")]


def test_a_registration_in_the_holders_name_is_refused_and_told_to_them_once_a_day(
        app: Flask, holder: str, sent_mail: Sent) -> None:
    client = app.test_client()
    for i in range(3):
        response = post(client, make_dossier(SQUAT), f"203.0.113.{i + 1}")
        assert response.status_code == 409
        assert response.get_json()["code"] == "deja_inscrit"
    (alert,) = alerts(sent_mail())
    assert alert.to == [HOLDER_EMAIL]
    assert alert.subject == "Tentative de pré-inscription à votre nom au CAP"
    text = html.unescape(alert.body)
    assert "Une pré-inscription à votre nom vient d'être tentée" in text
    assert f"Si ce n'est pas vous, contactez le {DESTINATAIRE}" in text
    assert holder in text
    assert "Vous ne recevrez pas d'autre message de ce type dans les 24 heures." in text
    assert not [m for m in sent_mail() if ATTACKER_EMAIL in m.to]


def test_a_modification_probing_the_holders_identity_is_refused_and_told(
        app: Flask, holder: str, sent_mail: Sent) -> None:
    client = app.test_client()
    own = make_dossier({"etat_civil.prenoms": ["Sidonie"], "contact.email": ATTACKER_EMAIL})
    mine = post(client, own, "203.0.113.9").get_json()["numero"]
    probe = make_dossier(SQUAT)
    response = put(client, mine, probe, "203.0.113.9")
    assert response.status_code == 409
    assert response.get_json()["code"] == "deja_inscrit"
    (alert,) = alerts(sent_mail())
    assert alert.to == [HOLDER_EMAIL]


def test_an_identity_is_refused_a_few_times_a_day_across_instances(
        s3: Any, s3_endpoint: str | None, ses: Any, holder: str) -> None:
    # Two instances on one bucket, each client from its own address: only the record in the
    # bucket can count them together.
    instances = [make_app(s3, s3_endpoint, ses).test_client() for _ in range(2)]
    answers = [post(instances[i % 2], make_dossier(SQUAT), f"203.0.113.{i + 1}")
               for i in range(doublons.IDENTITY_LIMIT + 2)]
    assert [a.status_code for a in answers] == [409] * doublons.IDENTITY_LIMIT + [429] * 2
    limited = answers[-1]
    hours = int(limited.headers["Retry-After"]) / 3600
    assert 23 < hours <= 24
    assert limited.get_json() == {
        "code": "trop_de_doublons", "errors": {},
        "message": msg.TROP_DE_DOUBLONS_IDENTITE.format(duree="24 heures",
                                                        destinataire=CONTACT)}
    assert "nom, prénoms, date et lieu de naissance" in limited.get_json()["message"]


def test_deja_inscrit_answers_count_in_the_per_client_limit(
        s3: Any, s3_endpoint: str | None, ses: Any) -> None:
    client = make_app(s3, s3_endpoint, ses, SUBMISSIONS_PER_CLIENT="4").test_client()
    ip = "203.0.113.7"
    assert post(client, make_dossier(), "198.51.100.1").status_code == 201  # the holder
    own = make_dossier({"etat_civil.prenoms": ["Sidonie"], "contact.email": ATTACKER_EMAIL})
    mine = post(client, own, ip).get_json()["numero"]  # counts 1
    assert post(client, make_dossier(SQUAT), ip).status_code == 409  # counts 2 more
    assert put(client, mine, make_dossier(SQUAT), ip).status_code == 409  # 1 more: 4
    # Past the limit: refused before anything is looked up, even a modification of one's own.
    # (A real change: an unchanged dossier is answered as it is, with nothing looked up.)
    refused = put(client, mine, {**own, "contact": {**own["contact"], "commune": "Ambazac"}}, ip)
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["code"] == "trop_de_doublons"
    assert body["message"].startswith("Trop de dossiers envoyés depuis votre connexion, dont des "
                                      "inscriptions refusées")
    assert int(refused.headers["Retry-After"]) > 0
    # Another client is not concerned.
    other = make_dossier({"etat_civil.prenoms": ["Clotilde"]})
    assert post(client, other, "203.0.113.8").status_code == 201


def test_the_per_identity_record_holds_no_personal_data(app: Flask, holder: str,
                                                        s3: Any) -> None:
    assert post(app.test_client(), make_dossier(SQUAT), "203.0.113.1").status_code == 409
    (key,) = [k for k in all_keys(s3) if k.startswith("doublons/")]
    record = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    assert sorted(record) == ["alerte", "refus"]
    assert len(record["refus"]) == 1 and record["alerte"] == record["refus"][0]
    text = json.dumps(record) + key
    for value in ("Haÿ", "Marie", BORN, "exemple.fr", holder):
        assert value not in text
