"""shared_rules.mandatory: what the form says a candidate must answer is what the server does.

Each field is judged where the form asks it (the example dossier, changed so that the field is
asked and answered), then left empty: a field « obligatoire » is refused on its path, one
« facultatif » is accepted, a box « a_cocher » is refused unticked.
"""

from __future__ import annotations

from typing import Any

import pytest

import shared_rules
from shared_rules.mandatory import A_COCHER, FACULTATIF, OBLIGATOIRE, answer_statuses
from shared_rules.session import DEFAULT_SESSION_CODE
from tests.factories import DELETE, make_dossier, with_changes

_SESSION = shared_rules.get_session(DEFAULT_SESSION_CODE)
assert _SESSION is not None
_AUTRE = next(s.code for s in _SESSION.specialites if s.autre)
_RESIT = next(s for s in _SESSION.specialites if s.rattrapage is not None)
assert _RESIT.rattrapage is not None

#: Where the form asks a field the example dossier does not: the changes that make it asked
#: (and answered). A field not listed is asked in the example dossier itself.
ASKED: dict[str, dict[str, Any]] = {
    "specialite_autre": {"specialite": _AUTRE, "specialite_autre": "Accordeur de pianos"},
    "rattrapage": {"specialite": _RESIT.code,
                   "rattrapage": {"annee_echec": _RESIT.rattrapage.annee_max}},
    "langue_vivante_autre": {"langue_vivante": "autre", "langue_vivante_autre": "Breton"},
    "unites_presentees": {"forme_passage": "progressive",
                          "unites_presentees": ["mathematiques-physique-chimie", "eps"]},
    "epreuves_facultatives.*.langue_autre": {"epreuves_facultatives": [
        {"unite": "langue-vivante", "langue": "autre", "langue_autre": "Breton"}]},
    "benefices": {"benefices": [{"unite": "mathematiques-physique-chimie", "annee": 2019,
                                 "note": 12}]},
    "amenagement": {"amenagement": {"demande": True, "decision_anterieure": False,
                                    "precisions": "Tiers temps."}},
}
#: Answered in the form as one choice (the EPS radios): its parts have no control of their own.
ONE_CHOICE = ("eps.",)


def _asked(path: str) -> dict[str, Any]:
    """The example dossier where the form asks `path`."""
    for asked, changes in ASKED.items():
        if path == asked or path.startswith(f"{asked}."):
            return make_dossier(changes)
    return make_dossier()


def _emptied(dossier: dict[str, Any], path: str) -> dict[str, Any]:
    """`path` (its first item for `*`) as the form sends an unanswered control: a box false,
    a list empty, anything else left out."""
    concrete = path.replace("*", "0")
    value: Any = dossier
    for key in concrete.split("."):
        value = value[int(key)] if isinstance(value, list) else (value or {}).get(key)
    empty: Any = False if isinstance(value, bool) else [] if isinstance(value, list) else DELETE
    return with_changes(dossier, {concrete: empty})


def _refused_on(errors: dict[str, list[str]], path: str) -> bool:
    concrete = path.replace("*", "0")
    return any(e == concrete or e.startswith(f"{concrete}.") for e in errors)


STATUSES = answer_statuses()


def test_every_situation_where_a_field_is_asked_is_a_valid_dossier() -> None:
    assert {asked: shared_rules.validate(make_dossier(changes))
            for asked, changes in ASKED.items()} == {asked: {} for asked in ASKED}


def test_the_statuses_cover_the_dossier_with_three_values() -> None:
    assert set(STATUSES.values()) == {OBLIGATOIRE, FACULTATIF, A_COCHER}
    assert STATUSES["etat_civil.nom_usage"] == FACULTATIF
    assert STATUSES["specialite_autre"] == OBLIGATOIRE  # asked only with « autre »
    assert STATUSES["dispenses.*.annee"] == OBLIGATOIRE
    assert [p for p, s in STATUSES.items() if s == A_COCHER] == ["attestation_exactitude"]


@pytest.mark.parametrize("path", [p for p, s in STATUSES.items() if s == OBLIGATOIRE])
def test_a_required_answer_left_empty_is_refused_on_its_field(path: str) -> None:
    errors = shared_rules.validate(_emptied(_asked(path), path))
    assert _refused_on(errors, path), errors


@pytest.mark.parametrize("path", [p for p, s in STATUSES.items()
                                  if s == FACULTATIF and not p.startswith(ONE_CHOICE)])
def test_an_optional_answer_left_empty_is_accepted(path: str) -> None:
    assert shared_rules.validate(_emptied(_asked(path), path)) == {}


def test_the_certification_unticked_is_refused() -> None:
    errors = shared_rules.validate(make_dossier(attestation_exactitude=False))
    assert list(errors) == ["attestation_exactitude"]
