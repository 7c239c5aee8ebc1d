"""Guessing a birth date is slowed per number (shared state in the bucket) and per client."""

from __future__ import annotations

import json
import time
from typing import Any

from flask import Flask

from handler.candidats.ownership import (
    CLIENT_FAILURES,
    LOCK,
    MAX_FAILURES,
    STALE,
    OwnershipGuard,
)
from handler.dossier.numero import canonical, new_numero
from handler.platform import messages as msg
from handler.platform.errors import ApiError
from handler.platform.rate_limit import SlidingWindowLimit
from handler.platform.storage import DossierStore, Stored, WriteConflict
from tests.factories import make_dossier
from tests.faults import FaultyClient, client_error, failing
from tests.fixtures import BUCKET

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


def _judge_counter() -> tuple[list[tuple[str, bool, int]], Any]:
    judged: list[tuple[str, bool, int]] = []
    return judged, lambda numero, matched, rank: judged.append((numero, matched, rank))


def _refusal(guard: OwnershipGuard, numero: str, born: str, client: str = "c") -> ApiError:
    try:
        guard.find(numero, born, client=client)
    except ApiError as exc:
        return exc
    raise AssertionError("the proof should have been refused")


class _AlwaysConflicting(DossierStore):
    """A store where another writer always counts first."""

    def record_attempts(self, numero: str, content: dict[str, Any], *,
                        etag: str | None) -> None:
        raise WriteConflict(numero)


def test_a_proof_that_cant_be_counted_is_refused_unjudged(app: Flask, s3: Any) -> None:
    numero = app.test_client().post("/api/dossiers", json=make_dossier()).get_json()["numero"]
    judged, hook = _judge_counter()
    guard = OwnershipGuard(_AlwaysConflicting(s3, BUCKET), judged=hook, patience=0.3)
    started = time.monotonic()
    refused = _refusal(guard, numero, BORN)
    assert (refused.status, refused.code) == (503, "tentative_non_comptee")
    assert refused.headers == {"Retry-After": "5"}
    assert judged == []
    assert 0.3 <= time.monotonic() - started < 2  # it kept trying until its patience ran out


def test_a_storage_fault_while_counting_is_a_503_and_judges_nothing(
    app: Flask, s3: Any,
) -> None:
    numero = app.test_client().post("/api/dossiers", json=make_dossier()).get_json()["numero"]
    judged, hook = _judge_counter()
    faulty = FaultyClient(s3, failing("put_object", [client_error("InternalError", 500)]))
    app.extensions["ownership"] = OwnershipGuard(DossierStore(faulty, BUCKET), judged=hook)
    answer = guess(app.test_client(), numero, BORN)
    assert answer.status_code == 503
    assert answer.get_json() == {"code": "stockage_indisponible",
                                 "message": msg.STOCKAGE_INDISPONIBLE, "errors": {}}
    assert answer.headers["Retry-After"] == "5"
    assert judged == []


def test_every_proof_is_counted_before_it_is_judged(app: Flask, s3: Any) -> None:
    numero = app.test_client().post("/api/dossiers", json=make_dossier()).get_json()["numero"]
    seen: list[int] = []

    def judged(found: str, matched: bool, rank: int) -> None:
        record = json.loads(s3.get_object(Bucket=BUCKET, Key=f"tentatives/{found}.json")
                            ["Body"].read())
        seen.append(len(record["essais"]))  # this proof is in the record already
        assert rank == len(record["essais"])

    guard = OwnershipGuard(DossierStore(s3, BUCKET), judged=judged)
    for index, born in enumerate(wrong_dates(3)):
        assert _refusal(guard, numero, born, client=f"c{index}").status == 404
    assert seen == [1, 2, 3]


def test_the_owners_own_visits_are_not_counted_against_them(app: Flask) -> None:
    client = app.test_client()
    numero = client.post("/api/dossiers", json=make_dossier()).get_json()["numero"]
    for _ in range(3 * MAX_FAILURES):
        assert guess(client, numero, BORN).status_code == 200


def test_the_client_limit_says_it_counts_every_number(app: Flask) -> None:
    client = app.test_client()
    for _ in range(CLIENT_FAILURES):
        guess(client, new_numero(), BORN)
    slowed = guess(client, new_numero(), BORN).get_json()
    assert slowed["code"] == "trop_de_tentatives"
    assert slowed["message"] == msg.TROP_DE_TENTATIVES_CLIENT.format(minutes="15 minutes")
    assert "depuis votre connexion" in slowed["message"]
    assert "pour ce numéro" not in slowed["message"]


def _submitted(app: Flask) -> str:
    """The canonical number of a new dossier born on BORN."""
    numero = canonical(app.test_client().post("/api/dossiers", json=make_dossier())
                       .get_json()["numero"])
    assert numero is not None
    return numero


def _record(s3: Any, numero: str) -> dict[str, Any]:
    key = f"tentatives/{numero}.json"
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


def test_a_wrong_date_marks_its_proof_failed_and_a_right_one_takes_its_own_back(
    app: Flask, s3: Any,
) -> None:
    numero = _submitted(app)
    guard = OwnershipGuard(app.extensions["dossier_store"], now=lambda: 1_000_000.0)
    assert _refusal(guard, numero, "1990-01-01").status == 404
    [failed] = _record(s3, numero)["essais"]
    assert failed == {"id": failed["id"], "t": 1_000_000.0, "echec": True}
    assert guard.find(numero, BORN, client="owner").body["numero"] == numero
    assert _record(s3, numero) == {"essais": [failed]}


def test_the_owners_right_answers_between_wrong_dates_dont_delay_the_lock(app: Flask) -> None:
    numero = _submitted(app)
    judged, hook = _judge_counter()
    guard = OwnershipGuard(app.extensions["dossier_store"], judged=hook)
    for index, born in enumerate(wrong_dates(MAX_FAILURES)):
        assert guard.find(numero, BORN, client="owner").body["numero"] == numero
        assert _refusal(guard, numero, born, client=f"c{index}").status == 404
    locked = _refusal(guard, numero, BORN, client="owner")
    assert (locked.status, locked.code) == (429, "trop_de_tentatives")
    # Each right answer ranked after the failures before it; each wrong one after those too.
    assert [(matched, rank) for _, matched, rank in judged] == [
        (matched, index + 1) for index in range(MAX_FAILURES) for matched in (True, False)]


def test_proofs_being_judged_hold_their_places_without_locking_the_number(
    app: Flask, s3: Any,
) -> None:
    numero = _submitted(app)
    store: DossierStore = app.extensions["dossier_store"]
    clock = [1_000_000.0]
    pending = [{"id": f"p{index}", "t": clock[0]} for index in range(MAX_FAILURES)]
    store.record_attempts(numero, {"essais": pending}, etag=None)
    judged, hook = _judge_counter()
    guard = OwnershipGuard(store, now=lambda: clock[0], judged=hook, patience=0.3)
    refused = _refusal(guard, numero, BORN, client="owner")
    assert (refused.status, refused.code) == (503, "tentative_non_comptee")
    assert refused.headers == {"Retry-After": "5"}
    assert judged == []
    assert _record(s3, numero) == {"essais": pending}  # not locked, nothing added
    # Never settled (their requests died): once stale, they count as failures and lock.
    clock[0] += STALE
    locked = _refusal(guard, numero, BORN, client="owner")
    assert (locked.status, locked.code) == (429, "trop_de_tentatives")
    assert _record(s3, numero) == {"essais": [], "bloque_jusqu_a": clock[0] + LOCK}
    assert judged == []


class _SettlingOthers(DossierStore):
    """A store where the proofs found pending were right answers, taken back by the third read."""

    reads: int = 0

    def attempts(self, numero: str) -> Stored | None:
        self.reads += 1
        if self.reads == 3:
            self._put(self.attempts_key(numero), {"essais": []})
        return super().attempts(numero)


def test_a_proof_waits_for_the_places_that_proofs_being_judged_free(
    app: Flask, s3: Any,
) -> None:
    numero = _submitted(app)
    store = _SettlingOthers(s3, BUCKET)
    pending = [{"id": f"p{index}", "t": time.time()} for index in range(MAX_FAILURES)]
    store.record_attempts(numero, {"essais": pending}, etag=None)
    judged, hook = _judge_counter()
    guard = OwnershipGuard(store, judged=hook)
    assert guard.find(numero, BORN, client="owner").body["numero"] == numero
    assert judged == [(numero, True, 1)]
    assert store.reads >= 3
    assert _record(s3, numero) == {"essais": []}


def test_an_older_records_bare_failure_times_still_count(app: Flask, s3: Any) -> None:
    numero = _submitted(app)
    store: DossierStore = app.extensions["dossier_store"]
    now = 1_000_000.0
    store.record_attempts(numero, {"echecs": [now - 60] * (MAX_FAILURES - 1)}, etag=None)
    guard = OwnershipGuard(store, now=lambda: now)
    assert _refusal(guard, numero, "1990-01-01").status == 404
    essais = _record(s3, numero)["essais"]
    assert [entry["echec"] for entry in essais] == [True] * MAX_FAILURES
    assert _refusal(guard, numero, BORN, client="owner").status == 429
