"""Handing a squatted dossier back to its owner, once the bureau has checked their identity.

Whoever knows a person's birth name, first « prénom » and birth date can register in their name
with their own address (README, « Security »): the person then meets « déjà inscrit », and a lost
number goes to the squatter's address. The person contacts the bureau DEC 4, which checks who
they are (an identity document), then, by `POST /api/staff/dossiers/<numero>/restitution` or
`python -m handler.staff restitution`, either:
- LIBERER: releases the identity claim the dossier holds, so that the person registers
  themselves; the squatting dossier stays, blocking nobody, until the bureau erases it
  (`effacement`) — the way to go when the squat was deliberate, since whoever knows the number
  and the birth date can modify the dossier at will;
- REMPLACER_COURRIEL: replaces the dossier's contact address by the person's (a new version of
  the dossier, the previous one kept in its history; the bureau's follow-up flags it to review):
  the confirmation and a lost number now go to them. The dossier's contact fields are then
  locked against the candidate's modifications (whoever knows the number and the birth date,
  the squatter too) until the owner opens an access link, which goes to their address only.

Each is audited like an erasure (`audit/<day>/…`: the action, its mode, the staff member, the
time and the number's keyed fingerprint, see erasure.fingerprint; no name, no address, no
number), written before the change and
completed after it, and told by email to both addresses: the one the dossier had, and the
owner's.

Role: `administration` once the staff sign-in (issue 15) gives staff roles; until then any staff
token, like every staff route.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from handler.dossier import contact_lock, index, mail_content
from handler.dossier.courriels import Notifier
from handler.platform.clock import timestamp
from handler.platform.errors import ApiError
from handler.platform.storage import DossierStore, WriteConflict
from handler.staff import erasure
from handler.staff import messages as msg
from shared_rules.session import Session

LIBERER, REMPLACER_COURRIEL = "liberer", "remplacer-courriel"
MODES = (LIBERER, REMPLACER_COURRIEL)
ENVOYE, ECHEC, DESACTIVE = "envoye", "echec", "desactive"


def hand_back(store: DossierStore, notifier: Notifier, numero: str, *, session: Session,
              mode: str, courriel: str, auteur: str, now: dt.datetime,
              audit_secret: str = "") -> dict[str, Any] | None:
    """Release the dossier's identity (LIBERER) or give it the owner's address `courriel`
    (REMPLACER_COURRIEL); the audit record with the emails' outcome, or None if no dossier has
    this number. 409 when the dossier holds no identity claim, or changed meanwhile."""
    if mode not in MODES:
        raise ValueError(mode)
    stored = store.dossier(numero)
    if stored is None:
        return None
    record = stored.body
    claim = store.identity_claim(session.code, record["identite"])
    if mode == LIBERER and (claim is None or claim.body.get("numero") != numero):
        raise ApiError(409, "identite_non_detenue", msg.IDENTITE_NON_DETENUE)

    real_start = dt.datetime.now(dt.UTC)
    started = now.astimezone(dt.UTC)  # the calendar clock's (a demonstration's, locally)
    audit_key = erasure.audit_key(started)
    audit: dict[str, Any] = {"action": "restitution", "mode": mode, "auteur": auteur,
                             "le": started.isoformat(timespec="seconds"),
                             **erasure.audit_fields(numero, audit_secret),
                             "statut": "en-cours"}
    etag = store.write(audit_key, audit, if_none_match=True)

    if mode == LIBERER:
        store.release_identity(session.code, record["identite"])
        shown = record
    else:
        dossier = {**record["dossier"],
                   "contact": {**record["dossier"]["contact"], "email": courriel}}
        shown = {**record, "version": record["version"] + 1,
                 "modifie_le": timestamp(now, session), "dossier": dossier,
                 # Until the owner opens an access link sent to their address (access_tokens).
                 contact_lock.CONTACT_LOCK: {"le": timestamp(now, session)},
                 "historique": [*record["historique"],
                                {k: record[k] for k in ("version", "modifie_le", "dossier")}]}
        try:
            store.update_dossier(shown, stored.etag)
        except WriteConflict:
            store.write(audit_key, {**audit, "statut": "abandonne"}, if_match=etag)
            raise ApiError(409, "dossier_modifie", msg.RESTITUTION_CONCURRENTE) from None
        index.record_written(store, shown)

    courriels = {
        "ancienne_adresse": _send(notifier, shown, session, record["dossier"]["contact"]["email"],
                                  liberee=mode == LIBERER, proprietaire=False),
        "proprietaire": _send(notifier, shown, session, courriel, liberee=mode == LIBERER,
                              proprietaire=True),
    }
    audit.update(statut="termine", courriels=courriels,
                 termine_le=(now + (dt.datetime.now(dt.UTC) - real_start)).astimezone(
                     dt.UTC).isoformat(timespec="seconds"))
    store.write(audit_key, audit, if_match=etag)
    return audit


def _send(notifier: Notifier, record: dict[str, Any], session: Session, to: str, *,
          liberee: bool, proprietaire: bool) -> str:
    if not notifier.enabled:
        return DESACTIVE
    sent = notifier.send_notice(mail_content.restitution(
        record, session, site_url=notifier.site_url, destinataire=to, liberee=liberee,
        proprietaire=proprietaire))
    return ENVOYE if sent else ECHEC
