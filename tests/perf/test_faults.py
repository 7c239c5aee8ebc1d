"""S3 failing on a fifth of its calls: candidates get a success or a 503, never a 500, and once
they retry (as the form does, with the same Idempotency-Key) everyone holds exactly one complete
dossier; no half-written claim blocks anyone."""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

import shared_rules
from handler.app import create_app
from tests.faults import FaultyClient, client_error
from tests.fixtures import BUCKET, all_keys
from tests.perf.test_load import dossier_for


def random_faults(rate: float, seed: int) -> Any:
    rng = random.Random(seed)
    lock = threading.Lock()
    faults = [
        lambda: client_error("SlowDown", 503),
        lambda: client_error("InternalError", 500),
        lambda: ReadTimeoutError(endpoint_url="http://moto"),
        lambda: EndpointConnectionError(endpoint_url="http://moto"),
        lambda: ConnectionClosedError(endpoint_url="http://moto"),
    ]

    def fault(name: str, kwargs: dict[str, Any]) -> Exception | None:
        with lock:
            if rng.random() < rate:
                return rng.choice(faults)()
        return None
    return fault


# Threads against moto's server only: its in-process mock is not thread-safe.
@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)
@pytest.mark.parametrize("people", [
    pytest.param(40, id="40-candidates"),
    pytest.param(400, id="400-candidates", marks=pytest.mark.soak),
])
def test_a_fifth_of_s3_calls_failing_loses_nothing(s3: Any, people: int) -> None:
    app = create_app({"INSCRIPTION_ENV": "test", "DOSSIERS_BUCKET": BUCKET,
                      "INSCRIPTION_NOW": "2020-11-02T10:00:00+01:00",
                      "SUBMISSIONS_PER_CLIENT": "0"},
                     s3_client=FaultyClient(s3, random_faults(0.2, seed=people)))
    statuses: Counter[int] = Counter()
    numbers: dict[int, str] = {}
    lock = threading.Lock()

    def candidate(person: int) -> None:
        client = app.test_client()
        body = dossier_for(person, f"c{person}@exemple.fr")
        for _ in range(40):
            response = client.post("/api/dossiers", json=body,
                                   headers={"Idempotency-Key": f"essai-{person:08d}"})
            with lock:
                statuses[response.status_code] += 1
            if response.status_code == 503:
                assert response.headers["Retry-After"]
                continue
            assert response.status_code in (200, 201), response.get_json()
            numbers[person] = response.get_json()["numero"]
            return

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(candidate, range(people)))

    print(f"\n{people} candidates, 20 % of S3 calls failing: answers {dict(statuses)}")
    assert 500 not in statuses
    assert statuses[503] > 0  # the faults did happen
    assert len(numbers) == people
    dossiers = [k for k in all_keys(s3) if k.startswith("dossiers/")]
    assert len(dossiers) == people
    records = [json.loads(s3.get_object(Bucket=BUCKET, Key=k)["Body"].read()) for k in dossiers]
    assert len({r["identite"] for r in records}) == people
    for record in records:
        assert shared_rules.validate(record["dossier"]) == {}
    # No claim is left pointing at a dossier that does not exist.
    claims = [k for k in all_keys(s3) if k.startswith("identites/")]
    assert len(claims) == people
