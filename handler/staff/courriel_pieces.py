"""The email of the pieces the bureau refused (issue 28): one email for the refusals made
together, sent by the scheduled mail retry once the latest of them is WINDOW old, and sent
again while it fails, like the follow-up's emails (courriel_suivi).

A refusal is recorded « à annoncer » in the pieces' record (handler.dossier.pieces.decide), and
a marker beside it, `pieces/<numero>/a-annoncer.json`, lets the retry find the dossiers that
owe such an email by listing the pieces' keys, without reading every record:

    {"tentatives": 0, "erreur": null, "dernier_essai": null}

The retry reads the record: the refusals still « à annoncer » (a piece accepted meanwhile, or
replaced by the candidate, is no longer owed) whose latest decision is WINDOW old are emailed
together, marked announced, and the marker deleted; a failure is counted in the marker, and
tried again at the next run, up to the retry's `max_attempts`. Under the dossier's prefix, the
marker goes with an erasure.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from handler.dossier import mail_content, pieces
from handler.dossier.courriels import ABANDONNE, ECHEC, ENVOYE, Notifier
from handler.platform.mail import MailError
from handler.platform.storage import DossierStore, WriteConflict
from handler.staff.courriel_suivi import UNDO_WINDOW

log = logging.getLogger(__name__)

#: How long after the latest refusal the email goes: the refusals an agent makes while going
#: through a dossier's pieces go together, and one put right at once is never announced.
WINDOW = UNDO_WINDOW
_MARKER = "a-annoncer.json"
_FRESH: Mapping[str, Any] = {"tentatives": 0, "erreur": None, "dernier_essai": None}


def marker_key(numero: str) -> str:
    return f"{pieces.PIECES}{numero}/{_MARKER}"


def mark_owed(store: DossierStore, numero: str) -> None:
    """Note that this dossier owes a refusals' email (a marker, kept if already there)."""
    try:
        store.write(marker_key(numero), dict(_FRESH), if_none_match=True)
    except WriteConflict:
        pass  # already owed: the email will list this refusal too


def owed_numeros(store: DossierStore) -> list[str]:
    """The dossiers whose marker says a refusals' email is owed."""
    found = []
    for key in store.keys(pieces.PIECES):
        parts = key[len(pieces.PIECES):].split("/")
        if len(parts) == 2 and parts[1] == _MARKER:
            found.append(parts[0])
    return found


def _latest(owed: Mapping[str, Mapping[str, Any]]) -> dt.datetime:
    return max(dt.datetime.fromisoformat(e["decision"]["le"]) for e in owed.values())


def retry(notifier: Notifier, *, max_attempts: int | None = None) -> dict[str, int]:
    """Send each refusals' email that is due; counts by resulting status. `max_attempts`: an
    email tried that many times is left (`abandonne`); None forces."""
    counts = {ENVOYE: 0, ECHEC: 0, ABANDONNE: 0}
    if not notifier.enabled:
        return counts
    store, now = notifier.store, notifier.now()
    for numero in owed_numeros(store):
        marker = store.read(marker_key(numero))
        dossier = store.dossier(numero)
        owed = pieces.to_announce(pieces.read(store, numero))
        if marker is None:
            continue
        if dossier is None or not owed:
            store.delete(marker_key(numero))  # erased meanwhile, or nothing left to say
            continue
        if now - _latest(owed) < WINDOW:
            continue
        attempts = int(marker.body["tentatives"])
        if max_attempts is not None and attempts >= max_attempts:
            counts[ABANDONNE] += 1
            continue
        counts[_send(notifier, dossier.body, owed, marker.etag, attempts=attempts + 1)] += 1
    return counts


def _send(notifier: Notifier, record: Mapping[str, Any],
          owed: Mapping[str, Mapping[str, Any]], etag: str, *, attempts: int) -> str:
    assert notifier.sender is not None
    store, numero = notifier.store, record["numero"]
    labels = {p.code: p.libelle for p in pieces.expected(record["dossier"], notifier.session)}
    refusees = [(labels.get(code, code), str(entry.get("motif") or ""))
                for code, entry in owed.items()]
    try:
        notifier.sender.send(mail_content.pieces_refusees(
            record, notifier.session, site_url=notifier.site_url, refusees=refusees))
    except MailError as exc:
        # The reason is an error code: no address, no name, no number.
        log.warning("refused pieces' email failed: %s (attempt %d)", exc.reason, attempts)
        state = {"tentatives": attempts, "erreur": exc.reason,
                 "dernier_essai": notifier.now().astimezone(dt.UTC).isoformat(
                     timespec="seconds")}
        try:
            store.write(marker_key(numero), state, if_match=etag)
        except (WriteConflict, ClientError, BotoCoreError):
            pass  # counted again at the next run
        return ECHEC
    try:
        pieces.mark_announced(store, numero, owed)
        store.delete(marker_key(numero))
    except (WriteConflict, ClientError, BotoCoreError) as exc:
        # Sent, but not recorded: the next run may send it again (never lost).
        log.warning("refused pieces' email not recorded: %s", type(exc).__name__)
    return ENVOYE


def staff_view(store: DossierStore, numero: str,
               record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The refusals' email as the staff page shows it: the pieces it will name, when it goes
    at the earliest, and its failed attempts; None when nothing is owed."""
    owed = pieces.to_announce(record)
    if not owed:
        return None
    marker = store.read(marker_key(numero))
    state = marker.body if marker else dict(_FRESH)
    return {"pieces": sorted(owed), "a_partir_de": (_latest(owed) + WINDOW).isoformat(
        timespec="seconds"), "tentatives": state["tentatives"], "erreur": state["erreur"]}
