"""Issue 28: the « dossier complet », one PDF — the dossier's confirmation, then each accepted
piece (a PDF's pages as they are, a photo on its own A4 page), read back with pypdf."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image
from pypdf import PdfReader

from handler.dossier import pieces
from tests.staff.conftest import bearer
from tests.televersement.flow import create, upload
from tests.televersement.test_bureau_pieces import bureau_app, decide, staff_pieces
from tests.televersement.test_upload_loop import a_pdf


@pytest.fixture
def s3_mode() -> str:
    return "server"


def a_photo(width: int = 1200, height: int = 1600) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 150)).save(out, "JPEG", quality=80)
    return out.getvalue()


def dossier_complet(client: Any, numero: str, staff: str = "lecture") -> Any:
    return client.post(f"/api/staff/dossiers/{numero}/pieces/dossier-complet",
                       headers=bearer(staff))


def test_the_dossier_complet_holds_the_confirmation_and_every_accepted_piece(
        s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = bureau_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    codes = [p["code"] for p in staff_pieces(client, numero).get_json()["pieces"]]
    upload(client, app, numero, pieces.CONFIRMATION, a_pdf("Signée"))
    upload(client, app, numero, "piece-identite", a_photo())
    others = [c for c in codes if c not in (pieces.CONFIRMATION, "piece-identite")]
    for code in others:
        upload(client, app, numero, code, a_pdf(code))
    for code in [pieces.CONFIRMATION, "piece-identite"]:
        assert decide(client, numero, code, "acceptee").status_code == 200

    partial = dossier_complet(client, numero)
    assert partial.status_code == 200, partial.get_json()
    assert partial.get_json()["complet"] is False
    assert partial.get_json()["pieces_acceptees"] == 2
    assert partial.get_json()["pieces_attendues"] == len(codes)
    served = requests.get(partial.get_json()["url"], timeout=10)
    assert served.headers["Content-Type"] == "application/pdf"
    document = PdfReader(io.BytesIO(served.content))
    titles = [item.title for item in document.outline]
    assert titles == ["Confirmation d'inscription (données du dossier)",
                      pieces.CONFIRMATION_LIBELLE, "Une photocopie d'une pièce d'identité"]
    photo_page = document.pages[-1]
    assert (round(float(photo_page.mediabox.width) / 72 * 25.4),
            round(float(photo_page.mediabox.height) / 72 * 25.4)) == (210, 297)
    assert "/XObject" in photo_page["/Resources"]  # the photo itself, on its A4 page

    for code in others:
        assert decide(client, numero, code, "acceptee").status_code == 200
    whole = dossier_complet(client, numero).get_json()
    assert whole["complet"] is True and whole["pieces_acceptees"] == len(codes)
    document = PdfReader(io.BytesIO(requests.get(whole["url"], timeout=10).content))
    assert len(document.outline) == 1 + len(codes)


def test_paper_sessions_have_no_dossier_complet(s3: Any, s3_endpoint: str | None) -> None:
    from tests.fixtures import build_app
    from tests.staff.conftest import token_hashes

    client = build_app(s3, s3_endpoint, STAFF_TOKEN_HASHES=token_hashes()).test_client()
    numero = create(client)
    answer = dossier_complet(client, numero)
    assert answer.status_code == 404
    assert answer.get_json()["code"] == "retour_en_ligne_ferme"


@pytest.mark.parametrize("part", [0, 1], ids=["one go", "parts of one"])
def test_a_zip_job_holds_the_complete_dossiers_of_the_list_only(
        s3: Any, s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        part: int) -> None:
    import zipfile

    from handler.staff import exports, jobs
    from tests.staff.conftest import person
    from tests.staff.test_exports import download, finished

    if part:
        monkeypatch.setattr(jobs, "COMPLETS_PART", part)
    app = bureau_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    complete = create(client, person("Martin"))
    partial = create(client, person("Durand"))
    for numero in (complete, partial):
        for code in [p["code"] for p in staff_pieces(client, numero).get_json()["pieces"]]:
            upload(client, app, numero, code, a_pdf(code))
            if numero == complete or code == pieces.CONFIRMATION:
                assert decide(client, numero, code, "acceptee").status_code == 200
    answer = client.post("/api/staff/exports", headers=bearer(),
                         json={"format": "complets", "filtres": {}})
    state = finished(client, app, answer)
    assert state["statut"] == "pret", state
    assert state["fait"] == 1 and state["fichier"].startswith("dossiers-complets-CAP-2021-06-")
    archive = zipfile.ZipFile(io.BytesIO(download(s3, s3_endpoint, state["lien"])))
    assert archive.namelist() == [f"{complete}/{exports.COMPLET}"]
    document = PdfReader(io.BytesIO(archive.read(f"{complete}/{exports.COMPLET}")))
    assert document.outline[1].title == pieces.CONFIRMATION_LIBELLE
