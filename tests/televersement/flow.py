"""The candidate's upload of a piece over real HTTP: the API's presigned POST, then the file
sent straight to moto's server, as the page does."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from handler.platform.antivirus import write_test_database
from tests.factories import make_dossier
from tests.fixtures import build_app

BORN = "1998-05-17"
OWNER = {"X-Date-Naissance": BORN}


def clamscan_or_fail() -> None:
    """Debian's clamscan: under CI its absence fails the test, elsewhere skips it."""
    if shutil.which("clamscan") is None:
        if os.environ.get("CI"):
            pytest.fail("clamscan is missing: .ci/run installs Debian's clamav")
        pytest.skip("clamscan is missing: apt-get install clamav")


def online_app(s3: Any, s3_endpoint: str | None, tmp_path: Path, **config: Any) -> Flask:
    clamscan_or_fail()
    database = write_test_database(tmp_path / "clamav")
    return build_app(s3, s3_endpoint, RETOUR_PIECES="en_ligne", PIECES_SCANNER="clamav",
                     CLAMAV_DATABASE=str(database), **config)


def create(client: FlaskClient, dossier: dict[str, Any] | None = None) -> str:
    response = client.post("/api/dossiers", json=dossier or make_dossier())
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["numero"])


def form(client: FlaskClient, numero: str, code: str, content: bytes,
         media_type: str = "application/pdf", size: int | None = None) -> Any:
    return client.post(f"/api/dossiers/{numero}/pieces/{code}/formulaire",
                       json={"type": media_type, "taille": len(content) if size is None else size},
                       headers=OWNER)


def post_to_bucket(answer: dict[str, Any], content: bytes, *, media_type: str | None = None,
                   filename: str = "piece.pdf") -> requests.Response:
    """What the browser does with the form: a multipart POST straight to the bucket."""
    fields = dict(answer["champs"])
    if media_type is not None:
        fields["Content-Type"] = media_type
    return requests.post(answer["url"], data=fields,
                         files={"file": (filename, io.BytesIO(content))}, timeout=10)


def upload(client: FlaskClient, app: Flask, numero: str, code: str, content: bytes,
           media_type: str = "application/pdf") -> dict[str, Any]:
    """Form, POST to the bucket, register, wait for the analysis; the pieces' view after."""
    answer = form(client, numero, code, content, media_type)
    assert answer.status_code == 200, answer.get_json()
    sent = post_to_bucket(answer.get_json(), content)
    assert sent.status_code in (200, 201, 204), sent.text
    registered = client.post(f"/api/dossiers/{numero}/pieces/{code}",
                             json={"cle": answer.get_json()["cle"]}, headers=OWNER)
    assert registered.status_code == 202, registered.get_json()
    app.extensions["pieces_analyses"].join()
    listed = client.get(f"/api/dossiers/{numero}/pieces", headers=OWNER)
    assert listed.status_code == 200
    return dict(listed.get_json())


def piece(view: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in view["pieces"] if p["code"] == code)
