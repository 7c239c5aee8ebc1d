"""RGPD erasure: the dossier with every version, and everything kept about it, audited without
personal data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from handler.dossier.numero import canonical
from tests.fixtures import BUCKET, MAIL_FROM, SITE_URL, build_app
from tests.staff.conftest import bearer, person, submit, token_hashes

BORN = "1998-05-17"
SESSION = "cap-limoges-2021-06"


def every_version(s3: Any) -> list[str]:
    """Every key with a version or a delete marker in the bucket."""
    keys = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=BUCKET):
        keys += [v["Key"] for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]]
    return sorted(keys)


def read(s3: Any, key: str) -> dict[str, Any]:
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


@pytest.fixture
def versioned(s3: Any, s3_endpoint: str | None, ses: Any) -> FlaskClient:
    """The app on a versioned bucket (as in production), with email and staff."""
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    app = build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM, SITE_URL=SITE_URL,
                    STAFF_TOKEN_HASHES=token_hashes())
    return app.test_client()


def test_erasure_leaves_nothing_of_the_dossier_in_any_version(versioned: FlaskClient,
                                                             s3: Any) -> None:
    client = versioned
    other = submit(client, person("Durand"))
    numero = submit(client, person("Martin"))
    key = canonical(numero)
    assert key is not None
    # A history: a new name (the identity moves), a status, a failed proof, an export.
    moved = person("Martin", **{"etat_civil.prenoms": ["Marie"]})
    assert client.put(f"/api/dossiers/{numero}", json=moved,
                      headers={"X-Date-Naissance": BORN}).status_code == 200
    client.post(f"/api/staff/dossiers/{numero}/suivi", headers=bearer(),
                json={"statut": "confirmation-recue", "version": 2, "version_papier": 2,
                      "revision": 0})
    client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": "2000-01-01"})
    assert client.post("/api/dossiers/lien-acces", json={"numero": numero}).status_code == 202
    s3.put_object(Bucket=BUCKET, Key="exports/abc/dossiers.csv", Body=b"copie")
    for texte in ("Appelée le 3/11.", "Rappelée le 5/11."):  # private notes (issue 27)
        assert client.post(f"/api/staff/dossiers/{numero}/notes", headers=bearer(),
                           json={"texte": texte}).status_code == 201
    before = every_version(s3)
    assert before.count(f"notes-internes/{key}.json") == 2
    assert f"suivi/{key}.json" in before and f"courriels/{key}.json" in before
    assert f"tentatives/{key}.json" in before
    assert [k for k in before if k.startswith(f"acces/{key}/liens/")]

    response = client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer("dec4"),
                           json={"confirmation": numero.lower()})
    assert response.status_code == 200, response.get_json()
    done = response.get_json()["effacement"]
    assert done["auteur"] == "dec4" and done["exports_supprimes"] == 1
    assert done["versions_supprimees"] >= 7

    after = every_version(s3)
    assert not [k for k in after if key in k or k.startswith("exports/")]
    other_key = canonical(other)
    assert f"dossiers/{other_key}.json" in after
    claims = [read(s3, k) for k in after if k.startswith("identites/")]
    assert [c["numero"] for c in claims] == [other_key]
    listed = client.get("/api/staff/dossiers", headers=bearer()).get_json()
    assert [d["numero"] for d in listed["dossiers"]] == [other]
    assert client.get(f"/api/dossiers/{numero}",
                      headers={"X-Date-Naissance": BORN}).status_code == 404
    # The same person may register again.
    assert submit(client, moved)

    (audit_key,) = {k for k in after if k.startswith("audit/")}
    audit = read(s3, audit_key)
    assert audit["statut"] == "termine" and audit["auteur"] == "dec4"
    text = json.dumps(audit, ensure_ascii=False)
    assert key not in text and numero not in text and "Martin" not in text


def test_erasure_without_the_number_typed_again_is_refused(versioned: FlaskClient,
                                                           s3: Any) -> None:
    numero = submit(versioned, person("Martin"))
    response = versioned.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer(),
                              json={"confirmation": "0000-0000-0"})
    assert response.status_code == 422
    assert response.get_json()["code"] == "effacement_invalide"
    assert f"dossiers/{canonical(numero)}.json" in every_version(s3)


def test_erasing_an_unknown_number_is_404(versioned: FlaskClient) -> None:
    response = versioned.post("/api/staff/dossiers/0000-0000-0/effacement", headers=bearer(),
                              json={"confirmation": "0000-0000-0"})
    assert response.status_code == 404


#: A person whose every value appears in no other dossier of these tests.
VICTIM_BORN = "1987-03-09"
VICTIM = {"etat_civil.prenoms": ["Ombeline", "Zéphyrine"],
          "etat_civil.nom_usage": "Quenneville", "etat_civil.date_naissance": VICTIM_BORN,
          "contact.email": "ombeline.vautrinier@exemple.fr",
          "contact.telephone": "06 71 42 93 58",
          "contact.adresse": "7 impasse des Orvaux"}


def every_body(s3: Any) -> list[tuple[str, str, str]]:
    """(key, version id, text) of every version of every object in the bucket."""
    found = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=BUCKET):
        for version in page.get("Versions", []):
            body = s3.get_object(Bucket=BUCKET, Key=version["Key"],
                                 VersionId=version["VersionId"])["Body"].read()
            found.append((version["Key"], version["VersionId"], body.decode("utf-8")))
    return found


def _forms(value: str) -> set[str]:
    """A value as it may be written: as typed, and escaped by JSON."""
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}


def test_erasure_leaves_no_value_of_the_person_in_any_version_of_any_object(
        versioned: FlaskClient, s3: Any) -> None:
    client = versioned
    numero = submit(client, person("Vautrinier", **VICTIM))
    key = canonical(numero)
    assert key is not None
    # Others, until one shares the victim's index shard (32 shards: a few dozen at most).
    others = [submit(client, person(f"Autre{chr(65 + i % 26)}{'x' * (i // 26)}"))
              for i in range(3)]
    for i in range(200):
        if any(canonical(o)[0] == key[0] for o in others):  # type: ignore[index]
            break
        others.append(submit(client, person(f"Voisin{chr(65 + i % 26)}{'y' * (i // 26)}")))
    (neighbour,) = [o for o in others if canonical(o)[0] == key[0]][:1]  # type: ignore[index]
    # Many versions of the shard hold the victim: their modifications (a new address, then a
    # new first name: the identity moves), the neighbour's, the bureau's follow-up, each merged
    # into the shard by a list (issue 18: a write adds a pending part, a list compacts them).
    born = {"X-Date-Naissance": VICTIM_BORN}

    def listed() -> None:
        assert client.get("/api/staff/dossiers", headers=bearer()).status_code == 200

    listed()
    moved = person("Vautrinier", **{**VICTIM, "contact.adresse": "9 rue Anatole-Vrignaud"})
    assert client.put(f"/api/dossiers/{numero}", json=moved, headers=born).status_code == 200
    listed()
    renamed = person("Vautrinier", **{**VICTIM, "contact.adresse": "9 rue Anatole-Vrignaud",
                                       "etat_civil.prenoms": ["Ombelline"]})
    assert client.put(f"/api/dossiers/{numero}", json=renamed, headers=born).status_code == 200
    listed()
    assert client.put(f"/api/dossiers/{neighbour}", json=person("Voisinage"),
                      headers={"X-Date-Naissance": BORN}).status_code == 200
    listed()
    assert client.post(f"/api/staff/dossiers/{numero}/suivi", headers=bearer(),
                       json={"statut": "confirmation-recue", "version": 3, "version_papier": 3,
                             "revision": 0}).status_code == 200
    client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": "2000-01-01"})
    shard = f"index/{SESSION}/{key[0]}.json"
    holding = [v for k, v, text in every_body(s3) if k == shard and key in text]
    assert len(holding) >= 4
    # And its pending parts: the last one (the follow-up's) not merged yet.
    parts = [v for k, v, text in every_body(s3)
             if k.startswith(f"index/{SESSION}/entrees/{key}/")]
    assert len(parts) >= 4

    response = client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer(),
                           json={"confirmation": numero})
    assert response.status_code == 200, response.get_json()

    values = [numero, key, "Vautrinier", "Ombeline", "Ombelline", "Zéphyrine", "Quenneville",
              VICTIM_BORN, "ombeline.vautrinier@exemple.fr", "06 71 42 93 58",
              "0671429358", "7 impasse des Orvaux", "9 rue Anatole-Vrignaud", "Orvaux",
              "Vrignaud"]
    left = [(k, value) for k, _, text in every_body(s3) for value in values
            if any(form in text or form in k for form in _forms(value))]
    assert left == []
    assert response.get_json()["effacement"]["versions_index_supprimees"] >= (
        len(holding) + len(parts))
    # The neighbour is still listed, from a clean shard.
    listed = client.get("/api/staff/dossiers", headers=bearer(),
                        query_string={"par_page": 200}).get_json()
    assert sorted(d["numero"] for d in listed["dossiers"]) == sorted(others)
    assert read(s3, shard)["entrees"].keys() >= {canonical(neighbour)}


class LateUpdate:
    """An S3 client that, the first time the versions of `key` are listed, lets `write` run
    first: an update of the erased dossier that was in flight when the erasure began."""

    def __init__(self, client: Any, key: str, write: Any) -> None:
        self.client, self.key, self.write, self.fired = client, key, write, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def get_paginator(self, name: str) -> Any:
        paginator = self.client.get_paginator(name)
        outer = self

        class Paginator:
            def paginate(self, **kwargs: Any) -> Any:
                if name == "list_object_versions" and kwargs.get("Prefix") == outer.key \
                        and not outer.fired:
                    outer.fired = True
                    outer.write()
                return paginator.paginate(**kwargs)
        return Paginator()


def test_an_index_entry_written_again_during_the_purge_is_purged_too(s3: Any) -> None:
    from handler.dossier.index import SummaryIndex, shard_key
    from handler.platform.storage import DossierStore

    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    for numero in ("AAAA0000A", "AZZZ0000Z"):  # the dossiers exist (the compaction checks)
        s3.put_object(Bucket=BUCKET, Key=f"dossiers/{numero}.json", Body=b"{}")
    plain = SummaryIndex(DossierStore(s3, BUCKET), "s")

    def update(version: int) -> None:
        plain.upsert("AAAA0000A", {"numero": "AAAA0000A", "nom_naissance": "Effacee",
                                   "version": version})
        plain.compact()

    for version in (1, 2, 3):
        update(version)
        plain.upsert("AZZZ0000Z", {"numero": "AZZZ0000Z", "nom_naissance": "Gardee",
                                   "version": version})
        plain.compact()
    key = shard_key("s", "A")
    racing = LateUpdate(s3, key, lambda: update(4))
    deleted = SummaryIndex(DossierStore(racing, BUCKET), "s").purge("AAAA0000A")

    assert racing.fired
    bodies = [text for k, _, text in every_body(s3) if k.startswith("index/")]
    assert [t for t in bodies if "Effacee" in t] == []
    assert "Gardee" in read(s3, key)["entrees"]["AZZZ0000Z"]["nom_naissance"]
    # Six shard versions held it before the purge, the late one a seventh; its four pending
    # parts, each with its delete marker, eight more.
    assert deleted == 15


def test_a_claim_another_dossier_holds_now_keeps_no_version_naming_the_erased_one(
        versioned: FlaskClient, s3: Any) -> None:
    import shared_rules

    client = versioned
    first = person("Martin")
    numero = submit(client, first)
    key = canonical(numero)
    assert key is not None
    # The dossier moves to another first name; someone else then takes the identity it left.
    moved = person("Martin", **{"etat_civil.prenoms": ["Marie"]})
    assert client.put(f"/api/dossiers/{numero}", json=moved,
                      headers={"X-Date-Naissance": BORN}).status_code == 200
    other = submit(client, person("Martin", **{"contact.email": "autre.martin@exemple.fr"}))
    claim = f"identites/{SESSION}/{shared_rules.identity_key(first)}.json"
    assert any(key in text for k, _, text in every_body(s3) if k == claim)

    assert client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer(),
                       json={"confirmation": numero}).status_code == 200
    versions = [text for k, _, text in every_body(s3) if k == claim]
    assert versions and [t for t in versions if key in t] == []
    assert read(s3, claim)["numero"] == canonical(other)


class StopsAfter:
    """An S3 client whose reads fail after `reads` of them: a function's timeout midway."""

    def __init__(self, client: Any, reads: int) -> None:
        self.client, self.reads = client, reads

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def get_object(self, **kwargs: Any) -> Any:
        self.reads -= 1
        if self.reads < 0:
            raise TimeoutError("stopped")
        return self.client.get_object(**kwargs)


def test_a_purge_stopped_midway_keeps_what_it_deleted_and_the_next_one_finishes(
        s3: Any) -> None:
    from handler.dossier.index import shard_key
    from handler.platform.storage import DossierStore

    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    key = shard_key("s", "A")
    for version in range(6):
        s3.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(
            {"entrees": {"AAAA0000A": {"version": version}}}).encode())
    s3.put_object(Bucket=BUCKET, Key=key, Body=b'{"entrees": {}}')

    def holds(body: dict[str, Any]) -> bool:
        return "AAAA0000A" in body["entrees"]

    stopped = DossierStore(StopsAfter(s3, reads=5), BUCKET)
    with pytest.raises(TimeoutError):
        stopped.erase_versions_holding(key, holds, workers=1, chunk=2)
    left = [text for k, _, text in every_body(s3) if k == key and "AAAA0000A" in text]
    # Newest first: the clean current one and three holding ones were read in the first two
    # chunks of two, and those three deleted; the third chunk stopped.
    assert len(left) == 3
    assert DossierStore(s3, BUCKET).erase_versions_holding(key, holds) == (3, False)
    assert [text for k, _, text in every_body(s3) if k == key] == ['{"entrees": {}}']


@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)
def test_an_erasure_among_writers_of_its_shard_leaves_no_version_holding_the_entry(
        versioned: FlaskClient, s3: Any) -> None:
    import threading
    import time

    client = versioned
    numero = submit(client, person("Vautrinier", **VICTIM))
    key = canonical(numero)
    assert key is not None
    neighbours: dict[str, str] = {}
    for i in range(200):
        name = f"Voisin{chr(65 + i % 26)}{'y' * (i // 26)}"
        found = submit(client, person(name))
        if canonical(found)[0] == key[0]:  # type: ignore[index]
            neighbours[found] = name
            if len(neighbours) == 2:
                break
    assert len(neighbours) == 2
    # Threads (moto's server only: its in-process mock is not thread-safe) keep writing the
    # victim's shard through the neighbours' modifications while the erasure runs.
    stop = threading.Event()
    writes: list[int] = []

    def write(neighbour: str, name: str) -> None:
        specialites = ["couvreur", "macon"]
        while not stop.is_set():
            dossier = person(name, specialite=specialites[len(writes) % 2])
            response = client.application.test_client().put(
                f"/api/dossiers/{neighbour}", json=dossier, headers={"X-Date-Naissance": BORN})
            writes.append(response.status_code)

    lists: list[int] = []

    def compact() -> None:  # the lists merge the neighbours' parts into the shard
        while not stop.is_set():
            lists.append(client.application.test_client().get(
                "/api/staff/dossiers", headers=bearer()).status_code)

    threads = [threading.Thread(target=write, args=item) for item in neighbours.items()]
    threads.append(threading.Thread(target=compact))
    for thread in threads:
        thread.start()
    try:
        while len(lists) < 1 or len(writes) < 2:  # the shard holds the victim, writers run
            time.sleep(0.01)
        response = client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer(),
                               json={"confirmation": numero})
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert response.status_code == 200, response.get_json()
    assert set(writes) <= {200, 409} and writes.count(200) >= 2
    shard = f"index/{SESSION}/{key[0]}.json"
    versions = [text for k, _, text in every_body(s3) if k == shard]
    # The neighbours' writes, merged by the lists, kept theirs.
    assert versions and set(lists) == {200} and len(lists) >= 2
    index = [text for k, _, text in every_body(s3) if k.startswith("index/")]
    assert [t for t in index if key in t or "Vautrinier" in t] == []


def test_an_index_write_landing_after_the_erasure_takes_the_entry_out_again(
        versioned: FlaskClient, s3: Any) -> None:
    from handler.dossier import index
    from handler.platform.storage import DossierStore

    client = versioned
    numero = submit(client, person("Vautrinier", **VICTIM))
    key = canonical(numero)
    assert key is not None
    late = read(s3, f"dossiers/{key}.json")  # a modification in flight holds this record
    assert client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer(),
                       json={"confirmation": numero}).status_code == 200
    # Its index write lands after the erasure's last purge.
    index.record_written(DossierStore(s3, BUCKET), late)

    left = [k for k, _, text in every_body(s3) if key in text or "Vautrinier" in text]
    assert left == []


@pytest.mark.parametrize("secret", ["", "cle-du-journal-de-test"])
def test_the_audit_keeps_a_keyed_fingerprint_of_the_number_or_none(
        s3: Any, s3_endpoint: str | None, secret: str) -> None:
    """Issue 25, item 9: the audit kept the number's bare SHA-256, reversed by trying the 2⁴⁰
    numbers; now its HMAC under AUDIT_HMAC_KEY, or nothing without a key."""
    import hashlib
    import hmac

    client = build_app(s3, s3_endpoint, STAFF_TOKEN_HASHES=token_hashes(),
                       AUDIT_HMAC_KEY=secret).test_client()
    numero = submit(client, person("Martin"))
    key = canonical(numero)
    assert key is not None
    assert client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer(),
                       json={"confirmation": numero}).status_code == 200
    [audit_key] = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="audit/")["Contents"]]
    audit = read(s3, audit_key)
    text = json.dumps(audit)
    assert hashlib.sha256(key.encode()).hexdigest() not in text
    if secret:
        assert audit["empreinte_numero"] == hmac.new(secret.encode(), key.encode(),
                                                     hashlib.sha256).hexdigest()
    else:
        assert "empreinte_numero" not in audit
