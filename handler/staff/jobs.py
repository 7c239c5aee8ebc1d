"""Background exports: what doesn't fit one API answer (6 MB, and this function's 10 s), and
every ZIP, is written under `exports/` by a job; the staff page polls its state and gets a
short-lived presigned link.

One interface, two implementations, chosen when the app is built:
- `LambdaRunner`: in AWS, the export function (`handler.lambda_function.export_job`, named by
  EXPORT_FUNCTION_NAME) is invoked asynchronously (InvocationType=Event) with the job's id;
- `ThreadRunner`: locally and in the tests, a background thread of this process.
Either way `run_job` does the work, from the job's state object: the event carries only its id.

Layout: `exports/<id>/etat.json` (format, author, the numbers selected, state, progress) and
`exports/<id>/<file>`. The bucket's lifecycle deletes exports after ExportRetentionDays.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
import threading
from collections.abc import Callable
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from handler.staff import exports
from handler.staff.upload import LINK_SECONDS, MultipartUpload, download_link
from handler.storage import DossierStore
from shared_rules.session import Session

log = logging.getLogger(__name__)

EXPORTS = "exports/"
EN_ATTENTE, EN_COURS, PRET, ECHEC = "en-attente", "en-cours", "pret", "echec"
PROGRESS_EVERY = 250
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


class ExportRunner(Protocol):
    """Starts the job with this id, somewhere, without waiting for it."""

    def start(self, job_id: str) -> None: ...


class ThreadRunner:
    """Runs each job in a daemon thread of this process (the local run, the tests)."""

    def __init__(self, run: Callable[[str], None]) -> None:
        self.run = run
        self.threads: list[threading.Thread] = []

    def start(self, job_id: str) -> None:
        thread = threading.Thread(target=self.run, args=(job_id,), daemon=True,
                                  name=f"export-{job_id[:6]}")
        self.threads.append(thread)
        thread.start()

    def join(self, timeout: float = 60) -> None:
        """Wait for the jobs started so far (tests, the CLI)."""
        for thread in self.threads:
            thread.join(timeout)


class LambdaRunner:
    """Invokes the export function asynchronously: the API answers at once, the job runs up to
    its own timeout (10 minutes) in another function."""

    def __init__(self, function_name: str, *, region: str, client: Any = None) -> None:
        self.function_name = function_name
        self.region = region
        self._client = client

    def start(self, job_id: str) -> None:
        if self._client is None:
            import boto3

            self._client = boto3.client("lambda", region_name=self.region)
        self._client.invoke(FunctionName=self.function_name, InvocationType="Event",
                            Payload=json.dumps({"export": job_id}).encode())


def state_key(job_id: str) -> str:
    return f"{EXPORTS}{job_id}/etat.json"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def create(store: DossierStore, *, fmt: str, numeros: list[str], auteur: str,
           followed: list[str] | None = None) -> str:
    """Record a new job (the selection is fixed now: `numeros`, in order, and `followed`, those
    with a follow-up record); its id."""
    job_id = secrets.token_urlsafe(16)
    store.write(state_key(job_id), {
        "id": job_id, "format": fmt, "auteur": auteur, "cree_le": _now(), "statut": EN_ATTENTE,
        "nombre": len(numeros), "fait": 0, "numeros": numeros, "suivis": followed},
        if_none_match=True)
    return job_id


def run(store: DossierStore, session: Session, job_id: str, *, workers: int = 16) -> None:
    """Do a job: stream the file to S3, recording progress; never raises (the state says)."""
    stored = store.read(state_key(job_id))
    if stored is None or stored.body["statut"] != EN_ATTENTE:
        return  # unknown, or already taken (an event delivered twice)
    state = dict(stored.body)
    name = exports.filename(session, state["format"],
                            now=dt.datetime.now(session.zone))
    key = f"{EXPORTS}{job_id}/{name}"
    state.update(statut=EN_COURS, debut=_now())
    store.write(state_key(job_id), state)

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            store.write(state_key(job_id), {**state, "fait": done})

    upload = MultipartUpload(store, key, content_type=exports.FORMATS[state["format"]][0])
    try:
        followed = state.get("suivis")
        count = exports.export(store, session, state["numeros"], state["format"], upload,
                               progress=progress, workers=workers,
                               followed=None if followed is None else set(followed))
        size = upload.complete()
    except Exception as exc:
        log.error("export job failed: %s", type(exc).__name__)
        try:
            upload.abort()
        except (ClientError, BotoCoreError):
            pass
        store.write(state_key(job_id), {**state, "statut": ECHEC, "erreur": type(exc).__name__,
                                        "fin": _now()})
        return
    store.write(state_key(job_id), {**state, "statut": PRET, "fait": count, "cle": key,
                                    "fichier": name, "taille": size, "fin": _now()})
    log.info("export job done: %s, %d dossiers, %d bytes", state["format"], count, size)


def status(store: DossierStore, job_id: str) -> dict[str, Any] | None:
    """A job's state for the staff page, with a fresh presigned link once ready; None if
    unknown or expired."""
    if not JOB_ID.match(job_id):
        return None
    stored = store.read(state_key(job_id))
    if stored is None:
        return None
    state = stored.body
    answer = {"id": job_id, "format": state["format"], "statut": state["statut"],
              "nombre": state["nombre"], "fait": state["fait"], "lien": None,
              "expire_dans": None, "fichier": state.get("fichier")}
    if state["statut"] == PRET:
        answer["lien"] = download_link(store, state["cle"], filename=state["fichier"])
        answer["expire_dans"] = LINK_SECONDS
    return answer
