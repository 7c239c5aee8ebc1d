"""The candidate's side of the pieces returned online (issue 28, handler.dossier.pieces):
where the session's return mode includes `en_ligne`, the owner of a dossier (number and birth
date, or an access proof) lists the pieces it returns, asks for a presigned POST to upload one
straight to the bucket, tells the API the upload arrived, views a piece, or takes it back.

Asking for an upload costs the ownership's own reads and nothing more (the form is signed
here); a client may ask TELEVERSEMENTS_PER_CLIENT forms in FORMS_WINDOW seconds.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify
from marshmallow import Schema, fields, validate

from handler.candidats import dossiers
from handler.dossier import context, index, pieces
from handler.dossier.pieces import PieceError
from handler.platform import antivirus, json_body
from handler.platform import messages as msg
from handler.platform.errors import ApiError
from handler.platform.rate_limit import SlidingWindowLimit, client_key
from handler.platform.storage import Stored
from shared_rules.dates_fr import date_longue

bp = Blueprint("televersement", __name__, url_prefix="/api/dossiers/<numero>/pieces")

FORMS_WINDOW = 15 * 60
#: What the page may declare, and the file's check then proves from its bytes.
TYPES_ACCEPTES = ("application/pdf", "image/jpeg", "image/png")
TYPES_HEIC = ("image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence")


def init_app(app: Flask) -> None:
    """The scanner and the analyses' runner, from the configuration; the routes."""
    store = app.extensions["dossier_store"]
    session = app.extensions["inscription_session"].code
    scanner: antivirus.Scanner
    clamav = app.config["PIECES_SCANNER"] == "clamav"
    if clamav:
        scanner = antivirus.ClamAV(Path(app.config["CLAMAV_DATABASE"]))
    else:
        scanner = antivirus.GuardDutyTags(store.client)
    # ClamAV answers at once: the analysis runs beside the request, in this process; GuardDuty's
    # verdict comes as an event (handler.lambda_function.piece_scanned). Each verdict shows in
    # the staff's list (pieces to judge, an infected file).
    runner = pieces.Analyses(store, scanner, now=app.extensions["calendar_clock"].now,
                             in_thread=clamav,
                             concluded=lambda numero: index.pieces_written(store, session,
                                                                           numero))
    app.extensions["pieces_analyses"] = runner
    per_client = int(app.config["TELEVERSEMENTS_PER_CLIENT"])
    app.extensions["pieces_forms"] = (SlidingWindowLimit(per_client, FORMS_WINDOW)
                                      if per_client > 0 else None)
    app.register_blueprint(bp)


def analyses() -> pieces.Analyses:
    found: pieces.Analyses = current_app.extensions["pieces_analyses"]
    return found


def _online_dossier(numero: str) -> Stored:
    """The owner's dossier, where pieces come back online; 404 otherwise."""
    session = context.session()
    if not session.retour_en_ligne:
        raise ApiError(404, "retour_en_ligne_ferme", msg.RETOUR_EN_LIGNE_FERME.format(
            destinataire=session.destinataire))
    return dossiers.owned(numero)


def _expected(stored: Stored, code: str) -> pieces.Expected:
    for piece in pieces.expected(stored.body["dossier"], context.session()):
        if piece.code == code:
            return piece
    raise ApiError(404, "piece_inconnue", msg.PIECE_INCONNUE)


def _raise(exc: PieceError) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message)


def _view(stored: Stored, record: Stored | None) -> dict[str, Any]:
    session = context.session()
    return {
        "numero": stored.body["numero"],
        "modes": list(session.retour_modes),
        "date_limite": session.date_limite_retour.isoformat(),
        "date_limite_texte": date_longue(session.date_limite_retour),
        "retour_tardif": pieces.late(context.now(), session),
        "taille_max": pieces.MAX_PIECE_BYTES,
        "taille_max_dossier": pieces.MAX_DOSSIER_BYTES,
        "types": list(TYPES_ACCEPTES),
        "pieces": pieces.candidate_view(record, stored.body["dossier"], session),
    }


class _Form(Schema):
    """A form's request: the file's type and size as the page read them."""

    type = fields.String(required=True)
    taille = fields.Integer(required=True, strict=True)


class _Upload(Schema):
    """The registration of an upload: the form's key."""

    cle = fields.String(required=True, validate=validate.Length(max=200))


def _body(schema: Schema) -> dict[str, Any]:
    """The request's JSON object by `schema`; 422 `demande_invalide` with errors by field."""
    return json_body.load(schema, "demande_invalide", msg.DEMANDE_INVALIDE)


@bp.get("")
def list_pieces(numero: str) -> Response:
    """Each piece the dossier returns online, with its state."""
    stored = _online_dossier(numero)
    return jsonify(_view(stored, pieces.read(context.store(), stored.body["numero"])))


@bp.post("/<code>/formulaire")
def upload_form(code: str, numero: str) -> Response:
    """A presigned POST to upload one file of this piece straight to the bucket."""
    limit = current_app.extensions["pieces_forms"]
    wait = limit.hit(client_key()) if limit is not None else None
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        raise ApiError(429, "trop_de_televersements", msg.TROP_DE_TELEVERSEMENTS,
                       headers={"Retry-After": str(seconds)})
    body = _body(_Form())
    media_type, size = body["type"], body["taille"]
    errors: dict[str, list[str]] = {}
    if media_type in TYPES_HEIC:
        errors["type"] = [msg.PIECE_HEIC]
    elif media_type not in TYPES_ACCEPTES:
        errors["type"] = [msg.PIECE_TYPE_REFUSE]
    if size < 1:
        errors["taille"] = [msg.PIECE_TAILLE_REQUISE]
    elif size > pieces.MAX_PIECE_BYTES:
        errors["taille"] = [msg.PIECE_TROP_GROSSE.format(
            taille=msg.mega_octets(size), limite=msg.mega_octets(pieces.MAX_PIECE_BYTES))]
    if errors:
        raise ApiError(422, "fichier_refuse", next(iter(errors.values()))[0], errors=errors)
    stored = _online_dossier(numero)
    _expected(stored, code)
    return jsonify(pieces.upload_form(context.store(), stored.body["numero"], code,
                                      media_type=media_type, size=size))


@bp.post("/<code>")
def register_upload(code: str, numero: str) -> Response:
    """The page's upload arrived: the piece is « en cours d'analyse », its analysis starts."""
    key = _body(_Upload())["cle"]
    stored = _online_dossier(numero)
    canonical = stored.body["numero"]
    _expected(stored, code)
    if not pieces.upload_key_of(key, canonical, code):
        raise ApiError(422, "cle_invalide", msg.PIECE_CLE_INVALIDE,
                       errors={"cle": [msg.PIECE_CLE_INVALIDE]})
    store, session = context.store(), context.session()
    try:
        record = pieces.register_upload(store, canonical, code, key,
                                        late=pieces.late(context.now(), session),
                                        now=context.now())
    except PieceError as exc:
        raise _raise(exc) from None
    index.pieces_written(store, session.code, canonical, record.body)
    analyses().start(canonical, code)
    response = jsonify(_view(stored, record))
    response.status_code = 202
    return response


@bp.post("/<code>/retrait")
def remove(code: str, numero: str) -> Response:
    """The owner takes a piece back, until the return deadline."""
    stored = _online_dossier(numero)
    _expected(stored, code)
    session = context.session()
    if pieces.late(context.now(), session):
        raise ApiError(409, "date_limite_passee", msg.PIECE_RETRAIT_TARDIF.format(
            date=date_longue(session.date_limite_retour)))
    try:
        record = pieces.remove(context.store(), stored.body["numero"], code)
    except PieceError as exc:
        raise _raise(exc) from None
    index.pieces_written(context.store(), session.code, stored.body["numero"], record.body)
    return jsonify(_view(stored, record))


@bp.get("/<code>/fichier")
def view_file(code: str, numero: str) -> Response:
    """A short link to the piece's clean file, to view it in the browser."""
    stored = _online_dossier(numero)
    piece = _expected(stored, code)
    entry = pieces.entries(pieces.read(context.store(), stored.body["numero"])).get(code)
    fichier = (entry or {}).get("fichier")
    if not fichier:
        raise ApiError(404, "fichier_absent", msg.PIECE_SANS_FICHIER)
    extension = fichier["cle"].rsplit(".", 1)[-1]
    return jsonify({"url": pieces.file_link(context.store(), fichier,
                                            filename=f"{piece.code}.{extension}"),
                    "type": fichier["type"], "expire_dans": pieces.GET_SECONDS})
