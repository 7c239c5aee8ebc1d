"""Fixtures of the staff's tests: two staff members with their tokens, the app and its clients."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures import (  # noqa: F401  the service's fixtures, but its own app and client
    aws_credentials,
    build_app,
    frozen_app,
    mail_app,
    moto_server,
    s3,
    s3_endpoint,
    s3_mode,
    sent_mail,
    ses,
)

#: Scripts' tokens (the app only knows the tokens' SHA-256), and their roles.
TOKENS = {"secretariat": "jeton-secretariat-0123456789abcdef",
          "dec4": "jeton-dec4-fedcba9876543210",
          "gestion": "jeton-gestion-00112233445566778899",
          "lecture": "jeton-lecture-99887766554433221100"}
ROLES = {"secretariat": "administration", "dec4": "administration", "gestion": "gestion",
         "lecture": "lecture"}


def token_hashes(tokens: dict[str, str] = TOKENS) -> str:
    return ",".join(f"{name}:{ROLES[name]}:{hashlib.sha256(token.encode()).hexdigest()}"
                    for name, token in tokens.items())


def bearer(name: str = "secretariat") -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[name]}"}


@pytest.fixture
def app(s3: Any, s3_endpoint: str | None) -> Flask:  # noqa: F811 (the fixtures, by name)
    """The app with the two staff members configured."""
    return build_app(s3, s3_endpoint, STAFF_TOKEN_HASHES=token_hashes())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def mail_client(s3: Any, s3_endpoint: str | None, ses: Any) -> FlaskClient:  # noqa: F811
    """A client of the app with the staff members and email through moto's SES."""
    from tests.fixtures import MAIL_FROM, SITE_URL

    return build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM, SITE_URL=SITE_URL,
                     STAFF_TOKEN_HASHES=token_hashes()).test_client()


#: Residences by département: what a dossier must say to live there.
RESIDENCES = {
    "19": {"contact.departement": "19", "etablissement": "IND-19",
           "contact.code_postal": "19000", "contact.commune": "Tulle"},
    "23": {"contact.departement": "23", "etablissement": "IND-23",
           "contact.code_postal": "23000", "contact.commune": "Guéret"},
    "87": {},
}


def person(nom: str, *, departement: str = "87", specialite: str = "macon",
           **changes: Any) -> dict[str, Any]:
    """A valid dossier for another person (a birth name of letters only)."""
    from tests.factories import make_dossier

    return make_dossier({"etat_civil.nom_naissance": nom, "specialite": specialite,
                         **RESIDENCES[departement], **changes})


_ADDRESSES = itertools.count()


def submit(client: FlaskClient, dossier: dict[str, Any]) -> str:
    """Submit a dossier as its candidate would; its number as printed."""
    # Each from its own address: the per-client limits of the candidates' API stay out of it.
    address = f"198.51.100.{next(_ADDRESSES) % 250 + 1}"
    response = client.post("/api/dossiers", json=dossier, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["numero"])
