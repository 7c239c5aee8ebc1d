"""Access links by email, and the short proofs they give: the owner's way in without the birth
date, even while a stranger keeps the number locked (handler.candidats.ownership).

- A link is a random token (256 bits) sent to the address stored on the dossier; the bucket
  keeps only its SHA-256 (`acces/<numero>/liens/<sha256>.json`) and its expiry, LINK_SECONDS
  after it was sent. It serves once: using it overwrites its record with a conditional write,
  so that of two simultaneous uses only one wins.
- Using a link gives an access proof: another random token, hashed in
  `acces/<numero>/preuves/<sha256>.json`, valid PROOF_SECONDS from then. The page keeps it in
  memory only and sends it in the PROOF_HEADER header instead of X-Date-Naissance to consult,
  modify or print the dossier. It is bound to the number and expires; it is not renewed.
- The birth date, checked once (and counted like every check), may be exchanged for the same
  proof: « mon dossier » does it before it uploads pieces (issue 28), whose every request then
  costs the proof's two reads instead of the birth date's counted check.
A token travels in the link's fragment (after `#`): browsers never send it to a server, so no
access log holds it; the page sends it once, in a POST body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from handler.dossier import contact_lock
from handler.dossier.numero import canonical
from handler.platform import messages as msg
from handler.platform.errors import ApiError
from handler.platform.storage import DossierStore, Stored, WriteConflict

LINK_SECONDS = 15 * 60
PROOF_SECONDS = 30 * 60
PROOF_HEADER = "X-Acces-Dossier"
LINKS, PROOFS = "liens", "preuves"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def digest(token: str) -> str:
    """What the bucket keeps of a token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Proof:
    """An access proof just given: the token (the page's only copy) and its end."""

    token: str
    expires: float

    def expires_iso(self) -> str:
        return dt.datetime.fromtimestamp(self.expires, dt.UTC).isoformat(timespec="seconds")


def _invalid_link() -> ApiError:
    return ApiError(403, "lien_invalide", msg.LIEN_ACCES_INVALIDE)


def _invalid_proof() -> ApiError:
    return ApiError(403, "acces_expire", msg.ACCES_EXPIRE)


def issue_link(store: DossierStore, numero: str) -> str:
    """A new link token for the dossier `numero` (canonical), recorded by its hash."""
    token = new_token()
    store.record_access(numero, LINKS, digest(token), {"expire": time.time() + LINK_SECONDS})
    return token


def use_link(store: DossierStore, typed_numero: str, token: str) -> tuple[Stored, Proof]:
    """The dossier a link opens, and a proof for it; 403 `lien_invalide` alike for a link
    unknown, expired, already used or whose dossier is gone."""
    numero = canonical(typed_numero)
    if numero is None or not _TOKEN.match(token):
        raise _invalid_link()
    record = store.access_record(numero, LINKS, digest(token))
    now = time.time()
    if record is None or record.body.get("utilise") or record.body["expire"] <= now:
        raise _invalid_link()
    try:
        store.record_access(numero, LINKS, digest(token),
                            {**record.body, "utilise": True}, etag=record.etag)
    except WriteConflict:
        raise _invalid_link() from None  # used at the same instant by another request
    stored = store.dossier(numero)
    if stored is None:
        raise _invalid_link()
    return _lift_contact_lock(store, stored), issue_proof(store, numero)


def issue_proof(store: DossierStore, numero: str) -> Proof:
    """A new access proof for the dossier `numero` (canonical), recorded by its hash."""
    proof = Proof(new_token(), time.time() + PROOF_SECONDS)
    store.record_access(numero, PROOFS, digest(proof.token), {"expire": proof.expires})
    return proof


def _lift_contact_lock(store: DossierStore, stored: Stored) -> Stored:
    """The owner proved they read the dossier's address (the bureau's, after a hand-back): its
    contact fields are theirs to modify again (handler.dossier.contact_lock)."""
    for _ in range(3):
        if not contact_lock.locked(stored.body):
            return stored
        body = contact_lock.unlock(stored.body)
        try:
            return Stored(body, store.update_dossier(body, stored.etag))
        except WriteConflict:
            again = store.dossier(stored.body["numero"])
            if again is None:
                raise _invalid_link() from None
            stored = again
    raise ApiError(409, "modification_concurrente", msg.MODIFICATION_CONCURRENTE)


def owned_by_proof(store: DossierStore, typed_numero: str, token: str) -> Stored:
    """The dossier an access proof opens; 403 `acces_expire` for any proof that doesn't."""
    numero = canonical(typed_numero)
    if numero is None or not _TOKEN.match(token):
        raise _invalid_proof()
    record = store.access_record(numero, PROOFS, digest(token))
    if record is None or record.body["expire"] <= time.time():
        raise _invalid_proof()
    stored = store.dossier(numero)
    if stored is None:
        raise _invalid_proof()
    return stored
