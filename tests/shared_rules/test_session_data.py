"""The session data file holds every fact of the notice, and only consistent data loads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

import shared_rules
from shared_rules.registry import SessionRegistry
from shared_rules.session import PACKAGE_SESSIONS_DIR, SessionDataError
from tests.factories import make_dossier

LIMOGES = "cap-limoges-2021-06"


@pytest.fixture(scope="module")
def session() -> shared_rules.Session:
    found = shared_rules.get_session(LIMOGES)
    assert found is not None
    return found


def test_notice_identity_facts(session: shared_rules.Session) -> None:
    assert (session.examen_code, session.academie_code, session.session) == (
        "CAP", "LIMOGES", "2021-06")
    assert session.categorie == "autre individuel"


def test_registry_dates_are_the_notices_in_paris_time(session: shared_rules.Session) -> None:
    assert session.ouverture.isoformat() == "2020-10-14T09:00:00+02:00"
    assert session.cloture.isoformat() == "2020-11-20T17:00:00+01:00"
    assert session.date_limite_retour == dt.date(2020, 11, 18)
    assert session.majorite_au == dt.date(2021, 12, 31)


def test_departements_and_their_establishments(session: shared_rules.Session) -> None:
    assert [(d.code, d.nom, d.etablissement.libelle) for d in session.departements] == [
        ("19", "Corrèze", "Individuels Corrèze"),
        ("23", "Creuse", "Individuels Creuse"),
        ("87", "Haute-Vienne", "Individuels Haute-Vienne"),
    ]


def test_eps_pairs_are_the_notices_five(session: shared_rules.Session) -> None:
    assert [c.texte_notice for c in session.eps_combinaisons] == [
        "demi-fond (3x 500m) et badminton simple",
        "demi-fond (3x 500m) et tennis de table simple",
        "sauvetage et badminton",
        "gymnastique au sol et badminton",
        "gymnastique au sol et tennis de table",
    ]
    assert len(session.eps_activites) == 5
    assert session.eps_dispense_autorisee


def test_formes_de_passage_globale_recommended(session: shared_rules.Session) -> None:
    assert [(f.code, f.recommandee) for f in session.formes_passage] == [
        ("globale", True), ("progressive", False)]


def test_every_speciality_named_by_the_notice_is_offered(session: shared_rules.Session) -> None:
    scaffolding = {s.libelle for s in session.specialites if s.attestation_echafaudage}
    assert scaffolding == {
        "Serrurier-métallier", "Menuisier aluminium-verre", "Tailleur de pierre", "Couvreur",
        "Maçon", "Peintre-applicateur de revêtements",
    }
    petite_enfance = session.specialite("petite-enfance")
    assert petite_enfance is not None and petite_enfance.rattrapage is not None
    assert (petite_enfance.rattrapage.annee_min, petite_enfance.rattrapage.annee_max) == (
        2016, 2020)


def test_unsourced_facts_are_marked_to_confirm(session: shared_rules.Session) -> None:
    assert session.adresse.a_confirmer and session.adresse.code_postal is None
    assert session.conservation_a_confirmer
    assert session.base_legale_a_confirmer and session.base_legale is None
    assert session.facts_to_confirm() == [
        "retour_confirmation.adresse", "retour_confirmation.contact_bureau",
        "donnees_personnelles.responsable_traitement",
        "donnees_personnelles.conservation", "donnees_personnelles.base_legale"]
    macon = session.specialite("macon")
    assert macon is not None and "langue_vivante_obligatoire" in macon.a_confirmer


def test_pieces_follow_the_notices_list(session: shared_rules.Session) -> None:
    assert [p.code for p in session.pieces] == [
        "piece-identite", "diplome-et-releve-de-notes", "releve-de-notes-anterieur",
        "decision-amenagement", "attestation-echafaudage", "releve-de-notes-rattrapage",
    ]
    notice = (Path(__file__).resolve().parents[3] / "shared" / "seed" /
              "notice-candidats-individuels-cap-2021.md")
    if notice.exists():  # the notice sits beside the checkout; its lines are quoted word for word
        text = notice.read_text(encoding="utf-8")
        for piece in session.pieces:
            assert piece.texte_notice in text
        for pair in session.eps_combinaisons:
            assert pair.texte_notice in text


def test_a_second_session_is_one_more_data_file(
    registry_with_fictive_session: SessionRegistry,
) -> None:
    fictive = registry_with_fictive_session.get("cap-fictive-2099-06")
    assert fictive is not None
    assert fictive.academie_code == "FICTIVE"
    assert fictive.ouverture.isoformat() == "2098-09-01T08:30:00-03:00"
    assert fictive.facts_to_confirm() == []
    assert registry_with_fictive_session.codes() == ["cap-fictive-2099-06", LIMOGES]


def test_a_dossier_for_the_fictive_session_is_judged_by_its_rules(
    registry_with_fictive_session: SessionRegistry,
) -> None:
    dossier = make_dossier({
        "session": "cap-fictive-2099-06",
        "specialite": "cuisine-spatiale",
        "etat_civil.date_naissance": "2081-12-31",
        "contact.departement": "973",
        "contact.code_postal": "97300",
        "etablissement": None,
        "eps.activites": ["natation", "danse"],
        "epreuves_facultatives": [],
        "langue_vivante": "creole",
        "dispenses": [],
    })
    assert shared_rules.validate(dossier, registry=registry_with_fictive_session) == {}
    assert shared_rules.validate(
        {**dossier, "langue_vivante": None}, registry=registry_with_fictive_session
    ) == {"langue_vivante": [shared_rules.messages.LANGUE_OBLIGATOIRE]}
    # Limoges' rules do not apply: demi-fond is not an activity there.
    refused = shared_rules.validate(
        {**dossier, "eps": {"dispense": False, "activites": ["demi-fond", "badminton"]}},
        registry=registry_with_fictive_session,
    )
    assert set(refused) == {"eps.activites.0", "eps.activites.1"}


def _write_broken(tmp_path: Path, change: dict[str, object]) -> SessionRegistry:
    data = yaml.safe_load((PACKAGE_SESSIONS_DIR / f"{LIMOGES}.yaml").read_text(encoding="utf-8"))
    for path, value in change.items():
        node = data
        *parents, last = path.split(".")
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[int(last) if isinstance(node, list) else last] = value
    (tmp_path / f"{LIMOGES}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                              encoding="utf-8")
    return SessionRegistry([tmp_path])


@pytest.mark.parametrize(("change", "expected"), [
    ({"pieces.0.condition": "jamais"}, "unknown condition 'jamais'"),
    ({"eps.combinaisons.0.activites": ["demi-fond", "natation"]}, "unknown activity 'natation'"),
    ({"specialites.0.unites_facultatives": ["chant"]}, "unknown optional unit 'chant'"),
    ({"registre.cloture": dt.datetime(2020, 1, 1)}, "ouverture must come before cloture"),
    ({"academie.typo": "x"}, "typo"),
    ({"code": "autre-code"}, "differs from the file name"),
    ({"fuseau_horaire": "Europe/Limoges"}, "unknown time zone"),
    ({"donnees_personnelles.base_legale.a_confirmer": False}, "legal basis needs its text"),
])
def test_inconsistent_session_data_fails_to_load(
    tmp_path: Path, change: dict[str, object], expected: str,
) -> None:
    registry = _write_broken(tmp_path, change)
    with pytest.raises(SessionDataError, match=expected):
        registry.get(LIMOGES)


def test_a_session_code_is_never_a_path() -> None:
    assert shared_rules.get_session("../../etc/passwd") is None
    assert shared_rules.get_session("CAP-LIMOGES-2021-06") is None
