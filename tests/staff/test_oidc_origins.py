"""Issue 25, item 8: no address the service hands out follows the request's Host header. The
sign-in's redirect_uri, the redirects after sign-in and sign-out and the origins a staff
member's browser request may come from are built from SITE_URL alone; where it is missing, the
sign-in answers 503 rather than trust the Host header. Over real HTTP (the local run's server,
its SITE_URL made from its port), and with the test client for an app without SITE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from handler.local_server import DEMO_CLIENT_ID, LocalStack
from handler.staff import messages as msg
from handler.staff.auth import COOKIE
from tests.fixtures import build_app
from tests.staff.browser import Browser, query
from tests.staff.fake_provider import FakeProvider
from tests.staff.test_oidc import (
    ADMINISTRATION,
    GESTION,
    _stack,
    fake,
    sessions_in_bucket,
    signed_in,
    site_dir,
    stack,
    url,
)

__all__ = ["fake", "site_dir", "stack"]  # the fixtures, by name
EVIL = "evil.example"
REFUSED = {"code": "origine_refusee", "message": msg.ORIGINE_REFUSEE, "errors": {}}


def test_the_sign_in_s_redirect_uri_ignores_a_forged_host(stack: LocalStack) -> None:
    start = requests.get(url(stack) + "api/staff/connexion", headers={"Host": EVIL},
                         allow_redirects=False, timeout=15)
    assert start.status_code == 302, start.text
    location = start.headers["Location"]
    assert location.startswith(stack.provider.issuer + "/oauth2/authorize?")
    assert query(location)["redirect_uri"] == url(stack) + "api/staff/connexion/retour"
    assert EVIL not in location


@pytest.mark.parametrize(("origin", "status"), [("site", 303), (f"http://{EVIL}", 403)],
                         ids=["site-origin", "forged-origin"])
def test_a_sign_out_with_a_forged_host_never_goes_there(stack: LocalStack, origin: str,
                                                        status: int) -> None:
    browser = signed_in(stack, GESTION)
    sent = url(stack).rstrip("/") if origin == "site" else origin
    out = browser.request("POST", "api/staff/deconnexion", origin=sent,
                          headers={"Host": EVIL})
    assert out.status_code == status, out.text
    assert EVIL not in out.headers.get("Location", "") and EVIL not in out.text
    if status == 303:
        end = out.headers["Location"]
        assert end.startswith(stack.provider.issuer + "/oauth2/end_session?")
        assert query(end)["post_logout_redirect_uri"] == url(stack) + "gestion.html?deconnexion=1"
        assert query(end)["client_id"] == DEMO_CLIENT_ID
        assert sessions_in_bucket(stack) == []
    else:
        # The Host header doesn't make its own origin the site's: refused, nothing ended.
        assert out.json() == REFUSED
        assert len(sessions_in_bucket(stack)) == 1


@pytest.fixture
def fake_stack(site_dir: Path, fake: FakeProvider) -> Iterator[LocalStack]:  # noqa: F811
    """A provider without end_session_endpoint: the sign-out goes back to the site itself."""
    yield from _stack(site_dir, OIDC_ISSUER=fake.issuer, OIDC_CLIENT_ID="client-test")


def test_sign_in_and_out_without_the_provider_s_sign_out_stay_on_the_site(
        fake_stack: LocalStack, fake: FakeProvider) -> None:  # noqa: F811
    browser = Browser(url(fake_stack))
    start = browser.request("GET", "api/staff/connexion", headers={"Host": EVIL})
    params = query(start.headers["Location"])
    assert params["redirect_uri"] == url(fake_stack) + "api/staff/connexion/retour"
    fake.claims = fake.good_claims(client_id="client-test", nonce=params["nonce"], email=GESTION)
    back = browser.request("GET", f"api/staff/connexion/retour?code=c&state={params['state']}",
                           headers={"Host": EVIL})
    assert back.status_code == 302, back.text
    assert back.headers["Location"] == url(fake_stack) + "gestion.html"
    out = browser.request("POST", "api/staff/deconnexion", headers={"Host": EVIL})
    assert out.status_code == 303, out.text
    assert out.headers["Location"] == url(fake_stack) + "gestion.html?deconnexion=1"


# -- an app without SITE_URL (the tests' create_app): the sign-in refuses, nothing follows Host --

@pytest.fixture
def bare_client(s3: Any, s3_endpoint: str | None) -> FlaskClient:
    app = build_app(s3, s3_endpoint, OIDC_ISSUER="https://fournisseur.example",
                    OIDC_CLIENT_ID="client", STAFF_ACCOUNTS=f"{ADMINISTRATION}:administration")
    assert app.config["SITE_URL"] == ""
    return app.test_client()


@pytest.mark.parametrize("path", ["/api/staff/connexion", "/api/staff/connexion/retour"])
def test_without_site_url_the_sign_in_answers_503_configuration_incomplete(
        bare_client: FlaskClient, path: str) -> None:
    page = bare_client.get(path, base_url=f"http://{EVIL}", headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert "Location" not in page.headers
    text = page.get_data(as_text=True)
    assert "configuration incomplète" in text and "SITE_URL" in text
    assert EVIL not in text and 'href="/gestion.html"' in text
    envelope = bare_client.get(path, base_url=f"http://{EVIL}")
    assert (envelope.status_code, envelope.get_json()["code"]) == (503, "connexion_indisponible")


def test_without_site_url_no_origin_is_the_site_s(bare_client: FlaskClient) -> None:
    app = bare_client.application
    cookie = app.extensions["staff_sessions"].open(email=ADMINISTRATION, role="administration")
    bare_client.set_cookie(COOKIE, cookie, domain=EVIL)
    out = bare_client.post("/api/staff/deconnexion", base_url=f"http://{EVIL}",
                           headers={"Origin": f"http://{EVIL}", "Accept": "text/html"})
    assert out.status_code == 403 and "Location" not in out.headers
    assert out.get_json() == REFUSED
    # Refused before anything changed: the session is still open.
    moi = bare_client.get("/api/staff/moi", base_url=f"http://{EVIL}")
    assert moi.get_json() == {"nom": ADMINISTRATION, "role": "administration"}
