"""A large ZIP is made in parts, side by side, then assembled once into the one file the staff
download: through threads and through the export function's events, whatever order the parts
finish in, with an event delivered twice, with a part failing, and with two parts finishing at
the same moment."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import zipfile
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler.dossier.numero import display
from handler.staff import exports, jobs, rest, run_export
from handler.staff.jobs import LambdaRunner
from tests.fixtures import BUCKET
from tests.staff.conftest import person, submit
from tests.staff.test_exports import FakeLambda, download, export, finished

NOMS = ["Bernard", "Dupont", "Durand", "Lefebvre", "Martin", "Moreau", "Petit"]


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> int:
    """Parts of 3 dossiers: 7 dossiers make 3 parts (3, 3 and 1)."""
    monkeypatch.setattr(jobs, "ZIP_PART", 3)
    return 3


@pytest.fixture
def in_aws(app: Flask) -> FakeLambda:
    """Jobs started as in AWS: the export function's events are recorded, and the test then
    delivers them (handler.staff.run_export, what handler.lambda_function.export_job runs)."""
    fake = FakeLambda()
    app.extensions["export_runner"] = LambdaRunner("export-fn", region="eu-west-3", client=fake)
    return fake


def submit_all(client: FlaskClient) -> list[str]:
    """The seven candidates, their numbers in the list's order by name."""
    return [submit(client, person(nom)) for nom in NOMS]


def entries(data: bytes) -> list[str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None  # every entry's CRC checks out
    return archive.namelist()


def expected(numeros: list[str]) -> list[str]:
    return [name for n in numeros
            for name in (f"{n}/dossier.json",
                         f"{n}/confirmation-inscription-CAP-2021-06-{n}-V1.pdf")]


def leftovers(s3: Any, job_id: str) -> list[str]:
    """Whatever of the parts is still in the bucket, any version."""
    answer = s3.list_object_versions(Bucket=BUCKET, Prefix=f"exports/{job_id}/parties/")
    return [v["Key"] for v in [*answer.get("Versions", []), *answer.get("DeleteMarkers", [])]]


def state_of(app: Flask, job_id: str) -> dict[str, Any]:
    answer = jobs.status(app.extensions["dossier_store"], job_id)
    assert answer is not None
    return answer


@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)  # threads: moto's server
def test_a_large_zip_is_made_in_parts_and_assembled_into_one_file(
        app: Flask, client: FlaskClient, s3: Any, s3_endpoint: str, small_parts: int) -> None:
    numeros = submit_all(client)
    state = finished(client, app, export(client, "zip", tri="nom"))
    assert (state["statut"], state["parties"], state["nombre"], state["fait"]) == (
        "pret", 3, 7, 7)
    data = download(s3, s3_endpoint, state["lien"])
    # One file, every dossier once, in the list's order, each PDF whole.
    assert entries(data) == expected(numeros)
    archive = zipfile.ZipFile(io.BytesIO(data))
    for numero in numeros:
        record = json.loads(archive.read(f"{numero}/dossier.json"))
        assert display(record["numero"]) == numero and record["suivi"]["statut"] == "pre-inscrit"
        pdf = archive.read(f"{numero}/confirmation-inscription-CAP-2021-06-{numero}-V1.pdf")
        assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert leftovers(s3, state["id"]) == []


def test_in_aws_each_part_is_its_own_invocation_in_any_order(
        app: Flask, in_aws: FakeLambda, client: FlaskClient, s3: Any, s3_endpoint: str | None,
        small_parts: int) -> None:
    numeros = submit_all(client)
    response = export(client, "zip", tri="nom")
    assert response.status_code == 202
    job_id = response.get_json()["id"]
    events = sorted((json.loads(c["Payload"]) for c in in_aws.calls), key=lambda e: e["partie"])
    assert events == [{"export": job_id, "partie": p} for p in range(3)]
    assert {(c["FunctionName"], c["InvocationType"]) for c in in_aws.calls} == {
        ("export-fn", "Event")}
    assert state_of(app, job_id)["statut"] == "en-attente"

    # The export function (handler.lambda_function.export_job) receives them, last first.
    run_export(app, job_id, 2)
    waiting = state_of(app, job_id)
    assert (waiting["statut"], waiting["fait"], waiting["lien"]) == ("en-cours", 1, None)
    run_export(app, job_id, 0)
    run_export(app, job_id, 1)  # the last to finish assembles
    state = state_of(app, job_id)
    assert (state["statut"], state["fait"]) == ("pret", 7)
    assert entries(download(s3, s3_endpoint, state["lien"])) == expected(numeros)


def test_an_event_delivered_twice_does_its_part_once(
        app: Flask, in_aws: FakeLambda, client: FlaskClient, s3: Any, s3_endpoint: str | None,
        small_parts: int, monkeypatch: pytest.MonkeyPatch) -> None:
    numeros = submit_all(client)
    job_id = export(client, "zip", tri="nom").get_json()["id"]
    calls: list[int] = []
    real = exports.export

    def counted(*args: Any, **kwargs: Any) -> int:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(exports, "export", counted)
    for part in (0, 0, 1, 2, 1, 2):
        run_export(app, job_id, part)
    assert len(calls) == 3
    state = state_of(app, job_id)
    assert state["statut"] == "pret"
    assert entries(download(s3, s3_endpoint, state["lien"])) == expected(numeros)


def test_a_failed_part_fails_the_job_and_nothing_is_assembled(
        app: Flask, in_aws: FakeLambda, client: FlaskClient, s3: Any, small_parts: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    submit_all(client)
    job_id = export(client, "zip").get_json()["id"]
    run_export(app, job_id, 0)
    real = exports.export

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("panne")

    monkeypatch.setattr(exports, "export", broken)
    run_export(app, job_id, 1)
    monkeypatch.setattr(exports, "export", real)
    run_export(app, job_id, 2)  # starts after the failure: does nothing
    state = state_of(app, job_id)
    assert (state["statut"], state["lien"]) == ("echec", None)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=f"exports/{job_id}/")
            ["Contents"]]
    assert not any(k.endswith(".zip") and "/parties/" not in k for k in keys)
    assert f"exports/{job_id}/parties/0002.json" not in keys
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)  # threads: moto's server
def test_two_parts_finishing_together_assemble_once(
        app: Flask, in_aws: FakeLambda, client: FlaskClient, s3: Any, s3_endpoint: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "ZIP_PART", 4)
    numeros = submit_all(client)
    job_id = export(client, "zip", tri="nom").get_json()["id"]
    # Both parts count the finished parts only once both have written theirs: each sees all.
    both_written = threading.Barrier(2, timeout=30)
    count_parts = jobs._parts_written

    def after_both(*args: Any) -> int:
        both_written.wait()
        return count_parts(*args)

    assemblies: list[str] = []
    assemble = jobs.assemble

    def recorded(*args: Any) -> None:
        assemblies.append(threading.current_thread().name)
        assemble(*args)

    monkeypatch.setattr(jobs, "_parts_written", after_both)
    monkeypatch.setattr(jobs, "assemble", recorded)
    threads = [threading.Thread(target=run_export, args=(app, job_id, p), name=f"partie-{p}")
               for p in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(assemblies) == 1
    state = state_of(app, job_id)
    assert (state["statut"], state["fait"]) == ("pret", 7)
    assert entries(download(s3, s3_endpoint, state["lien"])) == expected(numeros)


def test_a_job_without_news_for_twenty_minutes_is_reported_interrupted(
        app: Flask, in_aws: FakeLambda, client: FlaskClient, small_parts: int) -> None:
    submit_all(client)
    job_id = export(client, "zip").get_json()["id"]
    run_export(app, job_id, 0)  # then the other parts' functions died
    store = app.extensions["dossier_store"]
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=19)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=21)
    assert jobs.status(store, job_id, now=lambda: soon)["statut"] == "en-cours"
    state = jobs.status(store, job_id, now=lambda: later)
    assert (state["statut"], state["etape"], state["lien"]) == ("echec", "interrompu", None)


def test_a_zip_of_at_most_one_part_is_made_in_one_go(
        app: Flask, in_aws: FakeLambda, client: FlaskClient, small_parts: int) -> None:
    for nom in NOMS[:3]:
        submit(client, person(nom))
    job_id = export(client, "zip").get_json()["id"]
    assert [json.loads(c["Payload"]) for c in in_aws.calls] == [{"export": job_id}]
    run_export(app, job_id)
    assert state_of(app, job_id)["parties"] == 0
    assert state_of(app, job_id)["statut"] == "pret"


def test_the_zip_limit_is_far_above_a_sessions_size() -> None:
    assert rest.ZIP_MAX >= 20_000
    assert rest.ZIP_MAX // jobs.ZIP_PART <= 50  # one click starts at most 50 functions


def test_an_erasure_during_a_job_in_parts_leaves_no_file(
        app: Flask, in_aws: FakeLambda, client: FlaskClient, s3: Any, small_parts: int) -> None:
    """An erasure deletes every export: the parts still running must not write theirs back."""
    submit_all(client)
    job_id = export(client, "zip").get_json()["id"]
    run_export(app, job_id, 0)
    app.extensions["dossier_store"].erase("exports/", whole_prefix=True)  # what erasure does
    run_export(app, job_id, 1)  # started before the erasure, in truth: its event was queued
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="exports/")
            .get("Contents", [])]
    assert not [k for k in keys if k.endswith(".zip")]
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_an_erasure_while_a_job_writes_its_file_leaves_no_file(
        app: Flask, in_aws: FakeLambda, client: FlaskClient, s3: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    submit(client, person("Martin"))
    job_id = export(client, "zip").get_json()["id"]
    store = app.extensions["dossier_store"]
    real = exports.export

    def erased_meanwhile(*args: Any, **kwargs: Any) -> int:
        count = real(*args, **kwargs)
        store.erase("exports/", whole_prefix=True)
        return count

    monkeypatch.setattr(exports, "export", erased_meanwhile)
    run_export(app, job_id)
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="exports/").get("Contents", []) == []
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    assert jobs.status(store, job_id) is None


def test_a_part_failing_after_its_file_is_written_never_turns_the_job_ready(
        app: Flask, in_aws: FakeLambda, client: FlaskClient, s3: Any, small_parts: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The staff were told it failed: a later part must not assemble it."""
    submit_all(client)
    job_id = export(client, "zip").get_json()["id"]
    store = app.extensions["dossier_store"]
    run_export(app, job_id, 0)
    write = store.write

    def record_lost(key: str, body: dict[str, Any], **kwargs: Any) -> str:
        if key == jobs.part_key(job_id, 1) and body.get("statut") == "pret":
            raise RuntimeError("panne")
        return write(key, body, **kwargs)

    monkeypatch.setattr(store, "write", record_lost)
    run_export(app, job_id, 1)  # its ZIP is written, then its record fails: the job fails
    monkeypatch.setattr(store, "write", write)
    run_export(app, job_id, 2)  # the last part finds three ZIPs: it must not assemble
    state = state_of(app, job_id)
    assert (state["statut"], state["lien"]) == ("echec", None)


def test_a_multipart_upload_sends_whole_parts_and_keeps_every_byte_in_order(s3: Any) -> None:
    """Issue 18: parts of S3's minimum, the buffer itself sent as the part (no copy); what lay
    beyond a part starts the next one."""
    from handler.platform.storage import DossierStore
    from handler.staff.upload import PART_SIZE, MultipartUpload

    sent: list[int] = []
    store = DossierStore(s3, BUCKET)
    upload = MultipartUpload(store, "exports/essai.csv", content_type="text/csv")
    original = upload._send
    upload._send = lambda body: (sent.append(len(body)), original(body))[1]  # type: ignore
    chunks = [bytes([i % 251]) * (1024 * 1024 + 17 * i) for i in range(12)]
    for chunk in chunks:
        upload.write(chunk)
    size = upload.complete()
    data = b"".join(chunks)
    assert PART_SIZE == 5 * 1024 * 1024
    assert size == len(data) and sent == [PART_SIZE, PART_SIZE, len(data) - 2 * PART_SIZE]
    assert s3.get_object(Bucket=BUCKET, Key="exports/essai.csv")["Body"].read() == data
