"""The per-number lock can't be raced: many proofs at once on one number, over real HTTP.

The real local stack (waitress + moto's S3 server); every request from its own client address
(CLIENT_IP_HEADER), so that only the lock in the bucket stands between them and the dossier.
Every proof is counted before it is judged: whatever the number of simultaneous requests, at
most MAX_FAILURES wrong dates are compared, and the right one is answered 200 only if it was
counted among the first MAX_FAILURES. Only wrong dates lock: the owner's own simultaneous right
answers (a double click, a phone reloading) all get in. The comparisons are counted by the
guard's `judged` hook.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from handler.candidats.ownership import MAX_FAILURES, OwnershipGuard
from handler.dossier.numero import canonical
from handler.local_server import LocalStack
from tests.factories import make_dossier

BORN = "1998-05-17"
CLIENT_HEADER = "X-Client-Test"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    (tmp_path / "index.html").write_text("<html><body>site</body></html>", encoding="utf-8")
    local = LocalStack(site_dir=tmp_path, port=0,
                       config={"SUBMISSIONS_PER_CLIENT": "0", "CLIENT_IP_HEADER": CLIENT_HEADER})
    local.url = local.start()  # type: ignore[attr-defined]
    local.serve_in_background()
    yield local
    local.stop()


def call(url: str, *, method: str = "GET", body: Any = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        **({"Content-Type": "application/json"} if data else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def watch(stack: LocalStack) -> list[tuple[bool, int]]:
    """Install a guard that records every proof judged: (matched, rank)."""
    judged: list[tuple[bool, int]] = []
    lock = threading.Lock()

    def record(_numero: str, matched: bool, rank: int) -> None:
        with lock:
            judged.append((matched, rank))

    assert stack.api is not None
    stack.api.extensions["ownership"] = OwnershipGuard(
        stack.api.extensions["dossier_store"], judged=record)
    return judged


def storm(base: str, numero: str, dates: list[str]) -> tuple[list[tuple[int, dict[str, Any]]],
                                                             float]:
    """One proof per date, all released at once, each from its own client address; the
    answers in the dates' order and the seconds they took."""
    count = len(dates)
    barrier = threading.Barrier(count)
    answers: list[tuple[int, dict[str, Any]] | None] = [None] * count

    def prove(i: int) -> None:
        barrier.wait()
        answers[i] = call(f"{base}/{numero}", headers={
            "X-Date-Naissance": dates[i], CLIENT_HEADER: f"10.{i // 256}.{i % 256}.9"})

    started = time.monotonic()
    threads = [threading.Thread(target=prove, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    elapsed = time.monotonic() - started
    assert all(answer is not None for answer in answers), "some requests never answered"
    return [answer for answer in answers if answer], elapsed


def wrong_dates(count: int) -> list[str]:
    return [f"19{60 + i // 28 % 40:02d}-{1 + i // 28 // 40 % 12:02d}-{1 + i % 28:02d}"
            for i in range(count)]


def submitted(stack: LocalStack) -> tuple[str, str]:
    """The API's dossiers URL and the number of a dossier born on BORN."""
    base = stack.url + "api/dossiers"  # type: ignore[attr-defined]
    status, created = call(base, method="POST", body=make_dossier())
    assert status == 201
    return base, str(created["numero"])


@pytest.mark.parametrize("count", [30, 100, 250])
def test_simultaneous_proofs_on_one_number_judge_at_most_the_limit(
    stack: LocalStack, count: int,
) -> None:
    base, numero = submitted(stack)
    judged = watch(stack)
    right = count // 2  # the owner arrives in the middle of the storm
    dates = wrong_dates(count)
    dates[right] = BORN
    assert len(set(dates)) == count
    answers, elapsed = storm(base, numero, dates)
    statuses = Counter(status for status, _ in answers)
    print(f"\n{count} simultaneous proofs in {elapsed:.1f} s: {dict(sorted(statuses.items()))}, "
          f"{len(judged)} judged")

    assert set(statuses) <= {200, 404, 429, 503}, statuses
    wrong_judged = [rank for matched, rank in judged if not matched]
    right_judged = [rank for matched, rank in judged if matched]
    # Every judged proof was counted first, within the limit, and answered as judged.
    assert len(wrong_judged) <= MAX_FAILURES
    assert all(1 <= rank <= MAX_FAILURES for _, rank in judged)
    assert statuses[404] == len(wrong_judged)
    assert statuses[200] == len(right_judged) <= 1
    owner_status, owner_body = answers[right]
    if owner_status == 200:
        assert owner_body["numero"] == numero
    else:
        assert owner_status in {429, 503}
    # Those refused say why, in the one envelope.
    for status, body in (a for a in answers if a[0] in (429, 503)):
        assert body["code"] == ("trop_de_tentatives" if status == 429 else
                                "tentative_non_comptee"), body
    assert elapsed < 180


def test_the_owners_simultaneous_right_answers_all_get_in_and_lock_nothing(
    stack: LocalStack,
) -> None:
    base, numero = submitted(stack)
    judged = watch(stack)
    answers, elapsed = storm(base, numero, [BORN] * 20)
    statuses = Counter(status for status, _ in answers)
    print(f"\n20 simultaneous right answers in {elapsed:.1f} s: "
          f"{dict(sorted(statuses.items()))}, {len(judged)} judged")
    assert statuses == {200: 20}, [body for status, body in answers if status != 200]
    assert all(body["numero"] == numero for _, body in answers)
    assert judged == [(True, rank) for _, rank in judged]
    assert all(1 <= rank <= MAX_FAILURES for _, rank in judged)
    # Not locked, and nothing left counted against the owner.
    assert call(f"{base}/{numero}", headers={"X-Date-Naissance": BORN,
                                             CLIENT_HEADER: "10.200.0.1"})[0] == 200
    assert stack.api is not None
    left = stack.api.extensions["dossier_store"].attempts(canonical(numero))
    assert left is not None and left.body == {"essais": []}
    assert elapsed < 30


def test_wrong_dates_among_the_owners_right_answers_still_lock_after_the_limit(
    stack: LocalStack,
) -> None:
    base, numero = submitted(stack)
    judged = watch(stack)
    dates = [*wrong_dates(30), *[BORN] * 10]
    random.Random(25).shuffle(dates)
    answers, elapsed = storm(base, numero, dates)
    statuses = Counter(status for status, _ in answers)
    print(f"\n30 wrong and 10 right simultaneous proofs in {elapsed:.1f} s: "
          f"{dict(sorted(statuses.items()))}, {len(judged)} judged")
    wrong = [status for date, (status, _) in zip(dates, answers, strict=True) if date != BORN]
    right = [status for date, (status, _) in zip(dates, answers, strict=True) if date == BORN]
    # Exactly the limit of wrong dates judged, then the lock for every other proof.
    assert [matched for matched, _ in judged].count(False) == MAX_FAILURES
    assert Counter(wrong) == {404: MAX_FAILURES, 429: len(wrong) - MAX_FAILURES}
    assert set(right) <= {200, 429}
    assert right.count(200) == [matched for matched, _ in judged].count(True)
    assert call(f"{base}/{numero}", headers={"X-Date-Naissance": BORN,
                                             CLIENT_HEADER: "10.200.0.1"})[0] == 429
    assert elapsed < 30
