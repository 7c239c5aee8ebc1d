"""Storage faults: a 503 with Retry-After, never a 500; an interrupted creation is finished."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from flask import Flask

import shared_rules
from handler.app import create_app
from handler.candidats.registrations import new_record
from handler.dossier.numero import canonical, new_numero
from tests.factories import make_dossier
from tests.faults import FaultyClient, client_error, failing
from tests.fixtures import BUCKET, all_keys, read_dossier

SESSION = shared_rules.get_session("cap-limoges-2021-06")
assert SESSION is not None


def app_on(client: Any) -> Flask:
    app = create_app({"INSCRIPTION_ENV": "test", "DOSSIERS_BUCKET": BUCKET,
                      "INSCRIPTION_NOW": "2020-11-02T10:00:00+01:00"}, s3_client=client)
    app.testing = True
    return app


@pytest.mark.parametrize("fault", [
    client_error("SlowDown", 503),
    client_error("InternalError", 500),
    # Real S3's 409 to a conditional write racing another: retried, then a fault like the rest.
    client_error("ConditionalRequestConflict", 409),
    EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
    ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
], ids=["slowdown", "internal-error", "conflict-retries-exhausted", "connection", "timeout"])
def test_a_storage_fault_is_a_503_with_retry_after(s3: Any, fault: Exception,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    app = app_on(FaultyClient(s3, failing("put_object", [fault] * 10)))
    response = app.test_client().post("/api/dossiers", json=make_dossier())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body["code"] == "stockage_indisponible"
    assert "Traceback" not in response.get_data(as_text=True)
    assert [k for k in all_keys(s3) if k.startswith("dossiers/")] == []


def test_a_read_fault_while_consulting_is_a_503(s3: Any) -> None:
    slow = client_error("SlowDown", 503, "GetObject")
    app = app_on(FaultyClient(s3, failing("get_object", [slow])))
    response = app.test_client().get("/api/dossiers/0000-0000-0",
                                     headers={"X-Date-Naissance": "1998-05-17"})
    assert response.status_code == 503


def test_a_conditional_request_conflict_is_retried(s3: Any) -> None:
    app = app_on(FaultyClient(s3, failing("put_object", [
        client_error("ConditionalRequestConflict", 409)] * 2)))
    response = app.test_client().post("/api/dossiers", json=make_dossier())
    assert response.status_code == 201
    assert read_dossier(s3, response.get_json()["numero"])["version"] == 1


def test_a_creation_stopped_after_the_claim_is_finished_by_a_retry(s3: Any) -> None:
    # The identity claim is written, then every write of the dossier itself fails.
    def dossier_writes_fail(name: str, kwargs: dict[str, Any]) -> Exception | None:
        if name == "put_object" and kwargs["Key"].startswith("dossiers/"):
            return client_error("SlowDown", 503)
        return None

    key = {"Idempotency-Key": "formulaire-abcdef123"}
    broken = app_on(FaultyClient(s3, dossier_writes_fail))
    first = broken.test_client().post("/api/dossiers", json=make_dossier(), headers=key)
    assert first.status_code == 503
    assert [k for k in all_keys(s3) if k.startswith("dossiers/")] == []

    retry = app_on(s3).test_client().post("/api/dossiers", json=make_dossier(), headers=key)
    assert retry.status_code in (200, 201)
    assert read_dossier(s3, retry.get_json()["numero"])["dossier"] == shared_rules.load(
        make_dossier())


def _claim(s3: Any, content: dict[str, Any]) -> str:
    identity = shared_rules.identity_key(shared_rules.load(make_dossier()))
    s3.put_object(Bucket=BUCKET, Key=f"identites/{SESSION.code}/{identity}.json",
                  Body=json.dumps(content).encode())
    return identity


def test_an_orphaned_claim_is_finished_and_never_blocks_for_good(s3: Any) -> None:
    # A claim left by a creation stopped before its dossier, without an idempotency key.
    record = new_record(new_numero(), shared_rules.load(make_dossier()), session=SESSION,
                        now=dt.datetime(2020, 11, 2, 9, tzinfo=dt.UTC))
    identity = _claim(s3, {"numero": record["numero"], "dossier": record})
    response = app_on(s3).test_client().post("/api/dossiers", json=make_dossier())
    # The stopped creation is finished: that dossier exists and its owner can find it again.
    assert response.status_code == 409
    assert read_dossier(s3, record["numero"])["identite"] == identity


def test_a_stale_claim_pointing_nowhere_is_released(s3: Any) -> None:
    _claim(s3, {"numero": new_numero()})  # left by a modification that moved the identity
    response = app_on(s3).test_client().post("/api/dossiers", json=make_dossier())
    assert response.status_code == 201


def test_no_personal_data_in_log_lines(s3: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app = app_on(s3)
    client = app.test_client()
    numero = client.post("/api/dossiers", json=make_dossier()).get_json()["numero"]
    client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": "1998-05-17"})
    client.post("/api/dossiers", json=make_dossier({"contact.email": "x"}))
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("handler"))
    assert "POST /api/dossiers 201" in logged
    for secret in ("Haÿ", "Marie", "1998-05-17", "marie-eve.lhay@exemple.fr", "Leclerc",
                   numero, canonical(numero)):
        assert secret not in logged
