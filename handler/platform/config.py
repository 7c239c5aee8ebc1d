"""Configuration: embedded defaults, then the environment, then a dict (tests)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from shared_rules.session import DEFAULT_SESSION_CODE, RETOUR_MODES

ENVIRONMENTS = ("production", "dev", "test")

DEFAULTS: dict[str, Any] = {
    # The bucket that holds the dossiers (and the uniqueness and idempotency records).
    "DOSSIERS_BUCKET": "preinscription-cap-dossiers",
    # The only origin allowed by CORS; empty: same origin only.
    "SITE_ORIGIN": "",
    # Which session data file (shared_rules/sessions/<code>.yaml) this deployment serves.
    "INSCRIPTION_SESSION": DEFAULT_SESSION_CODE,
    # production (default), dev or test.
    "INSCRIPTION_ENV": "production",
    # An ISO-8601 instant where the calendar clock starts (dev and test only).
    "INSCRIPTION_NOW": "",
    # The AWS region of the bucket (the endpoint itself comes from boto3's own
    # AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL).
    "AWS_REGION": "eu-west-3",
    # The confirmation emails' sender, e.g. "Rectorat de Limoges <ne-pas-repondre@…>", an
    # identity verified in Amazon SES (same region). Empty: no email is sent.
    "MAIL_FROM": "",
    # dev and test only: write each email as a .eml file in this folder instead of sending it
    # through SES (the local run uses build/outbox).
    "MAIL_OUTBOX_DIR": "",
    # The site's address, e.g. https://preinscription.ac-limoges.fr/: the links in the emails,
    # the staff sign-in's redirect_uri and redirects, and the origin a staff member's browser
    # request must come from. Never taken from a request's Host header. Empty: SITE_ORIGIN;
    # required in production; the local run sets it from its own port.
    "SITE_URL": "",
    # The request header that carries the client's address when a proxy stands in front (the
    # rate limit of POST /api/dossiers/rappel), e.g. CloudFront-Viewer-Address; empty: the
    # connection's own address.
    "CLIENT_IP_HEADER": "",
    # How many submissions (POST /api/dossiers) one client may send per 15 minutes, retries
    # included; past it, 429. 0: no limit (load tests). Behind a proxy, see CLIENT_IP_HEADER.
    "SUBMISSIONS_PER_CLIENT": "20",
    # How many upload forms (POST /api/dossiers/<n>/pieces/<code>/formulaire) one client may
    # ask per 15 minutes; past it, 429. 0: no limit (benchmarks).
    "TELEVERSEMENTS_PER_CLIENT": "60",
    # The least time POST /api/dossiers/rappel takes to answer, in seconds, known identity or
    # not: finding a dossier and emailing its number takes longer than finding nothing, and the
    # difference would tell who is registered. 0: no floor (the tests).
    "REMINDER_ANSWER_SECONDS": "2",
    # The scripts' bearer tokens (command line, scripts; never the staff page), as
    # `name:role:sha256hex` entries separated by commas: the SHA-256 of each token's UTF-8 bytes,
    # lower-case hex (`printf %s "$TOKEN" | sha256sum`). Tokens are never stored. Empty: no
    # script access.
    "STAFF_TOKEN_HASHES": "",
    # The staff's accounts, `email:role` pairs separated by commas; roles: lecture, gestion,
    # administration (handler/staff/roles.py). Required in production.
    "STAFF_ACCOUNTS": "",
    # Who a person without access should ask, in « demandez l'accès à … ».
    "STAFF_ACCESS_CONTACT": "l'administrateur du service",
    # The OpenID Connect provider the staff sign in with: its issuer (discovery at
    # <issuer>/.well-known/openid-configuration; required in production), this service's client
    # id and secret there (the secret from Secrets Manager when OIDC_CLIENT_SECRET_ARN is set),
    # the scopes (ProConnect's claim names by default) and optional acr_values (ProConnect:
    # require a two-factor sign-in).
    "OIDC_ISSUER": "",
    "OIDC_CLIENT_ID": "",
    "OIDC_CLIENT_SECRET": "",
    "OIDC_CLIENT_SECRET_ARN": "",
    "OIDC_SCOPES": "openid email given_name usual_name",
    "OIDC_ACR_VALUES": "",
    # The key that signs the short-lived sign-in cookie: a Secrets Manager secret (current and
    # previous versions accepted) or fixed values separated by commas (the first signs). Both
    # empty: a random key per process (dev and test only; production refuses to start).
    "STAFF_SESSION_SECRET_ARN": "",
    "STAFF_SESSION_SECRET": "",
    # The secret the site's CDN adds to every API request (header X-Origin-Verify, see
    # handler/platform/origin.py); a request without it is refused with 403. Either the ARN of a
    # Secrets Manager secret (AWS: infra/template.yaml generates it; its current and previous
    # versions are accepted), or fixed values separated by commas. Both empty: no check (the
    # local run, a deployment without a CDN).
    "ORIGIN_VERIFY_SECRET_ARN": "",
    "ORIGIN_VERIFY_SECRET": "",
    # The key of the audit's fingerprint of an erased or handed-back number (HMAC-SHA256), so
    # that whoever holds the number and this key can tell it was erased, and nobody else can
    # find it by trying the 2⁴⁰ numbers. Empty: the audit keeps no fingerprint at all.
    "AUDIT_HMAC_KEY": "",
    # The Lambda function that runs the staff's background exports (invoked asynchronously);
    # empty: they run in a background thread of this process (the local run, the tests).
    "EXPORT_FUNCTION_NAME": "",
    # How many days before the return deadline (the session's date_limite_retour) the daily
    # job starts reminding the candidates whose signed confirmation hasn't arrived
    # (handler/staff/relances.py), from 1 to 60: each gets one automatic reminder in that
    # window, none after the deadline.
    "RELANCE_JOURS": "7",
    # dev and test only: how the pieces come back instead of the session file's own modes
    # (`papier`, `en_ligne`, or both separated by a comma), e.g. `make run RETOUR=en-ligne` to
    # try the online return on the Limoges session, whose notice says paper. Empty: the file's.
    "RETOUR_PIECES": "",
    # What scans an uploaded piece before anyone opens it (handler/platform/antivirus.py):
    # `guardduty` (production: GuardDuty Malware Protection for S3 tags the object) or `clamav`
    # (the local run and the tests: Debian's clamscan with the database CLAMAV_DATABASE).
    "PIECES_SCANNER": "guardduty",
    "CLAMAV_DATABASE": "",
}
#: The bounds of RELANCE_JOURS.
RELANCE_JOURS_MIN, RELANCE_JOURS_MAX = 1, 60

# Flask's own limit: bodies over 1 MB are refused with 413 before they are parsed.
MAX_CONTENT_LENGTH = 1024 * 1024


class ConfigError(RuntimeError):
    """The configuration can't run safely; the message says what to change."""


def load_config(overrides: Mapping[str, Any] | None = None, *,
                environ: Mapping[str, str] = os.environ,
                needs_site_url: bool = True) -> dict[str, Any]:
    """Defaults, then environment variables, then `overrides`, checked.

    `needs_site_url=False`: the staff's command line, which reads the bucket and serves no
    browser, runs in production without SITE_URL (its emails then name the site without a
    link, as they always did); the service itself refuses to start without it.
    """
    config = dict(DEFAULTS)
    for name in DEFAULTS:
        if name in environ:
            config[name] = environ[name]
    if "AWS_REGION" not in environ and "AWS_DEFAULT_REGION" in environ:
        config["AWS_REGION"] = environ["AWS_DEFAULT_REGION"]
    config.update(overrides or {})
    if config["INSCRIPTION_ENV"] not in ENVIRONMENTS:
        raise ConfigError(f"INSCRIPTION_ENV must be one of {', '.join(ENVIRONMENTS)}")
    config["INSCRIPTION_NOW"] = _parse_now(config["INSCRIPTION_NOW"], config["INSCRIPTION_ENV"])
    config["RELANCE_JOURS"] = _parse_reminder_days(config["RELANCE_JOURS"])
    config["RETOUR_PIECES"] = _parse_return_modes(config["RETOUR_PIECES"],
                                                  config["INSCRIPTION_ENV"])
    if config["PIECES_SCANNER"] not in ("guardduty", "clamav"):
        raise ConfigError("PIECES_SCANNER must be guardduty or clamav")
    if config["PIECES_SCANNER"] == "clamav" and not config["CLAMAV_DATABASE"]:
        raise ConfigError("PIECES_SCANNER=clamav needs CLAMAV_DATABASE, a clamscan database")
    if config["MAIL_OUTBOX_DIR"] and config["INSCRIPTION_ENV"] == "production":
        raise ConfigError("MAIL_OUTBOX_DIR is refused in production: emails go through SES")
    if not config["SITE_URL"]:
        config["SITE_URL"] = config["SITE_ORIGIN"]
    _check_site_url(config["SITE_URL"], config["INSCRIPTION_ENV"], required=needs_site_url)
    return config


def _check_site_url(value: str, environment: str, *, required: bool) -> None:
    # Issue 25, item 8: every absolute address the service hands out (an email's link, the
    # sign-in's redirect_uri, a redirect) is built from SITE_URL, never from the request's Host
    # header, which whoever sends the request chooses.
    if not value:
        if environment == "production" and required:
            raise ConfigError(
                "production refuses to start without SITE_URL (or SITE_ORIGIN), the site's "
                "address, e.g. https://preinscription.ac-limoges.fr/: the emails' links and the "
                "staff sign-in's redirects are built from it, never from the request's Host "
                "header")
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or parts.username is not None:
        raise ConfigError(f"SITE_URL must be the site's absolute address, e.g. "
                          f"https://preinscription.ac-limoges.fr/, not {value!r}")
    if environment == "production" and parts.scheme != "https":
        raise ConfigError(f"SITE_URL must be an https:// address in production, not {value!r}")


def _parse_return_modes(value: Any, environment: str) -> tuple[str, ...]:
    """RETOUR_PIECES as a tuple of modes; () for the session file's own."""
    if isinstance(value, tuple | list):
        modes = tuple(value)
    else:
        modes = tuple(m.strip().replace("-", "_") for m in str(value or "").split(",")
                      if m.strip())
    if not modes:
        return ()
    if environment == "production":
        raise ConfigError("RETOUR_PIECES is refused in production: the session file says how "
                          "the pieces come back (retour_confirmation.modes)")
    if any(m not in RETOUR_MODES for m in modes) or len(set(modes)) != len(modes):
        raise ConfigError(f"RETOUR_PIECES must be papier, en-ligne or both separated by a "
                          f"comma, not {value!r}")
    return modes


def _parse_reminder_days(value: Any) -> int:
    try:
        days = int(str(value).strip())
    except ValueError:
        days = 0
    if not RELANCE_JOURS_MIN <= days <= RELANCE_JOURS_MAX:
        raise ConfigError(f"RELANCE_JOURS must be a whole number of days from "
                          f"{RELANCE_JOURS_MIN} to {RELANCE_JOURS_MAX}, not {value!r}")
    return days


def _parse_now(value: Any, environment: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if environment == "production":
        raise ConfigError("INSCRIPTION_NOW is refused in production: the clock must be real")
    if isinstance(value, dt.datetime):
        instant = value
    else:
        try:
            instant = dt.datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise ConfigError(f"INSCRIPTION_NOW is not an ISO-8601 instant: {value!r}") from exc
    if instant.tzinfo is None:
        raise ConfigError("INSCRIPTION_NOW must carry its UTC offset, e.g. +01:00")
    return instant
