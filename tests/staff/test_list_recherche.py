"""The staff's list, issue 27: the birth date shown and sorted on, the free search finding a
dossier by its email and its phone number whatever their typing, the filter « aménagement
demandé », and index entries written before these fields (read with defaults until
`rebuild-index`)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler.dossier.index import SummaryIndex, shard_key, shard_of
from handler.dossier.numero import canonical
from handler.staff import listing
from shared_rules import telephone
from tests.staff.conftest import bearer, person, submit
from tests.staff.test_list import SESSION, staff_list


def _found(client: FlaskClient, **params: Any) -> list[str]:
    return sorted(d["numero"] for d in staff_list(client, **params)["dossiers"])


@pytest.fixture
def contacts(client: FlaskClient) -> dict[str, str]:
    """Three candidates, each with their own address and phone (one without a phone)."""
    return {
        "lhay": submit(client, person("Lhay", **{
            "contact.email": "Marie-Eve.Lhay@Exemple.fr", "contact.telephone": "06 12 34 56 78"})),
        "dupont": submit(client, person("Dupont", **{
            "contact.email": "j.dupont@exemple.fr", "contact.telephone": "+33 5 55 00 00 07"})),
        "smith": submit(client, person("Smith", **{
            "contact.email": "smith@example.co.uk", "contact.telephone": None})),
    }


@pytest.mark.parametrize(("typed", "expected"), [
    ("Marie-Eve.Lhay@Exemple.fr", ["lhay"]),  # the whole address, any case
    ("marie-eve.lhay@exemple.fr", ["lhay"]),
    ("marie-eve.lhay", ["lhay"]),  # its local part
    ("j.dupont", ["dupont"]),
    ("@exemple.fr", ["dupont", "lhay"]),
    ("example.co.uk", ["smith"]),
    ("lhay@example.co.uk", []),
])
def test_the_search_finds_a_dossier_by_its_email(client: FlaskClient,
                                                 contacts: dict[str, str], typed: str,
                                                 expected: list[str]) -> None:
    assert _found(client, q=typed) == sorted(contacts[name] for name in expected)


@pytest.mark.parametrize(("typed", "expected"), [
    ("06 12 34 56 78", ["lhay"]),
    ("0612345678", ["lhay"]),
    ("+33 6 12 34 56 78", ["lhay"]),
    ("+33 (0)6 12 34 56 78", ["lhay"]),
    ("06.12.34.56.78", ["lhay"]),
    ("0033 6 12 34 56 78", ["lhay"]),
    ("56 78", ["lhay"]),  # its last digits
    ("05 55 00 00 07", ["dupont"]),  # stored +33…, typed the national way
    ("+33555000007", ["dupont"]),
    ("06 12 34 56 79", []),
])
def test_the_search_finds_a_dossier_by_its_phone_whatever_the_typing(
        client: FlaskClient, contacts: dict[str, str], typed: str,
        expected: list[str]) -> None:
    assert _found(client, q=typed) == sorted(contacts[name] for name in expected)


@pytest.mark.parametrize(("typed", "piece"), [
    ("06 12 34 56 78", "0612345678"), ("+33 6 12 34 56 78", "0612345678"),
    ("+33 (0)6 12 34 56 78", "0612345678"), ("+44 20 7946 0958", "+442079460958"),
    ("+33 6 12", "0612"), ("5678", "5678"), ("123", None), ("Dupont", None), ("7K3M", None),
    ("06 12 a", None), ("", None)])
def test_which_searches_are_read_as_a_phone_number(typed: str, piece: str | None) -> None:
    assert telephone.search_piece(typed) == piece


def test_the_birth_date_is_listed_as_the_papers_print_it_and_sorts(client: FlaskClient) -> None:
    numeros = {
        "a": submit(client, person("Alain", **{"etat_civil.date_naissance": "2001-02-03"})),
        "b": submit(client, person("Berthe", **{"etat_civil.date_naissance": "1996"})),
        "c": submit(client, person("Chloe", **{"etat_civil.date_naissance": "1999-12-31"})),
    }
    listed = staff_list(client, tri="date_naissance")["dossiers"]
    assert [(d["numero"], d["date_naissance"], d["date_naissance_libelle"]) for d in listed] == [
        (numeros["b"], "1996", "00/00/1996"), (numeros["c"], "1999-12-31", "31/12/1999"),
        (numeros["a"], "2001-02-03", "03/02/2001")]
    assert [d["numero"] for d in staff_list(client, tri="-date_naissance")["dossiers"]] == [
        numeros["a"], numeros["c"], numeros["b"]]


def test_the_accommodations_filter_lists_who_asks_for_them(client: FlaskClient) -> None:
    asks = submit(client, person("Aubert", **{"amenagement.demande": True}))
    earlier = submit(client, person("Bastide", **{"amenagement.demande": True,
                                                  "amenagement.decision_anterieure": True}))
    plain = submit(client, person("Cazals"))
    assert _found(client, amenagement="demande") == sorted([asks, earlier])
    flags = {d["numero"]: d["amenagement_demande"] for d in staff_list(client)["dossiers"]}
    assert flags == {asks: True, earlier: True, plain: False}
    # The candidate withdraws the request: the list follows.
    response = client.put(f"/api/dossiers/{asks}", json=person("Aubert"),
                          headers={"X-Date-Naissance": "1998-05-17"})
    assert response.status_code == 200
    assert _found(client, amenagement="demande") == [earlier]


@pytest.mark.parametrize(("params", "field"), [
    ({"amenagement": "oui"}, "amenagement"),
    ({"attribution": "quelqu'un"}, "attribution"),
    ({"tri": "naissance"}, "tri"),
])
def test_the_new_filters_refuse_what_they_do_not_know(client: FlaskClient,
                                                      params: dict[str, str],
                                                      field: str) -> None:
    response = client.get("/api/staff/dossiers", query_string=params, headers=bearer())
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]


def test_an_entry_written_before_these_fields_still_lists_and_rebuild_completes_it(
        app: Flask, client: FlaskClient, s3: Any) -> None:
    """What the index held before issue 27's fields: listed with defaults (no birth date, not
    found by email or phone), then `rebuild-index` remakes it whole."""
    numero = submit(client, person("Ancien", **{"contact.email": "ancien@exemple.fr",
                                                "amenagement.demande": True}))
    store = app.extensions["dossier_store"]
    index = SummaryIndex(store, SESSION)
    staff_list(client)  # compacts the pending part into its shard
    key = canonical(numero)
    shard = store.read(shard_key(SESSION, shard_of(key)))
    old = {k: v for k, v in shard.body["entrees"][key].items()
           if k not in ("date_naissance", "courriel", "telephone", "amenagement",
                        "attribue_a", "attribution")}
    store.write(shard_key(SESSION, shard_of(key)), {**shard.body, "entrees": {
        **shard.body["entrees"], key: old}})
    (listed,) = staff_list(client)["dossiers"]
    assert (listed["numero"], listed["date_naissance"], listed["date_naissance_libelle"],
            listed["amenagement_demande"], listed["attribue_a"]) == (
        numero, None, None, False, None)
    assert staff_list(client, q="ancien@exemple.fr")["total"] == 0
    assert staff_list(client, tri="date_naissance")["total"] == 1
    assert staff_list(client, attribution=listing.AUCUN)["total"] == 1
    index.rebuild()
    (listed,) = staff_list(client, q="ancien@exemple.fr", amenagement="demande")["dossiers"]
    assert listed["date_naissance_libelle"] == "17/05/1998"
