"""The staff's sign-in settings: accounts and roles, what production refuses, the keys and the
client secret read from Secrets Manager, the sign-in cookie's key rotation."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from moto import mock_aws

from handler.platform.config import DEFAULTS, ConfigError
from handler.staff import oidc
from handler.staff.roles import allows, parse_accounts

PRODUCTION = {"OIDC_ISSUER": "https://fournisseur.example/oidc",
              "OIDC_CLIENT_ID": "client", "STAFF_ACCOUNTS": "agent@ac-limoges.fr:gestion",
              "STAFF_SESSION_SECRET": "cle-de-production"}


def bare_app(**config: Any) -> Flask:
    app = Flask("gestion")
    app.config.update(DEFAULTS, INSCRIPTION_ENV="production", **config)
    app.extensions["dossier_store"] = object()
    return app


def test_accounts_are_read_with_their_domain_in_lower_case_and_their_roles() -> None:
    # Issue 25: the local part as given (RFC 5321), the domain in lower case.
    assert parse_accounts(" Agent.Un@AC-Limoges.fr:lecture , b@ac-limoges.fr:administration,") == {
        "Agent.Un@ac-limoges.fr": "lecture", "b@ac-limoges.fr": "administration"}
    assert parse_accounts("") == {}


@pytest.mark.parametrize(("value", "message"), [
    ("agent@ac-limoges.fr", "email:role"),
    ("agent:gestion", "email:role"),
    ("agent@ac-limoges.fr:chef", "unknown role 'chef'"),
    ("a@ac-limoges.fr:gestion,a@AC-Limoges.fr:lecture", "appears twice"),
])
def test_a_malformed_account_list_refuses_to_start(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_accounts(value)


def test_each_role_allows_what_the_one_before_it_does() -> None:
    assert [allows("lecture", n) for n in ("lecture", "gestion", "administration")] == [
        True, False, False]
    assert [allows("gestion", n) for n in ("lecture", "gestion", "administration")] == [
        True, True, False]
    assert allows("administration", "administration") and not allows("inconnu", "lecture")


@pytest.mark.parametrize("missing", ["OIDC_ISSUER", "OIDC_CLIENT_ID", "STAFF_ACCOUNTS"])
def test_production_refuses_to_start_without_the_provider_and_the_accounts(missing: str) -> None:
    with pytest.raises(ConfigError, match=f"production refuses to start without {missing}"):
        oidc.init_app(bare_app(**{**PRODUCTION, missing: ""}))


@pytest.mark.parametrize("change", [
    {"STAFF_ACCOUNTS": ",".join(f"{e}:{r}" for e, r in oidc.DEMO_ACCOUNTS.items())},
    {"OIDC_ISSUER": "http://127.0.0.1:9400"},
], ids=["demo-accounts", "local-provider"])
def test_production_refuses_the_local_runs_demonstration_provider_and_accounts(
        change: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="demonstration provider and accounts are refused"):
        oidc.init_app(bare_app(**{**PRODUCTION, **change}))


def test_production_refuses_to_start_without_a_key_for_the_sign_in_cookie() -> None:
    with pytest.raises(ConfigError, match="STAFF_SESSION_SECRET_ARN"):
        oidc.init_app(bare_app(**{**PRODUCTION, "STAFF_SESSION_SECRET": ""}))


def test_production_starts_with_its_settings() -> None:
    app = bare_app(**PRODUCTION)
    oidc.init_app(app)
    assert app.extensions["staff_accounts"] == {"agent@ac-limoges.fr": "gestion"}
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-gestion-connexion"


def test_a_rotated_key_still_verifies_a_sign_in_started_before_the_rotation() -> None:
    keys: list[tuple[bytes, ...]] = [(b"ancienne",)]
    interface = oidc.SignInCookie(lambda: keys[0])
    app = Flask("gestion")
    started = interface.get_signing_serializer(app)
    assert started is not None
    cookie = started.dumps({"_state_academie_x": {"exp": 1}})
    keys[0] = (b"nouvelle", b"ancienne")  # current first, then previous
    rotated = interface.get_signing_serializer(app)
    assert rotated is not None and rotated.loads(cookie) == {"_state_academie_x": {"exp": 1}}
    assert rotated.dumps({}) != started.dumps({})  # the new key signs
    keys[0] = (b"nouvelle",)
    gone = interface.get_signing_serializer(app)
    assert gone is not None
    with pytest.raises(Exception, match="Signature"):
        gone.loads(cookie)


def test_the_key_and_the_client_secret_are_read_from_secrets_manager() -> None:
    import boto3

    with mock_aws():
        client = boto3.client("secretsmanager", region_name="eu-west-3")
        key_arn = client.create_secret(Name="cle", SecretString="cle-1")["ARN"]
        client.put_secret_value(SecretId=key_arn, SecretString="cle-2")
        secret_arn = client.create_secret(Name="client", SecretString="secret-oidc")["ARN"]
        app = bare_app(**{**PRODUCTION, "STAFF_SESSION_SECRET": "",
                          "STAFF_SESSION_SECRET_ARN": key_arn,
                          "OIDC_CLIENT_SECRET_ARN": secret_arn})
        assert oidc._secret_keys(app, client)() == (b"cle-2", b"cle-1")
        assert oidc._client_secret(app, client)() == "secret-oidc"
