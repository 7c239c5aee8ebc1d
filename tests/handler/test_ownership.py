"""Guessing a birth date is slowed per number (shared state in the bucket) and per client."""

from __future__ import annotations

from typing import Any

from flask import Flask

from handler.numero import canonical, new_numero
from handler.ownership import CLIENT_FAILURES, LOCK, MAX_FAILURES, OwnershipGuard
from handler.rate_limit import SlidingWindowLimit
from handler.storage import DossierStore
from tests.factories import make_dossier
from tests.handler.conftest import BUCKET

BORN = "1998-05-17"


def guess(client: Any, numero: str, born: str, ip: str = "203.0.113.7") -> Any:
    return client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": born},
                      environ_base={"REMOTE_ADDR": ip})


def wrong_dates(count: int) -> list[str]:
    return [f"1990-01-{day:02d}" for day in range(1, count + 1)]


def test_a_number_is_locked_after_repeated_failures_even_for_its_owner(
    app: Flask, s3: Any,
) -> None:
    client = app.test_client()
    numero = client.post("/api/dossiers", json=make_dossier()).get_json()["numero"]
    for index, born in enumerate(wrong_dates(MAX_FAILURES)):
        assert guess(client, numero, born, ip=f"198.51.100.{index}").status_code == 404
    locked = guess(client, numero, BORN, ip="192.0.2.99")  # the owner, from elsewhere
    assert locked.status_code == 429
    assert locked.get_json()["code"] == "trop_de_tentatives"
    assert 0 < int(locked.headers["Retry-After"]) <= LOCK
    # The count is in the bucket: another instance of the handler sees the same lock.
    assert s3.head_object(Bucket=BUCKET, Key=f"tentatives/{canonical(numero)}.json")


def test_the_lock_tells_nothing_about_whether_a_dossier_exists(app: Flask) -> None:
    client = app.test_client()
    unknown = new_numero()
    for index, born in enumerate(wrong_dates(MAX_FAILURES)):
        assert guess(client, unknown, born, ip=f"198.51.100.{index}").status_code == 404
    assert guess(client, unknown, BORN, ip="192.0.2.99").status_code == 429


def test_the_lock_ends_and_the_owner_gets_in(s3: Any, app: Flask) -> None:
    clock = [1_000_000.0]
    store: DossierStore = app.extensions["dossier_store"]
    guard = OwnershipGuard(store, now=lambda: clock[0])
    numero = app.test_client().post("/api/dossiers", json=make_dossier()).get_json()["numero"]
    for index, born in enumerate(wrong_dates(MAX_FAILURES)):
        try:
            guard.find(numero, born, client=f"c{index}")
        except Exception as exc:  # noqa: BLE001 - the 404s are expected
            assert getattr(exc, "status", None) == 404
    try:
        guard.find(numero, BORN, client="owner")
        raise AssertionError("the number should be locked")
    except Exception as exc:  # noqa: BLE001
        assert getattr(exc, "status", None) == 429
    clock[0] += LOCK + 1
    assert guard.find(numero, BORN, client="owner").body["numero"] == canonical(numero)


def test_one_client_failing_on_many_numbers_is_slowed(app: Flask) -> None:
    client = app.test_client()
    for _ in range(CLIENT_FAILURES):
        assert guess(client, new_numero(), BORN).status_code == 404
    slowed = guess(client, new_numero(), BORN)
    assert slowed.status_code == 429
    assert guess(client, new_numero(), BORN, ip="192.0.2.1").status_code == 404  # others aren't


def test_the_client_limit_counts_without_hitting_on_wait() -> None:
    limit = SlidingWindowLimit(2, 60, clock=lambda: 0.0)
    assert limit.wait("a") is None
    assert limit.hit("a") is None and limit.hit("a") is None
    assert limit.wait("a") == 60
