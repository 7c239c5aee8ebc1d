"""The confirmation email: sent after the dossier is stored, recorded beside it, retried.

A failed send never loses or blocks a dossier: the dossier is written first, then the email is
sent, then its outcome is recorded in `courriels/<numero>.json` (the version mailed, the status,
the attempts, the error code; no address, no name), beside the dossier, which stays the
candidate's own. The API answers the status in the `courriel` field:

    envoye     the email of the current version went
    echec      it failed (the attempts are recorded); it is tried again
    desactive  email is not configured (MAIL_FROM empty)

An email is owed when the current version has no record (the request stopped between writing
the dossier and sending) or its record says `echec`. An owed email is sent again when its owner
consults the dossier (GET /api/dossiers/{numero}, up to AUTO_ATTEMPTS attempts per version), and
by `retry_failed(app)` — `python -m handler.notifications` — which tries every failed one once
more, whatever its count (for a scheduled job, or by hand once SES is fixed).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask

from handler import mail_content
from handler.mail import MailError, MailSender
from handler.storage import DossierStore, WriteConflict
from shared_rules.session import Session

log = logging.getLogger(__name__)

ENVOYE, ECHEC, DESACTIVE = "envoye", "echec", "desactive"
AUTO_ATTEMPTS = 5


def _motif(version: int) -> str:
    return mail_content.CREATION if version == 1 else mail_content.MODIFICATION


class Notifier:
    """Sends a dossier's confirmation email and keeps its record."""

    def __init__(self, store: DossierStore, sender: MailSender | None, *, session: Session,
                 site_url: str) -> None:
        self.store = store
        self.sender = sender
        self.session = session
        self.site_url = site_url

    @property
    def enabled(self) -> bool:
        return self.sender is not None

    def confirm(self, record: Mapping[str, Any]) -> str:
        """Email a version just stored; its status (always answers, never raises)."""
        if self.sender is None:
            return DESACTIVE
        return self._attempt(record, attempts=1, etag=None, new=False)

    def status(self, record: Mapping[str, Any], *, force: bool = False) -> str:
        """The status of the current version's email, sending it first if it is owed.

        `force` retries a failed email whatever its attempts (the retry command).
        """
        if self.sender is None:
            return DESACTIVE
        stored = self.store.mail_status(record["numero"])
        if stored is not None and stored.body["version"] >= record["version"]:
            done = stored.body["statut"] == ENVOYE
            if done or (not force and stored.body["tentatives"] >= AUTO_ATTEMPTS):
                return str(stored.body["statut"])
            return self._attempt(record, attempts=stored.body["tentatives"] + 1,
                                 etag=stored.etag, new=False)
        return self._attempt(record, attempts=1, etag=stored.etag if stored else None,
                             new=stored is None)

    def remind(self, record: Mapping[str, Any]) -> bool:
        """Email a dossier's number to its own address; False if it failed (logged, no data)."""
        if self.sender is None:
            return False
        try:
            self.sender.send(mail_content.rappel(record, self.session, site_url=self.site_url))
        except MailError as exc:
            log.warning("reminder email failed: %s", exc.reason)
            return False
        return True

    def _attempt(self, record: Mapping[str, Any], *, attempts: int, etag: str | None,
                 new: bool) -> str:
        assert self.sender is not None
        motif = _motif(record["version"])
        error = None
        try:
            self.sender.send(mail_content.confirmation(record, self.session,
                                                       site_url=self.site_url, motif=motif))
            statut = ENVOYE
        except MailError as exc:
            statut, error = ECHEC, exc.reason
            # The reason is an error code: no address, no name, no number.
            log.warning("confirmation email failed: %s (attempt %d)", exc.reason, attempts)
        content = {
            "version": record["version"], "motif": motif, "statut": statut,
            "tentatives": attempts, "erreur": error,
            "dernier_essai": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        try:
            self.store.record_mail_status(record["numero"], content, etag=etag, new=new)
        except WriteConflict:
            pass  # another request recorded this email meanwhile: its record stands
        except (ClientError, BotoCoreError) as exc:
            # The dossier is stored and the email went (or not): answer anyway. Without a
            # record the email counts as owed and is tried again at the next consultation.
            log.warning("email status not recorded: %s", type(exc).__name__)
        return statut


def retry_failed(app: Flask) -> dict[str, int]:
    """Try every failed confirmation email once more; counts by resulting status."""
    notifier: Notifier = app.extensions["notifier"]
    store = notifier.store
    counts = {ENVOYE: 0, ECHEC: 0}
    if not notifier.enabled:
        return counts
    for numero in store.mail_status_numeros():
        status = store.mail_status(numero)
        current = store.dossier(numero)
        if status is None or current is None or status.body["statut"] != ECHEC:
            continue
        counts[notifier.status(current.body, force=True)] += 1
    return counts


def main() -> int:
    """`python -m handler.notifications`: retry the failed emails with the environment's
    configuration (the same variables as the handler)."""
    from handler.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    counts = retry_failed(create_app())
    print(f"Courriels renvoyés : {counts[ENVOYE]} ; toujours en échec : {counts[ECHEC]}.",
          file=sys.stdout)
    return 0 if counts[ECHEC] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
