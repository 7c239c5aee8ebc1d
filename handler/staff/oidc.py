"""Staff sign-in through the académie's OpenID Connect provider (Authorization Code with PKCE
S256, `state` and `nonce`), with Authlib: discovery, the token exchange and the ID token's
verification (signature from the provider's JWKS, issuer, audience, expiry, nonce; `alg: none`
refused) are Authlib's, none of it written here.

Routes (the browser's, outside the token-guarded /api/staff/ blueprint):
- GET /api/staff/connexion: 302 to the provider's authorization endpoint;
- GET /api/staff/connexion/retour: the provider sends the browser back here; on success a
  session is opened (`sessions`) and the browser goes to gestion.html;
- POST /api/staff/deconnexion: ends the session, then 303 to the provider's
  end_session_endpoint when it has one (with our client_id: the ID token is not kept), else to
  gestion.html.

Every address handed to the browser or the provider (redirect_uri, post_logout_redirect_uri,
the redirects) is built from SITE_URL, never from the request's Host header (issue 25, item 8):
production refuses to start without it, the local run sets it from its port, and where it is
empty (a test app) the sign-in answers 503 « configuration incomplète ».

The pending sign-in (state, nonce, PKCE verifier) is kept in the bucket (`sessions.StateCache`,
deleted when used) and named by a short-lived cookie `__Host-gestion-connexion`, signed with
the key from STAFF_SESSION_SECRET(_ARN) (`SameSite=Lax`: it must come back on the provider's
redirect); so the `state` serves once, only in the browser that started the sign-in. The key's
current and previous values both verify: a rotation signs nobody out.

Whatever fails shows a French page and leaves an audit line, with no personal data beyond the
staff member's email, masked when the sign-in is refused (« a…@ac-limoges.fr »). The email
claim must be verified by the provider (`email_verified: true`) and is compared exactly
(`roles.account_email`); the account is bound to the provider's `sub` at its first sign-in
(`identities`).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import secrets
import threading
from collections.abc import Callable
from typing import Any, NoReturn

from flask import Blueprint, Flask, Response, current_app, g, jsonify, redirect, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.wrappers import Response as BaseResponse

from handler.platform.config import ConfigError
from handler.platform.errors import ApiError, error_response
from handler.platform.origin import ManagedSecret, _secrets_manager
from handler.platform.rate_limit import client_key
from handler.staff import auth, identities, roles
from handler.staff import messages as msg
from handler.staff.sessions import ABSOLUTE_SECONDS, STATE_SECONDS, SessionStore, StateCache

log = logging.getLogger("handler.staff.audit")
bp = Blueprint("staff_connexion", __name__, url_prefix="/api/staff")

SIGN_IN_COOKIE = "__Host-gestion-connexion"
PROVIDER = "academie"
#: The local run's demonstration accounts (handler.local_server); refused in production.
DEMO_ACCOUNTS = {"lecture.demo@ac-limoges.test": roles.LECTURE,
                 "gestion.demo@ac-limoges.test": roles.GESTION,
                 "administration.demo@ac-limoges.test": roles.ADMINISTRATION}


def _page(status: int, titre: str, message: str, code: str) -> Response:
    """A short French page for the browser flow, with the way back to the staff page; the API's
    error envelope for a client that doesn't ask for HTML (a script)."""
    if "text/html" not in request.headers.get("Accept", ""):
        return error_response(status, code, message)
    body = (
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
        "<meta name=\"robots\" content=\"noindex, nofollow\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(titre)} — Espace gestionnaire</title></head><body><main>"
        f"<h1>{html.escape(titre)}</h1><p>{html.escape(message)}</p>"
        f"<p><a href=\"{html.escape(_back_link())}\">Retour à l'espace "
        "gestionnaire</a></p></main></body></html>")
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _site(path: str) -> str:
    """An absolute address on the site, from SITE_URL only; 503 when it is not configured."""
    base = current_app.config["SITE_URL"]
    if not base:
        raise _Refusal(503, "Connexion indisponible : configuration incomplète",
                       "L'adresse du site (SITE_URL) n'est pas configurée sur ce service : la "
                       "connexion des gestionnaires est impossible. Prévenez l'administrateur "
                       "du service.", "SITE_URL not configured")
    return str(base).rstrip("/") + "/" + path


def _back_link() -> str:
    # A path, not an address, when SITE_URL is missing: the browser resolves it against the
    # page's own URL, which the Host header can't change.
    base = current_app.config["SITE_URL"]
    return str(base).rstrip("/") + "/gestion.html" if base else "/gestion.html"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class SignInCookie(SecureCookieSessionInterface):
    """Flask's signed session cookie, keyed by the current and previous values of a secret (the
    newest signs, all verify), only for the pending sign-in."""

    def __init__(self, keys: Callable[[], tuple[bytes, ...]]) -> None:
        self.keys = keys

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        current, *previous = self.keys()
        return URLSafeTimedSerializer(
            [*reversed(previous), current], salt=self.salt, serializer=self.serializer,
            signer_kwargs={"key_derivation": self.key_derivation,
                           "digest_method": self.digest_method})


class Provider:
    """The configured OpenID Connect provider, registered with Authlib on first use (the client
    secret may come from Secrets Manager)."""

    def __init__(self, app: Flask, *, secret: Callable[[], str]) -> None:
        from authlib.integrations.flask_client import OAuth

        self.app, self.secret = app, secret
        self.oauth = OAuth(app, cache=StateCache(app.extensions["dossier_store"]))
        self._client: Any = None
        self._lock = threading.Lock()

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                config = self.app.config
                self._client = self.oauth.register(
                    PROVIDER, client_id=config["OIDC_CLIENT_ID"], client_secret=self.secret(),
                    server_metadata_url=config["OIDC_ISSUER"].rstrip("/")
                    + "/.well-known/openid-configuration",
                    client_kwargs={"scope": config["OIDC_SCOPES"],
                                   "code_challenge_method": "S256", "timeout": 10})
            return self._client


def _provider() -> Provider:
    provider: Provider | None = current_app.extensions.get("staff_oidc")
    if provider is None:
        raise _Refusal(503, "Connexion indisponible",
                       "La connexion des gestionnaires n'est pas configurée sur ce service : "
                       "prévenez l'administrateur du service.", "not configured")
    return provider


class _Refusal(Exception):
    def __init__(self, status: int, titre: str, message: str, reason: str, *,
                 retry_after: str = "", code: str = "") -> None:
        super().__init__(reason)
        self.status, self.titre, self.message, self.reason = status, titre, message, reason
        self.code = code or {400: "connexion_refusee", 429: "trop_de_tentatives",
                             503: "connexion_indisponible"}.get(status, "connexion_refusee")
        self.retry_after = retry_after or ("60" if status == 503 else "")


@bp.errorhandler(_Refusal)
def _refused(exc: _Refusal) -> Response:
    log.warning("staff sign-in refused: %s at %s", exc.reason, _now())
    response = _page(exc.status, exc.titre, exc.message, exc.code)
    if exc.retry_after:
        response.headers["Retry-After"] = exc.retry_after
    return response


@bp.get("/connexion")
def sign_in() -> Response:
    """Send the browser to the provider (PKCE S256, state and nonce made by Authlib)."""
    redirect_uri = _site("api/staff/connexion/retour")
    client = _provider().client()
    extra = {}
    if current_app.config["OIDC_ACR_VALUES"]:
        extra["acr_values"] = current_app.config["OIDC_ACR_VALUES"]
    try:
        response: Response = client.authorize_redirect(redirect_uri, **extra)
    except Exception as exc:  # the provider's discovery unreachable or malformed
        log.error("staff sign-in: provider unavailable: %s", type(exc).__name__)
        raise _Refusal(503, "Connexion indisponible",
                       "Le service d'authentification de l'académie ne répond pas : réessayez "
                       "dans quelques minutes.", "provider unavailable") from exc
    response.headers["Cache-Control"] = "no-store"
    return response


def _failures() -> auth.FailureLimit:
    authenticator: auth.StaffAuthenticator = current_app.extensions["staff_auth"]
    return authenticator.failures


def _refuse(status: int, titre: str, message: str, reason: str, *,
            account: str = "") -> NoReturn:
    """Count a failed sign-in (per address, and per account when known); 429 past a limit."""
    answer = _failures().refuse(client=client_key(), secret=account)
    if answer.status == 429:
        raise _Refusal(429, "Trop de tentatives", answer.message, reason + " (limited)",
                       retry_after=answer.headers.get("Retry-After", "60"))
    raise _Refusal(status, titre, message, reason)


@bp.get("/connexion/retour")
def sign_in_return() -> BaseResponse:
    """Check state, exchange the code, verify the ID token; open a session if the account has
    a role."""
    from authlib.common.errors import AuthlibBaseError
    from joserfc.errors import JoseError
    from requests import RequestException

    home = _site("gestion.html")
    client = _provider().client()
    config = current_app.config
    try:
        token = client.authorize_access_token(claims_options={
            "iss": {"essential": True, "values": [config["OIDC_ISSUER"].rstrip("/")]},
            "aud": {"essential": True, "values": [config["OIDC_CLIENT_ID"]]},
        }, leeway=60)
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as exc:
        _refuse(400, "Connexion refusée",
                "La connexion n'a pas abouti (demande expirée, déjà utilisée ou refusée par le "
                "service d'authentification) : recommencez depuis l'espace gestionnaire.",
                f"{type(exc).__name__}")
    claims = token.get("userinfo") or {}
    claimed, sub = claims.get("email"), claims.get("sub")
    if not claims or not claimed or not isinstance(sub, str) or not sub:
        _refuse(400, "Connexion refusée",
                "Le service d'authentification n'a pas transmis d'identité vérifiable (jeton "
                "d'identité, identifiant ou adresse électronique manquants) : recommencez, et si "
                "le problème persiste, prévenez l'administrateur du service.",
                "no id token/sub/email")
    # Issue 25: an address the provider has not verified, or one that only looks like an
    # account's (padded, upper case, a Kelvin sign), is nobody's.
    email = roles.account_email(claimed)
    if email is None or claims.get("email_verified") is not True:
        _refuse(403, "Adresse électronique non vérifiée",
                "Le service d'authentification ne garantit pas l'adresse électronique de ce "
                "compte (adresse non vérifiée ou mal formée) : l'espace gestionnaire ne peut "
                f"pas vous identifier. Demandez de l'aide à {config['STAFF_ACCESS_CONTACT']}.",
                f"email unverified or malformed: {roles.masked(claimed)}",
                account=str(claimed)[:254])
    role = current_app.extensions["staff_accounts"].get(email)
    if role is None:
        log.warning("staff sign-in refused: %s has no access at %s", roles.masked(email),
                    _now())
        _failures().refuse(client=client_key(), secret=email)
        return _page(403, "Pas d'accès à l'espace gestionnaire",
                     f"Votre compte {email} n'a pas accès à l'espace gestionnaire : demandez "
                     f"l'accès à {config['STAFF_ACCESS_CONTACT']}.", "acces_refuse")
    if not identities.same_person(current_app.extensions["dossier_store"], email, sub,
                                  now=_now()):
        _refuse(403, "Compte rattaché à une autre personne",
                "Cette adresse électronique a déjà servi à une autre personne du service "
                "d'authentification : l'espace gestionnaire ne peut pas vous identifier. "
                f"Demandez de l'aide à {config['STAFF_ACCESS_CONTACT']}.",
                f"another subject for {roles.masked(email)}", account=email)
    sessions: SessionStore = current_app.extensions["staff_sessions"]
    # Issue 25, item 9c: the ID token is not kept (the provider's sign-out takes our client_id).
    cookie = sessions.open(email=email, role=role)
    log.info("staff signed in: %s (%s) at %s", email, role, _now())
    response = redirect(home, code=302)
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(auth.COOKIE, cookie, max_age=ABSOLUTE_SECONDS, path="/", secure=True,
                        httponly=True, samesite="Strict")
    return response


@bp.post("/deconnexion")
def sign_out() -> BaseResponse:
    """End the session; then the provider's end_session_endpoint, when it has one (303 for a
    form's post, `{"redirection": url}` for the page's script)."""
    cookie = request.cookies.get(auth.COOKIE, "")
    if request.headers.get("Origin", "") not in auth.site_origins():
        log.warning("staff sign-out refused: cross-site at %s", _now())
        raise ApiError(403, "origine_refusee", msg.ORIGINE_REFUSEE)
    target = _site("gestion.html?deconnexion=1")
    sessions: SessionStore = current_app.extensions["staff_sessions"]
    ended = sessions.close(cookie) if cookie else None
    if ended is not None:
        g.staff = ended.email
        log.info("staff signed out: %s at %s", ended.email, _now())
        provider = current_app.extensions.get("staff_oidc")
        if provider is not None:
            try:
                client = provider.client()
                if client.load_server_metadata().get("end_session_endpoint"):
                    # client_id rather than id_token_hint (OpenID Connect RP-Initiated
                    # Logout 1.0 allows either): no ID token is kept once signed in.
                    target = client.create_logout_url(
                        post_logout_redirect_uri=target,
                        client_id=current_app.config["OIDC_CLIENT_ID"])["url"]
            except Exception as exc:  # the provider unreachable: the session here is ended
                log.warning("provider sign-out skipped: %s", type(exc).__name__)
    # The page's script (fetch) reads where to go: the site's CSP (form-action 'self') would
    # stop a form's redirect to the provider. A browser's form post gets the 303 itself.
    if "text/html" in request.headers.get("Accept", ""):
        response = redirect(target, code=303)
    else:
        response = jsonify({"redirection": target})
    response.headers["Cache-Control"] = "no-store"
    response.delete_cookie(auth.COOKIE, path="/", secure=True, httponly=True,
                           samesite="Strict")
    return response


def _secret_keys(app: Flask, client: Any) -> Callable[[], tuple[bytes, ...]]:
    fixed = tuple(s.strip().encode() for s in app.config["STAFF_SESSION_SECRET"].split(",")
                  if s.strip())
    arn = app.config["STAFF_SESSION_SECRET_ARN"]
    if arn:
        managed = ManagedSecret(client or _secrets_manager(app.config["AWS_REGION"]), arn)
        return lambda: managed.values() + fixed
    if fixed:
        return lambda: fixed
    if app.config["INSCRIPTION_ENV"] == "production":
        raise ConfigError("production needs STAFF_SESSION_SECRET_ARN (or STAFF_SESSION_SECRET) "
                          "to sign the staff's sign-in")
    random_key = (secrets.token_bytes(32),)  # one process: the local run, the tests
    return lambda: random_key


def _client_secret(app: Flask, client: Any) -> Callable[[], str]:
    arn = app.config["OIDC_CLIENT_SECRET_ARN"]
    if arn:
        managed = ManagedSecret(client or _secrets_manager(app.config["AWS_REGION"]), arn)
        return lambda: managed.values()[0].decode("utf-8")
    value = str(app.config["OIDC_CLIENT_SECRET"])
    return lambda: value


def init_app(app: Flask, *, secrets_client: Any = None) -> None:
    """Read the accounts and the provider's settings; refuse to start in production without
    OIDC_ISSUER and STAFF_ACCOUNTS, or with the local run's demonstration accounts."""
    config = app.config
    accounts = roles.parse_accounts(config["STAFF_ACCOUNTS"])
    if config["INSCRIPTION_ENV"] == "production":
        missing = [n for n in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "STAFF_ACCOUNTS") if not config[n]]
        if missing:
            raise ConfigError("production refuses to start without " + ", ".join(missing)
                              + " (the staff's sign-in, infra/README.md)")
        if set(accounts) & set(DEMO_ACCOUNTS) or "127.0.0.1" in config["OIDC_ISSUER"] \
                or "localhost" in config["OIDC_ISSUER"]:
            raise ConfigError("the local run's demonstration provider and accounts are refused "
                              "in production (OIDC_ISSUER, STAFF_ACCOUNTS)")
    app.extensions["staff_accounts"] = accounts
    app.extensions["staff_sessions"] = SessionStore(app.extensions["dossier_store"])
    app.session_interface = SignInCookie(_secret_keys(app, secrets_client))
    app.config.update(SESSION_COOKIE_NAME=SIGN_IN_COOKIE, SESSION_COOKIE_SECURE=True,
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_PATH="/", SESSION_COOKIE_DOMAIN=None,
                      PERMANENT_SESSION_LIFETIME=dt.timedelta(seconds=STATE_SECONDS))
    if config["OIDC_ISSUER"]:
        app.extensions["staff_oidc"] = Provider(
            app, secret=_client_secret(app, secrets_client))
    app.register_blueprint(bp)
