"""Property-based: no input makes validation raise, and loading is stable."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shared_rules
from shared_rules import messages
from shared_rules.text import unencodable
from tests.factories import make_dossier, with_changes

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)

PATHS = [
    "session", "specialite", "etat_civil", "etat_civil.nom_naissance", "etat_civil.prenoms",
    "etat_civil.prenoms.0", "etat_civil.date_naissance", "etat_civil.sexe", "contact",
    "contact.email", "contact.code_postal", "contact.departement", "etablissement",
    "forme_passage", "unites_presentees", "eps", "eps.dispense", "eps.activites",
    "langue_vivante", "epreuves_facultatives", "dispenses", "dispenses.0", "dispenses.0.annee",
    "benefices", "amenagement", "rattrapage", "attestation_exactitude",
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_any_json_gets_errors_never_an_exception(value: Any) -> None:
    errors = shared_rules.validate(value)
    assert isinstance(errors, dict)
    assert all(isinstance(k, str) and v and all(isinstance(m, str) for m in v)
               for k, v in errors.items())


# Fields whose rules read another field: an error may land on them when that one changes.
# Issue 13 added the contradictions: the units sat, exemptions and kept grades read each other,
# EPS and the language; a diploma's year reads the birth date; « autre » reads its label.
_SITTING = ["eps", "langue_vivante", "dispenses", "benefices"]
DEPENDENTS = {
    "contact": ["etablissement"],
    "contact.departement": ["contact.code_postal", "etablissement"],
    "specialite": ["langue_vivante", "epreuves_facultatives", "rattrapage", "dispenses",
                   "benefices", "unites_presentees", "specialite_autre"],
    "etat_civil": ["dispenses", "benefices"],
    "etat_civil.date_naissance": ["dispenses", "benefices"],
    "forme_passage": ["unites_presentees", *_SITTING],
    "unites_presentees": _SITTING,
    "eps.dispense": ["eps.activites"],
    "eps": ["eps.activites"],
    "langue_vivante": ["epreuves_facultatives"],
    "dispenses": _SITTING,
    "dispenses.0": _SITTING,
    "dispenses.0.annee": _SITTING,
    "benefices": _SITTING,
}


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root + ".")


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), JSON)
def test_any_value_in_any_field_is_judged_on_that_field(path: str, value: Any) -> None:
    dossier = with_changes(make_dossier(), {path: value})
    errors = shared_rules.validate(dossier)
    for key in errors:
        # On the changed field, inside it, on the group holding it, or on a field whose rule
        # reads it — never anywhere else, never on the dossier as a whole.
        assert (_under(key, path) or _under(path, key)
                or any(_under(key, d) for d in DEPENDENTS.get(path, []))), (path, key)


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40))
def test_names_are_accepted_or_refused_never_crash_and_loading_is_idempotent(name: str) -> None:
    dossier = make_dossier({"etat_civil.nom_naissance": name})
    errors = shared_rules.validate(dossier)
    if not errors:
        loaded = shared_rules.load(dossier)
        assert shared_rules.load(loaded) == loaded


# A lone surrogate (half of a UTF-16 pair): JSON can carry one (`"\ud800"`), no UTF-8 encoder
# can write it. Browsers never send one; a hand-made request can.
WITH_SURROGATE = st.builds(lambda before, half, after: before + half + after,
                           st.text(max_size=8), st.characters(categories=["Cs"]),
                           st.text(max_size=8))
JSON_WITH_SURROGATES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | WITH_SURROGATE,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12) | WITH_SURROGATE, children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), WITH_SURROGATE)
def test_a_lone_surrogate_in_any_field_is_refused_on_that_field_alone(path: str,
                                                                      text: str) -> None:
    dossier = with_changes(make_dossier(), {path: text})
    assert shared_rules.validate(dossier) == {path: [messages.TEXTE_ILLISIBLE]}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_WITH_SURROGATES)
def test_errors_are_writable_whatever_the_input_holds(value: Any) -> None:
    errors = shared_rules.validate(value)
    # What the API answers with them: it must encode.
    json.dumps(errors, ensure_ascii=False).encode("utf-8")
    if isinstance(value, dict) and (unreadable := unencodable(value)):
        # Refused on those strings' paths alone, before any other rule reads them.
        assert errors == unreadable
        assert all(found == [messages.TEXTE_ILLISIBLE] for found in errors.values())
