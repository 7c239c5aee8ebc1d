"""`python -m handler.staff`: list, show, export with a progress bar, rebuild-index — the same
storage code as the API, on the same bucket."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler.staff.cli import run
from handler.staff.progress import ProgressBar
from tests.factories import ROOT
from tests.fixtures import BUCKET
from tests.staff.conftest import person, submit


def cli(app: Flask, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), store=app.extensions["dossier_store"], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def numeros(client: FlaskClient) -> list[str]:
    return [submit(client, person("Martin")),
            submit(client, person("Dupont", departement="23"))]


def test_list_prints_a_table_and_filters(app: Flask, numeros: list[str]) -> None:
    status, out, _ = cli(app, "list", "--tri", "nom")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "2 dossier(s) — page 1/1"
    assert lines[1].startswith(f"{numeros[1]}  Dupont Marie-Ève Françoise Ñúñez  Maçon  23  ")
    status, out, _ = cli(app, "list", "--departement", "87", "--json")
    assert [d["numero"] for d in json.loads(out)["dossiers"]] == [numeros[0]]


def test_show_prints_the_dossier_with_its_follow_up(app: Flask, numeros: list[str]) -> None:
    status, out, _ = cli(app, "show", numeros[0].lower())
    assert status == 0
    shown = json.loads(out)
    assert shown["numero"] == numeros[0] and shown["suivi"]["statut"] == "pre-inscrit"
    assert cli(app, "show", "0000-0000-0")[0] == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "zip"])
def test_export_writes_the_file_with_a_progress_bar(app: Flask, numeros: list[str],
                                                    tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"dossiers.{fmt}"
    status, _, err = cli(app, "export", "--format", fmt, "--out", str(target), "--tri", "nom")
    assert status == 0
    assert "Export " + fmt + " [" in err and "2/2 100%" in err
    assert err.rstrip().endswith(f"2 dossier(s) exporté(s) dans {target}")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig")), delimiter=";"))
        assert [r[0] for r in rows[1:]] == [numeros[1], numeros[0]]
    elif fmt == "xlsx":
        sheet = openpyxl.load_workbook(target)["Dossiers"]
        assert sheet.max_row == 3
    else:
        assert len(zipfile.ZipFile(target).namelist()) == 4


def test_an_invalid_filter_exits_2_with_the_reason(app: Flask) -> None:
    status, _, err = cli(app, "list", "--specialite", "astronaute")
    assert status == 2
    assert "specialite : Valeur inconnue : astronaute." in err


def test_rebuild_index(app: Flask, s3: Any, numeros: list[str]) -> None:
    for obj in s3.list_objects_v2(Bucket=BUCKET, Prefix="index/").get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=obj["Key"])
    status, _, err = cli(app, "rebuild-index")
    assert status == 0 and "Index reconstruit : 2 dossier(s)." in err
    assert "Lignes d'export refaites : 2." in err
    assert cli(app, "list")[1].startswith("2 dossier(s)")


# A separate process reaches moto only in server mode.
@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)
def test_the_real_command_reads_the_bucket_from_the_environment(
        s3_mode: str, s3_endpoint: str | None, numeros: list[str]) -> None:
    env = {**os.environ, "DOSSIERS_BUCKET": BUCKET, "AWS_ENDPOINT_URL_S3": s3_endpoint or ""}
    result = subprocess.run([sys.executable, "-m", "handler.staff", "list"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 dossier(s)")


def test_the_bar_on_a_pipe_writes_a_line_per_tenth() -> None:
    stream = io.StringIO()
    bar = ProgressBar(100, label="Export", stream=stream, width=10)
    for done in range(1, 101):
        bar(done)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11  # the start, then each tenth
    assert lines[-1].startswith("Export [##########] 100/100 100%")


def test_effacer_asks_for_the_number_and_erases_only_when_it_matches(
        app: Flask, s3: Any, numeros: list[str]) -> None:
    asked: list[str] = []

    def typing(answer: str) -> Any:
        def ask(prompt: str) -> str:
            asked.append(prompt)
            return answer
        return ask

    out, err = io.StringIO(), io.StringIO()
    store = app.extensions["dossier_store"]
    status = run(["effacer", numeros[0]], store=store, out=out, err=err,
                 ask=typing(numeros[1]))
    assert status == 2
    assert asked == ["Recopiez le numéro d'inscription pour confirmer : "]
    assert err.getvalue().startswith(f"Effacer le dossier {numeros[0]} (Martin ")
    assert "Rien ne pourra être récupéré." in err.getvalue()
    assert err.getvalue().endswith("Numéro recopié différent : rien n'a été effacé.\n")
    assert cli(app, "show", numeros[0])[0] == 0
    status = run(["effacer", numeros[0]], store=store, out=out, err=err,
                 ask=typing(numeros[0].lower()))
    assert status == 0
    assert out.getvalue().startswith(f"Dossier {numeros[0]} effacé (")
    assert cli(app, "show", numeros[0])[0] == 1
    status, out_text, _ = cli(app, "effacer", numeros[1], "--confirmer", numeros[1])
    assert status == 0 and out_text.endswith("effacement journalisé.\n")
    assert cli(app, "effacer", numeros[1], "--confirmer", numeros[1])[0] == 1
    audits = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="audit/")["Contents"]]
    assert len(audits) == 2


def test_effacer_finishes_an_erasure_that_stopped_after_its_mark(
        app: Flask, numeros: list[str]) -> None:
    """A marked dossier is gone for everyone but the erasure (issue 25, item 4): the command
    must still find it to finish the job."""
    from handler.dossier.numero import canonical

    store = app.extensions["dossier_store"]
    key = canonical(numeros[0])
    assert key is not None and store.mark_erasing(key, "2020-11-02T09:00:00+00:00")
    assert cli(app, "show", numeros[0])[0] == 1
    status, out_text, _ = cli(app, "effacer", numeros[0], "--confirmer", numeros[0])
    assert status == 0 and out_text.endswith("effacement journalisé.\n")
    assert store.dossier_even_erasing(key) is None


def _without_aws(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return {**env, "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "eu-west-3",
            "DOSSIERS_BUCKET": BUCKET, **extra}


def _command(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "handler.staff", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_missing_credentials_are_one_french_line_and_exit_2() -> None:
    result = _command(_without_aws(AWS_ENDPOINT_URL_S3="http://127.0.0.1:9"), "list")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "Identifiants AWS introuvables : définissez AWS_PROFILE (ou AWS_ACCESS_KEY_ID et "
        "AWS_SECRET_ACCESS_KEY), puis relancez la commande.\n")


def test_an_unreachable_endpoint_is_one_french_line_and_exit_2() -> None:
    result = _command(_without_aws(AWS_ENDPOINT_URL_S3="http://127.0.0.1:9",
                                   AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x",
                                   AWS_MAX_ATTEMPTS="1"), "effacer", "0000-0000-0")
    assert (result.returncode, result.stdout) == (2, "")
    line = result.stderr
    assert line.startswith("Le service de stockage ne répond pas (http://127.0.0.1:9/")
    assert line.endswith(") : vérifiez la connexion et AWS_ENDPOINT_URL_S3, puis relancez la "
                         "commande.\n")
    assert line.count("\n") == 1


@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)
def test_an_unknown_bucket_is_one_french_line_and_exit_2(s3_mode: str,
                                                         s3_endpoint: str | None) -> None:
    result = _command(_without_aws(AWS_ENDPOINT_URL_S3=s3_endpoint or "",
                                   AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                                   DOSSIERS_BUCKET="pas-de-compartiment"), "list")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"Le compartiment « pas-de-compartiment » n'existe pas à l'adresse de stockage "
        f"{s3_endpoint} : vérifiez DOSSIERS_BUCKET, et AWS_ENDPOINT_URL_S3 (l'adresse du "
        "stockage S3, pas celle du site), puis relancez la commande.\n")


def test_an_endpoint_that_is_no_s3_store_is_one_french_line_and_exit_2() -> None:
    """Issue 26, item 8: pointed at the web service, `list` printed « 0 dossier(s) », exit 0."""
    import http.server
    import threading

    class Site(http.server.BaseHTTPRequestHandler):
        def _page(self) -> None:
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(b"<html><body>Page introuvable</body></html>")

        do_GET = do_HEAD = do_PUT = do_POST = _page

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_port}"
        result = _command(_without_aws(AWS_ENDPOINT_URL_S3=endpoint, AWS_ACCESS_KEY_ID="x",
                                       AWS_SECRET_ACCESS_KEY="x", AWS_MAX_ATTEMPTS="1"), "list")
    finally:
        server.shutdown()
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"Le compartiment « {BUCKET} » n'existe pas à l'adresse "
                                    f"de stockage {endpoint} : ")
    assert result.stderr.count("\n") == 1


def test_an_export_to_a_missing_folder_or_over_a_file_is_refused_or_asked(
        app: Flask, numeros: list[str], tmp_path: Path) -> None:
    """Issue 26, item 8: a missing folder ended in a traceback; a file was replaced unasked."""
    missing = tmp_path / "absent" / "dossiers.csv"
    status, _, err = cli(app, "export", "--format", "csv", "--out", str(missing))
    assert status == 2 and err == (
        f"Le dossier « {missing.parent} » n'existe pas : créez-le, ou choisissez un autre "
        "chemin avec --out. Rien n'a été exporté.\n")
    existing = tmp_path / "dossiers.csv"
    existing.write_text("à garder", encoding="utf-8")
    asked: list[str] = []
    out, err_ = io.StringIO(), io.StringIO()
    status = run(["export", "--format", "csv", "--out", str(existing)],
                 store=app.extensions["dossier_store"], out=out, err=err_,
                 ask=lambda question: asked.append(question) or "n")
    assert status == 2 and existing.read_text(encoding="utf-8") == "à garder"
    assert asked == [f"Le fichier « {existing} » existe déjà : le remplacer ? (o/N) "]
    status = run(["export", "--format", "csv", "--out", str(existing)],
                 store=app.extensions["dossier_store"], out=out, err=err_, ask=lambda q: "o")
    assert status == 0 and existing.read_bytes().startswith(b"\xef\xbb\xbf")
    existing.write_text("à remplacer", encoding="utf-8")
    status, _, _ = cli(app, "export", "--format", "csv", "--out", str(existing), "--force")
    assert status == 0 and existing.read_bytes().startswith(b"\xef\xbb\xbf")
