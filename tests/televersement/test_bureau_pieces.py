"""Issue 28, the bureau's side: each piece deposited online viewed from its short link,
accepted or refused with a reason; refusals emailed together once; the follow-up status
follows from the pieces. Over moto's server: the pieces arrive by presigned POST."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from handler import notifications
from handler.dossier import pieces
from handler.dossier.index import SummaryIndex
from handler.dossier.numero import canonical
from handler.platform.antivirus import EICAR
from handler.platform.clock import FrozenClock
from tests.factories import make_dossier
from tests.fixtures import BUCKET, MAIL_FROM, SITE_URL, Sent, all_keys, build_app
from tests.staff.conftest import bearer, token_hashes
from tests.televersement.flow import create, online_app, upload
from tests.televersement.test_upload_loop import a_pdf

NOON = dt.datetime(2020, 11, 19, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def s3_mode() -> str:
    return "server"  # a presigned POST is a browser's HTTP request: moto's server only


def bureau_app(s3: Any, s3_endpoint: str, tmp_path: Path, *, at: dt.datetime = NOON,
               ses: Any = None) -> Flask:
    mail = {"ses": ses, "MAIL_FROM": MAIL_FROM, "SITE_URL": SITE_URL} if ses else {}
    return online_app(s3, s3_endpoint, tmp_path, STAFF_TOKEN_HASHES=token_hashes(),
                      clock=FrozenClock(at), **mail)


def staff_pieces(client: FlaskClient, numero: str, staff: str = "gestion") -> Any:
    return client.get(f"/api/staff/dossiers/{numero}/pieces", headers=bearer(staff))


def decide(client: FlaskClient, numero: str, code: str, decision: str, *,
           revision: int | None = None, motif: str | None = None, staff: str = "gestion") -> Any:
    if revision is None:
        revision = staff_pieces(client, numero).get_json()["revision"]
    body: dict[str, Any] = {"decision": decision, "revision": revision}
    if motif is not None:
        body["motif"] = motif
    return client.post(f"/api/staff/dossiers/{numero}/pieces/{code}/decision", json=body,
                       headers=bearer(staff))


def shown(view: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in view["pieces"] if p["code"] == code)


def status(client: FlaskClient, numero: str) -> Any:
    return client.get(f"/api/staff/dossiers/{numero}", headers=bearer()).get_json()["suivi"]


def deposit_all(client: FlaskClient, app: Flask, numero: str) -> list[str]:
    """Every expected piece deposited (a small PDF each); their codes."""
    codes = [p["code"] for p in staff_pieces(client, numero).get_json()["pieces"]]
    for code in codes:
        upload(client, app, numero, code, a_pdf(code))
    return codes


def test_the_bureau_sees_each_piece_a_clean_file_inline_an_infected_one_never(
        s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = bureau_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    upload(client, app, numero, "piece-identite", a_pdf())
    upload(client, app, numero, pieces.CONFIRMATION, EICAR)
    answer = staff_pieces(client, numero, staff="lecture")
    assert answer.status_code == 200
    view = answer.get_json()
    assert view["motifs"] == list(pieces.MOTIFS_REFUS)
    assert [p["code"] for p in view["pieces"]][:2] == [pieces.CONFIRMATION, "piece-identite"]
    identite = shown(view, "piece-identite")
    assert (identite["etat"], identite["decidable"], identite["alerte"]) == (
        "deposee", True, None)
    assert identite["fichier"]["type"] == "application/pdf"
    served = requests.get(identite["fichier"]["url"], timeout=10)
    assert served.status_code == 200 and served.content.startswith(b"%PDF-")
    assert served.headers["Content-Disposition"].startswith("inline")
    infected = shown(view, pieces.CONFIRMATION)
    assert infected["etat"] == "infectee" and infected["fichier"] is None
    assert infected["decidable"] is False
    assert "EICAR" in infected["alerte"]["signature"]
    assert "isolé, jamais ouvert" in infected["alerte"]["texte"]
    assert "quarantaine/" not in str(view)
    others = [p for p in view["pieces"] if p["code"] not in (pieces.CONFIRMATION,
                                                              "piece-identite")]
    assert {p["etat"] for p in others} == {"a_deposer"}


def test_a_paper_session_has_no_pieces_online(s3: Any, s3_endpoint: str) -> None:
    client = build_app(s3, s3_endpoint, STAFF_TOKEN_HASHES=token_hashes()).test_client()
    numero = create(client)
    answer = staff_pieces(client, numero)
    assert (answer.status_code, answer.get_json()["code"]) == (404, "retour_en_ligne_ferme")


def test_reading_staff_view_but_cannot_decide(s3: Any, s3_endpoint: str,
                                              tmp_path: Path) -> None:
    app = bureau_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    upload(client, app, numero, "piece-identite", a_pdf())
    answer = decide(client, numero, "piece-identite", "acceptee", staff="lecture")
    assert answer.status_code == 403
    assert shown(staff_pieces(client, numero).get_json(), "piece-identite")["etat"] == "deposee"


@pytest.mark.parametrize(("body", "field"), [
    ({"decision": "refusee", "revision": 1}, "motif"),
    ({"decision": "refusee", "motif": "   ", "revision": 1}, "motif"),
    ({"decision": "refusee", "motif": "x" * 501, "revision": 1}, "motif"),
    ({"decision": "peut-etre", "revision": 1}, "decision"),
    ({"decision": "acceptee", "revision": "1"}, "revision"),
    ({"decision": "acceptee", "revision": 1, "autre": 1}, "autre"),
])
def test_an_invalid_decision_is_refused_by_field(s3: Any, s3_endpoint: str, tmp_path: Path,
                                                 body: dict[str, Any], field: str) -> None:
    app = bureau_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    answer = client.post(f"/api/staff/dossiers/{numero}/pieces/piece-identite/decision",
                         json=body, headers=bearer("gestion"))
    assert answer.status_code == 422
    assert answer.get_json()["code"] == "decision_invalide"
    assert list(answer.get_json()["errors"]) == [field]


def test_a_stale_revision_or_a_piece_without_file_conflicts(
        s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = bureau_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    upload(client, app, numero, "piece-identite", a_pdf())
    seen = staff_pieces(client, numero).get_json()["revision"]
    # The candidate deposits another piece meanwhile: the record moved on.
    upload(client, app, numero, pieces.CONFIRMATION, a_pdf("Confirmation"))
    stale = decide(client, numero, "piece-identite", "acceptee", revision=seen)
    assert (stale.status_code, stale.get_json()["code"]) == (409, "pieces_modifiees")
    assert decide(client, numero, "piece-identite", "acceptee").status_code == 200
    missing = [p["code"] for p in staff_pieces(client, numero).get_json()["pieces"]
               if p["etat"] == "a_deposer"][0]
    answer = decide(client, numero, missing, "acceptee")
    assert (answer.status_code, answer.get_json()["code"]) == (409, "piece_non_decidable")
    unknown = decide(client, numero, "passeport-martien", "acceptee")
    assert unknown.status_code == 404


def test_statuses_follow_the_pieces(s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = bureau_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    codes = deposit_all(client, app, numero)
    assert status(client, numero)["statut"] == "pre-inscrit"
    # The signed confirmation accepted: « confirmation reçue », for the current version.
    answer = decide(client, numero, pieces.CONFIRMATION, "acceptee")
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["suivi"]["statut"] == "confirmation-recue"
    assert status(client, numero)["version_confirmee"] == 1
    # A piece refused: « incomplet », that piece missing, its reason in the note.
    refused = decide(client, numero, codes[1], "refusee", motif="illisible")
    assert refused.get_json()["suivi"]["statut"] == "incomplete"
    follow = status(client, numero)
    assert follow["pieces_manquantes"] == [codes[1]]
    assert follow["note"].startswith("Pièces refusées : ")
    assert "(illisible)" in follow["note"]
    assert shown(refused.get_json(), codes[1])["motif"] == "illisible"
    # Judged again (accepted), then every other piece accepted: complete, hence definitive.
    for code in codes[1:]:
        assert decide(client, numero, code, "acceptee").status_code == 200
    follow = status(client, numero)
    assert follow["statut"] == "definitive"
    assert [h["statut"] for h in reversed(follow["historique"])] == [
        "confirmation-recue", "incomplete", "confirmation-recue", "definitive"]
    assert {h["auteur"] for h in follow["historique"]} == {"gestion"}
    # A status stays the bureau's to set by hand.
    assert client.get(f"/api/staff/dossiers/{numero}", headers=bearer()).status_code == 200


def listed(client: FlaskClient, statut: str) -> dict[str, tuple[int, bool]]:
    """The list filtered on a pseudo-status: each row's (pieces to judge, infected file)."""
    rows = client.get("/api/staff/dossiers", query_string={"statut": statut},
                      headers=bearer()).get_json()["dossiers"]
    return {row["numero"]: (row["pieces_a_examiner"], row["piece_infectee"]) for row in rows}


def test_the_list_finds_the_pieces_to_judge_and_alerts_an_infected_file(
        s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    """At volume the bureau can't open every dossier: the list counts the pieces deposited
    that wait for a judgement and marks an infected file, as filters and as marks; the index
    keeps them through a rebuild."""
    app = bureau_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    waiting = create(client)
    infected = create(client, make_dossier({"etat_civil.nom_naissance": "Autre"}))
    upload(client, app, waiting, "piece-identite", a_pdf())
    upload(client, app, waiting, pieces.CONFIRMATION, a_pdf("Confirmation"))
    upload(client, app, infected, "piece-identite", EICAR)
    assert listed(client, "pieces-a-examiner") == {waiting: (2, False)}
    assert listed(client, "piece-infectee") == {infected: (0, True)}
    assert decide(client, waiting, "piece-identite", "acceptee").status_code == 200
    assert listed(client, "pieces-a-examiner") == {waiting: (1, False)}
    # The index rebuilt from the bucket's records says the same.
    for key in all_keys(s3):
        if key.startswith("index/"):
            s3.delete_object(Bucket=BUCKET, Key=key)
    session = app.extensions["inscription_session"]
    assert SummaryIndex(app.extensions["dossier_store"], session.code).rebuild(
        pieces=session.retour_en_ligne) == 2
    assert listed(client, "pieces-a-examiner") == {waiting: (1, False)}
    assert listed(client, "piece-infectee") == {infected: (0, True)}
    # The last one judged: nothing waits any more.
    assert decide(client, waiting, pieces.CONFIRMATION, "refusee",
                  motif="illisible").status_code == 200
    assert listed(client, "pieces-a-examiner") == {}


def test_a_refused_confirmation_is_missing_as_another_piece(
        s3: Any, s3_endpoint: str, tmp_path: Path) -> None:
    app = bureau_app(s3, s3_endpoint, tmp_path)
    client = app.test_client()
    numero = create(client)
    upload(client, app, numero, pieces.CONFIRMATION, a_pdf("Confirmation"))
    answer = decide(client, numero, pieces.CONFIRMATION, "refusee",
                    motif="confirmation non signée")
    assert answer.get_json()["suivi"]["statut"] == "incomplete"
    follow = status(client, numero)
    assert follow["pieces_manquantes"] == ["autre"]
    assert "confirmation d'inscription, datée et signée (confirmation non signée)" in \
        follow["note"]
    # The candidate sees the refusal and its reason on « mon dossier ».
    mine = client.get(f"/api/dossiers/{numero}/pieces",
                      headers={"X-Date-Naissance": "1998-05-17"}).get_json()
    piece = next(p for p in mine["pieces"] if p["code"] == pieces.CONFIRMATION)
    assert (piece["etat"], piece["motif"], piece["a_envoyer"]) == (
        "refusee", "confirmation non signée", True)


def test_two_refusals_are_emailed_once_together_after_the_window(
        s3: Any, s3_endpoint: str, tmp_path: Path, ses: Any, sent_mail: Sent) -> None:
    app = bureau_app(s3, s3_endpoint, tmp_path, ses=ses)
    client = app.test_client()
    numero = create(client)
    codes = deposit_all(client, app, numero)
    before = len(sent_mail())
    assert decide(client, numero, codes[1], "refusee", motif="illisible").status_code == 200
    assert decide(client, numero, codes[2], "refusee",
                  motif="Photo floue : la date de naissance ne se lit pas").status_code == 200
    # A third refused then accepted at once: no longer owed.
    assert decide(client, numero, codes[0], "refusee", motif="illisible").status_code == 200
    assert decide(client, numero, codes[0], "acceptee").status_code == 200
    view = staff_pieces(client, numero).get_json()
    assert view["courriel"]["pieces"] == sorted(codes[1:3])
    assert f"pieces/{canonical(numero)}/a-annoncer.json" in _keys(s3)

    def retry_at(minutes: int) -> dict[str, int]:
        later = bureau_app(s3, s3_endpoint, tmp_path, ses=ses,
                           at=NOON + dt.timedelta(minutes=minutes))
        return notifications.retry_failed(later)["pieces"]

    assert retry_at(2)["envoye"] == 0
    assert retry_at(6)["envoye"] == 1
    assert retry_at(7)["envoye"] == 0
    mails = [m for m in sent_mail()[before:] if "refusée" in m.subject]
    assert len(mails) == 1
    assert mails[0].subject.startswith("Des pièces de votre dossier d'inscription au CAP ont "
                                       "été refusées")
    assert "illisible" in mails[0].body and "Photo floue" in mails[0].body
    labels = {p["code"]: p["libelle"] for p in view["pieces"]}
    assert html.escape(labels[codes[1]]) in mails[0].body
    assert html.escape(labels[codes[0]]) not in mails[0].body
    assert "mon-dossier.html" in mails[0].body
    assert staff_pieces(client, numero).get_json()["courriel"] is None
    assert not [k for k in _keys(s3) if k.endswith("a-annoncer.json")]


def _keys(s3: Any) -> list[str]:
    from tests.fixtures import all_keys

    return list(all_keys(s3))


def test_a_status_that_follows_is_emailed_once_after_the_window(
        s3: Any, s3_endpoint: str, tmp_path: Path, ses: Any, sent_mail: Sent) -> None:
    app = bureau_app(s3, s3_endpoint, tmp_path, ses=ses)
    client = app.test_client()
    numero = create(client)
    upload(client, app, numero, pieces.CONFIRMATION, a_pdf("Confirmation"))
    before = len(sent_mail())
    answer = decide(client, numero, pieces.CONFIRMATION, "acceptee")
    assert answer.get_json()["suivi"]["statut"] == "confirmation-recue"
    assert status(client, numero)["courriel"]["statut"] == "differe"
    assert len(sent_mail()) == before  # a click put right at once tells the candidate nothing

    def retry_at(minutes: int) -> int:
        later = bureau_app(s3, s3_endpoint, tmp_path, ses=ses,
                           at=NOON + dt.timedelta(minutes=minutes))
        return notifications.retry_failed(later)["suivi"]["envoye"]

    assert (retry_at(2), retry_at(6), retry_at(7)) == (0, 1, 0)
    (mail,) = sent_mail()[before:]
    assert mail.subject.startswith("Votre confirmation d'inscription au CAP a été reçue")
