"""The follow-up status that follows from the pieces judged online (issue 28), in one place.

Where pieces come back online, the bureau's decisions on them say what the paper's envelope
said to an agent typing the status by hand (handler.dossier.suivi):

- a refused piece: the dossier is « incomplet », the refused pieces missing (the signed
  confirmation, which isn't one of the notice's pieces, as « autre »), the note naming each
  refused piece with its reason;
- the signed confirmation accepted, on a dossier « pré-inscrit »: « confirmation reçue » (of
  the current version: the uploaded paper carries no version the bureau could read);
- every expected piece accepted, the confirmation included: the dossier is complete, and the
  notice's next step follows, « Votre inscription deviendra alors définitive »: « inscription
  définitive » (through « confirmation reçue » first where it wasn't recorded, as the
  workflow requires);
- a dossier found incomplete from its pieces, whose refused pieces were all accepted since,
  goes back to « confirmation reçue » when its confirmation is accepted.

Nothing is derived for a dossier modified after its confirmation (« à revoir »), definitive,
refused or closed: those stay the bureau's to change by hand, as every status does for paper.
A status set by hand is left as it is unless a later decision gives another (a hand-set
« incomplet » is only left by the pieces when its note is theirs, `NOTE_PIECES`).

`steps` is the rule, pure; `follow` applies it after a decision, with the follow-up's own
checks (suivi.change), and emails like a desk's scan: « confirmation reçue » and
« définitive » through the scheduled retry once a few minutes old (so that a click put right
at once tells the candidate nothing); « incomplet » sends nothing itself, the refusals' own
email says it (handler.staff.courriel_pieces).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import shared_rules
from handler.dossier import index, pieces, suivi
from handler.dossier.courriels import Notifier
from handler.platform.errors import ApiError
from handler.platform.storage import DossierStore
from handler.staff import courriel_suivi

log = logging.getLogger(__name__)

#: How the note of an « incomplet » derived from the pieces begins: such a note is the pieces'.
NOTE_PIECES = "Pièces refusées"


class Step(NamedTuple):
    """One status change the pieces call for."""

    statut: str
    pieces_manquantes: list[str]
    note: str | None


def _note(refused: Sequence[tuple[str, str]]) -> str:
    text = f"{NOTE_PIECES} : " + " ; ".join(f"{libelle} ({motif})" for libelle, motif in refused)
    return text if len(text) <= suivi.NOTE_MAX else text[:suivi.NOTE_MAX - 1] + "…"


def steps(follow_up: Mapping[str, Any], version: int, found: Mapping[str, Mapping[str, Any]],
          expected: Sequence[pieces.Expected], required: Sequence[str]) -> list[Step]:
    """The status changes the pieces' states call for, in order (none most of the time).

    `found`: the pieces' entries by code; `expected`: what the dossier returns online;
    `required`: the codes the follow-up may name as missing (shared_rules.required_pieces)."""
    current = suivi.etat(follow_up, version)
    if current not in (suivi.PRE_INSCRIT, suivi.CONFIRMATION_RECUE, suivi.INCOMPLETE):
        return []
    states = {p.code: pieces.etat(found.get(p.code)) for p in expected}
    refused = [p for p in expected if states[p.code] == pieces.REFUSEE]
    if refused:
        missing = [p.code for p in refused if p.code in required]
        if any(p.code not in required for p in refused):
            missing.append(suivi.AUTRE)
        note = _note([(p.libelle, str(found[p.code].get("motif") or "")) for p in refused])
        if (current == suivi.INCOMPLETE and follow_up["pieces_manquantes"] == missing
                and follow_up["note"] == note):
            return []
        return [Step(suivi.INCOMPLETE, missing, note)]
    confirmed = states.get(pieces.CONFIRMATION) == pieces.ACCEPTEE
    if not confirmed:
        return []
    if current == suivi.INCOMPLETE and not str(follow_up["note"] or "").startswith(NOTE_PIECES):
        return []  # found incomplete by hand: the bureau says when it no longer is
    received = [] if current == suivi.CONFIRMATION_RECUE else [
        Step(suivi.CONFIRMATION_RECUE, [], None)]
    if all(state == pieces.ACCEPTEE for state in states.values()):
        return [*received, Step(suivi.DEFINITIVE, [], None)]
    return received


def follow(store: DossierStore, notifier: Notifier, numero: str, *, auteur: str,
           now: dt.datetime) -> dict[str, Any] | None:
    """Bring the follow-up in line with the pieces after a decision (online sessions only):
    the follow-up after, or None when nothing changed. Never raises on a change the follow-up
    refuses meanwhile (another agent's change): that is logged and left to the bureau."""
    session = notifier.session
    if not session.retour_en_ligne:
        return None
    changed: dict[str, Any] | None = None
    for _ in range(3):  # a concurrent change of the follow-up: read both again
        stored = store.dossier(numero)
        if stored is None:
            return None
        record = stored.body
        follow_up = suivi.current(store, numero)
        todo = steps(follow_up, record["version"], pieces.entries(pieces.read(store, numero)),
                     pieces.expected(record["dossier"], session),
                     [p["code"] for p in shared_rules.required_pieces(record["dossier"])])
        if not todo:
            return changed
        try:
            for step in todo:
                courriel = (courriel_suivi.DEFERRED if notifier.enabled
                            and step.statut != suivi.INCOMPLETE else None)
                done = suivi.change(
                    store, numero, statut=step.statut, auteur=auteur,
                    version_vue=record["version"], revision_vue=follow_up["revision"],
                    pieces_manquantes=step.pieces_manquantes, note=step.note,
                    version_papier=record["version"] if step.statut == suivi.CONFIRMATION_RECUE
                    else None, now=suivi.timestamp(now), courriel=courriel)
                follow_up, changed = done.suivi, done.suivi
                index.record_written(store, done.dossier, follow_up=done.suivi)
            return changed
        except ApiError as exc:
            if exc.code not in ("suivi_concurrent", "dossier_modifie"):
                log.warning("follow-up not derived from the pieces: %s", exc.code)
                return changed
    return changed
