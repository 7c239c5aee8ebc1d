"""The staff's API under /api/staff/: every route needs a signed-in staff member or a script's
token (see `auth`), and a role: `lecture` for what only reads, `gestion` to change a status,
`administration` to erase (`auth.requires_role`).

Views are thin: check the request, call the module that owns the concern (`listing`, `suivi`,
`erasure`, `exports`), answer. Answers carry `Cache-Control: no-store`.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema
from werkzeug.datastructures import MultiDict

import shared_rules
from handler.dossier import attribution, context, index, suivi
from handler.dossier.courriels import SCHEDULED_ATTEMPTS
from handler.dossier.index import SummaryIndex
from handler.dossier.numero import VERSION_MAX, canonical, display, paper_reference
from handler.platform import integers
from handler.platform.errors import ApiError
from handler.platform.json_body import load as _load
from handler.staff import (
    auth,
    columns,
    courriel_suivi,
    erasure,
    exports,
    guichet,
    jobs,
    journal,
    listing,
    lot,
    notes,
    preferences,
    relances,
    restitution,
    roles,
    tableau,
    versions,
)
from handler.staff import messages as msg
from shared_rules.dates_fr import date_longue
from shared_rules.identity import group_of
from shared_rules.schemas import EMAIL_MAX, Texte, TexteLong

log = logging.getLogger(__name__)
bp = Blueprint("staff", __name__, url_prefix="/api/staff")
bp.after_request(auth.log_action)


@bp.before_request
def _authenticate() -> None:
    """Every route needs a staff member (`auth.require_staff`), except « who am I » asked with
    no credential at all: it answers that nobody is signed in (`whoami`), without an error
    status that the staff page's browser would log as a console error."""
    if request.endpoint == "staff.whoami" and not _presents_credentials():
        return
    auth.require_staff()


def _presents_credentials() -> bool:
    return bool(request.headers.get("Authorization") or request.cookies.get(auth.COOKIE))


def _index() -> SummaryIndex:
    return SummaryIndex(context.store(), context.session().code)


def _numero(typed: str) -> str:
    numero = canonical(typed)
    if numero is None:
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    return numero


@bp.get("/moi")
def whoami() -> Response:
    """Who is signed in (or holds this token), with their role: the staff page asks it first.
    Asked with no token and no session cookie: `{"connecte": false}` (200)."""
    if g.get("staff") is None:
        return jsonify({"connecte": False})
    return jsonify({"nom": auth.current_staff(), "role": auth.current_role()})


@bp.get("/referentiel")
def referentiel() -> Response:
    """The codes and labels the staff page needs: statuses and their transitions, specialities,
    départements, pieces and the time zone dates are shown in (all from the session data), and
    the highest page the list serves (`listing.PAGE_MAX`)."""
    session = context.session()
    return jsonify({
        "session": session.code,
        "fuseau_horaire": session.fuseau_horaire,
        # The derived `a-revoir` too: the list filters on it, and a dossier shows it.
        # `avec_note`: the change carries the bureau's note to the candidate (the reason of
        # an end, required there).
        "statuts": [{"code": c, "libelle": label, "suivants": list(suivi.TRANSITIONS[c]),
                     "avec_note": c in suivi.WITH_NOTE}
                    for c, label in suivi.ETATS.items()],
        "specialites": [{"code": s.code, "libelle": s.libelle} for s in session.specialites],
        "departements": [{"code": d.code, "nom": d.nom} for d in session.departements],
        "pieces": [{"code": p.code, "libelle": p.libelle} for p in session.pieces],
        "piece_autre": {"code": suivi.AUTRE, "libelle": suivi.AUTRE_LIBELLE},
        "page_max": listing.PAGE_MAX,
        # Whom a dossier may be assigned to: the accounts that may handle one (issue 27).
        "agents": _agents(),
    })


def _agents() -> list[str]:
    """The accounts of STAFF_ACCOUNTS whose role may change a dossier (`gestion` and above),
    sorted: a dossier is assigned to one of them."""
    accounts = current_app.extensions["staff_accounts"]
    return sorted(email for email, role in accounts.items() if roles.allows(role, roles.GESTION))


@bp.get("/dossiers")
def list_dossiers() -> Response:
    """The dossiers that pass the filters, one page of them, sorted."""
    session = context.session()
    query = listing.parse_query(request.args, session, moi=auth.current_staff())
    selection = listing.select(_index().entries(), query)
    return jsonify(listing.page(selection, query, session))


@bp.get("/tableau")
def dashboard() -> Response:
    """The dashboard's figures, from the summary index (issue 27)."""
    return jsonify(tableau.count(_index().entries(), context.session()))


@bp.get("/tableau.csv")
def dashboard_csv() -> Response:
    """The dashboard's figures as a CSV for French Excel."""
    figures = tableau.count(_index().entries(), context.session())
    return Response(tableau.to_csv(figures), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="tableau-de-bord.csv"',
        "Cache-Control": "no-store"})


def _reminders() -> relances.Reminders:
    return relances.Reminders(context.notifier(), jours=current_app.config["RELANCE_JOURS"])


@bp.get("/relances")
def reminders_preview() -> Response:
    """The reminders' preview (issue 27): how many the button would remind now, how many were
    reminded today, the window of the automatic ones, and the email for one example."""
    return jsonify(_reminders().preview())


@bp.post("/relances")
@auth.requires_role(roles.GESTION)
def send_reminders() -> Response:
    """Remind now every dossier awaiting its signed confirmation and not reminded today, for
    API_SECONDS at most (`restants`: the page asks again); never after the deadline."""
    reminders = _reminders()
    if not context.notifier().enabled:
        raise ApiError(409, "courriels_desactives", msg.COURRIELS_DESACTIVES)
    if reminders.today() > reminders.window.fin:
        raise ApiError(409, "relances_terminees", msg.RELANCES_TERMINEES.format(
            date_limite=date_longue(reminders.window.fin)))
    return jsonify(reminders.send(automatic=False, par=auth.current_staff(),
                                  time_left=relances.seconds_from_now(relances.API_SECONDS)))


@bp.get("/dossiers/<numero>")
def show(numero: str) -> Response:
    """One dossier with every earlier version, its pieces and its follow-up with its history.

    `numero` may be a paper reference (« 7K3M-Q9PA-R-V2 », a confirmation's barcode): the
    answer then carries the version printed on that paper (`version_papier`), so that its
    reception is recorded for that version (issue 26, item 5)."""
    paper = paper_reference(numero)
    if paper is None:
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    key = paper.numero
    stored = context.store().dossier(key)
    if stored is None:
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    record = stored.body
    if paper.version is not None and paper.version > record["version"]:
        raise ApiError(404, "version_introuvable", msg.VERSION_INTROUVABLE)
    follow_up = suivi.current(context.store(), key)
    return jsonify({
        "numero": display(key),
        "version_papier": paper.version,
        "version": record["version"],
        "cree_le": record["cree_le"],
        "modifie_le": record["modifie_le"],
        "dossier": record["dossier"],
        "pieces": shared_rules.required_pieces(record["dossier"]),
        "historique": [{"version": h["version"], "modifie_le": h["modifie_le"],
                        "dossier": h["dossier"]} for h in reversed(record["historique"])],
        # The candidate's own review of the current version, and each version's changes.
        "recapitulatif": versions.review(record, context.session()),
        "versions": versions.history(record, context.session()),
        "suivi": _suivi_payload(follow_up, record["version"]),
        "a_revoir": suivi.a_revoir(follow_up, record["version"]),
        # The warnings the candidate was shown, as the rules word them, and whether they
        # confirmed the postcode's: never a refusal, for the bureau to check.
        "avertissements": shared_rules.stored_warnings(record["dossier"]),
        "confirmation_residence": bool(
            record["dossier"].get("contact", {}).get("confirmation_residence")),
        # Other people's dossiers with the same birth name and birth date (issue 24).
        "homonymes": _homonyms(record),
        # The bureau's own notes, never shown to the candidate (issue 27).
        "notes_internes": notes.read(context.store(), key),
        # The agent handling it, never shown to the candidate either (issue 27).
        "attribution": attribution.staff_view(attribution.current(context.store(), key)),
    })


class NoteSchema(Schema):
    """A private note: its text, on several lines if need be."""

    class Meta:
        unknown = RAISE

    texte = TexteLong(required=True, max_length=notes.TEXTE_MAX,
                      required_message="Écrivez la note.")


NOTE = NoteSchema()


@bp.post("/dossiers/<numero>/notes")
@auth.requires_role(roles.GESTION)
def add_note(numero: str) -> Response:
    """Add a private note to a dossier (the bureau's only); every note, oldest first."""
    key = _numero(numero)
    data = _load(NOTE, "note_invalide", msg.NOTE_INVALIDE)
    added = notes.add(context.store(), key, texte=data["texte"], auteur=auth.current_staff(),
                      now=suivi.timestamp(context.now()))
    response = jsonify({"numero": display(key), "notes_internes": added})
    response.status_code = 201
    return response


class AttributionSchema(Schema):
    """An assignment: the agent (an account that may handle dossiers) or nobody (null), and the
    assignment's revision the staff member saw."""

    class Meta:
        unknown = RAISE

    agent = fields.String(required=True, allow_none=True, validate=validate.Length(max=EMAIL_MAX))
    revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


ATTRIBUTION = AttributionSchema()


@bp.post("/dossiers/<numero>/attribution")
@auth.requires_role(roles.GESTION)
def assign(numero: str) -> Response:
    """Assign a dossier to an agent, or to nobody (`agent: null`); kept apart from the
    follow-up, so it never blocks a status change (dossier.attribution)."""
    key = _numero(numero)
    data = _load(ATTRIBUTION, "attribution_invalide", msg.ATTRIBUTION_INVALIDE)
    if data["agent"] is not None and data["agent"] not in _agents():
        raise ApiError(422, "attribution_invalide", msg.ATTRIBUTION_INVALIDE,
                       errors={"agent": [msg.AGENT_INCONNU]})
    new, record = attribution.assign(
        context.store(), key, agent=data["agent"], revision_vue=data["revision"],
        auteur=auth.current_staff(), now=suivi.timestamp(context.now()))
    index.record_written(context.store(), record, assignment=new)
    return jsonify({"numero": display(key), "attribution": attribution.staff_view(new)})


def _homonyms(record: dict[str, Any]) -> list[str]:
    """The numbers of the other dossiers of this one's homonym group (shared_rules.identity; a
    group holds a few at most)."""
    holders = context.store().group_holders(context.session().code, group_of(record["identite"]))
    return sorted(display(held.body["numero"]) for held in holders
                  if held.body["numero"] != record["numero"])


def _suivi_payload(follow_up: dict[str, Any], version: int) -> dict[str, Any]:
    """The follow-up as the bureau reads it: `statut` is `a-revoir` for a dossier received or
    made definitive and modified since (`statut_enregistre` keeps the recorded one)."""
    statut = suivi.etat(follow_up, version)
    return {
        "statut": statut,
        "statut_libelle": suivi.ETATS[statut],
        "statut_enregistre": follow_up["statut"],
        "revision": follow_up["revision"],
        "version_confirmee": follow_up["version_confirmee"],
        "pieces_manquantes": follow_up["pieces_manquantes"],
        "note": follow_up["note"],
        "historique": list(reversed(follow_up["historique"])),
        # The email of this revision's change to the candidate: sent, failed (retried hourly), or
        # None (no such email, or email disabled).
        "courriel": courriel_suivi.staff_view(follow_up, max_attempts=SCHEDULED_ATTEMPTS),
    }


@bp.get("/dossiers/<numero>/confirmation.pdf")
def confirmation(numero: str) -> Response:
    """The confirmation PDF of the current version, or of `?version=N`, as the candidate got
    it (role `lecture` and above)."""
    key = _numero(numero)
    stored = context.store().dossier(key)
    if stored is None:
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    asked = request.args.get("version") or str(stored.body["version"])
    version = integers.parse(asked, 1, VERSION_MAX)
    if version is None:
        raise ApiError(422, "filtre_invalide", msg.FILTRE_INVALIDE, errors={
            "version": [integers.bounds_message(1, VERSION_MAX)]})
    record = versions.as_version(stored.body, version)
    if record is None:
        raise ApiError(404, "version_introuvable", msg.VERSION_INTROUVABLE)
    from handler.dossier import confirmation_pdf

    session = context.session()
    response = Response(confirmation_pdf.render(record, session), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="{confirmation_pdf.filename(record, session)}"')
    return response


class ChangementSchema(Schema):
    """A status change, with the dossier version and follow-up revision the staff member saw."""

    class Meta:
        unknown = RAISE

    statut = fields.String(required=True, validate=validate.OneOf(
        list(suivi.STATUTS), error="Statut inconnu."))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    pieces_manquantes = fields.List(fields.String(validate=validate.Length(max=64)),
                                    load_default=list, validate=validate.Length(max=20))
    note = Texte(max_length=suivi.NOTE_MAX, load_default=None, allow_none=True)
    #: The dossier version printed on the signed confirmation received (its barcode's « -V2 »):
    #: required with `confirmation-recue`.
    version_papier = fields.Integer(strict=True, load_default=None, allow_none=True,
                                    validate=validate.Range(min=1, max=VERSION_MAX))


CHANGEMENT = ChangementSchema()


def _check_note(data: dict[str, Any]) -> None:
    """What a change must explain: « autre » and « incomplet » what is missing, an end its
    reason (422 `statut_invalide`)."""
    if suivi.AUTRE in data["pieces_manquantes"] and not data["note"]:
        raise ApiError(422, "statut_invalide", msg.STATUT_INVALIDE, errors={
            "note": [msg.PIECE_AUTRE_NOTE]})
    if data["statut"] == suivi.INCOMPLETE and not (data["pieces_manquantes"] or data["note"]):
        raise ApiError(422, "statut_invalide", msg.STATUT_INVALIDE, errors={
            "pieces_manquantes": [msg.PIECES_OU_NOTE]})
    if data["statut"] in (suivi.REFUSE, suivi.SANS_SUITE) and not data["note"]:
        raise ApiError(422, "statut_invalide", msg.STATUT_INVALIDE, errors={
            "note": [msg.MOTIF_OBLIGATOIRE]})


@bp.post("/dossiers/<numero>/suivi")
@auth.requires_role(roles.GESTION)
def change_status(numero: str) -> Response:
    """Change a dossier's follow-up status; emails the candidate each announced change
    (courriel_suivi)."""
    key = _numero(numero)
    data = _load(CHANGEMENT, "statut_invalide", msg.STATUT_INVALIDE)
    _check_note(data)
    notifier = context.notifier()
    # The email an announced change owes is recorded as owed with the change itself.
    changed = suivi.change(
        context.store(), key, statut=data["statut"], auteur=auth.current_staff(),
        version_vue=data["version"], revision_vue=data["revision"],
        pieces_manquantes=data["pieces_manquantes"], note=data["note"],
        version_papier=data["version_papier"], now=suivi.timestamp(context.now()),
        courriel=courriel_suivi.PENDING if notifier.enabled else None)
    new, record = changed.suivi, changed.dossier
    index.record_written(context.store(), record, follow_up=new)
    courriel = None
    if new["statut"] in suivi.ANNOUNCED:
        courriel, state = courriel_suivi.send(notifier, dossier=record, follow_up=new,
                                                  etag=changed.etag)
        if state is not None:
            new = {**new, "courriel": state}
    return jsonify({"numero": display(key), "suivi": _suivi_payload(new, record["version"]),
                    "a_revoir": suivi.a_revoir(new, record["version"]),
                    "courriel": courriel})


class ScanSchema(Schema):
    """A paper scanned at the reception desk: its barcode's text (or the number typed)."""

    class Meta:
        unknown = RAISE

    reference = fields.String(required=True, validate=validate.Length(max=60))


class AnnulationSchema(Schema):
    """Undo a desk's scan: the dossier and the follow-up revision the scan made."""

    class Meta:
        unknown = RAISE

    numero = fields.String(required=True, validate=validate.Length(max=40))
    revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


SCAN, ANNULATION = ScanSchema(), AnnulationSchema()


@bp.post("/guichet/scans")
@auth.requires_role(roles.GESTION)
def desk_scan() -> Response:
    """The reception desk: record « confirmation reçue » for the paper scanned (guichet)."""
    data = _load(SCAN, "scan_invalide", msg.GUICHET_INVALIDE)
    result = guichet.scan(context.store(), data["reference"], session=context.session(),
                          auteur=auth.current_staff(), now=suivi.timestamp(context.now()),
                          email=context.notifier().enabled)
    response = jsonify(result)
    response.status_code = 201
    return response


@bp.post("/guichet/annulations")
@auth.requires_role(roles.GESTION)
def desk_undo() -> Response:
    """Undo one of the desk's scans: the dossier's status as it was before it."""
    data = _load(ANNULATION, "annulation_invalide", msg.ANNULATION_INVALIDE)
    return jsonify(guichet.undo(context.store(), _numero(data["numero"]),
                                revision=data["revision"], auteur=auth.current_staff(),
                                now=suivi.timestamp(context.now())))


class LotDossierSchema(Schema):
    """One dossier of a bulk action, with what the agent's list showed of it."""

    class Meta:
        unknown = RAISE

    numero = fields.String(required=True, validate=validate.Length(max=40))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


class LotSchema(Schema):
    """A bulk action: one status change for up to `lot.LOT_MAX` dossiers."""

    class Meta:
        unknown = RAISE

    statut = fields.String(required=True, validate=validate.OneOf(
        list(lot.ACTIONS), error="Action inconnue : confirmation reçue ou dossier incomplet."))
    pieces_manquantes = fields.List(fields.String(validate=validate.Length(max=64)),
                                    load_default=list, validate=validate.Length(max=20))
    note = Texte(max_length=suivi.NOTE_MAX, load_default=None, allow_none=True)
    dossiers = fields.List(fields.Nested(LotDossierSchema), required=True,
                           validate=validate.Length(min=1, max=lot.LOT_MAX))


LOT = LotSchema()


@bp.post("/lots")
@auth.requires_role(roles.GESTION)
def bulk_change() -> Response:
    """The same status change for several dossiers (lot): each recorded, emailed and answered
    on its own."""
    data = _load(LOT, "lot_invalide", msg.LOT_INVALIDE)
    _check_note(data)
    results = lot.apply(context.notifier(), data["dossiers"], statut=data["statut"],
                        pieces_manquantes=data["pieces_manquantes"], note=data["note"],
                        auteur=auth.current_staff(), now=suivi.timestamp(context.now()))
    done = sum(r["enregistre"] for r in results)
    return jsonify({"resultats": results, "enregistres": done,
                    "refuses": len(results) - done})


@bp.get("/selection")
def whole_search() -> Response:
    """Every dossier of a search (the list's filters), with the version and revision each
    bulk change needs: « select the whole search »."""
    query = listing.parse_query(request.args, context.session(), moi=auth.current_staff())
    chosen = listing.select(_index().entries(), query)
    if len(chosen) > lot.SELECTION_MAX:
        raise ApiError(422, "selection_trop_grande", msg.SELECTION_TROP_GRANDE.format(
            nombre=msg.nombre(len(chosen)), maximum=msg.nombre(lot.SELECTION_MAX)))
    return jsonify({"nombre": len(chosen), "dossiers": lot.selection(chosen)})


class EffacementSchema(Schema):
    """An erasure request: the number typed again, so that nobody erases a dossier by a slip."""

    class Meta:
        unknown = RAISE

    confirmation = fields.String(required=True, validate=validate.Length(max=40))


EFFACEMENT = EffacementSchema()


@bp.post("/dossiers/<numero>/effacement")
@auth.requires_role(roles.ADMINISTRATION)
def erase(numero: str) -> Response:
    """Erase a dossier, every version of it and what is kept about it (RGPD), audited."""
    key = _numero(numero)
    data = _load(EFFACEMENT, "effacement_invalide", msg.EFFACEMENT_CONFIRMATION)
    if canonical(data["confirmation"]) != key:
        raise ApiError(422, "effacement_invalide", msg.EFFACEMENT_CONFIRMATION,
                       errors={"confirmation": [msg.EFFACEMENT_CONFIRMATION]})
    audit = erasure.erase(context.store(), key, session=context.session().code,
                          auteur=auth.current_staff(), clock=context.clock().now,
                          audit_secret=current_app.config["AUDIT_HMAC_KEY"])
    if audit is None:
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    return jsonify({"effacement": {k: audit[k] for k in (
        "auteur", "le", "versions_supprimees", "versions_index_supprimees",
        "exports_supprimes")}})


class RestitutionSchema(Schema):
    """Handing a squatted dossier back: the number typed again, the action, and the address of
    the person whose identity the bureau checked."""

    class Meta:
        unknown = RAISE

    confirmation = fields.String(required=True, validate=validate.Length(max=40))
    action = fields.String(required=True, validate=validate.OneOf(
        list(restitution.MODES), error="Action inconnue : liberer ou remplacer-courriel."))
    courriel = fields.Email(required=True, validate=validate.Length(max=EMAIL_MAX),
                            error_messages={"invalid": "Adresse électronique invalide."})


RESTITUTION = RestitutionSchema()


@bp.post("/dossiers/<numero>/restitution")
@auth.requires_role(roles.ADMINISTRATION)
def hand_back(numero: str) -> Response:
    """Hand a squatted dossier back to its owner, whose identity the bureau checked: release
    its identity, or give it the owner's address; audited, both addresses emailed (role
    `administration`)."""
    key = _numero(numero)
    data = _load(RESTITUTION, "restitution_invalide", msg.RESTITUTION_INVALIDE)
    if canonical(data["confirmation"]) != key:
        raise ApiError(422, "restitution_invalide", msg.RESTITUTION_INVALIDE,
                       errors={"confirmation": [msg.RESTITUTION_CONFIRMATION]})
    audit = restitution.hand_back(
        context.store(), context.notifier(), key, session=context.session(),
        mode=data["action"], courriel=data["courriel"], auteur=auth.current_staff(),
        now=context.now(), audit_secret=current_app.config["AUDIT_HMAC_KEY"])
    if audit is None:
        raise ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)
    return jsonify({"restitution": {k: audit[k] for k in ("mode", "auteur", "le", "courriels")}})


@bp.get("/journal")
@auth.requires_role(roles.ADMINISTRATION)
def audit_log() -> Response:
    """The erasures and hand-backs of one local day (`jour`, today by default), newest first;
    `numero`: whether that number appears (by its keyed fingerprint) (role `administration`)."""
    session = context.session()
    asked = request.args.get("jour")
    try:
        jour = (dt.date.fromisoformat(asked) if asked
                else context.now().astimezone(session.zone).date())
    except ValueError:
        raise ApiError(422, "filtre_invalide", msg.FILTRE_INVALIDE, errors={
            "jour": [msg.JOUR_INVALIDE]}) from None
    typed = request.args.get("numero", "").strip()
    numero = canonical(typed) if typed else None
    if typed and numero is None:
        raise ApiError(422, "filtre_invalide", msg.FILTRE_INVALIDE, errors={
            "numero": [msg.NUMERO_ILLISIBLE]})
    return jsonify(journal.day(context.store(), jour, session.zone, numero=numero,
                               secret=current_app.config["AUDIT_HMAC_KEY"]))


SYNC_MAX = 1000  # a CSV or XLSX of up to this many dossiers is answered at once
# A ZIP is made in parts of jobs.ZIP_PART dossiers, run side by side, then assembled in one
# invocation (about a second per 100 MB copied, ~35 KB a dossier). 25,000 (50 parts) covers a
# whole session of the académie with room to spare, and bounds how many export functions one
# click starts at once.
ZIP_MAX = 25_000


_COLUMNS_COUNT = [validate.Length(min=1, error=msg.COLONNES_AUCUNE),
                  validate.Length(max=len(columns.CHOICES))]


class ExportSchema(Schema):
    """An export request: a format, and either the list's filters (as in the list's query
    string) or the numbers of the dossiers chosen in the list, in their order; for a
    spreadsheet, the columns chosen (all by default)."""

    class Meta:
        unknown = RAISE

    format = fields.String(required=True, validate=validate.OneOf(
        [f for f in exports.FORMATS if f not in exports.ONLINE_ONLY]))
    filtres = fields.Dict(keys=fields.String(validate=validate.Length(max=20)),
                          values=fields.Raw(), load_default=None)
    # Each item checked by _one_selection, so that its error is named by its place.
    numeros = fields.List(fields.Raw(), load_default=None,
                          validate=validate.Length(max=ZIP_MAX, error=msg.EXPORT_NUMEROS_TROP
                                                   .format(maximum=msg.nombre(ZIP_MAX))))
    colonnes = fields.List(fields.Raw(), load_default=None, validate=_COLUMNS_COUNT)
    arriere_plan = fields.Boolean(load_default=False)

    @validates_schema
    def _one_selection(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("filtres") is not None and data.get("numeros") is not None:
            raise ValidationError({"numeros": [msg.EXPORT_FILTRES_ET_NUMEROS]})
        errors = {f"numeros.{i}": [msg.EXPORT_NUMERO_MALFORME.format(numero=str(typed)[:40])]
                  for i, typed in enumerate(data.get("numeros") or [])
                  if not isinstance(typed, str) or canonical(typed) is None}
        errors |= _unknown_columns(data.get("colonnes"))
        if errors:
            raise ValidationError(errors)


def _unknown_columns(keys: list[str] | None) -> dict[str, list[str]]:
    return {f"colonnes.{i}": [msg.COLONNE_INCONNUE.format(cle=str(key)[:60])]
            for i, key in enumerate(keys or [])
            if not isinstance(key, str) or key not in columns.CHOICES}


class ExportEnLigneSchema(ExportSchema):
    """An export request in a session taking pieces online: the ZIP of dossiers complets too."""

    format = fields.String(required=True, validate=validate.OneOf(list(exports.FORMATS)))


EXPORT = ExportSchema()
EXPORT_EN_LIGNE = ExportEnLigneSchema()


def _filters(raw: dict[str, Any]) -> MultiDict[str, str]:
    args: MultiDict[str, str] = MultiDict()
    for name, value in raw.items():
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str | int) or isinstance(item, bool):
                raise ApiError(422, "export_invalide", msg.EXPORT_INVALIDE,
                               errors={f"filtres.{name}": ["Texte attendu."]})
            args.add(name, str(item))
    return args


def _selection(data: dict[str, Any]) -> tuple[Sequence[Mapping[str, Any]], int]:
    """The index entries to export, in order, and how many numbers asked were left out (not or
    no longer registered: erased, or never; a number given twice counts once)."""
    entries = _index().entries()
    if data["numeros"] is None:
        query = listing.parse_query(_filters(data["filtres"] or {}), context.session(),
                                    moi=auth.current_staff())
        return listing.select(entries, query), 0
    by_numero = {e["numero"]: e for e in entries}
    asked = list(dict.fromkeys(n for n in map(canonical, data["numeros"]) if n))
    chosen = [by_numero[n] for n in asked if n in by_numero]
    return chosen, len(asked) - len(chosen)


@bp.post("/exports")
def start_export() -> Response:
    """Export the filtered list, or the dossiers chosen by number: the file at once when it
    fits, else a background job (202); a ZIP or the PDF to print, always in the background."""
    session = context.session()
    data = _load(EXPORT_EN_LIGNE if session.retour_en_ligne else EXPORT, "export_invalide",
                 msg.EXPORT_INVALIDE)
    selection, ignored = _selection(data)
    numeros = [e["numero"] for e in selection]
    followed = [e["numero"] for e in selection if e["revision"] > 0]
    fmt = data["format"]
    if fmt in exports.BACKGROUND and len(numeros) > ZIP_MAX:
        raise ApiError(422, "export_trop_volumineux", msg.EXPORT_TROP_GRAND.format(
            format=msg.FORMAT_LIBELLES[fmt], nombre=msg.nombre(len(numeros)),
            maximum=msg.nombre(ZIP_MAX)))
    if fmt not in exports.BACKGROUND and len(numeros) <= SYNC_MAX and not data["arriere_plan"]:
        body = io.BytesIO()
        exports.export(context.store(), session, numeros, fmt, body, followed=set(followed),
                       colonnes=data["colonnes"])
        # content_type, not mimetype: Flask would add a second charset to « text/csv; charset ».
        response = Response(body.getvalue(), content_type=exports.FORMATS[fmt][0])
        name = exports.filename(session, fmt, now=dt.datetime.now(session.zone))
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["X-Nombre-Dossiers"] = str(len(numeros))
        response.headers["X-Nombre-Ignores"] = str(ignored)
        return response
    job_id = jobs.create(context.store(), fmt=fmt, numeros=numeros, auteur=auth.current_staff(),
                         followed=followed, colonnes=data["colonnes"], ignores=ignored)
    jobs.start(current_app.extensions["export_runner"], context.store(), job_id)
    response = jsonify(jobs.status(context.store(), job_id))
    response.status_code = 202
    response.headers["Location"] = f"/api/staff/exports/{job_id}"
    return response


@bp.get("/exports/<job_id>")
def export_status(job_id: str) -> Response:
    """A background export's state, with a short-lived download link once ready."""
    state = jobs.status(context.store(), job_id)
    if state is None:
        raise ApiError(404, "export_introuvable", msg.EXPORT_INTROUVABLE)
    return jsonify(state)


class PreferencesSchema(Schema):
    """A staff member's preferences: the spreadsheet's columns (null: every column)."""

    class Meta:
        unknown = RAISE

    colonnes = fields.List(fields.Raw(), required=True, allow_none=True,
                           validate=_COLUMNS_COUNT)

    @validates_schema
    def _known(self, data: dict[str, Any], **kwargs: Any) -> None:
        if errors := _unknown_columns(data.get("colonnes")):
            raise ValidationError(errors)


PREFERENCES = PreferencesSchema()


@bp.get("/preferences")
def read_preferences() -> Response:
    """The signed-in staff member's own preferences, and the columns to choose from (role
    `lecture` and above: they are the agent's own)."""
    return jsonify(preferences.read(context.store(), auth.current_staff()))


@bp.put("/preferences")
def save_preferences() -> Response:
    """Record the signed-in staff member's choice of columns, kept for every computer."""
    data = _load(PREFERENCES, "preferences_invalides", msg.PREFERENCES_INVALIDES)
    return jsonify(preferences.save(context.store(), auth.current_staff(),
                                    colonnes=data["colonnes"]))
