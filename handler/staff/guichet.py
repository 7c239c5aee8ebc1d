"""The reception desk (issue 27): the pile of signed confirmations, one scan each.

An agent scans a confirmation's barcode (a hand scanner types « 7K3M-Q9PA-R-V3 », then Enter)
or types it; the desk records « confirmation reçue » for the version printed on that paper
(suivi.change, as the dossier's page does) and answers who the paper is from and what to check
in the envelope, so that the next paper can follow at once. A paper that can't be recorded (an
unknown number, an older version than the dossier's, a dossier already received, made
definitive or ended) is refused with what to do, and with whose it is when the number is known.

A scan costs two S3 writes: the follow-up (with its email marked `differe`) and its index part.
The email to the candidate is left to the scheduled retry (courriel_suivi.UNDO_WINDOW): the desk
offers « annuler » on its last scans (`undo`), and a scan undone at once never told the
candidate their paper had arrived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import shared_rules
from handler.dossier import index, suivi
from handler.dossier.numero import display, paper_reference
from handler.platform.errors import ApiError
from handler.platform.storage import DossierStore
from handler.staff import courriel_suivi
from handler.staff import messages as msg
from shared_rules.dates_fr import date_heure_longue
from shared_rules.session import Session

ENREGISTREE = "enregistree"


def personne(record: Mapping[str, Any], session: Session) -> dict[str, Any]:
    """Whose paper it is, as the desk shows it: names, birth date, speciality, and the pieces
    the envelope should hold (those the candidate was asked for)."""
    dossier = record["dossier"]
    ec = dossier["etat_civil"]
    labels = {s.code: s.libelle for s in session.specialites}
    return {
        "numero": display(record["numero"]),
        "version": record["version"],
        "nom_naissance": ec["nom_naissance"],
        "nom_usage": ec.get("nom_usage") or None,
        "prenoms": list(ec["prenoms"]),
        "date_naissance": ec["date_naissance"],
        "specialite": dossier.get("specialite_autre") or labels.get(
            dossier["specialite"], dossier["specialite"]),
        "pieces": [p["libelle"] for p in shared_rules.required_pieces(dossier)],
    }


def _received(follow_up: Mapping[str, Any], session: Session) -> str:
    """When and by whom the current confirmation was recorded, in words."""
    for entry in reversed(follow_up["historique"]):
        if entry["statut"] == suivi.CONFIRMATION_RECUE:
            moment = dt.datetime.fromisoformat(entry["le"]).astimezone(session.zone)
            return msg.RECUE_LE.format(le=date_heure_longue(moment), auteur=entry["auteur"])
    return ""


def scan(store: DossierStore, reference: str, *, session: Session, auteur: str, now: str,
         email: bool) -> dict[str, Any]:
    """Record the reception of the paper `reference` (a barcode's text or a typed one).

    422 when it isn't a confirmation's reference, 404 when no dossier has that number, 409
    (with `personne`) when the paper can't be recorded: already received, definitive, ended,
    or an older version than the dossier's. `email`: the candidate is emailed (deferred)."""
    paper = paper_reference(reference)
    if paper is None:
        raise ApiError(422, "reference_illisible", msg.REFERENCE_ILLISIBLE,
                       errors={"reference": [msg.REFERENCE_ILLISIBLE]})
    if paper.version is None:
        raise ApiError(422, "version_papier_requise", msg.REFERENCE_SANS_VERSION,
                       errors={"reference": [msg.REFERENCE_SANS_VERSION]})
    stored = store.dossier(paper.numero)
    if stored is None:
        raise ApiError(404, "dossier_introuvable", msg.PAPIER_INCONNU)
    record = stored.body
    qui = personne(record, session)
    try:
        # The paper's version first: an older paper is said as such whatever the status.
        suivi.check_paper(paper.version, record["version"])
    except ApiError as refused:
        raise ApiError(refused.status, refused.code, refused.message, errors=refused.errors,
                       personne=qui) from None
    existing = suivi.read(store, paper.numero)
    follow_up = existing.body if existing else suivi.initial()
    etat = suivi.etat(follow_up, record["version"])
    if etat in (suivi.CONFIRMATION_RECUE, suivi.DEFINITIVE) and (
            follow_up["version_confirmee"] == paper.version):
        raise ApiError(409, "deja_recue", msg.DEJA_RECUE.format(
            version=paper.version, statut=suivi.ETATS[etat],
            recue=_received(follow_up, session)), personne=qui)
    try:
        changed = suivi.change(
            store, paper.numero, statut=suivi.CONFIRMATION_RECUE, auteur=auteur,
            version_vue=record["version"], revision_vue=follow_up["revision"],
            pieces_manquantes=[], note=None, version_papier=paper.version, now=now,
            courriel=courriel_suivi.DEFERRED if email else None, guichet=True)
    except ApiError as refused:
        if refused.status == 409:
            raise ApiError(409, refused.code, refused.message, personne=qui) from None
        raise
    index.record_written(store, changed.dossier, follow_up=changed.suivi)
    labels = suivi.piece_labels(session)
    return {
        "resultat": ENREGISTREE,
        "message": msg.RECEPTION_ENREGISTREE.format(version=paper.version),
        "personne": qui,
        "revision": changed.suivi["revision"],
        "statut_precedent": suivi.ETATS[etat],
        # Pieces the bureau found missing before: the envelope may bring them.
        "pieces_manquantes": [labels.get(c, c) for c in follow_up["pieces_manquantes"]]
        if follow_up["statut"] == suivi.INCOMPLETE else [],
        "courriel": courriel_suivi.DIFFERE if email else None,
    }


def undo(store: DossierStore, numero: str, *, revision: int, auteur: str,
         now: str) -> dict[str, Any]:
    """Undo the desk's scan that made `revision`; the status given back."""
    changed = suivi.undo_scan(store, numero, revision_vue=revision, auteur=auteur, now=now)
    index.record_written(store, changed.dossier, follow_up=changed.suivi)
    etat = suivi.etat(changed.suivi, changed.dossier["version"])
    return {"numero": display(numero), "revision": changed.suivi["revision"],
            "statut": etat, "statut_libelle": suivi.ETATS[etat],
            "message": msg.SCAN_ANNULE.format(statut=suivi.ETATS[etat])}
