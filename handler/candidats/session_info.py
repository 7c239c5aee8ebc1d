"""GET /api/session: the session's facts and the registry's state now."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

import shared_rules
from handler.dossier import context
from handler.platform.clock import timestamp
from shared_rules.pieces import consigne_en_ligne

bp = Blueprint("session_info", __name__, url_prefix="/api")


@bp.get("/session")
def session_state() -> Response:
    """Whether the registry is open, with its dates and the calendar clock's reading."""
    session = context.session()
    clock = context.clock()
    now = clock.now()
    state = shared_rules.window_state(now, session)
    late = shared_rules.is_late_for_return(now, session)
    return jsonify({
        "session": session.code,
        "examen": session.examen_code,
        "academie": session.academie_code,
        "libelle_session": session.session,
        "ouvert": state.ouvert,
        "statut": state.statut,
        "ouverture": timestamp(session.ouverture, session),
        "cloture": timestamp(session.cloture, session),
        "maintenant": timestamp(now, session),
        "horloge_simulee": clock.simulated,
        "date_limite_retour": session.date_limite_retour.isoformat(),
        # How the signed confirmation and the pieces come back: papier, en_ligne, or both.
        "retour_modes": list(session.retour_modes),
        # Where they may be deposited online, what to do (the PDF's and the emails' words).
        "retour_consigne": consigne_en_ligne(session),
        "retour_tardif": late,
        "message_retour_tardif": shared_rules.late_return_message(session) if late else None,
    })
