"""EPS (physical education): exempted, or two activities forming one of the allowed pairs."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from shared_rules import messages as msg
from shared_rules.session import Session


def allowed_pairs(session: Session) -> list[frozenset[str]]:
    """The pairs of activity codes the notice allows."""
    return [frozenset(c.activites) for c in session.eps_combinaisons]


def all_pairs(session: Session) -> list[frozenset[str]]:
    """Every pair of two distinct activities (allowed or not)."""
    return [frozenset(p) for p in combinations([a.code for a in session.eps_activites], 2)]


def is_allowed_pair(first: str, second: str, session: Session) -> bool:
    """True when the two activities form one of the allowed pairs."""
    return frozenset((first, second)) in allowed_pairs(session)


def pair_label(pair: Sequence[str], session: Session) -> str:
    """« Demi-fond (3 × 500 m) et badminton simple », « Sauvetage et badminton »: an allowed
    pair's own label (the notice's words), else the activities' labels."""
    if len(pair) != 2:  # EPS not sat this session (a kept grade, or progressive form)
        return msg.EPS_NON_PASSEE_LIBELLE
    wanted = frozenset(pair)
    for combinaison in session.eps_combinaisons:
        if frozenset(combinaison.activites) == wanted and combinaison.libelle:
            return combinaison.libelle
    labels = {a.code: a.libelle for a in session.eps_activites}
    first, second = (labels[code] for code in pair)
    return f"{first} et {second[0].lower()}{second[1:]}"


def check_eps_choice(dispense: bool, activites: Sequence[str],
                     session: Session) -> dict[str, list[str]]:
    """Errors of an EPS choice, by field path under `eps` (empty when the choice is valid)."""
    if dispense:
        if not session.eps_dispense_autorisee:
            return {"eps.dispense": [msg.EPS_DISPENSE_REFUSEE]}
        if activites:
            return {"eps.activites": [msg.EPS_DISPENSE_SANS_ACTIVITE]}
        return {}
    known = {a.code for a in session.eps_activites}
    unknown = {f"eps.activites.{i}": [msg.EPS_ACTIVITE_INCONNUE]
               for i, code in enumerate(activites) if code not in known}
    if unknown:
        return unknown
    if len(activites) != 2 or activites[0] == activites[1]:
        return {"eps.activites": [msg.EPS_DEUX_ACTIVITES]}
    if not is_allowed_pair(activites[0], activites[1], session):
        allowed = " ; ".join(pair_label(c.activites, session) for c in session.eps_combinaisons)
        return {"eps.activites": [msg.EPS_COMBINAISON_REFUSEE.format(combinaisons=allowed)]}
    return {}
