"""EPS: « dispensé », or one of the five allowed pairs of the ten possible."""

from __future__ import annotations

import pytest

import shared_rules
from shared_rules import messages as msg
from shared_rules.eps import all_pairs, allowed_pairs, check_eps_choice, pair_label
from tests.factories import make_dossier

SESSION = shared_rules.get_session("cap-limoges-2021-06")
assert SESSION is not None

ALLOWED = {
    frozenset({"demi-fond", "badminton"}),
    frozenset({"demi-fond", "tennis-de-table"}),
    frozenset({"sauvetage", "badminton"}),
    frozenset({"gymnastique-au-sol", "badminton"}),
    frozenset({"gymnastique-au-sol", "tennis-de-table"}),
}


def test_there_are_ten_pairs_five_allowed() -> None:
    assert len(all_pairs(SESSION)) == 10
    assert set(allowed_pairs(SESSION)) == ALLOWED


@pytest.mark.parametrize("pair", sorted(all_pairs(SESSION), key=sorted),
                         ids=lambda p: "+".join(sorted(p)))
def test_each_of_the_ten_pairs(pair: frozenset[str]) -> None:
    first, second = sorted(pair)
    for order in ([first, second], [second, first]):
        errors = shared_rules.validate(make_dossier({"eps.activites": order}))
        if pair in ALLOWED:
            assert errors == {}
        else:
            assert list(errors) == ["eps.activites"]
            assert errors["eps.activites"][0].startswith(
                "Cette combinaison d'activités n'est pas autorisée. Combinaisons possibles : "
                "Demi-fond (3 × 500 m) et badminton simple ;")


def test_dispense_with_no_activity_is_valid() -> None:
    assert shared_rules.validate(make_dossier({"eps": {"dispense": True, "activites": []}})) == {}
    assert shared_rules.validate(make_dossier({"eps": {"dispense": True}})) == {}


@pytest.mark.parametrize(("dispense", "activites", "expected"), [
    (True, ["demi-fond", "badminton"], {"eps.activites": [msg.EPS_DISPENSE_SANS_ACTIVITE]}),
    (False, [], {"eps.activites": [msg.EPS_DEUX_ACTIVITES]}),
    (False, ["badminton"], {"eps.activites": [msg.EPS_DEUX_ACTIVITES]}),
    (False, ["badminton", "badminton"], {"eps.activites": [msg.EPS_DEUX_ACTIVITES]}),
    (False, ["demi-fond", "badminton", "sauvetage"], {"eps.activites": [msg.EPS_DEUX_ACTIVITES]}),
    (False, ["demi-fond", "natation"], {"eps.activites.1": [msg.EPS_ACTIVITE_INCONNUE]}),
])
def test_invalid_eps_choices(dispense: bool, activites: list[str],
                             expected: dict[str, list[str]]) -> None:
    assert check_eps_choice(dispense, activites, SESSION) == expected
    dossier = make_dossier({"eps": {"dispense": dispense, "activites": activites}})
    assert shared_rules.validate(dossier) == expected


def test_each_pair_reads_as_the_notice_writes_it_simple_only_where_it_says_so() -> None:
    """Issue 13: the last three pairs have no « simple » in the notice; the site added it."""
    session = shared_rules.get_session("cap-limoges-2021-06")
    assert session is not None
    labels = [pair_label(c.activites, session) for c in session.eps_combinaisons]
    assert labels == [
        "Demi-fond (3 × 500 m) et badminton simple",
        "Demi-fond (3 × 500 m) et tennis de table simple",
        "Sauvetage et badminton",
        "Gymnastique au sol et badminton",
        "Gymnastique au sol et tennis de table",
    ]
    for combinaison, label in zip(session.eps_combinaisons, labels, strict=True):
        assert ("simple" in label) == ("simple" in combinaison.texte_notice)
