"""The list at 20,000 dossiers: the shards are built directly in the bucket, then listed through
the API. Prints the figures (time, answer size); asserts only what must hold at any speed: the
answer is far below API Gateway's 6 MB, and every shard stays small."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask

from handler.dossier.index import SHARDS, shard_key, write_entries
from handler.dossier.numero import ALPHABET
from tests.fixtures import BUCKET
from tests.staff.conftest import bearer

COUNT = 20_000
SESSION = "cap-limoges-2021-06"
SPECIALITES = ["macon", "serrurier-metallier", "tailleur-de-pierre", "menuisier-aluminium-verre"]


def summaries(count: int) -> list[dict[str, Any]]:
    """`count` plausible summaries with distinct numbers spread over the shards."""
    result = []
    for i in range(count):
        digits = "".join(ALPHABET[(i >> (5 * k)) & 31] for k in range(8))
        numero = ALPHABET[i % 32] + digits[1:] + "0"
        result.append({
            "numero": numero, "nom_naissance": f"Nom-{i:05d}", "nom_usage": None,
            "prenoms": ["Marie-Ève", "Françoise"],
            # Issue 27: the birth date shown, the email and phone searched, one in ten asking
            # for accommodations, one in three assigned.
            "date_naissance": f"{1970 + i % 35}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "courriel": f"prenom.nom-{i:05d}@exemple.fr", "telephone": f"06{i:08d}",
            **({"amenagement": True} if i % 10 == 0 else {}),
            **({"attribue_a": "agent.un@ac-limoges.fr", "attribution": 1} if i % 3 == 0
               else {}),
            "specialite": SPECIALITES[i % 4],
            "departement": ("19", "23", "87")[i % 3],
            "cree_le": f"2020-11-{2 + i % 18:02d}T10:00:00+01:00",
            "modifie_le": f"2020-11-{2 + i % 18:02d}T11:00:00+01:00",
            "version": 1 + i % 3, "statut": "pre-inscrit", "revision": 0,
            "version_confirmee": None})
    return result


def test_the_list_at_20000_dossiers(app: Flask, s3: Any, s3_mode: str) -> None:
    write_entries(app.extensions["dossier_store"], SESSION, summaries(COUNT))
    sizes = [s3.head_object(Bucket=BUCKET, Key=shard_key(SESSION, s))["ContentLength"]
             for s in SHARDS]
    client = app.test_client()
    figures = {}
    for label, query in [("first page", "par_page=50"),
                         ("filtered, sorted by name", "specialite=macon&departement=87&tri=nom"),
                         ("free search", "q=nom-01234"),
                         ("search by email", "q=prenom.nom-01234@exemple.fr"),
                         ("search by phone", "q=%2B33%206%2000%2001%2023%2045"),
                         ("mine, accommodations", "attribution=agent.un@ac-limoges.fr"
                                                  "&amenagement=demande&tri=date_naissance"),
                         ("page of 200", "par_page=200&tri=-modifie_le")]:
        started = time.perf_counter()
        response = client.get(f"/api/staff/dossiers?{query}", headers=bearer())
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        assert len(response.data) < 1_000_000  # API Gateway allows 6 MB
        figures[label] = (elapsed, len(response.data), response.get_json()["total"])
    assert figures["first page"][2] == COUNT
    assert figures["search by email"][2] == figures["search by phone"][2] == 1
    assert figures["mine, accommodations"][2] == len(range(0, COUNT, 30))
    assert max(sizes) < 1_000_000
    print(f"\nlist at {COUNT:,} dossiers (moto {s3_mode}): 32 shards, "
          f"{sum(sizes) / 1e6:.1f} MB in all, the largest {max(sizes) / 1e3:.0f} KB")
    for label, (elapsed, size, total) in figures.items():
        print(f"  {label:<26} {elapsed * 1000:7.0f} ms  {size / 1e3:7.1f} KB  total {total:,}")


def test_opening_a_dossier_among_20000(app: Flask, s3: Any, s3_mode: str) -> None:
    """A dossier with four versions, opened among 20,000 summaries: its review rows and each
    version's changes are computed at each opening. Prints the figures."""
    from tests.staff.conftest import person, submit

    write_entries(app.extensions["dossier_store"], SESSION, summaries(COUNT))
    client = app.test_client()
    numero = submit(client, person("Martin"))
    for specialite in ("cuisine", "macon", "cuisine"):
        response = client.put(f"/api/dossiers/{numero}", json=person("Martin",
                                                                     specialite=specialite),
                              headers={"X-Date-Naissance": "1998-05-17"})
        assert response.status_code == 200
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        response = client.get(f"/api/staff/dossiers/{numero}", headers=bearer())
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    assert [v["version"] for v in response.get_json()["versions"]] == [4, 3, 2, 1]
    print(f"\nopening a dossier of 4 versions (moto {s3_mode}): first "
          f"{timings[0] * 1000:.0f} ms, then median {sorted(timings[1:])[1] * 1000:.0f} ms, "
          f"{len(response.data) / 1e3:.1f} KB")


def test_the_dashboard_at_20000_dossiers(app: Flask, s3: Any, s3_mode: str) -> None:
    """Issue 27: the dashboard answers from the index, never by reading dossiers. Its time is
    printed beside a bare read of the 32 shards in the same run (the floor it can reach)."""
    from handler.dossier.index import SummaryIndex

    store = app.extensions["dossier_store"]
    write_entries(store, SESSION, summaries(COUNT))
    client = app.test_client()
    client.get("/api/staff/tableau", headers=bearer())  # warm: the first pass compacts
    started = time.perf_counter()
    entries = SummaryIndex(store, SESSION).entries()
    bare = time.perf_counter() - started
    started = time.perf_counter()
    response = client.get("/api/staff/tableau", headers=bearer())
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    figures = response.get_json()
    assert figures["total"] == len(entries) == COUNT
    assert figures["papiers"] == {"attendus": COUNT, "recus": 0, "en_attente": COUNT}
    assert sum(r["nombre"] for r in figures["par_jour"]) == COUNT
    print(f"\ndashboard at {COUNT:,} dossiers (moto {s3_mode}): {elapsed * 1000:.0f} ms "
          f"(budget 1,000 ms), the shards alone {bare * 1000:.0f} ms: "
          f"×{elapsed / bare:.2f}, {len(response.data) / 1e3:.1f} KB")
