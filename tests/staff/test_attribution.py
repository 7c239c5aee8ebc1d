"""Issue 27: a dossier assigned to an agent of the bureau — to an account that may handle
dossiers, or to nobody; the list shows and filters it (« mes dossiers », « non attribués »);
a colleague's change meanwhile is a conflict, a status change at the same time is not; never
on the candidate's side; erased with the dossier in every version."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from handler.dossier import attribution
from handler.dossier.numero import canonical
from handler.staff import listing
from handler.staff import messages as msg
from tests.fixtures import BUCKET, MAIL_FROM, SITE_URL, SentMail, build_app
from tests.staff.conftest import bearer, person, submit, token_hashes
from tests.staff.test_erasure import every_version
from tests.staff.test_suivi import BORN, candidate_put, change

AGENT = "camille.agent@ac-limoges.fr"
COLLEGUE = "dominique.collegue@ac-limoges.fr"
LECTEUR = "lou.lecteur@ac-limoges.fr"
ACCOUNTS = f"{AGENT}:gestion,{COLLEGUE}:administration,{LECTEUR}:lecture"


@pytest.fixture
def app(s3: Any, s3_endpoint: str | None, ses: Any) -> Flask:
    """The app with three accounts (two may handle dossiers), the tokens, and email."""
    return build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM, SITE_URL=SITE_URL,
                     STAFF_TOKEN_HASHES=token_hashes(), STAFF_ACCOUNTS=ACCOUNTS)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def assign(client: FlaskClient, numero: str, agent: str | None, *,
           revision: int | None = None, staff: str = "gestion") -> Any:
    """An assignment as the staff page sends it: with the revision it last read, unless given."""
    if revision is None:
        shown = client.get(f"/api/staff/dossiers/{numero}", headers=bearer(staff)).get_json()
        revision = shown["attribution"]["revision"]
    return client.post(f"/api/staff/dossiers/{numero}/attribution", headers=bearer(staff),
                       json={"agent": agent, "revision": revision})


def listed(client: FlaskClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/staff/dossiers", query_string=params, headers=bearer())
    assert response.status_code == 200, response.get_json()
    return {d["numero"]: d["attribue_a"] for d in response.get_json()["dossiers"]}


def test_the_referentiel_offers_the_accounts_that_may_handle_a_dossier(
        client: FlaskClient) -> None:
    body = client.get("/api/staff/referentiel", headers=bearer("lecture")).get_json()
    assert body["agents"] == [AGENT, COLLEGUE]


def test_a_dossier_is_assigned_released_and_listed_with_its_agent(client: FlaskClient,
                                                                 s3: Any) -> None:
    mine, theirs, nobody = (submit(client, person(n)) for n in ("Martin", "Dupont", "Bernard"))
    response = assign(client, mine, AGENT)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["numero"] == mine
    assert (body["attribution"]["agent"], body["attribution"]["revision"]) == (AGENT, 1)
    (entry,) = body["attribution"]["historique"]
    assert (entry["agent"], entry["par"]) == (AGENT, "gestion") and entry["le"].endswith("+00:00")
    assert assign(client, theirs, COLLEGUE).status_code == 200
    assert listed(client) == {mine: AGENT, theirs: COLLEGUE, nobody: None}
    assert listed(client, attribution=listing.AUCUN) == {nobody: None}
    assert listed(client, attribution=AGENT) == {mine: AGENT}
    shown = client.get(f"/api/staff/dossiers/{mine}", headers=bearer("lecture")).get_json()
    assert shown["attribution"]["agent"] == AGENT
    # Released: nobody's again, its history kept (latest first).
    response = assign(client, mine, None)
    assert response.status_code == 200
    assert [e["agent"] for e in response.get_json()["attribution"]["historique"]] == [None, AGENT]
    assert listed(client, attribution=listing.AUCUN) == {mine: None, nobody: None}
    stored = json.loads(s3.get_object(Bucket=BUCKET, Key=attribution.key(
        canonical(mine) or ""))["Body"].read())
    assert (stored["agent"], stored["revision"]) == (None, 2)


def test_mes_dossiers_reads_as_whoever_asks(app: Flask) -> None:
    from handler.dossier import context

    with app.app_context():
        session = context.session()
    query = listing.parse_query(MultiDict({"attribution": "moi"}), session, moi=AGENT)
    base = {"numero": "7K3MQ9P01", "nom_naissance": "Martin", "nom_usage": None,
            "prenoms": ["Marie"], "specialite": "macon", "departement": "87",
            "cree_le": "2020-11-02T10:00:00+01:00", "modifie_le": "2020-11-02T10:00:00+01:00",
            "version": 1, "statut": "pre-inscrit", "revision": 0, "version_confirmee": None}
    assert listing.matches({**base, "attribue_a": AGENT}, query)
    assert not listing.matches({**base, "attribue_a": COLLEGUE}, query)
    assert not listing.matches(base, query)


@pytest.mark.parametrize(("body", "field"), [
    ({"agent": LECTEUR, "revision": 0}, "agent"),  # may not handle a dossier
    ({"agent": "inconnu@ac-limoges.fr", "revision": 0}, "agent"),
    ({"agent": 12, "revision": 0}, "agent"),
    ({"revision": 0}, "agent"),
    ({"agent": AGENT}, "revision"),
    ({"agent": AGENT, "revision": -1}, "revision"),
    ({"agent": AGENT, "revision": 0, "statut": "definitive"}, "statut"),
])
def test_a_bad_assignment_is_refused_in_french_and_nothing_is_written(
        client: FlaskClient, s3: Any, body: dict[str, Any], field: str) -> None:
    numero = submit(client, person("Martin"))
    response = client.post(f"/api/staff/dossiers/{numero}/attribution", headers=bearer("gestion"),
                           json=body)
    assert response.status_code == 422
    assert response.get_json()["code"] == "attribution_invalide"
    assert response.get_json()["message"] == msg.ATTRIBUTION_INVALIDE
    assert list(response.get_json()["errors"]) == [field]
    if body.get("agent") == LECTEUR:
        assert response.get_json()["errors"]["agent"] == [msg.AGENT_INCONNU]
    assert not [k for k in every_version(s3) if k.startswith(attribution.ATTRIBUTIONS)]


def test_a_reading_account_may_not_assign_and_an_unknown_number_is_404(
        client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    assert assign(client, numero, AGENT, staff="lecture").status_code == 403
    assert assign(client, "0000-0000-0", AGENT, revision=0).status_code == 404


def test_a_colleague_s_assignment_meanwhile_is_a_conflict_not_overwritten(
        client: FlaskClient) -> None:
    numero = submit(client, person("Martin"))
    assert assign(client, numero, COLLEGUE, revision=0).status_code == 200
    response = assign(client, numero, AGENT, revision=0)  # read before the colleague took it
    assert response.status_code == 409
    assert response.get_json()["code"] == "attribution_concurrente"
    assert COLLEGUE in response.get_json()["message"]
    assert listed(client) == {numero: COLLEGUE}


def test_an_assignment_and_a_status_change_at_once_both_keep(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each read what the other had not written yet: the assignment lands while the status
    change is being recorded, and the other way round; neither is refused, both are kept, in
    the records and in the list."""
    first, second = submit(client, person("Martin")), submit(client, person("Dupont"))
    store = app.extensions["dossier_store"]
    original = store.write
    done: list[str] = []

    def also(key: str, body: dict[str, Any], **options: Any) -> str:
        # Just before the first record's write, the other change lands (through the API).
        if key.startswith("suivi/") and "suivi" not in done:
            done.append("suivi")
            assert assign(client, first, AGENT, revision=0).status_code == 200
        if key.startswith(attribution.ATTRIBUTIONS) and key.endswith(
                f"{canonical(second)}.json") and "attribution" not in done:
            done.append("attribution")
            assert change(client, second, "confirmation-recue", version=1,
                          revision=0).status_code == 200
        return str(original(key, body, **options))

    monkeypatch.setattr(store, "write", also)
    assert change(client, first, "confirmation-recue", version=1, revision=0).status_code == 200
    assert assign(client, second, COLLEGUE, revision=0).status_code == 200
    assert done == ["suivi", "attribution"]
    monkeypatch.undo()
    response = client.get("/api/staff/dossiers", headers=bearer()).get_json()
    rows = {d["numero"]: (d["statut"], d["revision"], d["attribue_a"])
            for d in response["dossiers"]}
    assert rows == {first: ("confirmation-recue", 1, AGENT),
                    second: ("confirmation-recue", 1, COLLEGUE)}


def test_the_assignment_never_reaches_the_candidate(
        client: FlaskClient, sent_mail: Callable[[], list[SentMail]]) -> None:
    numero = submit(client, person("Martin"))
    assert assign(client, numero, AGENT).status_code == 200
    assert change(client, numero, "incomplete", pieces_manquantes=["piece-identite"],
                  note="Copie illisible.").status_code == 200
    candidate = client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": BORN})
    modified = candidate_put(client, numero, person("Martin", **{"contact.adresse": "3 rue"}))
    assert candidate.status_code == modified.status_code == 200
    mails = sent_mail()
    assert mails
    for body in (candidate.data, modified.data, *(m.body.encode() for m in mails)):
        assert AGENT.encode() not in body and b"attribu" not in body


def test_the_erasure_takes_the_assignment_in_every_version(s3: Any, s3_endpoint: str | None,
                                                           ses: Any) -> None:
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    client = build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM, SITE_URL=SITE_URL,
                       STAFF_TOKEN_HASHES=token_hashes(), STAFF_ACCOUNTS=ACCOUNTS).test_client()
    numero = submit(client, person("Martin"))
    other = submit(client, person("Dupont"))
    for agent in (AGENT, COLLEGUE, None, AGENT):
        assert assign(client, numero, agent).status_code == 200
    assert assign(client, other, AGENT).status_code == 200
    key = canonical(numero) or ""
    assert every_version(s3).count(attribution.key(key)) == 4
    response = client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer(),
                           json={"confirmation": numero})
    assert response.status_code == 200, response.get_json()
    assert not [k for k in every_version(s3) if key in k]
    assert listed(client) == {other: AGENT}


def test_an_older_assignment_part_never_sets_the_entry_back() -> None:
    """Parts merge in any order (index.merge): the assignment's by its own revision, the
    dossier's and the follow-up's leave it alone."""
    from handler.dossier.index import merge

    released = {"numero": "7K3MQ9P01", "version": 2, "statut": "pre-inscrit", "revision": 3,
                "attribue_a": None, "attribution": 2}
    late = {"numero": "7K3MQ9P01", "version": 1, "attribue_a": AGENT, "attribution": 1}
    assert merge(released, late) == released
    newer_dossier = {"numero": "7K3MQ9P01", "version": 3, "nom_naissance": "Martin"}
    merged = merge(released, newer_dossier)
    assert (merged["attribue_a"], merged["attribution"], merged["revision"]) == (None, 2, 3)
    assert merge(released, {**late, "attribution": 3})["attribue_a"] == AGENT
