"""The one principle for facts marked `a_confirmer`: they may inform, warn or record, never refuse.

A fact of the session data that no source confirms yet (is a language compulsory in this
speciality? which optional units does it open? which languages does the académie examine?) is
shown « à confirmer » wherever it is used, and a rule reads it only through `for_judging`: while
the fact is unconfirmed, the rule gets the most permissive value, so that the fact's value
cannot change whether a dossier is accepted. Only confirmed facts refuse. The same values are
exported to the browser (`export_rules`, key `pour_juger` of each speciality), so the form
judges alike; tests/shared_rules/test_unconfirmed.py flips every `a_confirmer` fact of the
session file both ways.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared_rules.session import Session, Specialite

#: The language choice « Autre langue », with the label typed by hand (`langue_vivante_autre`,
#: `langue_autre`): offered while the session's list of languages is unconfirmed.
LANGUE_AUTRE = "autre"


@dataclass(frozen=True)
class JudgedSpecialite:
    """What the rules may refuse on, for one speciality."""

    #: True: a language must be named; False: none may be; None: unconfirmed, either is accepted.
    langue_vivante_obligatoire: bool | None
    #: The optional units a candidate may choose (every one of the session's while unconfirmed).
    unites_facultatives: tuple[str, ...]
    #: Its professional units (every one the session knows while unconfirmed).
    unites_professionnelles: tuple[str, ...] = ()


def for_judging(specialite: Specialite, session: Session) -> JudgedSpecialite:
    """The speciality's facts as a refusing rule may read them."""
    return JudgedSpecialite(
        langue_vivante_obligatoire=(specialite.langue_vivante_obligatoire
                                    if specialite.confirme("langue_vivante_obligatoire")
                                    else None),
        unites_facultatives=(specialite.unites_facultatives
                             if specialite.confirme("unites_facultatives")
                             else tuple(u.code for u in session.unites_facultatives)),
        unites_professionnelles=tuple(
            u.code for u in (specialite.unites_professionnelles
                             if specialite.confirme("unites_professionnelles")
                             else session.unites_professionnelles)),
    )


def languages_for_judging(session: Session) -> frozenset[str] | None:
    """The language codes a rule may hold a choice to, or None (any code) while the list is
    unconfirmed: a candidate whose language is missing from an unconfirmed list is recorded."""
    return None if session.langues_a_confirmer else frozenset(x.code for x in session.langues)


def may_sit_language(judged: JudgedSpecialite) -> bool:
    """Whether the compulsory-language unit may appear in a dossier (units sat, exemptions,
    kept grades): unless it is confirmed absent."""
    return judged.langue_vivante_obligatoire is not False
