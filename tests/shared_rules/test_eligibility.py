"""Who may register: adults on 31/12/2021, living in the académie, never through the CNED."""

from __future__ import annotations

import datetime as dt

import pytest

import shared_rules
from shared_rules import messages as msg
from shared_rules.eligibility import establishment_for, is_adult_in_time, postcode_matches
from tests.factories import make_dossier

SESSION = shared_rules.get_session("cap-limoges-2021-06")
assert SESSION is not None


def test_last_adult_birth_date_is_31_december_2003() -> None:
    assert shared_rules.last_adult_birth_date(SESSION) == dt.date(2003, 12, 31)


@pytest.mark.parametrize(("born", "adult"), [
    (dt.date(2003, 12, 31), True),   # 18 on 31/12/2021 itself
    (dt.date(2004, 1, 1), False),    # 18 only on 1/1/2022
    (dt.date(1960, 2, 29), True),
    (dt.date(2004, 2, 29), False),
])
def test_age_rule_boundaries(born: dt.date, adult: bool) -> None:
    assert is_adult_in_time(born, SESSION) is adult


def test_a_minor_is_refused_on_the_birth_date() -> None:
    errors = shared_rules.validate(make_dossier({"etat_civil.date_naissance": "2004-01-01"}))
    assert errors == {"etat_civil.date_naissance": [
        "Seuls les candidats majeurs au 31/12/2021 peuvent s'inscrire en candidat individuel : "
        "vous devez être né(e) le 31/12/2003 au plus tard."
    ]}


def test_the_last_adult_is_accepted() -> None:
    # Without the example's diploma of 2016, which this candidate could not hold at 12 (issue 13).
    assert shared_rules.validate(make_dossier({"etat_civil.date_naissance": "2003-12-31",
                                               "dispenses": []})) == {}


@pytest.mark.parametrize(("departement", "code"), [("19", "IND-19"), ("23", "IND-23"),
                                                   ("87", "IND-87")])
def test_establishment_follows_the_departement(departement: str, code: str) -> None:
    found = establishment_for(departement, SESSION)
    assert found is not None and found.code == code
    dossier = make_dossier({"contact.departement": departement,
                            "contact.code_postal": f"{departement}000", "etablissement": None})
    assert shared_rules.load(dossier)["etablissement"] == code


def test_residence_outside_the_academie_is_refused() -> None:
    errors = shared_rules.validate(make_dossier({"contact.departement": "33",
                                                 "contact.code_postal": "33000"}))
    assert errors == {"contact.departement": [msg.DEPARTEMENT_HORS_ACADEMIE.format(
        academie="Limoges",
        departements="Corrèze (19), Creuse (23), Haute-Vienne (87)")]}


def test_a_postcode_of_another_departement_is_a_warning_not_a_refusal() -> None:
    # Issue 13: was refused; some communes use a neighbour's postcode (tests/.../test_postcode.py).
    dossier = make_dossier({"contact.code_postal": "19100"})
    assert shared_rules.validate(dossier) == {}
    assert list(shared_rules.warnings(dossier)) == ["contact.code_postal"]
    assert postcode_matches("20090", "2A")


@pytest.mark.parametrize("etablissement", ["CNED", "cned", "Enseignement à distance",
                                           # issue 13: without its accent, the same message
                                           "enseignement a distance", "ENSEIGNEMENT A DISTANCE"])
def test_distance_learning_is_refused_to_adults(etablissement: str) -> None:
    errors = shared_rules.validate(make_dossier(etablissement=etablissement))
    assert errors == {"etablissement": [msg.ETABLISSEMENT_CNED.format(
        attendu="Individuels Haute-Vienne")]}


def test_an_establishment_that_disagrees_with_the_departement_is_refused() -> None:
    errors = shared_rules.validate(make_dossier(etablissement="IND-19"))
    assert errors == {"etablissement": [msg.ETABLISSEMENT_DIFFERENT.format(
        attendu="Individuels Haute-Vienne")]}
