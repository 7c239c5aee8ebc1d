"""The candidate's API: check, submit, consult and modify a dossier."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

import shared_rules
from handler.candidats import access_tokens, doublons, registrations, spam
from handler.candidats.ownership import OwnershipGuard
from handler.dossier import context, suivi
from handler.dossier.courriels import ANNULE
from handler.dossier.numero import display
from handler.platform import messages as msg
from handler.platform.errors import ApiError
from handler.platform.rate_limit import client_key
from handler.platform.storage import Stored
from shared_rules import birth_date
from shared_rules.dates_fr import date_heure_longue
from shared_rules.session import Session

bp = Blueprint("dossiers", __name__, url_prefix="/api/dossiers")

_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
_IF_MATCH = re.compile(r'^(?:W/)?"v(\d{1,6})"$')


def _json_body() -> Any:
    # Flask answers 415 for another content type, 400 for broken JSON, 413 over the limit.
    return request.get_json()


def _load(body: Any) -> dict[str, Any]:
    """The cleaned dossier, or 422 with every error by field path."""
    session = context.session()
    try:
        dossier = shared_rules.load(body)
        errors: dict[str, list[str]] = {}
    except shared_rules.InvalidDossier as exc:
        errors = exc.errors
    if isinstance(body, dict) and "session" in body and body["session"] != session.code:
        errors["session"] = [msg.SESSION_AUTRE.format(session=session.session)]
    if errors:
        raise ApiError(422, "dossier_invalide", msg.DOSSIER_INVALIDE, errors=errors)
    return dossier


def _require_open_registry() -> None:
    session = context.session()
    state = shared_rules.window_state(context.now(), session)
    if state.ouvert:
        return
    template = (msg.INSCRIPTIONS_PAS_ENCORE_OUVERTES if state.statut == "avant-ouverture"
                else msg.INSCRIPTIONS_CLOSES)
    raise ApiError(403, "inscriptions_fermees", template.format(
        ouverture=date_heure_longue(session.ouverture), cloture=date_heure_longue(session.cloture),
        destinataire=shared_rules.bureau_contact(session)))


def dossier_payload(record: dict[str, Any], session: Session, *, courriel: str,
                    follow_up: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the candidate sees of a stored dossier, with its confirmation email's status and
    the bureau's follow-up (`follow_up`: the suivi record, None while nobody handled it); 410
    when the email found the dossier being erased since this request read it."""
    if courriel == ANNULE:
        raise ApiError(410, "dossier_efface", msg.DOSSIER_EN_EFFACEMENT.format(
            destinataire=shared_rules.bureau_contact(session)))
    late = shared_rules.is_late_for_return(dt.datetime.fromisoformat(record["modifie_le"]), session)
    return {
        "numero": display(record["numero"]),
        "version": record["version"],
        "cree_le": record["cree_le"],
        "modifie_le": record["modifie_le"],
        "dossier": record["dossier"],
        "pieces": shared_rules.required_pieces(record["dossier"]),
        "retour_tardif": late,
        "message_retour_tardif": shared_rules.late_return_message(session) if late else None,
        "avertissements": shared_rules.stored_warnings(record["dossier"]),
        "courriel": courriel,
        "suivi": suivi.candidate_view(follow_up, record, session),
    }


def _respond(record: dict[str, Any], status: int, *, courriel: str,
             follow_up: bool = True, modifie: bool | None = None,
             read_follow_up: dict[str, Any] | None = None) -> Response:
    # A dossier just created has no follow-up yet: no need to read it; one read for the
    # email already (`read_follow_up`) is not read again.
    current = read_follow_up
    if current is None and follow_up:
        current = suivi.current(context.store(), record["numero"])
    payload = dossier_payload(record, context.session(), courriel=courriel, follow_up=current)
    if modifie is not None:  # the answer to a PUT says whether a new version was made
        payload["modifie"] = modifie
    response = jsonify(payload)
    response.status_code = status
    response.headers["ETag"] = f'"v{record["version"]}"'
    return response


def owned(numero: str) -> Stored:
    proof = request.headers.get(access_tokens.PROOF_HEADER)
    if proof is not None:  # an access link was used: no birth date, no lock
        return access_tokens.owned_by_proof(context.store(), numero, proof.strip())
    date_naissance = request.headers.get("X-Date-Naissance", "").strip()
    # YYYY-MM-DD, or YYYY-MM / YYYY for papers with no day / no month (shared_rules.birth_date):
    # compared as written with the dossier's own.
    if birth_date.parse(date_naissance) is None:
        raise ApiError(400, "date_naissance_requise", msg.DATE_NAISSANCE_ENTETE)
    guard: OwnershipGuard = current_app.extensions["ownership"]
    return guard.find(numero, date_naissance, client=client_key())


def _deja_inscrit(exc: registrations.DejaInscrit) -> ApiError:
    """The answer to a submission or modification meeting an identity already held: counted
    per client and per person, told to the holder (handler.candidats.doublons)."""
    return doublons.guard().refuse(exc, client=client_key(), session=context.session())


@bp.post("/verification")
def check() -> Response:
    """Validate a dossier, storing nothing; with the warnings the review shows (never a
    refusal)."""
    dossier = _load(_json_body())
    return jsonify({"valide": True, "dossier": dossier,
                    "pieces": shared_rules.required_pieces(dossier),
                    "avertissements": shared_rules.stored_warnings(dossier)})


@bp.post("")
def submit() -> Response:
    """Record a new dossier and give it its number."""
    body = _json_body()
    spam.screen_submission()
    _require_open_registry()
    dossier = _load(body)
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _IDEMPOTENCY_KEY.match(key):
        raise ApiError(400, "cle_idempotence_invalide", msg.CLE_IDEMPOTENCE_INVALIDE)
    try:
        outcome = registrations.create(
            context.store(), dossier, session=context.session(), now=context.now(),
            idempotency_key=key, body_fingerprint=registrations.fingerprint(body),
        )
    except registrations.DejaInscrit as exc:
        raise _deja_inscrit(exc) from None
    # Stored first, then the email: a failed email never loses the dossier. A retry that
    # finds the dossier sends the email only if it is still owed.
    notifier = context.notifier()
    if outcome.created:
        courriel = notifier.confirm(outcome.record, created=True)
    else:
        courriel = notifier.status(outcome.record)
    return _respond(outcome.record, 201 if outcome.created else 200, courriel=courriel,
                    follow_up=not outcome.created)


@bp.get("/<numero>")
def consult(numero: str) -> Response:
    """The dossier, for its owner (number + birth date in X-Date-Naissance); an owed
    confirmation email is sent again on the way."""
    record = owned(numero).body
    return _respond(record, 200, courriel=context.notifier().status(record))


@bp.get("/<numero>/confirmation.pdf")
def confirmation(numero: str) -> Response:
    """The confirmation of registration to print, sign and post (A4 PDF), for its owner."""
    # Imported here: fpdf2 (with Pillow and fontTools) takes about 0.25 s to import, which
    # only the requests for a PDF should pay, not every Lambda cold start.
    from handler.dossier import confirmation_pdf

    record = owned(numero).body
    session = context.session()
    response = Response(confirmation_pdf.render(record, session), mimetype="application/pdf")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{confirmation_pdf.filename(record, session)}"')
    return response


def _expected_version() -> int | None:
    """The version named by If-Match ("v2"), None without the header; 400 for anything else
    (several tags, `*`, a tag that is no version): a write never goes through unchecked."""
    if_match = request.headers.get("If-Match")
    if if_match is None:
        return None
    found = _IF_MATCH.match(if_match.strip())
    if found is None:
        raise ApiError(400, "if_match_invalide", msg.IF_MATCH_INVALIDE)
    return int(found.group(1))


@bp.put("/<numero>")
def modify(numero: str) -> Response:
    """A new version of the dossier, validated like a creation."""
    body = _json_body()
    expected = _expected_version()
    stored = owned(numero)
    _require_open_registry()
    dossier = _load(body)
    current = stored.body
    if dossier == current["dossier"] and expected in (None, current["version"]):
        # Nothing changed: no new version, no email (an owed one is still sent, as on GET).
        return _respond(current, 200, courriel=context.notifier().status(current),
                        modifie=False)
    doublons.guard().screen(client_key(), context.session())
    try:
        record = registrations.modify(context.store(), stored, dossier,
                                      session=context.session(), now=context.now(),
                                      expected_version=expected)
    except registrations.DejaInscrit as exc:
        raise _deja_inscrit(exc) from None
    follow_up = suivi.current(context.store(), record["numero"])
    courriel = context.notifier().confirm(record, follow_up=follow_up)
    return _respond(record, 200, courriel=courriel, modifie=True, read_follow_up=follow_up)
