"""The email of a follow-up change (issue 27: « confirmation reçue », « incomplet »,
« définitive », « refusé », « classé sans suite »; mail_content.STATUTS_ANNONCES): sent when the
bureau records the change, its outcome recorded in the follow-up itself, and sent again while it
fails. Going back to « pré-inscrit » sends nothing.

The follow-up record (`suivi/<numero>.json`) carries the email of its current revision:

    "courriel": {"revision": 4, "statut": "envoye", "tentatives": 1, "erreur": null,
                 "dernier_essai": "2020-11-19T15:02:11+00:00"}

`statut` is `envoye`, `echec` (`erreur` holds the SES error code, never an address),
`en-attente`: that state is written with the status change itself, so a request that stops
before the email is sent (its function timed out while SES hung) still leaves the email owed,
or `differe`: a reception desk's scan (handler.staff.guichet) leaves its email to the
scheduled retry, sent once the scan can no longer be undone from the desk (UNDO_WINDOW): the
scan then costs two writes (the change and its index part), and a paper scanned by mistake and
undone at once never told the candidate it was received.
The outcome then replaces it, written with IfMatch on the ETag of the change, the record's
`revision` left alone (it is the staff's conflict token). When the record changed meanwhile, a
newer change supersedes this one and its email: the outcome is dropped. Likewise a newer change
replaces the whole record, so the email of an older revision is never sent again: each change
is announced once.

`retry` sends the owed ones again: it finds the dossiers whose follow-up has an announced status
through the staff's summary index (32 shards), then reads only their follow-up records.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from handler.dossier import suivi
from handler.dossier.courriels import ABANDONNE, DESACTIVE, ECHEC, ENVOYE, Notifier
from handler.dossier.index import SummaryIndex
from handler.dossier.mail_content import changement_suivi
from handler.platform.fetch import fetch_ordered
from handler.platform.mail import MailError
from handler.platform.storage import WriteConflict

log = logging.getLogger(__name__)

EN_ATTENTE, DIFFERE = "en-attente", "differe"
#: An email still `en-attente` this long after its change was not sent by the request that
#: made the change: the API's function stops after 10 s (infra/template.yaml).
STOPPED_AFTER = dt.timedelta(minutes=5)
#: How long the desk offers « annuler » on a scan before its email is owed.
UNDO_WINDOW = dt.timedelta(minutes=5)

#: What an announced status change records while email is on (suivi.change adds the
#: revision).
PENDING: Mapping[str, Any] = {"statut": EN_ATTENTE, "tentatives": 0, "erreur": None,
                              "dernier_essai": None}
#: What a desk's scan records: the email left to the scheduled retry.
DEFERRED: Mapping[str, Any] = {**PENDING, "statut": DIFFERE}


def send(notifier: Notifier, *, dossier: Mapping[str, Any], follow_up: dict[str, Any],
         etag: str) -> tuple[str, dict[str, Any] | None]:
    """Email the candidate this follow-up's change and record the outcome; the status
    (`envoye`, `echec`, `desactive`) and the recorded state. Never raises."""
    if notifier.sender is None:
        return DESACTIVE, None
    return _attempt(notifier, dossier=dossier, follow_up=follow_up, etag=etag, attempts=1)


def _attempt(notifier: Notifier, *, dossier: Mapping[str, Any], follow_up: dict[str, Any],
             etag: str, attempts: int) -> tuple[str, dict[str, Any]]:
    assert notifier.sender is not None
    labels = suivi.piece_labels(notifier.session)
    error = None
    try:
        notifier.sender.send(changement_suivi(
            dossier, notifier.session, site_url=notifier.site_url, statut=follow_up["statut"],
            pieces_manquantes=[labels.get(c, c) for c in follow_up["pieces_manquantes"]],
            note=follow_up["note"], depuis=suivi.incomplete_since(follow_up)))
        statut = ENVOYE
    except MailError as exc:
        statut, error = ECHEC, exc.reason
        # The reason is an error code: no address, no name, no number.
        log.warning("follow-up email failed: %s (attempt %d)", exc.reason, attempts)
    state = {"revision": follow_up["revision"], "statut": statut, "tentatives": attempts,
             "erreur": error,
             "dernier_essai": notifier.now().astimezone(dt.UTC).isoformat(timespec="seconds")}
    try:
        notifier.store.write(suivi.key(follow_up["numero"]), {**follow_up, "courriel": state},
                             if_match=etag)
    except WriteConflict:
        pass  # the follow-up changed meanwhile: the newer change supersedes this email
    except (ClientError, BotoCoreError) as exc:
        # The status change stands and the email went (or not): answer anyway. The record
        # still says `en-attente` (or the previous failure), so the retry sends it again.
        log.warning("follow-up email status not recorded: %s", type(exc).__name__)
    return statut, state


def owed(follow_up: Mapping[str, Any], *, now: dt.datetime) -> bool:
    """True when the follow-up's change is announced and its email failed, or was never sent
    by the request that made the change."""
    state = follow_up.get("courriel")
    if (follow_up["statut"] not in suivi.ANNOUNCED or state is None
            or state["revision"] != follow_up["revision"]):
        return False
    if state["statut"] == ECHEC:
        return True
    wait = {EN_ATTENTE: STOPPED_AFTER, DIFFERE: UNDO_WINDOW}.get(state["statut"])
    if wait is None:
        return False
    return now - dt.datetime.fromisoformat(follow_up["historique"][-1]["le"]) >= wait


def retry(notifier: Notifier, session: str, *, max_attempts: int | None = None) -> dict[str, int]:
    """Send the owed follow-up emails once more; counts by resulting status.

    `max_attempts`: an email tried that many times is left (counted `abandonne`); None forces.
    """
    counts = {ENVOYE: 0, ECHEC: 0, ABANDONNE: 0}
    if not notifier.enabled:
        return counts
    store = notifier.store
    numeros = [e["numero"] for e in SummaryIndex(store, session).entries()
               if e["statut"] in suivi.ANNOUNCED]
    now = notifier.now()
    for numero, stored in zip(numeros, fetch_ordered(lambda n: suivi.read(store, n), numeros),
                              strict=True):
        if stored is None or not owed(stored.body, now=now):
            continue
        attempts = stored.body["courriel"]["tentatives"]
        if max_attempts is not None and attempts >= max_attempts:
            counts[ABANDONNE] += 1
            continue
        dossier = store.dossier(numero)
        if dossier is None:
            continue  # erased meanwhile
        statut, _ = _attempt(notifier, dossier=dossier.body, follow_up=stored.body,
                             etag=stored.etag, attempts=attempts + 1)
        counts[statut] += 1
    return counts


def staff_view(follow_up: Mapping[str, Any], *, max_attempts: int) -> dict[str, Any] | None:
    """The email of the follow-up's current revision as the staff page shows it, or None."""
    state = follow_up.get("courriel")
    if state is None or state["revision"] != follow_up["revision"]:
        return None
    waiting = state["statut"] in (ECHEC, EN_ATTENTE, DIFFERE)
    return {"statut": state["statut"], "tentatives": state["tentatives"],
            "erreur": state["erreur"], "dernier_essai": state["dernier_essai"],
            "nouvel_essai_automatique": waiting and state["tentatives"] < max_attempts}
