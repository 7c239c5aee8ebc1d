"""POST /api/dossiers/rappel: « J'ai perdu mon numéro ».

A candidate whose confirmation never arrived (a dropped connection after submitting) would
otherwise be locked out by the « déjà inscrit » rule. They give their birth name, a first name
(none if they have none) and birth date; every dossier of that homonym group
(`shared_rules.identity`: the birth name and the birth date) whose first names include the one
typed gets its number emailed to the address stored on that dossier, never to one given in the
request (two homonyms each get their own). The answer is the same 202 whether or not such a
dossier exists, so the endpoint tells nobody who is registered.

Limits, both documented in the README:
- per client address, in-process: CLIENT_LIMIT requests per CLIENT_WINDOW seconds, then 429
  (that answer doesn't depend on the identity, so it reveals nothing);
- per person found, in the bucket (`rappels/<session>/<identity>.json`, conditional writes):
  IDENTITY_LIMIT emails per IDENTITY_WINDOW seconds; past it, nothing is sent and the answer is
  still the same 202.

Timing: a known identity costs a few S3 calls and an SES call more than an unknown one (some
100–300 ms), which a stopwatch would see. Every 202 is therefore held until
REMINDER_ANSWER_SECONDS (2 s) after the lookup began, well above that path's usual time; only a
send slower than that (SES failing and retrying) still stands out.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import RAISE, Schema, ValidationError

import shared_rules
from handler.dossier import context
from handler.dossier.courriels import Notifier
from handler.platform import messages as msg
from handler.platform.errors import ApiError
from handler.platform.rate_limit import SlidingWindowLimit, client_key
from handler.platform.storage import DossierStore, WriteConflict
from shared_rules import messages as rules_msg
from shared_rules.identity import homonym_group, same_first_name
from shared_rules.schemas import DateNaissance, Nom
from shared_rules.session import Session
from shared_rules.text import unencodable

log = logging.getLogger(__name__)
bp = Blueprint("rappel", __name__, url_prefix="/api/dossiers")

CLIENT_LIMIT, CLIENT_WINDOW = 5, 15 * 60
IDENTITY_LIMIT, IDENTITY_WINDOW = 3, 24 * 3600


class RappelSchema(Schema):
    """The identity a lost number is asked for: as typed on the form, checked the same way."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": rules_msg.CHAMP_INCONNU, "type": rules_msg.OBJET_ATTENDU}

    nom_naissance = Nom(required=True, required_message=rules_msg.NOM_NAISSANCE_OBLIGATOIRE)
    #: One of the first names; none (absent, null or empty) for a person who has none.
    prenom = Nom(load_default=None, allow_none=True)
    #: As on the dossier: YYYY-MM-DD, or YYYY-MM / YYYY (papers with no day / no month).
    date_naissance = DateNaissance(
        required=True, error_messages={"required": rules_msg.DATE_NAISSANCE_OBLIGATOIRE})


RAPPEL_SCHEMA = RappelSchema()


def init_app(app: Any) -> None:
    """The per-client limit, one per app, and the answer's least duration."""
    app.extensions["rappel_client_limit"] = SlidingWindowLimit(CLIENT_LIMIT, CLIENT_WINDOW)
    app.extensions["rappel_answer_seconds"] = float(app.config["REMINDER_ANSWER_SECONDS"])


def _group(data: dict[str, str], session: Session) -> str:
    # The homonym group of the « one dossier per person » rule: shared_rules builds it.
    return homonym_group(session.code, data["nom_naissance"], data["date_naissance"])


def _allowed_for_identity(store: DossierStore, session: Session, identity: str) -> bool:
    """Count one email for this person, unless they had IDENTITY_LIMIT within the window."""
    now = time.time()  # a duration: real time, never the calendar clock
    record = store.reminders(session.code, identity)
    recent = [t for t in (record.body["envois"] if record else []) if t > now - IDENTITY_WINDOW]
    if len(recent) >= IDENTITY_LIMIT:
        return False
    try:
        store.record_reminders(session.code, identity, {"envois": [*recent, now]},
                               etag=record.etag if record else None)
    except WriteConflict:
        return False  # a simultaneous request for the same person is sending it
    return True


def _remind(store: DossierStore, notifier: Notifier, session: Session,
            record: dict[str, Any]) -> bool:
    if not _allowed_for_identity(store, session, record["identite"]):
        log.info("reminder not sent: limit per identity reached")
        return False
    return notifier.remind(record)


def send_reminders(store: DossierStore, notifier: Notifier, session: Session, group: str,
                   prenom: str | None) -> int:
    """Email each dossier of a homonym group whose first names include `prenom` (or, with
    none, that has none) its own number; how many were sent."""
    return sum(_remind(store, notifier, session, held.body)
               for held in store.group_holders(session.code, group)
               if same_first_name(prenom, held.body["dossier"]["etat_civil"]["prenoms"]))


@bp.post("/rappel")
def rappel() -> Response:
    """Send a lost number to the email address on the dossier; the same 202 in every case."""
    session = context.session()
    notifier = context.notifier()
    wait = current_app.extensions["rappel_client_limit"].hit(client_key())
    if wait is not None:
        raise ApiError(429, "trop_de_requetes", msg.TROP_DE_DEMANDES,
                       headers={"Retry-After": str(max(1, round(wait)))})
    if not notifier.enabled:
        raise ApiError(503, "courriel_indisponible",
                       msg.COURRIEL_INDISPONIBLE.format(destinataire=shared_rules.bureau_contact(session)))
    body = request.get_json()
    if unreadable := unencodable(body, whole="demande"):  # a lone surrogate: see shared_rules.text
        raise ApiError(422, "demande_invalide", msg.DEMANDE_INVALIDE, errors=unreadable)
    try:
        data = RAPPEL_SCHEMA.load(body)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors = {("demande" if key == "_schema" else str(key)): list(value)
                  for key, value in messages.items()}
        raise ApiError(422, "demande_invalide", msg.DEMANDE_INVALIDE, errors=errors) from None
    started = time.monotonic()
    send_reminders(context.store(), notifier, session, _group(data, session), data["prenom"])
    # The same duration whether a dossier was found and emailed or not (see above).
    floor = current_app.extensions["rappel_answer_seconds"]
    time.sleep(max(0.0, floor - (time.monotonic() - started)))
    response = jsonify({"message": msg.RAPPEL_DEMANDE.format(
        destinataire=shared_rules.bureau_contact(session))})
    response.status_code = 202
    return response
