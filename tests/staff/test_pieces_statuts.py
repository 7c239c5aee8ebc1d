"""Issue 28: the follow-up status that follows from the pieces judged online, as a table
(handler.staff.pieces_statuts.steps, the one place that says it)."""

from __future__ import annotations

from typing import Any

import pytest

from handler.dossier import pieces, suivi
from handler.staff.pieces_statuts import NOTE_PIECES, Step, steps

C, ID, DIP = pieces.CONFIRMATION, "piece-identite", "diplome"
EXPECTED = [pieces.Expected(C, pieces.CONFIRMATION_LIBELLE),
            pieces.Expected(ID, "Pièce d'identité"), pieces.Expected(DIP, "Diplôme")]
REQUIRED = [ID, DIP]


def follow_up(statut: str = suivi.PRE_INSCRIT, *, note: str | None = None,
              manquantes: list[str] | None = None, confirmee: int | None = None) -> dict[str, Any]:
    return {**suivi.initial(), "statut": statut, "note": note,
            "pieces_manquantes": manquantes or [],
            "version_confirmee": confirmee if confirmee is not None else (
                None if statut == suivi.PRE_INSCRIT else 1)}


def states(**by_code: str) -> dict[str, dict[str, Any]]:
    names = {"c": C, "id": ID, "dip": DIP}
    return {names[k]: {"etat": v, "motif": "illisible" if v == pieces.REFUSEE else None}
            for k, v in by_code.items()}


A, R, D = pieces.ACCEPTEE, pieces.REFUSEE, pieces.DEPOSEE
RECUE = Step(suivi.CONFIRMATION_RECUE, [], None)
DEFINITIVE = Step(suivi.DEFINITIVE, [], None)


@pytest.mark.parametrize(("current", "found", "expected"), [
    # Nothing judged yet: nothing follows.
    (follow_up(), states(c=D, id=D, dip=D), []),
    # The confirmation accepted: « confirmation reçue ».
    (follow_up(), states(c=A, id=D), [RECUE]),
    # Every piece accepted: complete, so definitive (through « reçue » when it wasn't).
    (follow_up(), states(c=A, id=A, dip=A), [RECUE, DEFINITIVE]),
    (follow_up(suivi.CONFIRMATION_RECUE), states(c=A, id=A, dip=A), [DEFINITIVE]),
    # A piece refused: « incomplet », that piece missing, the reason in the note.
    (follow_up(), states(c=A, id=R, dip=A), [Step(
        suivi.INCOMPLETE, [ID], f"{NOTE_PIECES} : Pièce d'identité (illisible)")]),
    # The confirmation refused: missing as « autre » (it isn't one of the notice's pieces).
    (follow_up(), states(c=R), [Step(
        suivi.INCOMPLETE, [suivi.AUTRE],
        f"{NOTE_PIECES} : {pieces.CONFIRMATION_LIBELLE} (illisible)")]),
    # Already incomplete for exactly that: nothing to record again.
    (follow_up(suivi.INCOMPLETE, manquantes=[ID],
               note=f"{NOTE_PIECES} : Pièce d'identité (illisible)"),
     states(c=A, id=R), []),
    # Incomplete from the pieces, the refused one since accepted: back to « reçue ».
    (follow_up(suivi.INCOMPLETE, manquantes=[ID], note=f"{NOTE_PIECES} : x"),
     states(c=A, id=A, dip=D), [RECUE]),
    # Incomplete by hand: the bureau says when it no longer is.
    (follow_up(suivi.INCOMPLETE, manquantes=["autre"], note="Attestation de recensement"),
     states(c=A, id=A, dip=A), []),
    # Definitive, refused, closed, modified after its confirmation: left to the bureau.
    (follow_up(suivi.DEFINITIVE), states(c=A, id=R), []),
    (follow_up(suivi.REFUSE), states(c=A, id=A, dip=A), []),
    (follow_up(suivi.SANS_SUITE), states(c=R), []),
])
def test_the_status_follows_the_pieces(current: dict[str, Any],
                                       found: dict[str, dict[str, Any]],
                                       expected: list[Step]) -> None:
    assert steps(current, 1, found, EXPECTED, REQUIRED) == expected


def test_a_dossier_modified_after_its_confirmation_is_left_to_the_bureau() -> None:
    received = follow_up(suivi.CONFIRMATION_RECUE, confirmee=1)
    assert steps(received, 2, states(c=A, id=A, dip=A), EXPECTED, REQUIRED) == []
