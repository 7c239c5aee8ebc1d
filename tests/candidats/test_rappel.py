"""POST /api/dossiers/rappel: a lost number goes to the email address on the dossier; the
answer never tells whether such a dossier exists."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler.candidats import rappel
from handler.platform import messages as msg
from shared_rules import messages as rules_msg
from tests.factories import make_dossier
from tests.fixtures import BUCKET, Sent, all_keys, build_app

EMAIL = "marie-eve.lhay@exemple.fr"
KNOWN = {"nom_naissance": "L'Haÿ-Cœur", "prenom": "Marie-Ève", "date_naissance": "1998-05-17"}
UNKNOWN = {**KNOWN, "date_naissance": "1998-05-18"}
# Issue 13: the bureau's contact (each unknown part « à confirmer ») wherever DEC 4 is named.
ACCEPTED = {"message": msg.RAPPEL_DEMANDE.format(destinataire=(
    "Rectorat de Limoges, Bureau DEC 4 (téléphone : à confirmer ; courriel : à confirmer ; "
    "adresse : rue François Chénieux, Limoges, code postal à confirmer)"))}


def ask(client: FlaskClient, body: Any, *, ip: str = "198.51.100.1") -> Any:
    return client.post("/api/dossiers/rappel", json=body, headers={"X-Forwarded-For": ip})


@pytest.fixture
def rappel_app(s3: Any, s3_endpoint: str | None, ses: Any) -> Flask:
    """Email through moto's SES; the client's address read from X-Forwarded-For."""
    return build_app(s3, s3_endpoint, ses=ses, MAIL_FROM="ne-pas-repondre@preinscription.test",
                     CLIENT_IP_HEADER="X-Forwarded-For")


@pytest.fixture
def numero(rappel_app: Flask) -> str:
    response = rappel_app.test_client().post("/api/dossiers", json=make_dossier())
    assert response.status_code == 201
    return str(response.get_json()["numero"])


def test_a_known_identity_gets_exactly_one_email_with_its_number(
    rappel_app: Flask, numero: str, sent_mail: Sent,
) -> None:
    before = len(sent_mail())  # the confirmation of the creation
    response = ask(rappel_app.test_client(), KNOWN)
    assert response.status_code == 202
    assert response.get_json() == ACCEPTED
    sent = sent_mail()[before:]
    assert len(sent) == 1
    assert sent[0].to == [EMAIL]
    assert numero in sent[0].body and numero in sent[0].subject


def test_an_unknown_identity_gets_the_same_answer_and_no_email(
    rappel_app: Flask, numero: str, sent_mail: Sent,
) -> None:
    before = len(sent_mail())
    client = rappel_app.test_client()
    known = ask(client, KNOWN, ip="198.51.100.1")
    unknown = ask(client, UNKNOWN, ip="198.51.100.2")
    assert (unknown.status_code, unknown.get_json()) == (known.status_code, known.get_json())
    assert unknown.headers.get("Cache-Control") == known.headers.get("Cache-Control")
    assert len(sent_mail()) == before + 1  # the known one's only


def test_the_identity_is_matched_like_the_one_dossier_rule(
    rappel_app: Flask, numero: str, sent_mail: Sent,
) -> None:
    before = len(sent_mail())
    typed = {"nom_naissance": "lhay coeur", "prenom": "MARIE EVE", "date_naissance": "1998-05-17"}
    assert ask(rappel_app.test_client(), typed).status_code == 202
    assert len(sent_mail()) == before + 1


def test_any_first_name_of_the_dossier_finds_it(
    rappel_app: Flask, numero: str, sent_mail: Sent,
) -> None:
    """Issue 24: the person is no longer « the first first name »; any of theirs finds them."""
    before = len(sent_mail())
    assert ask(rappel_app.test_client(), {**KNOWN, "prenom": "ñuñez"}).status_code == 202
    assert len(sent_mail()) == before + 1
    assert ask(rappel_app.test_client(), {**KNOWN, "prenom": "Jeanne"},
               ip="198.51.100.2").status_code == 202
    assert len(sent_mail()) == before + 1


def test_homonyms_each_get_their_own_number_at_their_own_address(
    rappel_app: Flask, sent_mail: Sent,
) -> None:
    """Issue 24: two people of the same birth name, first first name and birth date are both
    registered; asked with that first name, each is emailed their own number."""
    client = rappel_app.test_client()
    people = [{"etat_civil.nom_naissance": "Ahmadi", "etat_civil.prenoms": prenoms,
               "etat_civil.date_naissance": "1996-01-01", "etat_civil.commune_naissance": ville,
               "etat_civil.pays_naissance": "Afghanistan", "contact.email": email}
              for prenoms, ville, email in ((["Mohammad"], "Hérat", "m.ahmadi@exemple.fr"),
                                            (["Mohammad", "Reza"], "Kaboul",
                                             "mr.ahmadi@exemple.fr"))]
    numeros = [client.post("/api/dossiers", json=make_dossier(p)).get_json()["numero"]
               for p in people]
    before = len(sent_mail())
    asked = {"nom_naissance": "Ahmadi", "prenom": "Mohammad", "date_naissance": "1996-01-01"}
    assert ask(client, asked).status_code == 202
    sent = sorted((m.to[0], m.subject) for m in sent_mail()[before:])
    assert [to for to, _ in sent] == ["m.ahmadi@exemple.fr", "mr.ahmadi@exemple.fr"]
    assert numeros[0] in dict(sent)["m.ahmadi@exemple.fr"]
    assert numeros[1] in dict(sent)["mr.ahmadi@exemple.fr"]
    reza = {**asked, "prenom": "Reza"}
    assert ask(client, reza, ip="198.51.100.2").status_code == 202
    assert [m.to for m in sent_mail()[before + 2:]] == [["mr.ahmadi@exemple.fr"]]


def test_a_person_with_no_first_name_and_an_incomplete_birth_date_is_found(
    rappel_app: Flask, sent_mail: Sent,
) -> None:
    """Issue 24: no first name (none typed) and papers with no day and month (« 1996 »)."""
    client = rappel_app.test_client()
    dossier = make_dossier({"etat_civil.nom_naissance": "Sukarno", "etat_civil.prenoms": [],
                            "etat_civil.sans_prenom": True, "etat_civil.date_naissance": "1996",
                            "contact.email": "sukarno@exemple.fr"})
    numero = client.post("/api/dossiers", json=dossier).get_json()["numero"]
    before = len(sent_mail())
    asked = {"nom_naissance": "SUKARNO", "prenom": None, "date_naissance": "1996"}
    assert ask(client, asked).status_code == 202
    assert [(m.to, numero in m.body) for m in sent_mail()[before:]] == [
        (["sukarno@exemple.fr"], True)]
    assert ask(client, {**asked, "prenom": "Kusno"}, ip="198.51.100.2").status_code == 202
    assert ask(client, {**asked, "date_naissance": "1996-01-01"},
               ip="198.51.100.3").status_code == 202
    assert len(sent_mail()) == before + 1


def test_an_address_given_in_the_request_is_refused_never_used(
    rappel_app: Flask, numero: str, sent_mail: Sent,
) -> None:
    before = len(sent_mail())
    response = ask(rappel_app.test_client(), {**KNOWN, "email": "intrus@exemple.fr"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"email": [rules_msg.CHAMP_INCONNU]}
    assert len(sent_mail()) == before


@pytest.mark.parametrize(("body", "errors"), [
    ({}, {"nom_naissance": [rules_msg.NOM_NAISSANCE_OBLIGATOIRE],
          "date_naissance": [rules_msg.DATE_NAISSANCE_OBLIGATOIRE]}),
    ({**KNOWN, "date_naissance": "17/05/1998"},
     {"date_naissance": [rules_msg.DATE_NAISSANCE_ATTENDUE]}),
    ({**KNOWN, "prenom": "Marie2"}, {"prenom": [rules_msg.NOM_CARACTERES]}),
    ({**KNOWN, "nom_naissance": "   "}, {"nom_naissance": [rules_msg.NOM_NAISSANCE_OBLIGATOIRE]}),
    (["liste"], {"demande": [rules_msg.OBJET_ATTENDU]}),
])
def test_invalid_requests_get_french_messages_by_field(
    rappel_app: Flask, body: Any, errors: dict[str, list[str]],
) -> None:
    response = ask(rappel_app.test_client(), body)
    assert response.status_code == 422
    assert response.get_json() == {"code": "demande_invalide", "message": msg.DEMANDE_INVALIDE,
                                   "errors": errors}


def test_a_client_is_limited_whatever_it_asks(rappel_app: Flask) -> None:
    client = rappel_app.test_client()
    for _ in range(rappel.CLIENT_LIMIT):
        assert ask(client, UNKNOWN, ip="203.0.113.9").status_code == 202
    limited = ask(client, UNKNOWN, ip="203.0.113.9")
    assert limited.status_code == 429
    assert limited.get_json() == {"code": "trop_de_requetes", "message": msg.TROP_DE_DEMANDES,
                                  "errors": {}}
    assert "numéro d'inscription depuis votre connexion" in limited.get_json()["message"]
    assert 0 < int(limited.headers["Retry-After"]) <= rappel.CLIENT_WINDOW
    # Another client is not held up by this one.
    assert ask(client, UNKNOWN, ip="203.0.113.10").status_code == 202


def test_an_identity_gets_a_few_emails_a_day_and_then_the_same_answer(
    rappel_app: Flask, numero: str, sent_mail: Sent, s3: Any,
) -> None:
    before = len(sent_mail())
    client = rappel_app.test_client()
    answers = [ask(client, KNOWN, ip=f"192.0.2.{i}") for i in range(rappel.IDENTITY_LIMIT + 2)]
    assert {(a.status_code, a.get_data(as_text=True)) for a in answers} == {
        (202, answers[0].get_data(as_text=True))}
    assert len(sent_mail()) == before + rappel.IDENTITY_LIMIT
    assert len([k for k in all_keys(s3) if k.startswith("rappels/")]) == 1


def test_without_email_the_service_says_whom_to_contact(client: FlaskClient) -> None:
    response = ask(client, KNOWN)
    assert response.status_code == 503
    assert response.get_json()["code"] == "courriel_indisponible"
    assert "Rectorat de Limoges, Bureau DEC 4" in response.get_json()["message"]


def test_no_personal_data_in_log_lines(rappel_app: Flask, numero: str,
                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = rappel_app.test_client()
    for _ in range(rappel.IDENTITY_LIMIT + 1):
        ask(client, KNOWN)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("handler"))
    assert "POST /api/dossiers/rappel 202" in logged
    assert "limit per identity reached" in logged
    for secret in (EMAIL, numero, numero.replace("-", ""), "Haÿ", "Marie", "1998-05-17"):
        assert secret not in logged


@pytest.mark.parametrize(("header", "key"), [
    ("203.0.113.7", "203.0.113.7"),
    ("203.0.113.7:51234", "203.0.113.7"),  # CloudFront-Viewer-Address: address and port
    ("203.0.113.7, 10.0.0.1", "203.0.113.7"),  # X-Forwarded-For: the client first
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("2001:db8:1:2::7:46532", "2001:db8:1:2::/64"),
])
def test_the_client_key_is_the_address_without_port_and_ipv6_by_64(
    s3: Any, s3_endpoint: str | None, header: str, key: str,
) -> None:
    app = build_app(s3, s3_endpoint, CLIENT_IP_HEADER="CloudFront-Viewer-Address")
    with app.test_request_context(headers={"CloudFront-Viewer-Address": header}):
        assert rappel.client_key() == key


def test_without_a_header_the_connection_address_is_the_key(app: Flask) -> None:
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.44"},
                                  headers={"X-Forwarded-For": "1.2.3.4"}):
        assert rappel.client_key() == "192.0.2.44"


def test_the_reminder_record_holds_no_personal_data(rappel_app: Flask, numero: str,
                                                    s3: Any) -> None:
    ask(rappel_app.test_client(), KNOWN)
    key = next(k for k in all_keys(s3) if k.startswith("rappels/"))
    raw = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
    for secret in (EMAIL, numero.replace("-", ""), "Haÿ", "1998-05-17"):
        assert secret not in raw and secret not in key


def test_known_or_not_the_answer_takes_the_same_least_time(
        s3: Any, s3_endpoint: str | None, ses: Any, sent_mail: Sent) -> None:
    """A stopwatch can't tell a registered person: every 202 waits for the same floor, the
    lookup and the email of a known identity included (their own time is well under it)."""
    import time

    app = build_app(s3, s3_endpoint, ses=ses, MAIL_FROM="ne-pas-repondre@preinscription.test",
                    CLIENT_IP_HEADER="X-Forwarded-For", REMINDER_ANSWER_SECONDS="0.6")
    client = app.test_client()
    assert client.post("/api/dossiers", json=make_dossier()).status_code == 201
    before = len(sent_mail())
    durations = {}
    for name, body, ip in (("connu", KNOWN, "198.51.100.1"), ("inconnu", UNKNOWN, "198.51.100.2")):
        started = time.monotonic()
        response = ask(client, body, ip=ip)
        durations[name] = time.monotonic() - started
        assert response.status_code == 202
    assert len(sent_mail()) == before + 1  # the known identity was emailed
    assert min(durations.values()) >= 0.6, durations


def test_the_floor_is_on_by_default() -> None:
    from handler.platform.config import DEFAULTS

    assert float(DEFAULTS["REMINDER_ANSWER_SECONDS"]) >= 1
