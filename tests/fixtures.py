"""Fixtures for the handler: S3 and SES from moto, in-process and over real HTTP, and the app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from moto import mock_aws
from moto.server import ThreadedMotoServer

from handler.app import create_app
from handler.platform.clock import CalendarClock, FrozenClock

#: The fixtures a test folder's conftest takes with `from tests.fixtures import *` (helpers and
#: constants are imported by name where they are used).
__all__ = ["app", "aws_credentials", "client", "frozen_app", "mail_app", "moto_server", "s3",
           "s3_endpoint", "s3_mode", "sent_mail", "ses"]

BUCKET = "dossiers-test"
REGION = "eu-west-3"
# Inside the 2020 window (Paris time), before the 18 November return deadline.
DEMO_NOW = "2020-11-02T10:00:00+01:00"
MAIL_FROM = "Rectorat de Limoges <ne-pas-repondre@preinscription.test>"
MAIL_FROM_ADDRESS = "ne-pas-repondre@preinscription.test"
SITE_URL = "https://preinscription.test/"


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials, and nothing that could reach a real AWS account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
                 "AWS_ENDPOINT_URL_SES", "INSCRIPTION_ENV", "INSCRIPTION_NOW",
                 "INSCRIPTION_SESSION", "DOSSIERS_BUCKET", "SITE_ORIGIN", "SITE_URL", "MAIL_FROM",
                 "MAIL_OUTBOX_DIR", "CLIENT_IP_HEADER", "RETOUR_PIECES", "PIECES_SCANNER",
                 "CLAMAV_DATABASE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's server mode on a free loopback port, for the whole run."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(params=["in-process", "server"])
def s3_mode(request: pytest.FixtureRequest) -> str:
    """Storage tests run twice: moto in-process, and moto's server over real HTTP."""
    return str(request.param)


@pytest.fixture
def s3_endpoint(s3_mode: str, request: pytest.FixtureRequest,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[str | None]:
    """None in-process (inside mock_aws); the server's URL in server mode, set as boto3's own
    AWS_ENDPOINT_URL_S3 so that the app's configuration is exercised for real."""
    if s3_mode == "in-process":
        with mock_aws():
            yield None
        return
    url = request.getfixturevalue("moto_server")
    requests.post(f"{url}/moto-api/reset", timeout=5)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", url)
    yield url


@pytest.fixture
def s3(s3_endpoint: str | None) -> Any:
    """A boto3 S3 client on the mock, with the dossiers bucket created."""
    client = boto3.client("s3", region_name=REGION, endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=BUCKET,
                         CreateBucketConfiguration={"LocationConstraint": REGION})
    return client


def build_app(s3: Any, s3_endpoint: str | None, *, clock: CalendarClock | None = None,
              ses: Any = None, **config: Any) -> Flask:
    """The app on the mock: given the clients in-process, building its own in server mode."""
    settings = {"INSCRIPTION_ENV": "test", "DOSSIERS_BUCKET": BUCKET,
                "INSCRIPTION_NOW": DEMO_NOW,
                # No floor on the rappel's answer here; its own test sets one.
                "REMINDER_ANSWER_SECONDS": "0", **config}
    in_process = s3_endpoint is None
    app = create_app(settings, s3_client=s3 if in_process else None,
                     ses_client=ses if in_process else None, clock=clock)
    app.testing = True
    return app


@pytest.fixture
def app(s3: Any, s3_endpoint: str | None) -> Flask:
    return build_app(s3, s3_endpoint)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def frozen_app(s3: Any, s3_endpoint: str | None) -> Any:
    """A factory: the app with its calendar clock frozen at an instant."""
    def make(instant: str) -> Flask:
        return build_app(s3, s3_endpoint, clock=FrozenClock(dt.datetime.fromisoformat(instant)))
    return make


@pytest.fixture
def ses(s3_endpoint: str | None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A boto3 SES client on the mock, with the sender's identity verified (SES refuses to send
    from an unverified one). In server mode the app finds the mock through boto3's own
    AWS_ENDPOINT_URL_SES."""
    client = boto3.client("ses", region_name=REGION, endpoint_url=s3_endpoint)
    client.verify_email_identity(EmailAddress=MAIL_FROM_ADDRESS)
    if s3_endpoint is not None:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SES", s3_endpoint)
    return client


@pytest.fixture
def mail_app(s3: Any, s3_endpoint: str | None, ses: Any) -> Flask:
    """The app with confirmation emails sent through moto's SES."""
    return build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM, SITE_URL=SITE_URL)


@dataclass(frozen=True)
class SentMail:
    """An email moto's SES accepted (its body is the HTML part when there is one)."""

    source: str
    to: list[str]
    subject: str
    body: str


#: The `sent_mail` fixture's type: what moto's SES has sent so far, when called.
Sent = Callable[[], list[SentMail]]


@pytest.fixture
def sent_mail(s3_endpoint: str | None) -> Sent:
    """Reads back what moto's SES sent: from its backend in-process, from
    /moto-api/data.json in server mode."""
    def read() -> list[SentMail]:
        if s3_endpoint is None:
            from moto.core import DEFAULT_ACCOUNT_ID
            from moto.ses.models import ses_backends

            return [SentMail(m.source, list(m.destinations["ToAddresses"]), m.subject, m.body)
                    for m in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages]
        data = requests.get(f"{s3_endpoint}/moto-api/data.json", timeout=5).json()
        return [SentMail(m["source"], list(m["destinations"]["ToAddresses"]), m["subject"],
                         m["body"])
                for m in data.get("ses", {}).get("Message", [])]
    return read


def read_dossier(s3: Any, numero: str) -> dict[str, Any]:
    """A stored dossier read back from the bucket (numero in any typed form)."""
    import json

    from handler.dossier.numero import canonical

    key = f"dossiers/{canonical(numero)}.json"
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


def all_keys(s3: Any) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))
