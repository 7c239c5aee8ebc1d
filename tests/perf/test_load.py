"""Many candidates at once, through the real local stack (waitress + moto's S3 server).

The fast sizes run in `make test`; the issue's full sizes (1,000 submissions from 50 threads) in
`make soak`. Afterwards the bucket holds exactly the expected dossiers, every number answered
with 2xx reads back identical, no identity has two dossiers, no retry made a duplicate.
"""

from __future__ import annotations

import json
import random
import string
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from handler.local_server import LocalStack
from tests.factories import make_dossier


@dataclass
class Submission:
    person: int
    key: str | None
    email: str
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def person_name(index: int) -> str:
    letters = []
    for _ in range(4):
        index, rest = divmod(index, 26)
        letters.append(string.ascii_lowercase[rest])
    return "Candidat-" + "".join(letters).capitalize()


def dossier_for(person: int, email: str) -> dict[str, Any]:
    return make_dossier({"etat_civil.nom_naissance": person_name(person),
                         "contact.email": email})


def post(url: str, body: Any, key: str | None) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {})}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def get(url: str, born: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, headers={"X-Date-Naissance": born})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


# Every request comes from 127.0.0.1 here: the per-client submission limit would stop them.
NO_CLIENT_LIMIT = {"SUBMISSIONS_PER_CLIENT": "0"}


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    (tmp_path / "index.html").write_text("<html><body>site</body></html>", encoding="utf-8")
    local = LocalStack(site_dir=tmp_path, port=0, config=NO_CLIENT_LIMIT)
    local.url = local.start()  # type: ignore[attr-defined]
    local.serve_in_background()
    yield local
    local.stop()


def plan(total: int) -> list[Submission]:
    """80 % distinct people, 10 % the same person twice, 10 % retries with one key."""
    pairs = total // 20
    people = iter(range(total))
    submissions = [Submission(next(people), None, f"seul{i}@exemple.fr")
                   for i in range(total - 4 * pairs)]
    for i in range(pairs):
        twice = next(people)
        submissions += [Submission(twice, None, f"a{i}@exemple.fr"),
                        Submission(twice, None, f"b{i}@exemple.fr")]
        retried = next(people)
        key = f"cle-reessai-{i:06d}"
        submissions += [Submission(retried, key, f"r{i}@exemple.fr"),
                        Submission(retried, key, f"r{i}@exemple.fr")]
    random.Random(2021).shuffle(submissions)
    return submissions


@pytest.mark.parametrize(("total", "threads"), [
    pytest.param(100, 10, id="100-from-10-threads"),
    pytest.param(1000, 50, id="1000-from-50-threads", marks=pytest.mark.soak),
])
def test_simultaneous_candidates_lose_nothing_and_duplicate_nothing(
    stack: LocalStack, total: int, threads: int,
) -> None:
    url = stack.url + "api/dossiers"  # type: ignore[attr-defined]
    submissions = plan(total)

    def send(submission: Submission) -> None:
        submission.answers.append(post(url, dossier_for(submission.person, submission.email),
                                       submission.key))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(send, submissions))

    statuses = Counter(status for s in submissions for status, _ in s.answers)
    assert set(statuses) <= {200, 201, 409}, statuses
    people = {s.person for s in submissions}
    numbers_by_person: dict[int, set[str]] = {}
    for s in submissions:
        for status, body in s.answers:
            if status in (200, 201):
                numbers_by_person.setdefault(s.person, set()).add(body["numero"])
    # Every person got exactly one number, retries included.
    assert set(numbers_by_person) == people
    assert all(len(numbers) == 1 for numbers in numbers_by_person.values())
    assert statuses[409] == total // 20  # the second of each "same person twice"

    keys = [o["Key"] for page in stack.s3.get_paginator("list_objects_v2").paginate(
        Bucket=stack.bucket, Prefix="dossiers/") for o in page.get("Contents", [])]
    assert len(keys) == len(people)
    stored = [json.loads(stack.s3.get_object(Bucket=stack.bucket, Key=k)["Body"].read())
              for k in keys]
    identities = Counter(record["identite"] for record in stored)
    assert max(identities.values()) == 1

    # Every number answered with 2xx reads back, identical to what was sent.
    for s in submissions:
        for status, body in s.answers:
            if status in (200, 201):
                read_status, read = get(f"{url}/{body['numero']}", "1998-05-17")
                assert read_status == 200
                assert read["dossier"] == body["dossier"]
