"""The staff's list: the summary index kept with each write, its filters, sort and pages, its
repair after a failed update, its rebuild; and one dossier with its history."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flask import Flask
from flask.testing import FlaskClient

import shared_rules
from handler.dossier.index import SHARDS, SummaryIndex, shard_key
from handler.dossier.numero import canonical
from handler.openapi import DOCUMENT
from handler.staff import listing
from handler.staff import messages as msg
from tests.fixtures import BUCKET, all_keys
from tests.staff.conftest import bearer, person, submit

SESSION = "cap-limoges-2021-06"


def staff_list(client: FlaskClient, **params: Any) -> Any:
    response = client.get("/api/staff/dossiers", query_string=params, headers=bearer())
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def three(client: FlaskClient) -> dict[str, str]:
    """Three candidates: two masons in Haute-Vienne and Creuse, a locksmith in Corrèze."""
    return {
        "martin": submit(client, person("Martin")),
        "dupont": submit(client, person("Dupont", departement="23")),
        "bernard": submit(client, person("Bernard", departement="19",
                                         specialite="serrurier-metallier")),
    }


def test_each_submission_is_in_the_list_with_its_summary(client: FlaskClient,
                                                          three: dict[str, str]) -> None:
    body = staff_list(client, tri="nom")
    assert body["total"] == 3 and body["pages"] == 1
    assert [d["nom_naissance"] for d in body["dossiers"]] == ["Bernard", "Dupont", "Martin"]
    bernard = body["dossiers"][0]
    assert bernard == {
        "numero": three["bernard"], "nom_naissance": "Bernard", "nom_usage": None,
        "prenoms": ["Marie-Ève", "Françoise", "Ñúñez"], "date_naissance": "1998-05-17",
        "date_naissance_libelle": "17/05/1998", "specialite": "serrurier-metallier",
        "specialite_libelle": "Serrurier-métallier", "departement": "19",
        "departement_nom": "Corrèze", "cree_le": "2020-11-02T10:00:00+01:00",
        "modifie_le": "2020-11-02T10:00:00+01:00", "version": 1, "statut": "pre-inscrit",
        "statut_libelle": "Pré-inscrit (confirmation signée attendue)", "revision": 0,
        "a_revoir": False, "homonyme_possible": False, "a_verifier": [],
        "amenagement_demande": False, "attribue_a": None,
        "pieces_a_examiner": 0, "piece_infectee": False,
    }


@pytest.mark.parametrize(("params", "expected"), [
    ({"specialite": "macon"}, ["dupont", "martin"]),
    ({"departement": "19"}, ["bernard"]),
    ({"departement": ["19", "23"]}, ["bernard", "dupont"]),
    ({"specialite": "macon", "departement": "87"}, ["martin"]),
    ({"q": "dupont"}, ["dupont"]),
    ({"q": "DUPONT marie-eve"}, ["dupont"]),  # any case, no accents, every word
    ({"q": "nunez"}, ["bernard", "dupont", "martin"]),
    ({"q": "durand"}, []),
    ({"statut": "pre-inscrit"}, ["bernard", "dupont", "martin"]),
    ({"statut": "definitive"}, []),
    ({"cree_du": "2020-11-02", "cree_au": "2020-11-02"}, ["bernard", "dupont", "martin"]),
    ({"cree_du": "2020-11-03"}, []),
    ({"modifie_au": "2020-11-01"}, []),
])
def test_filters(client: FlaskClient, three: dict[str, str], params: dict[str, Any],
                 expected: list[str]) -> None:
    body = staff_list(client, tri="nom", **params)
    by_number = {v: k for k, v in three.items()}
    assert [by_number[d["numero"]] for d in body["dossiers"]] == expected
    assert body["total"] == len(expected)


def test_the_number_finds_its_dossier_in_any_typed_form(client: FlaskClient,
                                                       three: dict[str, str]) -> None:
    for typed in (three["martin"], three["martin"].lower(), canonical(three["martin"])):
        body = staff_list(client, q=typed)
        assert [d["numero"] for d in body["dossiers"]] == [three["martin"]]


def test_pages_and_reverse_sort(client: FlaskClient, three: dict[str, str]) -> None:
    first = staff_list(client, tri="-nom", par_page=2)
    second = staff_list(client, tri="-nom", par_page=2, page=2)
    assert (first["total"], first["pages"], second["page"]) == (3, 2, 2)
    names = [d["nom_naissance"] for d in first["dossiers"] + second["dossiers"]]
    assert names == ["Martin", "Dupont", "Bernard"]
    assert staff_list(client, par_page=2, page=3)["dossiers"] == []


@pytest.mark.parametrize(("params", "field"), [
    ({"specialite": "astronaute"}, "specialite"),
    ({"departement": "75"}, "departement"),
    ({"statut": "perdu"}, "statut"),
    ({"cree_du": "02/11/2020"}, "cree_du"),
    ({"modifie_au": "2020-02-30"}, "modifie_au"),
    ({"tri": "email"}, "tri"),
    ({"page": "0"}, "page"),
    ({"par_page": "500"}, "par_page"),
    ({"q": "x" * 201}, "q"),
])
def test_invalid_filters_get_422_by_parameter(client: FlaskClient, params: dict[str, str],
                                              field: str) -> None:
    response = client.get("/api/staff/dossiers", query_string=params, headers=bearer())
    assert response.status_code == 422
    assert response.get_json()["code"] == "filtre_invalide"
    assert list(response.get_json()["errors"]) == [field]


def test_the_referentiel_gives_the_highest_page_the_list_serves(client: FlaskClient) -> None:
    """The staff page takes the bound from here (it types no number): a page past it in an
    address is corrected to the last page, not sent to be refused."""
    referentiel = client.get("/api/staff/referentiel", headers=bearer()).get_json()
    assert referentiel["page_max"] == listing.PAGE_MAX == 100_000
    last = staff_list(client, page=referentiel["page_max"])
    assert (last["page"], last["pages"], last["dossiers"]) == (listing.PAGE_MAX, 1, [])
    past = client.get("/api/staff/dossiers", query_string={"page": listing.PAGE_MAX + 1},
                      headers=bearer())
    assert past.status_code == 422
    assert past.get_json() == {"code": "filtre_invalide", "message": msg.FILTRE_INVALIDE,
                               "errors": {"page": [
                                   "Indiquez un nombre entier de 1 à 100000, en chiffres."]}}


def test_the_openapi_document_describes_the_bound_and_the_referentiel_s_field() -> None:
    schemas = {p["name"]: p["schema"] for p in
               DOCUMENT["paths"]["/api/staff/dossiers"]["get"]["parameters"]}
    page, par_page = schemas["page"], schemas["par_page"]
    assert page == {"type": "integer", "minimum": 1, "maximum": listing.PAGE_MAX}
    assert par_page == {"type": "integer", "minimum": 1, "maximum": listing.PAR_PAGE_MAX}
    referentiel = DOCUMENT["components"]["schemas"]["Referentiel"]
    assert referentiel["properties"]["page_max"]["type"] == "integer"
    assert "page_max" in referentiel["required"]
    assert schemas["q"] == {"type": "string", "maxLength": listing.RECHERCHE_MAX}


def test_the_free_search_s_bound_is_served_and_said(client: FlaskClient) -> None:
    """The longest search the list takes is the one its message names (one constant)."""
    longest = "x" * listing.RECHERCHE_MAX
    assert staff_list(client, q=longest)["dossiers"] == []
    response = client.get("/api/staff/dossiers", query_string={"q": longest + "x"},
                          headers=bearer())
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "q": [f"La recherche compte au plus {listing.RECHERCHE_MAX} caractères."]}
    assert listing.RECHERCHE_MAX == 200


def test_a_modification_updates_the_summary(client: FlaskClient, three: dict[str, str]) -> None:
    changed = person("Martin", **{"etat_civil.nom_usage": "Leroy"})
    response = client.put(f"/api/dossiers/{three['martin']}", json=changed,
                          headers={"X-Date-Naissance": "1998-05-17"})
    assert response.status_code == 200
    (entry,) = staff_list(client, q="leroy")["dossiers"]
    assert (entry["numero"], entry["version"], entry["nom_usage"]) == (three["martin"], 2,
                                                                       "Leroy")


def test_the_index_is_sharded_by_the_numbers_first_symbol(client: FlaskClient, s3: Any,
                                                          three: dict[str, str]) -> None:
    # Issue 18: a submission writes one small part, no shard; the list merges them.
    pending = [k for k in all_keys(s3) if k.startswith(f"index/{SESSION}/")]
    assert sorted(k.split("/")[3] for k in pending) == sorted(
        canonical(n) for n in three.values())
    assert all(k.startswith(f"index/{SESSION}/entrees/") for k in pending)
    staff_list(client)
    shards = [k for k in all_keys(s3) if k.startswith(f"index/{SESSION}/")]
    assert sorted(shards) == sorted({shard_key(SESSION, canonical(n)[0])  # type: ignore[index]
                                     for n in three.values()})
    entry = json.loads(s3.get_object(Bucket=BUCKET, Key=shards[0])["Body"].read())["entrees"]
    # What the list needs, nothing else: no postal address, no birthplace (the homonym group
    # is a hash of the birth name and date, issue 24); the birth date the list shows, the
    # email and phone its search finds (issue 27).
    assert set(next(iter(entry.values()))) == {
        "numero", "nom_naissance", "nom_usage", "prenoms", "date_naissance", "courriel",
        "telephone", "specialite", "departement", "cree_le", "modifie_le", "version", "statut",
        "revision", "version_confirmee", "groupe"}


def test_a_failed_index_update_keeps_the_dossier_and_the_next_list_repairs_it(
        app: Flask, client: FlaskClient, s3: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: SummaryIndex, numero: str, part: dict[str, Any]) -> None:
        raise ClientError({"Error": {"Code": "SlowDown"},
                           "ResponseMetadata": {"HTTPStatusCode": 503}}, "PutObject")

    with monkeypatch.context() as patch:
        patch.setattr(SummaryIndex, "upsert", broken)
        numero = submit(client, person("Martin"))
    assert f"index/{SESSION}/a-reparer/{canonical(numero)}.json" in all_keys(s3)
    assert [d["numero"] for d in staff_list(client)["dossiers"]] == [numero]
    assert not [k for k in all_keys(s3) if "a-reparer" in k]


def test_rebuild_restores_the_index_from_the_dossiers(app: Flask, client: FlaskClient, s3: Any,
                                                     three: dict[str, str]) -> None:
    before = staff_list(client, tri="numero")
    for key in all_keys(s3):
        if key.startswith("index/"):
            s3.delete_object(Bucket=BUCKET, Key=key)
    assert staff_list(client)["total"] == 0
    index = SummaryIndex(app.extensions["dossier_store"], SESSION)
    seen: list[tuple[int, int]] = []
    assert index.rebuild(progress=lambda done, total: seen.append((done, total))) == 3
    assert seen[-1] == (3, 3)
    assert staff_list(client, tri="numero") == before


# Threads against moto's server only: the in-process mock is not thread-safe for one key
# (bodies are read from shared buffers), and here every writer of a shard reads it too.
@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)
def test_simultaneous_submissions_all_reach_the_index(app: Flask, s3: Any) -> None:
    # 24 candidates at once: more than the 32 shards can keep apart by chance, so some of
    # them share a shard and must retry their conditional write.
    def one(i: int) -> str:
        return submit(app.test_client(), person("Candidat" + "abcdefghijklmnopqrstuvwx"[i]))

    with ThreadPoolExecutor(max_workers=8) as pool:
        numeros = set(pool.map(one, range(24)))
    listed = staff_list(app.test_client(), par_page=100)
    assert {d["numero"] for d in listed["dossiers"]} == numeros
    assert len(SHARDS) == 32


def test_one_dossier_with_every_version(client: FlaskClient, three: dict[str, str]) -> None:
    numero = three["martin"]
    changed = person("Martin", **{"contact.adresse": "3 rue Neuve"})
    client.put(f"/api/dossiers/{numero}", json=changed, headers={"X-Date-Naissance": "1998-05-17"})
    response = client.get(f"/api/staff/dossiers/{numero.lower()}", headers=bearer())
    assert response.status_code == 200
    body = response.get_json()
    assert (body["numero"], body["version"]) == (numero, 2)
    assert body["dossier"]["contact"]["adresse"] == "3 rue Neuve"
    assert [h["version"] for h in body["historique"]] == [1]
    assert body["historique"][0]["dossier"]["contact"]["adresse"] == (
        "12 avenue du Général-Leclerc")
    assert body["suivi"]["statut"] == "pre-inscrit" and body["a_revoir"] is False
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("numero", ["0000-0000-0", "pas-un-numero"])
def test_an_unknown_dossier_is_404(client: FlaskClient, numero: str) -> None:
    response = client.get(f"/api/staff/dossiers/{numero}", headers=bearer())
    assert response.status_code == 404
    assert response.get_json()["code"] == "dossier_introuvable"


def test_sort_keys_are_stable_for_equal_values() -> None:
    entries = [{"numero": n, "cree_le": "2020-11-02T10:00:00+01:00"} for n in "CBA"]
    query = listing.Query(tri="cree_le")
    assert [e["numero"] for e in sorted(entries, key=listing._sort_key(query.tri))] == [
        "A", "B", "C"]


def test_a_speciality_missing_from_the_list_is_filtered_and_shows_the_typed_label(
        client: FlaskClient, three: dict[str, str]) -> None:
    """Issue 13: « Ma spécialité n'est pas dans la liste » is recorded and flagged for review."""
    numero = submit(client, person("Petit", specialite="autre",
                                   specialite_autre="Accordeur de pianos"))
    body = staff_list(client, specialite="autre")
    assert [(d["numero"], d["specialite"], d["specialite_libelle"]) for d in body["dossiers"]] == [
        (numero, "autre", "Ma spécialité n'est pas dans la liste : Accordeur de pianos")]
    assert [d["numero"] for d in staff_list(client, q="accordeur")["dossiers"]] == [numero]


def test_a_postcode_warning_and_its_confirmation_reach_the_staff(client: FlaskClient) -> None:
    """Issue 13: recorded on the dossier, visible to the staff, never a refusal."""
    dossier = person("Lavergne", **{"contact.code_postal": "16000",
                                    "contact.confirmation_residence": True})
    numero = submit(client, dossier)
    (listed,) = staff_list(client)["dossiers"]
    assert listed["numero"] == numero and listed["confirmation_residence"] is True
    assert list(listed["avertissements"]) == ["contact.code_postal"]
    assert listed["avertissements"] == shared_rules.warnings(dossier)


def test_the_dossier_detail_carries_the_warnings_shown_and_the_answer(
        client: FlaskClient) -> None:
    """The staff page shows the warning text in the dossier: the API gives it, as the rules word
    it, with the candidate's answer; a dossier without warning has none, not confirmed."""
    warned = person("Lavergne", **{"contact.code_postal": "16000",
                                   "contact.confirmation_residence": True})
    shown = [client.get(f"/api/staff/dossiers/{submit(client, d)}", headers=bearer()).get_json()
             for d in (warned, person("Dupuy"))]
    assert [(s["avertissements"], s["confirmation_residence"]) for s in shown] == [
        (shared_rules.warnings(warned), True), ({}, False)]
    assert list(shown[0]["avertissements"]) == ["contact.code_postal"]


def test_homonyms_are_both_registered_and_flagged_to_the_bureau(client: FlaskClient) -> None:
    """Issue 24: same birth name and birth date, another person (other first names, born
    elsewhere): registered, both flagged « homonyme possible », each naming the other."""
    born = {"etat_civil.date_naissance": "1996-01-01", "etat_civil.pays_naissance": "Afghanistan"}
    first = submit(client, person("Ahmadi", **born, **{"etat_civil.prenoms": ["Mohammad"],
                                                       "etat_civil.commune_naissance": "Hérat"}))
    second = submit(client, person("Ahmadi", **born, **{
        "etat_civil.prenoms": ["Mohammad", "Reza"], "etat_civil.commune_naissance": "Kaboul"}))
    alone = submit(client, person("Ahmadi", **{"etat_civil.date_naissance": "1990-06-06"}))
    flags = {d["numero"]: d["homonyme_possible"] for d in staff_list(client)["dossiers"]}
    assert flags == {first: True, second: True, alone: False}
    assert sorted(d["numero"] for d in staff_list(
        client, statut=listing.HOMONYME)["dossiers"]) == sorted([first, second])
    details = {n: client.get(f"/api/staff/dossiers/{n}", headers=bearer()).get_json()
               for n in (first, second, alone)}
    assert [details[n]["homonymes"] for n in (first, second, alone)] == [[second], [first], []]


def test_the_warnings_kept_are_named_for_the_bureau_and_filtered(client: FlaskClient) -> None:
    """Issue 24: an incomplete birth date, no first name: recorded, the bureau sees what to
    check (the residence keeps its own mark)."""
    incomplete = submit(client, person("Karimi", **{"etat_civil.date_naissance": "1996"}))
    single = submit(client, person("Sukarno", **{"etat_civil.prenoms": [],
                                                 "etat_civil.sans_prenom": True}))
    plain = submit(client, person("Dupuy"))
    listed = {d["numero"]: d for d in staff_list(client)["dossiers"]}
    assert {n: listed[n]["a_verifier"] for n in (incomplete, single, plain)} == {
        incomplete: ["date de naissance"], single: ["sans prénom"], plain: []}
    assert listed[single]["prenoms"] == []
    assert sorted(d["numero"] for d in staff_list(client, statut=listing.A_VERIFIER)[
        "dossiers"]) == sorted([incomplete, single])


def _modify(client: FlaskClient, numero: str, dossier: dict[str, Any]) -> None:
    response = client.put(f"/api/dossiers/{numero}", json=dossier,
                          headers={"X-Date-Naissance": dossier["etat_civil"]["date_naissance"]})
    assert response.status_code == 200, response.get_json()


def test_the_list_follows_what_the_candidate_corrects(client: FlaskClient) -> None:
    """Issue 26, item 4: the postcode corrected, « autre » left: the list dropped neither the
    warning nor the old label (an entry's keys were updated, never removed)."""
    warned = person("Lavergne", **{"contact.code_postal": "16000"})
    autre = person("Pianiste", specialite="autre", specialite_autre="Accordeur de pianos")
    numeros = [submit(client, d) for d in (warned, autre)]
    assert [d["numero"] for d in staff_list(client, q="accordeur")["dossiers"]] == [numeros[1]]
    _modify(client, numeros[0], person("Lavergne"))
    _modify(client, numeros[1], person("Pianiste"))
    listed = {d["numero"]: d for d in staff_list(client)["dossiers"]}
    assert "avertissements" not in listed[numeros[0]]
    assert listed[numeros[1]]["specialite_libelle"] == "Maçon"
    assert staff_list(client, q="accordeur")["dossiers"] == []


def test_rebuild_index_remakes_every_entry_as_the_code_makes_it(app: Flask,
                                                                client: FlaskClient,
                                                                s3: Any) -> None:
    """Issue 26, item 4: `rebuild-index`, the documented repair, cleared nothing stale."""
    numero = submit(client, person("Lavergne"))
    index = SummaryIndex(app.extensions["dossier_store"], SESSION)
    stale = {"numero": canonical(numero), "avertissements": {"contact.code_postal": ["x"]},
             "specialite_autre": "Ancien intitulé"}
    index.upsert(canonical(numero), {**stale, **{k: v for k, v in next(
        e for e in index.entries() if e["numero"] == canonical(numero)).items()
        if k not in stale}})
    assert "specialite_autre" in next(e for e in index.entries()
                                      if e["numero"] == canonical(numero))
    index.rebuild()
    (entry,) = [e for e in index.entries() if e["numero"] == canonical(numero)]
    assert "specialite_autre" not in entry and "avertissements" not in entry


def test_a_number_is_found_as_people_type_it(client: FlaskClient) -> None:
    """Issue 26, item 7: « mon dossier » reads O as 0 and I or L as 1; the staff search did
    not. Whole or in part, any case, with spaces or dashes."""
    numeros = [submit(client, person(nom)) for nom in ("Martin", "Dupont", "Bernard")]
    for numero in numeros:
        look_alike = numero.replace("0", "O").replace("1", "l")
        for typed in (look_alike, look_alike.lower(), look_alike.replace("-", " "),
                      look_alike[:4], look_alike.replace("-", "")):
            found = [d["numero"] for d in staff_list(client, q=typed)["dossiers"]]
            assert numero in found, (typed, found)
    assert staff_list(client, q="Lili")["total"] == 0  # a name, not « 1111 »


@pytest.mark.parametrize(("typed", "found"), [
    ("7K3M-Q9PO", True), ("7k3m q9po", True), ("7K3MQ9P0", True), ("k3mq", True),
    ("q9p0l", True), ("7K3M-Q9PO-L", True), ("7K3M Q9PO l", True), ("p0i", True),
    ("1O1", False), ("Martin", True)])
def test_the_search_reads_look_alikes_in_a_number(typed: str, found: bool) -> None:
    """Issue 26, item 7, on a number with a 0 and a 1."""
    entry = {"numero": "7K3MQ9P01", "nom_naissance": "Martin", "nom_usage": None,
             "prenoms": ["Marie"], "specialite": "macon", "departement": "87",
             "cree_le": "2020-11-02T10:00:00+01:00", "modifie_le": "2020-11-02T10:00:00+01:00",
             "version": 1, "statut": "pre-inscrit", "revision": 0, "version_confirmee": None}
    query = listing.Query(recherche=listing.search_words(typed),
                          recherche_numeros=listing.number_words(typed))
    assert listing.matches(entry, query) is found


@pytest.mark.parametrize(("typed", "pieces"), [
    ("7k3m-q9po", ("7K3MQ9P0",)), ("OMCM Q", ("0MCM", "")), ("Leo Dupont", ("", "")),
    ("T8AM Q9PO L", ("T8AM", "Q9P0", "1")),
    ("Lili", ("1111",)), ("Louis", ("",)), ("Ødegård 12", ("", "12")), ("Leo 12", ("1E0", "12"))])
def test_which_words_are_read_as_pieces_of_a_number(typed: str,
                                                    pieces: tuple[str, ...]) -> None:
    assert listing.number_words(typed) == pieces


def test_names_sort_by_their_base_letters(client: FlaskClient) -> None:
    # Issue 26, item 10: « Ødegård » came last (Ø has no decomposition).
    for nom in ("Zola", "Ødegård", "Nguyen", "Olsen", "Łukasz", "Æbelø"):
        submit(client, person(nom))
    listed = client.get("/api/staff/dossiers?tri=nom", headers=bearer()).get_json()
    assert [d["nom_naissance"] for d in listed["dossiers"]] == [
        "Æbelø", "Łukasz", "Nguyen", "Ødegård", "Olsen", "Zola"]
