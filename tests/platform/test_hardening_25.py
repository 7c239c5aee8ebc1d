"""Issue 25, hardening round three: integers from a query string or a JSON filter (items 2),
and bounded errors (item 6), on every route concerned. Each case was a 500 or a 6 MB answer
on the landed code."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handler.platform import integers
from handler.platform.errors import ERRORS_MAX, OTHER_ERRORS, UNKNOWN_KEYS
from tests.factories import make_dossier
from tests.platform.test_hostile_bodies import VALID_BODIES, _send, hostile_app  # noqa: F401
from tests.staff.conftest import bearer, submit


@pytest.fixture
def client(hostile_app: Flask) -> FlaskClient:  # noqa: F811 (the fixture)
    """With the staff's tokens and email, so that every route reads its request."""
    return hostile_app.test_client()


ODD_DIGITS = ["²", "³", "٣", "١٢", "１", "5" * 5000, "-1", "+1", " 1", "1 ", "1.0", "0x1", "0"]


def test_the_one_parser_takes_ascii_digits_within_bounds_only() -> None:
    assert integers.parse("1", 1, 200) == 1
    assert integers.parse("200", 1, 200) == 200
    assert integers.parse("007", 1, 200) == 7
    for text in [*ODD_DIGITS, "201", "0007", "", None, 3]:
        assert integers.parse(text, 1, 200) is None, text


@pytest.mark.parametrize("value", ODD_DIGITS)
@pytest.mark.parametrize("name", ["page", "par_page"])
def test_odd_digits_in_the_list_s_query_string_are_a_clean_422(
        client: FlaskClient, name: str, value: str) -> None:
    response = client.get("/api/staff/dossiers", query_string={name: value}, headers=bearer())
    assert response.status_code == 422, value
    assert response.get_json()["code"] == "filtre_invalide"
    assert list(response.get_json()["errors"]) == [name]


@pytest.mark.parametrize("value", ODD_DIGITS)
def test_odd_digits_in_an_export_s_filters_are_a_clean_422(client: FlaskClient,
                                                            value: str) -> None:
    response = client.post("/api/staff/exports", headers=bearer(),
                           json={"format": "csv", "filtres": {"page": value}})
    assert response.status_code == 422, value
    assert response.get_json()["code"] == "filtre_invalide"


@pytest.mark.parametrize("value", [v for v in ODD_DIGITS if v != "0"])
def test_odd_digits_in_a_pdf_version_are_a_clean_422(client: FlaskClient, value: str) -> None:
    numero = submit(client, make_dossier())
    response = client.get(f"/api/staff/dossiers/{numero}/confirmation.pdf",
                          query_string={"version": value}, headers=bearer())
    assert response.status_code == 422, value
    assert response.get_json()["code"] == "filtre_invalide"
    # A version written right that the dossier never had is still « not found ».
    missing = client.get(f"/api/staff/dossiers/{numero}/confirmation.pdf?version=7",
                         headers=bearer())
    assert (missing.status_code, missing.get_json()["code"]) == (404, "version_introuvable")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=30))
def test_any_text_as_a_page_is_a_list_or_a_clean_422(client: FlaskClient, text: str) -> None:
    for name in ("page", "par_page"):
        response = client.get("/api/staff/dossiers", query_string={name: text}, headers=bearer())
        assert response.status_code in (200, 422), (name, text)


#: Routes that read their own fields and ignore any other key.
TOLERANT = {("POST", "/api/dossiers/lien-acces"), ("POST", "/api/dossiers/acces")}


def unknown_keys(body: dict[str, Any], count: int) -> bytes:
    """The issue's body: 90,000 short unknown keys, 978 KB, under the 1 MiB bound."""
    return json.dumps({**body, **{f"k{i}": 0 for i in range(count)}},
                      separators=(",", ":")).encode()


@pytest.mark.parametrize("route", sorted(VALID_BODIES))
def test_ninety_thousand_unknown_keys_are_one_error_in_a_small_answer(
        hostile_app: Flask, route: tuple[str, str]) -> None:  # noqa: F811 (the fixture)
    client = hostile_app.test_client()
    numero = submit(client, make_dossier())
    started = time.perf_counter()
    response = _send(client, *route, numero, unknown_keys(VALID_BODIES[route], 90_000))
    elapsed = time.perf_counter() - started
    print(f"\n{route}: 90,000 unknown keys → {response.status_code}, {len(response.data)} B "
          f"in {elapsed:.2f} s")
    assert len(response.data) < 4_000, len(response.data)
    if route in TOLERANT:  # they read their fields and ignore the rest
        assert response.status_code < 500
        return
    assert response.status_code == 422, route
    errors = response.get_json()["errors"]
    assert len(errors) <= ERRORS_MAX
    (message,) = errors[UNKNOWN_KEYS]
    assert message.startswith("Ces champs ne sont pas attendus : « k0 », « k1 », « k10 », ")
    assert "et 89\u202f995 autres" in message


def test_at_most_twenty_errors_and_how_many_more(client: FlaskClient) -> None:
    dossier = make_dossier({"etat_civil.prenoms": ["1"] * 20, "etat_civil.nom_naissance": "1",
                            "etat_civil.nom_usage": "2", "contact.code_postal": "x"})
    response = client.post("/api/dossiers", json=dossier)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert len(errors) == ERRORS_MAX
    assert errors[OTHER_ERRORS][0].startswith("… et ")
    assert errors[OTHER_ERRORS][0].split()[2].isdigit()
