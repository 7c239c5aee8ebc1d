"""The local run: one origin over real HTTP, the demo banner in the HTML sent, clean stop."""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from handler.local_server import BANNER_MARKER, REFUSED_IN_PRODUCTION, LocalStack
from handler.platform.security_headers import SECURITY_HEADERS
from tests.factories import ROOT, make_dossier


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text(
        f"<!doctype html><html lang=fr><body>{BANNER_MARKER}<h1>Accueil</h1></body></html>",
        encoding="utf-8")
    (tmp_path / "sans-marqueur.html").write_text(
        "<html><body class=x><p>Page</p></body></html>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<html><body>Introuvable</body></html>",
                                       encoding="utf-8")
    return tmp_path


def fetch(url: str, *, data: Any = None, headers: dict[str, str] | None = None,
          method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method, headers={
        **({"Content-Type": "application/json"} if body else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def stack(site_dir: Path) -> Iterator[str]:
    local = LocalStack(site_dir=site_dir, port=0)
    url = local.start()
    local.serve_in_background()
    yield url
    local.stop()


def test_pages_carry_the_demo_banner_in_the_html_sent(stack: str) -> None:
    status, headers, body = fetch(stack)
    page = body.decode()
    assert status == 200
    assert "Démonstration — date simulée." in page
    assert "lundi 2 novembre 2020 à 10 h 00" in page
    assert BANNER_MARKER not in page
    _, _, other = fetch(stack + "sans-marqueur.html")
    assert other.decode().startswith('<html><body class=x><aside class="banniere-demo"')


def test_the_api_answers_on_the_same_origin_with_s3_from_moto(stack: str) -> None:
    status, _, body = fetch(stack + "api/dossiers", data=make_dossier())
    assert status == 201
    numero = json.loads(body)["numero"]
    status, _, body = fetch(stack + f"api/dossiers/{numero}",
                            headers={"X-Date-Naissance": "1998-05-17"})
    assert status == 200 and json.loads(body)["numero"] == numero
    status, _, body = fetch(stack + "api/session")
    assert json.loads(body)["horloge_simulee"] is True


def test_security_headers_on_pages_and_api(stack: str) -> None:
    for path in ("", "api/session", "page-absente.html"):
        _, headers, _ = fetch(stack + path)
        for name, value in SECURITY_HEADERS.items():
            assert headers[name] == value, (path, name)


def test_static_files_cannot_escape_the_site(stack: str) -> None:
    status, _, body = fetch(stack + "..%2F..%2Fetc%2Fpasswd")
    assert status == 404
    assert b"root:" not in body


def test_the_real_clock_shows_no_banner(site_dir: Path) -> None:
    local = LocalStack(site_dir=site_dir, port=0, now=None)
    url = local.start()
    local.serve_in_background()
    try:
        _, _, body = fetch(url)
        assert b'class="banniere-demo"' not in body
        _, _, state = fetch(url + "api/session")
        assert json.loads(state)["ouvert"] is False
    finally:
        local.stop()


def test_a_missing_site_is_explained(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="make run"):
        LocalStack(site_dir=tmp_path / "absent", port=0).start()


def test_the_command_prints_its_url_and_stops_cleanly_on_ctrl_c(site_dir: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "handler.local_server", "--port", "0", "--site", str(site_dir)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "Arrêt : Ctrl-C" in line:
                break
        text = "".join(lines)
        assert "Service de pré-inscription lancé sur http://127.0.0.1:" in text
        url = text.split("lancé sur ", 1)[1].split(" ", 1)[0]
        assert fetch(url)[0] == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
        errors = process.stderr.read() if process.stderr else ""
        assert "Service arrêté." in errors
        # The demonstration provider's own imports warn about Authlib's older modules: nothing
        # the person running the service can act on, so nothing printed.
        assert "Warning" not in errors
    finally:
        if process.poll() is None:
            process.kill()


@pytest.fixture
def mailing_stack(site_dir: Path, tmp_path: Path) -> Iterator[tuple[LocalStack, str, Path]]:
    """The local run with its emails written to a folder: (the stack, its URL, the folder)."""
    outbox = tmp_path / "outbox"
    local = LocalStack(site_dir=site_dir, port=0, outbox=outbox)
    url = local.start()
    local.serve_in_background()
    yield local, url, outbox
    local.stop()


def test_emails_land_in_the_outbox_folder_with_links_to_the_local_site(
    mailing_stack: tuple[LocalStack, str, Path],
) -> None:
    _, url, outbox = mailing_stack
    status, _, body = fetch(url + "api/dossiers", data=make_dossier())
    assert status == 201
    created = json.loads(body)
    assert created["courriel"] == "envoye"
    (mail,) = outbox.glob("*.eml")
    message = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
    assert message["To"] == "marie-eve.lhay@exemple.fr"
    text = message.get_body(("plain",))
    assert text is not None
    assert created["numero"] in text.get_content() and url in text.get_content()


def test_without_an_outbox_the_local_run_sends_no_email(stack: str) -> None:
    status, _, body = fetch(stack + "api/dossiers", data=make_dossier())
    assert status == 201 and json.loads(body)["courriel"] == "desactive"


def test_the_command_refuses_production_and_says_what_to_run(site_dir: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "handler.local_server", "--port", "0", "--site", str(site_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "INSCRIPTION_ENV": "production"})
    assert finished.returncode == 2
    assert finished.stdout == ""
    assert finished.stderr.strip() == REFUSED_IN_PRODUCTION
    assert "make deploy" in finished.stderr and "make run" in finished.stderr


def test_no_redirect_is_built_from_the_host_header(stack: str) -> None:
    for path in ("api/dossiers//KNY4-903Q-B", "api//session"):
        status, headers, body = fetch(stack + path, headers={"Host": "attaquant.example"})
        assert status == 404, path
        assert "Location" not in headers
        assert json.loads(body)["code"] == "introuvable"
    # A trailing slash is no redirect either: the route answers itself.
    status, headers, _ = fetch(stack + "api/session/", headers={"Host": "attaquant.example"})
    assert (status, "Location" in headers) == (200, False)


def test_the_site_s_address_is_made_from_the_port_it_listens_on(site_dir: Path) -> None:
    """Issue 25, item 8: the local run sets its own SITE_URL, whatever a setting says; the
    sign-in's redirects and the emails' links are built from it, not from the Host header."""
    local = LocalStack(site_dir=site_dir, port=0, config={"SITE_URL": "http://evil.example/"})
    url = local.start()
    local.serve_in_background()
    try:
        assert local.port != 0 and url == f"http://127.0.0.1:{local.port}/"
        assert local.api is not None
        assert local.api.config["SITE_URL"] == url
        assert local.api.extensions["notifier"].site_url == url
        assert fetch(url + "api/session")[0] == 200  # it listens where the address says
    finally:
        local.stop()


def test_the_local_run_sends_deferred_emails_as_the_schedule_does(
    mailing_stack: tuple[LocalStack, str, Path],
) -> None:
    """A desk's scan leaves its email to the scheduled retry: the local run has that schedule
    too (every minute; here every tenth of a second), or its emails would never go."""
    import datetime as dt
    import time

    from handler.dossier import index, suivi
    from handler.dossier.numero import canonical
    from handler.staff import courriel_suivi

    local, url, outbox = mailing_stack
    status, _, body = fetch(url + "api/dossiers", data=make_dossier())
    assert status == 201
    numero = canonical(json.loads(body)["numero"]) or ""
    api = local.api
    assert api is not None
    store = api.extensions["dossier_store"]
    # Scanned at the desk ten minutes ago (past the time « annuler » is offered).
    when = api.extensions["calendar_clock"].now() - dt.timedelta(minutes=10)
    changed = suivi.change(store, numero, statut="confirmation-recue", auteur="demo",
                           version_vue=1, revision_vue=0, pieces_manquantes=[], note=None,
                           version_papier=1, now=when.isoformat(timespec="seconds"),
                           courriel=courriel_suivi.DEFERRED, guichet=True)
    index.record_written(store, changed.dossier, follow_up=changed.suivi)
    local.run_scheduled(every=0.1)
    deadline = time.monotonic() + 10
    while len(list(outbox.glob("*.eml"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    subjects = sorted(email.message_from_bytes(m.read_bytes(), policy=email.policy.default)[
        "Subject"] for m in outbox.glob("*.eml"))
    assert len(subjects) == 2 and any("a été reçue" in s for s in subjects), subjects
    time.sleep(0.5)  # later runs send it no second time
    assert len(list(outbox.glob("*.eml"))) == 2
