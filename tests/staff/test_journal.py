"""The audit log on the page (issue 27): one local day's erasures and hand-backs, newest first,
for `administration` only; a number typed is matched by its keyed fingerprint, never listed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient

from handler.platform.clock import FrozenClock
from tests.fixtures import build_app
from tests.staff.conftest import bearer, person, submit, token_hashes

SECRET = "une-cle-du-journal-de-test-0123456789"
EVENING = dt.datetime(2020, 11, 19, 23, 30, tzinfo=dt.UTC)  # 0 h 30, the 20th, in Paris


@pytest.fixture
def admin(s3: Any, s3_endpoint: str | None) -> FlaskClient:
    return build_app(s3, s3_endpoint, STAFF_TOKEN_HASHES=token_hashes(), AUDIT_HMAC_KEY=SECRET,
                     clock=FrozenClock(EVENING)).test_client()


def journal(client: FlaskClient, staff: str = "dec4", **args: str) -> Any:
    return client.get("/api/staff/journal", query_string=args, headers=bearer(staff))


def erase(client: FlaskClient, numero: str) -> None:
    response = client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer("dec4"),
                           json={"confirmation": numero})
    assert response.status_code == 200, response.get_json()


def test_the_days_erasures_newest_first_and_a_number_matched(admin: FlaskClient) -> None:
    first, second, kept = (submit(admin, person(n)) for n in ("Martin", "Durand", "Petit"))
    erase(admin, first)
    erase(admin, second)
    # 23:30 UTC is the 20th in Paris: the local day, read across the UTC days' folders.
    body = journal(admin).get_json()
    assert (body["jour"], body["nombre"], body["recherche_possible"]) == ("2020-11-20", 2, True)
    records = body["enregistrements"]
    assert [(r["action"], r["auteur"], r["statut"]) for r in records] == [
        ("effacement", "dec4", "termine")] * 2
    assert records[0]["le"] >= records[1]["le"]
    assert all("empreinte_numero" not in r and "numero" not in r for r in records)
    matched = journal(admin, numero=first.lower()).get_json()["enregistrements"]
    assert sorted(r["concerne"] for r in matched) == [False, True]
    assert not any(r["concerne"] for r in journal(admin, numero=kept).get_json()[
        "enregistrements"])
    assert journal(admin, jour="2020-11-19").get_json()["nombre"] == 0


def test_without_a_key_nothing_can_be_matched(client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    erase(client, numero)
    body = journal(client, numero=numero).get_json()
    assert body["recherche_possible"] is False
    assert all("concerne" not in r for r in body["enregistrements"])


@pytest.mark.parametrize(("args", "field"), [({"jour": "19/11/2020"}, "jour"),
                                             ({"numero": "pas un numéro"}, "numero")])
def test_a_wrong_day_or_number_is_said(admin: FlaskClient, args: dict[str, str],
                                       field: str) -> None:
    response = journal(admin, **args)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_only_administration_reads_the_log(admin: FlaskClient) -> None:
    assert journal(admin, staff="gestion").status_code == 403
    assert journal(admin, staff="lecture").status_code == 403
