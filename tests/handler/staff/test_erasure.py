"""RGPD erasure: the dossier with every version, and everything kept about it, audited without
personal data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from handler.numero import canonical
from tests.handler.conftest import BUCKET, MAIL_FROM, SITE_URL, build_app
from tests.handler.staff.conftest import bearer, person, submit, token_hashes

BORN = "1998-05-17"


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
                json={"statut": "confirmation-recue", "version": 2, "revision": 0})
    client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": "2000-01-01"})
    s3.put_object(Bucket=BUCKET, Key="exports/abc/dossiers.csv", Body=b"copie")
    before = every_version(s3)
    assert f"suivi/{key}.json" in before and f"courriels/{key}.json" in before
    assert f"tentatives/{key}.json" in before

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
