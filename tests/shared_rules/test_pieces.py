"""Each condition of the notice adds its piece, and only it."""

from __future__ import annotations

import pytest

import shared_rules
from tests.factories import make_dossier

BASE = {"specialite": "patissier", "dispenses": [], "benefices": [],
        "amenagement": {"demande": False, "decision_anterieure": False}}


def codes(dossier: dict[str, object]) -> list[str]:
    return [p["code"] for p in shared_rules.required_pieces(dossier)]


def test_everyone_sends_an_identity_document() -> None:
    assert shared_rules.required_pieces(make_dossier(BASE)) == [
        {"code": "piece-identite", "libelle": "Une photocopie d'une pièce d'identité"}]


@pytest.mark.parametrize(("changes", "piece"), [
    ({"dispenses": [{"unite": "mathematiques-physique-chimie", "diplome": "BEP", "annee": 2014}]},
     "diplome-et-releve-de-notes"),
    # A kept EPS grade means no EPS choice (issue 13: the pair and the grade contradict).
    ({"benefices": [{"unite": "eps", "annee": 2019, "note": 12.5}],
      "eps": {"dispense": False, "activites": []}}, "releve-de-notes-anterieur"),
    ({"amenagement": {"demande": True, "decision_anterieure": True}}, "decision-amenagement"),
    ({"specialite": "couvreur"}, "attestation-echafaudage"),
    ({"specialite": "petite-enfance", "rattrapage": {"annee_echec": 2018}},
     "releve-de-notes-rattrapage"),
])
def test_each_condition_adds_its_piece(changes: dict[str, object], piece: str) -> None:
    dossier = make_dossier({**BASE, **changes})
    assert shared_rules.validate(dossier) == {}
    assert codes(dossier) == ["piece-identite", piece]


def test_an_accommodation_request_without_prior_decision_adds_no_piece() -> None:
    dossier = make_dossier({**BASE, "amenagement": {"demande": True, "decision_anterieure": False}})
    assert shared_rules.validate(dossier) == {}
    assert codes(dossier) == ["piece-identite"]


def test_every_condition_at_once_in_the_notices_order() -> None:
    dossier = make_dossier({
        **BASE, "specialite": "macon",
        "dispenses": [{"unite": "mathematiques-physique-chimie", "diplome": "BEP", "annee": 2014}],
        "benefices": [{"unite": "prevention-sante-environnement", "annee": 2020, "note": 10}],
        "amenagement": {"demande": True, "decision_anterieure": True, "precisions": "Tiers temps"},
    })
    assert shared_rules.validate(dossier) == {}
    assert codes(dossier) == ["piece-identite", "diplome-et-releve-de-notes",
                              "releve-de-notes-anterieur", "decision-amenagement",
                              "attestation-echafaudage"]


def test_pieces_of_an_unknown_session_is_an_error() -> None:
    with pytest.raises(KeyError):
        shared_rules.required_pieces({"session": "inconnue"})
