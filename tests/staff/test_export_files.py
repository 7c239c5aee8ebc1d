"""Exports as the bureau opens them and follows them: a CSV that LibreOffice with French settings
reads with phones and postcodes as text and dates as dates, an XLSX laid out for work, progress
recorded as it goes, and an erasure that cancels only the exports holding the erased dossier."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler.staff import jobs
from shared_rules.schemas import PRENOMS_MAX
from tests.fixtures import BUCKET
from tests.staff.conftest import bearer, person, submit
from tests.staff.test_exports import export

SOFFICE = shutil.which("soffice")
# CSV import options (LibreOffice's « Filter Options »): `;` (59), `"` (34), UTF-8 (76),
# first line 1, default column formats, language French (1036).
FRENCH_CSV = "CSV:59,34,76,1,,1036"


def require_libreoffice() -> None:
    """Skip without LibreOffice, except under CI, where its absence fails the test."""
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (libreoffice-calc-nogui) is missing: .ci/run installs it")
        pytest.skip("LibreOffice (soffice) is not installed")


def libreoffice_opens(path: Path, tmp_path: Path) -> Any:
    """The first sheet of the file as LibreOffice, in French, reads and saves it as XLSX."""
    require_libreoffice()
    profile = tmp_path / "profil"  # its own profile: tests running side by side don't collide
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         "xlsx", f"--infilter={FRENCH_CSV}", "--outdir", str(tmp_path / "lu"), str(path)],
        capture_output=True, text=True, timeout=180, check=False,
        env={**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"})
    converted = tmp_path / "lu" / (path.stem + ".xlsx")
    assert converted.exists(), result.stderr
    return openpyxl.load_workbook(converted, data_only=True).active


def test_libreoffice_in_french_keeps_phone_and_postcode_as_text_and_dates_as_dates(
        client: FlaskClient, tmp_path: Path) -> None:
    submit(client, person("Martin", **{"contact.telephone": "0555000007",
                                       "contact.code_postal": "87000"}))
    submit(client, person("Dupont", **{"contact.telephone": "+33555000008"}))
    response = export(client, "csv", tri="nom")
    path = tmp_path / "dossiers.csv"
    path.write_bytes(response.data)
    sheet = libreoffice_opens(path, tmp_path)
    header = [c.value for c in sheet[1]]
    dupont, martin = ({h: c for h, c in zip(header, row, strict=False)}
                      for row in sheet.iter_rows(min_row=2, max_row=3))
    assert (martin["Téléphone"].value, martin["Téléphone"].data_type) == ("05 55 00 00 07", "s")
    assert (martin["Code postal"].value, martin["Code postal"].data_type) == ("87000", "s")
    assert dupont["Téléphone"].value == "'+33 5 55 00 00 08"  # neutralised, and text
    assert martin["Date de naissance"].is_date and martin["Créé le"].is_date
    assert martin["Date de naissance"].value.date().isoformat() == "1998-05-17"
    assert martin["Version"].value == 1


def test_the_xlsx_has_fitted_widths_a_filter_and_a_frozen_header(client: FlaskClient) -> None:
    for nom in ("Martin", "Dupont"):
        submit(client, person(nom, **{"amenagement.demande": True,
                                      "amenagement.precisions": "Tiers temps, dyslexie " * 5}))
    response = export(client, "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = workbook["Dossiers"]
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}3"
    widths = {sheet.cell(1, i).value: sheet.column_dimensions[sheet.cell(1, i).column_letter]
              .width for i in range(1, sheet.max_column + 1)}
    assert widths["Créé le"] >= 16 + 1  # « 02/11/2020 10:00 », never « ### »
    assert widths["Date de naissance"] >= len("Date de naissance")
    assert widths["Précisions sur l'aménagement"] == 50  # bounded
    assert widths["Version"] == len("Version") + 3
    assert all(8 <= w <= 50 for w in widths.values())


def test_progress_is_recorded_at_least_every_twentieth() -> None:
    ticks = iter(range(1000))
    pacer = jobs.Pacer(62, clock=lambda: float(next(ticks)) / 100)  # 10 ms a dossier
    recorded = [done for done in range(1, 63) if pacer.due(done)]
    assert recorded == list(range(4, 63, 4))  # 5 % of 62 is 3.1: every 4th dossier
    slow = iter(range(1000))
    pacer = jobs.Pacer(20_000, clock=lambda: float(next(slow)))  # a second a dossier (PDFs)
    assert [d for d in range(1, 101) if pacer.due(d)] == [25, 50, 75, 100]


def test_a_zip_job_reports_its_progress_while_it_runs(app: Flask, client: FlaskClient,
                                                      s3: Any, monkeypatch: Any) -> None:
    for i in range(30):
        submit(client, person("Martin" + "ab"[i // 26] + "abcdefghijklmnopqrstuvwxyz"[i % 26]))
    seen: list[int] = []
    write = jobs._JobState.write

    def noted(self: Any, **changes: Any) -> None:
        if "fait" in changes and changes.get("statut") is None:
            seen.append(changes["fait"])
        write(self, **changes)

    monkeypatch.setattr(jobs._JobState, "write", noted)
    store, session = app.extensions["dossier_store"], app.extensions["inscription_session"]
    listed = client.get("/api/staff/dossiers?par_page=50", headers=bearer()).get_json()
    numeros = [e["numero"].replace("-", "") for e in listed["dossiers"]]
    job_id = jobs.create(store, fmt="zip", numeros=numeros, auteur="dec4")
    jobs.run(store, session, job_id)
    assert seen[:-1] == list(range(2, 31, 2)) and seen[-1] == 30  # 5 % of 30 is 1.5: every 2


def test_an_erasure_cancels_only_the_exports_holding_the_dossier_and_says_why(
        app: Flask, client: FlaskClient, s3: Any) -> None:
    martin = submit(client, person("Martin"))
    dupont = submit(client, person("Dupont", departement="23"))
    store = app.extensions["dossier_store"]
    session = app.extensions["inscription_session"]
    canon = {n: n.replace("-", "") for n in (martin, dupont)}
    both = jobs.create(store, fmt="csv", numeros=[canon[martin], canon[dupont]], auteur="a")
    only_dupont = jobs.create(store, fmt="csv", numeros=[canon[dupont]], auteur="b")
    running = jobs.create(store, fmt="xlsx", numeros=[canon[martin]], auteur="c")
    for job_id in (both, only_dupont):
        jobs.run(store, session, job_id)
    response = client.post(f"/api/staff/dossiers/{martin}/effacement", headers=bearer(),
                           json={"confirmation": martin})
    assert response.status_code == 200
    assert response.get_json()["effacement"]["exports_supprimes"] == 1  # `both`'s file
    jobs.run(store, session, running)  # its event was queued before the erasure
    for job_id in (both, running):
        state = client.get(f"/api/staff/exports/{job_id}", headers=bearer()).get_json()
        assert (state["statut"], state["raison"], state["lien"]) == (
            "annule", jobs.ANNULE_EFFACEMENT, None)
        assert store.read(jobs.state_key(job_id)).body["numeros"] == []
    kept = client.get(f"/api/staff/exports/{only_dupont}", headers=bearer()).get_json()
    assert kept["statut"] == "pret" and kept["lien"] and kept["raison"] is None
    files = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="exports/")["Contents"]
             if not o["Key"].endswith("/etat.json")]
    assert [f.split("/")[1] for f in files] == [only_dupont]


def test_an_erasure_leaves_its_number_in_no_version_of_a_cancelled_exports_state(
        app: Flask, client: FlaskClient, s3: Any) -> None:
    """Issue 25, item 9: every progress write of a job's state held its selection; an erasure
    left the number in those earlier versions."""
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    martin = submit(client, person("Martin"))
    dupont = submit(client, person("Dupont", departement="23"))
    store = app.extensions["dossier_store"]
    session = app.extensions["inscription_session"]
    canon = [n.replace("-", "") for n in (martin, dupont)]
    job_id = jobs.create(store, fmt="csv", numeros=canon, auteur="a")
    jobs.run(store, session, job_id)
    key = jobs.state_key(job_id)
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix=key)["Versions"]
    assert len(versions) >= 2
    assert client.post(f"/api/staff/dossiers/{martin}/effacement", headers=bearer(),
                       json={"confirmation": martin}).status_code == 200
    listed = s3.list_object_versions(Bucket=BUCKET, Prefix=key)
    bodies = [s3.get_object(Bucket=BUCKET, Key=key, VersionId=v["VersionId"])["Body"].read()
              for v in listed.get("Versions", [])]
    assert len(bodies) == 1 and not listed.get("DeleteMarkers")
    assert canon[0] not in bodies[0].decode() and b'"annule"' in bodies[0]


def test_libreoffice_opens_the_xlsx_with_its_filter_dates_and_text(client: FlaskClient,
                                                                   tmp_path: Path) -> None:
    require_libreoffice()
    submit(client, person("Martin", **{"contact.telephone": "0555000007"}))
    source = tmp_path / "dossiers.xlsx"
    source.write_bytes(export(client, "xlsx").data)
    # Opened and saved again by LibreOffice: what it understood of the file.
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "lu"), str(source)],
        capture_output=True, text=True, timeout=180, check=False,
        env={**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"})
    converted = tmp_path / "lu" / "dossiers.xlsx"
    assert converted.exists(), result.stderr
    sheet = openpyxl.load_workbook(converted).active
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=False))
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    # (The frozen header is a view setting, which LibreOffice without a window doesn't save
    # again: the XLSX test above checks it in the file itself.)
    assert cells["Créé le"].is_date and cells["Date de naissance"].is_date
    assert (cells["Téléphone"].value, cells["Téléphone"].data_type) == ("05 55 00 00 07", "s")
    assert (cells["Code postal"].value, cells["Code postal"].data_type) == ("87100", "s")
    width = sheet.column_dimensions[cells["Créé le"].column_letter].width
    assert width >= 16


def reopened(source: Path, tmp_path: Path) -> Any:
    """The first sheet of `source` as LibreOffice reads it and saves it again as XLSX."""
    require_libreoffice()
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "lu"), str(source)],
        capture_output=True, text=True, timeout=180, check=False,
        env={**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"})
    converted = tmp_path / "lu" / (source.stem + ".xlsx")
    assert converted.exists(), result.stderr
    return openpyxl.load_workbook(converted).active


def test_libreoffice_reads_the_ods_values_exactly_formulas_kept_as_text(
        client: FlaskClient, tmp_path: Path) -> None:
    require_libreoffice()
    formula = '=HYPERLINK("http://x","y")'
    submit(client, person("Martin", **{
        "contact.telephone": "0555000007", "contact.adresse": formula,
        "amenagement.demande": True, "amenagement.precisions": f"{formula} deux lignes\nici"}))
    submit(client, person("Dupont", **{"dispenses.0.diplome": "@SUM(A1)"}))
    response = export(client, "ods", tri="nom")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response.data[30:38] == b"mimetype"  # first entry, stored: what says it is an ODS
    source = tmp_path / "dossiers.ods"
    source.write_bytes(response.data)
    sheet = reopened(source, tmp_path)
    # The XLSX of the same list, read by openpyxl: every value the same, typed the same.
    xlsx = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx", tri="nom").data))["Dossiers"]
    expected = [[c.value for c in row] for row in xlsx.iter_rows()]
    got = [[c.value for c in row] for row in sheet.iter_rows(max_col=len(expected[0]))]
    assert got == [[None if v == "" else v for v in row] for row in expected]
    header = [c.value for c in sheet[1]]
    dupont, martin = (dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=2))
    for cell in (martin["Adresse"], dupont["Dispenses (diplôme, année)"]):
        assert cell.data_type == "s"  # text, never a formula
    assert martin["Adresse"].value == formula
    assert martin["Précisions sur l'aménagement"].value == f"{formula} deux lignes\nici"
    assert martin["Créé le"].is_date and martin["Date de naissance"].is_date
    assert martin["Version"].value == 1


def test_the_spreadsheets_carry_the_columns_chosen_in_their_order(client: FlaskClient) -> None:
    submit(client, person("Martin"))
    chosen = ["nom-de-naissance", "prenoms", "numero-d-inscription"]
    for fmt in ("csv", "xlsx", "ods"):
        response = client.post("/api/staff/exports", headers=bearer(), json={
            "format": fmt, "filtres": {}, "colonnes": chosen})
        assert response.status_code == 200
        if fmt == "csv":
            header = response.data.decode("utf-8-sig").splitlines()[0].split(";")
        elif fmt == "xlsx":
            header = [c.value for c in openpyxl.load_workbook(
                io.BytesIO(response.data))["Dossiers"][1]]
        else:
            content = zipfile.ZipFile(io.BytesIO(response.data)).read("content.xml").decode()
            header = re.findall(r'table:style-name="titre"[^>]*><text:p>([^<]*)<', content)
        assert header == ["Numéro d'inscription", "Nom de naissance",
                          *[f"Prénom {i}" for i in range(1, PRENOMS_MAX + 1)]], fmt
