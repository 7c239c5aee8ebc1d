"""The Lambda entry point, invoked with realistic API Gateway HTTP API (payload 2.0) events."""

from __future__ import annotations

import base64
import importlib
import json
import os
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest

from tests.factories import ROOT, make_dossier
from tests.fixtures import BUCKET, read_dossier


def make_v2_event(*, method: str = "GET", path: str = "/", query: str = "",
                  headers: dict[str, str] | None = None, body: str = "",
                  base64_body: bool = False) -> dict[str, Any]:
    """An HTTP API v2 event as API Gateway sends it on the $default stage."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"host": "abc123.execute-api.eu-west-3.amazonaws.com",
                    "x-forwarded-proto": "https", "x-forwarded-port": "443",
                    "user-agent": "Mozilla/5.0", **(headers or {})},
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "203.0.113.7", "userAgent": "Mozilla/5.0"},
            "stage": "$default", "requestId": "r-1", "accountId": "123456789012",
            "apiId": "abc123", "domainName": "abc123.execute-api.eu-west-3.amazonaws.com",
            "timeEpoch": 1604307600000,
        },
        "body": body,
        "isBase64Encoded": base64_body,
    }


@pytest.fixture
def entry(s3: Any, s3_endpoint: str | None, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """handler.lambda_function imported afresh with a test environment (as a cold start)."""
    monkeypatch.setenv("INSCRIPTION_ENV", "test")
    monkeypatch.setenv("INSCRIPTION_NOW", "2020-11-02T10:00:00+01:00")
    monkeypatch.setenv("DOSSIERS_BUCKET", BUCKET)
    sys.modules.pop("handler.lambda_function", None)
    return importlib.import_module("handler.lambda_function")


def invoke(entry: ModuleType, event: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = entry.handler(event, None)
    return response


def test_a_json_submission_is_recorded(entry: ModuleType, s3: Any) -> None:
    response = invoke(entry, make_v2_event(
        method="POST", path="/api/dossiers", headers={"content-type": "application/json"},
        body=json.dumps(make_dossier())))
    assert response["statusCode"] == 201
    body = json.loads(response["body"])
    assert response["headers"]["content-type"] == "application/json"
    assert read_dossier(s3, body["numero"])["version"] == 1


def test_a_base64_body_is_decoded(entry: ModuleType, s3: Any) -> None:
    raw = json.dumps(make_dossier(), ensure_ascii=False).encode("utf-8")
    response = invoke(entry, make_v2_event(
        method="POST", path="/api/dossiers",
        headers={"content-type": "application/json; charset=utf-8"},
        body=base64.b64encode(raw).decode(), base64_body=True))
    assert response["statusCode"] == 201


def test_headers_and_query_string_reach_the_app(entry: ModuleType) -> None:
    created = invoke(entry, make_v2_event(
        method="POST", path="/api/dossiers", headers={"content-type": "application/json",
                                                      "idempotency-key": "lambda-key-0001"},
        body=json.dumps(make_dossier())))
    numero = json.loads(created["body"])["numero"]
    read = invoke(entry, make_v2_event(
        path=f"/api/dossiers/{numero}", query="utm=ignored&x=1",
        headers={"x-date-naissance": "1998-05-17"}))
    assert read["statusCode"] == 200
    assert read["headers"]["etag"] == '"v1"'
    assert json.loads(read["body"])["numero"] == numero
    retried = invoke(entry, make_v2_event(
        method="POST", path="/api/dossiers", headers={"content-type": "application/json",
                                                      "idempotency-key": "lambda-key-0001"},
        body=json.dumps(make_dossier())))
    assert retried["statusCode"] == 200
    assert json.loads(retried["body"])["numero"] == numero


def test_the_confirmation_pdf_comes_back_base64_encoded(entry: ModuleType) -> None:
    created = invoke(entry, make_v2_event(
        method="POST", path="/api/dossiers", headers={"content-type": "application/json"},
        body=json.dumps(make_dossier())))
    numero = json.loads(created["body"])["numero"]
    response = invoke(entry, make_v2_event(path=f"/api/dossiers/{numero}/confirmation.pdf",
                                           headers={"x-date-naissance": "1998-05-17"}))
    assert response["statusCode"] == 200
    assert response["isBase64Encoded"] is True
    assert response["headers"]["content-type"] == "application/pdf"
    assert response["headers"]["cache-control"] == "no-store"
    assert base64.b64decode(response["body"]).startswith(b"%PDF-")


def test_a_cold_start_does_not_import_the_pdf_library() -> None:
    code = ("import sys, handler.app, handler.candidats.dossiers; "
            "assert 'fpdf' not in sys.modules, 'fpdf imported at start'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_a_cold_start_loads_no_optional_library_and_builds_no_aws_client() -> None:
    """Issue 18: the entry point's import builds the app, nothing the first request may not
    need: no OIDC client (Authlib), spreadsheet (openpyxl) or PDF (fpdf2, pypdf) library, nor the
    export's row cache (background jobs and the compaction only), and the S3 client only at the
    first call that needs it."""
    code = ("import sys, handler.lambda_function as entry; "
            "loaded = sorted({'authlib', 'openpyxl', 'fpdf', 'pypdf', 'handler.staff.row_cache'} & "
            "{m if m.startswith('handler.') else m.split('.')[0] for m in sys.modules}); "
            "assert loaded == [], loaded; "
            "assert not entry.app.extensions['dossier_store'].client.built")
    env = {**os.environ, "INSCRIPTION_ENV": "test", "AWS_DEFAULT_REGION": "eu-west-3"}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)


def test_the_s3_client_holds_a_connection_per_export_read(entry: ModuleType) -> None:
    """Issue 18: a background export reads EXPORT_WORKERS dossiers at once, each on its own
    connection (botocore's default pool holds 10)."""
    from handler.platform.fetch import EXPORT_WORKERS

    client = entry.app.extensions["dossier_store"].client
    assert client.meta.config.max_pool_connections == EXPORT_WORKERS == 64


def test_session_state_through_lambda(entry: ModuleType) -> None:
    response = invoke(entry, make_v2_event(path="/api/session"))
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["ouvert"] is True


def test_errors_through_lambda_are_json(entry: ModuleType) -> None:
    response = invoke(entry, make_v2_event(method="POST", path="/api/dossiers",
                                           headers={"content-type": "text/plain"}, body="x"))
    assert response["statusCode"] == 415
    assert json.loads(response["body"])["code"] == "json_attendu"


@pytest.mark.parametrize(("body", "base64_body", "status", "code"), [
    ("[" * 5000, False, 400, "json_trop_imbrique"),
    ('{"\\ud800": 1}', False, 400, "json_cle_invalide"),
    (json.dumps(make_dossier({"contact.adresse": "\ud800"})), False, 422, "dossier_invalide"),
    # The raw bytes of a lone surrogate, base64-encoded by API Gateway.
    (base64.b64encode(json.dumps(make_dossier({"contact.adresse": "12 rue \ud800"}),
                                 ensure_ascii=False).encode("utf-8", "surrogatepass")).decode(),
     True, 422, "dossier_invalide"),
], ids=["deep", "key", "escaped value", "raw value"])
def test_hostile_bodies_through_lambda_get_the_envelope(
        entry: ModuleType, s3: Any, body: str, base64_body: bool, status: int,
        code: str) -> None:
    response = invoke(entry, make_v2_event(
        method="POST", path="/api/dossiers", headers={"content-type": "application/json"},
        body=body, base64_body=base64_body))
    assert (response["statusCode"], json.loads(response["body"])["code"]) == (status, code)
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


def test_the_mail_retry_entry_point_resends_failed_emails_up_to_its_cap(
    s3: Any, s3_endpoint: str | None, ses: Any, sent_mail: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from handler.dossier.courriels import SCHEDULED_ATTEMPTS
    from tests.fixtures import MAIL_FROM, MAIL_FROM_ADDRESS

    for name, value in {"INSCRIPTION_ENV": "test", "INSCRIPTION_NOW": "2020-11-02T10:00:00+01:00",
                        "DOSSIERS_BUCKET": BUCKET, "MAIL_FROM": MAIL_FROM}.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("handler.lambda_function", None)
    entry = importlib.import_module("handler.lambda_function")
    scheduled = {"version": "0", "id": "e-1", "detail-type": "Scheduled Event",
                 "source": "aws.events", "account": "123456789012",
                 "time": "2020-11-02T10:00:00Z", "region": "eu-west-3",
                 "resources": ["arn:aws:events:eu-west-3:123456789012:rule/retry"], "detail": {}}
    ses.delete_identity(Identity=MAIL_FROM_ADDRESS)
    failed = invoke(entry, make_v2_event(
        method="POST", path="/api/dossiers", headers={"content-type": "application/json"},
        body=json.dumps(make_dossier())))
    assert json.loads(failed["body"])["courriel"] == "echec"
    counts = entry.retry_mail(scheduled, None)
    assert counts["confirmation"] == {"envoye": 0, "echec": 1, "abandonne": 0}

    # At its cap, the scheduled run leaves an email alone, even once SES works again.
    numero = json.loads(failed["body"])["numero"].replace("-", "")
    key = f"courriels/{numero}.json"
    record = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    s3.put_object(Bucket=BUCKET, Key=key,
                  Body=json.dumps({**record, "tentatives": SCHEDULED_ATTEMPTS}).encode())
    ses.verify_email_identity(EmailAddress=MAIL_FROM_ADDRESS)
    counts = entry.retry_mail(scheduled, None)
    assert counts["confirmation"] == {"envoye": 0, "echec": 0, "abandonne": 1}
    assert sent_mail() == []
    counts = entry.retry_mail({"forcer": True}, None)  # invoked by hand
    assert counts == {"confirmation": {"envoye": 1, "echec": 0, "abandonne": 0},
                      "suivi": {"envoye": 0, "echec": 0, "abandonne": 0},
                      "relance": {"envoye": 0, "echec": 0, "abandonne": 0},
                      "pieces": {"envoye": 0, "echec": 0, "abandonne": 0}}
    assert len(sent_mail()) == 1
    sys.modules.pop("handler.lambda_function", None)


class FakeContext:
    """The Lambda context's one method the reminders read."""

    def __init__(self, seconds_left: float) -> None:
        self.seconds_left = seconds_left

    def get_remaining_time_in_millis(self) -> int:
        return int(self.seconds_left * 1000)


def test_the_reminders_entry_point_sends_the_days_reminders_within_its_time(
    s3: Any, s3_endpoint: str | None, ses: Any, sent_mail: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 27: the daily function, on the window's first day (7 days before the 18th)."""
    from tests.fixtures import MAIL_FROM

    for name, value in {"INSCRIPTION_ENV": "test", "INSCRIPTION_NOW": "2020-11-11T08:00:00+01:00",
                        "DOSSIERS_BUCKET": BUCKET, "MAIL_FROM": MAIL_FROM}.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("handler.lambda_function", None)
    entry = importlib.import_module("handler.lambda_function")
    created = invoke(entry, make_v2_event(
        method="POST", path="/api/dossiers", headers={"content-type": "application/json"},
        body=json.dumps(make_dossier())))
    assert created["statusCode"] == 201
    scheduled = {"detail-type": "Scheduled Event", "source": "aws.scheduler", "detail": {}}
    nothing = {"envoyes": 0, "deja_relances": 0, "echecs": 0, "plus_attendus": 0,
               "restants": 0}
    # Its timeout nearly reached: it leaves the rest, sending nothing half-way.
    assert entry.send_reminders(scheduled, FakeContext(entry.REMINDERS_MARGIN)) == {
        **nothing, "restants": 1}
    assert entry.send_reminders(scheduled, FakeContext(900)) == {**nothing, "envoyes": 1}
    assert entry.send_reminders(scheduled, FakeContext(900)) == {**nothing, "deja_relances": 1}
    subjects = [m.subject for m in sent_mail()]
    assert len([s for s in subjects if s.startswith("Rappel : votre confirmation")]) == 1
    sys.modules.pop("handler.lambda_function", None)


def test_production_refuses_to_start_while_facts_are_unconfirmed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from handler.platform.config import ConfigError

    monkeypatch.setenv("INSCRIPTION_ENV", "production")
    monkeypatch.setenv("SITE_URL", "https://cap.exemple.fr/")
    sys.modules.pop("handler.lambda_function", None)
    with pytest.raises(ConfigError, match="retour_confirmation.adresse"):
        importlib.import_module("handler.lambda_function")
    sys.modules.pop("handler.lambda_function", None)


def test_the_export_function_does_a_job_part_by_part(entry: ModuleType, s3: Any) -> None:
    from handler.staff import jobs

    for nom in ("Martin", "Dupont", "Durand"):
        response = invoke(entry, make_v2_event(
            method="POST", path="/api/dossiers", headers={"content-type": "application/json"},
            body=json.dumps(make_dossier({"etat_civil.nom_naissance": nom}))))
        assert response["statusCode"] == 201
    store = entry.app.extensions["dossier_store"]
    numeros = [k.removeprefix("dossiers/").removesuffix(".json")
               for k in store.keys("dossiers/")]
    job_id = jobs.create(store, fmt="zip", numeros=numeros, auteur="dec4", part_size=2)
    # The events as the handler sends them (staff.jobs.LambdaRunner), in any order.
    entry.export_job({"export": job_id, "partie": 1}, None)
    entry.export_job({"export": job_id, "partie": 0}, None)
    state = jobs.status(store, job_id)
    assert state is not None and (state["statut"], state["parties"], state["fait"]) == (
        "pret", 2, 3)


def test_the_index_compaction_entry_point_merges_the_pending_parts(entry: ModuleType,
                                                                   s3: Any) -> None:
    """Issue 18: a submission leaves one pending index part; the scheduled function merges it
    into its shard and deletes it, then makes the dossier's export row (one, for the one
    first symbol whose shard changed); a second pass finds nothing to do."""
    from tests.fixtures import all_keys

    created = invoke(entry, make_v2_event(
        method="POST", path="/api/dossiers", headers={"content-type": "application/json"},
        body=json.dumps(make_dossier())))
    numero = json.loads(created["body"])["numero"].replace("-", "")
    session = "cap-limoges-2021-06"
    assert [k.split("/")[:4] for k in all_keys(s3) if k.startswith("index/")] == [
        ["index", session, "entrees", numero]]
    assert entry.compact_index({"detail-type": "Scheduled Event"}, None) == {
        "fusionnees": 1, "lignes": 1}
    assert sorted(k for k in all_keys(s3) if k.startswith("index/")) == [
        f"index/{session}/{numero[0]}.json", f"index/{session}/lignes/{numero[:2]}.json",
        f"index/{session}/lignes/etat.json"]
    rows = json.loads(s3.get_object(Bucket=BUCKET, Key=f"index/{session}/lignes/{numero[:2]}.json")
                      ["Body"].read())
    dossier_etag = s3.head_object(Bucket=BUCKET, Key=f"dossiers/{numero}.json")["ETag"]
    assert list(rows["lignes"]) == [numero]
    assert rows["lignes"][numero][:2] == [dossier_etag, None]
    shard = json.loads(s3.get_object(Bucket=BUCKET, Key=f"index/{session}/{numero[0]}.json")
                       ["Body"].read())
    assert list(shard["entrees"]) == [numero]
    assert entry.compact_index({}, None) == {"fusionnees": 0, "lignes": 0}


def test_guarddutys_verdict_event_analyses_the_upload_and_the_sweep_waits_for_it(
        s3: Any, s3_endpoint: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 28, in AWS: a registered upload stays « en cours d'analyse » until GuardDuty tags
    it; its scan-result event then has it checked and kept."""
    from fpdf import FPDF

    monkeypatch.setenv("RETOUR_PIECES", "en_ligne")
    monkeypatch.setenv("INSCRIPTION_ENV", "test")
    monkeypatch.setenv("INSCRIPTION_NOW", "2020-11-02T10:00:00+01:00")
    monkeypatch.setenv("DOSSIERS_BUCKET", BUCKET)
    sys.modules.pop("handler.lambda_function", None)
    entry = importlib.import_module("handler.lambda_function")
    assert entry.app.config["PIECES_SCANNER"] == "guardduty"
    client = entry.app.test_client()
    numero = client.post("/api/dossiers", json=make_dossier()).get_json()["numero"]
    owner = {"X-Date-Naissance": "1998-05-17"}
    form = client.post(f"/api/dossiers/{numero}/pieces/piece-identite/formulaire",
                       json={"type": "application/pdf", "taille": 5000}, headers=owner).get_json()
    document = FPDF()
    document.add_page()
    s3.put_object(Bucket=BUCKET, Key=form["cle"], Body=bytes(document.output()))
    assert client.post(f"/api/dossiers/{numero}/pieces/piece-identite", json={"cle": form["cle"]},
                       headers=owner).status_code == 202

    def state() -> str:
        listed = client.get(f"/api/dossiers/{numero}/pieces", headers=owner).get_json()
        return str(next(p["etat"] for p in listed["pieces"] if p["code"] == "piece-identite"))

    assert entry.piece_scanned({"source": "aws.events", "detail-type": "Scheduled Event"},
                               None) == {"en_analyse": 1}
    assert state() == "en_analyse"
    s3.put_object_tagging(Bucket=BUCKET, Key=form["cle"], Tagging={"TagSet": [
        {"Key": "GuardDutyMalwareScanStatus", "Value": "NO_THREATS_FOUND"}]})
    event = {"source": "aws.guardduty", "detail-type": entry.SCAN_RESULT, "detail": {
        "s3ObjectDetails": {"bucketName": BUCKET, "objectKey": form["cle"]},
        "scanResultDetails": {"scanResultStatus": "NO_THREATS_FOUND"}}}
    assert entry.piece_scanned(event, None) == {"deposee": 1}
    assert state() == "deposee"
    # Another object's event (not an upload) is ignored.
    other = {**event, "detail": {"s3ObjectDetails": {"objectKey": "dossiers/x.json"}}}
    assert entry.piece_scanned(other, None) == {}
