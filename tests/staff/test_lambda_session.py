"""A staff session through the Lambda entry point: the cookie arrives in the payload 2.0
event's `cookies`, the answers' Set-Cookie leave in the response's `cookies` (apig-wsgi)."""

from __future__ import annotations

import importlib
import json
import sys
from types import ModuleType
from typing import Any

import pytest

from handler.staff.auth import COOKIE
from tests.entry_points.test_lambda import make_v2_event
from tests.fixtures import BUCKET

SITE = "https://preinscription.test"
EMAIL = "agent@ac-limoges.test"


@pytest.fixture
def entry(s3: Any, s3_endpoint: str | None, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    for name, value in {"INSCRIPTION_ENV": "test", "DOSSIERS_BUCKET": BUCKET,
                        "INSCRIPTION_NOW": "2020-11-02T10:00:00+01:00", "SITE_ORIGIN": SITE,
                        "STAFF_ACCOUNTS": f"{EMAIL}:gestion"}.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("handler.lambda_function", None)
    return importlib.import_module("handler.lambda_function")


def event(cookie: str, **kwargs: Any) -> dict[str, Any]:
    made = make_v2_event(**kwargs)
    made["cookies"] = ["autre=1", f"{COOKIE}={cookie}"]
    return made


def test_a_session_cookie_works_through_lambda_and_sign_out_clears_it(
        entry: ModuleType) -> None:
    cookie = entry.app.extensions["staff_sessions"].open(email=EMAIL, role="gestion")
    moi = entry.handler(event(cookie, path="/api/staff/moi"), None)
    assert moi["statusCode"] == 200
    assert json.loads(moi["body"]) == {"nom": EMAIL, "role": "gestion"}

    change = {"statut": "confirmation-recue", "version": 1, "version_papier": 1, "revision": 0}
    for origin, status in (("https://ailleurs.example", 403), (SITE, 404)):
        answer = entry.handler(event(
            cookie, method="POST", path="/api/staff/dossiers/7K3MQ9PAR/suivi",
            headers={"content-type": "application/json", "origin": origin},
            body=json.dumps(change)), None)
        assert answer["statusCode"] == status, answer["body"]

    out = entry.handler(event(cookie, method="POST", path="/api/staff/deconnexion",
                              headers={"origin": SITE}), None)
    assert out["statusCode"] == 200
    assert json.loads(out["body"]) == {"redirection": f"{SITE}/gestion.html?deconnexion=1"}
    (cleared,) = [c for c in out["cookies"] if c.startswith(COOKIE + "=")]
    assert "Max-Age=0" in cleared and "Secure" in cleared
    again = entry.handler(event(cookie, path="/api/staff/moi"), None)
    assert again["statusCode"] == 401
