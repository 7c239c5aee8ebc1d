"""Staff authentication: a browser session opened through the OpenID Connect provider (`oidc`,
`sessions`), or, for the command line and scripts only, a named bearer token; each with a role
(`roles`).

A request with `Authorization: Bearer <token>` is a script's: `STAFF_TOKEN_HASHES` holds
`name:role:sha256hex` entries separated by commas (infra/README.md says how to issue a token);
the token's SHA-256 (of its UTF-8 bytes, lower-case hex) is compared with every configured hash
in constant time (hmac.compare_digest, all of them, whichever matches). An entry in the old
`name:sha256hex` form refuses to start, saying to add the role. The staff page never sends a
token: it relies on the `__Host-gestion` cookie of its session.

Failed attempts (wrong tokens, unknown or expired session cookies) are counted per client
address (FAILURES_PER_ADDRESS within WINDOW seconds) and per token prefix (FAILURES_PER_TOKEN):
past either, the wrong attempts answer 429 with Retry-After. A valid token or session is never
refused because of the count: a stranger behind the same address as the bureau (the Rectorat's
one outgoing address) can't lock the office out; and a token is 256 random bits, so the count is
there to stop noise, not to make a brute force slow, which the token's size already does.
In-process: behind Lambda each instance counts alone; the WAF's rate rule holds across instances.

State-changing requests of a browser session (any method but GET, HEAD, OPTIONS) are protected
against cross-site requests twice: the cookie is `SameSite=Strict` (a browser doesn't send it on
a request another site starts), and the request's `Origin` must be the site's own (SITE_ORIGIN or
SITE_URL; never the request's Host header, which the sender chooses); otherwise 403, nothing
changed.

Every staff request is logged with who (the person's email, or the token's name), when and what
(the route's template and the status), never with a name, a birth date, a number or a search
term.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

from handler.platform.config import ConfigError
from handler.platform.errors import ApiError
from handler.platform.rate_limit import SlidingWindowLimit, client_key
from handler.staff import messages as msg
from handler.staff import roles
from handler.staff.sessions import SessionStore
from shared_rules.dates_fr import attente

log = logging.getLogger("handler.staff.audit")

FAILURES_PER_ADDRESS, FAILURES_PER_TOKEN, WINDOW = 50, 10, 15 * 60
#: Kept for the callers that knew one limit: the per-token one.
FAILURES = FAILURES_PER_TOKEN
#: The local run's demonstration token (handler.local_server prints it); refused in production.
DEMO_STAFF_TOKEN = "demo-gestionnaire-local"
TOKEN_MAX = 512
#: The staff session's cookie: Secure, HttpOnly, SameSite=Strict, Path=/, no Domain.
COOKIE = "__Host-gestion"
_ENTRY = re.compile(r"^([A-Za-z0-9_.-]{1,64}):([a-z]+):([0-9a-f]{64})$")
_OLD_ENTRY = re.compile(r"^([A-Za-z0-9_.-]{1,64}):([0-9a-f]{64})$")
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class StaffMember:
    """A script's token: the name logged with its actions, its role, the token's hash."""

    nom: str
    role: str
    empreinte: str


@dataclass(frozen=True)
class Staff:
    """Who makes a staff request: a person's email (browser) or a token's name (script)."""

    nom: str
    role: str
    par_jeton: bool


def parse_token_hashes(value: str) -> tuple[StaffMember, ...]:
    """The tokens of STAFF_TOKEN_HASHES; ConfigError on a malformed entry, an unknown role, an
    entry of the old `name:sha256hex` form, or a repeated name."""
    members: list[StaffMember] = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        found = _ENTRY.match(entry)
        if found is None:
            # The entry itself is never printed: it may be a token pasted by mistake.
            if _OLD_ENTRY.match(entry):
                raise ConfigError(
                    "STAFF_TOKEN_HASHES: entries are now name:role:sha256hex; add each token's "
                    "role (" + ", ".join(roles.ROLES) + "), e.g. dec4:lecture:<hash> "
                    "(infra/README.md)")
            raise ConfigError("STAFF_TOKEN_HASHES: each entry must be name:role:sha256hex (a "
                              "name of letters, digits, _ . -, a role among "
                              + ", ".join(roles.ROLES) + ", and 64 lower-case hex digits)")
        roles.check_role(found.group(2), "STAFF_TOKEN_HASHES")
        if any(m.nom == found.group(1) for m in members):
            raise ConfigError(f"STAFF_TOKEN_HASHES: the name {found.group(1)!r} appears twice")
        members.append(StaffMember(found.group(1), found.group(2), found.group(3)))
    return tuple(members)


def token_hash(token: str) -> str:
    """The SHA-256 of a token's UTF-8 bytes, lower-case hex (what `sha256sum` prints)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class FailureLimit:
    """Counts failed attempts per address and per token prefix (or account)."""

    def __init__(self, *, per_address: SlidingWindowLimit | None = None,
                 per_token: SlidingWindowLimit | None = None) -> None:
        self.per_address = per_address or SlidingWindowLimit(FAILURES_PER_ADDRESS, WINDOW)
        self.per_token = per_token or SlidingWindowLimit(FAILURES_PER_TOKEN, WINDOW)

    def refuse(self, *, client: str, secret: str = "") -> ApiError:
        """Count a failure; the answer to give: 401, or 429 past a limit."""
        waits = [self.per_address.hit(client)]
        if secret:
            waits.append(self.per_token.hit("jeton:" + token_hash(secret)[:12]))
        wait = max((w for w in waits if w is not None), default=None)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            return ApiError(429, "trop_de_tentatives",
                            msg.TROP_DE_TENTATIVES.format(attente=attente(seconds)),
                            headers={"Retry-After": str(seconds)})
        return ApiError(401, "authentification_requise", msg.AUTHENTIFICATION_REQUISE,
                        headers={"WWW-Authenticate": 'Bearer realm="gestion"'})


class StaffAuthenticator:
    """Tells who holds a token or a session cookie; counts the failures."""

    def __init__(self, members: tuple[StaffMember, ...], *,
                 failures: FailureLimit | None = None) -> None:
        self.members = members
        self.failures = failures or FailureLimit()

    def who(self, token: str) -> StaffMember | None:
        """The token's holder, or None."""
        digest = token_hash(token)
        found = None
        for member in self.members:
            # Every hash is compared, whichever matches: no early exit to time.
            if hmac.compare_digest(digest, member.empreinte):
                found = member
        return found

    def authenticate(self, header: str, *, client: str) -> Staff:
        """A script's Authorization header: who holds the token; 401 or 429 otherwise."""
        scheme, _, token = header.partition(" ")
        token = token.strip()
        member = None
        if scheme.lower() == "bearer" and 0 < len(token) <= TOKEN_MAX:
            member = self.who(token)
        if member is None:
            log.warning("staff authentication refused (token) at %s", _now())
            raise self.failures.refuse(client=client, secret=token[:TOKEN_MAX])
        return Staff(member.nom, member.role, par_jeton=True)

    def authenticate_session(self, sessions: SessionStore, cookie: str, *, client: str,
                             accounts: Mapping[str, str]) -> Staff:
        """A browser's session cookie: who signed in, with the role the accounts list gives
        them now (a person removed from the list is signed out at their next request); 401 or
        429 otherwise."""
        found = sessions.find(cookie)
        if found is None:
            log.warning("staff authentication refused (session ended, expired or unknown) "
                        "at %s", _now())
            raise self.failures.refuse(client=client)
        role = accounts.get(found.email)
        if role is None:
            sessions.close(cookie)
            log.warning("staff session ended: %s is no longer in STAFF_ACCOUNTS at %s",
                        found.email, _now())
            raise self.failures.refuse(client=client)
        return Staff(found.email, role, par_jeton=False)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def current_staff() -> str:
    """The authenticated staff member's name (a person's email, or a token's name)."""
    return str(g.staff)


def current_role() -> str:
    """The authenticated staff member's role."""
    return str(g.staff_role)


def site_origins() -> set[str]:
    """The origins a browser's state-changing staff request may come from: the site's own, as
    configured (none when neither SITE_ORIGIN nor SITE_URL is set)."""
    found = set()
    # Issue 25, item 8: not request.host_url, which follows the Host header.
    for value in (current_app.config["SITE_ORIGIN"], current_app.config["SITE_URL"]):
        parts = urlsplit(value or "")
        if parts.scheme and parts.netloc:
            found.add(f"{parts.scheme}://{parts.netloc}")
    return found


def _same_site_only() -> None:
    if request.method in _SAFE_METHODS:
        return
    origin = request.headers.get("Origin", "")
    if origin not in site_origins():
        log.warning("staff request refused: cross-site %s by %s at %s", request.method,
                    g.staff, _now())
        raise ApiError(403, "origine_refusee", msg.ORIGINE_REFUSEE)


def require_staff() -> None:
    """A blueprint's before_request: authenticate (a script's token, else the session cookie),
    check a browser's state-changing request comes from the site, or answer 401/403/429."""
    authenticator: StaffAuthenticator = current_app.extensions["staff_auth"]
    header = request.headers.get("Authorization", "")
    cookie = request.cookies.get(COOKIE, "")
    if header or not cookie:
        staff = authenticator.authenticate(header, client=client_key())
    else:
        staff = authenticator.authenticate_session(
            current_app.extensions["staff_sessions"], cookie, client=client_key(),
            accounts=current_app.extensions["staff_accounts"])
    g.staff, g.staff_role = staff.nom, staff.role
    if not staff.par_jeton:
        _same_site_only()


def requires_role(needed: str) -> Callable[[View], View]:
    """A view's decorator: 403 unless the staff member's role allows `needed`."""
    roles.check_role(needed, "requires_role")

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not roles.allows(current_role(), needed):
                log.warning("staff action refused: %s %s needs %s, %s is %s at %s",
                            request.method, request.url_rule.rule if request.url_rule else "-",
                            needed, current_staff(), current_role(), _now())
                raise ApiError(403, "role_insuffisant", msg.ROLE_INSUFFISANT.format(
                    role=roles.LIBELLES[needed]))
            return view(*args, **kwargs)
        return guarded  # type: ignore[return-value]
    return decorate


def log_action(response: Response) -> Response:
    """A blueprint's after_request: who did what, when, with what outcome; no personal data
    beyond the staff member's email."""
    response.headers["Cache-Control"] = "no-store"
    staff = g.get("staff")
    if staff is not None:
        route = request.url_rule.rule if request.url_rule else "-"
        log.info("staff action: %s %s %s by %s at %s", request.method, route,
                 response.status_code, staff, _now())
    return response


def init_app(app: Flask, value: str) -> None:
    """Read the scripts' token hashes (ConfigError if malformed, or if production was given the
    local run's demonstration token) into the app."""
    members = parse_token_hashes(value)
    if app.config["INSCRIPTION_ENV"] == "production" and any(
            hmac.compare_digest(m.empreinte, token_hash(DEMO_STAFF_TOKEN)) for m in members):
        raise ConfigError("STAFF_TOKEN_HASHES: the local run's demonstration token is refused "
                          "in production; issue real tokens (infra/README.md)")
    app.extensions["staff_auth"] = StaffAuthenticator(members)
