"""Issue 18: what a submission costs in S3 calls, counted on the store's own client (the
structure; `make bench` prints the time). A random number's collision is found by the dossier's
conditional create, not by a HEAD first, and no index shard is read or rewritten on the
candidate's path: one small part per write, merged into the shards later."""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from flask import Flask

from handler.candidats import registrations
from handler.dossier.numero import canonical, new_numero
from tests.fixtures import BUCKET, all_keys, read_dossier
from tests.staff.conftest import bearer, person, submit
from tests.staff.test_list import staff_list

SESSION = "cap-limoges-2021-06"


def record_calls(app: Flask) -> list[tuple[str, str]]:
    """Every S3 request the app's store sends from now on: (method, key)."""
    calls: list[tuple[str, str]] = []

    def seen(request: Any, **_: Any) -> None:
        path = unquote(urlsplit(request.url).path).lstrip("/")
        key = path.split("/", 1)[1] if path.startswith(BUCKET + "/") else path
        calls.append((request.method, key))

    app.extensions["dossier_store"].client.meta.events.register("before-send.s3", seen)
    return calls


def shape(calls: list[tuple[str, str]], numero: str) -> list[tuple[str, str]]:
    """The calls with the number and the per-write names replaced by placeholders."""
    result = []
    for method, key in calls:
        key = key.replace(numero, "<numero>")
        parts = key.split("/")
        if parts[0] == "identites":  # identites/<session>/<group>/<person>.json (issue 24)
            parts[2:] = ["<hash>.json"]
        if parts[0] == "idempotence":
            parts[-1] = "<hash>.json"
        if parts[:3] == ["index", SESSION, "entrees"]:
            parts[-1] = "<instant>.json"
        result.append((method, "/".join(parts)))
    return result


@pytest.mark.parametrize("s3_mode", ["in-process"], indirect=True)
def test_a_submission_makes_four_s3_calls_and_touches_no_shard(app: Flask) -> None:
    client = app.test_client()
    submit(client, person("Echauffement"))
    calls = record_calls(app)
    numero = canonical(submit(client, person("Martin")))
    assert numero is not None
    assert shape(calls, numero) == [
        ("PUT", f"identites/{SESSION}/<hash>.json"),
        ("PUT", "dossiers/<numero>.json"),
        ("PUT", f"index/{SESSION}/entrees/<numero>/<instant>.json"),
        ("HEAD", "dossiers/<numero>.json"),  # an erasure meanwhile? (issue 14)
    ]


@pytest.mark.parametrize("s3_mode", ["in-process"], indirect=True)
def test_with_an_idempotency_key_a_submission_makes_one_call_more_the_keys_record(
        app: Flask) -> None:
    # Issue 25: a key names its first answer forever, whatever happens to the dossier's
    # identity since, so it has its own record, written first (issue 18's four calls + one).
    client = app.test_client()
    submit(client, person("Echauffement"))
    calls = record_calls(app)
    response = client.post("/api/dossiers", json=person("Martin"),
                           headers={"Idempotency-Key": "cle-de-test-0001"},
                           environ_base={"REMOTE_ADDR": "198.51.100.251"})
    assert response.status_code == 201
    numero = canonical(response.get_json()["numero"])
    assert numero is not None
    assert shape(calls, numero) == [
        ("PUT", "idempotence/<hash>.json"),
        ("PUT", f"identites/{SESSION}/<hash>.json"),
        ("PUT", "dossiers/<numero>.json"),
        ("PUT", f"index/{SESSION}/entrees/<numero>/<instant>.json"),
        ("HEAD", "dossiers/<numero>.json"),
    ]


@pytest.mark.parametrize("s3_mode", ["in-process"], indirect=True)
def test_the_keys_record_names_the_number_and_a_retry_reads_it_back(app: Flask,
                                                                   s3: Any) -> None:
    client = app.test_client()
    key = {"Idempotency-Key": "cle-de-test-0003"}
    body = person("Martin")
    first = client.post("/api/dossiers", json=body, headers=key,
                        environ_base={"REMOTE_ADDR": "198.51.100.254"})
    assert first.status_code == 201
    numero = canonical(first.get_json()["numero"])
    assert numero is not None
    key_hash = hashlib.sha256(b"cle-de-test-0003").hexdigest()
    made = json.loads(s3.get_object(Bucket=BUCKET, Key=f"idempotence/{key_hash}.json")["Body"]
                      .read())
    assert made == {"empreinte": registrations.fingerprint(body), "numero": numero,
                    "horodatage": made["horodatage"]}
    assert read_dossier(s3, numero)["cle_idempotence"] == key_hash
    [claim_key] = [k for k in all_keys(s3) if k.startswith(f"identites/{SESSION}/")]
    claim = json.loads(s3.get_object(Bucket=BUCKET, Key=claim_key)["Body"].read())
    assert claim == {"numero": numero, "dossier": claim["dossier"]}
    # The retry's create of the key's record fails; the record names the dossier: 200.
    calls = record_calls(app)
    again = client.post("/api/dossiers", json=body, headers=key,
                        environ_base={"REMOTE_ADDR": "198.51.100.254"})
    assert again.status_code == 200
    assert again.get_json() == {**first.get_json(), "courriel": again.get_json()["courriel"]}
    assert shape(calls, numero)[:3] == [
        ("PUT", "idempotence/<hash>.json"),  # 412: taken
        ("GET", "idempotence/<hash>.json"),
        ("GET", "dossiers/<numero>.json"),
    ]
    assert [k for k in all_keys(s3) if k.startswith("dossiers/")] == [f"dossiers/{numero}.json"]
    changed = {**body, "contact": {**body["contact"], "telephone": "05 55 99 99 99"}}
    reused = client.post("/api/dossiers", json=changed, headers=key,
                         environ_base={"REMOTE_ADDR": "198.51.100.254"})
    assert (reused.status_code, reused.get_json()["code"]) == (422, "cle_idempotence_reutilisee")


def test_a_retry_after_the_birth_date_was_corrected_gets_the_same_dossier(
        app: Flask, s3: Any) -> None:
    """Issue 25, item 3: POST with a key, correct the birth date with a PUT (the identity
    moves, its claim is released), retry the first POST: the same number, never a second
    dossier for one person."""
    client = app.test_client()
    key = {"Idempotency-Key": "cle-de-test-0005"}
    body = person("Martin")
    first = client.post("/api/dossiers", json=body, headers=key,
                        environ_base={"REMOTE_ADDR": "198.51.100.244"})
    assert first.status_code == 201
    numero = first.get_json()["numero"]
    born = body["etat_civil"]["date_naissance"]
    corrected = {**body, "etat_civil": {**body["etat_civil"], "date_naissance": "1998-05-18"}}
    put = client.put(f"/api/dossiers/{numero}", json=corrected,
                     headers={"X-Date-Naissance": born},
                     environ_base={"REMOTE_ADDR": "198.51.100.244"})
    assert put.status_code == 200, put.get_json()
    retry = client.post("/api/dossiers", json=body, headers=key,
                        environ_base={"REMOTE_ADDR": "198.51.100.244"})
    assert (retry.status_code, retry.get_json()["numero"]) == (200, numero)
    assert retry.get_json()["dossier"]["etat_civil"]["date_naissance"] == "1998-05-18"
    assert [k for k in all_keys(s3) if k.startswith("dossiers/")] == [
        f"dossiers/{canonical(numero)}.json"]


def test_a_retry_after_the_dossier_was_erased_is_410_and_makes_nothing(
        app: Flask, s3: Any) -> None:
    """Erasure-then-retry: the key's record keeps only « effacé » (no number in any version),
    and a retry of the first submission is told so, never given a new dossier silently."""
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    client = app.test_client()
    key = {"Idempotency-Key": "cle-de-test-0006"}
    body = person("Martin")
    first = client.post("/api/dossiers", json=body, headers=key,
                        environ_base={"REMOTE_ADDR": "198.51.100.243"})
    assert first.status_code == 201
    numero = first.get_json()["numero"]
    erased = client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer(),
                         json={"confirmation": numero})
    assert erased.status_code == 200, erased.get_json()
    retry = client.post("/api/dossiers", json=body, headers=key,
                        environ_base={"REMOTE_ADDR": "198.51.100.243"})
    assert (retry.status_code, retry.get_json()["code"]) == (410, "dossier_efface")
    assert "effacé" in retry.get_json()["message"]
    assert not [k for k in all_keys(s3) if k.startswith("dossiers/")]
    key_hash = hashlib.sha256(b"cle-de-test-0006").hexdigest()
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix=f"idempotence/{key_hash}.json")
    bodies = [s3.get_object(Bucket=BUCKET, Key=v["Key"], VersionId=v["VersionId"])["Body"].read()
              for v in versions.get("Versions", [])]
    assert len(bodies) == 1 and canonical(numero) not in bodies[0].decode()
    # A new key (the form draws one once told) registers the person afresh.
    again = client.post("/api/dossiers", json=body, headers={"Idempotency-Key": "cle-de-test-0007"},
                        environ_base={"REMOTE_ADDR": "198.51.100.243"})
    assert again.status_code == 201


@pytest.mark.parametrize("s3_mode", ["in-process"], indirect=True)
def test_a_retry_of_a_submission_the_previous_release_recorded_in_its_claim_is_a_retry(
        app: Flask, s3: Any) -> None:
    """The previous release kept a key's hashes in the identity claim, with no record of its
    own: a retry of such a submission, within the key's 24 hours, is still a retry (200), the
    same key with another body for that person still 422 — not a « déjà inscrit »."""
    client = app.test_client()
    body = person("Martin")
    first = client.post("/api/dossiers", json=body, environ_base={"REMOTE_ADDR": "198.51.100.249"})
    assert first.status_code == 201
    numero = canonical(first.get_json()["numero"])
    [claim_key] = [k for k in all_keys(s3) if k.startswith(f"identites/{SESSION}/")]
    claim = json.loads(s3.get_object(Bucket=BUCKET, Key=claim_key)["Body"].read())
    claim["idempotence"] = {"cle": hashlib.sha256(b"ancienne-cle-2").hexdigest(),
                            "empreinte": registrations.fingerprint(body),
                            "horodatage": time.time() - 3600}
    s3.put_object(Bucket=BUCKET, Key=claim_key, Body=json.dumps(claim).encode())

    def again(sent: dict[str, Any], key: str) -> Any:
        return client.post("/api/dossiers", json=sent, headers={"Idempotency-Key": key},
                           environ_base={"REMOTE_ADDR": "198.51.100.249"})

    retry = again(body, "ancienne-cle-2")
    assert (retry.status_code, canonical(retry.get_json()["numero"])) == (200, numero)
    # From now on the key has its own record, naming that dossier.
    retry = again(body, "ancienne-cle-2")
    assert (retry.status_code, canonical(retry.get_json()["numero"])) == (200, numero)
    changed = {**body, "contact": {**body["contact"], "telephone": "05 55 99 99 99"}}
    reused = again(changed, "ancienne-cle-2")
    assert (reused.status_code, reused.get_json()["code"]) == (422, "cle_idempotence_reutilisee")
    # A key that made nothing is a new submission by a person who holds a dossier.
    assert again(body, "cle-inconnue").status_code == 409
    assert [k for k in all_keys(s3) if k.startswith("dossiers/")] == [f"dossiers/{numero}.json"]


def test_an_expired_idempotency_key_is_a_new_submission_the_person_already_holds_one(
        app: Flask, s3: Any) -> None:
    client = app.test_client()
    key = {"Idempotency-Key": "cle-de-test-0004"}
    first = client.post("/api/dossiers", json=person("Martin"), headers=key,
                        environ_base={"REMOTE_ADDR": "198.51.100.250"})
    assert first.status_code == 201
    key_hash = hashlib.sha256(b"cle-de-test-0004").hexdigest()
    record_key = f"idempotence/{key_hash}.json"
    made = json.loads(s3.get_object(Bucket=BUCKET, Key=record_key)["Body"].read())
    made["horodatage"] = time.time() - registrations.IDEMPOTENCY_TTL_SECONDS - 60
    s3.put_object(Bucket=BUCKET, Key=record_key, Body=json.dumps(made).encode())
    again = client.post("/api/dossiers", json=person("Martin"), headers=key,
                        environ_base={"REMOTE_ADDR": "198.51.100.250"})
    assert again.status_code == 409
    assert again.get_json()["code"] == "deja_inscrit"
    assert len([k for k in all_keys(s3) if k.startswith("dossiers/")]) == 1


def test_a_number_already_taken_is_found_by_the_create_and_another_is_drawn(
        app: Flask, s3: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client = app.test_client()
    first = canonical(submit(client, person("Martin")))
    assert first is not None
    second = new_numero()
    drawn = itertools.chain([first, second], iter(new_numero, None))
    monkeypatch.setattr(registrations, "new_numero", lambda: next(drawn))
    response = client.post("/api/dossiers", json=person("Durand"),
                           headers={"Idempotency-Key": "cle-de-test-0002"},
                           environ_base={"REMOTE_ADDR": "198.51.100.252"})
    assert response.status_code == 201, response.get_json()
    assert canonical(response.get_json()["numero"]) == second
    assert read_dossier(s3, first)["dossier"]["etat_civil"]["nom_naissance"] == "Martin"
    assert read_dossier(s3, second)["dossier"]["etat_civil"]["nom_naissance"] == "Durand"
    # A retry with the same key finds the second number, not the first.
    again = client.post("/api/dossiers", json=person("Durand"),
                        headers={"Idempotency-Key": "cle-de-test-0002"},
                        environ_base={"REMOTE_ADDR": "198.51.100.253"})
    assert (again.status_code, canonical(again.get_json()["numero"])) == (200, second)
    listed = sorted(d["numero"] for d in staff_list(client)["dossiers"])
    assert [canonical(n) for n in listed] == sorted([first, second])
    # The list merged the pending parts into their shards.
    assert not [k for k in all_keys(s3) if k.startswith(f"index/{SESSION}/entrees/")]
