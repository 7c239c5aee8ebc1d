"""Who may register as an individual candidate, and in which establishment."""

from __future__ import annotations

import datetime as dt
import unicodedata

from shared_rules.session import Etablissement, Session


def last_adult_birth_date(session: Session) -> dt.date:
    """The latest birth date that is still of age on the session's reference date.

    Notice: « Seuls les candidats majeurs au 31 décembre de l'année de l'examen, soit au
    31/12/2021 » — someone born on 31/12/2003 turns 18 that very day.
    """
    au = session.majorite_au
    try:
        return au.replace(year=au.year - session.majorite_age)
    except ValueError:  # a reference date of 29 February
        return au.replace(year=au.year - session.majorite_age, day=28)


def is_adult_in_time(birth_date: dt.date, session: Session) -> bool:
    """True when the candidate is of age on the session's reference date."""
    return birth_date <= last_adult_birth_date(session)


def establishment_for(departement: str, session: Session) -> Etablissement | None:
    """The establishment of individual candidates for a département of residence, or None when
    the département is outside the académie."""
    found = session.departement(departement)
    return found.etablissement if found else None


def names_establishment(given: str, expected: Etablissement) -> bool:
    """True when `given` is the establishment's code (« IND-87 ») or its label as the notice
    writes it (« Individuels Haute-Vienne »), in any case, with or without accents."""
    return given == expected.code or " ".join(_fold_accents(given).replace("-", " ").split()) \
        == " ".join(_fold_accents(expected.libelle).replace("-", " ").split())


def _fold_accents(text: str) -> str:
    """Lower case without accents: « Enseignement à distance » → « enseignement a distance »."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").casefold()


def is_distance_learning(establishment: str, session: Session) -> bool:
    """True for CNED or distance learning, which the notice refuses to adult candidates, with or
    without accents (« enseignement a distance » too)."""
    folded = _fold_accents(establishment)
    return any(_fold_accents(word) in folded for word in session.etablissements_refuses_aux_majeurs)


def postcode_matches(code_postal: str, departement: str) -> bool:
    """A French postcode usually starts with its département's number (Corsica: 20). Usually
    only: some communes use a neighbouring département's postcode, and CEDEX codes exist."""
    prefix = "20" if departement in ("2A", "2B") else departement
    return code_postal.startswith(prefix)


def postcode_warning(code_postal: str, departement: str, session: Session) -> str | None:
    """The question to ask when a postcode is not the usual one of the département of residence
    (None when it is, or when the département is outside the académie: that is refused)."""
    from shared_rules import messages as msg

    residence = session.departement(departement)
    if residence is None or postcode_matches(code_postal, departement):
        return None
    usual = next((d for d in session.departements if postcode_matches(code_postal, d.code)), None)
    if usual is not None:
        return msg.CODE_POSTAL_AUTRE_DEPARTEMENT.format(de=usual.de, en=residence.en)
    names = ", ".join(f"{d.nom} ({d.code})" for d in session.departements)
    voisin = next((de for code, de in session.departements_voisins
                   if postcode_matches(code_postal, code)), None)
    if voisin is not None:
        return msg.CODE_POSTAL_VOISIN.format(de=voisin, en=residence.en,
                                             academie=session.academie_libelle,
                                             departements=names)
    return msg.CODE_POSTAL_HORS_ACADEMIE.format(
        academie=session.academie_libelle, departements=names, en=residence.en)
