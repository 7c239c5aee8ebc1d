"""Pieces returned online (issue 28): where a session's file says `en_ligne`, the candidate
uploads the signed confirmation and each required piece from « mon dossier »; each file is
scanned, then checked, before anyone opens it, and the bureau judges it piece by piece.

No byte of a piece passes through the API's function: the browser sends the file straight to
the bucket with a presigned POST (`upload_form`: the exact key, the content type, at most
MAX_PIECE_BYTES), then tells the API it has (`register_upload`), which records the piece
« en cours d'analyse ». The analysis (`analyse`) reads the upload, asks the scanner
(handler.platform.antivirus: GuardDuty's tags in AWS, ClamAV locally), checks and cleans the
file (handler.dossier.verification), keeps the clean copy under the dossier's prefix and
deletes the upload; an infected file goes to quarantine, never served.

Layout in the bucket:
    televersements/<numero>/<code>/<id>    a file as the browser sent it, until analysed; one
                                           never registered is removed by the lifecycle
    pieces/<numero>/etat.json              each piece's state (this module's record)
    pieces/<numero>/<code>-<id>.<ext>      a piece checked and cleaned: what is served
    quarantaine/<numero>/<code>-<id>       an infected upload, never served

The record, `{"pieces": {<code>: <entry>}, "revision": n}`; an entry:
    {"etat": "en_analyse" | "deposee" | "acceptee" | "refusee" | "non_conforme" | "infectee",
     "fichier": {"cle", "type", "taille", "pages", "depose_le", "tardif"} or null,
     "televersement": {"cle", "taille", "depuis", "tardif"} while analysed,
     "motif": why refused (by the check or the bureau), "signature": what the scanner found,
     "decision": {"par", "le"} once the bureau judged, "a_annoncer": a refusal not yet emailed}
A piece with no entry is « à déposer ». `fichier` stays the last clean file while a
replacement is analysed, and after a replacement is refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import shared_rules
from handler.dossier import verification
from handler.platform.antivirus import Scanner
from handler.platform.storage import DossierStore, Stored, WriteConflict
from shared_rules.pieces import pieces_for
from shared_rules.session import Session

log = logging.getLogger(__name__)

TELEVERSEMENTS, PIECES, QUARANTAINE = "televersements/", "pieces/", "quarantaine/"
#: The signed confirmation, uploaded like a piece (the notice: « à retourner […] signées »).
CONFIRMATION = "confirmation-signee"
CONFIRMATION_LIBELLE = "La confirmation d'inscription, datée et signée"
A_DEPOSER, EN_ANALYSE, DEPOSEE = "a_deposer", "en_analyse", "deposee"
ACCEPTEE, REFUSEE, NON_CONFORME, INFECTEE = "acceptee", "refusee", "non_conforme", "infectee"
#: What each state reads as, on « mon dossier » and the staff page.
LIBELLES_ETATS = {
    A_DEPOSER: "à déposer",
    EN_ANALYSE: "en cours d'analyse",
    DEPOSEE: "déposée",
    ACCEPTEE: "acceptée",
    REFUSEE: "refusée",
    NON_CONFORME: "refusée",
    INFECTEE: "refusée",
}
#: The states in which the candidate has something to (re)send.
A_ENVOYER = (A_DEPOSER, REFUSEE, NON_CONFORME, INFECTEE)
MAX_PIECE_BYTES = verification.MAX_PIECE_BYTES
#: Every clean file of one dossier together, uploads being analysed included: 5 pieces of
#: 10 Mo, more than the notice's longest list (confirmation + 5 pieces) needs at a phone
#: photo's usual 2 to 4 Mo. A technical bound, not a rule of the notice.
MAX_DOSSIER_BYTES = 50 * 1024 * 1024
#: How long a presigned POST, and a presigned GET of a piece, stay valid.
POST_SECONDS, GET_SECONDS = 10 * 60, 2 * 60
#: The upload's key, checked when the page registers it: the form's own, never another's.
_ID_BYTES = 12


class PieceError(Exception):
    """A request about a piece that can't be done; `code` and the French `message` say why."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Expected:
    code: str
    libelle: str


def expected(dossier: Mapping[str, Any], session: Session) -> list[Expected]:
    """What this dossier returns online: the signed confirmation, then the required pieces."""
    return [Expected(CONFIRMATION, CONFIRMATION_LIBELLE)] + [
        Expected(p["code"], p["libelle"]) for p in pieces_for(dossier, session)]


def prefixes(numero: str) -> tuple[str, ...]:
    """Every prefix that holds something of this dossier's pieces (what an erasure deletes,
    with every version)."""
    return (f"{PIECES}{numero}/", f"{TELEVERSEMENTS}{numero}/", f"{QUARANTAINE}{numero}/")


def record_key(numero: str) -> str:
    return f"{PIECES}{numero}/etat.json"


def read(store: DossierStore, numero: str) -> Stored | None:
    return store.read(record_key(numero))


def entries(record: Stored | Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    body = record.body if isinstance(record, Stored) else record
    return dict((body or {}).get("pieces", {}))


def etat(entry: Mapping[str, Any] | None) -> str:
    return str(entry["etat"]) if entry else A_DEPOSER


def _stamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).isoformat(timespec="seconds")


# -- the candidate's upload -----------------------------------------------------------------

def upload_form(store: DossierStore, numero: str, code: str, *, media_type: str,
                size: int) -> dict[str, Any]:
    """A presigned POST for one file of this piece: its own new key, its content type, at
    most `size` bytes (the size the page declared, itself at most MAX_PIECE_BYTES). Costs no
    call to S3: the form is signed here."""
    key = f"{TELEVERSEMENTS}{numero}/{code}/{secrets.token_urlsafe(_ID_BYTES)}"
    form = store.upload_form(key, media_type=media_type, max_bytes=size, seconds=POST_SECONDS)
    return {"url": form["url"], "champs": form["fields"], "cle": key,
            "taille_max": size, "expire_dans": POST_SECONDS}


def upload_key_of(key: str, numero: str, code: str) -> bool:
    """Whether `key` is an upload key this dossier's piece may register."""
    prefix = f"{TELEVERSEMENTS}{numero}/{code}/"
    rest = key[len(prefix):] if key.startswith(prefix) else ""
    return bool(rest) and "/" not in rest and len(rest) <= 32


def _total(pieces: Mapping[str, Mapping[str, Any]], *, but: str) -> int:
    total = 0
    for code, entry in pieces.items():
        for part in ("fichier", "televersement"):
            if entry.get(part) and not (code == but and part == "televersement"):
                total += int(entry[part].get("taille", 0))
    return total


Change = Callable[[dict[str, Any]], dict[str, Any]]


def _update(store: DossierStore, numero: str, change: Change, *, attempts: int = 5) -> Stored:
    """Apply `change(body) -> body` to the record with a conditional write, again on a
    concurrent write; the record as written."""
    for _ in range(attempts):
        current = read(store, numero)
        body: dict[str, Any] = {} if current is None else dict(current.body)
        body["pieces"] = {k: dict(v) for k, v in body.get("pieces", {}).items()}
        revision = int(body.get("revision", 0))
        new = change(body)
        new["revision"] = revision + 1
        try:
            etag = store.write(record_key(numero), new, if_none_match=current is None,
                               if_match=None if current is None else current.etag)
        except WriteConflict:
            continue
        return Stored(new, etag)
    raise WriteConflict(record_key(numero))


def register_upload(store: DossierStore, numero: str, code: str, key: str, *,
                    late: bool, now: dt.datetime) -> Stored:
    """Record that the page's upload of `code` arrived (`key`): the piece is « en cours
    d'analyse »; a previous upload still analysed is replaced (its file deleted)."""
    found = store.file_size(key)
    if found is None:
        raise PieceError(409, "fichier_absent", FICHIER_ABSENT)
    size = found
    if size > MAX_PIECE_BYTES:  # S3 refuses it at the POST (its policy); checked again here
        store.delete(key)
        raise PieceError(413, "fichier_trop_gros", TROP_GROS)
    replaced: list[str] = []

    def change(body: dict[str, Any]) -> dict[str, Any]:
        replaced.clear()
        pieces = body["pieces"]
        entry = dict(pieces.get(code) or {"fichier": None})
        if entry.get("etat") == ACCEPTEE:
            raise PieceError(409, "piece_acceptee", PIECE_DEJA_ACCEPTEE)
        if _total(pieces, but=code) + size > MAX_DOSSIER_BYTES + (
                int(entry["fichier"]["taille"]) if entry.get("fichier") else 0):
            raise PieceError(413, "total_depasse", TOTAL_DEPASSE)
        if entry.get("televersement"):
            replaced.append(entry["televersement"]["cle"])
        entry.update(etat=EN_ANALYSE, motif=None, signature=None,
                     televersement={"cle": key, "taille": size, "depuis": _stamp(now),
                                    "tardif": late})
        pieces[code] = entry
        return body

    try:
        stored = _update(store, numero, change)
    except PieceError:
        store.delete(key)
        raise
    for old in replaced:
        if old != key:
            store.delete(old)
    return stored


def remove(store: DossierStore, numero: str, code: str) -> Stored:
    """The candidate takes a piece back (before the deadline): its files are deleted, it is
    « à déposer » again. An accepted piece stays."""
    gone: list[str] = []

    def change(body: dict[str, Any]) -> dict[str, Any]:
        gone.clear()
        entry = body["pieces"].get(code)
        if entry is None:
            return body
        if entry.get("etat") == ACCEPTEE:
            raise PieceError(409, "piece_acceptee", PIECE_DEJA_ACCEPTEE)
        gone.extend(p["cle"] for p in (entry.get("fichier"), entry.get("televersement")) if p)
        del body["pieces"][code]
        return body

    stored = _update(store, numero, change)
    for key in gone:
        store.delete(key)
    return stored


# -- the analysis ---------------------------------------------------------------------------

def analyse(store: DossierStore, scanner: Scanner, numero: str, code: str, *,
            now: dt.datetime) -> str:
    """Scan, check and keep (or refuse) the upload of `code` being analysed; the piece's
    state after. Safe to run twice, and for a piece with nothing to analyse (a no-op)."""
    current = entries(read(store, numero)).get(code)
    if not current or current.get("etat") != EN_ANALYSE or not current.get("televersement"):
        return etat(current)
    upload = current["televersement"]
    content = store.file_bytes(upload["cle"])
    if content is None:
        return _conclude(store, numero, code, upload["cle"], etat=NON_CONFORME,
                         motif=FICHIER_ABSENT, now=now)
    verdict = scanner.scan(content, bucket=store.bucket, key=upload["cle"])
    if verdict.etat in ("en_attente", "echec"):
        # GuardDuty hasn't tagged it yet, or the scanner failed: analysed again later (the
        # verdict's event, or the scheduled sweep). Nobody opens it meanwhile.
        if verdict.etat == "echec":
            log.warning("scan failed for an upload; analysed again by the next sweep")
        return EN_ANALYSE
    if verdict.etat == "infecte":
        quarantined = f"{QUARANTAINE}{numero}/{code}-{upload['cle'].rsplit('/', 1)[-1]}"
        store.copy(upload["cle"], quarantined)
        # Counts and codes only in the logs: the bureau's alert is the piece's state.
        log.warning("infected upload quarantined (%s)", verdict.signature)
        return _conclude(store, numero, code, upload["cle"], etat=INFECTEE, motif=INFECTE,
                         signature=verdict.signature, quarantaine=quarantined, now=now)
    try:
        checked = verification.check(content)
    except verification.Refused as refused:
        return _conclude(store, numero, code, upload["cle"], etat=NON_CONFORME,
                         motif=refused.message, now=now)
    kept = f"{PIECES}{numero}/{code}-{upload['cle'].rsplit('/', 1)[-1]}.{checked.extension}"
    store.write_file(kept, checked.content, media_type=checked.media_type)
    fichier = {"cle": kept, "type": checked.media_type, "taille": len(checked.content),
               "pages": checked.pages, "depose_le": _stamp(now),
               "tardif": bool(upload.get("tardif"))}
    return _conclude(store, numero, code, upload["cle"], etat=DEPOSEE, fichier=fichier, now=now)


def _conclude(store: DossierStore, numero: str, code: str, upload_key: str, *, etat: str,
              now: dt.datetime, motif: str | None = None, fichier: dict[str, Any] | None = None,
              signature: str | None = None, quarantaine: str | None = None) -> str:
    stale: list[str] = []
    outcome = [etat]

    def change(body: dict[str, Any]) -> dict[str, Any]:
        stale.clear()
        entry = body["pieces"].get(code)
        if not entry or (entry.get("televersement") or {}).get("cle") != upload_key:
            outcome[0] = entry["etat"] if entry else A_DEPOSER  # replaced or removed meanwhile
            if fichier:
                stale.append(fichier["cle"])
            return body
        entry = dict(entry, etat=etat, motif=motif, signature=signature, televersement=None,
                     analyse_le=_stamp(now), decision=None)
        if quarantaine:
            entry["quarantaine"] = quarantaine
        if fichier:
            if entry.get("fichier"):
                stale.append(entry["fichier"]["cle"])
            entry["fichier"] = fichier
        body["pieces"][code] = entry
        return body

    _update(store, numero, change)
    store.delete(upload_key)
    for key in stale:
        store.delete(key)
    return outcome[0]


class Analyses:
    """Starts the analysis of a registered upload: in a background thread of this process
    where the scanner answers at once (ClamAV: the local run, the tests), or not at all where
    the scanner's verdict itself starts it (GuardDuty's event in AWS, see
    handler.lambda_function.piece_scanned); the scheduled sweep catches whatever is left."""

    def __init__(self, store: DossierStore, scanner: Scanner, *,
                 now: Callable[[], dt.datetime], in_thread: bool,
                 concluded: Callable[[str], None] = lambda numero: None) -> None:
        """`concluded(numero)`: called once an analysis settled a piece of that dossier (the
        staff's index, which this layer doesn't know, reflects it)."""
        self.store, self.scanner, self.now, self.in_thread = store, scanner, now, in_thread
        self.concluded = concluded
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self, numero: str, code: str) -> None:
        if not self.in_thread:
            return
        thread = threading.Thread(target=self._run, args=(numero, code), daemon=True,
                                  name="analyse-piece")
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _run(self, numero: str, code: str) -> None:
        try:
            self.run_now(numero, code)
        except Exception:  # left « en cours d'analyse »: the scheduled sweep tries again
            log.exception("analysis of an uploaded piece failed")

    def run_now(self, numero: str, code: str) -> str:
        """Analyse at once, in this thread (the verdict's event, the sweep)."""
        state = analyse(self.store, self.scanner, numero, code, now=self.now())
        if state != EN_ANALYSE:
            self.concluded(numero)
        return state

    def sweep(self) -> dict[str, int]:
        """Analyse every upload still waiting; counts by resulting state."""
        counts: dict[str, int] = {}
        for numero, code in dict.fromkeys(pending_uploads(self.store)):
            state = self.run_now(numero, code)
            counts[state] = counts.get(state, 0) + 1
        return counts

    def join(self, timeout: float = 30) -> None:
        """Wait for the analyses started here (the tests)."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)


def pending_uploads(store: DossierStore) -> Iterator[tuple[str, str]]:
    """(numero, code) of every upload in the bucket: the scheduled sweep analyses those whose
    piece is still « en cours d'analyse » (GuardDuty's verdict came late, a scan failed)."""
    for key in store.keys(TELEVERSEMENTS):
        parts = key[len(TELEVERSEMENTS):].split("/")
        if len(parts) == 3:
            yield parts[0], parts[1]


def upload_for_key(key: str) -> tuple[str, str] | None:
    """(numero, code) of an upload's key, None for any other key (a scan event's object)."""
    if not key.startswith(TELEVERSEMENTS):
        return None
    parts = key[len(TELEVERSEMENTS):].split("/")
    return (parts[0], parts[1]) if len(parts) == 3 and all(parts) else None


# -- what is shown ------------------------------------------------------------------------

def file_link(store: DossierStore, fichier: Mapping[str, Any], *, filename: str) -> str:
    """A short presigned GET of a clean piece, shown inline by the browser."""
    return store.file_link(fichier["cle"], media_type=fichier["type"],
                           disposition=f'inline; filename="{filename}"', seconds=GET_SECONDS)


def candidate_view(record: Stored | None, dossier: Mapping[str, Any], session: Session,
                   ) -> list[dict[str, Any]]:
    """Each piece this dossier returns online, with what the candidate sees of it."""
    found = entries(record)
    shown = []
    for piece in expected(dossier, session):
        entry = found.get(piece.code)
        state = etat(entry)
        fichier = (entry or {}).get("fichier")
        shown.append({
            "code": piece.code, "libelle": piece.libelle, "etat": state,
            "etat_libelle": LIBELLES_ETATS[state],
            "motif": (entry or {}).get("motif"),
            "fichier": None if not fichier else {
                "type": fichier["type"], "taille": fichier["taille"],
                "pages": fichier["pages"], "depose_le": fichier["depose_le"],
                "tardif": fichier["tardif"]},
            "a_envoyer": state in A_ENVOYER,
        })
    return shown


def late(now: dt.datetime, session: Session) -> bool:
    """An upload after the return deadline: flagged, like a late modification."""
    return bool(shared_rules.is_late_for_return(now, session))


# -- messages ------------------------------------------------------------------------------

FICHIER_ABSENT = ("Le fichier n'est pas arrivé. Choisissez-le de nouveau et relancez l'envoi.")
PIECE_DEJA_ACCEPTEE = ("Cette pièce a déjà été acceptée par le bureau : elle ne peut plus être "
                       "remplacée ni retirée.")
TOTAL_DEPASSE = ("Les pièces de votre dossier dépassent ensemble 50 Mo. Réduisez la taille des "
                 "fichiers (une photo ou un scan en qualité moyenne suffit) puis envoyez de "
                 "nouveau.")
TROP_GROS = ("Le fichier dépasse 10\u00a0Mo, la limite par pièce. Réduisez-le (une photo ou un "
             "scan en qualité moyenne suffit) puis envoyez-le de nouveau.")
INFECTE = ("Le fichier envoyé contient un virus : il a été isolé et ne sera pas ouvert. "
           "Envoyez un autre fichier, depuis un appareil sain.")


# -- the bureau's decisions -----------------------------------------------------------------

#: The pieces the bureau may judge: a clean file is there (or was judged already).
DECIDABLE = (DEPOSEE, ACCEPTEE, REFUSEE)
#: The reasons the staff page offers for a refusal; free text is allowed too.
MOTIFS_REFUS = (
    "illisible",
    "incomplet (recto seulement)",
    "document expiré",
    "ce n'est pas la pièce demandée",
    "confirmation non signée",
)
MOTIF_MAX = 500


def decide(store: DossierStore, numero: str, code: str, *, decision: str,
           motif: str | None, revision: int, par: str, now: dt.datetime) -> Stored:
    """The bureau accepts or refuses a piece (`decision`: ACCEPTEE or REFUSEE, with a `motif`
    for a refusal). 409 `pieces_modifiees` when the record isn't at `revision` any more (the
    candidate replaced a piece, another agent judged one), 409 `piece_non_decidable` when the
    piece has no clean file to judge. A refusal is recorded « à annoncer »: the candidate's
    email, one for the refusals made together, goes once they are a few minutes old
    (handler.staff.courriel_pieces)."""
    if decision not in (ACCEPTEE, REFUSEE):
        raise ValueError(decision)

    def change(body: dict[str, Any]) -> dict[str, Any]:
        if int(body.get("revision", 0)) != revision:
            raise PieceError(409, "pieces_modifiees", PIECES_MODIFIEES)
        entry = body["pieces"].get(code)
        if etat(entry) not in DECIDABLE or not (entry or {}).get("fichier"):
            raise PieceError(409, "piece_non_decidable", PIECE_NON_DECIDABLE)
        assert entry is not None
        refused = decision == REFUSEE
        body["pieces"][code] = dict(entry, etat=decision, motif=motif if refused else None,
                                    decision={"par": par, "le": _stamp(now)},
                                    a_annoncer=refused)
        return body

    return _update(store, numero, change)


def to_announce(record: Stored | Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The refusals not emailed yet, by code: a refusal judged again (accepted) or replaced
    by a new upload is no longer owed."""
    return {code: entry for code, entry in entries(record).items()
            if entry.get("a_annoncer") and entry.get("etat") == REFUSEE}


def mark_announced(store: DossierStore, numero: str,
                   sent: Mapping[str, Mapping[str, Any]]) -> None:
    """Record that the refusals `sent` (code: entry as emailed) were emailed. Written with
    IfMatch and the record's `revision` left alone: it is the staff's conflict token, and an
    email sent in the background must not make an agent's next decision conflict."""
    for _ in range(5):
        current = read(store, numero)
        if current is None:
            return
        body = dict(current.body)
        pieces = {k: dict(v) for k, v in body.get("pieces", {}).items()}
        for code, entry in sent.items():
            found = pieces.get(code)
            if found and found.get("decision") == entry.get("decision"):
                found["a_annoncer"] = False
        body["pieces"] = pieces
        try:
            store.write(record_key(numero), body, if_match=current.etag)
        except WriteConflict:
            continue
        return
    raise WriteConflict(record_key(numero))


PIECES_MODIFIEES = ("Les pièces de ce dossier ont changé depuis que vous l'avez ouvert (une pièce "
                    "déposée de nouveau, ou jugée par un autre agent). Rechargez la page, puis "
                    "jugez la pièce de nouveau.")
PIECE_NON_DECIDABLE = ("Cette pièce ne peut pas être jugée : aucun fichier vérifié n'a été "
                       "déposé (pièce à déposer, en cours d'analyse ou refusée à la "
                       "vérification).")
