"""GET /api/session: the registry's state on the calendar clock."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient


def test_the_demo_clock_is_inside_the_window(client: FlaskClient) -> None:
    body = client.get("/api/session").get_json()
    assert body["ouvert"] is True
    assert body["statut"] == "ouvert"
    assert body["ouverture"] == "2020-10-14T09:00:00+02:00"
    assert body["cloture"] == "2020-11-20T17:00:00+01:00"
    assert body["maintenant"].startswith("2020-11-02T10:00")
    assert body["maintenant"].endswith("+01:00")
    assert body["horloge_simulee"] is True
    assert body["retour_tardif"] is False
    assert body["date_limite_retour"] == "2020-11-18"


@pytest.mark.parametrize(("instant", "statut", "late"), [
    ("2020-10-01T12:00:00+02:00", "avant-ouverture", False),
    ("2020-11-19T12:00:00+01:00", "ouvert", True),
    ("2020-11-20T17:00:00+01:00", "clos", True),
])
def test_each_state_of_the_registry(frozen_app: Any, instant: str, statut: str,
                                    late: bool) -> None:
    body = frozen_app(instant).test_client().get("/api/session").get_json()
    assert body["statut"] == statut
    assert body["ouvert"] is (statut == "ouvert")
    assert body["retour_tardif"] is late
    assert (body["message_retour_tardif"] is not None) is late
