"""AWS Lambda entry points: the API (API Gateway HTTP API, payload 2.0), and the staff's
background export job (`export_job`, invoked asynchronously with {"export": <job id>}, and
{"partie": <n>} for one part of a large ZIP).

The app is built once per Lambda instance, at import, so that warm invocations reuse it and its
S3 client; a misconfiguration fails the instance's start rather than a candidate's request.

A third entry point, `retry_mail`, is the mail retry function, run by an hourly schedule; a
fourth, `compact_index`, merges the staff index's pending parts into its shards every minute,
then remakes the export rows of what changed (staff.row_cache); a fifth, `send_reminders`, the
daily reminders to the candidates whose signed confirmation hasn't arrived (staff.relances); a
sixth, `piece_scanned`, analyses an uploaded piece when GuardDuty's verdict comes (EventBridge),
and sweeps the uploads left « en cours d'analyse » on a schedule (handler.dossier.pieces).
"""

from __future__ import annotations

import logging
from typing import Any

from apig_wsgi import make_lambda_handler

from handler.app import create_app
from handler.dossier.courriels import SCHEDULED_ATTEMPTS
from handler.dossier.index import SummaryIndex
from handler.notifications import Counts, retry_failed, summary
from handler.platform.logs import configure as configure_logs
from handler.staff import run_export
from handler.staff.relances import AUTOMATIQUE, Reminders

configure_logs(logging.INFO)
log = logging.getLogger("handler.retry_mail")

app = create_app()
handler = make_lambda_handler(app, binary_support=True)


def export_job(event: dict[str, Any], context: Any) -> None:
    """The export function: do the background export named by the event, or the part of it
    the event names (see staff.jobs)."""
    part = event.get("partie")
    run_export(app, str(event["export"]), None if part is None else int(part))


def retry_mail(event: dict[str, Any], context: Any) -> Counts:
    """The mail retry function (EventBridge schedule, hourly): send the failed confirmation and
    status-change emails again, up to SCHEDULED_ATTEMPTS attempts each; invoked by hand
    with {"forcer": true}, whatever their attempts (as `python -m handler.notifications`)."""
    forced = event.get("forcer") is True
    counts = retry_failed(app, max_attempts=None if forced else SCHEDULED_ATTEMPTS)
    log.info("%s", summary(counts))  # counts only: no personal data
    return counts


def compact_index(event: dict[str, Any], context: Any) -> dict[str, int]:
    """The index compaction function (EventBridge schedule, every minute): merge the pending
    parts of the session's summary index into its shards (handler.dossier.index), then remake
    the export rows of the first symbols whose shard changed (handler.staff.row_cache)."""
    # Loaded here, not at import: the API's cold start doesn't pay for botocore and the rows.
    from botocore.exceptions import BotoCoreError, ClientError

    from handler.platform.errors import StorageUnavailable
    from handler.staff.row_cache import RowCache

    session = app.extensions["inscription_session"]
    store = app.extensions["dossier_store"]
    merged = SummaryIndex(store, session.code).compact()
    try:
        rows = RowCache(store, session).refresh_changed(
            time_left=lambda: context.get_remaining_time_in_millis() / 1000 if context else 60.0)
    except (ClientError, BotoCoreError, StorageUnavailable) as exc:
        # The rows are a cache the export checks: the next pass, or the export, makes them.
        logging.getLogger("handler.compact_index").warning("export rows not remade: %s",
                                                           type(exc).__name__)
        rows = 0
    # Counts only: no personal data.
    logging.getLogger("handler.compact_index").info("%d parts merged, %d rows made", merged,
                                                    rows)
    return {"fusionnees": merged, "lignes": rows}


#: Seconds a reminders' run keeps free before its function's own timeout.
REMINDERS_MARGIN = 30.0


def send_reminders(event: dict[str, Any], context: Any) -> dict[str, int]:
    """The reminders function (EventBridge Scheduler, every morning, Europe/Paris): in the
    window before the return deadline, one reminder to each dossier still awaiting its signed
    confirmation and not reminded since the window opened (handler.staff.relances); outside
    it, nothing. Stops REMINDERS_MARGIN seconds before its timeout: the rest (`restants`) go
    with the next day's run, or the bureau's button."""
    def time_left() -> float:
        if context is None:
            return float("inf")
        return float(context.get_remaining_time_in_millis()) / 1000 - REMINDERS_MARGIN

    reminders = Reminders(app.extensions["notifier"], jours=app.config["RELANCE_JOURS"])
    counts = reminders.send(automatic=True, par=AUTOMATIQUE, time_left=time_left)
    # Counts only: no personal data.
    logging.getLogger("handler.send_reminders").info(
        "reminders: %d sent, %d already today, %d failed, %d no longer awaited, %d left",
        counts["envoyes"], counts["deja_relances"], counts["echecs"], counts["plus_attendus"],
        counts["restants"])
    return counts


#: The EventBridge event GuardDuty Malware Protection for S3 publishes for each object scanned
#: (https://docs.aws.amazon.com/guardduty/latest/ug/monitor-with-eventbridge-s3-malware-protection.html).
SCAN_RESULT = "GuardDuty Malware Protection Object Scan Result"


def piece_scanned(event: dict[str, Any], context: Any) -> dict[str, int]:
    """The pieces' analysis function: for GuardDuty's scan result of an upload, analyse that
    upload (its verdict is now in the object's tags); for the schedule's event, every upload
    still « en cours d'analyse » (a verdict that came before the upload was registered, a
    failed analysis). Counts by resulting state only: no personal data."""
    from handler.dossier import pieces

    analyses = app.extensions["pieces_analyses"]
    if event.get("detail-type") == SCAN_RESULT:
        key = str(((event.get("detail") or {}).get("s3ObjectDetails") or {}).get("objectKey", ""))
        found = pieces.upload_for_key(key)
        counts = {analyses.run_now(*found): 1} if found else {}
    else:
        counts = analyses.sweep()
    logging.getLogger("handler.piece_scanned").info("pieces analysed: %s", counts)
    return counts
