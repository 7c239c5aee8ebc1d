"""The per-number lock can't be raced: many proofs at once on one number, over real HTTP.

The real local stack (waitress + moto's S3 server); every request from its own client address
(CLIENT_IP_HEADER), so that only the lock in the bucket stands between them and the dossier.
Every proof is counted before it is judged: whatever the number of simultaneous requests, at
most MAX_FAILURES wrong dates are compared, and the right one is answered 200 only if it was
counted among the first MAX_FAILURES. The comparisons are counted by the guard's `judged` hook.
"""

from __future__ import annotations

import json
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


@pytest.mark.parametrize("count", [30, 100, 250])
def test_simultaneous_proofs_on_one_number_judge_at_most_the_limit(
    stack: LocalStack, count: int,
) -> None:
    base = stack.url + "api/dossiers"  # type: ignore[attr-defined]
    status, created = call(base, method="POST", body=make_dossier())
    assert status == 201
    numero = created["numero"]
    judged: list[tuple[bool, int]] = []
    lock = threading.Lock()

    def record(_numero: str, matched: bool, rank: int) -> None:
        with lock:
            judged.append((matched, rank))

    assert stack.api is not None
    stack.api.extensions["ownership"] = OwnershipGuard(
        stack.api.extensions["dossier_store"], judged=record)

    right = count // 2  # the owner arrives in the middle of the storm
    dates = [BORN if i == right else f"19{60 + i // 28 % 40:02d}-{1 + i // 28 // 40 % 12:02d}-"
             f"{1 + i % 28:02d}" for i in range(count)]
    assert len(set(dates)) == count
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
    statuses = Counter(answer[0] for answer in answers if answer)
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
    owner_status, owner_body = answers[right]  # type: ignore[misc]
    if owner_status == 200:
        assert owner_body["numero"] == numero
    else:
        assert owner_status in {429, 503}
    # Those refused say why, in the one envelope.
    for status, body in (a for a in answers if a and a[0] in (429, 503)):
        assert body["code"] == ("trop_de_tentatives" if status == 429 else
                                "tentative_non_comptee"), body
    assert elapsed < 180
