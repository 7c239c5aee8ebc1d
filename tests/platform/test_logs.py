"""Nothing personal in any log line: no glyph name of a PDF's font subset (the letters of a
name), no registration number in a failure's line, no traceback; libraries at WARNING even with
the root logger at DEBUG."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from handler.dossier.numero import canonical
from handler.local_server import LocalStack
from handler.platform import logs
from handler.platform import messages as msg
from tests.factories import make_dossier
from tests.perf.test_privacy import call
from tests.staff.conftest import submit

# Names of rare letters, and the glyph names fontTools would log for them.
RARE_NAMES = ["Ÿvœñ", "Ødegård", "L'Haÿ"]
GLYPH_NAMES = ["Ydieresis", "ydieresis", "oe", "ntilde", "Oslash", "aring", "quotesingle"]
_GLYPH = re.compile(r"\b(" + "|".join(GLYPH_NAMES) + r")\b")
BORN = make_dossier()["etat_civil"]["date_naissance"]


def _logged(caplog: pytest.LogCaptureFixture, *more: str) -> str:
    return "\n".join([r.getMessage() for r in caplog.records]
                     + [str(r.args) for r in caplog.records] + [caplog.text, *more])


def _number_forms(numero: str) -> list[str]:
    key = canonical(numero)
    assert key is not None
    return [numero, key]


def _rare_dossier(name: str) -> dict[str, Any]:
    return make_dossier({"etat_civil.nom_naissance": name,
                         "etat_civil.prenoms": [name.replace("'", "")]})


def test_pdfs_of_rare_letter_names_log_no_glyph_name_even_at_debug(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    numeros = [submit(client, _rare_dossier(name)) for name in RARE_NAMES]
    caplog.clear()
    caplog.set_level(logging.DEBUG)  # the root logger: the libraries' levels must hold anyway
    for numero in numeros:
        answer = client.get(f"/api/dossiers/{numero}/confirmation.pdf",
                            headers={"X-Date-Naissance": BORN})
        assert (answer.status_code, answer.mimetype) == (200, "application/pdf")
    logged = _logged(caplog)
    assert _GLYPH.findall(logged) == []
    assert [n for n in RARE_NAMES if n.lower() in logged.lower()] == []
    # What remains is ours, one access line per PDF.
    assert {r.name for r in caplog.records} == {"handler.requests"}
    assert [r.getMessage().rsplit(" ", 1)[0] for r in caplog.records] == [
        "GET /api/dossiers/<numero>/confirmation.pdf 200"] * len(RARE_NAMES)


def test_letters_the_font_lacks_are_not_named_in_the_logs(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    # Valid letters of a name and text of an address that DejaVu Sans has no glyph for: fpdf2
    # warned « Font … is missing the following glyphs: '李' (\u674e)… ».
    dossier = make_dossier({"etat_civil.nom_naissance": "李ᏣᎳᎩ",
                            "contact.adresse": "12 rue du Bonhomme 🙂"})
    numero = submit(client, dossier)
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    answer = client.get(f"/api/dossiers/{numero}/confirmation.pdf",
                        headers={"X-Date-Naissance": BORN})
    assert answer.status_code == 200
    logged = _logged(caplog)
    assert [c for c in "李ᏣᎳᎩ🙂" if c in logged or f"{ord(c):x}" in logged.lower()] == []
    assert [r.getMessage().rsplit(" ", 1)[0] for r in caplog.records] == [
        "GET /api/dossiers/<numero>/confirmation.pdf 200"]


def test_libraries_stay_at_warning_whatever_the_root_level() -> None:
    root = logging.getLogger()
    before = root.level
    logs.configure(logging.DEBUG)
    try:
        assert {name: logging.getLogger(name).getEffectiveLevel() for name in logs.LIBRARIES} \
            == {**dict.fromkeys(logs.LIBRARIES, logging.WARNING),
                "fontTools": logging.ERROR, "fpdf": logging.ERROR}
        for child in ("fontTools.subset", "botocore.endpoint", "urllib3.connectionpool",
                      "s3transfer.tasks", "PIL.PngImagePlugin", "moto.core", "fpdf.output"):
            assert not logging.getLogger(child).isEnabledFor(logging.INFO), child
    finally:
        root.setLevel(before)


def _failing_modify(*args: Any, **kwargs: Any) -> Any:
    stored = args[1]
    # An exception whose message quotes the number and a name, as botocore's or ours might.
    raise RuntimeError(f"dossiers/{stored.body['numero']}.json {stored.body['dossier']}")


def test_an_exception_on_a_numbered_route_logs_one_line_without_the_number(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    numero = submit(client, _rare_dossier("Ødegård"))
    monkeypatch.setattr("handler.candidats.registrations.modify", _failing_modify)
    caplog.set_level(logging.DEBUG)
    # A real change (an unchanged dossier is answered without a write, so without the failure).
    changed = make_dossier({"etat_civil.nom_naissance": "Ødegård",
                            "etat_civil.prenoms": ["Ødegård"], "contact.commune": "Ambazac"})
    answer = client.put(f"/api/dossiers/{numero}", json=changed,
                        headers={"X-Date-Naissance": BORN})
    reference = answer.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{12}", reference)
    assert (answer.status_code, answer.get_json()) == (500, {
        "code": "erreur_interne", "message": msg.ERREUR_INTERNE, "errors": {},
        "reference": reference})
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [f"unexpected error: RuntimeError on PUT /api/dossiers/<numero> "
                      f"(reference {reference})"]
    logged = _logged(caplog)
    assert [form for form in _number_forms(numero) if form in logged] == []
    assert "Ødegård" not in logged and "Traceback" not in logged
    assert all(r.exc_info is None for r in caplog.records)


def test_a_failing_error_path_logs_one_line_without_the_path_or_a_trace(
        app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    @app.after_request
    def _broken(response: Any) -> Any:
        if request.method == "GET":  # consulting: fails again while the 500 is made
            raise RuntimeError(f"after {request.path}")
        return response

    numero = submit(client, make_dossier())
    app.testing = False  # as deployed: Flask logs the failure instead of raising it

    caplog.set_level(logging.DEBUG)
    answer = client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": BORN})
    reference = answer.headers["X-Request-Id"]
    assert (answer.status_code, answer.get_json()) == (500, {
        "code": "erreur_http", "message": msg.ERREUR_INTERNE, "errors": {},
        "reference": reference})
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        f"unexpected error: RuntimeError on GET /api/dossiers/<numero> (reference {reference})",
        "Request finalizing failed with an error while handling an error (RuntimeError)"]
    logged = _logged(caplog)
    assert [form for form in _number_forms(numero) if form in logged] == []
    assert "Traceback" not in logged and all(r.exc_info is None for r in caplog.records)


def test_the_local_run_logs_no_name_glyph_or_number(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        capfd: pytest.CaptureFixture[str]) -> None:
    """The canary check of tests/perf/test_privacy.py, over real HTTP (waitress, moto's
    server), with rare letters, their PDFs and hostile bodies."""
    caplog.set_level(logging.DEBUG)
    (tmp_path / "index.html").write_text("<html><body></body></html>", encoding="utf-8")
    stack = LocalStack(site_dir=tmp_path, port=0, config={"SUBMISSIONS_PER_CLIENT": "0"})
    url = stack.start() + "api/"
    stack.serve_in_background()
    numeros = []
    try:
        for name in RARE_NAMES:
            status, body = call(url + "dossiers", data=_rare_dossier(name))
            assert status == 201, body
            numeros.append(json.loads(body)["numero"])
            status, _ = call(url + f"dossiers/{numeros[-1]}/confirmation.pdf",
                             headers={"X-Date-Naissance": BORN})
            assert status == 200
        for hostile in ([[]] * 1, "[" * 5000, '{"\\ud800": 1}'):
            request_body = hostile if isinstance(hostile, str) else json.dumps(hostile)
            status, _ = call_raw(url + f"dossiers/{numeros[0]}", request_body)
            assert status in (400, 422)
        # Read before the stop: closing waitress under a finishing task logs its own error.
        captured = capfd.readouterr()
        logged = _logged(caplog, captured.out, captured.err)
    finally:
        stack.stop()
    assert "GET /api/dossiers/<numero>/confirmation.pdf 200" in logged
    assert _GLYPH.findall(logged) == []
    assert [n for n in RARE_NAMES if n.lower() in logged.lower()] == []
    assert [form for numero in numeros for form in _number_forms(numero)
            if form in logged] == []
    assert "Traceback" not in logged


def call_raw(url: str, body: str) -> tuple[int, bytes]:
    """A PUT of a raw JSON text, with the birth date."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=body.encode(), method="PUT", headers={
        "Content-Type": "application/json", "X-Date-Naissance": BORN})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
