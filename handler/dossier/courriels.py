"""A dossier's emails (Notifier): the confirmation, sent after the dossier is stored, recorded
beside it and retried; the reminder, the access link and one-off notices.

A failed send never loses or blocks a dossier: the dossier is written first, then the email is
sent, then its outcome is recorded in `courriels/<numero>.json` (the version mailed, the status,
the attempts, the error code; no address, no name), beside the dossier, which stays the
candidate's own. The API answers the status in the `courriel` field:

    envoye     the email of the current version went
    echec      it failed (the attempts are recorded); it is tried again
    desactive  email is not configured (MAIL_FROM empty)

and, never answered (the route says 410 instead), `annule`: the dossier is being erased
(handler.staff.erasure), so nothing was sent; a record written as the erasure began is removed.

An email is owed when the current version has no record (the request stopped between writing
the dossier and sending) or its record says `echec`. An owed email is sent again when its owner
consults the dossier (GET /api/dossiers/{numero}, up to AUTO_ATTEMPTS attempts per version), and
by `retry_confirmations`, which tries every failed one once more. A failure also leaves a marker,
`courriels/a-renvoyer/<numero>.json`, so that the retry lists the failed emails instead of
reading every record; the retry removes the markers of emails sent since.

The retry of every failed email, confirmations and « dossier incomplet » alike, is
handler.notifications (the mail retry function and its command line).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from handler.dossier import mail_content, suivi
from handler.platform.mail import Courriel, MailError, MailSender
from handler.platform.storage import DossierStore, WriteConflict
from shared_rules.session import Session

log = logging.getLogger(__name__)

ENVOYE, ECHEC, DESACTIVE = "envoye", "echec", "desactive"
#: Not sent: the dossier is being erased (its routes answer 410).
ANNULE = "annule"
#: Counted by the capped retry: an email past its cap, left for a person to look at.
ABANDONNE = "abandonne"
AUTO_ATTEMPTS = 5
#: The scheduled retry's cap, attempts per email (the first send and the consultations' count).
#: At one run an hour, 10 attempts span about ten hours: longer than SES's usual troubles
#: (throttling, a regional incident), while an email still refused after that has a cause a
#: person must fix (the sender's identity, the account's sending paused, an address SES
#: refuses), and retrying it every hour for weeks would only fill the logs. The staff page
#: shows such an email as stopped; `python -m handler.notifications` forces past the cap.
SCHEDULED_ATTEMPTS = 10


def _motif(version: int) -> str:
    return mail_content.CREATION if version == 1 else mail_content.MODIFICATION


class Notifier:
    """Sends a dossier's confirmation email and keeps its record."""

    def __init__(self, store: DossierStore, sender: MailSender | None, *, session: Session,
                 site_url: str, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.store = store
        # When an attempt is recorded: the calendar clock (the demonstration's, in a local run).
        self.now: Callable[[], dt.datetime] = clock or (lambda: dt.datetime.now(dt.UTC))
        self.sender = sender
        self.session = session
        self.site_url = site_url

    @property
    def enabled(self) -> bool:
        return self.sender is not None

    def confirm(self, record: Mapping[str, Any], *, created: bool = False,
                follow_up: Mapping[str, Any] | None = None) -> str:
        """Email a version just stored; its status (always answers, never raises).

        A new dossier's email goes at once (nobody knows its number yet); any other is sent
        only if the dossier is still there and not being erased (ANNULE otherwise), with the
        bureau's follow-up (`follow_up`, the suivi record when the caller has read it)."""
        if self.sender is None:
            return DESACTIVE
        return self._attempt(record, attempts=1, etag=None, new=False, created=created,
                             follow_up=follow_up)

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

    def access_link(self, record: Mapping[str, Any], link: str, *, minutes: int) -> bool:
        """Email a one-time access link to the dossier's own address; False if it failed
        (logged, no data)."""
        if self.sender is None:
            return False
        try:
            self.sender.send(mail_content.lien_acces(record, self.session, link=link,
                                                     minutes=minutes))
        except MailError as exc:
            log.warning("access link email failed: %s", exc.reason)
            return False
        return True

    def send_notice(self, courriel: Courriel) -> bool:
        """Send a one-off notice (an alert, the bureau's hand-back); False if it failed or email
        is disabled (logged, no data)."""
        if self.sender is None:
            return False
        try:
            self.sender.send(courriel)
        except MailError as exc:
            log.warning("notice email failed: %s", exc.reason)
            return False
        return True

    def _gone(self, numero: str) -> bool:
        """Whether the dossier was erased, or is being erased, since it was read."""
        return self.store.dossier(numero) is None

    def _attempt(self, record: Mapping[str, Any], *, attempts: int, etag: str | None,
                 new: bool, created: bool = False,
                 follow_up: Mapping[str, Any] | None = None) -> str:
        assert self.sender is not None
        numero = record["numero"]
        if not created and self._gone(numero):
            return ANNULE  # an erasure began after this request read the dossier
        motif = _motif(record["version"])
        vue = None
        if motif == mail_content.MODIFICATION:
            # What the bureau has said so far decides the email's instruction (issue 29).
            follow_up = follow_up if follow_up is not None else suivi.current(self.store, numero)
            vue = suivi.candidate_view(follow_up, record, self.session)
        error = None
        try:
            self.sender.send(mail_content.confirmation(record, self.session,
                                                       site_url=self.site_url, motif=motif,
                                                       suivi=vue))
            statut = ENVOYE
        except MailError as exc:
            statut, error = ECHEC, exc.reason
            # The reason is an error code: no address, no name, no number.
            log.warning("confirmation email failed: %s (attempt %d)", exc.reason, attempts)
        content = {
            "version": record["version"], "motif": motif, "statut": statut,
            "tentatives": attempts, "erreur": error,
            "dernier_essai": self.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        }
        try:
            self.store.record_mail_status(record["numero"], content, etag=etag, new=new)
            if statut == ECHEC:
                self.store.mark_mail_owed(record["numero"])
        except WriteConflict:
            pass  # another request recorded this email meanwhile: its record stands
        except (ClientError, BotoCoreError) as exc:
            # The dossier is stored and the email went (or not): answer anyway. Without a
            # record the email counts as owed and is tried again at the next consultation.
            log.warning("email status not recorded: %s", type(exc).__name__)
        if not created and self._gone(numero):
            # The erasure began as this email went: its sweep may have passed already, so this
            # request removes the record it wrote.
            self.store.erase(self.store.mail_status_key(numero))
            self.store.erase(self.store.owed_mail_key(numero))
        return statut


def retry_confirmations(notifier: Notifier, *, max_attempts: int | None,
                        every_record: bool) -> dict[str, int]:
    """Send every failed confirmation once more; counts by resulting status (see
    handler.notifications.retry_failed for `max_attempts` and `every_record`)."""
    store = notifier.store
    counts = {ENVOYE: 0, ECHEC: 0, ABANDONNE: 0}
    if not notifier.enabled:
        return counts
    owed = set(store.owed_mail_numeros())
    for numero in sorted(owed | set(store.mail_status_numeros())) if every_record else owed:
        status = store.mail_status(numero)
        if status is None or status.body["statut"] != ECHEC:
            if numero in owed:
                store.forget_owed_mail(numero)  # sent since (a consultation), or erased
            continue
        current = store.dossier(numero)
        if current is None:
            store.forget_owed_mail(numero)
            continue
        if max_attempts is not None and status.body["tentatives"] >= max_attempts:
            counts[ABANDONNE] += 1
            continue
        result = notifier.status(current.body, force=True)
        if result == ANNULE:  # erased meanwhile
            continue
        counts[result] += 1
        if result == ENVOYE:
            store.forget_owed_mail(numero)
    return counts
