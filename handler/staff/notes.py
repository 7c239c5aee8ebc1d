"""The bureau's private notes on a dossier (issue 27): what an agent wants the next one to know
(« appelé le 3/11, envoie l'attestation lundi »), kept in `notes-internes/<numero>.json`, beside
the dossier and apart from everything the candidate reads: no candidate route, page or email
ever opens that object. Each note keeps its author and time; the staff's action log records
each addition (auth.log_action). An erasure deletes the record with all its versions
(erasure.PER_NUMERO).

Written with IfNoneMatch / IfMatch and read again on a conflict, so that two agents adding a
note at once both keep theirs.
"""

from __future__ import annotations

from typing import Any

from handler.platform.errors import ApiError
from handler.platform.storage import DossierStore, WriteConflict
from handler.staff import messages as msg

NOTES = "notes-internes/"
#: A note's length, and how many a dossier keeps (a bound on the record's size).
TEXTE_MAX = 2000
NOTES_MAX = 200
_ATTEMPTS = 5


def key(numero: str) -> str:
    return f"{NOTES}{numero}.json"


def read(store: DossierStore, numero: str) -> list[dict[str, Any]]:
    """The dossier's notes, oldest first (none yet: an empty list)."""
    stored = store.read(key(numero))
    return list(stored.body["notes"]) if stored else []


def add(store: DossierStore, numero: str, *, texte: str, auteur: str,
        now: str) -> list[dict[str, Any]]:
    """Add a note; every note, oldest first. 404 without the dossier, 409 when it holds
    NOTES_MAX notes already or stays contended."""
    if store.dossier(numero) is None:
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    for _ in range(_ATTEMPTS):
        existing = store.read(key(numero))
        notes = list(existing.body["notes"]) if existing else []
        if len(notes) >= NOTES_MAX:
            raise ApiError(409, "notes_pleines", msg.NOTES_PLEINES.format(maximum=NOTES_MAX))
        notes.append({"texte": texte, "auteur": auteur, "le": now})
        try:
            store.write(key(numero), {"numero": numero, "notes": notes},
                        if_none_match=existing is None,
                        if_match=existing.etag if existing else None)
        except WriteConflict:
            continue  # another agent's note landed first: read it, add this one after
        if store.dossier(numero) is None:
            # An erasure began meanwhile and its sweep may have passed: remove what was written.
            store.erase(key(numero))
            raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
        return notes
    raise ApiError(409, "notes_concurrentes", msg.NOTES_CONCURRENTES)
