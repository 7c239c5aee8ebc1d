"""Privacy: a whole candidate journey with canary values leaves none of them in any log line."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from handler.local_server import LocalStack
from tests.factories import make_dossier

CANARIES = {
    "etat_civil.nom_naissance": "Canarinom",
    "etat_civil.prenoms": ["Canaprenom", "Secondcanari"],
    "etat_civil.date_naissance": "1987-03-29",
    "etat_civil.commune_naissance": "Canariville",
    "contact.email": "canari.secret@exemple.fr",
    "contact.adresse": "77 impasse du Canari-Jaune",
    "contact.telephone": "0555998877",
}
SECRETS = ["Canarinom", "Canaprenom", "Secondcanari", "1987-03-29", "Canariville",
           "canari.secret", "impasse du Canari", "0555998877", "29/03/1987"]


def call(url: str, *, data: Any = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, bytes]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method, headers={
        **({"Content-Type": "application/json"} if body is not None else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_no_canary_reaches_any_log(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                   capfd: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    (tmp_path / "index.html").write_text("<html><body></body></html>", encoding="utf-8")
    stack = LocalStack(site_dir=tmp_path, port=0)
    url = stack.start() + "api/"
    stack.serve_in_background()
    try:
        dossier = make_dossier(CANARIES)
        born = {"X-Date-Naissance": CANARIES["etat_civil.date_naissance"]}
        assert call(url + "dossiers/verification", data=dossier)[0] == 200
        status, body = call(url + "dossiers", data=dossier,
                            headers={"Idempotency-Key": "canari-0001-cle"})
        assert status == 201
        numero = json.loads(body)["numero"]
        assert call(url + f"dossiers/{numero}", headers=born)[0] == 200
        changed = make_dossier({**CANARIES, "specialite": "couvreur"})
        assert call(url + f"dossiers/{numero}", data=changed, headers=born,
                    method="PUT")[0] == 200
        assert call(url + f"dossiers/{numero}/confirmation.pdf", headers=born)[0] == 200
        assert call(url + f"dossiers/{numero}",
                    headers={"X-Date-Naissance": "1987-03-30"})[0] == 404
        assert call(url + "dossiers", data=dossier)[0] == 409
        bad = make_dossier({**CANARIES, "etat_civil.date_naissance": "2010-01-01"})
        assert call(url + "dossiers", data=bad)[0] == 422
        rappel = {"nom_naissance": "Canarinom", "prenom": "Canaprenom",
                  "date_naissance": CANARIES["etat_civil.date_naissance"]}
        assert call(url + "dossiers/rappel", data=rappel)[0] in (202, 503)
    finally:
        stack.stop()

    captured = capfd.readouterr()
    logged = "\n".join(
        [record.getMessage() for record in caplog.records]
        + [str(record.args) for record in caplog.records]
        + [captured.out, captured.err])
    assert "POST /api/dossiers 201" in logged  # the journey was logged, without its data
    leaks = [secret for secret in SECRETS if secret.lower() in logged.lower()]
    assert leaks == []
