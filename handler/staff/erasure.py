"""Erasure (RGPD, right to erasure): a dossier and everything kept about it, every version.

What goes, with every version and delete marker the bucket's versioning kept:
- the dossier (`dossiers/<numero>.json`, its whole history with it);
- the follow-up, the confirmation email's record and its retry marker, the failed ownership
  proofs (`suivi/`, `courriels/`, `courriels/a-renvoyer/`, `tentatives/<numero>.json`);
- the identity claims that still point to this number, one per identity the dossier ever had,
  and those identities' reminder counts (`identites/`, `rappels/<session>/<sha256>.json`);
- its index entry and repair marker;
- every staff export (`exports/`): an export is a copy of many dossiers, so all of them go.

Left: the Idempotency-Key records (`idempotence/`), which hold the number and a hash of the
request body, no personal data, and can't be found from the number without reading them all.

The audit log records the erasure before anything is deleted, then its outcome:
`audit/<yyyy-mm-dd>/<instant>-<random>.json` with the action, the staff member, the time, the
counts and the number's SHA-256 (which answers « was this number erased? » for whoever holds
the number, without the log holding it). No name, no number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

import shared_rules
from handler.staff import suivi
from handler.staff.index import SummaryIndex
from handler.storage import COURRIELS, RAPPELS, TENTATIVES, DossierStore

AUDIT = "audit/"
EXPORTS = "exports/"


def _audit_key(now: dt.datetime) -> str:
    return f"{AUDIT}{now:%Y-%m-%d}/{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.json"


def fingerprint(numero: str) -> str:
    """The SHA-256 of a number (canonical form), as the audit log keeps it."""
    return hashlib.sha256(numero.encode("ascii")).hexdigest()


def erase(store: DossierStore, numero: str, *, session: str, auteur: str) -> dict[str, Any] | None:
    """Erase a dossier and what is kept about it; the audit record, or None if no dossier has
    this number. The dossier itself goes last, so an erasure stopped midway is finished by
    asking again."""
    stored = store.dossier(numero)
    if stored is None:
        return None
    key = store.dossier_key(numero)
    identities = {stored.body["identite"], *(shared_rules.identity_key(h["dossier"])
                                             for h in stored.body["historique"])}
    now = dt.datetime.now(dt.UTC)
    audit_key = _audit_key(now)
    audit: dict[str, Any] = {"action": "effacement", "auteur": auteur,
                             "le": now.isoformat(timespec="seconds"),
                             "empreinte_numero": fingerprint(numero), "statut": "en-cours"}
    etag = store.write(audit_key, audit, if_none_match=True)

    versions = 0
    for identity in identities:
        claim_key = store.identity_claim_key(session, identity)
        claim = store.read(claim_key)
        # A claim another dossier now holds (this one moved away from that identity) stays.
        if claim is None or claim.body.get("numero") == numero:
            versions += store.erase(claim_key)
        versions += store.erase(f"{RAPPELS}{session}/{identity}.json")
    for own in (suivi.key(numero), f"{COURRIELS}{numero}.json", store.owed_mail_key(numero),
                f"{TENTATIVES}{numero}.json"):
        versions += store.erase(own)
    SummaryIndex(store, session).remove(numero)
    versions += store.erase(key)  # last: until it goes, a retry finds what to erase
    exports = store.erase(EXPORTS, whole_prefix=True)

    audit.update(statut="termine", versions_supprimees=versions, exports_supprimes=exports,
                 termine_le=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    store.write(audit_key, audit, if_match=etag)
    return audit
