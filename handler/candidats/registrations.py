"""Creating and modifying dossiers: the notice's « enregistrement de la candidature ».

A dossier is recorded only once it is valid; it gets a number the candidate notes down, which,
with the birth date, lets them consult or modify it. One person holds one dossier per session.
These flows survive being stopped between any two writes: a retry, or the next request for the
same person, finishes what was started (see DossierStore).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

import shared_rules
from handler.dossier import contact_lock, index
from handler.dossier.numero import new_numero
from handler.platform import messages as msg
from handler.platform.clock import timestamp
from handler.platform.errors import ApiError
from handler.platform.storage import DossierStore, Stored, WriteConflict
from shared_rules.session import Session

IDEMPOTENCY_TTL_SECONDS = 24 * 3600
#: Random numbers tried when the previous one is already taken (one chance in 2⁴⁰ per stored
#: dossier each time).
COLLISION_ATTEMPTS = 5


@dataclass(frozen=True)
class Outcome:
    """A dossier as stored, and whether this request created it (201) or found it (200)."""

    record: dict[str, Any]
    created: bool


def fingerprint(body: Any) -> str:
    """A hash of a request body, insensitive to key order and spacing."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _fresh_numero(store: DossierStore) -> str:
    """A random number, not checked here: a collision (one in 2⁴⁰ per stored dossier) is found
    by the dossier's conditional create itself (see create), which saves a HEAD per
    submission."""
    return new_numero()


class DejaInscrit(ApiError):
    """409: the identity is held by another dossier, `holder` (None if it can't be read);
    handler.candidats.doublons counts it and tells the holder."""

    def __init__(self, session: Session, identity: str, holder: Stored | None) -> None:
        super().__init__(409, "deja_inscrit",
                         msg.DEJA_INSCRIT.format(
                             destinataire=shared_rules.bureau_contact(session)))
        self.identity = identity
        self.holder = holder


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _claim_content(record: dict[str, Any]) -> dict[str, Any]:
    """What an identity claim holds: the number, and the dossier to write until it exists."""
    return {"numero": record["numero"], "dossier": record}


def _key_content(numero: str, body_fingerprint: str) -> dict[str, Any]:
    """What an Idempotency-Key's record holds: the body's hash and the number it was given."""
    return {"empreinte": body_fingerprint, "numero": numero, "horodatage": time.time()}


def _expired(made: dict[str, Any]) -> bool:
    return bool(time.time() - made["horodatage"] > IDEMPOTENCY_TTL_SECONDS)


@dataclass(frozen=True)
class Replay:
    """What an Idempotency-Key already named: `found`, the dossier to answer with (200), or
    `numero`, the number its first try took but didn't write (this retry finishes it)."""

    found: Stored | None = None
    numero: str | None = None


def _replay(store: DossierStore, key_hash: str, numero: str, body_fingerprint: str) -> Replay:
    """Record the key's first answer (`numero`), or find the one it already has.

    A key names its first answer for IDEMPOTENCY_TTL_SECONDS, whatever happened to the dossier
    since (a new birth date, a new name): the same body gets that dossier (200); another body,
    422; a key whose dossier was erased, 410 (the erasure leaves only that mark). An expired
    key is taken afresh."""
    made = store.claim_idempotency(key_hash, _key_content(numero, body_fingerprint))
    if made is None:
        return Replay()
    if _expired(made.body):
        try:
            store.write(store.idempotency_key(key_hash), _key_content(numero, body_fingerprint),
                        if_match=made.etag)
        except WriteConflict:
            raise ApiError(409, "modification_concurrente", msg.MODIFICATION_CONCURRENTE) from None
        return Replay()
    if made.body.get("efface"):
        raise ApiError(410, "dossier_efface", msg.DOSSIER_EFFACE)
    if made.body["empreinte"] != body_fingerprint:
        raise ApiError(422, "cle_idempotence_reutilisee", msg.CLE_IDEMPOTENCE_REUTILISEE)
    found = store.dossier(made.body["numero"])
    return Replay(found=found) if found is not None else Replay(numero=made.body["numero"])


def _legacy_replay(claim: Stored, key_hash: str | None, body_fingerprint: str) -> bool:
    """Whether a claim written by the previous release (which kept a key's hashes in the
    claim, not in its own record) was made by this key within its lifetime."""
    made = claim.body.get("idempotence")
    if key_hash is None or not isinstance(made, dict) or made.get("cle") != key_hash:
        return False
    if _expired(made):
        return False
    if made["empreinte"] != body_fingerprint:
        raise ApiError(422, "cle_idempotence_reutilisee", msg.CLE_IDEMPOTENCE_REUTILISEE)
    return True


def new_record(numero: str, dossier: dict[str, Any], *, session: Session,
               now: dt.datetime, key_hash: str | None = None) -> dict[str, Any]:
    """Version 1 of a dossier as stored (with the hash of its Idempotency-Key, if any: what
    the erasure marks)."""
    stamp = timestamp(now, session)
    record: dict[str, Any] = {
        "numero": numero,
        "session": session.code,
        "identite": shared_rules.identity_key(dossier),
        "version": 1,
        "cree_le": stamp,
        "modifie_le": stamp,
        "dossier": dossier,
        "historique": [],
    }
    if key_hash is not None:
        record["cle_idempotence"] = key_hash
    return record


def create(store: DossierStore, dossier: dict[str, Any], *, session: Session, now: dt.datetime,
           idempotency_key: str | None = None, body_fingerprint: str = "") -> Outcome:
    """Record a valid dossier under a new number, once per person and session.

    With an Idempotency-Key, the key's record is written first (a conditional create): a retry
    meets it and gets the dossier it names (200), see _replay. Three writes and the index's
    HEAD, and the key's record with a key."""
    key_hash = _key_hash(idempotency_key) if idempotency_key else None
    numero = _fresh_numero(store)
    if key_hash is not None:
        replay = _replay(store, key_hash, numero, body_fingerprint)
        if replay.found is not None:
            return Outcome(replay.found.body, created=False)
        numero = replay.numero or numero
    record = new_record(numero, dossier, session=session, now=now, key_hash=key_hash)
    identity = record["identite"]

    for _ in range(3):
        claim = store.claim_identity(session.code, identity, _claim_content(record))
        if claim is None:
            break
        current = _finish_claimed(store, claim)
        if current is None or current.body["identite"] != identity:
            # A stale claim: its dossier moved to another identity, or never existed.
            store.release_identity(session.code, identity)
            continue
        if current.body["numero"] == numero:
            return Outcome(current.body, created=False)  # a retry of this very submission
        if _legacy_replay(claim, key_hash, body_fingerprint):
            if key_hash is not None:  # the key names that dossier from now on
                store.write(store.idempotency_key(key_hash),
                            _key_content(current.body["numero"], body_fingerprint))
            return Outcome(current.body, created=False)
        raise DejaInscrit(session, identity, current)
    else:
        raise DejaInscrit(session, identity, None)

    for _ in range(COLLISION_ATTEMPTS):
        try:
            store.create_dossier(record)
            break
        except WriteConflict:
            current = store.dossier(numero)
            if current is None:
                raise
            if current.body["identite"] == identity:
                # Another request finished our claim for us (it saw the claim without its
                # dossier): the dossier is still this request's creation.
                return Outcome(current.body, created=current.body == record)
            # Another person's dossier has this random number: take another one, and point
            # the claim and the key's record to it.
            numero = _fresh_numero(store)
            record = new_record(numero, dossier, session=session, now=now, key_hash=key_hash)
            store.write(store.identity_claim_key(session.code, identity), _claim_content(record))
            if key_hash is not None:
                store.write(store.idempotency_key(key_hash), _key_content(numero, body_fingerprint))
    else:
        raise WriteConflict(store.dossier_key(numero))
    index.record_written(store, record)
    return Outcome(record, created=True)


def _finish_claimed(store: DossierStore, claim: Stored) -> Stored | None:
    """The dossier a claim points to, written from the claim if its creator stopped early."""
    numero = claim.body["numero"]
    current = store.dossier(numero)
    if current is None and claim.body.get("dossier"):
        try:
            store.create_dossier(claim.body["dossier"])
            index.record_written(store, claim.body["dossier"])
        except WriteConflict:
            pass  # written meanwhile by its creator
        current = store.dossier(numero)
    return current


def modify(store: DossierStore, stored: Stored, dossier: dict[str, Any], *, session: Session,
           now: dt.datetime, expected_version: int | None = None) -> dict[str, Any]:
    """A new version of an owned dossier; 409 when it changed meanwhile."""
    current = stored.body
    if expected_version is not None and expected_version != current["version"]:
        raise ApiError(409, "modification_concurrente",
                       msg.VERSION_ATTENDUE.format(actuelle=current["version"]))
    contact_lock.check(current, dossier)
    identity = shared_rules.identity_key(dossier)
    moved = identity != current["identite"]
    if moved:
        claim = store.claim_identity(session.code, identity, {"numero": current["numero"]})
        if claim is not None and claim.body["numero"] != current["numero"]:
            holder = _finish_claimed(store, claim)
            if holder is not None and holder.body["identite"] == identity:
                raise DejaInscrit(session, identity, holder)
            store.release_identity(session.code, identity)
            if again := store.claim_identity(session.code, identity,
                                             {"numero": current["numero"]}):
                raise DejaInscrit(session, identity, store.dossier(again.body["numero"]))
    previous = {k: current[k] for k in ("version", "modifie_le", "dossier")}
    record = {
        **current,
        "identite": identity,
        "version": current["version"] + 1,
        "modifie_le": timestamp(now, session),
        "dossier": dossier,
        "historique": [*current["historique"], previous],
    }
    try:
        store.update_dossier(record, stored.etag)
    except WriteConflict:
        if moved:  # the claim we just took would be stale: give it back
            store.release_identity(session.code, identity)
        raise ApiError(409, "modification_concurrente", msg.MODIFICATION_CONCURRENTE) from None
    if moved:
        store.release_identity(session.code, current["identite"])
    index.record_written(store, record)
    return record
