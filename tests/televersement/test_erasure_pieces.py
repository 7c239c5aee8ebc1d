"""Issue 28: erasure deletes the pieces returned online with every version — the record, the
clean files (a replaced one too), an upload not yet registered, a quarantined file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from handler.dossier.numero import canonical
from handler.platform.antivirus import EICAR
from tests.fixtures import BUCKET
from tests.staff.conftest import bearer, token_hashes
from tests.televersement.flow import create, form, online_app, post_to_bucket, upload
from tests.televersement.test_upload_loop import a_pdf


@pytest.fixture
def s3_mode() -> str:
    return "server"


def every_version(s3: Any) -> list[str]:
    keys = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=BUCKET):
        keys += [v["Key"] for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]]
    return sorted(keys)


def test_erasure_lists_and_deletes_every_version_of_every_piece(
        s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    app = online_app(s3, s3_endpoint, tmp_path, STAFF_TOKEN_HASHES=token_hashes())
    client = app.test_client()
    numero = create(client)
    key = canonical(numero)
    upload(client, app, numero, "piece-identite", a_pdf("première"))
    upload(client, app, numero, "piece-identite", a_pdf("remplacée"))  # a replaced file
    upload(client, app, numero, "confirmation-signee", EICAR)  # quarantined
    unregistered = form(client, numero, "attestation-echafaudage", a_pdf()).get_json()
    assert post_to_bucket(unregistered, a_pdf()).status_code == 204
    before = every_version(s3)
    assert len([k for k in before if k.startswith(f"pieces/{key}/") and k.endswith(".pdf")]) >= 2
    assert before.count(f"pieces/{key}/etat.json") >= 4  # one version per change
    assert [k for k in before if k.startswith(f"quarantaine/{key}/")]
    assert [k for k in before if k.startswith(f"televersements/{key}/")]

    answer = client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer("dec4"),
                         json={"confirmation": numero})
    assert answer.status_code == 200, answer.get_json()
    assert not [k for k in every_version(s3) if key in k]
