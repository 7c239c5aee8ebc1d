"""The mail retry: every failed email sent once more, and its command line.

`retry_failed` sends again the failed confirmations (handler.dossier.courriels), the failed
emails of the bureau's status changes (« confirmation reçue », « incomplet », « définitive »,
« refusé », « classé sans suite »: recorded in the follow-up, see handler.staff.courriel_suivi)
the failed reminders of an awaited signed confirmation (handler.staff.relances), and the
emails of the pieces the bureau refused, due a few minutes after the refusals
(handler.staff.courriel_pieces).
Two callers: the mail retry function, every hour in AWS (handler.lambda_function.retry_mail),
which stops at SCHEDULED_ATTEMPTS attempts per email (`max_attempts`), and
`python -m handler.notifications`, by hand once SES is fixed, which forces every one.

An entry point: it takes the app's parts from the app factory, and nothing imports it but the
Lambda handlers.
"""

from __future__ import annotations

import logging
import sys

from flask import Flask

from handler.app import create_app
from handler.dossier.courriels import (
    ABANDONNE,
    ECHEC,
    ENVOYE,
    Notifier,
    retry_confirmations,
)
from handler.platform.logs import configure as configure_logs
from handler.staff import courriel_pieces, courriel_suivi
from handler.staff.relances import Reminders
from shared_rules.session import Session

#: Each kind of email the retry handles: {kind: {status: count}}.
Counts = dict[str, dict[str, int]]


def retry_failed(app: Flask, *, max_attempts: int | None = None,
                 every_record: bool = False) -> Counts:
    """Send every failed email once more: the confirmations, the status changes' emails and the
    reminders and the refused pieces' emails; counts by kind (`confirmation`, `suivi`,
    `relance`, `pieces`) and resulting status.

    `max_attempts` leaves out an email already tried that many times (counted `abandonne`);
    None forces every one, whatever its count (the command). `every_record` reads every
    confirmation's record instead of the markers of failed ones (the command: it also finds a
    failure whose marker couldn't be written, or recorded before markers existed).
    """
    notifier: Notifier = app.extensions["notifier"]
    session: Session = app.extensions["inscription_session"]
    return {
        "confirmation": retry_confirmations(notifier, max_attempts=max_attempts,
                                            every_record=every_record),
        "suivi": courriel_suivi.retry(notifier, session.code, max_attempts=max_attempts),
        "relance": Reminders(notifier, jours=app.config["RELANCE_JOURS"]).retry(
            max_attempts=max_attempts),
        "pieces": courriel_pieces.retry(notifier, max_attempts=max_attempts),
    }


def summary(counts: Counts) -> str:
    """The retry's outcome in French, one line per kind of email (no personal data)."""
    lines = []
    # Each kind with its participles' ending: « relances » is feminine.
    for kind, label, e in (("confirmation", "Courriels de confirmation", ""),
                           ("suivi", "Courriels de suivi (changements de statut)", ""),
                           ("relance", "Relances (confirmation signée attendue)", "e"),
                           ("pieces", "Courriels des pièces refusées", "")):
        if kind not in counts:
            continue
        found = counts[kind]
        line = f"{label} renvoyé{e}s : {found[ENVOYE]} ; toujours en échec : {found[ECHEC]}"
        if found[ABANDONNE]:
            line += (f" ; laissé{e}s, nombre maximal de tentatives atteint : {found[ABANDONNE]} "
                     "(python -m handler.notifications les renvoie)")
        lines.append(line + ".")
    return "\n".join(lines)


def main() -> int:
    """`python -m handler.notifications`: retry the failed emails, whatever their attempts, with
    the environment's configuration (the same variables as the handler)."""
    configure_logs(logging.INFO, fmt="%(message)s")
    counts = retry_failed(create_app(), every_record=True)
    print(summary(counts), file=sys.stdout)
    return 0 if all(found[ECHEC] == 0 for found in counts.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
