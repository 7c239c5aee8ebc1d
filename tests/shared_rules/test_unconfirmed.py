"""« An unconfirmed fact may inform, warn or record, never refuse » (shared_rules.unconfirmed).

Generic: every fact the session file marks `a_confirmer` (a group's `a_confirmer: true`, a
speciality's list) is flipped both ways on a copy of the file. While it is unconfirmed, giving it
another value changes no verdict on a corpus of dossiers; once confirmed, the facts a rule reads
do change some verdict (so the test would see a rule that ignores the principle).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import shared_rules
from shared_rules import messages as msg
from shared_rules.registry import SessionRegistry
from shared_rules.session import PACKAGE_SESSIONS_DIR
from tests.factories import make_dossier

CODE = "cap-limoges-2021-06"
RAW: dict[str, Any] = yaml.safe_load((PACKAGE_SESSIONS_DIR / f"{CODE}.yaml").read_text("utf-8"))
#: The facts a refusing rule reads (through shared_rules.unconfirmed): confirmed, they refuse.
READ_BY_RULES = {"langue_vivante_obligatoire", "unites_facultatives", "langues_vivantes.liste",
                 "unites_professionnelles"}
Fact = tuple[str, str | None, str]  # (name, speciality code or None, key)


def _group_facts(node: Any, path: str = "") -> Iterator[Fact]:
    """Each group of the file with `a_confirmer: true`, and each of its values."""
    if isinstance(node, dict):
        if node.get("a_confirmer") is True:
            for key in node:
                if key not in {"a_confirmer", "source", "justification"}:
                    yield (f"{path}.{key}", None, key)
        for key, child in node.items():
            if key not in {"specialites", "specialite_par_defaut"}:
                yield from _group_facts(child, f"{path}.{key}" if path else key)


def _speciality_facts() -> Iterator[Fact]:
    defaut = RAW["specialite_par_defaut"]["a_confirmer"]
    for sp in RAW["specialites"]:
        for fact in dict.fromkeys([*defaut, *sp.get("a_confirmer", [])]):
            if fact not in sp.get("confirmes", []):
                yield (fact, sp["code"], fact)


FACTS = list(_group_facts(RAW)) + list(_speciality_facts())


def _other_value(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, list):
        return value[:1] if len(value) > 1 else []
    if isinstance(value, int):
        return value + 1
    return "autre valeur"


def _find_group(raw: dict[str, Any], path: str) -> dict[str, Any]:
    node: Any = raw
    for key in path.split(".")[:-1]:
        node = node[key]
    return node  # type: ignore[no-any-return]


def _variant(fact: Fact, *, confirmed: bool, changed: bool) -> dict[str, Any]:
    raw = copy.deepcopy(RAW)
    name, code, key = fact
    if code is None:
        group = _find_group(raw, name)
        group["a_confirmer"] = not confirmed
        if changed:
            # A number of days still unknown (null) becomes a number, not a text.
            group[key] = 15 if key == "jours" and group[key] is None else _other_value(group[key])
        return raw
    sp = next(s for s in raw["specialites"] if s["code"] == code)
    value = sp.get(key, raw["specialite_par_defaut"].get(key))
    if changed:
        sp[key] = _other_value(value)
    if confirmed:
        sp["confirmes"] = [*sp.get("confirmes", []), key]
        sp["a_confirmer"] = [f for f in sp.get("a_confirmer", []) if f != key]
    return raw


def _registry(raw: dict[str, Any], folder: Path) -> SessionRegistry:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{CODE}.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return SessionRegistry([folder])


def _corpus(code: str | None) -> list[dict[str, Any]]:
    """Dossiers that touch every speciality fact and the language list."""
    codes = [code] if code else ["macon", "accompagnant-educatif-petite-enfance"]
    corpus = []
    for specialite in codes:
        base: dict[str, Any] = {"specialite": specialite}
        if specialite == "petite-enfance":
            base["rattrapage"] = {"annee_echec": 2018}
        if specialite == "autre":
            base["specialite_autre"] = "Accordeur de pianos"
        for changes in (
            {}, {"langue_vivante": "anglais"}, {"langue_vivante": "klingon"},
            {"epreuves_facultatives": []},
            {"epreuves_facultatives": [{"unite": "arts-appliques"}]},
            {"epreuves_facultatives": [{"unite": "mobilite"}]},
            {"epreuves_facultatives": [{"unite": "langue-vivante", "langue": "portugais"}]},
            {"epreuves_facultatives": [{"unite": "langue-vivante", "langue": "klingon"}]},
            {"forme_passage": "progressive", "unites_presentees": ["langue-vivante"]},
            {"dispenses": [{"unite": "langue-vivante", "diplome": "Bac pro", "annee": 2016}]},
            {"benefices": [{"unite": "langue-vivante", "annee": 2019, "note": 12}]},
            # Issue 24: professional units, one line each.
            {"benefices": [{"unite": "ep1", "annee": 2019, "note": 13},
                           {"unite": "ep3", "annee": 2019, "note": 11}]},
            {"dispenses": [{"unite": "ep2", "diplome": "CAP voisin", "annee": 2016}]},
        ):
            corpus.append(make_dossier({**base, **changes}))
    return corpus


def _verdicts(raw: dict[str, Any], folder: Path, corpus: list[dict[str, Any]]) -> list[Any]:
    registry = _registry(raw, folder)
    return [shared_rules.validate(d, registry=registry) for d in corpus]


def test_the_walk_finds_the_facts_of_the_issue() -> None:
    names = {(name, code) for name, code, _ in FACTS}
    assert ("langue_vivante_obligatoire", "macon") in names
    assert ("unites_facultatives", "accompagnant-educatif-petite-enfance") in names
    assert ("ouverte_academie", "cuisine") in names
    assert ("langues_vivantes.liste", None) in names
    assert ("retour_confirmation.adresse.code_postal", None) in names
    assert ("ouverte_academie", "petite-enfance") not in names  # the notice confirms it


_AS_SHIPPED: dict[str | None, list[Any]] = {}


def _as_shipped(code: str | None) -> list[Any]:
    """The verdicts of the shipped file on a corpus (the same for every fact: computed once)."""
    if code not in _AS_SHIPPED:
        _AS_SHIPPED[code] = [shared_rules.validate(d) for d in _corpus(code)]
    return _AS_SHIPPED[code]


@pytest.mark.parametrize("fact", FACTS, ids=[f"{c or 'session'}:{n}" for n, c, _ in FACTS])
def test_an_unconfirmed_fact_never_changes_a_verdict_and_a_confirmed_one_may(
        fact: Fact, tmp_path: Path) -> None:
    corpus = _corpus(fact[1])
    changed = _verdicts(_variant(fact, confirmed=False, changed=True), tmp_path / "u", corpus)
    assert changed == _as_shipped(fact[1])
    if fact[2] in READ_BY_RULES or fact[0] in READ_BY_RULES:
        confirmed = [_verdicts(_variant(fact, confirmed=True, changed=c), tmp_path / f"c{c}",
                               corpus) for c in (False, True)]
        assert confirmed[0] != confirmed[1]


def test_an_unconfirmed_compulsory_language_is_accepted_and_recorded() -> None:
    dossier = make_dossier(langue_vivante="anglais")
    assert shared_rules.validate(dossier) == {}
    assert shared_rules.load(dossier)["langue_vivante"] == "anglais"


def test_an_aepe_dossier_is_accepted() -> None:
    dossier = make_dossier(specialite="accompagnant-educatif-petite-enfance")
    assert shared_rules.validate(dossier) == {}


def test_a_speciality_missing_from_the_list_is_recorded_by_its_label() -> None:
    dossier = make_dossier(specialite="autre", specialite_autre="  Accordeur   de pianos ")
    loaded = shared_rules.load(dossier)
    assert (loaded["specialite"], loaded["specialite_autre"]) == ("autre", "Accordeur de pianos")
    assert shared_rules.validate(make_dossier(specialite="autre")) == {
        "specialite_autre": [msg.SPECIALITE_AUTRE_OBLIGATOIRE]}
    assert shared_rules.validate(make_dossier(specialite_autre="Accordeur de pianos")) == {
        "specialite_autre": [msg.SPECIALITE_AUTRE_INUTILE]}
