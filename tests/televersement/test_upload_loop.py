"""Issue 28: the candidate uploads a piece straight to the bucket (presigned POST to moto's
server over HTTP), the analysis scans and checks it, « mon dossier » shows its state."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from handler.dossier import pieces
from handler.dossier.numero import canonical
from handler.platform.antivirus import EICAR
from tests.fixtures import all_keys
from tests.televersement.flow import (
    OWNER,
    create,
    form,
    online_app,
    piece,
    post_to_bucket,
    upload,
)


@pytest.fixture
def s3_mode() -> str:
    return "server"  # a presigned POST is a browser's HTTP request: moto's server only


def a_pdf(text: str = "Pièce d'identité") -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=14)
    document.cell(text=text.encode("latin-1", "replace").decode("latin-1"))
    return bytes(document.output())


def test_paper_sessions_have_no_online_return(s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    from tests.fixtures import build_app

    client = build_app(s3, s3_endpoint).test_client()
    numero = create(client)
    answer = client.get(f"/api/dossiers/{numero}/pieces", headers=OWNER)
    assert answer.status_code == 404
    assert answer.get_json()["code"] == "retour_en_ligne_ferme"
    assert "par courrier au Rectorat de Limoges, Bureau DEC 4" in answer.get_json()["message"]


def test_a_piece_goes_from_to_send_to_deposited(s3: Any, s3_endpoint: str,
                                                 tmp_path: Path) -> None:
    app = online_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    before = client.get(f"/api/dossiers/{numero}/pieces", headers=OWNER).get_json()
    codes = [p["code"] for p in before["pieces"]]
    assert codes[:2] == [pieces.CONFIRMATION, "piece-identite"]
    assert {p["etat"] for p in before["pieces"]} == {"a_deposer"}

    view = upload(client, app, numero, "piece-identite", a_pdf())
    deposited = piece(view, "piece-identite")
    assert deposited["etat"] == "deposee", deposited
    assert deposited["etat_libelle"] == "déposée"
    assert deposited["fichier"]["type"] == "application/pdf"
    keys = all_keys(s3)
    assert not [k for k in keys if k.startswith("televersements/")]  # the upload is gone
    kept = [k for k in keys if k.startswith("pieces/") and k.endswith(".pdf")]
    assert len(kept) == 1 and kept[0].startswith(f"pieces/{canonical(numero)}/piece-identite-")

    link = client.get(f"/api/dossiers/{numero}/pieces/piece-identite/fichier", headers=OWNER)
    assert link.status_code == 200
    import requests

    served = requests.get(link.get_json()["url"], timeout=10)
    assert served.status_code == 200
    assert served.content.startswith(b"%PDF-")
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("inline")


def test_eicar_is_quarantined_never_served(s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = online_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    view = upload(client, app, numero, "piece-identite", EICAR)
    infected = piece(view, "piece-identite")
    assert infected["etat"] == "infectee"
    assert "virus" in infected["motif"]
    assert infected["fichier"] is None
    keys = all_keys(s3)
    assert [k for k in keys if k.startswith("quarantaine/")]
    assert not [k for k in keys if k.startswith("televersements/")]
    link = client.get(f"/api/dossiers/{numero}/pieces/piece-identite/fichier", headers=OWNER)
    assert link.status_code == 404


def test_the_form_binds_key_type_and_size(s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    """S3 refuses a POST outside its policy (EntityTooLarge, AccessDenied); moto doesn't check
    policies, so the policy itself is read here, and the registration checks the size again."""
    app = online_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    answer = form(client, numero, "piece-identite", b"x" * 1234, media_type="image/png")
    assert answer.status_code == 200
    body = answer.get_json()
    policy = json.loads(base64.b64decode(body["champs"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": body["cle"]} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, 1234] in conditions
    assert body["cle"].startswith("televersements/")
    assert body["expire_dans"] == 600


def test_ten_megabytes_and_one_byte_sent_anyway_are_refused_at_registration(
        s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = online_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    answer = form(client, numero, "piece-identite", b"x" * 10)
    sent = post_to_bucket(answer.get_json(), b"%PDF-" + b"x" * pieces.MAX_PIECE_BYTES)
    assert sent.status_code == 204  # moto: no policy check (real S3: EntityTooLarge)
    registered = client.post(f"/api/dossiers/{numero}/pieces/piece-identite",
                             json={"cle": answer.get_json()["cle"]}, headers=OWNER)
    assert registered.status_code == 413
    assert registered.get_json()["code"] == "fichier_trop_gros"
    assert not [k for k in all_keys(s3) if k.startswith("televersements/")]


def test_ten_megabytes_and_one_byte_are_refused_before_any_upload(
        s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = online_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    answer = form(client, numero, "piece-identite", b"", size=pieces.MAX_PIECE_BYTES + 1)
    assert answer.status_code == 422
    assert answer.get_json()["errors"]["taille"] == [
        "Le fichier fait 10\u00a0Mo : la limite est de 10\u00a0Mo par pièce. Réduisez-le (une "
        "photo ou un scan en qualité moyenne suffit) puis envoyez-le de nouveau."]


def test_heic_is_refused_with_how_to_send_it(s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = online_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    answer = form(client, numero, "piece-identite", b"x" * 100, media_type="image/heic")
    assert answer.status_code == 422
    assert "« Le plus compatible »" in answer.get_json()["errors"]["type"][0]


def test_a_piece_the_dossier_does_not_ask_for_is_refused(
        s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = online_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    answer = form(client, numero, "releve-de-notes-rattrapage", a_pdf())
    assert answer.status_code == 404
    assert answer.get_json()["code"] == "piece_inconnue"


def test_another_dossiers_key_is_refused(s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = online_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    answer = client.post(f"/api/dossiers/{numero}/pieces/piece-identite",
                         json={"cle": "televersements/ABCDEFGHJK/piece-identite/x"},
                         headers=OWNER)
    assert answer.status_code == 422
    assert answer.get_json()["code"] == "cle_invalide"


def test_the_owner_removes_a_piece_before_the_deadline(
        s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = online_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    upload(client, app, numero, "piece-identite", a_pdf())
    removed = client.post(f"/api/dossiers/{numero}/pieces/piece-identite/retrait",
                          headers=OWNER)
    assert removed.status_code == 200
    assert piece(removed.get_json(), "piece-identite")["etat"] == "a_deposer"
    assert not [k for k in all_keys(s3) if k.startswith("pieces/") and not
                k.endswith("etat.json")]


def test_a_wrong_birth_date_gets_nothing(s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = online_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    answer = client.post(f"/api/dossiers/{numero}/pieces/piece-identite/formulaire",
                         json={"type": "application/pdf", "taille": 100},
                         headers={"X-Date-Naissance": "1999-01-01"})
    assert answer.status_code == 404


def test_too_many_forms_from_one_client_wait(s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = online_app(s3, s3_endpoint, tmp_path, TELEVERSEMENTS_PER_CLIENT="3")
    client = app.test_client()
    numero = create(client)
    answers = [form(client, numero, "piece-identite", b"x" * 10) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].get_json()["code"] == "trop_de_televersements"
    assert int(answers[-1].headers["Retry-After"]) > 0


def test_aws_links_and_forms_name_the_buckets_regional_origin(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The CSP allows https://<bucket>.s3.<region>.amazonaws.com (infra/template.yaml); the
    global endpoint would hand out another origin, and redirect a new bucket's POST."""
    from handler.app import _make_s3_client, s3_endpoint

    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert s3_endpoint("eu-west-3") == "https://s3.eu-west-3.amazonaws.com"
    client = _make_s3_client("eu-west-3")
    form = client.generate_presigned_post(Bucket="dossiers", Key="televersements/x")
    assert form["url"] == "https://dossiers.s3.eu-west-3.amazonaws.com/"
    link = client.generate_presigned_url("get_object", Params={"Bucket": "dossiers", "Key": "k"})
    assert link.startswith("https://dossiers.s3.eu-west-3.amazonaws.com/k?")
    assert s3_endpoint("eu-west-3", {"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:5000"}) is None
