"""The follow-up of a dossier by the bureau: « Votre inscription deviendra alors définitive ».

A dossier is `pre-inscrit` when submitted; the bureau records the signed confirmation
(`confirmation-recue`), then makes the registration `definitive`, or marks the dossier
`incomplete` with the missing pieces ticked and a note; it may end the workflow without erasing
the dossier, `refuse` or `sans-suite`, with a reason the candidate reads (issue 27). Each of
these changes emails the candidate once (handler.staff.courriel_suivi). Each change is
stored with its author and time in `suivi/<numero>.json`, beside the dossier, written with
IfNoneMatch/IfMatch so that nothing is overwritten: the candidate's dossier and its version
number stay the candidate's own.

The record keeps the dossier version whose signed confirmation was received
(`version_confirmee`). A candidate who modifies their dossier afterwards makes it newer than the
confirmation: the dossier is then flagged for the staff (`a_revoir`), the candidate is told to
send a new signed confirmation, and it can't be made `definitive` before a new confirmation is
recorded. The flag is derived from the two versions, so no interleaving of a candidate's
modification and a staff change can lose it. Such a dossier, received or made `definitive`, is
read `a-revoir` (« Modifié après réception de la confirmation »): its status, the list's filter
and the exports no longer count it as received or definitive (issue 26, item 6).

A signed confirmation is recorded for the version printed on it (`version_papier`, read from
its barcode « 7K3M-Q9PA-R-V3 » or its text): a paper older than the dossier is refused with what
to ask the candidate, never recorded as the current version (issue 26, item 5).

An announced change also carries the state of the email it owes the candidate (`courriel`,
written and retried by courriel_suivi).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple

import shared_rules
from handler.dossier import mail_content, recapitulatif
from handler.dossier import messages as msg
from handler.platform import messages as candidate_msg
from handler.platform.errors import ApiError
from handler.platform.storage import DossierStore, Stored, WriteConflict
from shared_rules.session import Session

SUIVI = "suivi/"
PRE_INSCRIT, CONFIRMATION_RECUE = "pre-inscrit", "confirmation-recue"
DEFINITIVE, INCOMPLETE = "definitive", "incomplete"
#: The two ends of the workflow other than `definitive` (issue 27): the dossier is kept, with
#: the reason the candidate reads (`note`); only « back to pre-inscrit » reopens it.
REFUSE, SANS_SUITE = "refuse", "sans-suite"

#: Each status and how the staff and the candidate read it.
STATUTS = {
    PRE_INSCRIT: "Pré-inscrit (confirmation signée attendue)",
    CONFIRMATION_RECUE: "Confirmation signée reçue",
    DEFINITIVE: "Inscription définitive",
    INCOMPLETE: "Dossier incomplet",
    REFUSE: "Dossier refusé",
    SANS_SUITE: "Classé sans suite",
}
#: A status derived, never stored: received or definitive, then modified by the candidate.
A_REVOIR = "a-revoir"
#: Each status as the bureau reads it, the derived one included.
ETATS = {**STATUTS, A_REVOIR: "Modifié après réception de la confirmation "
                              "(nouvelle confirmation attendue)"}
#: The statuses in the order a dossier usually goes through them (the list's sort by status).
WORKFLOW = (PRE_INSCRIT, A_REVOIR, CONFIRMATION_RECUE, INCOMPLETE, DEFINITIVE, REFUSE,
            SANS_SUITE)
#: A missing piece the dossier's list doesn't name: the note says which.
AUTRE = "autre"
AUTRE_LIBELLE = "Autre pièce (précisée dans la note)"
#: The changes the bureau may make, from each status.
_ENDS = (REFUSE, SANS_SUITE)
TRANSITIONS = {
    PRE_INSCRIT: (CONFIRMATION_RECUE, INCOMPLETE, *_ENDS),
    CONFIRMATION_RECUE: (DEFINITIVE, INCOMPLETE, PRE_INSCRIT, *_ENDS),
    INCOMPLETE: (CONFIRMATION_RECUE, INCOMPLETE, PRE_INSCRIT, *_ENDS),
    DEFINITIVE: (CONFIRMATION_RECUE, PRE_INSCRIT, *_ENDS),
    # The new signed confirmation, recorded again; never `definitive` before it.
    A_REVOIR: (CONFIRMATION_RECUE, INCOMPLETE, PRE_INSCRIT, *_ENDS),
    # An end is reopened only by going back to the start (a mistake put right).
    REFUSE: (PRE_INSCRIT,),
    SANS_SUITE: (PRE_INSCRIT,),
}
#: The changes that carry the bureau's note to the candidate: the missing pieces' precisions,
#: or the reason for an end (required).
WITH_NOTE = (INCOMPLETE, *_ENDS)
#: The changes that email the candidate (issue 27), each once per change.
ANNOUNCED = tuple(mail_content.STATUTS_ANNONCES)
#: Statuses in which the signed confirmation of some version is in the bureau's hands.
_CONFIRMED = (CONFIRMATION_RECUE, DEFINITIVE, INCOMPLETE)
NOTE_MAX = 1000


def key(numero: str) -> str:
    return f"{SUIVI}{numero}.json"


def initial() -> dict[str, Any]:
    """The follow-up of a dossier nobody has handled yet."""
    return {"statut": PRE_INSCRIT, "revision": 0, "version_confirmee": None,
            "pieces_manquantes": [], "note": None, "historique": []}


def read(store: DossierStore, numero: str) -> Stored | None:
    """A dossier's follow-up record, or None while nobody has handled it."""
    return store.read(key(numero))


def current(store: DossierStore, numero: str) -> dict[str, Any]:
    """A dossier's follow-up, the initial one when none is stored."""
    stored = read(store, numero)
    return stored.body if stored else initial()


def a_revoir(suivi: Mapping[str, Any], version: int) -> bool:
    """True when the dossier changed after its signed confirmation was received."""
    confirmed = suivi.get("version_confirmee")
    return suivi["statut"] in _CONFIRMED and confirmed is not None and version > confirmed


def etat(suivi: Mapping[str, Any], version: int) -> str:
    """The status as the bureau reads it: `a-revoir` for a dossier received or made definitive
    and modified since; an incomplete one stays incomplete (flagged by `a_revoir`)."""
    if suivi["statut"] != INCOMPLETE and a_revoir(suivi, version):
        return A_REVOIR
    return str(suivi["statut"])


class Changed(NamedTuple):
    """A status change just recorded: the new follow-up, the dossier it was checked against,
    and the follow-up's ETag (to record its email without overwriting a newer change)."""

    suivi: dict[str, Any]
    dossier: dict[str, Any]
    etag: str


def change(store: DossierStore, numero: str, *, statut: str, auteur: str, version_vue: int,
           revision_vue: int, pieces_manquantes: list[str], note: str | None, now: str,
           version_papier: int | None = None,
           courriel: Mapping[str, Any] | None = None, guichet: bool = False) -> Changed:
    """Record a status change.

    409 when the dossier or its follow-up changed since the staff member read them, when the
    transition isn't allowed, when `definitive` would cover an unconfirmed version, or when the
    signed confirmation received (`version_papier`, required with `confirmation-recue`) is an
    older version's than the dossier's.
    `courriel`: the state of the email this change owes the candidate (ANNOUNCED), written
    with the change, for its revision (see courriel_suivi). A change drops the previous
    revision's email state: a newer change supersedes it.
    `guichet`: recorded by the reception desk's scan (handler.staff.guichet): the entry keeps
    the state it replaced, so that the desk can undo the scan (`undo_scan`).
    """
    stored = store.dossier(numero)
    if stored is None:
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    version = stored.body["version"]
    if version != version_vue:
        raise ApiError(409, "dossier_modifie",
                       msg.DOSSIER_MODIFIE.format(actuelle=version, vue=version_vue))
    check_pieces(stored.body["dossier"], pieces_manquantes)
    existing = read(store, numero)
    old = existing.body if existing else initial()
    if old["revision"] != revision_vue:
        raise ApiError(409, "suivi_concurrent", msg.SUIVI_CONCURRENT)
    depuis = etat(old, version)
    allowed = TRANSITIONS[depuis]
    if statut not in allowed:
        raise ApiError(409, "transition_refusee", msg.TRANSITION_REFUSEE.format(
            depuis=ETATS[depuis], vers=STATUTS[statut],
            possibles=", ".join(f"« {STATUTS[s]} »" for s in allowed)))
    if statut == CONFIRMATION_RECUE:
        check_paper(version_papier, version)
    if statut == DEFINITIVE and old["version_confirmee"] != version:
        raise ApiError(409, "confirmation_perimee", msg.CONFIRMATION_PERIMEE.format(
            confirmee=old["version_confirmee"], actuelle=version))
    if statut == CONFIRMATION_RECUE:
        confirmed = version
    elif statut == PRE_INSCRIT:
        confirmed = None
    else:
        confirmed = old["version_confirmee"]
    if statut != INCOMPLETE:
        pieces_manquantes = []
    if statut not in WITH_NOTE:
        note = None
    entry = {"statut": statut, "auteur": auteur, "le": now, "version_dossier": version,
             "pieces_manquantes": pieces_manquantes, "note": note}
    if statut == CONFIRMATION_RECUE:
        entry["version_papier"] = version_papier
    if guichet:
        entry["guichet"] = True
        entry["precedent"] = {k: old[k] for k in _RESTORED}
    new = {"numero": numero, "statut": statut, "revision": old["revision"] + 1,
           "version_confirmee": confirmed, "pieces_manquantes": pieces_manquantes,
           "note": note, "historique": [*old["historique"], entry]}
    if courriel is not None and statut in ANNOUNCED:
        new["courriel"] = {**courriel, "revision": new["revision"]}
    try:
        etag = store.write(key(numero), new, if_none_match=existing is None,
                           if_match=existing.etag if existing else None)
    except WriteConflict:
        raise ApiError(409, "suivi_concurrent", msg.SUIVI_CONCURRENT) from None
    if store.dossier(numero) is None:
        # An erasure began after the dossier was read, and its sweep may have passed already:
        # this change removes what it wrote.
        store.erase(key(numero))
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    return Changed(new, stored.body, etag)


#: What undoing a desk's scan puts back: the follow-up's state before it.
_RESTORED = ("statut", "version_confirmee", "pieces_manquantes", "note")


def undo_scan(store: DossierStore, numero: str, *, revision_vue: int, auteur: str,
              now: str) -> Changed:
    """Undo the reception desk's scan that made revision `revision_vue` (« annuler » on the
    desk's last scans): the follow-up gets back the state the scan replaced, as a new
    revision whose history says so. It owes no email: the candidate was told nothing of the
    scan yet, or (its email gone) is told nothing more; the scan's own email, deferred,
    is no longer owed once a newer revision replaces it (courriel_suivi.owed).

    409 when anything changed the follow-up since that scan (undo it from the dossier's
    page then), or when that revision isn't a desk's scan."""
    stored = store.dossier(numero)
    existing = read(store, numero)
    if stored is None or existing is None:
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    old = existing.body
    scan = old["historique"][-1] if old["historique"] else {}
    if old["revision"] != revision_vue or not scan.get("guichet"):
        raise ApiError(409, "annulation_impossible", msg.ANNULATION_IMPOSSIBLE)
    before = scan["precedent"]
    entry = {"statut": before["statut"], "auteur": auteur, "le": now,
             "version_dossier": stored.body["version"],
             "pieces_manquantes": before["pieces_manquantes"], "note": before["note"],
             "annule": revision_vue}
    new = {"numero": numero, **before, "revision": old["revision"] + 1,
           "historique": [*old["historique"], entry]}
    try:
        etag = store.write(key(numero), new, if_match=existing.etag)
    except WriteConflict:
        raise ApiError(409, "annulation_impossible", msg.ANNULATION_IMPOSSIBLE) from None
    if store.dossier(numero) is None:  # erased meanwhile: as `change` does
        store.erase(key(numero))
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    return Changed(new, stored.body, etag)


def check_paper(version_papier: int | None, version: int) -> None:
    """The paper received must be the current version's: 422 without its version or with one
    the dossier never had, 409 with an older one (the candidate sends the new one)."""
    if version_papier is None:
        raise ApiError(422, "statut_invalide", msg.STATUT_INVALIDE, errors={
            "version_papier": [msg.VERSION_PAPIER_REQUISE]})
    if version_papier > version:
        raise ApiError(422, "statut_invalide", msg.STATUT_INVALIDE, errors={
            "version_papier": [msg.VERSION_PAPIER_INCONNUE.format(
                papier=version_papier, actuelle=version)]})
    if version_papier < version:
        raise ApiError(409, "confirmation_ancienne", msg.CONFIRMATION_ANCIENNE.format(
            papier=version_papier, actuelle=version))


def check_pieces(dossier: Mapping[str, Any], pieces_manquantes: list[str]) -> None:
    """422 unless each piece is one this dossier must enclose (as the candidate was told:
    shared_rules.required_pieces) or « autre »."""
    applicable = {p["code"] for p in shared_rules.required_pieces(dossier)} | {AUTRE}
    refused = [c for c in pieces_manquantes if c not in applicable]
    if refused:
        raise ApiError(422, "statut_invalide", msg.STATUT_INVALIDE, errors={
            "pieces_manquantes": [msg.PIECE_NON_DEMANDEE.format(pieces=", ".join(refused[:5]))]})


def timestamp(now: dt.datetime) -> str:
    """An instant of the calendar clock (the demonstration's in a local run, where the dossiers'
    dates are the demonstration's too), in UTC, for the follow-up's history."""
    return now.astimezone(dt.UTC).isoformat(timespec="seconds")


def piece_labels(session: Session) -> dict[str, str]:
    """Each missing piece's label by its code, « autre » included."""
    return {**{p.code: p.libelle for p in session.pieces}, AUTRE: AUTRE_LIBELLE}


def _a_faire(current: Mapping[str, Any], renew: bool, session: Session) -> list[str]:
    """What the candidate does next: a modified dossier first needs its new signed
    confirmation, which replaces « nothing more to send »."""
    statut = current["statut"]
    renewal = [candidate_msg.NOUVELLE_CONFIRMATION.format(destinataire=session.destinataire)]
    if renew and statut in (CONFIRMATION_RECUE, DEFINITIVE):
        return renewal
    return [*(renewal if renew else []),
            mail_content.suivi_a_faire(statut, session, depuis=incomplete_since(current))]


def incomplete_since(follow_up: Mapping[str, Any]) -> str | None:
    """When the bureau last found the dossier incomplete (its history entry's time), or None."""
    for entry in reversed(follow_up.get("historique", [])):
        if entry["statut"] == INCOMPLETE:
            return str(entry["le"])
    return None


def candidate_view(follow_up: Mapping[str, Any] | None, record: Mapping[str, Any],
                   session: Session) -> dict[str, Any]:
    """What the candidate sees of the follow-up in « mon dossier » and in the PUT answer."""
    current = follow_up or initial()
    labels = piece_labels(session)
    renew = a_revoir(current, record["version"])
    statut = current["statut"]
    shown = etat(current, record["version"])
    missing = [{"code": c, "libelle": labels.get(c, c)} for c in current["pieces_manquantes"]]
    return {
        "statut": shown,
        "libelle": ETATS[shown],
        "etat": mail_content.suivi_etat(shown, [p["libelle"] for p in missing]),
        "a_faire": _a_faire(current, renew, session),
        # Where to send: the missing pieces, or the new signed confirmation.
        "adresse": (list(recapitulatif.retour(record, session).adresse)
                    if statut == INCOMPLETE or renew else []),
        "pieces_manquantes": missing,
        "note": current["note"],
        "nouvelle_confirmation_requise": renew,
        "message": (candidate_msg.NOUVELLE_CONFIRMATION.format(
            destinataire=session.destinataire) if renew else None),
    }
