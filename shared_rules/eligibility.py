"""Who may register as an individual candidate, and in which establishment."""

from __future__ import annotations

import datetime as dt

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


def is_distance_learning(establishment: str, session: Session) -> bool:
    """True for CNED or distance learning, which the notice refuses to adult candidates."""
    folded = establishment.casefold()
    return any(word.casefold() in folded for word in session.etablissements_refuses_aux_majeurs)


def postcode_matches(code_postal: str, departement: str) -> bool:
    """A French postcode starts with its département's number (Corsica: 20)."""
    prefix = "20" if departement in ("2A", "2B") else departement
    return code_postal.startswith(prefix)
