"""Issue 25, items 1 and 7: the staff's identity checked to the letter. The provider's email
must be verified and is compared exactly (the domain's case aside); an account is bound to the
provider's `sub` at its first sign-in; a refused sign-in logs a masked address, and no claim
can forge a log line. Over real HTTP, with the tiny signer of fake_provider.py."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from handler.local_server import LocalStack
from handler.staff.roles import account_email, masked
from tests.staff.browser import Browser, query
from tests.staff.fake_provider import FakeProvider
from tests.staff.test_oidc import GESTION, _stack, fake, sessions_in_bucket, site_dir, url

__all__ = ["fake", "site_dir"]  # the fixtures, by name
KELVIN = "k.dupont@ac-limoges.test"


@pytest.fixture
def stack(site_dir: Path, fake: FakeProvider) -> Iterator[LocalStack]:  # noqa: F811
    yield from _stack(site_dir, OIDC_ISSUER=fake.issuer, OIDC_CLIENT_ID="client-test",
                      STAFF_ACCOUNTS=f"{GESTION}:gestion,{KELVIN}:administration")


def sign_in(stack: LocalStack, fake: FakeProvider, **changes: Any) -> tuple[Browser,
                                                                             requests.Response]:  # noqa: F811
    browser = Browser(url(stack))
    params = query(browser.request("GET", "api/staff/connexion").headers["Location"])
    claims = fake.good_claims(client_id="client-test", nonce=params["nonce"], email=GESTION)
    fake.claims = {k: v for k, v in {**claims, **changes}.items() if v is not None}
    answer = browser.request("GET", f"api/staff/connexion/retour?code=c&state={params['state']}",
                             headers={"Accept": "text/html"})
    return browser, answer


def test_the_normalisation_is_exact_but_for_the_domain_s_case() -> None:
    assert account_email("Prenom.Nom@AC-Limoges.fr") == "Prenom.Nom@ac-limoges.fr"
    for refused in (" a@b.fr", "a@b.fr ", "\u212a.dupont@ac-limoges.test", "a@b.fr\nx",
                    "a@@b.fr", "a", "é@b.fr", None, 3):
        assert account_email(refused) is None, refused
    assert masked("gestion.demo@ac-limoges.test") == "g…@ac-limoges.test"
    assert "\n" not in masked("x@b.fr\nstaff signed in: x (administration)")


@pytest.mark.parametrize("changes", [
    {"email_verified": False}, {"email_verified": None}, {"email_verified": "true"},
    {"email": f" {GESTION}"}, {"email": f"{GESTION} "}, {"email": GESTION.upper()},
    {"email": "\u212a.dupont@ac-limoges.test", "sub": "kelvin"},
    {"email": f"{GESTION}\nstaff signed in: {GESTION} (administration)"},
], ids=["unverified", "verified-missing", "verified-as-text", "padded-left", "padded-right",
        "upper-case", "kelvin-sign", "newline"])
def test_an_unverified_or_look_alike_email_gets_no_session(
        stack: LocalStack, fake: FakeProvider, changes: dict[str, Any],  # noqa: F811
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="handler.staff.audit")
    browser, answer = sign_in(stack, fake, **changes)
    assert answer.status_code == 403, answer.text
    # Refused as unverified or malformed; an upper-case local part is another (unknown) account.
    assert ("Adresse électronique non vérifiée" in answer.text
            or "Pas d&#x27;accès" in answer.text), answer.text
    assert browser.session_cookie is None and sessions_in_bucket(stack) == []
    lines = [r.getMessage() for r in caplog.records if r.name == "handler.staff.audit"]
    assert lines and all("\n" not in line for line in lines)
    assert not [line for line in lines if "signed in:" in line]
    assert not [line for line in lines if GESTION in line or "dupont" in line]


def test_the_domain_s_case_makes_no_difference(stack: LocalStack,
                                               fake: FakeProvider) -> None:  # noqa: F811
    local, domain = GESTION.split("@")
    browser, answer = sign_in(stack, fake, email=f"{local}@{domain.upper()}")
    assert answer.status_code == 302, answer.text
    assert browser.request("GET", "api/staff/moi").json()["nom"] == GESTION


def test_an_account_stays_bound_to_the_subject_of_its_first_sign_in(
        stack: LocalStack, fake: FakeProvider) -> None:  # noqa: F811
    first, answer = sign_in(stack, fake, sub="agent-42")
    assert answer.status_code == 302, answer.text
    other, refused = sign_in(stack, fake, sub="quelqu-un-d-autre")
    assert refused.status_code == 403
    assert "Compte rattaché à une autre personne" in refused.text
    assert other.session_cookie is None
    again, answer = sign_in(stack, fake, sub="agent-42")
    assert answer.status_code == 302
    # The binding names no email in clear.
    listed = stack.s3.list_objects_v2(Bucket=stack.bucket, Prefix="gestion/comptes/")
    keys = [o["Key"] for o in listed["Contents"]]
    assert len(keys) == 1 and "@" not in keys[0]


def test_a_refused_account_is_logged_masked(stack: LocalStack, fake: FakeProvider,  # noqa: F811
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="handler.staff.audit")
    _, answer = sign_in(stack, fake, email="inconnu.total@ac-limoges.test", sub="x")
    assert answer.status_code == 403
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "i…@ac-limoges.test" in text and "inconnu.total" not in text
