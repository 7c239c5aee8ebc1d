"""One dossier per person and session (issue 24): the key tells two people apart by all their
first names (as a set), birth date and birthplace, ignores how a name is typed, and groups
homonyms (same birth name and birth date) under one prefix."""

from __future__ import annotations

from typing import Any

import pytest

import shared_rules
from shared_rules.identity import group_of, group_parts, person_parts, same_first_name
from tests.factories import make_dossier


def key(nom: str, prenoms: list[str], born: str = "1998-05-17", **changes: Any) -> str:
    dossier = make_dossier({"etat_civil.nom_naissance": nom, "etat_civil.prenoms": prenoms,
                            "etat_civil.date_naissance": born, **changes})
    return shared_rules.identity_key(shared_rules.load(dossier))


REFERENCE = key("L'Haÿ-Cœur", ["Marie-Ève", "Françoise"])


@pytest.mark.parametrize(("nom", "prenoms", "changes"), [
    ("L'HAŸ-CŒUR", ["MARIE-ÈVE", "FRANÇOISE"], {}),
    ("l’haÿ cœur", ["marie eve", "francoise"], {}),
    ("  Lhay   Coeur ", ["Marie  Eve", "Françoise"], {}),
    ("LHAYCOEUR", ["MarieEve", "Francoise"], {}),
    # Issue 24: the same person with first names reordered is the same person.
    ("L'Haÿ-Cœur", ["Françoise", "Marie-Ève"], {}),
    ("L'Haÿ-Cœur", ["Marie-Ève", "Françoise"], {"etat_civil.commune_naissance": "LIMOGES",
                                                 "etat_civil.pays_naissance": "france"}),
])
def test_variants_of_the_same_person_share_the_key(nom: str, prenoms: list[str],
                                                    changes: dict[str, Any]) -> None:
    assert key(nom, prenoms, **changes) == REFERENCE


@pytest.mark.parametrize(("nom", "prenoms", "born", "changes"), [
    ("L'Haÿ-Cœur", ["Marie-Ève"], "1998-05-17", {}),                   # fewer first names
    ("L'Haÿ-Cœur", ["Marie-Ève", "Françoise", "Jeanne"], "1998-05-17", {}),  # more
    ("L'Haÿ-Cœur", ["Marie-Ève", "Françoise"], "1998-05-18", {}),      # another birth date
    ("Lhay-Coeurs", ["Marie-Ève", "Françoise"], "1998-05-17", {}),     # another name
    ("L'Haÿ-Cœur", ["Marie-Ève", "Françoise"], "1998-05-17",
     {"etat_civil.commune_naissance": "Tulle"}),                       # born elsewhere
])
def test_different_people_get_different_keys(nom: str, prenoms: list[str], born: str,
                                             changes: dict[str, Any]) -> None:
    assert key(nom, prenoms, born, **changes) != REFERENCE


def test_homonyms_share_a_group_but_not_a_person() -> None:
    """Issue 24's pairs: two people each, one homonym group each."""
    mohammad = key("Ahmadi", ["Mohammad"], "1996-01-01",
                   **{"etat_civil.commune_naissance": "Hérat",
                      "etat_civil.pays_naissance": "Afghanistan"})
    mohammad_reza = key("Ahmadi", ["Mohammad", "Reza"], "1996-01-01",
                        **{"etat_civil.commune_naissance": "Kaboul",
                           "etat_civil.pays_naissance": "Afghanistan"})
    minh = key("Nguyen", ["Van", "Minh"], "2000-01-01",
               **{"etat_civil.commune_naissance": "Hanoï", "etat_civil.pays_naissance": "Viêt Nam"})
    hung = key("Nguyễn", ["Văn", "Hùng"], "2000-01-01",
               **{"etat_civil.commune_naissance": "Hanoï", "etat_civil.pays_naissance": "Viêt Nam"})
    for first, second in ((mohammad, mohammad_reza), (minh, hung)):
        assert first != second
        assert group_of(first) == group_of(second)
    assert group_of(mohammad) != group_of(minh)


def test_a_person_with_no_first_name_has_a_key() -> None:
    alone = key("Sukarno", [], "1990-06-06", **{"etat_civil.sans_prenom": True})
    assert alone != key("Sukarno", ["Kusno"], "1990-06-06")
    assert group_of(alone) == group_of(key("Sukarno", ["Kusno"], "1990-06-06"))


def test_an_incomplete_birth_date_is_its_own_date() -> None:
    assert key("Ahmadi", ["Mohammad"], "1996") != key("Ahmadi", ["Mohammad"], "1996-01-01")
    assert key("Ahmadi", ["Mohammad"], "1996") == key("Ahmadi", ["Mohammad"], "1996")


def test_email_and_usage_name_are_not_part_of_the_key() -> None:
    assert key("L'Haÿ-Cœur", ["Marie-Ève", "Françoise"],
               **{"contact.email": "autre@exemple.fr",
                  "etat_civil.nom_usage": "Durand"}) == REFERENCE


def test_the_parts_compared() -> None:
    etat_civil = {"nom_naissance": "Ødegård", "prenoms": ["Łukasz", "Æsa", "łukasz"],
                  "date_naissance": "2000-01-01", "commune_naissance": "Saint-Junien",
                  "pays_naissance": "France"}
    assert group_parts("s", "Ødegård", "2000-01-01") == ["s", "odegard", "2000-01-01"]
    assert person_parts("s", etat_civil) == ["s", "odegard", "2000-01-01", "aesa,lukasz",
                                             "saintjunien", "france"]


def test_the_key_holds_no_personal_data_in_clear() -> None:
    group, person = REFERENCE.split("/")
    assert len(group) == len(person) == 64 and "coeur" not in REFERENCE


@pytest.mark.parametrize(("typed", "prenoms", "same"), [
    ("Reza", ["Mohammad", "Reza"], True),
    ("MOHAMMAD", ["Mohammad", "Reza"], True),
    ("Ali", ["Mohammad", "Reza"], False),
    (None, [], True),
    ("", [], True),
    (None, ["Mohammad"], False),
    ("Kusno", [], False),
])
def test_the_lost_number_finds_a_person_by_any_first_name(typed: str | None,
                                                           prenoms: list[str],
                                                           same: bool) -> None:
    assert same_first_name(typed, prenoms) is same
