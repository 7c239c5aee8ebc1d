"""One dossier per person and session: the identity key ignores how a name is typed."""

from __future__ import annotations

import pytest

import shared_rules
from shared_rules.identity import identity_parts
from tests.factories import make_dossier


def key(nom: str, prenoms: list[str], born: str = "1998-05-17", **changes: object) -> str:
    dossier = make_dossier({"etat_civil.nom_naissance": nom, "etat_civil.prenoms": prenoms,
                            "etat_civil.date_naissance": born, **changes})
    return shared_rules.identity_key(shared_rules.load(dossier))


REFERENCE = key("L'Haÿ-Cœur", ["Marie-Ève", "Françoise"])


@pytest.mark.parametrize(("nom", "prenoms"), [
    ("L'HAŸ-CŒUR", ["MARIE-ÈVE"]),
    ("l’haÿ cœur", ["marie eve"]),
    ("  Lhay   Coeur ", ["Marie  Eve", "Autre"]),
    ("L'Haÿ-Cœur", ["Marie-Ève", "Françoise", "Jeanne"]),
    ("LHAYCOEUR", ["MarieEve"]),
])
def test_variants_of_the_same_person_share_the_key(nom: str, prenoms: list[str]) -> None:
    assert key(nom, prenoms) == REFERENCE


@pytest.mark.parametrize(("nom", "prenoms", "born"), [
    ("L'Haÿ-Cœur", ["Françoise", "Marie-Ève"], "1998-05-17"),   # another first « prénom »
    ("L'Haÿ-Cœur", ["Marie-Ève"], "1998-05-18"),               # another birth date
    ("Lhay-Coeurs", ["Marie-Ève"], "1998-05-17"),              # another name
])
def test_different_people_get_different_keys(nom: str, prenoms: list[str], born: str) -> None:
    assert key(nom, prenoms, born) != REFERENCE


def test_email_and_usage_name_are_not_part_of_the_key() -> None:
    assert key("L'Haÿ-Cœur", ["Marie-Ève"], **{"contact.email": "autre@exemple.fr",
                                                "etat_civil.nom_usage": "Durand"}) == REFERENCE


def test_non_decomposing_letters_are_folded() -> None:
    assert identity_parts("s", "Ødegård", "Łukasz", "2000-01-01") == "s|odegard|lukasz|2000-01-01"
    assert identity_parts("s", "Ñúñez", "Æsa", "2000-01-01") == "s|nunez|aesa|2000-01-01"


def test_the_key_holds_no_personal_data_in_clear() -> None:
    assert len(REFERENCE) == 64 and "coeur" not in REFERENCE
