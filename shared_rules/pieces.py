"""The pieces a candidate encloses with the signed confirmation (notice, part B).

The session data lists the pieces and names, for each, the condition that requires it; the
conditions are these predicates. A data file naming an unknown condition fails to load.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared_rules.libelles import listed_speciality
from shared_rules.session import Session, Specialite

Dossier = Mapping[str, Any]

#: The pieces returned online (issue 28): at most this many bytes per file, of these formats.
#: Technical bounds of the service, not rules of the notice; the handler's check uses them.
MAX_PIECE_BYTES = 10 * 1024 * 1024
FORMATS_EN_LIGNE = "PDF, JPEG ou PNG"
#: How long the bucket's lifecycle keeps an upload never registered, and an infected file in
#: quarantine (infra/template.yaml's rules; a test compares them). Technical choices.
ORPHELINS_JOURS, QUARANTAINE_JOURS = 1, 30
#: The page where a candidate deposits them, by its title.
PAGE_DEPOT = "« Consulter ou modifier mon dossier »"


def _toujours(dossier: Dossier, session: Session) -> bool:
    return True


def _demande_de_dispenses(dossier: Dossier, session: Session) -> bool:
    return bool(dossier.get("dispenses"))


def _notes_conservees(dossier: Dossier, session: Session) -> bool:
    return bool(dossier.get("benefices"))


def _amenagement_avec_decision_anterieure(dossier: Dossier, session: Session) -> bool:
    amenagement = dossier.get("amenagement") or {}
    return bool(amenagement.get("demande") and amenagement.get("decision_anterieure"))


def _named_speciality(dossier: Dossier, session: Session) -> Specialite | None:
    """The speciality the candidate names: the one chosen, or, with « Ma spécialité n'est pas
    dans la liste », the listed one their typed label names (« Couvreur »: issue 24)."""
    specialite = session.specialite(str(dossier.get("specialite")))
    if specialite is not None and specialite.autre:
        return listed_speciality(dossier.get("specialite_autre"), session) or specialite
    return specialite


def _specialite_avec_echafaudage(dossier: Dossier, session: Session) -> bool:
    specialite = _named_speciality(dossier, session)
    return bool(specialite and specialite.attestation_echafaudage)


def _specialite_en_rattrapage(dossier: Dossier, session: Session) -> bool:
    specialite = _named_speciality(dossier, session)
    return bool(specialite and specialite.rattrapage)


CONDITIONS: dict[str, Callable[[Dossier, Session], bool]] = {
    "toujours": _toujours,
    "demande_de_dispenses": _demande_de_dispenses,
    "notes_conservees": _notes_conservees,
    "amenagement_avec_decision_anterieure": _amenagement_avec_decision_anterieure,
    "specialite_avec_echafaudage": _specialite_avec_echafaudage,
    "specialite_en_rattrapage": _specialite_en_rattrapage,
}

#: What each condition means, in French, for the notice page and the staff.
CONDITION_LABELS = {
    "toujours": "pour tous les candidats",
    "demande_de_dispenses": "si vous demandez des dispenses d'épreuves au titre d'un diplôme",
    "notes_conservees": "si vous conservez des notes d'une session antérieure",
    "amenagement_avec_decision_anterieure": (
        "si vous demandez un aménagement d'épreuves et en avez obtenu un à une session antérieure"
    ),
    "specialite_avec_echafaudage": "si votre spécialité l'exige",
    "specialite_en_rattrapage": "pour la session de rattrapage du CAP Petite enfance",
}


def pieces_for(dossier: Dossier, session: Session) -> list[dict[str, str]]:
    """The pieces this dossier must enclose, in the notice's order, each with code and label."""
    return [
        {"code": piece.code, "libelle": piece.libelle}
        for piece in session.pieces
        if CONDITIONS[piece.condition](dossier, session)
    ]


def consigne_en_ligne(session: Session) -> str | None:
    """What a candidate does with the signed confirmation and the pieces where they may be
    deposited online (the site, the PDF, the emails say it alike); None for paper only."""
    if not session.retour_en_ligne:
        return None
    comment = (f"sur la page {PAGE_DEPOT} du site, déposez une photo ou un scan de chacune "
               f"({FORMATS_EN_LIGNE}, {MAX_PIECE_BYTES // (1024 * 1024)}\u00a0Mo au plus par "
               "fichier)")
    if session.retour_papier:
        return ("Vous pouvez aussi les déposer en ligne au lieu de les envoyer par courrier : "
                f"{comment}.")
    return ("Pour cette session, la confirmation datée et signée et les pièces se déposent en "
            f"ligne, et non par courrier : {comment}.")
