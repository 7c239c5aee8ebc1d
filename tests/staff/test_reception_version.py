"""Issue 26, items 5 and 6: a signed confirmation is received for the version printed on it,
and a dossier modified after its confirmation (received or definitive) reads so everywhere.

The barcode is read as a hand scanner reads it: the PDF rendered by PDFium, decoded by ZXing.
"""

from __future__ import annotations

from typing import Any

import pypdfium2
import zxingcpp
from flask.testing import FlaskClient

from handler.dossier import messages as msg
from handler.dossier import suivi
from handler.dossier.numero import canonical, paper_reference, reference
from tests.fixtures import BUCKET
from tests.staff.conftest import bearer, person, submit
from tests.staff.test_exports import column, export, read_csv
from tests.staff.test_suivi import BORN, candidate_put, change


def modified(client: FlaskClient, numero: str, times: int) -> None:
    for n in range(times):
        assert candidate_put(client, numero, person(
            "Martin", **{"contact.adresse": f"{n + 3} rue des Tanneurs"})).status_code == 200


def barcodes(pdf: bytes) -> list[str]:
    """What a scanner reads on the PDF's first page, printed at 200 dpi."""
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=200 / 72).to_pil()
    return [found.text for found in zxingcpp.read_barcodes(image)
            if found.format == zxingcpp.BarcodeFormat.Code39]


def test_the_barcode_carries_the_number_and_the_version(client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    modified(client, numero, 2)
    for version in (1, 3):
        pdf = client.get(f"/api/staff/dossiers/{numero}/confirmation.pdf?version={version}",
                         headers=bearer())
        assert pdf.status_code == 200
        assert barcodes(pdf.data) == [f"{numero}-V{version}"]
    # The candidate's own copy prints the same, with the number alone still large.
    own = client.get(f"/api/dossiers/{numero}/confirmation.pdf",
                     headers={"X-Date-Naissance": BORN})
    assert barcodes(own.data) == [f"{numero}-V3"]


def test_a_paper_reference_is_read_as_people_type_it() -> None:
    numero = "1PQHHD2KR"
    assert canonical(numero) == numero, "a valid number"
    assert reference(numero, 3) == "1PQH-HD2K-R-V3"
    for typed in ("1PQH-HD2K-R-V3", "1pqh hd2k r v3", "LPQHHD2KRV3", "IPQH-HD2K-R-v03",
                  "1PQH HD2K R V3"):
        assert paper_reference(typed) == (numero, 3), typed
    assert paper_reference("1PQH-HD2K-R") == (numero, None)
    assert paper_reference("1PQH-HD2K-S-V3") is None  # a wrong check symbol
    for wrong in ("1PQH-HD2K-R-V", "1PQH-HD2K-R-V0", "1PQH-HD2K-R-X3", "1PQH-HD2K-R-V12345",
                  "1PQH-HD2K-R-V²", "1PQH-HD2K-R-V3-V3"):
        assert paper_reference(wrong) is None, wrong


def test_the_reception_is_recorded_for_the_paper_s_version_or_refused_with_what_to_ask(
        client: FlaskClient, s3: Any) -> None:
    numero = submit(client, person("Martin"))
    modified(client, numero, 2)  # the dossier is at version 3
    # Opened from the version 1 paper's barcode: the page knows which paper it is.
    shown = client.get(f"/api/staff/dossiers/{numero}-V1", headers=bearer())
    assert shown.status_code == 200
    assert (shown.get_json()["version_papier"], shown.get_json()["version"]) == (1, 3)
    plain = client.get(f"/api/staff/dossiers/{numero}", headers=bearer()).get_json()
    assert plain["version_papier"] is None
    unknown = client.get(f"/api/staff/dossiers/{numero}-V4", headers=bearer())
    assert (unknown.status_code, unknown.get_json()["code"]) == (404, "version_introuvable")
    # The version on the paper is required: it was never « the current one » by default.
    missing = change(client, numero, "confirmation-recue", version_papier=None)
    assert missing.status_code == 422
    assert missing.get_json()["errors"] == {"version_papier": [msg.VERSION_PAPIER_REQUISE]}
    # The version 1 paper is refused, saying what to ask, and nothing is recorded.
    old = change(client, numero, "confirmation-recue", version_papier=1)
    assert old.status_code == 409
    assert old.get_json()["code"] == "confirmation_ancienne"
    assert old.get_json()["message"].startswith(
        "Papier de la version 1, dossier en version 3 : le candidat a modifié son dossier")
    assert not [k for k in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
                if k["Key"].startswith("suivi/")]
    future = change(client, numero, "confirmation-recue", version_papier=5)
    assert future.status_code == 422 and "n'a pas de version 5" in str(future.get_json())
    # The version 3 paper is recorded, with its version in the history.
    good = change(client, numero, "confirmation-recue", version_papier=3)
    assert good.status_code == 200, good.get_json()
    history = good.get_json()["suivi"]["historique"]
    assert (history[0]["version_dossier"], history[0]["version_papier"]) == (3, 3)


def test_a_scanned_reference_finds_the_dossier_in_the_staff_search(client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    submit(client, person("Durand"))
    for typed in (f"{numero}-V1", f"{numero}-V1".lower().replace("0", "o")):
        found = client.get("/api/staff/dossiers", query_string={"q": typed},
                           headers=bearer()).get_json()
        assert [d["numero"] for d in found["dossiers"]] == [numero], typed


def test_a_definitive_dossier_modified_by_its_candidate_reads_a_revoir_everywhere(
        client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    assert change(client, numero, "confirmation-recue").status_code == 200
    assert change(client, numero, "definitive").status_code == 200
    definitive = client.get("/api/staff/dossiers?statut=definitive", headers=bearer()).get_json()
    assert [d["numero"] for d in definitive["dossiers"]] == [numero]

    modified(client, numero, 1)
    # The list: its status says so, the `definitive` filter no longer counts it.
    listed = client.get("/api/staff/dossiers", headers=bearer()).get_json()["dossiers"]
    assert [(d["statut"], d["statut_libelle"]) for d in listed] == [
        ("a-revoir", suivi.ETATS["a-revoir"])]
    assert client.get("/api/staff/dossiers?statut=definitive",
                      headers=bearer()).get_json()["total"] == 0
    assert client.get("/api/staff/dossiers?statut=a-revoir",
                      headers=bearer()).get_json()["total"] == 1
    # The detail, with what was recorded, and the choices it offers.
    shown = client.get(f"/api/staff/dossiers/{numero}", headers=bearer()).get_json()
    assert (shown["suivi"]["statut"], shown["suivi"]["statut_enregistre"]) == (
        "a-revoir", "definitive")
    referentiel = client.get("/api/staff/referentiel", headers=bearer()).get_json()
    offered = next(s for s in referentiel["statuts"] if s["code"] == "a-revoir")["suivants"]
    assert "definitive" not in offered and "confirmation-recue" in offered
    # The export.
    rows = read_csv(export(client, "csv").data)
    assert rows[1][column("Statut")] == suivi.ETATS["a-revoir"]
    # The candidate.
    own = client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": BORN}).get_json()
    assert own["suivi"]["statut"] == "a-revoir"
    assert own["suivi"]["nouvelle_confirmation_requise"] is True
    # Every status the page can offer from there is accepted: the new paper, then definitive.
    assert change(client, numero, "confirmation-recue", version_papier=2).status_code == 200
    assert change(client, numero, "definitive").status_code == 200
    assert client.get("/api/staff/dossiers?statut=definitive",
                      headers=bearer()).get_json()["total"] == 1
