"""Staff authentication: named bearer tokens, known to the service only by their SHA-256.

`STAFF_TOKEN_HASHES` holds `name:sha256hex` pairs separated by commas (infra/README.md says how
to issue a token and set the list). A request presents `Authorization: Bearer <token>`; the
token's SHA-256 (of its UTF-8 bytes, lower-case hex) is compared with every configured hash in
constant time (hmac.compare_digest, all of them, whichever matches), so the answer's timing tells
nothing about how close a guess came. Without a valid token: 401, the same body whatever was
wrong, and the failure is counted per client: after FAILURES failures within WINDOW seconds the
client gets 429 with Retry-After, whatever it presents, until the window moves on (in-process:
behind Lambda each instance counts alone; the WAF's rate rule holds across instances). Tokens
are 256-bit random values: the limit is there to stop noise and a weak hand-made token, not to
make a brute force slow, which the token's size already does.

Every staff request is logged with who, when and what (the route's template and the status),
never with a name, a birth date, a number or a search term.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import math
import re
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request

from handler.config import ConfigError
from handler.errors import ApiError
from handler.rate_limit import SlidingWindowLimit, client_key
from handler.staff import messages as msg

log = logging.getLogger("handler.staff.audit")

FAILURES, WINDOW = 10, 15 * 60
#: The local run's demonstration token (handler.local_server prints it); refused in production.
DEMO_STAFF_TOKEN = "demo-gestionnaire-local"
TOKEN_MAX = 512
_PAIR = re.compile(r"^([A-Za-z0-9_.-]{1,64}):([0-9a-f]{64})$")


@dataclass(frozen=True)
class StaffMember:
    """A configured staff member: the name logged with their actions, their token's hash."""

    nom: str
    empreinte: str


def parse_token_hashes(value: str) -> tuple[StaffMember, ...]:
    """The staff from STAFF_TOKEN_HASHES; ConfigError on a malformed entry or a repeated name."""
    members: list[StaffMember] = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        found = _PAIR.match(entry)
        if found is None:
            # The entry itself is never printed: it may be a token pasted by mistake.
            raise ConfigError("STAFF_TOKEN_HASHES: each entry must be name:sha256hex (a name of "
                              "letters, digits, _ . -, and 64 lower-case hex digits)")
        if any(m.nom == found.group(1) for m in members):
            raise ConfigError(f"STAFF_TOKEN_HASHES: the name {found.group(1)!r} appears twice")
        members.append(StaffMember(found.group(1), found.group(2)))
    return tuple(members)


def token_hash(token: str) -> str:
    """The SHA-256 of a token's UTF-8 bytes, lower-case hex (what `sha256sum` prints)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class StaffAuthenticator:
    """Tells who holds a token, and slows down the clients that keep presenting wrong ones."""

    def __init__(self, members: tuple[StaffMember, ...], *,
                 failures: SlidingWindowLimit | None = None) -> None:
        self.members = members
        self.failures = failures or SlidingWindowLimit(FAILURES, WINDOW)

    def who(self, token: str) -> str | None:
        """The name of the staff member holding `token`, or None."""
        digest = token_hash(token)
        found = None
        for member in self.members:
            # Every hash is compared, whichever matches: no early exit to time.
            if hmac.compare_digest(digest, member.empreinte):
                found = member.nom
        return found

    def authenticate(self, header: str, *, client: str) -> str:
        """The staff member's name for an Authorization header; 401 or 429 otherwise."""
        if (wait := self.failures.wait(client)) is not None:
            seconds = max(1, math.ceil(wait))
            raise ApiError(429, "trop_de_tentatives",
                           msg.TROP_DE_TENTATIVES.format(minutes=math.ceil(seconds / 60)),
                           headers={"Retry-After": str(seconds)})
        scheme, _, token = header.partition(" ")
        token = token.strip()
        name = None
        if scheme.lower() == "bearer" and 0 < len(token) <= TOKEN_MAX:
            name = self.who(token)
        if name is None:
            self.failures.hit(client)
            log.warning("staff authentication refused at %s", _now())
            raise ApiError(401, "authentification_requise", msg.AUTHENTIFICATION_REQUISE,
                           headers={"WWW-Authenticate": 'Bearer realm="gestion"'})
        return name


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def current_staff() -> str:
    """The authenticated staff member's name, in a staff view."""
    return str(g.staff)


def require_staff() -> None:
    """A blueprint's before_request: authenticate, or answer 401/429 before anything else."""
    authenticator: StaffAuthenticator = current_app.extensions["staff_auth"]
    g.staff = authenticator.authenticate(request.headers.get("Authorization", ""),
                                         client=client_key())


def log_action(response: Response) -> Response:
    """A blueprint's after_request: who did what, when, with what outcome; no personal data."""
    response.headers["Cache-Control"] = "no-store"
    staff = g.get("staff")
    if staff is not None:
        route = request.url_rule.rule if request.url_rule else "-"
        log.info("staff action: %s %s %s by %s at %s", request.method, route,
                 response.status_code, staff, _now())
    return response


def init_app(app: Flask, value: str) -> None:
    """Read the staff's token hashes (ConfigError if malformed, or if production was given the
    local run's demonstration token) into the app."""
    members = parse_token_hashes(value)
    if app.config["INSCRIPTION_ENV"] == "production" and any(
            hmac.compare_digest(m.empreinte, token_hash(DEMO_STAFF_TOKEN)) for m in members):
        raise ConfigError("STAFF_TOKEN_HASHES: the local run's demonstration token is refused "
                          "in production; issue real tokens (infra/README.md)")
    app.extensions["staff_auth"] = StaffAuthenticator(members)
