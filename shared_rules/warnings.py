"""Warnings: what the service asks the candidate to check, never refuses.

The principle (issue 24): a rule refuses only what the notice, or a text it cites, forbids;
whatever else the service doubts is a warning. A warning is shown beside its field and on the
review, the candidate may correct the answer or keep it, and the bureau sees it on the list and
the dossier; `validate` ignores it. They are judged on the fields that have the right shape.

- `contact.code_postal`: a postcode that is not the usual one of the département of residence
  (some communes use a neighbour's postcode, CEDEX codes exist); the candidate confirms it
  (`contact.confirmation_residence`).
- `etat_civil.date_naissance`: papers with no day, or no month (said, for the bureau to check);
  a majority the missing day leaves uncertain; a year before 1900.
- `etat_civil.sans_prenom`: no first name at all, for the bureau to check.
- `etat_civil.nom_naissance`, `nom_usage`, `prenoms.N`: a name arranged unusually (« Jean- »).
- `dispenses.N.annee`, `benefices.N.annee`: a year before the candidate turned the session's
  minimum age (14: a plausibility bound of the team's, not a rule of the notice).
- `epreuves_facultatives.N.langue`: the compulsory unit's language again (no source forbids it).
- `langue_vivante_autre`, `epreuves_facultatives.N.langue_autre`: a language outside the form's
  (unconfirmed) list, for the bureau to check it can be examined.
- `specialite_autre`: a label typed by hand that names a speciality of the list.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shared_rules import birth_date
from shared_rules import messages as msg
from shared_rules.dates_fr import date_courte
from shared_rules.eligibility import last_adult_birth_date, postcode_warning
from shared_rules.libelles import listed_speciality
from shared_rules.names import comparison_key, is_usual_name
from shared_rules.session import PREMIERE_ANNEE_NAISSANCE, Session
from shared_rules.unconfirmed import LANGUE_AUTRE

Found = Iterator[tuple[str, str]]

#: What each warning is about, in the bureau's words (the list's « À vérifier : … »), by the
#: first parts of its field path.
SUBJECTS = {
    "contact.code_postal": "résidence",
    "etat_civil.date_naissance": "date de naissance",
    "etat_civil.sans_prenom": "sans prénom",
    "etat_civil.nom_naissance": "nom de naissance",
    "etat_civil.nom_usage": "nom d'usage",
    "etat_civil.prenoms": "prénoms",
    "dispenses": "dispenses",
    "benefices": "notes conservées",
    "epreuves_facultatives": "langues",
    "langue_vivante_autre": "langues",
    "specialite_autre": "spécialité",
}


def check_warnings(data: dict[str, Any], session: Session) -> dict[str, list[str]]:
    """Warnings by field path, from the fields of a dossier that have the right shape."""
    warnings: dict[str, list[str]] = {}
    for path, message in _all(data, session):
        warnings.setdefault(path, []).append(message)
    return warnings


#: Warnings on an item of these lists are judged only when the whole list has the right shape
#: (an item that failed moves the others' positions).
_LISTS = ("dispenses", "benefices", "epreuves_facultatives", "etat_civil.prenoms")


def in_scope(error: str, warning: str) -> bool:
    """Whether a shape error on `error` leaves the warning on `warning` unjudged: the error is on
    the warning's field, inside it, on a group holding it, or on its list."""
    scope = next((name for name in _LISTS if warning.startswith(name + ".")), warning)
    return error == scope or error.startswith(scope + ".") or scope.startswith(error + ".")


def subjects(warnings: dict[str, list[str]]) -> list[str]:
    """The warnings' subjects, each once, in the order of SUBJECTS (the bureau's list)."""
    found = {subject for path in warnings for prefix, subject in SUBJECTS.items()
             if path == prefix or path.startswith(prefix + ".")}
    return [subject for subject in dict.fromkeys(SUBJECTS.values()) if subject in found]


def _all(data: dict[str, Any], session: Session) -> Found:
    yield from _residence(data, session)
    etat_civil = data.get("etat_civil") or {}
    yield from _birth_date(etat_civil, session)
    if etat_civil.get("sans_prenom") and not etat_civil.get("prenoms"):
        yield "etat_civil.sans_prenom", msg.SANS_PRENOM
    for field in ("nom_naissance", "nom_usage"):
        if isinstance(name := etat_civil.get(field), str) and not is_usual_name(name):
            yield f"etat_civil.{field}", msg.NOM_INHABITUEL
    for i, name in enumerate(etat_civil.get("prenoms") or []):
        if isinstance(name, str) and not is_usual_name(name):
            yield f"etat_civil.prenoms.{i}", msg.NOM_INHABITUEL
    yield from _years(data, session)
    yield from _languages(data)
    yield from _speciality(data, session)


def _residence(data: dict[str, Any], session: Session) -> Found:
    contact = data.get("contact") or {}
    postcode, departement = contact.get("code_postal"), contact.get("departement")
    if postcode and departement and (message := postcode_warning(postcode, departement, session)):
        yield "contact.code_postal", message


def _birth_date(etat_civil: dict[str, Any], session: Session) -> Found:
    born = birth_date.parse(etat_civil.get("date_naissance"))
    if born is None:
        return
    path = "etat_civil.date_naissance"
    if born.month is None:
        yield path, msg.DATE_NAISSANCE_SANS_JOUR_NI_MOIS
    elif born.day is None:
        yield path, msg.DATE_NAISSANCE_SANS_JOUR
    limit = last_adult_birth_date(session)
    if born.earliest <= limit < born.latest:  # of age or not, by the day the papers lack
        yield path, msg.MAJORITE_INCERTAINE.format(date=date_courte(session.majorite_au))
    if born.year < PREMIERE_ANNEE_NAISSANCE:
        yield path, msg.DATE_NAISSANCE_INVRAISEMBLABLE.format(annee=PREMIERE_ANNEE_NAISSANCE)


def _years(data: dict[str, Any], session: Session) -> Found:
    """A diploma or a kept grade dated before the candidate turned the minimum age: doubtful,
    not impossible (a diploma before the birth year is refused, by the rules)."""
    born = birth_date.parse((data.get("etat_civil") or {}).get("date_naissance"))
    if born is None or born.earliest > last_adult_birth_date(session):
        return  # no birth date to compare with, or one the majority rule refuses
    age = session.dispenses_age_minimum
    earliest = born.year + age
    for kind, template in (("dispenses", msg.DIPLOME_TROP_TOT),
                           ("benefices", msg.BENEFICE_TROP_TOT)):
        for i, item in enumerate(data.get(kind) or []):
            annee = item.get("annee") if isinstance(item, dict) else None
            if isinstance(annee, int) and born.year <= annee < earliest:
                yield f"{kind}.{i}.annee", template.format(annee=annee, age=age)


def _language_key(code: Any, label: Any) -> str | None:
    if not isinstance(code, str):
        return None
    return f"autre:{comparison_key(label)}" if code == LANGUE_AUTRE and isinstance(label, str) \
        else code


def _languages(data: dict[str, Any]) -> Found:
    compulsory = _language_key(data.get("langue_vivante"), data.get("langue_vivante_autre"))
    if data.get("langue_vivante") == LANGUE_AUTRE and data.get("langue_vivante_autre"):
        yield "langue_vivante_autre", msg.LANGUE_HORS_LISTE.format(
            langue=data["langue_vivante_autre"])
    for i, epreuve in enumerate(data.get("epreuves_facultatives") or []):
        if not isinstance(epreuve, dict):
            continue
        if epreuve.get("langue") == LANGUE_AUTRE and epreuve.get("langue_autre"):
            yield (f"epreuves_facultatives.{i}.langue_autre",
                   msg.LANGUE_HORS_LISTE.format(langue=epreuve["langue_autre"]))
        optional = _language_key(epreuve.get("langue"), epreuve.get("langue_autre"))
        if compulsory is not None and optional == compulsory:
            yield f"epreuves_facultatives.{i}.langue", msg.FACULTATIVE_MEME_LANGUE


def _speciality(data: dict[str, Any], session: Session) -> Found:
    specialite = session.specialite(str(data.get("specialite")))
    if specialite is None or not specialite.autre:
        return
    if (listed := listed_speciality(data.get("specialite_autre"), session)) is not None:
        yield "specialite_autre", msg.SPECIALITE_AUTRE_DANS_LA_LISTE.format(
            libelle=listed.libelle)
