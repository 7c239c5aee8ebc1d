"""The schema library's own messages, in French, once for every schema of the service.

marshmallow answers in English when a field or validator is given no message of its own
(« Missing data for required field. », « Must be one of: csv, xlsx, zip. »). Importing
`shared_rules` applies `translate()`, so the candidate's and the staff's schemas alike never
leak English; a field or validator given its own message keeps it. A schema's own messages
(an unknown key, a body that is not an object) are French too.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from shared_rules import messages as msg

#: Field class → its default messages, in French (the keys are marshmallow's).
FIELD_MESSAGES: dict[type[fields.Field[Any]], dict[str, str]] = {
    fields.Field: {"required": msg.OBLIGATOIRE, "null": msg.NUL,
                   "validator_failed": "Valeur non valide : corrigez-la."},
    fields.Nested: {"type": msg.OBJET_ATTENDU},
    fields.List: {"invalid": msg.LISTE_ATTENDUE},
    fields.Tuple: {"invalid": msg.LISTE_ATTENDUE},
    fields.String: {"invalid": msg.TEXTE_ATTENDU, "invalid_utf8": msg.TEXTE_ILLISIBLE},
    fields.Number: {"invalid": "Saisissez un nombre en chiffres.",
                    "too_large": "Ce nombre est trop grand."},
    fields.Integer: {"invalid": "Saisissez un nombre entier en chiffres."},
    fields.Float: {"special": "Saisissez un nombre en chiffres."},
    fields.Boolean: {"invalid": msg.BOOLEEN_ATTENDU},
    fields.Date: {"invalid": msg.DATE_ATTENDUE, "format": msg.DATE_ATTENDUE,
                  "invalid_awareness": msg.DATE_ATTENDUE},
    fields.DateTime: {"invalid": "Saisissez une date et une heure valides.",
                      "format": "Saisissez une date et une heure valides.",
                      "invalid_awareness": "Saisissez une date et une heure avec leur fuseau."},
    fields.Mapping: {"invalid": msg.OBJET_ATTENDU},
    fields.Email: {"invalid": "Adresse électronique invalide : vérifiez-la."},
    fields.Url: {"invalid": "Adresse web invalide : vérifiez-la."},
    fields.Enum: {"unknown": "Choisissez une de ces valeurs : {choices}."},
}
ONE_OF = "Choisissez une de ces valeurs : {choices}."
SCHEMA_MESSAGES = {"unknown": msg.CHAMP_INCONNU, "type": msg.OBJET_ATTENDU}


def translate() -> None:
    """Give marshmallow's fields and validators their French default messages (idempotent)."""
    for cls, messages in FIELD_MESSAGES.items():
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    validate.OneOf.default_message = ONE_OF
    validate.ContainsOnly.default_message = "Choisissez parmi ces valeurs : {choices}."
    validate.NoneOf.default_message = "Valeur non admise : corrigez-la."
    validate.Equal.default_message = "La valeur attendue est {other}."
    validate.Regexp.default_message = "Format non valide : corrigez la saisie."
    validate.Predicate.default_message = "Valeur non valide : corrigez-la."
    validate.Email.default_message = "Adresse électronique invalide : vérifiez-la."
    validate.URL.default_message = "Adresse web invalide : vérifiez-la."
    validate.Length.message_min = "Trop court : {min} caractère(s) ou élément(s) au moins."
    validate.Length.message_max = "Trop long : {max} caractère(s) ou élément(s) au plus."
    validate.Length.message_all = "Longueur attendue : de {min} à {max}."
    validate.Length.message_equal = "Longueur attendue : {equal}."
    validate.Range.message_min = "Saisissez une valeur {min_op} {{min}}."
    validate.Range.message_max = "Saisissez une valeur {max_op} {{max}}."
    validate.Range.message_all = "Saisissez une valeur {min_op} {{min}} et {max_op} {{max}}."
    validate.Range.message_gte = "supérieure ou égale à"
    validate.Range.message_gt = "supérieure à"
    validate.Range.message_lte = "inférieure ou égale à"
    validate.Range.message_lt = "inférieure à"
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA_MESSAGES}


translate()

