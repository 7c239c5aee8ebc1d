"""The dossier's shape: types, formats and lengths, with French messages.

These schemas judge each field alone; the rules of the session (who may register, which EPS
pair, which pieces…) are in `shared_rules.rules`, applied to what these schemas load. Loading
returns a JSON-ready dict: names folded and in NFC, dates as `YYYY-MM-DD` strings.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from shared_rules import birth_date, email_address, telephone
from shared_rules import messages as msg
from shared_rules.names import fold_lines, fold_spaces, is_valid_name
from shared_rules.session import PREMIERE_ANNEE_NAISSANCE
from shared_rules.text import describe, unstorable

# Limits: generous for real data, small enough to keep a dossier far below the request limit.
NOM_MAX = 80
LIEU_MAX = 100
ADRESSE_MAX = 200
EMAIL_MAX = 254
DIPLOME_MAX = 150
SPECIALITE_AUTRE_MAX = 150
LANGUE_AUTRE_MAX = 60
PRECISIONS_MAX = 1000
CODE_MAX = 64
#: No civil-status rule bounds the number of first names (issue 24: 11 and more are real). The
#: staff's spreadsheet gives each its own column and the PDF prints them on the identity line,
#: so the bound is theirs: 20 columns, a line or two of the PDF.
PRENOMS_MAX = 20
LISTE_MAX = 10
#: Below this, a birth date is a warning the candidate confirms, never a refusal.
DATE_NAISSANCE_MIN = dt.date(PREMIERE_ANNEE_NAISSANCE, 1, 1)

#: The metadata of a field the schema lets be empty but the form asks only where a rule of the
#: session requires it (shared_rules.mandatory): asked, it must be answered.
REQUIRED_WHEN_ASKED = "required_when_asked"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE_POSTAL = re.compile(r"^[0-9]{5}$")
_TELEPHONE = re.compile(r"^(0[0-9]{9}|\+[0-9]{8,15})$")
_DEPARTEMENT = re.compile(r"^([0-9]{2}|2[AB]|97[0-9])$")


def _messages(**specific: str) -> dict[str, Any]:
    return {"required": msg.OBLIGATOIRE, "null": msg.NUL, **specific}


def _missing(message: str) -> dict[str, str]:
    """A required field's own message, absent or null alike (issue 29: « Ce champ est
    obligatoire » didn't say which part of a line was missing)."""
    return {"required": message, "null": message}


def _french(kwargs: dict[str, Any], **specific: str) -> None:
    """A field's French messages, under those the caller gives (which win, one by one)."""
    kwargs["error_messages"] = {**_messages(**specific), **kwargs.get("error_messages", {})}


class Texte(fields.String):
    """Free text on one line: trimmed, runs of spaces (tabs and line breaks included) folded to
    one space. Every printable character is accepted; only what can't be stored or shown
    (`shared_rules.text.unstorable`) is refused, with a message naming it. Empty, an optional
    text (`allow_none`) is None; a required one gets `required_message`."""

    def __init__(self, *, max_length: int, required_message: str = msg.OBLIGATOIRE,
                 **kwargs: Any) -> None:
        _french(kwargs, invalid=msg.TEXTE_ATTENDU)
        kwargs["error_messages"]["required"] = required_message
        super().__init__(**kwargs)
        self.max_length = max_length
        self.required_message = required_message

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if (char := unstorable(text)) is not None:
            raise ValidationError(msg.TEXTE_CARACTERE.format(caractere=describe(char)))
        text = self._fold(text)
        if not text:
            if self.allow_none:  # an optional text left empty is no text
                return None
            raise ValidationError(self.required_message)
        if len(text) > self.max_length:
            raise ValidationError(msg.TEXTE_TROP_LONG.format(max=self.max_length))
        return self._check(text)

    def _fold(self, text: str) -> str:
        return fold_spaces(text)

    def _check(self, text: str) -> str:
        return text


class TexteLong(Texte):
    """Free text on several lines (« Précisions sur votre demande »): line breaks kept, each
    line folded like a one-line text, runs of empty lines folded to one."""

    def _fold(self, text: str) -> str:
        return fold_lines(text)


class Nom(Texte):
    """A family name or a first name, as in civil status (`names.is_valid_name`)."""

    def __init__(self, *, prenom: bool = False, **kwargs: Any) -> None:
        super().__init__(max_length=NOM_MAX, **kwargs)
        self.prenom = prenom

    def _check(self, text: str) -> str:
        if not is_valid_name(text):
            # « Marie, Louise » in one box: the way out is one first name per box.
            raise ValidationError(msg.PRENOM_VIRGULE if self.prenom and "," in text
                                  else msg.NOM_CARACTERES)
        return text


class Lieu(Texte):
    """A place name as papers write it (« Washington, D.C. », « 's-Hertogenbosch »,
    « Paris 15e »): free text with at least one letter."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=LIEU_MAX, **kwargs)

    def _check(self, text: str) -> str:
        if not any(unicodedata.category(c).startswith("L") for c in text):
            raise ValidationError(msg.LIEU_SANS_LETTRE)
        return text


class Code(fields.String):
    """A code chosen from a list of the session data (checked by the rules)."""

    def __init__(self, **kwargs: Any) -> None:
        _french(kwargs, invalid=msg.CHOIX_INCONNU)
        kwargs.setdefault("validate", validate.Length(max=CODE_MAX, error=msg.CHOIX_INCONNU))
        super().__init__(**kwargs)


class Motif(fields.String):
    """A short string that must match a pattern once spaces are removed."""

    def __init__(self, pattern: re.Pattern[str], error: str, *, strip: str = " ",
                 **kwargs: Any) -> None:
        _french(kwargs, invalid=error)
        super().__init__(**kwargs)
        self.pattern, self.error, self.strip = pattern, error, strip

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        compact = text.translate({ord(c): None for c in self.strip}).upper()
        # fullmatch: `$` alone would let a trailing newline through ("87000\n").
        if len(text) > 40 or not self.pattern.fullmatch(compact):
            raise ValidationError(self.error)
        return compact


class Telephone(Motif):
    """A phone number; « +33 (0)6… » loses its bracketed trunk 0 (shared_rules.telephone)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = telephone.without_trunk_zero(value)
        return super()._deserialize(value, attr, data, **kwargs)


class DateIso(fields.Field[str]):
    """A calendar date written `YYYY-MM-DD`, kept as that string."""

    default_error_messages = _messages(invalid=msg.DATE_ATTENDUE)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise self.make_error("invalid")
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError as exc:
            raise self.make_error("invalid") from exc


class DateNaissance(fields.Field[str]):
    """A birth date as the papers show it: `YYYY-MM-DD`, or `YYYY-MM` and `YYYY` when they carry
    no day, or no day and no month (`shared_rules.birth_date`), kept as that string."""

    default_error_messages = _messages(invalid=msg.DATE_NAISSANCE_ATTENDUE)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        born = birth_date.parse(value)
        if born is None:
            raise self.make_error("invalid")
        return born.iso()


class Booleen(fields.Boolean):
    """true or false, and nothing else (no "yes", no 1)."""

    def __init__(self, **kwargs: Any) -> None:
        _french(kwargs, invalid=msg.BOOLEEN_ATTENDU)
        super().__init__(truthy={True}, falsy={False}, **kwargs)


class Entier(fields.Integer):
    def __init__(self, **kwargs: Any) -> None:
        _french(kwargs, invalid=msg.ENTIER_ATTENDU)
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Note(fields.Float):
    def __init__(self, **kwargs: Any) -> None:
        _french(kwargs, invalid=msg.NOMBRE_ATTENDU, special=msg.NOMBRE_ATTENDU)
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Liste(fields.List[Any]):
    def __init__(self, inner: fields.Field[Any], *, max_length: int = LISTE_MAX,
                 too_long_message: str = msg.LISTE_TROP_LONGUE, **kwargs: Any) -> None:
        _french(kwargs, invalid=msg.LISTE_ATTENDUE)
        validators = [validate.Length(max=max_length,
                                      error=too_long_message.format(max=max_length))]
        super().__init__(inner, validate=validators + list(kwargs.pop("validate", [])), **kwargs)


class Groupe(fields.Nested):
    def __init__(self, nested: type[Schema], **kwargs: Any) -> None:
        _french(kwargs, type=msg.OBJET_ATTENDU)
        super().__init__(nested, **kwargs)


class _Strict(Schema):
    """Unknown keys are errors, reported on the key itself."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": msg.CHAMP_INCONNU, "type": msg.OBJET_ATTENDU}


class EtatCivilSchema(_Strict):
    """Civil status, exactly as the diploma will be printed."""

    nom_naissance = Nom(required=True, required_message=msg.NOM_NAISSANCE_OBLIGATOIRE)
    #: Married or usage name, if any (left empty: none).
    nom_usage = Nom(load_default=None, allow_none=True)
    #: Every first name, in civil-status order; none with `sans_prenom` (shared_rules.rules).
    prenoms = Liste(
        Nom(required_message=msg.PRENOM_VIDE, prenom=True),
        max_length=PRENOMS_MAX,
        too_long_message=msg.PRENOMS_TROP_NOMBREUX,
        required=True,
        error_messages=_messages(required=msg.PRENOMS_OBLIGATOIRES, invalid=msg.LISTE_ATTENDUE),
    )
    #: « Je n'ai pas de prénom à l'état civil »: some people have a single name (issue 24).
    sans_prenom = Booleen(load_default=False)
    #: "F" or "M", as in civil status.
    sexe = fields.String(required=True, validate=validate.OneOf(["F", "M"], error=msg.SEXE_CHOIX),
                         error_messages=_messages(invalid=msg.SEXE_CHOIX, required=msg.SEXE_CHOIX))
    #: YYYY-MM-DD, or YYYY-MM / YYYY when the papers carry no day / no day and no month.
    date_naissance = DateNaissance(required=True,
                                   error_messages={"required": msg.DATE_NAISSANCE_OBLIGATOIRE})
    commune_naissance = Lieu(required=True, required_message=msg.COMMUNE_NAISSANCE_OBLIGATOIRE)
    pays_naissance = Lieu(required=True, required_message=msg.PAYS_NAISSANCE_OBLIGATOIRE)

    @validates_schema
    def _first_names_or_none(self, data: dict[str, Any], **kwargs: Any) -> None:
        """At least one first name, unless the candidate says they have none; not both."""
        if data.get("sans_prenom") and data.get("prenoms"):
            raise ValidationError({"sans_prenom": [msg.SANS_PRENOM_ET_PRENOMS]})
        if not data.get("sans_prenom") and data.get("prenoms") == []:
            raise ValidationError({"prenoms": [msg.PRENOMS_OBLIGATOIRES]})


def _deliverable(address: str) -> None:
    """What mail can't be sent to (shared_rules.email_address), once the syntax and the length
    checks pass (they give their own message)."""
    try:
        validate.Email()(address)
    except ValidationError:
        return
    if len(address) <= EMAIL_MAX and (message := email_address.reason(address)):
        raise ValidationError(message)


class ContactSchema(_Strict):
    """How the service and the Rectorat reach the candidate."""

    #: Mandatory (notice: « Une adresse mail doit impérativement être renseignée »).
    email = fields.Email(
        required=True,
        validate=[validate.Length(max=EMAIL_MAX, error=msg.EMAIL_INVALIDE), _deliverable],
        error_messages=_messages(required=msg.EMAIL_OBLIGATOIRE, null=msg.EMAIL_OBLIGATOIRE,
                                 invalid=msg.EMAIL_INVALIDE),
    )
    #: Optional; stored without spaces, dots or dashes.
    telephone = Telephone(_TELEPHONE, msg.TELEPHONE_INVALIDE, strip=" .-", load_default=None,
                      allow_none=True)
    adresse = Texte(max_length=ADRESSE_MAX, required=True,
                    required_message=msg.ADRESSE_OBLIGATOIRE)
    code_postal = Motif(_CODE_POSTAL, msg.CODE_POSTAL_INVALIDE, required=True,
                        error_messages={"required": msg.CODE_POSTAL_OBLIGATOIRE,
                                        "null": msg.CODE_POSTAL_OBLIGATOIRE})
    commune = Lieu(required=True, required_message=msg.COMMUNE_OBLIGATOIRE)
    #: Two-character code of the département of residence ("19", "23", "87").
    departement = Motif(_DEPARTEMENT, msg.CHOIX_INCONNU, required=True,
                        error_messages={"required": msg.DEPARTEMENT_OBLIGATOIRE,
                                        "null": msg.DEPARTEMENT_OBLIGATOIRE})
    #: The candidate confirms residing in that département although the postcode is usually
    #: another one's (shared_rules.warnings); recorded, never required.
    confirmation_residence = Booleen()


class EpsSchema(_Strict):
    """EPS: exempted, or exactly two activities forming an allowed pair."""

    dispense = Booleen(required=True)
    activites = Liste(Code(), max_length=5, load_default=list)


class EpreuveFacultativeSchema(_Strict):
    """An optional unit; `langue` only for the optional language unit, `langue_autre` (its
    label, typed) only with the language « autre » (shared_rules.rules)."""

    unite = Code(required=True)
    langue = Code(load_default=None, allow_none=True, metadata={REQUIRED_WHEN_ASKED: True})
    langue_autre = Texte(max_length=LANGUE_AUTRE_MAX, load_default=None, allow_none=True,
                         metadata={REQUIRED_WHEN_ASKED: True})


class DispenseSchema(_Strict):
    """An exemption from a unit, on the strength of a diploma already held."""

    unite = Code(required=True, error_messages=_missing(msg.DISPENSE_UNITE_OBLIGATOIRE))
    diplome = Texte(max_length=DIPLOME_MAX, required=True,
                    required_message=msg.DISPENSE_DIPLOME_OBLIGATOIRE)
    annee = Entier(required=True, error_messages=_missing(msg.DISPENSE_ANNEE_OBLIGATOIRE))


class BeneficeSchema(_Strict):
    """A grade of 10/20 or more kept from an earlier session (year of that session)."""

    unite = Code(required=True, error_messages=_missing(msg.BENEFICE_UNITE_OBLIGATOIRE))
    annee = Entier(required=True, error_messages=_missing(msg.BENEFICE_ANNEE_OBLIGATOIRE))
    note = Note(required=True, error_messages=_missing(msg.BENEFICE_NOTE_OBLIGATOIRE))


class AmenagementSchema(_Strict):
    """An accommodation request; `decision_anterieure` if one was granted at an earlier session."""

    demande = Booleen(required=True)
    decision_anterieure = Booleen(load_default=False)
    precisions = TexteLong(max_length=PRECISIONS_MAX, load_default=None, allow_none=True)


class RattrapageSchema(_Strict):
    """For a resit speciality: the year of the failed session."""

    annee_echec = Entier(required=True)


class DossierSchema(_Strict):
    """A candidate's pre-registration dossier for one session."""

    #: Session code, e.g. "cap-limoges-2021-06".
    session = Code(required=True)
    #: Speciality code from the session data.
    specialite = Code(required=True, error_messages=_messages(required=msg.SPECIALITE_OBLIGATOIRE))
    #: The speciality's label as the candidate writes it, only with « autre » (not in the list).
    specialite_autre = Texte(max_length=SPECIALITE_AUTRE_MAX, load_default=None, allow_none=True,
                             metadata={REQUIRED_WHEN_ASKED: True})
    etat_civil = Groupe(EtatCivilSchema, required=True)
    contact = Groupe(ContactSchema, required=True)
    #: Derived from contact.departement; optional, but a value that disagrees is an error.
    etablissement = Code(load_default=None, allow_none=True)
    #: "globale" (recommended) or "progressive".
    forme_passage = Code(required=True, error_messages=_messages(required=msg.FORME_CHOIX))
    #: In progressive form, the units sat this session (unit codes); empty in global form.
    unites_presentees = Liste(Code(), load_default=list, metadata={REQUIRED_WHEN_ASKED: True})
    eps = Groupe(EpsSchema, required=True)
    #: Language of the compulsory language unit, when the speciality has one. Required only
    #: where the speciality's unit is confirmed (rules._langues): the form reads that itself.
    langue_vivante = Code(load_default=None, allow_none=True)
    #: With the language « autre » only: its label, as the candidate writes it.
    langue_vivante_autre = Texte(max_length=LANGUE_AUTRE_MAX, load_default=None, allow_none=True,
                                 metadata={REQUIRED_WHEN_ASKED: True})
    epreuves_facultatives = Liste(Groupe(EpreuveFacultativeSchema), max_length=3,
                                  load_default=list)
    dispenses = Liste(Groupe(DispenseSchema), load_default=list)
    benefices = Liste(Groupe(BeneficeSchema), load_default=list)
    amenagement = Groupe(AmenagementSchema,
                         load_default=lambda: {"demande": False, "decision_anterieure": False,
                                               "precisions": None})
    rattrapage = Groupe(RattrapageSchema, load_default=None, allow_none=True,
                        metadata={REQUIRED_WHEN_ASKED: True})
    #: The candidate certifies the names are typed exactly as in civil status; must be true.
    attestation_exactitude = Booleen(
        required=True,
        validate=validate.Equal(True, error=msg.ATTESTATION_EXACTITUDE),
        error_messages=_messages(required=msg.ATTESTATION_EXACTITUDE),
    )


DOSSIER_SCHEMA = DossierSchema()
