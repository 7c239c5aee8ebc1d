"""Handing a squatted dossier back to its owner: the identity released or the address replaced,
audited without personal data, both addresses told."""

from __future__ import annotations

import html
import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler.dossier.numero import canonical
from handler.staff.cli import run
from tests.factories import make_dossier
from tests.fixtures import BUCKET, MAIL_FROM, SITE_URL, Sent, all_keys, build_app
from tests.staff.conftest import bearer, token_hashes

OWNER_EMAIL = "marie-eve.lhay@exemple.fr"
SQUATTER_EMAIL = "usurpateur@exemple.fr"
BORN = "1998-05-17"
SUBJECT = "Votre pré-inscription au CAP — intervention du bureau"


@pytest.fixture
def app(s3: Any, s3_endpoint: str | None, ses: Any) -> Flask:
    return build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM, SITE_URL=SITE_URL,
                     STAFF_TOKEN_HASHES=token_hashes())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def squatted(client: FlaskClient) -> str:
    """A dossier in the owner's name (birth name, first name, birth date) with a stranger's
    address; the owner then meets « déjà inscrit »."""
    response = client.post("/api/dossiers", json=make_dossier({
        "contact.email": SQUATTER_EMAIL, "specialite": "couvreur"}))
    assert response.status_code == 201
    assert client.post("/api/dossiers", json=make_dossier()).status_code == 409
    return str(response.get_json()["numero"])


def hand_back(client: FlaskClient, numero: str, mode: str, **changes: Any) -> Any:
    body = {"confirmation": numero, "action": mode, "courriel": OWNER_EMAIL, **changes}
    return client.post(f"/api/staff/dossiers/{numero}/restitution", json=body,
                       headers=bearer("dec4"))


def notices(sent: Sent) -> dict[str, str]:
    """The hand-back emails by address: their text."""
    found: dict[str, str] = {}
    for mail in sent():
        if mail.subject == SUBJECT:
            (to,) = mail.to
            assert to not in found
            found[to] = html.unescape(mail.body)
    return found


def audits(s3: Any) -> list[dict[str, Any]]:
    return [json.loads(s3.get_object(Bucket=BUCKET, Key=k)["Body"].read())
            for k in all_keys(s3) if k.startswith("audit/")]


def test_releasing_the_identity_lets_the_owner_register(
        client: FlaskClient, squatted: str, sent_mail: Sent, s3: Any) -> None:
    response = hand_back(client, squatted, "liberer")
    assert response.status_code == 200, response.get_json()
    done = response.get_json()["restitution"]
    assert done == {"mode": "liberer", "auteur": "dec4", "le": done["le"],
                    "courriels": {"ancienne_adresse": "envoye", "proprietaire": "envoye"}}
    # The owner registers; the squatting dossier is left for the bureau to erase.
    mine = client.post("/api/dossiers", json=make_dossier())
    assert mine.status_code == 201
    assert f"dossiers/{canonical(squatted)}.json" in all_keys(s3)

    told = notices(sent_mail)
    assert sorted(told) == sorted([OWNER_EMAIL, SQUATTER_EMAIL])
    assert "a libéré vos nom, prénom et date de naissance" in told[OWNER_EMAIL]
    assert squatted not in told[OWNER_EMAIL]
    assert "identité d'une autre personne, qui l'a justifiée" in told[SQUATTER_EMAIL]

    (audit,) = audits(s3)
    assert {k: audit[k] for k in ("action", "mode", "auteur", "statut")} == {
        "action": "restitution", "mode": "liberer", "auteur": "dec4", "statut": "termine"}
    text = json.dumps(audit, ensure_ascii=False)
    for value in (squatted, canonical(squatted), "Haÿ", "Marie", BORN, "exemple.fr"):
        assert value not in text


def test_replacing_the_address_gives_the_owner_the_dossier_and_its_number(
        client: FlaskClient, squatted: str, sent_mail: Sent, s3: Any) -> None:
    response = hand_back(client, squatted, "remplacer-courriel")
    assert response.status_code == 200, response.get_json()
    stored = json.loads(s3.get_object(
        Bucket=BUCKET, Key=f"dossiers/{canonical(squatted)}.json")["Body"].read())
    assert stored["version"] == 2
    assert stored["dossier"]["contact"]["email"] == OWNER_EMAIL
    assert [h["dossier"]["contact"]["email"] for h in stored["historique"]] == [SQUATTER_EMAIL]
    assert stored["dossier"]["specialite"] == "couvreur"  # nothing else changed

    told = notices(sent_mail)
    assert f"le dossier de pré-inscription au CAP (académie de Limoges, session 2021-06) " \
           f"déposé à votre nom : n° {squatted}" in told[OWNER_EMAIL].replace("\n", " ")
    assert "Les messages sur ce dossier ne seront plus envoyés à cette adresse" \
        in told[SQUATTER_EMAIL]
    # A lost number now goes to the owner.
    before = len(sent_mail())
    assert client.post("/api/dossiers/rappel", json={
        "nom_naissance": "L'Haÿ-Cœur", "prenom": "Marie-Ève",
        "date_naissance": BORN}).status_code == 202
    (reminder,) = sent_mail()[before:]
    assert reminder.to == [OWNER_EMAIL] and squatted in reminder.subject
    (audit,) = audits(s3)
    assert audit["mode"] == "remplacer-courriel" and audit["statut"] == "termine"


def test_after_the_address_is_replaced_the_squatter_cant_put_theirs_back(
        client: FlaskClient, squatted: str, sent_mail: Sent, s3: Any) -> None:
    """Issue 25, item 11: the squatter, who knows the number and the birth date, changed the
    address back with a PUT. The contact fields now stay locked until the owner opens an access
    link, which goes to the owner's address only; the other fields stay modifiable."""
    import re

    assert hand_back(client, squatted, "remplacer-courriel").status_code == 200
    key = f"dossiers/{canonical(squatted)}.json"

    def stored() -> dict[str, Any]:
        return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))

    owner = {"X-Date-Naissance": BORN}
    back = stored()["dossier"]
    back["contact"] = {**back["contact"], "email": SQUATTER_EMAIL}
    refused = client.put(f"/api/dossiers/{squatted}", json=back, headers=owner)
    assert (refused.status_code, refused.get_json()["code"]) == (403, "coordonnees_verrouillees")
    assert "demandez un lien d'accès par courriel" in refused.get_json()["message"]
    assert list(refused.get_json()["errors"]) == ["contact"]
    assert stored()["dossier"]["contact"]["email"] == OWNER_EMAIL
    # Any other field: as before.
    other = stored()["dossier"]
    other["specialite"] = "macon"
    assert client.put(f"/api/dossiers/{squatted}", json=other, headers=owner).status_code == 200
    assert stored()["dossier"]["specialite"] == "macon" and "coordonnees_verrouillees" in stored()
    assert "Pour les modifier, demandez un lien d'accès" in notices(sent_mail)[OWNER_EMAIL]

    # The owner asks for a link: it goes to their address; opening it lifts the lock.
    before = len(sent_mail())
    assert client.post("/api/dossiers/lien-acces", json={"numero": squatted}).status_code == 202
    (link,) = sent_mail()[before:]
    assert link.to == [OWNER_EMAIL]
    jeton = re.search(r"jeton=([A-Za-z0-9_-]+)", html.unescape(link.body))
    assert jeton is not None
    opened = client.post("/api/dossiers/acces", json={"numero": squatted, "jeton": jeton[1]})
    assert opened.status_code == 200, opened.get_json()
    assert "coordonnees_verrouillees" not in stored()
    mine = stored()["dossier"]
    mine["contact"] = {**mine["contact"], "telephone": "0555000000"}
    assert client.put(f"/api/dossiers/{squatted}", json=mine, headers=owner).status_code == 200


@pytest.mark.parametrize(("changes", "field"), [
    ({"confirmation": "0000-0000-0"}, "confirmation"),
    ({"action": "effacer"}, "action"),
    ({"courriel": "pas-une-adresse"}, "courriel"),
])
def test_an_invalid_hand_back_changes_nothing(client: FlaskClient, squatted: str, s3: Any,
                                              changes: dict[str, Any], field: str) -> None:
    response = hand_back(client, squatted, "liberer", **changes)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "restitution_invalide" and list(body["errors"]) == [field]
    assert not audits(s3)
    assert client.post("/api/dossiers", json=make_dossier()).status_code == 409


def test_a_released_identity_cant_be_released_again(client: FlaskClient, squatted: str) -> None:
    assert hand_back(client, squatted, "liberer").status_code == 200
    again = hand_back(client, squatted, "liberer")
    assert again.status_code == 409
    assert again.get_json()["code"] == "identite_non_detenue"


def test_hand_back_needs_a_staff_token_and_a_known_number(client: FlaskClient,
                                                          squatted: str) -> None:
    anonymous = client.post(f"/api/staff/dossiers/{squatted}/restitution", json={
        "confirmation": squatted, "action": "liberer", "courriel": OWNER_EMAIL})
    assert anonymous.status_code == 401
    unknown = hand_back(client, "0000-0000-0", "liberer")
    assert unknown.status_code == 404


@pytest.mark.parametrize("name", ["gestion", "lecture"])
def test_hand_back_is_refused_below_the_administration_role(client: FlaskClient, squatted: str,
                                                            s3: Any, name: str) -> None:
    refused = client.post(f"/api/staff/dossiers/{squatted}/restitution", headers=bearer(name),
                          json={"confirmation": squatted, "action": "liberer",
                                "courriel": OWNER_EMAIL})
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "role_insuffisant"
    assert audits(s3) == []


def test_the_command_line_hands_back_too(app: Flask, client: FlaskClient, squatted: str,
                                         sent_mail: Sent, s3: Any) -> None:
    out, err = io.StringIO(), io.StringIO()
    status = run(["restitution", squatted.lower(), "--action", "liberer", "--courriel",
                  OWNER_EMAIL, "--auteur", "operateur"], store=app.extensions["dossier_store"],
                 notifier=app.extensions["notifier"], out=out, err=err)
    assert status == 0, err.getvalue()
    assert out.getvalue() == (
        "Restitution faite (identité libérée), journalisée. Courriels — l'ancienne adresse du "
        "dossier : prévenue par courriel ; l'adresse de la personne : prévenue par courriel.\n")
    assert client.post("/api/dossiers", json=make_dossier()).status_code == 201
    (audit,) = audits(s3)
    assert audit["auteur"] == "operateur"
    bad = run(["restitution", squatted, "--action", "liberer", "--courriel", "x"],
              store=app.extensions["dossier_store"], notifier=app.extensions["notifier"],
              out=out, err=err)
    assert bad == 2


def test_the_command_line_says_nobody_was_emailed_without_mail_from(
        s3: Any, s3_endpoint: str | None, squatted: str) -> None:
    """Issue 26, item 8: without MAIL_FROM the hand-back emailed nobody, while the README says
    both are told: the command says so, and what to do."""
    quiet = build_app(s3, s3_endpoint, SITE_URL=SITE_URL, STAFF_TOKEN_HASHES=token_hashes())
    out, err = io.StringIO(), io.StringIO()
    status = run(["restitution", squatted, "--action", "liberer", "--courriel", OWNER_EMAIL],
                 store=quiet.extensions["dossier_store"], notifier=quiet.extensions["notifier"],
                 out=out, err=err)
    assert status == 0, err.getvalue()
    assert out.getvalue().endswith(
        "Courriels — l'ancienne adresse du dossier : pas prévenue, aucun courriel ne part faute "
        "de MAIL_FROM (prévenez-la vous-même) ; l'adresse de la personne : pas prévenue, aucun "
        "courriel ne part faute de MAIL_FROM (prévenez-la vous-même).\n")
