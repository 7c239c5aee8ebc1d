"""Issue 13, point 5: a postcode that is not the département's usual one is a warning the
candidate confirms, recorded on the dossier, never a refusal; outside the académie, the warning
says who may register here."""

from __future__ import annotations

import pytest

import shared_rules
from shared_rules import messages as msg
from tests.factories import make_dossier

ACADEMIE = "Corrèze (19), Creuse (23), Haute-Vienne (87)"


def _dossier(departement: str, code_postal: str, **changes: object) -> dict[str, object]:
    return make_dossier({"contact.departement": departement, "contact.code_postal": code_postal,
                         "etablissement": None, **changes})


@pytest.mark.parametrize(("departement", "code_postal", "warning"), [
    ("87", "87100", None),
    ("19", "19100", None),
    ("87", "19100", msg.CODE_POSTAL_AUTRE_DEPARTEMENT.format(de="de la Corrèze",
                                                            en="en Haute-Vienne")),
    ("23", "87000", msg.CODE_POSTAL_AUTRE_DEPARTEMENT.format(de="de la Haute-Vienne",
                                                            en="en Creuse")),
    ("87", "16000", msg.CODE_POSTAL_VOISIN.format(de="de la Charente", en="en Haute-Vienne",
                                                  academie="Limoges", departements=ACADEMIE)),
    ("19", "46100", msg.CODE_POSTAL_VOISIN.format(de="du Lot", en="en Corrèze",
                                                  academie="Limoges", departements=ACADEMIE)),
    ("87", "75001", msg.CODE_POSTAL_HORS_ACADEMIE.format(en="en Haute-Vienne",
                                                         academie="Limoges",
                                                         departements=ACADEMIE)),
])
def test_a_postcode_mismatch_is_a_warning_never_a_refusal(
        departement: str, code_postal: str, warning: str | None) -> None:
    dossier = _dossier(departement, code_postal)
    assert shared_rules.validate(dossier) == {}
    assert shared_rules.warnings(dossier) == (
        {"contact.code_postal": [warning]} if warning else {})
    # A stored dossier (cleaned by `load`) is judged as it is, with the same outcome.
    assert shared_rules.stored_warnings(shared_rules.load(dossier)) == (
        shared_rules.warnings(dossier))


def test_the_issues_example_asks_about_the_charente() -> None:
    (message,) = shared_rules.warnings(_dossier("87", "16000"))["contact.code_postal"]
    assert message.startswith("Ce code postal est d'habitude celui de la Charente, hors de "
                              "l'académie de Limoges : confirmez-vous que vous résidez en "
                              "Haute-Vienne ?")


def test_the_candidates_confirmation_is_recorded_on_the_dossier() -> None:
    loaded = shared_rules.load(_dossier("87", "16000", **{"contact.confirmation_residence": True}))
    assert loaded["contact"]["confirmation_residence"] is True
    assert loaded["etablissement"] == "IND-87"
    assert "confirmation_residence" not in shared_rules.load(make_dossier())["contact"]


def test_a_departement_outside_the_academie_is_still_refused() -> None:
    errors = shared_rules.validate(_dossier("33", "33000"))
    assert list(errors) == ["contact.departement"]
    assert shared_rules.warnings(_dossier("33", "33000")) == {}
