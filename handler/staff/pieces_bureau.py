"""The bureau's side of the pieces returned online (issue 28): a dossier's pieces with their
states and a short link to view each clean file in the page, and the decision on one piece,
accepted or refused with a reason (role `gestion` to decide, `lecture` to view).

A decision is written with the pieces' record `revision` the agent saw (409 otherwise); a
refusal owes the candidate an email, sent with the other refusals of the same few minutes
(courriel_pieces); the follow-up status then follows from the pieces (pieces_statuts).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from handler.dossier import context, index, pieces
from handler.dossier.numero import canonical, display
from handler.dossier.pieces import PieceError
from handler.platform import json_body
from handler.platform.errors import ApiError
from handler.staff import auth, courriel_pieces, pieces_statuts, roles
from handler.staff import messages as msg
from shared_rules.schemas import Texte

bp = Blueprint("staff_pieces", __name__, url_prefix="/api/staff/dossiers/<numero>/pieces")
bp.before_request(auth.require_staff)
bp.after_request(auth.log_action)


def _dossier(numero: str) -> tuple[str, dict[str, Any]]:
    """The dossier's number and record, where pieces come back online; 404 otherwise."""
    key = canonical(numero)
    stored = context.store().dossier(key) if key else None
    if key is None or stored is None:
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    if not context.session().retour_en_ligne:
        raise ApiError(404, "retour_en_ligne_ferme", msg.PIECES_HORS_LIGNE)
    return key, stored.body


def _piece(entry: dict[str, Any] | None, expected: pieces.Expected) -> dict[str, Any]:
    state = pieces.etat(entry)
    entry = entry or {}
    fichier = entry.get("fichier")
    shown: dict[str, Any] = {
        "code": expected.code, "libelle": expected.libelle, "etat": state,
        "etat_libelle": pieces.LIBELLES_ETATS[state], "motif": entry.get("motif"),
        "decision": entry.get("decision"), "decidable": state in pieces.DECIDABLE
        and bool(fichier), "a_annoncer": bool(entry.get("a_annoncer"))
        and state == pieces.REFUSEE,
        "en_analyse_depuis": (entry.get("televersement") or {}).get("depuis"),
        "fichier": None, "alerte": None,
    }
    if state == pieces.INFECTEE:
        # Never a link: the infected file stays in quarantine, unopened.
        shown["alerte"] = {"signature": entry.get("signature"), "texte": msg.PIECE_INFECTEE}
    elif fichier:
        extension = fichier["cle"].rsplit(".", 1)[-1]
        shown["fichier"] = {
            "type": fichier["type"], "taille": fichier["taille"], "pages": fichier["pages"],
            "depose_le": fichier["depose_le"], "tardif": fichier["tardif"],
            "url": pieces.file_link(context.store(), fichier,
                                    filename=f"{expected.code}.{extension}")}
    return shown


def _view(key: str, record: dict[str, Any]) -> dict[str, Any]:
    store = context.store()
    found = pieces.read(store, key)
    body = found.body if found else {}
    entries = pieces.entries(found)
    return {
        "numero": display(key),
        "revision": int(body.get("revision", 0)),
        "motifs": list(pieces.MOTIFS_REFUS),
        "motif_max": pieces.MOTIF_MAX,
        "expire_dans": pieces.GET_SECONDS,
        "pieces": [_piece(entries.get(p.code), p)
                   for p in pieces.expected(record["dossier"], context.session())],
        "courriel": courriel_pieces.staff_view(store, key, body),
    }


@bp.get("")
def list_pieces(numero: str) -> Response:
    """Every piece the dossier returns online, its state, its file to view (role `lecture`)."""
    key, record = _dossier(numero)
    return jsonify(_view(key, record))


class DecisionSchema(Schema):
    """The bureau's decision on a piece, with the pieces' revision the agent saw."""

    class Meta:
        unknown = RAISE

    decision = fields.String(required=True, validate=validate.OneOf(
        [pieces.ACCEPTEE, pieces.REFUSEE], error="Décision inconnue : acceptee ou refusee."))
    motif = Texte(max_length=pieces.MOTIF_MAX, load_default=None, allow_none=True)
    revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))

    @validates_schema
    def _reason(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("decision") == pieces.REFUSEE and not data.get("motif"):
            raise ValidationError({"motif": [msg.MOTIF_REFUS_OBLIGATOIRE]})


DECISION = DecisionSchema()


@bp.post("/<code>/decision")
@auth.requires_role(roles.GESTION)
def decide(numero: str, code: str) -> Response:
    """Accept or refuse one piece; the pieces after, and the follow-up if it changed."""
    data = json_body.load(DECISION, "decision_invalide", msg.DECISION_INVALIDE)
    key, record = _dossier(numero)
    if code not in {p.code for p in pieces.expected(record["dossier"], context.session())}:
        raise ApiError(404, "piece_inconnue", msg.PIECE_NON_DEMANDEE_EN_LIGNE)
    store, notifier, now = context.store(), context.notifier(), context.now()
    try:
        decided = pieces.decide(store, key, code, decision=data["decision"],
                                motif=data["motif"], revision=data["revision"],
                                par=auth.current_staff(), now=now)
    except PieceError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from None
    index.pieces_written(store, context.session().code, key, decided.body)
    if data["decision"] == pieces.REFUSEE and notifier.enabled:
        courriel_pieces.mark_owed(store, key)
    follow_up = pieces_statuts.follow(store, notifier, key, auteur=auth.current_staff(),
                                      now=now)
    view = _view(key, record)
    view["suivi"] = None if follow_up is None else {
        "statut": follow_up["statut"], "revision": follow_up["revision"]}
    return jsonify(view)


@bp.post("/dossier-complet")
def dossier_complet(numero: str) -> Response:
    """The « dossier complet » PDF (the confirmation and every accepted piece), written under
    the dossier's prefix; a short link to it (role `lecture`)."""
    from handler.staff import dossier_complet as complet  # fpdf2 and pypdf: not at cold start

    key, record = _dossier(numero)
    store, session = context.store(), context.session()
    content, held = complet.render(store, record, session)
    store.write_file(complet.key(key), content, media_type="application/pdf")
    entries = pieces.entries(pieces.read(store, key))
    return jsonify({
        "url": store.file_link(
            complet.key(key), media_type="application/pdf", seconds=complet.LINK_SECONDS,
            disposition=f'inline; filename="dossier-complet-{display(key)}.pdf"'),
        "pieces_acceptees": held,
        "pieces_attendues": len(pieces.expected(record["dossier"], session)),
        "complet": complet.complete(record, entries, session),
        "taille": len(content), "expire_dans": complet.LINK_SECONDS})
