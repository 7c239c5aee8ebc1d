"""The staff's sign-in over real HTTP: the server `make run` starts (moto's S3, the handler) and
a real OpenID Connect provider (`oidc-provider-mock`), no Authlib call mocked; the ID tokens no
real provider would sign come from a second tiny signer (fake_provider.py)."""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from handler.local_server import DEMO_CLIENT_ID, LocalStack
from handler.staff import messages as msg
from handler.staff.auth import COOKIE, FAILURES_PER_ADDRESS
from handler.staff.oidc import DEMO_ACCOUNTS, SIGN_IN_COOKIE
from handler.staff.sessions import PREFIX, STATE_SECONDS, STATES, TOUCH_SECONDS
from tests.factories import ROOT, make_dossier
from tests.staff.browser import Browser, query
from tests.staff.fake_provider import FakeProvider

GESTION, ADMINISTRATION = (next(e for e, r in DEMO_ACCOUNTS.items() if r == role)
                           for role in ("gestion", "administration"))
LECTURE = "lecture.test@ac-limoges.test"
ACCOUNTS = ",".join([f"{e}:{r}" for e, r in DEMO_ACCOUNTS.items()] + [f"{LECTURE}:lecture"])
UNAUTHORIZED = {"code": "authentification_requise", "message": msg.AUTHENTIFICATION_REQUISE,
                "errors": {}}


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<!doctype html><title>Accueil</title>")
    (tmp_path / "gestion.html").write_text("<!doctype html><title>Espace gestionnaire</title>")
    return tmp_path


def _stack(site_dir: Path, **config: Any) -> Iterator[LocalStack]:
    stack = LocalStack(site_dir=site_dir, port=0, config={
        "STAFF_ACCOUNTS": ACCOUNTS, "SUBMISSIONS_PER_CLIENT": "0", **config})
    stack.start()
    stack.serve_in_background()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def stack(site_dir: Path) -> Iterator[LocalStack]:
    """The local run's server with its demo provider, plus a `lecture` account."""
    yield from _stack(site_dir)


def url(stack: LocalStack) -> str:
    return f"http://{stack.host}:{stack.port}/"


def submit(stack: LocalStack) -> str:
    nom = "Oidc" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    response = requests.post(url(stack) + "api/dossiers", timeout=15,
                             json=make_dossier({"etat_civil.nom_naissance": nom}))
    assert response.status_code == 201, response.text
    return str(response.json()["numero"])


def signed_in(stack: LocalStack, email: str) -> Browser:
    browser = Browser(url(stack))
    back = browser.sign_in(email)
    assert back.status_code == 302, back.text
    assert back.headers["Location"] == url(stack) + "gestion.html"
    return browser


def stack_accounts(stack: LocalStack) -> dict[str, str]:
    """The accounts list the running app reads (as after a new deployment of STAFF_ACCOUNTS)."""
    accounts: dict[str, str] = stack.api.extensions["staff_accounts"]
    return accounts


def sessions_in_bucket(stack: LocalStack) -> list[str]:
    listed = stack.s3.list_objects_v2(Bucket=stack.bucket, Prefix=PREFIX)
    return [o["Key"] for o in listed.get("Contents", [])]


def test_se_connecter_sends_the_browser_to_the_provider_with_pkce_s256_state_and_nonce(
        stack: LocalStack) -> None:
    browser = Browser(url(stack))
    start = browser.request("GET", "api/staff/connexion")
    assert start.status_code == 302
    assert start.headers["Location"].startswith(stack.provider.issuer + "/oauth2/authorize?")
    params = query(start.headers["Location"])
    assert params["response_type"] == "code"
    assert params["client_id"] == DEMO_CLIENT_ID
    assert params["redirect_uri"] == url(stack) + "api/staff/connexion/retour"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 20 and len(params["nonce"]) >= 20
    assert params["scope"] == "openid email profile"
    # The pending sign-in is named by a signed cookie, Secure, HttpOnly, SameSite=Lax.
    (set_cookie,) = start.raw.headers.getlist("Set-Cookie")
    assert set_cookie.startswith(SIGN_IN_COOKIE + "=")
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= {
        p.strip() for p in set_cookie.split(";")}
    assert "Domain" not in set_cookie
    assert params["state"] not in set_cookie  # the state data stays in the bucket


def test_the_whole_flow_sign_in_list_change_refused_erasure_erasure_sign_out(
        stack: LocalStack, caplog: pytest.LogCaptureFixture) -> None:
    numero, autre = submit(stack), submit(stack)
    gestion = signed_in(stack, GESTION)
    back_cookie = gestion.session_cookie
    assert back_cookie is not None and SIGN_IN_COOKIE not in gestion.cookies
    assert gestion.request("GET", "api/staff/moi").json() == {"nom": GESTION, "role": "gestion"}
    listed = gestion.request("GET", "api/staff/dossiers").json()
    assert {d["numero"] for d in listed["dossiers"]} == {numero, autre}

    with caplog.at_level(logging.INFO, logger="handler.staff.audit"):
        changed = gestion.request("POST", f"api/staff/dossiers/{numero}/suivi", json={
            "statut": "confirmation-recue", "version": 1, "version_papier": 1, "revision": 0})
        assert changed.status_code == 200, changed.text
        assert changed.json()["suivi"]["historique"][0]["auteur"] == GESTION
        refused = gestion.request("POST", f"api/staff/dossiers/{autre}/effacement",
                                  json={"confirmation": autre})
    assert refused.status_code == 403
    assert refused.json() == {"code": "role_insuffisant", "errors": {},
                              "message": msg.ROLE_INSUFFISANT.format(role="administration")}
    assert gestion.request("GET", f"api/staff/dossiers/{autre}").status_code == 200
    audit = [r.getMessage() for r in caplog.records if r.name == "handler.staff.audit"]
    assert any(line.startswith(f"staff action: POST /api/staff/dossiers/<numero>/suivi 200 by "
                               f"{GESTION} at ") for line in audit)
    assert any(f"needs administration, {GESTION} is gestion" in line for line in audit)
    assert not any(numero in line or autre in line for line in audit)

    admin = signed_in(stack, ADMINISTRATION)
    erased = admin.request("POST", f"api/staff/dossiers/{autre}/effacement",
                           json={"confirmation": autre})
    assert erased.status_code == 200, erased.text
    assert erased.json()["effacement"]["auteur"] == ADMINISTRATION

    assert len(sessions_in_bucket(stack)) == 2
    out = gestion.request("POST", "api/staff/deconnexion")  # a form's post (Accept: text/html)
    assert out.status_code == 303
    end = out.headers["Location"]
    assert end.startswith(stack.provider.issuer + "/oauth2/end_session?")
    assert query(end)["post_logout_redirect_uri"] == url(stack) + "gestion.html?deconnexion=1"
    # Issue 25, item 9c: no ID token is kept, so none is sent; our client_id names us instead.
    assert query(end)["client_id"] == DEMO_CLIENT_ID and "id_token_hint" not in query(end)
    assert gestion.session_cookie is None  # the browser was told to forget it
    assert len(sessions_in_bucket(stack)) == 1
    # The old cookie, presented again, finds nothing: the session really ended.
    old = requests.get(url(stack) + "api/staff/moi", headers={"Cookie": f"{COOKIE}={back_cookie}"},
                       timeout=15)
    assert old.status_code == 401 and old.json() == UNAUTHORIZED
    assert admin.request("GET", "api/staff/moi").status_code == 200


def session_versions(stack: LocalStack) -> tuple[list[dict[str, Any]], int]:
    """Every version of every session record (the bucket is versioned), and the number of
    delete markers."""
    listed = stack.s3.list_object_versions(Bucket=stack.bucket, Prefix=PREFIX)
    bodies = [json.loads(stack.s3.get_object(Bucket=stack.bucket, Key=v["Key"],
                                             VersionId=v["VersionId"])["Body"].read())
              for v in listed.get("Versions", [])]
    return bodies, len(listed.get("DeleteMarkers", []))


def _move_back(stack: LocalStack, field: str, seconds: int) -> None:
    (key,) = sessions_in_bucket(stack)
    record = json.loads(stack.s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read())
    record[field] -= seconds
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=json.dumps(record).encode())


@pytest.mark.parametrize("ending", ["sign-out", "idle-expiry", "account-removed"])
def test_an_ended_session_leaves_no_version_with_the_email_or_an_id_token(
        stack: LocalStack, ending: str) -> None:
    """Issue 25, item 9c: the record never holds the ID token, and an ended session is erased
    with every earlier version of its record (each « seen » write leaves one behind)."""
    browser = signed_in(stack, GESTION)
    _move_back(stack, "vue", TOUCH_SECONDS + 1)
    assert browser.request("GET", "api/staff/moi").status_code == 200  # « seen » written back
    versions, _ = session_versions(stack)
    assert len(versions) >= 3 and all(v["email"] == GESTION for v in versions)
    assert all(set(v) == {"email", "role", "ouverte", "vue"} for v in versions), versions
    if ending == "sign-out":
        assert browser.request("POST", "api/staff/deconnexion").status_code == 303
    elif ending == "idle-expiry":
        _move_back(stack, "vue", 31 * 60)
        assert browser.request("GET", "api/staff/moi").status_code == 401
    else:
        del stack_accounts(stack)[GESTION]
        assert browser.request("GET", "api/staff/moi").status_code == 401
    assert session_versions(stack) == ([], 0)


def test_the_pages_script_is_told_where_to_go_after_sign_out(stack: LocalStack) -> None:
    browser = signed_in(stack, ADMINISTRATION)
    out = browser.request("POST", "api/staff/deconnexion", headers={"Accept": "*/*"})
    assert out.status_code == 200
    (redirection,) = out.json().values()
    assert redirection.startswith(stack.provider.issuer + "/oauth2/end_session?")
    assert browser.session_cookie is None and sessions_in_bucket(stack) == []


def test_the_session_cookie_is_secure_httponly_strict_and_host_only(stack: LocalStack) -> None:
    back = Browser(url(stack)).sign_in(GESTION)
    (session_cookie,) = [c for c in back.raw.headers.getlist("Set-Cookie")
                         if c.startswith(COOKIE + "=")]
    parts = {p.strip().split("=")[0] for p in session_cookie.split(";")}
    assert {"Secure", "HttpOnly", "SameSite", "Path", "Max-Age"} <= parts
    assert "SameSite=Strict" in session_cookie and "Path=/;" in session_cookie + ";"
    assert "Domain" not in session_cookie
    assert back.headers["Cache-Control"] == "no-store"


def test_a_lecture_account_reads_but_can_change_nothing(stack: LocalStack) -> None:
    numero = submit(stack)
    lecture = signed_in(stack, LECTURE)
    assert lecture.request("GET", f"api/staff/dossiers/{numero}").status_code == 200
    change = lecture.request("POST", f"api/staff/dossiers/{numero}/suivi", json={
        "statut": "confirmation-recue", "version": 1, "version_papier": 1, "revision": 0})
    assert change.status_code == 403
    assert change.json()["message"] == msg.ROLE_INSUFFISANT.format(role="gestion")
    erase = lecture.request("POST", f"api/staff/dossiers/{numero}/effacement",
                            json={"confirmation": numero})
    assert erase.status_code == 403
    detail = lecture.request("GET", f"api/staff/dossiers/{numero}").json()
    assert detail["suivi"]["revision"] == 0 and detail["suivi"]["historique"] == []


@pytest.mark.parametrize("origin", ["https://ailleurs.example", "null", ""],
                         ids=["other-site", "null", "none"])
def test_a_cross_site_post_is_refused_and_changes_nothing(stack: LocalStack,
                                                          origin: str) -> None:
    numero = submit(stack)
    admin = signed_in(stack, ADMINISTRATION)
    headers = {"Origin": origin} if origin else {}
    cookie = {"Cookie": f"{COOKIE}={admin.session_cookie}"}
    for path, body in (("suivi", {"statut": "confirmation-recue", "version": 1, "version_papier": 1,
                                    "revision": 0}),
                       ("effacement", {"confirmation": numero})):
        answer = requests.post(url(stack) + f"api/staff/dossiers/{numero}/{path}", json=body,
                               headers={**cookie, **headers}, timeout=15)
        assert answer.status_code == 403
        assert answer.json() == {"code": "origine_refusee", "message": msg.ORIGINE_REFUSEE,
                                 "errors": {}}
    out = requests.post(url(stack) + "api/staff/deconnexion", headers={**cookie, **headers},
                        timeout=15, allow_redirects=False)
    assert out.status_code == 403
    assert admin.request("GET", f"api/staff/dossiers/{numero}").json()["suivi"]["revision"] == 0


def test_a_change_of_the_accounts_list_applies_to_open_sessions(stack: LocalStack) -> None:
    numero = submit(stack)
    gestion, admin = signed_in(stack, GESTION), signed_in(stack, ADMINISTRATION)
    accounts = stack_accounts(stack)
    accounts[GESTION] = "lecture"
    del accounts[ADMINISTRATION]
    assert gestion.request("GET", "api/staff/moi").json() == {"nom": GESTION, "role": "lecture"}
    change = gestion.request("POST", f"api/staff/dossiers/{numero}/suivi", json={
        "statut": "confirmation-recue", "version": 1, "version_papier": 1, "revision": 0})
    assert change.status_code == 403
    assert admin.request("GET", "api/staff/moi").status_code == 401
    assert len(sessions_in_bucket(stack)) == 1  # the removed person's session is gone


def test_a_session_cookie_altered_by_one_byte_is_refused(stack: LocalStack) -> None:
    browser = signed_in(stack, GESTION)
    cookie = browser.session_cookie or ""
    altered = cookie[:-1] + ("A" if cookie[-1] != "A" else "B")
    answer = requests.get(url(stack) + "api/staff/moi", headers={"Cookie": f"{COOKIE}={altered}"},
                          timeout=15)
    assert answer.status_code == 401 and answer.json() == UNAUTHORIZED
    assert browser.request("GET", "api/staff/moi").status_code == 200


@pytest.mark.parametrize(("field", "seconds"), [("vue", 31 * 60), ("ouverte", 8 * 3600 + 1)],
                         ids=["idle-30-min", "absolute-8-h"])
def test_an_expired_session_is_refused_and_ended(stack: LocalStack, field: str,
                                                 seconds: int) -> None:
    browser = signed_in(stack, GESTION)
    (key,) = sessions_in_bucket(stack)
    record = json.loads(stack.s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read())
    record[field] -= seconds
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=json.dumps(record).encode())
    answer = browser.request("GET", "api/staff/moi")
    assert answer.status_code == 401 and answer.json() == UNAUTHORIZED
    assert sessions_in_bucket(stack) == []


def test_a_forged_state_is_refused_with_a_french_page(
        stack: LocalStack, caplog: pytest.LogCaptureFixture) -> None:
    browser = Browser(url(stack))
    browser.request("GET", "api/staff/connexion")
    with caplog.at_level(logging.INFO, logger="handler.staff.audit"):
        answer = browser.request("GET", "api/staff/connexion/retour?code=abc&state=forge")
    assert answer.status_code == 400
    assert "Connexion refusée" in answer.text and "recommencez" in answer.text
    assert answer.headers["Content-Type"].startswith("text/html")
    assert browser.session_cookie is None and sessions_in_bucket(stack) == []
    (line,) = [r.getMessage() for r in caplog.records if r.name == "handler.staff.audit"]
    assert line.startswith("staff sign-in refused: MismatchingStateError at 20")


def test_an_expired_state_is_refused(stack: LocalStack) -> None:
    browser = Browser(url(stack))
    start = browser.request("GET", "api/staff/connexion")
    chosen = requests.post(start.headers["Location"], data={"sub": GESTION},
                           allow_redirects=False, timeout=15)
    listed = stack.s3.list_objects_v2(Bucket=stack.bucket, Prefix=STATES)["Contents"]
    (key,) = [o["Key"] for o in listed]
    record = json.loads(stack.s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read())
    record["expire"] -= STATE_SECONDS + 1
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=json.dumps(record).encode())
    answer = browser.request("GET", chosen.headers["Location"])
    assert answer.status_code == 400 and "Connexion refusée" in answer.text
    assert browser.session_cookie is None and sessions_in_bucket(stack) == []


def test_repeated_failed_sign_ins_from_one_address_are_slowed_down(stack: LocalStack) -> None:
    browser = Browser(url(stack))
    statuses = [browser.request("GET", f"api/staff/connexion/retour?code=a&state=s{i}"
                                ).status_code for i in range(FAILURES_PER_ADDRESS + 1)]
    assert statuses == [400] * FAILURES_PER_ADDRESS + [429]
    limited = browser.request("GET", "api/staff/connexion/retour?code=a&state=b")
    assert "Trop de tentatives" in limited.text
    assert 0 < int(limited.headers["Retry-After"]) <= 15 * 60
    # A colleague behind the same address still signs in: the limit slows failures only.
    assert signed_in(stack, GESTION).request("GET", "api/staff/moi").status_code == 200


def test_a_replayed_state_and_code_are_refused(stack: LocalStack) -> None:
    browser = Browser(url(stack))
    start = browser.request("GET", "api/staff/connexion")
    chosen = requests.post(start.headers["Location"], data={"sub": GESTION},
                           allow_redirects=False, timeout=15)
    pending = dict(browser.cookies)
    assert browser.request("GET", chosen.headers["Location"]).status_code == 302
    # The same callback again, with the sign-in cookie as it was: the state served once.
    replay = Browser(url(stack))
    replay.cookies = pending
    answer = replay.request("GET", chosen.headers["Location"])
    assert answer.status_code == 400 and "Connexion refusée" in answer.text
    assert replay.session_cookie is None and len(sessions_in_bucket(stack)) == 1


def test_a_callback_in_another_browser_than_the_one_that_started_is_refused(
        stack: LocalStack) -> None:
    # Login CSRF: a victim sent to the attacker's callback URL has no matching sign-in cookie.
    attacker = Browser(url(stack))
    start = attacker.request("GET", "api/staff/connexion")
    chosen = requests.post(start.headers["Location"], data={"sub": GESTION},
                           allow_redirects=False, timeout=15)
    victim = Browser(url(stack))
    answer = victim.request("GET", chosen.headers["Location"])
    assert answer.status_code == 400 and victim.session_cookie is None


def test_an_account_the_list_does_not_know_gets_the_pas_d_acces_page(
        stack: LocalStack, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="handler.staff.audit"):
        answer = Browser(url(stack)).sign_in("inconnu@ac-limoges.test")
    assert answer.status_code == 403
    assert ("Votre compte inconnu@ac-limoges.test n&#x27;a pas accès à l&#x27;espace "
            "gestionnaire : demandez l&#x27;accès à l&#x27;administrateur du service."
            in answer.text)
    assert sessions_in_bucket(stack) == []
    assert any("i…@ac-limoges.test has no access" in r.getMessage()
               for r in caplog.records if r.name == "handler.staff.audit")


def test_a_script_gets_the_error_envelope_instead_of_the_page(stack: LocalStack) -> None:
    Browser(url(stack)).request("GET", "api/staff/connexion")
    answer = requests.get(url(stack) + "api/staff/connexion/retour?code=a&state=b", timeout=15)
    assert answer.status_code == 400
    assert answer.json()["code"] == "connexion_refusee"


def test_make_run_prints_the_page_an_account_per_role_and_the_local_store(
        stack: LocalStack, tmp_path: Any) -> None:
    """Issue 26, item 9: a `lecture` account to try that role; the store's address, which the
    command line (no token: it reads the store) needs; and the line printed works."""
    from handler.local_server import staff_access_text

    printed = staff_access_text(url(stack), stack.provider, stack.s3_endpoint)
    assert printed.startswith(f"Espace gestionnaire : {url(stack)}gestion.html → « Se connecter »")
    for email, role in DEMO_ACCOUNTS.items():
        assert f"  - {email} (rôle {role})\n" in printed
    assert sorted(DEMO_ACCOUNTS.values()) == ["administration", "gestion", "lecture"]
    assert stack.provider.issuer in printed
    assert "ligne de commande (en-tête" not in printed
    (line,) = [x for x in printed.splitlines() if x.startswith("Ligne de commande")]
    command = line.split(" : ", 1)[1].split()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(dict(part.split("=", 1) for part in command if "=" in part),
               AWS_REGION="eu-west-3", AWS_CONFIG_FILE="/nonexistent",
               AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    argv = [sys.executable if part.endswith("python") else part
            for part in command if "=" not in part]
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert re.match(r"\d+ dossier\(s\) — page 1/1\n", result.stdout), result.stdout


def test_the_page_never_takes_a_token_but_scripts_still_do(stack: LocalStack) -> None:
    from handler.staff.auth import DEMO_STAFF_TOKEN

    answer = requests.get(url(stack) + "api/staff/moi", timeout=15,
                          headers={"Authorization": f"Bearer {DEMO_STAFF_TOKEN}"})
    assert answer.json() == {"nom": "demo", "role": "administration"}


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with FakeProvider().running() as provider:
        yield provider


@pytest.mark.parametrize("bad", ["audience", "issuer", "nonce", "expired", "alg-none",
                                 "other-key"])
def test_a_bad_id_token_is_refused(site_dir: Path, fake: FakeProvider, bad: str) -> None:
    from joserfc.jwk import RSAKey

    for stack in _stack(site_dir, OIDC_ISSUER=fake.issuer, OIDC_CLIENT_ID="client-test"):
        browser = Browser(url(stack))
        start = browser.request("GET", "api/staff/connexion")
        params = query(start.headers["Location"])
        claims = fake.good_claims(client_id="client-test", nonce=params["nonce"], email=GESTION)
        if bad == "audience":
            claims["aud"] = "un-autre-service"
        elif bad == "issuer":
            claims["iss"] = "https://faux.example"
        elif bad == "nonce":
            claims["nonce"] = "rejoue"
        elif bad == "expired":
            claims["exp"] = claims["iat"] - 600
        elif bad == "alg-none":
            fake.alg = "none"
        else:
            fake.signer = RSAKey.generate_key(2048, parameters={"kid": "cle-1"})
        fake.claims = claims
        answer = browser.request(
            "GET", f"api/staff/connexion/retour?code=c&state={params['state']}")
        assert answer.status_code == 400, answer.text
        assert "Connexion refusée" in answer.text
        assert browser.session_cookie is None and sessions_in_bucket(stack) == []


def test_the_fake_provider_good_token_does_sign_in(site_dir: Path, fake: FakeProvider) -> None:
    # The bad-token tests above fail for their one defect, not for the fake provider itself.
    for stack in _stack(site_dir, OIDC_ISSUER=fake.issuer, OIDC_CLIENT_ID="client-test"):
        browser = Browser(url(stack))
        params = query(browser.request("GET", "api/staff/connexion").headers["Location"])
        fake.claims = fake.good_claims(client_id="client-test", nonce=params["nonce"],
                                       email=GESTION)
        answer = browser.request(
            "GET", f"api/staff/connexion/retour?code=c&state={params['state']}")
        assert answer.status_code == 302, answer.text
        assert browser.request("GET", "api/staff/moi").json()["nom"] == GESTION
