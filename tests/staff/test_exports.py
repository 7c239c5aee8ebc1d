"""Exports of the filtered list: CSV for French Excel read back with the csv module, XLSX read
back with openpyxl, a ZIP of each dossier's JSON and PDF, formulas neutralised, background jobs
with a presigned link, through a thread or the export function."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import urllib.parse
import zipfile
from typing import Any

import openpyxl
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

import shared_rules
from handler.staff import columns, exports, jobs, rest
from handler.staff.jobs import LambdaRunner, ThreadRunner
from handler.staff.messages import nombre as msg_nombre
from tests.factories import make_dossier
from tests.fixtures import BUCKET
from tests.staff.conftest import bearer, person, submit

FORMULAS = ['=HYPERLINK("http://x","y")', "+33 5 55 00 00 00", "-1+1", "@SUM(A1)",
            # Issue 25: full-width and small forms, a spreadsheet may read them as ASCII.
            '＝HYPERLINK("http://x","y")', "＋1+1", "－1+1", "＠SUM(A1)", "﹦1+1", "−1+1"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\u2212")
#: Every free-text field of the dossier (the rest are codes, dates, booleans and numbers).
FREE_TEXT = ["etat_civil.nom_naissance", "etat_civil.nom_usage", "etat_civil.prenoms.0",
             "etat_civil.commune_naissance", "etat_civil.pays_naissance", "contact.email",
             "contact.telephone", "contact.adresse", "contact.commune",
             "dispenses.0.diplome", "amenagement.precisions"]
HEADER = columns.HEADERS


def column(name: str) -> int:
    return HEADER.index(name)


def export(client: FlaskClient, fmt: str, **filtres: Any) -> Any:
    return client.post("/api/staff/exports", headers=bearer(),
                       json={"format": fmt, "filtres": filtres})


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def hostile(payload: str) -> dict[str, Any]:
    """A valid dossier carrying a formula in every free-text field that accepts it."""
    return person("Martin", **{"contact.adresse": payload, "dispenses.0.diplome": payload,
                               "amenagement.demande": True, "amenagement.precisions": payload})


@pytest.mark.parametrize("payload", FORMULAS)
@pytest.mark.parametrize("field", FREE_TEXT)
def test_every_free_text_field_either_refuses_a_formula_or_exports_it_neutralised(
        field: str, payload: str) -> None:
    changes = {field: payload}
    if field == "amenagement.precisions":
        changes["amenagement.demande"] = True
    dossier = make_dossier(changes)
    if shared_rules.validate(dossier):
        return  # the schema refuses it: it can't reach an export
    record = {"numero": "7K3MQ9PAR", "version": 1, "cree_le": "2020-11-02T10:00:00+01:00",
              "modifie_le": "2020-11-02T10:00:00+01:00", "dossier": shared_rules.load(dossier)}
    session = shared_rules.get_session("cap-limoges-2021-06")
    assert session is not None
    cells = [exports._csv_cell(c) for c in columns.row(record, None, columns.Labels.of(session))]
    dangerous = [c for c in cells if unicodedata.normalize("NFKC", c[:1]).startswith(TRIGGERS)]
    # The postcode alone is written as a formula yielding its digits, to stay text (no payload).
    assert dangerous == ['="87100"']
    # It is there, as text: alone in its cell behind an apostrophe, or inside a longer cell.
    assert any(payload.replace(" ", "") in c.replace(" ", "") for c in cells)


def test_the_fields_that_accept_formulas_are_known() -> None:
    accepting = {(f, p) for f in FREE_TEXT for p in FORMULAS
                 if not shared_rules.validate(make_dossier(
                     {f: p, "amenagement.demande": True} if "amenagement" in f else {f: p}))}
    # Issue 24: place names are free text with a letter (« Washington, D.C. »), so they take
    # formulas too; every one is neutralised (the test above).
    assert {f for f, _ in accepting} == {"contact.adresse", "dispenses.0.diplome",
                                         "amenagement.precisions", "contact.telephone",
                                         "etat_civil.commune_naissance",
                                         "etat_civil.pays_naissance", "contact.commune"}
    assert {p for f, p in accepting if f == "contact.telephone"} <= {"+33 5 55 00 00 00",
                                                                      "＋1+1"}


@pytest.mark.parametrize("payload", FORMULAS)
def test_csv_for_french_excel_read_back_with_formulas_neutralised(
        client: FlaskClient, payload: str) -> None:
    phone = {"contact.telephone": payload} if payload.startswith("+") else {}
    numero = submit(client, {**hostile(payload)} if not phone else
                    person("Martin", **phone, **{"contact.adresse": payload,
                                                 "dispenses.0.diplome": payload,
                                                 "amenagement.demande": True,
                                                 "amenagement.precisions": payload}))
    client.post(f"/api/staff/dossiers/{numero}/suivi", headers=bearer(), json={
        "statut": "incomplete", "version": 1, "revision": 0, "note": payload})
    response = export(client, "csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="dossiers-CAP-2021-06-')
    header, line = read_csv(response.data)
    assert header == HEADER
    cells = dict(zip(header, line, strict=True))
    expected = "'" + payload
    for name in ("Adresse", "Précisions sur l'aménagement", "Note du bureau"):
        assert cells[name] == expected, name
    assert cells["Dispenses (diplôme, année)"].endswith(f"— {payload} (2016)")
    if phone:
        # Stored compact, exported in groups (text in any spreadsheet), behind an apostrophe.
        assert cells["Téléphone"] == "'+33 5 55 00 00 00"
    assert cells["Numéro d'inscription"] == numero
    assert cells["Date de naissance"] == "17/05/1998"
    assert cells["Créé le"] == "02/11/2020 10:00"
    assert [cells[f"Prénom {i}"] for i in (1, 2, 3, 4)] == ["Marie-Ève", "Françoise", "Ñúñez", ""]
    assert cells["Nom de naissance"] == "Martin"
    assert cells["Spécialité"] == "Maçon"
    assert cells["Statut"] == "Dossier incomplet"


def test_the_export_follows_the_lists_filters_and_order(client: FlaskClient) -> None:
    submit(client, person("Martin"))
    submit(client, person("Dupont", departement="23"))
    submit(client, person("Bernard", departement="19", specialite="serrurier-metallier"))
    response = export(client, "csv", specialite="macon", tri="-nom")
    _, *rows = read_csv(response.data)
    assert [r[column("Nom de naissance")] for r in rows] == ["Martin", "Dupont"]
    assert response.headers["X-Nombre-Dossiers"] == "2"
    assert export(client, "csv", specialite="astronaute").status_code == 422
    bad = client.post("/api/staff/exports", headers=bearer(), json={"format": "docx"})
    assert bad.status_code == 422 and bad.get_json()["code"] == "export_invalide"


def test_xlsx_read_back_with_openpyxl_text_as_text(client: FlaskClient) -> None:
    submit(client, hostile('=HYPERLINK("http://x","y")'))
    response = export(client, "xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = workbook["Dossiers"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == HEADER
    cells = {h: c for h, c in zip(HEADER, rows[1], strict=True)}
    adresse = cells["Adresse"]
    # The exact text, stored as a string (never a formula), with Excel's quote prefix.
    assert adresse.value == '=HYPERLINK("http://x","y")'
    assert (adresse.data_type, adresse.quotePrefix, adresse.number_format) == ("s", True, "@")
    assert cells["Code postal"].value == "87100" and cells["Code postal"].data_type == "s"
    assert cells["Date de naissance"].value.date().isoformat() == "1998-05-17"
    assert cells["Date de naissance"].number_format == "DD/MM/YYYY"
    assert cells["Version"].value == 1


def test_the_speciality_typed_by_hand_is_exported(client: FlaskClient) -> None:
    """Issue 26, item 3: « CAP Accordeur de pianos » was in none of the columns."""
    submit(client, person("Pianiste", specialite="autre",
                          specialite_autre="CAP Accordeur de pianos"))
    for fmt in ("csv", "xlsx"):
        data = export(client, fmt).data
        row = (read_csv(data)[1] if fmt == "csv" else
               [c.value for c in list(openpyxl.load_workbook(io.BytesIO(data))["Dossiers"]
                                      .iter_rows())[1]])
        cells = dict(zip(HEADER, row, strict=True))
        assert cells["Code spécialité"] == "autre"
        assert cells["Spécialité"] == (
            "Ma spécialité n'est pas dans la liste : CAP Accordeur de pianos")


def test_the_people_of_issue_24_export_as_their_papers_show_them(client: FlaskClient) -> None:
    """A birth date with no day and no month, no first name, a language typed by hand, kept
    grades per professional unit, « Précisions » on two lines: in the CSV and the XLSX."""
    submit(client, person("Sukarno", **{
        "etat_civil.prenoms": [], "etat_civil.sans_prenom": True,
        "etat_civil.date_naissance": "1996", "specialite": "cuisine",
        "langue_vivante": "autre", "langue_vivante_autre": "Arabe",
        "benefices": [{"unite": "ep1", "annee": 2019, "note": 13},
                      {"unite": "ep3", "annee": 2019, "note": 11.5}],
        "amenagement": {"demande": True, "precisions": "Tiers temps.\nSalle au RDC"}}))
    _, row = read_csv(export(client, "csv").data)
    cells = dict(zip(HEADER, row, strict=True))
    assert cells["Date de naissance"] == "00/00/1996"
    assert cells["Prénom 1"] == ""
    assert cells["Langue vivante obligatoire"] == "Autre langue : Arabe"
    assert cells["Notes conservées (note, session)"] == (
        "Épreuve professionnelle EP1 (UP1) — 13/20 (2019) ; "
        "Épreuve professionnelle EP3 (UP3) — 11,5/20 (2019)")
    assert cells["Précisions sur l'aménagement"] == "Tiers temps.\nSalle au RDC"
    assert cells["Points à vérifier"] == "date de naissance ; sans prénom ; langues"
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx").data))["Dossiers"]
    values = {h: c.value for h, c in zip(HEADER, list(sheet.iter_rows())[1], strict=True)}
    assert values["Date de naissance"] == "00/00/1996"


def finished(client: FlaskClient, app: Flask, response: Any) -> dict[str, Any]:
    assert response.status_code == 202, response.get_json()
    runner = app.extensions["export_runner"]
    assert isinstance(runner, ThreadRunner)
    runner.join()
    state = client.get(response.headers["Location"], headers=bearer())
    assert state.status_code == 200
    return dict(state.get_json())


def download(s3: Any, s3_endpoint: str | None, link: str) -> bytes:
    """The presigned link: fetched over HTTP in server mode, read by key in-process."""
    if s3_endpoint is not None:
        answer = requests.get(link, timeout=10)
        assert answer.status_code == 200
        assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
        return answer.content
    parsed = urllib.parse.urlsplit(link)
    key = urllib.parse.unquote(parsed.path.split(f"/{BUCKET}/", 1)[-1].lstrip("/"))
    return bytes(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())


def test_the_zip_holds_each_dossiers_json_and_pdf(app: Flask, client: FlaskClient, s3: Any,
                                                  s3_endpoint: str | None) -> None:
    numeros = [submit(client, person("Martin")), submit(client, person("Dupont"))]
    state = finished(client, app, export(client, "zip", tri="nom"))
    assert (state["statut"], state["nombre"], state["fait"]) == ("pret", 2, 2)
    assert state["expire_dans"] == 300 and state["fichier"].endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(download(s3, s3_endpoint, state["lien"])))
    assert sorted(archive.namelist()) == sorted(
        [f"{n}/dossier.json" for n in numeros]
        + [f"{n}/confirmation-inscription-CAP-2021-06-{n}-V1.pdf" for n in numeros])
    dossier = json.loads(archive.read(f"{numeros[0]}/dossier.json"))
    assert dossier["dossier"]["etat_civil"]["nom_naissance"] == "Martin"
    assert dossier["suivi"]["statut"] == "pre-inscrit"
    pdf = f"{numeros[0]}/confirmation-inscription-CAP-2021-06-{numeros[0]}-V1.pdf"
    assert archive.read(pdf).startswith(b"%PDF")


def test_a_list_too_large_for_one_answer_is_exported_in_the_background(
        app: Flask, client: FlaskClient, s3: Any, s3_endpoint: str | None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    submit(client, person("Martin"))
    submit(client, person("Dupont"))
    at_once = export(client, "csv", tri="nom").data
    monkeypatch.setattr(rest, "SYNC_MAX", 1)
    state = finished(client, app, export(client, "csv", tri="nom"))
    assert state["statut"] == "pret"
    data = download(s3, s3_endpoint, state["lien"])
    # The same rows as the answer at once (only the file's name may differ).
    assert read_csv(data) == read_csv(at_once)


def test_a_zip_too_large_is_refused_with_advice(client: FlaskClient,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    submit(client, person("Martin"))
    monkeypatch.setattr(rest, "ZIP_MAX", 0)
    response = export(client, "zip")
    assert response.status_code == 422
    assert response.get_json()["code"] == "export_trop_volumineux"
    assert "filtrez" in response.get_json()["message"]


def test_the_zip_limit_is_written_as_french_writes_numbers(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    submit(client, person("Martin"))
    submit(client, person("Dupont"))
    monkeypatch.setattr(rest, "ZIP_MAX", 1)
    assert msg_nombre(25_000) == "25\u202f000"
    assert "au-delà des 1 qu'un export" in export(client, "zip").get_json()["message"]


def test_a_failed_job_says_so_and_leaves_no_file(app: Flask, client: FlaskClient, s3: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    submit(client, person("Martin"))

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("panne")

    monkeypatch.setattr(exports, "export", broken)
    state = finished(client, app, export(client, "zip"))
    assert state["statut"] == "echec" and state["lien"] is None
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="exports/")["Contents"]]
    assert all(k.endswith("/etat.json") for k in keys)
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_an_unknown_export_is_404(client: FlaskClient) -> None:
    for job_id in ("inconnu-inconnu-inconnu", "../etat"):
        response = client.get(f"/api/staff/exports/{job_id}", headers=bearer())
        assert response.status_code == 404


class FakeLambda:
    """Records invocations (the export function in AWS)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"StatusCode": 202}


def test_in_aws_the_export_function_is_invoked_asynchronously_with_the_job_id_only(
        app: Flask, client: FlaskClient, s3: Any) -> None:
    fake = FakeLambda()
    app.extensions["export_runner"] = LambdaRunner("export-fn", region="eu-west-3", client=fake)
    submit(client, person("Martin"))
    response = export(client, "zip")
    assert response.status_code == 202
    (call,) = fake.calls
    job_id = response.get_json()["id"]
    assert call == {"FunctionName": "export-fn", "InvocationType": "Event",
                    "Payload": json.dumps({"export": job_id}).encode()}
    # What the export function then runs (handler.lambda_function.export_job).
    from handler.staff import run_export

    run_export(app, job_id)
    state = client.get(f"/api/staff/exports/{job_id}", headers=bearer()).get_json()
    assert state["statut"] == "pret"


def test_an_export_job_runs_once_even_if_its_event_comes_twice(app: Flask, s3: Any) -> None:
    store = app.extensions["dossier_store"]
    job_id = jobs.create(store, fmt="csv", numeros=[], auteur="dec4")
    session = app.extensions["inscription_session"]
    jobs.run(store, session, job_id)
    jobs.run(store, session, job_id)
    files = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="exports/")["Contents"]
             if not o["Key"].endswith("etat.json")]
    assert len(files) == 1
