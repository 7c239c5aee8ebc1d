"""Erasure (RGPD, right to erasure): a dossier and everything kept about it, every version.

What goes, with every version and delete marker the bucket's versioning kept:
- the dossier (`dossiers/<numero>.json`, its whole history with it);
- the follow-up, the confirmation email's record and its retry marker, the failed ownership
  proofs, the private notes and the assignment to an agent (`suivi/`, `courriels/`,
  `courriels/a-renvoyer/`, `tentatives/<numero>.json`, `notes-internes/`, `attributions/`);
- the pieces returned online: their record, each clean file, an upload not yet analysed and a
  quarantined one (`pieces/<numero>/`, `televersements/<numero>/`, `quarantaine/<numero>/`,
  handler.dossier.pieces);
- its reminders' records and retry marker (`relances/<session>/<jour>/<numero>.json`,
  `relances/<session>/a-renvoyer/<numero>.json`, handler.staff.relances);
- the identity claims that still point to this number, one per identity the dossier ever had,
  and those identities' reminder and « déjà inscrit » counts (`identites/`,
  `rappels/<session>/<sha256>.json`, `doublons/<session>/<sha256>.json`);
- its index entry and repair marker, and every earlier version of its index shard that held
  the entry (the shard is rewritten without it, then those versions are deleted; see
  SummaryIndex.purge), and the earlier versions of an identity claim that another dossier holds
  now but that once named this one;
- the staff exports whose selection holds it (jobs.cancel_containing): their files go and their
  state says « annulé : un dossier de cet export a été effacé au titre du RGPD ; relancez-le »;
  a colleague's export without this dossier stays.

Writes racing the erasure: it first marks the dossier (`effacement_en_cours`, a conditional
write tried again while other writes land first). From then on the store answers « no such
dossier » to everyone else: the candidate's modification that read it earlier fails its own
conditional write (409), later ones find nothing (404), no email goes (the notifier reads the
dossier again just before sending), no follow-up is written. What a request that read the
dossier before the mark still wrote (its email's record, a follow-up) is swept once more after
the dossier is deleted, and a write that lands after that sweep finds no dossier and removes
itself (courriels.Notifier, suivi.change).

The Idempotency-Key's record that names the dossier (`idempotence/<sha256 of the key>.json`,
found by the hash the dossier keeps) loses every version and keeps only « efface » and its time:
a retry of the first submission then gets 410, never a new dossier, and the record expires as
any other. Left: the keys of earlier releases' claims, which hold the number and a hash of the
request body, no personal data, can't be found from the number, and expire.

The audit log records the erasure before anything is deleted, then its outcome:
`audit/<yyyy-mm-dd>/<instant>-<random>.json` with the action, the staff member, the time, the
counts (versions deleted, of which index versions; exports deleted) and, when AUDIT_HMAC_KEY is
set, the number's HMAC-SHA256 under that key (which answers « was this number erased? » for
whoever holds the number and the key, without the log holding it; a bare SHA-256 was reversible
by trying the 2⁴⁰ numbers). No name, no number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Any

import shared_rules
from handler.dossier import attribution, pieces, suivi
from handler.dossier.index import SummaryIndex
from handler.platform.errors import ApiError
from handler.platform.storage import DossierStore, WriteConflict
from handler.staff import jobs, notes, relances
from handler.staff import messages as msg

AUDIT = "audit/"
EXPORTS = "exports/"

#: Every record kept per number beside the dossier, each erased with all its versions. A new
#: per-number record goes here (the one-time access links of issue 14 a, for one).
PER_NUMERO: tuple[Callable[[str], str], ...] = (
    suivi.key, DossierStore.mail_status_key, DossierStore.owed_mail_key,
    DossierStore.attempts_key, notes.key, attribution.key,
)
#: Every record kept per person (session, identity), each erased with all its versions for
#: every identity the dossier ever had.
PER_IDENTITY: tuple[Callable[[str, str], str], ...] = (DossierStore.reminder_key,
                                                       DossierStore.duplicates_key)


def audit_key(now: dt.datetime) -> str:
    """A new audit record's key (an erasure's, a hand-back's)."""
    return f"{AUDIT}{now:%Y-%m-%d}/{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.json"


def fingerprint(numero: str, secret: str) -> str | None:
    """The audit's fingerprint of a number (canonical form): its HMAC-SHA256 under the
    configured key (AUDIT_HMAC_KEY), None without a key. A bare SHA-256 would be reversed by
    trying the 2⁴⁰ numbers."""
    if not secret:
        return None
    return hmac.new(secret.encode("utf-8"), numero.encode("ascii"), hashlib.sha256).hexdigest()


def audit_fields(numero: str, secret: str) -> dict[str, str]:
    """The number as an audit record keeps it: its keyed fingerprint, or nothing."""
    found = fingerprint(numero, secret)
    return {"empreinte_numero": found} if found else {}


def _per_numero_keys(numero: str) -> list[str]:
    return [key(numero) for key in PER_NUMERO]


def _mark_key_erased(store: DossierStore, key_hash: str | None) -> int:
    """Replace the dossier's Idempotency-Key record by a mark without the number; the versions
    deleted."""
    if not key_hash:
        return 0
    key = store.idempotency_key(key_hash)
    made = store.read(key)
    if made is None:
        return 0
    deleted = store.erase(key)
    store.write(key, {"efface": True, "horodatage": made.body.get("horodatage", time.time())})
    return deleted


def _erase_pieces(store: DossierStore, numero: str) -> int:
    """The pieces returned online (handler.dossier.pieces): their record, the clean files, the
    uploads not yet analysed and the quarantined ones, every version."""
    return sum(store.erase(prefix, whole_prefix=True) for prefix in pieces.prefixes(numero))


def erase(store: DossierStore, numero: str, *, session: str, auteur: str,
          clock: Callable[[], dt.datetime] | None = None,
          audit_secret: str = "") -> dict[str, Any] | None:
    """Erase a dossier and what is kept about it; the audit record, or None if no dossier has
    this number. The dossier itself goes last, so an erasure stopped midway is finished by
    asking again."""
    clock = clock or (lambda: dt.datetime.now(dt.UTC))
    now = clock().astimezone(dt.UTC)
    try:
        # First, the mark: from now on nobody else reads, writes or emails this dossier.
        stored = store.mark_erasing(numero, now.isoformat(timespec="seconds"))
    except WriteConflict:
        raise ApiError(409, "effacement_concurrent", msg.EFFACEMENT_CONCURRENT) from None
    if stored is None:
        return None
    key = store.dossier_key(numero)
    identities = {stored.body["identite"], *(shared_rules.identity_key(h["dossier"])
                                             for h in stored.body["historique"])}
    key_of_audit = audit_key(now)
    audit: dict[str, Any] = {"action": "effacement", "auteur": auteur,
                             "le": now.isoformat(timespec="seconds"),
                             **audit_fields(numero, audit_secret), "statut": "en-cours"}
    etag = store.write(key_of_audit, audit, if_none_match=True)

    versions = 0
    for identity in identities:
        claim_key = store.identity_claim_key(session, identity)
        claim = store.read(claim_key)
        if claim is None or claim.body.get("numero") == numero:
            versions += store.erase(claim_key)
        else:
            # Another dossier holds that identity now (this one moved away from it): its claim
            # stays, but not the earlier versions that named this number and its content.
            versions += store.erase_versions_holding(
                claim_key, lambda body: body.get("numero") == numero)[0]
        for record_key in PER_IDENTITY:
            versions += store.erase(record_key(session, identity))
    for own in _per_numero_keys(numero):
        versions += store.erase(own)
    versions += relances.erase(store, session, numero)
    versions += _mark_key_erased(store, stored.body.get("cle_idempotence"))
    # Its access links and proofs (candidats.access_tokens): hashes and times, all under one prefix.
    versions += store.erase(store.access_prefix(numero), whole_prefix=True)
    versions += _erase_pieces(store, numero)
    from handler.staff import row_cache  # loaded by an erasure, not at the API's cold start

    index = SummaryIndex(store, session)
    checked: set[str] = set()
    rows_checked: set[str] = set()
    index_versions = index.purge(numero, checked=checked)
    index_versions += row_cache.purge(store, session, numero, checked=rows_checked)
    versions += store.erase(key)  # last: until it goes, a retry finds what to erase
    # What a write that read the dossier before the mark put there meanwhile (an email's
    # record, a follow-up); one landing after this finds no dossier and removes its own.
    for own in _per_numero_keys(numero):
        versions += store.erase(own)
    versions += relances.erase(store, session, numero)
    versions += store.erase(store.access_prefix(numero), whole_prefix=True)
    versions += _erase_pieces(store, numero)  # an upload registered meanwhile
    # Once more: an update of this dossier in flight meanwhile may have indexed it again, and
    # an export or the compaction may have made its row (they check, once written, too).
    try:
        index_versions += index.purge(numero, checked=checked)
        index_versions += row_cache.purge(store, session, numero, checked=rows_checked)
    finally:
        # The dossier is gone, so a retry would find nothing to erase: its exports go now
        # whatever happened above. If a purge failed, the audit stays « en-cours » (what an
        # operator looks for), and the row cache's next writer of that object purges the row.
        exports = jobs.cancel_containing(store, numero)

    audit.update(statut="termine", versions_supprimees=versions + index_versions,
                 versions_index_supprimees=index_versions, exports_supprimes=exports,
                 termine_le=clock().astimezone(dt.UTC).isoformat(timespec="seconds"))
    store.write(key_of_audit, audit, if_match=etag)
    return audit
