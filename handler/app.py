"""The handler's app factory: the same Flask app runs locally and behind API Gateway."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request
from flask_cors import CORS

from handler import openapi, staff
from handler.candidats import dossiers, doublons, rappel, session_info, spam, televersement
from handler.candidats.access_link import register as register_access_link
from handler.candidats.access_tokens import PROOF_HEADER
from handler.candidats.ownership import OwnershipGuard
from handler.dossier.courriels import Notifier
from handler.platform import errors, json_body, origin
from handler.platform.clock import CalendarClock
from handler.platform.config import MAX_CONTENT_LENGTH, ConfigError, load_config
from handler.platform.fetch import EXPORT_WORKERS
from handler.platform.lazy import LazyClient
from handler.platform.logs import quiet_libraries
from handler.platform.mail import make_sender
from handler.platform.storage import DossierStore
from shared_rules.registry import DEFAULT_REGISTRY, SessionRegistry

log = logging.getLogger("handler.requests")

ALLOWED_HEADERS = ["Content-Type", "Idempotency-Key", "X-Date-Naissance", "If-Match",
                   "Authorization", spam.HONEYPOT_HEADER, spam.FILL_TIME_HEADER,
                   PROOF_HEADER]


def s3_endpoint(region: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """The S3 endpoint the app's client uses: boto3's own AWS_ENDPOINT_URL_S3 /
    AWS_ENDPOINT_URL when set (moto locally), else the region's own, so that the presigned
    links and forms handed to browsers name https://<bucket>.s3.<region>.amazonaws.com/, the
    origin the site's Content-Security-Policy allows (infra/template.yaml), and never the
    global endpoint, which answers a new bucket's POST with a redirect."""
    if environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL"):
        return None
    return f"https://s3.{region}.amazonaws.com"


def _make_s3_client(region: str) -> Any:
    import boto3
    from botocore.config import Config

    endpoint = s3_endpoint(region)
    return boto3.client("s3", region_name=region, endpoint_url=endpoint, config=Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=3, read_timeout=5,
        # A background export's reads in flight, each on its own connection.
        max_pool_connections=EXPORT_WORKERS,
        # <bucket>.s3.<region>.amazonaws.com on AWS; the path style for a local endpoint.
        s3={"addressing_style": "virtual" if endpoint else "auto"},
    ))


def create_app(config: Mapping[str, Any] | None = None, *, s3_client: Any = None,
               ses_client: Any = None, secrets_client: Any = None,
               clock: CalendarClock | None = None,
               sessions: SessionRegistry | None = None) -> Flask:
    """Build the app: defaults, then environment variables, then `config`.

    `s3_client`, `ses_client` and `secrets_client` replace the boto3 clients the app would
    build (tests, the local run); `sessions` finds the session data files (default: the
    package's; the tests add their fictive session); the SES client is only used when
    MAIL_FROM is set and MAIL_OUTBOX_DIR is not, the Secrets Manager one when
    ORIGIN_VERIFY_SECRET_ARN is.

    Refuses to start (ConfigError) on an unknown session, a simulated clock in production, or,
    in production, while a fact candidates rely on is still unconfirmed in the session data.
    """
    settings = load_config(config)
    session = (sessions or DEFAULT_REGISTRY).get(settings["INSCRIPTION_SESSION"])
    if session is None:
        raise ConfigError(f"INSCRIPTION_SESSION: no session data file named "
                          f"{settings['INSCRIPTION_SESSION']!r}")
    if settings["RETOUR_PIECES"]:  # dev and test only (load_config refuses it in production)
        session = dataclasses.replace(session, retour_modes=settings["RETOUR_PIECES"])
    if settings["INSCRIPTION_ENV"] == "production" and session.facts_to_confirm():
        raise ConfigError(
            "production refuses to start while these facts are unconfirmed in the session data: "
            + ", ".join(session.facts_to_confirm())
        )

    quiet_libraries()  # whatever the entry point: their lines may quote a request's data
    app = Flask(__name__, static_folder=None)
    # No redirect at all (`//` merged, a slash added or removed): werkzeug builds its Location
    # from the request's Host header. Set before any route is added: rules read it then.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.config.update(settings, MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    json_body.init_app(app)  # nesting bounded, keys checked: before any route reads a body
    app.extensions["inscription_session"] = session
    app.extensions["calendar_clock"] = clock or CalendarClock(settings["INSCRIPTION_NOW"])
    region = settings["AWS_REGION"]
    store = DossierStore(
        s3_client if s3_client is not None else LazyClient(lambda: _make_s3_client(region)),
        settings["DOSSIERS_BUCKET"],
    )
    app.extensions["dossier_store"] = store
    app.extensions["ownership"] = OwnershipGuard(store)
    app.extensions["notifier"] = Notifier(
        store, make_sender(settings, ses_client=ses_client), session=session,
        site_url=settings["SITE_URL"], clock=app.extensions["calendar_clock"].now,
    )

    if settings["SITE_ORIGIN"]:
        CORS(app, resources={r"/api/*": {"origins": [settings["SITE_ORIGIN"]]}},
             allow_headers=ALLOWED_HEADERS,
             expose_headers=["ETag", "Retry-After", "Content-Disposition"],
             methods=["GET", "POST", "PUT"], max_age=600)

    errors.init_app(app)
    origin.init_app(app, client=secrets_client)  # first: refuses before anything runs
    app.register_blueprint(session_info.bp)
    rappel.init_app(app)
    spam.init_app(app)
    doublons.init_app(app)
    app.register_blueprint(rappel.bp)
    register_access_link(app)
    app.register_blueprint(dossiers.bp)
    televersement.init_app(app)
    app.register_blueprint(openapi.bp)
    staff.init_app(app, secrets_client=secrets_client)

    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _headers_and_log(response: Response) -> Response:
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["X-Content-Type-Options"] = "nosniff"
        # The route's template, never the path itself: it may hold a registration number.
        route = request.url_rule.rule if request.url_rule else "-"
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info("%s %s %s %.1fms", request.method, route, response.status_code, elapsed)
        return response

    return app
