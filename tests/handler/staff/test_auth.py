"""Staff authentication: named bearer tokens checked against their SHA-256, failures slowed down,
every action logged with who and when and nothing personal."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import pytest
from flask.testing import FlaskClient

from handler.app import create_app
from handler.config import ConfigError
from handler.staff import messages as msg
from handler.staff.auth import FAILURES, parse_token_hashes, token_hash
from tests.handler.staff.conftest import TOKENS, bearer

UNAUTHORIZED = {"code": "authentification_requise", "message": msg.AUTHENTIFICATION_REQUISE,
                "errors": {}}


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer mauvais-jeton"},
    {"Authorization": f"Basic {TOKENS['dec4']}"},
    {"Authorization": f"Bearer {TOKENS['dec4']}x"},
    {"Authorization": f"Bearer {token_hash(TOKENS['dec4'])}"},  # the hash is not the token
    {"Authorization": "Bearer " + "x" * 5000},
], ids=["none", "empty", "wrong", "basic", "longer", "hash", "huge"])
def test_without_a_valid_token_the_answer_is_401_and_tells_nothing(
        client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.get("/api/staff/moi", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="gestion"'
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_each_token_names_its_holder_and_each_action_is_logged_with_who_and_when(
        client: FlaskClient, name: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="handler.staff.audit"):
        response = client.get("/api/staff/moi", headers=bearer(name))
    assert response.status_code == 200
    assert response.get_json() == {"nom": name}
    assert response.headers["Cache-Control"] == "no-store"
    (line,) = [r.getMessage() for r in caplog.records if r.name == "handler.staff.audit"]
    assert line.startswith(f"staff action: GET /api/staff/moi 200 by {name} at 20")
    assert TOKENS[name] not in line and token_hash(TOKENS[name]) not in line


def test_a_refused_token_is_logged_without_the_token(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        client.get("/api/staff/moi", headers={"Authorization": "Bearer devine-moi"})
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "staff authentication refused at 20" in logged
    assert "devine-moi" not in logged


def test_repeated_failures_lock_the_client_out_even_with_a_good_token(
        client: FlaskClient) -> None:
    for _ in range(FAILURES):
        assert client.get("/api/staff/moi", headers={"Authorization": "Bearer x"}
                          ).status_code == 401
    locked = client.get("/api/staff/moi", headers=bearer())
    assert locked.status_code == 429
    assert locked.get_json()["code"] == "trop_de_tentatives"
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    other_client = client.get("/api/staff/moi", headers=bearer(),
                              environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other_client.status_code == 200


def test_without_configured_tokens_nobody_gets_in(s3: Any) -> None:
    app = create_app({"INSCRIPTION_ENV": "test", "DOSSIERS_BUCKET": "x"}, s3_client=s3)
    assert app.test_client().get("/api/staff/moi", headers=bearer()).status_code == 401


def test_the_hashes_are_those_sha256sum_prints() -> None:
    assert token_hash("abc") == hashlib.sha256(b"abc").hexdigest() == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    (member,) = parse_token_hashes(f" dec4:{token_hash('abc')} ,")
    assert (member.nom, member.empreinte) == ("dec4", token_hash("abc"))


@pytest.mark.parametrize(("value", "message"), [
    ("dec4", "name:sha256hex"),
    ("dec4:" + "A" * 64, "name:sha256hex"),
    ("dec 4:" + "a" * 64, "name:sha256hex"),
    ("dec4:" + "a" * 63, "name:sha256hex"),
    (f"dec4:{'a' * 64},dec4:{'b' * 64}", "appears twice"),
])
def test_a_malformed_list_refuses_to_start_without_printing_it(value: str, message: str,
                                                              s3: Any) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        create_app({"INSCRIPTION_ENV": "test", "STAFF_TOKEN_HASHES": value}, s3_client=s3)
    assert "a" * 63 not in str(raised.value)


def test_the_local_runs_demo_token_is_refused_in_production() -> None:
    from flask import Flask

    from handler.local_server import DEMO_STAFF_HASHES
    from handler.staff import auth

    app = Flask("production")
    app.config["INSCRIPTION_ENV"] = "production"
    with pytest.raises(ConfigError, match="demonstration token is refused in production"):
        auth.init_app(app, DEMO_STAFF_HASHES)
    app.config["INSCRIPTION_ENV"] = "dev"
    auth.init_app(app, DEMO_STAFF_HASHES)
