"""A submission or modification that meets an identity already held: 409 `deja_inscrit`, limited
and told to the holder.

One person holds one dossier per session, so « déjà inscrit » answers who is registered, and a
stranger who knows someone's name, first name and birth date can ask (README, « Security »).
That can't be hidden without giving up the rule; it is slowed and made visible instead:
- per client address, in-process: each such answer counts in the per-client limit of
  submissions (SUBMISSIONS_PER_CLIENT per 15 minutes, handler.candidats.spam), a submission's
  twice; past it, a submission or a modification from that client answers 429 before anything is
  looked up (so that 429 tells nothing about the identity asked);
- per identity, in the bucket (`doublons/<session>/<sha256>.json`, conditional writes, like the
  reminders' `rappels/`): IDENTITY_LIMIT answers per IDENTITY_WINDOW seconds; past it, 429;
- the holder's stored address is told « Une pré-inscription à votre nom vient d'être tentée »,
  at most once per ALERT_INTERVAL seconds (the record keeps when it was last sent; the
  conditional write that records it is what allows the send, so two instances never both send).
Durations use real time, never the calendar clock.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

import shared_rules
from handler.candidats.registrations import DejaInscrit
from handler.dossier import mail_content
from handler.dossier.courriels import Notifier
from handler.platform import messages as msg
from handler.platform.errors import ApiError
from handler.platform.rate_limit import SlidingWindowLimit
from handler.platform.storage import DossierStore, WriteConflict
from shared_rules.dates_fr import attente
from shared_rules.session import Session

log = logging.getLogger(__name__)

IDENTITY_LIMIT, IDENTITY_WINDOW = 5, 24 * 3600
ALERT_INTERVAL = 24 * 3600
CONFLICT_ATTEMPTS = 10


def _duree(seconds: int) -> str:
    """A wait in French: minutes up to an hour and a half, hours beyond."""
    return attente(seconds)


def _wait_error(template: str, wait: float, session: Session) -> ApiError:
    seconds = max(1, math.ceil(wait))
    return ApiError(429, "trop_de_doublons", template.format(duree=_duree(seconds),
                                               destinataire=shared_rules.bureau_contact(session)),
                    headers={"Retry-After": str(seconds)})


class DuplicateGuard:
    """Counts the « déjà inscrit » answers per client and per identity, and tells the holder."""

    def __init__(self, store: DossierStore, notifier: Notifier, *,
                 clients: SlidingWindowLimit | None,
                 now: Callable[[], float] = time.time) -> None:
        self.store = store
        self.notifier = notifier
        self.clients = clients
        self.now = now

    def screen(self, client: str, session: Session) -> None:
        """429 if this client is past the per-client limit of submissions, before a
        modification is evaluated (counts nothing; a submission counts itself,
        handler.candidats.spam)."""
        if self.clients is not None and (wait := self.clients.wait(client)) is not None:
            raise _wait_error(msg.TROP_DE_DOUBLONS_CLIENT, wait, session)

    def refuse(self, exc: DejaInscrit, *, client: str, session: Session) -> ApiError:
        """Count a « déjà inscrit » answer; the error to answer: the 409, or 429 past the
        identity's limit. Emails the holder when no alert went within ALERT_INTERVAL."""
        if self.clients is not None:
            self.clients.hit(client)
        record = self.store.duplicates(session.code, exc.identity)
        for attempt in range(CONFLICT_ATTEMPTS):
            now = self.now()
            body: dict[str, Any] = record.body if record else {}
            recent = [t for t in body.get("refus", []) if t > now - IDENTITY_WINDOW]
            if len(recent) >= IDENTITY_LIMIT:
                return _wait_error(msg.TROP_DE_DOUBLONS_IDENTITE,
                                   recent[0] + IDENTITY_WINDOW - now, session)
            alert = exc.holder is not None and (body.get("alerte") or 0) <= now - ALERT_INTERVAL
            content = {"refus": [*recent, now], "alerte": now if alert else body.get("alerte")}
            try:
                self.store.record_duplicates(session.code, exc.identity, content,
                                             etag=record.etag if record else None)
            except WriteConflict:
                # Another refusal for this person went first: back off a little, count again.
                time.sleep(random.uniform(0, 0.02 * (attempt + 1)))
                record = self.store.duplicates(session.code, exc.identity)
                continue
            if alert and exc.holder is not None:
                self._alert(exc.holder.body)
            return exc
        # Refusals for this person raced past every attempt: more than one person makes.
        return _wait_error(msg.TROP_DE_DOUBLONS_IDENTITE, IDENTITY_WINDOW, session)

    def _alert(self, holder: dict[str, Any]) -> None:
        sent = self.notifier.send_notice(mail_content.tentative_doublon(
            holder, self.notifier.session, site_url=self.notifier.site_url,
            heures=ALERT_INTERVAL // 3600))
        if not sent:
            log.warning("duplicate alert not sent")


def init_app(app: Flask) -> None:
    """One guard per app, on its store, notifier and per-client submission limit (after
    spam.init_app)."""
    app.extensions["doublons"] = DuplicateGuard(
        app.extensions["dossier_store"], app.extensions["notifier"],
        clients=app.extensions["submission_client_limit"])


def guard() -> DuplicateGuard:
    """The app's guard, for the request being served."""
    found: DuplicateGuard = current_app.extensions["doublons"]
    return found
