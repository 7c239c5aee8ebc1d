"""Background exports: what doesn't fit one API answer (6 MB, and this function's 10 s), and
every ZIP, is written under `exports/` by a job; the staff page polls its state and gets a
short-lived presigned link.

One interface, two implementations, chosen when the app is built:
- `LambdaRunner`: in AWS, the export function (`handler.lambda_function.export_job`, named by
  EXPORT_FUNCTION_NAME) is invoked asynchronously (InvocationType=Event) with the job's id;
- `ThreadRunner`: locally and in the tests, a background thread of this process.
Either way the work is done from the job's state object: the event carries only its id (and,
for a part, the part's number).

A ZIP of more than ZIP_PART dossiers, and a PDF of the confirmations (`impression`) of more
than PDF_PART, is fanned out: each dossier's PDF costs 0.15–0.3 s of CPU,
so 20,000 would take well over an hour in one function, which stops at 15 minutes. The job is
cut into parts of ZIP_PART dossiers, each run by its own invocation at the same time
(`run_part`), each writing a ZIP of its dossiers (`parties/<n>.zip`, complete when it exists;
`parties/<n>.pdf` for a PDF). The part that finds every part's file written claims the assembly
(a conditional write, so it happens once) and copies the parts' entries, in order, into the one
ZIP the staff download (`assemble`), or merges the parts' PDFs into one (`impression.merge`): no
PDF is rendered twice, and copying is I/O, about a second per 100 MB.

Layout: `exports/<id>/etat.json` (format, author, the numbers selected, state, progress),
`exports/<id>/<file>`, and while a fanned-out job runs `exports/<id>/parties/<n>.json` (a part's
progress) and `parties/<n>.zip` (or `.pdf`), deleted once assembled. The bucket's lifecycle
deletes exports after ExportRetentionDays.

A job with no news for STALE_AFTER (its function crashed, timed out or never started: Lambda
drops an event older than 15 minutes, infra/template.yaml) is reported `echec`, « interrompu »,
so the staff page stops waiting and the staff member can ask again.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import math
import re
import secrets
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from handler.platform.fetch import EXPORT_WORKERS, fetch_ordered
from handler.platform.storage import DossierStore, Stored, WriteConflict
from handler.staff import exports, impression
from handler.staff.upload import LINK_SECONDS, MultipartUpload, download_link
from shared_rules.session import Session

log = logging.getLogger(__name__)

EXPORTS = "exports/"
EN_ATTENTE, EN_COURS, PRET, ECHEC = "en-attente", "en-cours", "pret", "echec"
ANNULE = "annule"
#: Why an export was cancelled by an erasure: shown by the staff page.
ANNULE_EFFACEMENT = (
    "annulé : un dossier de cet export a été effacé au titre du RGPD ; relancez-le"
)
ASSEMBLAGE = "assemblage"
#: Progress is recorded at least every 5 % of the dossiers, and every 25 dossiers once a
#: second has passed since the last record (a ZIP's PDFs: news every few seconds; a CSV of
#: 20,000 is not slowed by 800 writes).
PROGRESS_SHARE, PROGRESS_DOSSIERS, PROGRESS_SECONDS = 0.05, 25, 1.0
#: Dossiers per part of a fanned-out ZIP: 500 PDFs take 75–150 s on the export function's CPU,
#: well inside its 10 minutes even on a slow day.
ZIP_PART = 500
#: Confirmations per part of a fanned-out PDF: 500 in one batch are 20–40 s of CPU and about
#: 20 MB of pages held until the part's file is written (impression).
PDF_PART = 500
#: Dossiers per part of a ZIP of dossiers complets (issue 28): each reads its pieces (up to
#: 50 Mo) and merges them, a second or two; 100 stay well inside a function's 15 minutes.
COMPLETS_PART = 100
STALE_AFTER = dt.timedelta(minutes=20)
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
_PART_RECORD = re.compile(r"/\d{4}\.json$")


class ExportRunner(Protocol):
    """Starts the job with this id (or one part of it), somewhere, without waiting for it."""

    def start(self, job_id: str, part: int | None = None) -> None: ...


class ThreadRunner:
    """Runs each job in a daemon thread of this process (the local run, the tests)."""

    def __init__(self, run: Callable[[str, int | None], None]) -> None:
        self.run = run
        self.threads: list[threading.Thread] = []

    def start(self, job_id: str, part: int | None = None) -> None:
        label = job_id[:6] if part is None else f"{job_id[:6]}-{part}"
        thread = threading.Thread(target=self.run, args=(job_id, part), daemon=True,
                                  name=f"export-{label}")
        self.threads.append(thread)
        thread.start()

    def join(self, timeout: float = 60) -> None:
        """Wait for the jobs started so far (tests, the CLI)."""
        for thread in list(self.threads):
            thread.join(timeout)


class LambdaRunner:
    """Invokes the export function asynchronously: the API answers at once, the job runs up to
    its own timeout (10 minutes) in another function."""

    def __init__(self, function_name: str, *, region: str, client: Any = None) -> None:
        self.function_name = function_name
        self.region = region
        self._client = client
        self._lock = threading.Lock()

    def _lambda(self) -> Any:
        with self._lock:  # a fanned-out job starts its parts from several threads
            if self._client is None:
                import boto3

                self._client = boto3.client("lambda", region_name=self.region)
            return self._client

    def start(self, job_id: str, part: int | None = None) -> None:
        event: dict[str, Any] = {"export": job_id}
        if part is not None:
            event["partie"] = part
        self._lambda().invoke(FunctionName=self.function_name, InvocationType="Event",
                              Payload=json.dumps(event).encode())


def state_key(job_id: str) -> str:
    return f"{EXPORTS}{job_id}/etat.json"


def _parts_prefix(job_id: str) -> str:
    return f"{EXPORTS}{job_id}/parties/"


def part_key(job_id: str, part: int) -> str:
    """A part's progress record."""
    return f"{_parts_prefix(job_id)}{part:04d}.json"


def part_file(job_id: str, part: int, fmt: str = "zip") -> str:
    """A part's ZIP (or PDF), complete once it exists (a multipart upload appears whole)."""
    return f"{_parts_prefix(job_id)}{part:04d}.{fmt}"


def _part_size(fmt: str) -> int:
    """Dossiers per part of a job of this format; 0: never cut."""
    return {"zip": ZIP_PART, "pdf": PDF_PART, "complets": COMPLETS_PART}.get(fmt, 0)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Pacer:
    """Says when a job's progress is worth recording (see PROGRESS_SHARE)."""

    def __init__(self, total: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.share = max(1, math.ceil(total * PROGRESS_SHARE))
        self.clock = clock
        self.last_done, self.last_time = 0, clock()

    def due(self, done: int) -> bool:
        """True (and noted) when `done` is worth a record."""
        step = done - self.last_done
        now = self.clock()
        if step >= self.share or (step >= PROGRESS_DOSSIERS
                                  and now - self.last_time >= PROGRESS_SECONDS):
            self.last_done, self.last_time = done, now
            return True
        return False


def cancel_containing(store: DossierStore, numero: str) -> int:
    """Cancel the exports whose selection holds this dossier (an erasure): their files go, their
    state loses every version (each held the selection, so the number) and says why in a new
    one (ANNULE_EFFACEMENT); a worker still at it stops at its next write (its writes are
    conditional). Others' exports stay. Files under `exports/` that belong to no job state are
    deleted too (what they hold is unknown). How many objects went."""
    removed = 0
    by_job: dict[str, list[str]] = {}
    for key in store.keys(EXPORTS):
        by_job.setdefault(key[len(EXPORTS):].split("/", 1)[0], []).append(key)
    for job_id, keys in by_job.items():
        stored = store.read(state_key(job_id))
        if stored is not None and numero not in stored.body.get("numeros", []):
            continue
        for key in keys:
            if key != state_key(job_id):
                removed += store.erase(key)
        if stored is not None:
            store.erase(state_key(job_id))  # its versions: not counted among the files
            store.write(state_key(job_id), _cancelled(stored.body))
    return removed


def _cancelled(body: dict[str, Any]) -> dict[str, Any]:
    """A job's state once an erasure cancelled it: why, and no selection."""
    return {**body, "statut": ANNULE, "raison": ANNULE_EFFACEMENT, "numeros": [], "suivis": [],
            "cle": None, "fichier": None, "maj": _now(), "fin": _now()}


def create(store: DossierStore, *, fmt: str, numeros: list[str], auteur: str,
           followed: list[str] | None = None, part_size: int | None = None,
           colonnes: list[str] | None = None, ignores: int = 0) -> str:
    """Record a new job (the selection is fixed now: `numeros`, in order, and `followed`, those
    with a follow-up record; `colonnes`, a spreadsheet's chosen columns; `ignores`, how many
    numbers asked were not registered); its id. A ZIP or a PDF
    of more than `part_size` dossiers (by default its format's) is cut in parts."""
    job_id = secrets.token_urlsafe(16)
    part_size = part_size or _part_size(fmt)
    parts = math.ceil(len(numeros) / part_size) if part_size else 0
    store.write(state_key(job_id), {
        "id": job_id, "format": fmt, "auteur": auteur, "cree_le": _now(), "maj": _now(),
        "statut": EN_ATTENTE, "nombre": len(numeros), "fait": 0, "numeros": numeros,
        "suivis": followed, "parties": parts if parts > 1 else 0, "taille_partie": part_size,
        "colonnes": colonnes, "ignores": ignores},
        if_none_match=True)
    return job_id


def start(runner: ExportRunner, store: DossierStore, job_id: str) -> None:
    """Start a job just created: in one invocation, or one per part, started concurrently (an
    asynchronous invocation takes a few tens of milliseconds to accept)."""
    stored = store.read(state_key(job_id))
    parts = stored.body.get("parties", 0) if stored else 0
    if not parts:
        runner.start(job_id)
        return
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="start") as pool:
        list(pool.map(lambda part: runner.start(job_id, part), range(parts)))


class _Gone(Exception):
    """The job's state went (an erasure deletes every export) or changed under this worker."""


class _JobState:
    """A job's state as one worker owns it: each write is conditional on the version it last
    wrote or read, so an erasure that deleted the state (or another worker that marked it
    failed) stops this worker instead of being undone by its next progress write."""

    def __init__(self, store: DossierStore, job_id: str, stored: Stored) -> None:
        self.store, self.job_id, self.key = store, job_id, state_key(job_id)
        self.body, self.etag = dict(stored.body), stored.etag

    def write(self, **changes: Any) -> None:
        body = {**self.body, **changes, "maj": _now()}
        try:
            self.etag = self.store.write(self.key, body, if_match=self.etag)
        except WriteConflict:
            raise _Gone from None
        self.body = body

    def fail(self, exc: Exception) -> None:
        """Record the failure, unless the state went or changed meanwhile."""
        log.error("export job failed: %s", type(exc).__name__)
        try:
            self.write(statut=ECHEC, erreur=type(exc).__name__, fin=_now())
        except _Gone:
            pass

    def make_file(self, session: Session, fmt: str, produce: Callable[[MultipartUpload], int],
                  **started: Any) -> tuple[int, int] | None:
        """Mark the job started (with `started`), stream its file to S3 with `produce(out)`,
        which returns how many dossiers it wrote, then mark the job ready. (dossiers, bytes),
        or None when the job failed (recorded) or went meanwhile (nothing left behind)."""
        name = exports.filename(session, fmt, now=dt.datetime.now(session.zone))
        key = f"{EXPORTS}{self.job_id}/{name}"
        try:
            self.write(statut=EN_COURS, **started)
        except _Gone:
            return None  # another invocation took it, or it went
        upload = MultipartUpload(self.store, key, content_type=exports.FORMATS[fmt][0])
        try:
            count = produce(upload)
            self.write(fait=count)  # last check that the job is still wanted
            size = upload.complete()
        except _Gone:
            _abort(upload)
            return None
        except Exception as exc:
            _abort(upload)
            self.fail(exc)
            return None
        try:
            self.write(statut=PRET, etape=None, fait=count, cle=key, fichier=name, taille=size,
                       fin=_now())
        except _Gone:
            self.store.erase(key)  # erased while the file was completed: it goes too
            return None
        return count, size


def run(store: DossierStore, session: Session, job_id: str, *,
        workers: int = EXPORT_WORKERS) -> None:
    """Do a job: stream the file to S3, recording progress; never raises (the state says)."""
    stored = store.read(state_key(job_id))
    if stored is None or stored.body["statut"] != EN_ATTENTE or stored.body.get("parties"):
        return  # unknown, already taken (an event delivered twice), or done in parts
    state = _JobState(store, job_id, stored)
    fmt = state.body["format"]
    followed = state.body.get("suivis")
    pacer = Pacer(state.body["nombre"])

    def progress(done: int) -> None:
        if pacer.due(done):
            state.write(fait=done)

    def produce(out: MultipartUpload) -> int:
        return exports.export(store, session, state.body["numeros"], fmt, out,
                              progress=progress, workers=workers,
                              followed=None if followed is None else set(followed),
                              colonnes=state.body.get("colonnes"))

    made = state.make_file(session, fmt, produce, debut=_now())
    if made is not None:
        log.info("export job done: %s, %d dossiers, %d bytes", fmt, *made)


def _abort(upload: MultipartUpload) -> None:
    try:
        upload.abort()
    except (ClientError, BotoCoreError):
        pass  # an upload left behind is dropped by the bucket's lifecycle rule


def run_part(store: DossierStore, session: Session, job_id: str, part: int, *,
             workers: int = 16) -> None:
    """Do one part of a fanned-out ZIP or PDF, then assemble the whole if it is the last to
    finish; never raises (the job's state says)."""
    stored = store.read(state_key(job_id))
    if stored is None or stored.body["statut"] in (PRET, ECHEC, ANNULE):
        return
    state = _JobState(store, job_id, stored)  # parts don't write it, except to fail it
    record = {"partie": part, "statut": EN_COURS, "fait": 0, "maj": _now()}
    try:
        store.write(part_key(job_id, part), record, if_none_match=True)
    except WriteConflict:
        return  # an event delivered twice: the part is another invocation's
    size = state.body["taille_partie"]
    numeros = state.body["numeros"][part * size:(part + 1) * size]
    followed = state.body.get("suivis")
    pacer = Pacer(len(numeros))

    def progress(done: int) -> None:
        if pacer.due(done):
            store.write(part_key(job_id, part), {**record, "fait": done, "maj": _now()})

    fmt = state.body["format"]
    upload = MultipartUpload(store, part_file(job_id, part, fmt),
                             content_type=exports.FORMATS[fmt][0])
    try:
        count = exports.export(store, session, numeros, fmt, upload, progress=progress,
                               workers=workers,
                               followed=None if followed is None else set(followed))
        current = store.read(state_key(job_id))
        if current is None or current.body["statut"] in (ECHEC, ANNULE):
            _abort(upload)  # cancelled by an erasure meanwhile, or another part failed
            return
        upload.complete()
        store.write(part_key(job_id, part), {**record, "statut": PRET, "fait": count,
                                             "maj": _now()})
    except Exception as exc:
        _abort(upload)
        state.fail(exc)
        return
    if _parts_written(store, job_id, fmt) < state.body["parties"]:
        return  # others still work: the last one assembles
    try:
        store.write(f"{_parts_prefix(job_id)}assemblage.json", {"par": part, "le": _now()},
                    if_none_match=True)
    except WriteConflict:
        return  # another part finished at the same moment and took the assembly
    assemble(store, session, job_id)


def _parts_written(store: DossierStore, job_id: str, fmt: str) -> int:
    return sum(1 for key in store.keys(_parts_prefix(job_id)) if key.endswith(f".{fmt}"))


def assemble(store: DossierStore, session: Session, job_id: str) -> None:
    """Copy every part's entries, in order, into the job's one ZIP (or merge the parts' PDFs
    into one); delete the parts."""
    stored = store.read(state_key(job_id))
    if stored is None or stored.body["statut"] in (ECHEC, ANNULE):
        return  # cancelled, or a part failed after writing its file: the staff were told
    state = _JobState(store, job_id, stored)
    fmt = state.body["format"]

    def part_bytes(part: int) -> bytes:
        return bytes(store.client.get_object(Bucket=store.bucket,
                                             Key=part_file(job_id, part, fmt))["Body"].read())

    def merge_pdf(out: MultipartUpload) -> int:
        def parts() -> Iterator[bytes]:
            for part in range(state.body["parties"]):
                yield part_bytes(part)
                state.write()  # news, and a check that the job is still wanted
        impression.merge(out, parts())
        return sum(r["fait"] for r in _parts_news(store, job_id))

    def produce(out: MultipartUpload) -> int:
        count = 0
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for part in range(state.body["parties"]):
                with zipfile.ZipFile(io.BytesIO(part_bytes(part))) as piece:
                    for info in piece.infolist():
                        archive.writestr(info, piece.read(info),
                                         compress_type=info.compress_type)
                        if info.filename.endswith(("/dossier.json", f"/{exports.COMPLET}")):
                            count += 1
                state.write()  # news, and a check that the job is still wanted
        return count

    made = state.make_file(session, fmt, merge_pdf if fmt == "pdf" else produce,
                           etape=ASSEMBLAGE)
    if made is not None:
        store.erase(_parts_prefix(job_id), whole_prefix=True)
        log.info("export job assembled: %s, %d parts, %d dossiers, %d bytes", fmt,
                 state.body["parties"], *made)


def _parts_news(store: DossierStore, job_id: str) -> list[dict[str, Any]]:
    """A fanned-out job's part records (the parts started so far)."""
    keys = [k for k in store.keys(_parts_prefix(job_id)) if _PART_RECORD.search(k)]
    return [r.body for r in fetch_ordered(store.read, keys, workers=8) if r is not None]


def status(store: DossierStore, job_id: str, *,
           now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
           ) -> dict[str, Any] | None:
    """A job's state for the staff page, with a fresh presigned link once ready; None if
    unknown or expired."""
    if not JOB_ID.match(job_id):
        return None
    stored = store.read(state_key(job_id))
    if stored is None:
        return None
    state = stored.body
    fait, statut, etape = state["fait"], state["statut"], state.get("etape")
    latest = state.get("maj", state["cree_le"])
    if state.get("parties") and statut in (EN_ATTENTE, EN_COURS) and etape != ASSEMBLAGE:
        parts = _parts_news(store, job_id)
        if parts:
            statut = EN_COURS
            fait = sum(p["fait"] for p in parts)
            latest = max(latest, *(p["maj"] for p in parts))
    if statut in (EN_ATTENTE, EN_COURS) and (
            now() - dt.datetime.fromisoformat(latest) > STALE_AFTER):
        statut, etape = ECHEC, "interrompu"
    answer = {"id": job_id, "format": state["format"], "statut": statut, "etape": etape,
              "nombre": state["nombre"], "fait": fait, "parties": state.get("parties", 0),
              "lien": None, "expire_dans": None, "fichier": state.get("fichier"),
              "raison": state.get("raison"), "ignores": state.get("ignores", 0)}
    if statut == PRET:
        answer["lien"] = download_link(store, state["cle"], filename=state["fichier"])
        answer["expire_dans"] = LINK_SECONDS
    return answer
