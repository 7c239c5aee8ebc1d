"""Behind the CDN, a request without its secret header is refused before anything runs: the API
Gateway's own address can't be used to bypass the WAF or forge the client's address."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask

from handler.platform import messages as msg
from handler.platform.origin import ORIGIN_HEADER
from tests.factories import make_dossier
from tests.fixtures import BUCKET, all_keys, build_app

SECRET = "secret-de-test-0123456789abcdefABCDEF"


@pytest.fixture
def guarded(s3: Any, s3_endpoint: str | None) -> Flask:
    return build_app(s3, s3_endpoint, ORIGIN_VERIFY_SECRET=SECRET)


@pytest.mark.parametrize("header", [None, "", "mauvais", SECRET[:-1], SECRET + "x",
                                    SECRET.upper()])
def test_a_request_without_the_cdns_secret_is_refused_and_stores_nothing(
        guarded: Flask, s3: Any, header: str | None,
        caplog: pytest.LogCaptureFixture) -> None:
    headers = {} if header is None else {ORIGIN_HEADER: header}
    response = guarded.test_client().post("/api/dossiers", json=make_dossier(),
                                          headers=headers)
    assert response.status_code == 403
    body = response.get_json()
    assert body["code"] == "acces_direct_refuse" and body["message"] == msg.ACCES_DIRECT_REFUSE
    assert all_keys(s3) == []
    assert SECRET not in caplog.text and (header or "§") not in caplog.text


@pytest.mark.parametrize("path", ["/api/session", "/api/openapi.json", "/api/staff/dossiers"])
def test_every_route_is_guarded(guarded: Flask, path: str) -> None:
    assert guarded.test_client().get(path).status_code == 403


def test_a_request_through_the_cdn_goes_through(guarded: Flask, s3: Any) -> None:
    client = guarded.test_client()
    response = client.post("/api/dossiers", json=make_dossier(),
                           headers={ORIGIN_HEADER: SECRET})
    assert response.status_code == 201, response.get_json()
    assert client.get("/api/session", headers={ORIGIN_HEADER: SECRET}).status_code == 200


def test_without_a_configured_secret_nothing_is_checked(client: Any) -> None:
    assert client.get("/api/session").status_code == 200


def test_through_lambda_the_secret_header_is_read_from_the_event(
        s3: Any, s3_endpoint: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    from tests.entry_points.test_lambda import make_v2_event

    monkeypatch.setenv("INSCRIPTION_ENV", "test")
    monkeypatch.setenv("INSCRIPTION_NOW", "2020-11-02T10:00:00+01:00")
    monkeypatch.setenv("DOSSIERS_BUCKET", BUCKET)
    monkeypatch.setenv("ORIGIN_VERIFY_SECRET", SECRET)
    sys.modules.pop("handler.lambda_function", None)
    entry = importlib.import_module("handler.lambda_function")
    try:
        direct = entry.handler(make_v2_event(path="/api/session"), None)
        assert direct["statusCode"] == 403
        assert json.loads(direct["body"])["code"] == "acces_direct_refuse"
        # API Gateway lower-cases header names; CloudFront's header still counts.
        forwarded = entry.handler(make_v2_event(path="/api/session",
                                                headers={"x-origin-verify": SECRET}), None)
        assert forwarded["statusCode"] == 200
    finally:
        sys.modules.pop("handler.lambda_function", None)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def managed_app(s3: Any, secrets: Any, arn: str) -> tuple[Flask, Clock]:
    from handler.app import create_app

    app = create_app({"INSCRIPTION_ENV": "test", "DOSSIERS_BUCKET": BUCKET,
                      "INSCRIPTION_NOW": "2020-11-02T10:00:00+01:00",
                      "ORIGIN_VERIFY_SECRET_ARN": arn}, s3_client=s3, secrets_client=secrets)
    clock = Clock()
    app.extensions["origin_secret"].clock = clock
    return app, clock


def status_with(app: Flask, secret: str) -> int:
    return app.test_client().get("/api/session", headers={ORIGIN_HEADER: secret}).status_code


@pytest.mark.parametrize("s3_mode", ["in-process"], indirect=True)  # moto's Secrets Manager
def test_a_rotation_never_cuts_the_api_off(s3: Any, s3_endpoint: None) -> None:
    """The secret is read from Secrets Manager: current and previous both pass, so CloudFront
    may still send the old one while the new one reaches its edges."""
    import boto3

    from handler.platform.origin import CACHE_SECONDS

    secrets = boto3.client("secretsmanager", region_name="eu-west-3")
    arn = secrets.create_secret(Name="origine", SecretString="premier-secret")["ARN"]
    app, clock = managed_app(s3, secrets, arn)
    assert status_with(app, "premier-secret") == 200
    assert status_with(app, "second-secret") == 403

    secrets.put_secret_value(SecretId=arn, SecretString="second-secret")
    assert status_with(app, "second-secret") == 403  # not read yet
    clock.now += CACHE_SECONDS
    assert status_with(app, "second-secret") == 200  # current
    assert status_with(app, "premier-secret") == 200  # previous: CloudFront may still send it

    secrets.put_secret_value(SecretId=arn, SecretString="troisieme-secret")
    clock.now += CACHE_SECONDS
    assert status_with(app, "troisieme-secret") == 200
    assert status_with(app, "second-secret") == 200
    assert status_with(app, "premier-secret") == 403  # two rotations ago


class Unreachable:
    """Secrets Manager out of reach, once `down` is set."""

    def __init__(self, real: Any) -> None:
        self.real, self.down = real, False

    def get_secret_value(self, **kwargs: Any) -> Any:
        from botocore.exceptions import EndpointConnectionError

        if self.down:
            raise EndpointConnectionError(endpoint_url="https://secretsmanager.invalid")
        return self.real.get_secret_value(**kwargs)


@pytest.mark.parametrize("s3_mode", ["in-process"], indirect=True)
def test_without_secrets_manager_nothing_passes_unchecked(s3: Any, s3_endpoint: None) -> None:
    import boto3

    real = boto3.client("secretsmanager", region_name="eu-west-3")
    arn = real.create_secret(Name="origine", SecretString="le-secret")["ARN"]
    flaky = Unreachable(real)
    flaky.down = True
    app, clock = managed_app(s3, flaky, arn)
    # Never read: a 503 with Retry-After, never an open door.
    response = app.test_client().get("/api/session", headers={ORIGIN_HEADER: "le-secret"})
    assert response.status_code == 503 and response.headers["Retry-After"]
    flaky.down = False
    assert status_with(app, "le-secret") == 200
    # Read once: its faults later keep the values it read.
    flaky.down = True
    clock.now += 10_000
    assert status_with(app, "le-secret") == 200
    assert status_with(app, "autre") == 403
