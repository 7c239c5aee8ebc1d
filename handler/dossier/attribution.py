"""A dossier assigned to an agent of the bureau (issue 27): who handles it, or nobody.

Kept in its own small object, `attributions/<numero>.json`, beside the follow-up and apart from
it: an assignment never changes the follow-up's `revision` (the staff's conflict token for a
status change), so an agent taking a dossier while a colleague records its status blocks
neither. The record keeps its own `revision`: a change names the one it saw and is refused
(409) if another agent changed the assignment meanwhile, so that nobody takes over a colleague's
dossier without seeing it; written with IfNoneMatch / IfMatch, so nothing is overwritten.

Staff only: no candidate route, page or email reads this object; the summary index carries the
agent so the list can filter on it. An erasure deletes the record with all its versions
(erasure.PER_NUMERO). Each change keeps its author and time (`historique`, the last
HISTORIQUE_MAX), and the staff's action log records it (auth.log_action).
"""

from __future__ import annotations

from typing import Any

from handler.dossier import messages as msg
from handler.platform.errors import ApiError
from handler.platform.storage import DossierStore, Stored, WriteConflict

ATTRIBUTIONS = "attributions/"
#: How many changes a record remembers (a bound on its size).
HISTORIQUE_MAX = 50


def key(numero: str) -> str:
    return f"{ATTRIBUTIONS}{numero}.json"


def initial() -> dict[str, Any]:
    """The assignment of a dossier nobody has taken yet."""
    return {"agent": None, "revision": 0, "historique": []}


def read(store: DossierStore, numero: str) -> Stored | None:
    """A dossier's assignment record, or None while nobody has assigned it."""
    return store.read(key(numero))


def current(store: DossierStore, numero: str) -> dict[str, Any]:
    """A dossier's assignment, the initial one when none is stored."""
    stored = read(store, numero)
    return stored.body if stored else initial()


def assign(store: DossierStore, numero: str, *, agent: str | None, revision_vue: int,
           auteur: str, now: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Give the dossier to `agent` (None: to nobody); the new record and the dossier it was
    checked against. 404 without the dossier; 409 when the assignment changed since
    `revision_vue`."""
    stored = store.dossier(numero)
    if stored is None:
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    existing = read(store, numero)
    old = existing.body if existing else initial()
    if old["revision"] != revision_vue:
        raise _concurrent(old)
    entry = {"agent": agent, "par": auteur, "le": now}
    new = {"numero": numero, "agent": agent, "revision": old["revision"] + 1,
           "historique": [*old["historique"], entry][-HISTORIQUE_MAX:]}
    try:
        store.write(key(numero), new, if_none_match=existing is None,
                    if_match=existing.etag if existing else None)
    except WriteConflict:
        raise _concurrent(current(store, numero)) from None
    if store.dossier(numero) is None:
        # An erasure began meanwhile and its sweep may have passed: remove what was written.
        store.erase(key(numero))
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    return new, stored.body


def _concurrent(now: dict[str, Any]) -> ApiError:
    return ApiError(409, "attribution_concurrente", msg.ATTRIBUTION_CONCURRENTE.format(
        actuel=now["agent"] or msg.PERSONNE))


def staff_view(record: dict[str, Any]) -> dict[str, Any]:
    """The assignment as the staff page reads it: the agent, the revision to send back, the
    history, latest first."""
    return {"agent": record["agent"], "revision": record["revision"],
            "historique": list(reversed(record["historique"]))}
