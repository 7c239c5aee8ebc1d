"""Scripts' authentication: named bearer tokens with a role, checked against their SHA-256,
failures slowed down without locking anyone out, every action logged with who and when and
nothing personal. (The browser's sign-in: test_oidc.py.)"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler.app import create_app
from handler.platform.config import ConfigError
from handler.staff import messages as msg
from handler.staff.auth import (
    FAILURES_PER_ADDRESS,
    FAILURES_PER_TOKEN,
    parse_token_hashes,
    token_hash,
)
from tests.staff.conftest import ROLES, TOKENS, bearer

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
    # Not /moi: asked with no credential at all, it answers 200 (test below).
    response = client.get("/api/staff/referentiel", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="gestion"'
    assert response.headers["Cache-Control"] == "no-store"


def test_who_am_i_without_any_credential_answers_200_that_nobody_is_signed_in(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 18: the staff page asks it first; signed out, a 401 would be a console error."""
    with caplog.at_level(logging.INFO):
        response = client.get("/api/staff/moi")
    assert response.status_code == 200
    assert response.get_json() == {"connecte": False}
    assert response.headers["Cache-Control"] == "no-store"
    assert [r for r in caplog.records if r.name == "handler.staff.audit"] == []


def test_every_other_staff_route_without_any_credential_is_still_401(
        app: Flask, client: FlaskClient) -> None:
    refused = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff.") or rule.endpoint == "staff.whoami":
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", "x").replace(f"<int:{argument}>", "1")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            refused[(method, path)] = client.open(path, method=method).status_code
    assert len(refused) >= 8
    assert set(refused.values()) == {401}, refused


def test_who_am_i_with_a_wrong_token_is_still_401(client: FlaskClient) -> None:
    response = client.get("/api/staff/moi", headers={"Authorization": "Bearer mauvais"})
    assert response.status_code == 401 and response.get_json() == UNAUTHORIZED


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_each_token_names_its_holder_and_each_action_is_logged_with_who_and_when(
        client: FlaskClient, name: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="handler.staff.audit"):
        response = client.get("/api/staff/moi", headers=bearer(name))
    assert response.status_code == 200
    assert response.get_json() == {"nom": name, "role": ROLES[name]}
    assert response.headers["Cache-Control"] == "no-store"
    (line,) = [r.getMessage() for r in caplog.records if r.name == "handler.staff.audit"]
    assert line.startswith(f"staff action: GET /api/staff/moi 200 by {name} at 20")
    assert TOKENS[name] not in line and token_hash(TOKENS[name]) not in line


def test_a_refused_token_is_logged_without_the_token(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        client.get("/api/staff/moi", headers={"Authorization": "Bearer devine-moi"})
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "staff authentication refused (token) at 20" in logged
    assert "devine-moi" not in logged


def test_repeated_wrong_tokens_are_slowed_down_but_a_good_token_still_gets_in(
        client: FlaskClient) -> None:
    # One guessing series is cut after FAILURES_PER_TOKEN tries of the same token…
    for _ in range(FAILURES_PER_TOKEN):
        assert client.get("/api/staff/moi", headers={"Authorization": "Bearer x"}
                          ).status_code == 401
    again = client.get("/api/staff/moi", headers={"Authorization": "Bearer x"})
    assert again.status_code == 429
    assert again.get_json()["code"] == "trop_de_tentatives"
    assert 0 < int(again.headers["Retry-After"]) <= 15 * 60
    # …while a colleague's valid token from the same address (one office) is never locked out.
    assert client.get("/api/staff/moi", headers=bearer()).status_code == 200


def test_many_different_wrong_tokens_from_one_address_are_slowed_down_not_the_good_ones(
        client: FlaskClient) -> None:
    statuses = [client.get("/api/staff/moi", headers={"Authorization": f"Bearer essai-{i}"}
                           ).status_code for i in range(FAILURES_PER_ADDRESS + 1)]
    assert statuses == [401] * FAILURES_PER_ADDRESS + [429]
    assert client.get("/api/staff/moi", headers=bearer("dec4")).status_code == 200
    other_client = client.get("/api/staff/moi", headers={"Authorization": "Bearer y"},
                              environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other_client.status_code == 401


def test_without_configured_tokens_nobody_gets_in(s3: Any) -> None:
    app = create_app({"INSCRIPTION_ENV": "test", "DOSSIERS_BUCKET": "x"}, s3_client=s3)
    assert app.test_client().get("/api/staff/moi", headers=bearer()).status_code == 401


def test_the_hashes_are_those_sha256sum_prints() -> None:
    assert token_hash("abc") == hashlib.sha256(b"abc").hexdigest() == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    (member,) = parse_token_hashes(f" dec4:gestion:{token_hash('abc')} ,")
    assert (member.nom, member.role, member.empreinte) == ("dec4", "gestion", token_hash("abc"))


@pytest.mark.parametrize(("value", "message"), [
    ("dec4", "name:role:sha256hex"),
    ("dec4:gestion:" + "A" * 64, "name:role:sha256hex"),
    ("dec 4:gestion:" + "a" * 64, "name:role:sha256hex"),
    ("dec4:gestion:" + "a" * 63, "name:role:sha256hex"),
    ("dec4:chef:" + "a" * 64, "unknown role 'chef'"),
    ("dec4:" + "a" * 64, "entries are now name:role:sha256hex; add each token's role"),
    (f"dec4:lecture:{'a' * 64},dec4:gestion:{'b' * 64}", "appears twice"),
], ids=["no-hash", "upper-case", "space", "short", "unknown-role", "old-form", "twice"])
def test_a_malformed_list_refuses_to_start_without_printing_it(value: str, message: str,
                                                              s3: Any) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        create_app({"INSCRIPTION_ENV": "test", "STAFF_TOKEN_HASHES": value}, s3_client=s3)
    assert "a" * 63 not in str(raised.value) and "a" * 64 not in str(raised.value)


def test_the_local_runs_demo_token_is_refused_in_production() -> None:
    from flask import Flask

    from handler.local_server import DEMO_STAFF_HASHES
    from handler.staff import auth

    app = Flask("production")
    app.config["INSCRIPTION_ENV"] = "production"
    assert DEMO_STAFF_HASHES.startswith("demo:administration:")
    with pytest.raises(ConfigError, match="demonstration token is refused in production"):
        auth.init_app(app, DEMO_STAFF_HASHES)
    app.config["INSCRIPTION_ENV"] = "dev"
    auth.init_app(app, DEMO_STAFF_HASHES)
