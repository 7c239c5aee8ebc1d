"""Issue 27: the bureau's dashboard — counts by status, speciality, département and day of
creation, papers expected and received — from the summary index, as JSON and as a CSV that
French Excel opens; read from the index only."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask.testing import FlaskClient

from tests.staff.conftest import bearer, person, submit
from tests.staff.test_suivi import change


def _by_code(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {r["code"]: r["nombre"] for r in rows}


def test_the_dashboard_counts_what_the_list_holds(client: FlaskClient, s3: Any) -> None:
    numeros = [submit(client, person("Martin")),
               submit(client, person("Durand", departement="19")),
               submit(client, person("Petit", specialite="cuisine")),
               submit(client, person("Robert", departement="23", specialite="cuisine"))]
    assert change(client, numeros[0], "confirmation-recue").status_code == 200
    assert change(client, numeros[1], "confirmation-recue").status_code == 200
    assert change(client, numeros[1], "definitive").status_code == 200
    assert change(client, numeros[2], "sans-suite", note="Désistement écrit.").status_code == 200

    response = client.get("/api/staff/tableau", headers=bearer("lecture"))
    assert response.status_code == 200
    figures = response.get_json()
    assert figures["total"] == 4
    assert _by_code(figures["par_statut"]) == {
        "pre-inscrit": 1, "a-revoir": 0, "confirmation-recue": 1, "incomplete": 0,
        "definitive": 1, "refuse": 0, "sans-suite": 1}
    assert [r["libelle"] for r in figures["par_statut"]][:1] == [
        "Pré-inscrit (confirmation signée attendue)"]
    assert _by_code(figures["par_specialite"]) == {"cuisine": 2, "macon": 2}
    assert _by_code(figures["par_departement"]) == {"19": 1, "23": 1, "87": 2}
    assert [r["libelle"] for r in figures["par_departement"]] == [
        "Corrèze", "Creuse", "Haute-Vienne"]
    assert sum(r["nombre"] for r in figures["par_jour"]) == 4
    assert all(len(r["libelle"]) == 10 and r["libelle"][2] == "/" for r in figures["par_jour"])
    # Papers: every dossier but the one closed expects its signed confirmation; two came.
    assert figures["papiers"] == {"attendus": 3, "recus": 2, "en_attente": 1}
    # The list agrees.
    listed = client.get("/api/staff/dossiers?statut=pre-inscrit", headers=bearer()).get_json()
    assert listed["total"] == 1

    exported = client.get("/api/staff/tableau.csv", headers=bearer("lecture"))
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == 'attachment; filename="tableau-de-bord.csv"'
    assert exported.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Rubrique", "Code", "Libellé", "Nombre"]
    assert ["Total", "", "Dossiers", "4"] in rows
    assert ["Statut", "definitive", "Inscription définitive", "1"] in rows
    assert ["Département", "87", "Haute-Vienne", "2"] in rows
    assert ["Papiers", "en_attente", "Confirmations signées encore attendues", "1"] in rows


def test_the_dashboard_needs_a_staff_member(client: FlaskClient) -> None:
    for path in ("/api/staff/tableau", "/api/staff/tableau.csv"):
        assert client.get(path).status_code == 401
