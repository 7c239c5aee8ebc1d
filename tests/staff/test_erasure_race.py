"""Issue 25, item 4: an erasure racing its owner's modifications. Before, 8 PUTs during an
erasure left `courriels/<numero>.json` behind (2 rounds of 3) and « modification » emails went
out while the dossier was being erased. Now the erasure marks the dossier first (a conditional
write), every write after that mark is refused, and what a write that read the dossier earlier
still put there is swept or removes itself."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest
from flask.testing import FlaskClient

from handler.dossier.numero import canonical
from tests.fixtures import SentMail
from tests.staff.conftest import bearer, person, submit
from tests.staff.test_erasure import every_body, versioned  # noqa: F401 (the fixture, by name)

BORN = "1987-03-09"
#: Writers per round: each round races that many modifications against one erasure.
ROUNDS = (8, 12, 16)


def racer(n: int) -> dict[str, Any]:
    """A person whose name and address appear nowhere else in the bucket."""
    return person(f"Coureur{chr(65 + n)}", **{
        "etat_civil.prenoms": ["Ombeline"], "etat_civil.date_naissance": BORN,
        "contact.email": f"coureur.{n}@exemple.fr"})


@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)
def test_an_erasure_racing_many_modifications_leaves_nothing_and_sends_nothing_after(
        versioned: FlaskClient, s3: Any, sent_mail: Any) -> None:  # noqa: F811
    client = versioned
    erased: list[str] = []
    statuses: Counter[int] = Counter()
    for n, writers in enumerate(ROUNDS):
        numero = submit(client, racer(n))
        erased.append(numero)
        stop = threading.Event()
        done: list[int] = []

        def modify(w: int, numero: str = numero, n: int = n, done: list[int] = done,
                   stop: threading.Event = stop) -> None:
            own = client.application.test_client()
            turn = 0
            while not stop.is_set():
                turn += 1
                dossier = racer(n)
                dossier["contact"]["telephone"] = f"05 55 {w:02d} {turn % 100:02d} 00"
                response = own.put(f"/api/dossiers/{numero}", json=dossier,
                                   headers={"X-Date-Naissance": BORN},
                                   environ_base={"REMOTE_ADDR": f"203.0.113.{w + 1}"})
                done.append(response.status_code)

        threads = [threading.Thread(target=modify, args=(w,)) for w in range(writers)]
        for thread in threads:
            thread.start()
        try:
            deadline = time.monotonic() + 30
            while done.count(200) < 2 and time.monotonic() < deadline:
                time.sleep(0.005)
            response = client.post(f"/api/staff/dossiers/{numero}/effacement",
                                   headers=bearer(), json={"confirmation": numero})
            ended = len(sent_mail())
            time.sleep(0.3)  # the writers keep going after the erasure
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        assert response.status_code == 200, response.get_json()
        assert done.count(200) >= 2
        statuses.update(done)
        # Nothing is emailed to the erased person once the erasure has answered.
        late: list[SentMail] = [m for m in sent_mail()[ended:]
                                if f"coureur.{n}@exemple.fr" in m.to]
        assert late == []

    # 404 (gone), 409 (the mark won the conditional write), 410 (the email found the mark),
    # 429/503 (the number's proofs, counted before they are judged): never a 500.
    assert set(statuses) <= {200, 404, 409, 410, 429, 503}, statuses
    keys = [canonical(n) for n in erased]
    left = []
    for key, _, text in every_body(s3):
        named = [k for k in keys if k and (k in key or k in text)]
        if any(f"coureur.{i}@exemple.fr" in text or f"Coureur{chr(65 + i)}" in text
               for i in range(len(ROUNDS))):
            left.append(key)
        elif named and not key.startswith("tentatives/"):
            left.append(key)
    # `tentatives/<numero>.json`: ownership proofs counted after the dossier was gone (times
    # and random ids, as for any number tried), emptied by the lifecycle after a day.
    assert left == []


def test_a_dossier_marked_for_erasure_is_gone_for_everyone_but_the_erasure(
        versioned: FlaskClient, s3: Any, sent_mail: Any) -> None:  # noqa: F811
    """An erasure stopped right after its mark: the owner, the bureau and the emails find no
    dossier any more, and asking again finishes the erasure."""
    from handler.platform.storage import DossierStore
    from tests.fixtures import BUCKET

    client = versioned
    numero = submit(client, racer(0))
    key = canonical(numero)
    assert key is not None
    store = DossierStore(s3, BUCKET)
    read_before = store.dossier(key)
    assert read_before is not None
    assert store.mark_erasing(key, "2020-11-02T09:00:00+00:00") is not None
    assert store.dossier(key) is None and store.dossier_even_erasing(key) is not None
    sent = len(sent_mail())
    mail_records = [v for k, v, _ in every_body(s3) if k.startswith(f"courriels/{key}")]

    owner = {"X-Date-Naissance": BORN}
    assert client.get(f"/api/dossiers/{numero}", headers=owner).status_code == 404
    changed = racer(0)
    changed["contact"]["telephone"] = "05 55 00 00 01"
    assert client.put(f"/api/dossiers/{numero}", json=changed, headers=owner).status_code == 404
    assert client.get(f"/api/staff/dossiers/{numero}", headers=bearer()).status_code == 404
    status = client.post(f"/api/staff/dossiers/{numero}/suivi", headers=bearer(), json={
        "statut": "confirmation-recue", "version": 1, "version_papier": 1, "revision": 0})
    assert status.status_code == 404
    # A modification that read the dossier before the mark: its email doesn't go.
    notifier = client.application.extensions["notifier"]
    assert notifier.confirm({**read_before.body, "version": 2}) == "annule"
    assert len(sent_mail()) == sent
    assert [v for k, v, _ in every_body(s3) if k.startswith(f"courriels/{key}")] == mail_records

    erased = client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer(),
                         json={"confirmation": numero})
    assert erased.status_code == 200, erased.get_json()
    assert not [k for k, _, text in every_body(s3) if key in k or key in text]
