"""« Recevoir un lien d'accès par courriel »: the owner's way into their dossier without the
birth date (see handler.candidats.access_tokens for the tokens themselves).

POST /api/dossiers/lien-acces {"numero"} emails a one-time link to the address stored on the
dossier, never to one given in the request. Like the lost number's rappel, the answer is the
same 202, taking at least the same least time (REMINDER_ANSWER_SECONDS), whether or not the
number exists, and the requests are limited:
- per client address, in-process: CLIENT_LIMIT requests per CLIENT_WINDOW seconds, then 429;
- per number, in the bucket (`acces/<numero>/envois.json`, conditional writes): NUMBER_LIMIT
  links per NUMBER_WINDOW seconds; past it nothing is sent and the answer is the same 202. The
  window is an hour, not a day like the rappel's: a stranger who uses up a number's links keeps
  its owner waiting an hour at most, and fills their mailbox with NUMBER_LIMIT emails an hour
  at most (each saying to ignore it if they asked nothing).

POST /api/dossiers/acces {"numero", "jeton"} uses a link: the dossier, as consulted, with an
access proof ({"acces": {"jeton", "expire_le"}}) to send in the X-Acces-Dossier header.

POST /api/dossiers/<numero>/preuve, with the birth date's header (never a proof: a proof is not
renewed), gives the same access proof for the dossier the birth date opens.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any
from urllib.parse import urlencode, urljoin

from flask import Blueprint, Response, current_app, jsonify, request

import shared_rules
from handler.candidats import access_tokens, dossiers
from handler.dossier import context, suivi
from handler.dossier.courriels import Notifier
from handler.dossier.numero import canonical, display
from handler.platform import messages as msg
from handler.platform.errors import ApiError
from handler.platform.rate_limit import SlidingWindowLimit, client_key
from handler.platform.storage import DossierStore, WriteConflict
from shared_rules.text import unencodable

log = logging.getLogger(__name__)
bp = Blueprint("access_link", __name__, url_prefix="/api/dossiers")

CLIENT_LIMIT, CLIENT_WINDOW = 5, 15 * 60
NUMBER_LIMIT, NUMBER_WINDOW = 3, 3600
PAGE = "mon-dossier.html"
_TEXT_MAX = 100


def register(app: Any) -> None:
    """The routes, and the per-client limit, one per app."""
    app.extensions["access_link_client_limit"] = SlidingWindowLimit(CLIENT_LIMIT, CLIENT_WINDOW)
    app.register_blueprint(bp)


def link_url(site_url: str, numero: str, token: str) -> str:
    """The page's address with the number and the token in the fragment, never the query."""
    fragment = urlencode({"numero": display(numero), "jeton": token})
    return f"{urljoin(site_url, PAGE) if site_url else PAGE}#{fragment}"


def _allowed_for_number(store: DossierStore, numero: str) -> bool:
    """Count one link for this number, unless NUMBER_LIMIT went within the window."""
    now = time.time()  # a duration: real time, never the calendar clock
    record = store.link_sends(numero)
    recent = [t for t in (record.body["envois"] if record else []) if t > now - NUMBER_WINDOW]
    if len(recent) >= NUMBER_LIMIT:
        return False
    try:
        store.record_link_sends(numero, {"envois": [*recent, now]},
                                etag=record.etag if record else None)
    except WriteConflict:
        return False  # a simultaneous request for the same number is sending one
    return True


def send_link(store: DossierStore, notifier: Notifier, numero: str) -> bool:
    """Email an access link for the dossier `numero` (canonical), if it exists and its limit
    allows; True if one was sent."""
    stored = store.dossier(numero)
    if stored is None:
        return False
    if not _allowed_for_number(store, numero):
        log.info("access link not sent: limit per number reached")
        return False
    token = access_tokens.issue_link(store, numero)
    return notifier.access_link(stored.body, link_url(notifier.site_url, numero, token),
                                minutes=access_tokens.LINK_SECONDS // 60)


def _text_field(body: Any, name: str, required_message: str) -> str:
    if unreadable := unencodable(body, whole="demande"):  # a lone surrogate: see shared_rules.text
        raise ApiError(422, "demande_invalide", msg.DEMANDE_INVALIDE, errors=unreadable)
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, str) or not value.strip() or len(value) > _TEXT_MAX:
        raise ApiError(422, "demande_invalide", msg.DEMANDE_INVALIDE,
                       errors={name: [required_message]})
    return value.strip()


@bp.post("/lien-acces")
def request_link() -> Response:
    """Email a one-time access link to the dossier's own address; the same 202 in every case."""
    session = context.session()
    notifier = context.notifier()
    wait = current_app.extensions["access_link_client_limit"].hit(client_key())
    if wait is not None:
        raise ApiError(429, "trop_de_requetes", msg.TROP_DE_LIENS,
                       headers={"Retry-After": str(max(1, math.ceil(wait)))})
    if not notifier.enabled:
        raise ApiError(503, "courriel_indisponible",
                       msg.LIEN_ACCES_INDISPONIBLE.format(
                           destinataire=shared_rules.bureau_contact(session)))
    typed = _text_field(request.get_json(), "numero", msg.LIEN_NUMERO_OBLIGATOIRE)
    started = time.monotonic()
    numero = canonical(typed)
    if numero is not None:
        send_link(context.store(), notifier, numero)
    # The same least duration whether a dossier was found and emailed or not (see rappel).
    floor = current_app.extensions["rappel_answer_seconds"]
    time.sleep(max(0.0, floor - (time.monotonic() - started)))
    response = jsonify({"message": msg.LIEN_ACCES_DEMANDE.format(
        minutes=access_tokens.LINK_SECONDS // 60,
        destinataire=shared_rules.bureau_contact(session))})
    response.status_code = 202
    return response


@bp.post("/acces")
def use_link() -> Response:
    """Open the dossier with an emailed link: the dossier and an access proof."""
    body = request.get_json()
    typed = _text_field(body, "numero", msg.LIEN_NUMERO_OBLIGATOIRE)
    token = _text_field(body, "jeton", msg.LIEN_ACCES_INVALIDE)
    store = context.store()
    stored, proof = access_tokens.use_link(store, typed, token)
    record = stored.body
    payload = dossiers.dossier_payload(record, context.session(),
                                       courriel=context.notifier().status(record),
                                       follow_up=suivi.current(store, record["numero"]))
    response = jsonify({**payload, "acces": {"jeton": proof.token,
                                             "expire_le": proof.expires_iso()}})
    response.headers["ETag"] = f'"v{record["version"]}"'
    return response


@bp.post("/<numero>/preuve")
def exchange_birth_date(numero: str) -> Response:
    """The birth date, checked and counted as every check (handler.candidats.ownership),
    exchanged for an access proof."""
    if request.headers.get(access_tokens.PROOF_HEADER) is not None:
        raise ApiError(400, "date_naissance_requise", msg.DATE_NAISSANCE_ENTETE)
    stored = dossiers.owned(numero)
    proof = access_tokens.issue_proof(context.store(), stored.body["numero"])
    return jsonify({"acces": {"jeton": proof.token, "expire_le": proof.expires_iso(),
                              "duree_secondes": access_tokens.PROOF_SECONDS}})
