"""Simultaneous requests: one dossier per person, one winner per update, nothing lost."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from flask import Flask

from handler.candidats import doublons
from tests.factories import make_dossier
from tests.fixtures import all_keys, read_dossier

BORN = "1998-05-17"

# Threads against moto's server only: moto's in-process mock is not thread-safe (bodies are
# read from shared buffers), while its server handles each request on its own.
pytestmark = pytest.mark.parametrize("s3_mode", ["server"], indirect=True)


def run_together(count: int, action: Any) -> list[Any]:
    """Run `action(i)` in `count` threads released at the same instant."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(i: int) -> None:
        barrier.wait()
        results[i] = action(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_simultaneous_submissions_for_one_person_give_one_dossier(app: Flask, s3: Any) -> None:
    def submit(i: int) -> int:
        dossier = make_dossier({"contact.email": f"essai{i}@exemple.fr"})
        return app.test_client().post("/api/dossiers", json=dossier).status_code

    statuses = Counter(run_together(8, submit))
    # A few « déjà inscrit » a day for one person, then 429 (handler.candidats.doublons).
    assert statuses == Counter({201: 1, 409: doublons.IDENTITY_LIMIT,
                                429: 7 - doublons.IDENTITY_LIMIT})
    assert len([k for k in all_keys(s3) if k.startswith("dossiers/")]) == 1
    assert len([k for k in all_keys(s3) if k.startswith("identites/")]) == 1


def test_simultaneous_retries_with_one_key_give_one_dossier(app: Flask, s3: Any) -> None:
    def submit(i: int) -> tuple[int, str]:
        response = app.test_client().post("/api/dossiers", json=make_dossier(),
                                          headers={"Idempotency-Key": "cle-unique-123456"})
        return response.status_code, response.get_json().get("numero", "")

    results = run_together(6, submit)
    assert {status for status, _ in results} <= {200, 201}
    assert sum(status == 201 for status, _ in results) <= 1
    assert len({numero for _, numero in results}) == 1
    assert len([k for k in all_keys(s3) if k.startswith("dossiers/")]) == 1


def test_simultaneous_updates_give_one_success_and_clean_conflicts(app: Flask, s3: Any) -> None:
    numero = app.test_client().post("/api/dossiers", json=make_dossier()).get_json()["numero"]
    specialites = ["couvreur", "patissier", "boulanger", "fleuriste", "cuisine"]

    def update(i: int) -> Any:
        response = app.test_client().put(
            f"/api/dossiers/{numero}", json=make_dossier({"specialite": specialites[i]}),
            headers={"X-Date-Naissance": BORN, "If-Match": '"v1"'})
        return response.status_code, response.get_json()

    results = run_together(len(specialites), update)
    winners = [body for status, body in results if status == 200]
    losers = [body for status, body in results if status == 409]
    assert len(winners) == 1
    assert len(losers) == len(specialites) - 1
    assert all(body["code"] == "modification_concurrente" for body in losers)
    stored = read_dossier(s3, numero)
    assert stored["version"] == 2
    assert stored["dossier"]["specialite"] == winners[0]["dossier"]["specialite"]
    assert [v["dossier"]["specialite"] for v in stored["historique"]] == ["macon"]
