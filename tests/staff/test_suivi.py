"""The follow-up status: allowed and refused transitions, who and when, the candidate's view and
email, a modification after the confirmation, and races with the candidate and other staff."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler.dossier import suivi
from handler.dossier.numero import canonical
from handler.platform import messages as candidate_msg
from handler.platform.errors import ApiError
from handler.platform.storage import DossierStore
from handler.staff import messages as staff_msg
from tests.fixtures import BUCKET, SentMail
from tests.staff.conftest import bearer, person, submit

BORN = "1998-05-17"


def change(client: FlaskClient, numero: str, statut: str, *, staff: str = "secretariat",
           version: int | None = None, revision: int | None = None, **extra: Any) -> Any:
    """A status change as the staff page sends it: with what it last read, unless given."""
    if version is None or revision is None:
        shown = client.get(f"/api/staff/dossiers/{numero}", headers=bearer(staff)).get_json()
        version = shown["version"] if version is None else version
        revision = shown["suivi"]["revision"] if revision is None else revision
    if statut == "confirmation-recue":  # the paper received is the version read, unless given
        extra.setdefault("version_papier", version)
    return client.post(f"/api/staff/dossiers/{numero}/suivi", headers=bearer(staff),
                       json={"statut": statut, "version": version, "revision": revision,
                             **extra})


def candidate_put(client: FlaskClient, numero: str, dossier: dict[str, Any]) -> Any:
    return client.put(f"/api/dossiers/{numero}", json=dossier,
                      headers={"X-Date-Naissance": BORN})


def stored_suivi(s3: Any, numero: str) -> dict[str, Any]:
    key = suivi.key(canonical(numero) or "")
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


@pytest.fixture
def numero(client: FlaskClient) -> str:
    return submit(client, person("Martin"))


def test_the_normal_path_is_recorded_with_author_and_time(client: FlaskClient, s3: Any,
                                                         numero: str) -> None:
    first = change(client, numero, "confirmation-recue", staff="secretariat")
    assert first.status_code == 200, first.get_json()
    second = change(client, numero, "definitive", staff="dec4")
    assert second.status_code == 200, second.get_json()
    body = second.get_json()
    # Each step is announced to the candidate (issue 27); email is off in this app.
    assert body["suivi"]["statut"] == "definitive" and body["courriel"] == "desactive"
    record = stored_suivi(s3, numero)
    assert (record["statut"], record["revision"], record["version_confirmee"]) == (
        "definitive", 2, 1)
    assert [(h["statut"], h["auteur"], h["version_dossier"]) for h in record["historique"]] == [
        ("confirmation-recue", "secretariat", 1), ("definitive", "dec4", 1)]
    assert all(h["le"].startswith("20") and h["le"].endswith("+00:00")
               for h in record["historique"])
    # The candidate's dossier and its version stay the candidate's.
    shown = client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": BORN})
    assert shown.get_json()["version"] == 1
    assert shown.get_json()["suivi"] == {
        "statut": "definitive", "libelle": "Inscription définitive",
        "etat": "Inscription définitive",
        "a_faire": ["Votre inscription est définitive : vous n'avez plus rien à envoyer."],
        "adresse": [], "pieces_manquantes": [],
        "note": None, "nouvelle_confirmation_requise": False, "message": None}
    listed = client.get("/api/staff/dossiers?statut=definitive", headers=bearer()).get_json()
    assert [d["numero"] for d in listed["dossiers"]] == [numero]


@pytest.mark.parametrize(("path", "refused"), [
    ([], "definitive"),  # a registration becomes definitive only once the confirmation is in
    ([], "pre-inscrit"),
    (["confirmation-recue"], "confirmation-recue"),
    (["confirmation-recue", "definitive"], "definitive"),
    (["confirmation-recue", "definitive"], "incomplete"),
    (["incomplete"], "definitive"),
])
def test_invalid_transitions_are_refused_and_nothing_is_written(
        client: FlaskClient, s3: Any, numero: str, path: list[str], refused: str) -> None:
    for statut in path:
        extra = {"pieces_manquantes": ["piece-identite"]} if statut == "incomplete" else {}
        assert change(client, numero, statut, **extra).status_code == 200
    before = [h["statut"] for h in stored_suivi(s3, numero)["historique"]] if path else []
    response = change(client, numero, refused, pieces_manquantes=["piece-identite"])
    assert response.status_code == 409
    assert response.get_json()["code"] == "transition_refusee"
    assert "ne peut pas passer au statut" in response.get_json()["message"]
    after = [h["statut"] for h in stored_suivi(s3, numero)["historique"]] if path else []
    assert after == before


@pytest.mark.parametrize(("body", "field"), [
    ({"statut": "perdu", "version": 1, "revision": 0}, "statut"),
    ({"statut": "incomplete", "version": 1, "revision": 0}, "pieces_manquantes"),
    ({"statut": "incomplete", "version": 1, "revision": 0,
      "pieces_manquantes": ["photo"]}, "pieces_manquantes"),
    ({"statut": "confirmation-recue", "version": "1", "revision": 0}, "version"),
    ({"statut": "confirmation-recue", "version": 1}, "revision"),
    # Free text (issue 24): < and > are the outputs' to escape; a control character can't be.
    ({"statut": "incomplete", "version": 1, "revision": 0, "note": "x\x07y"}, "note"),
    ({"statut": "confirmation-recue", "version": 1, "revision": 0, "auteur": "x"}, "auteur"),
])
def test_malformed_changes_get_422(client: FlaskClient, numero: str, body: dict[str, Any],
                                   field: str) -> None:
    response = client.post(f"/api/staff/dossiers/{numero}/suivi", json=body, headers=bearer())
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_incomplete_emails_the_candidate_what_is_missing(
        mail_client: FlaskClient, sent_mail: Callable[[], list[SentMail]]) -> None:
    numero = submit(mail_client, person("Martin"))
    response = change(mail_client, numero, "incomplete",
                      pieces_manquantes=["piece-identite"], note="Photocopie illisible.")
    assert response.status_code == 200
    assert response.get_json()["courriel"] == "envoye"
    mail = sent_mail()[-1]
    assert mail.to == ["marie-eve.lhay@exemple.fr"]
    assert mail.subject == f"Votre dossier d'inscription au CAP est incomplet — n° {numero}"
    assert "Une photocopie d&#x27;une pièce d&#x27;identité" in mail.body
    assert "Photocopie illisible." in mail.body
    shown = mail_client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": BORN})
    view = shown.get_json()["suivi"]
    assert view["statut"] == "incomplete" and view["note"] == "Photocopie illisible."
    assert view["pieces_manquantes"] == [
        {"code": "piece-identite", "libelle": "Une photocopie d'une pièce d'identité"}]
    # The page and the email say it in the same words: the status, what to send where.
    assert view["etat"] == "Dossier incomplet : il manque une photocopie d'une pièce d'identité"
    assert view["a_faire"] == [
        "Envoyez les pièces manquantes, en rappelant votre numéro d'inscription, le plus "
        "rapidement possible (délai à confirmer par le bureau), à l'adresse suivante :"]
    assert view["adresse"] and html.escape(view["adresse"][0]) in mail.body
    for sentence in (view["etat"], *view["a_faire"]):
        assert html.escape(sentence) in mail.body


def test_a_modification_after_incomplete_emails_the_missing_pieces_not_the_whole_paper(
        mail_client: FlaskClient, sent_mail: Callable[[], list[SentMail]]) -> None:
    """Issue 29, item 4: the modification email after « incomplet » was the generic one
    (« Imprimez la nouvelle confirmation », every piece to join, the return deadline) while
    « mon dossier » asked for the missing piece only. It now says what « mon dossier » says."""
    numero = submit(mail_client, person("Martin"))
    assert change(mail_client, numero, "confirmation-recue").status_code == 200
    assert change(mail_client, numero, "incomplete",
                  pieces_manquantes=["piece-identite"]).status_code == 200
    response = candidate_put(mail_client, numero, person("Martin", **{"contact.adresse": "3 rue"}))
    assert response.status_code == 200 and response.get_json()["courriel"] == "envoye"
    mail = sent_mail()[-1]
    assert mail.subject.startswith("Votre dossier de pré-inscription au CAP a été modifié")
    view = response.get_json()["suivi"]
    assert view["statut"] == "incomplete"
    for sentence in (f"État de votre dossier : {view['etat']}.", *view["a_faire"]):
        assert html.escape(sentence) in mail.body
    assert "<h2>Pièces manquantes</h2><ul><li>Une photocopie d&#x27;une pièce d&#x27;identité" \
        in mail.body.replace("\n", "")
    assert "Pièces à joindre" not in mail.body
    assert "elle remplace la précédente" not in mail.body
    assert "18 novembre 2020" not in mail.body  # the paper's deadline, not the pieces'
    assert "3 rue" in mail.body  # what changed is still listed


def test_a_modification_after_the_confirmation_flags_the_dossier_and_asks_a_new_one(
        client: FlaskClient, numero: str) -> None:
    assert change(client, numero, "confirmation-recue").status_code == 200
    response = candidate_put(client, numero, person("Martin", **{"contact.adresse": "3 rue"}))
    assert response.status_code == 200
    view = response.get_json()["suivi"]
    assert view["nouvelle_confirmation_requise"] is True
    assert view["message"] == candidate_msg.NOUVELLE_CONFIRMATION.format(
        destinataire="Rectorat de Limoges, Bureau DEC 4")
    # What to do is the new signed confirmation, not « nothing more to send », and where.
    assert view["etat"] == ("Dossier modifié depuis votre confirmation signée : nous attendons "
                            "la nouvelle confirmation")
    assert view["a_faire"] == [view["message"]]
    assert view["adresse"][:2] == ["Rectorat de Limoges", "Bureau DEC 4"]
    listed = client.get("/api/staff/dossiers?statut=a-revoir", headers=bearer()).get_json()
    assert [(d["numero"], d["a_revoir"]) for d in listed["dossiers"]] == [(numero, True)]
    # It can't become definitive on the old confirmation (it isn't even offered)…
    refused = change(client, numero, "definitive")
    assert refused.status_code == 409 and refused.get_json()["code"] == "transition_refusee"
    # …until the new one is recorded.
    assert change(client, numero, "confirmation-recue").status_code == 200
    assert change(client, numero, "definitive").status_code == 200
    shown = client.get(f"/api/staff/dossiers/{numero}", headers=bearer()).get_json()
    assert shown["a_revoir"] is False and shown["suivi"]["version_confirmee"] == 2


def test_a_status_change_racing_a_candidate_modification_is_a_clean_conflict(
        client: FlaskClient, s3: Any, numero: str) -> None:
    shown = client.get(f"/api/staff/dossiers/{numero}", headers=bearer()).get_json()
    assert candidate_put(client, numero, person("Martin", **{"contact.adresse": "3 rue"})
                         ).status_code == 200
    response = change(client, numero, "confirmation-recue", version=shown["version"],
                      revision=shown["suivi"]["revision"])
    assert response.status_code == 409
    assert response.get_json()["code"] == "dossier_modifie"
    assert "version 2" in response.get_json()["message"]
    assert not [k for k in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
                if k["Key"].startswith("suivi/")]


def test_a_candidate_modification_landing_inside_a_status_change_is_still_flagged(
        app: Flask, client: FlaskClient, numero: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The worst interleaving: the candidate's write lands after the staff's version check and
    # before the follow-up is written. The derived flag still shows it.
    original = DossierStore.dossier

    def then_candidate_writes(self: DossierStore, key: str) -> Any:
        found = original(self, key)
        monkeypatch.setattr(DossierStore, "dossier", original)
        assert candidate_put(client, numero, person("Martin", **{"contact.adresse": "3 rue"})
                             ).status_code == 200
        return found

    monkeypatch.setattr(DossierStore, "dossier", then_candidate_writes)
    assert change(client, numero, "confirmation-recue", version=1, revision=0
                  ).status_code == 200
    listed = client.get("/api/staff/dossiers", headers=bearer()).get_json()["dossiers"]
    assert [(d["version"], d["statut"], d["a_revoir"]) for d in listed] == [
        (2, "a-revoir", True)]
    assert change(client, numero, "definitive").get_json()["code"] == "transition_refusee"


def test_two_staff_members_changing_the_same_dossier_the_second_gets_a_conflict(
        client: FlaskClient, s3: Any, numero: str) -> None:
    first = change(client, numero, "confirmation-recue", staff="secretariat", version=1,
                   revision=0)
    second = change(client, numero, "incomplete", staff="dec4", version=1, revision=0,
                    pieces_manquantes=["piece-identite"])
    assert first.status_code == 200
    assert second.status_code == 409 and second.get_json()["code"] == "suivi_concurrent"
    assert [h["auteur"] for h in stored_suivi(s3, numero)["historique"]] == ["secretariat"]


def test_the_conditional_write_itself_refuses_a_lost_update(
        app: Flask, numero: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Another staff member's write lands between this change's read and its write.
    store: DossierStore = app.extensions["dossier_store"]
    key = canonical(numero) or ""
    original = DossierStore.write

    def racing(self: DossierStore, path: str, body: dict[str, Any], **conditions: Any) -> str:
        if path == suivi.key(key):
            original(self, path, {**suivi.initial(), "statut": "incomplete"})
        return original(self, path, body, **conditions)

    monkeypatch.setattr(DossierStore, "write", racing)
    with pytest.raises(ApiError) as raised:
        suivi.change(store, key, statut="confirmation-recue", auteur="dec4", version_vue=1,
                     revision_vue=0, pieces_manquantes=[], note=None, now="t",
                     version_papier=1)
    assert raised.value.code == "suivi_concurrent"


def test_a_failed_index_update_after_a_status_change_is_repaired_by_the_next_list(
        client: FlaskClient, numero: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError

    from handler.dossier.index import SummaryIndex

    def broken(self: SummaryIndex, key: str, part: dict[str, Any]) -> None:
        raise ClientError({"Error": {"Code": "SlowDown"},
                           "ResponseMetadata": {"HTTPStatusCode": 503}}, "PutObject")

    with monkeypatch.context() as patch:
        patch.setattr(SummaryIndex, "upsert", broken)
        assert change(client, numero, "confirmation-recue").status_code == 200
    listed = client.get("/api/staff/dossiers", headers=bearer()).get_json()["dossiers"]
    assert [d["statut"] for d in listed] == ["confirmation-recue"]


def test_the_missing_pieces_deadline_counts_from_the_bureaus_message_when_the_session_sets_it(
) -> None:
    """Issue 29, item 4: neither « mon dossier » nor the email gave a deadline for the missing
    piece. The session fact (a number of days, « à confirmer » until the Rectorat sets it)."""
    import dataclasses

    import shared_rules
    from handler.dossier import mail_content
    from shared_rules.session import DelaiPiecesManquantes

    session = shared_rules.get_session("cap-limoges-2021-06")
    assert session is not None
    depuis = "2020-12-01T10:00:00+01:00"
    assert mail_content.delai_pieces(session, depuis) == (
        "le plus rapidement possible (délai à confirmer par le bureau)")
    set_ = dataclasses.replace(session, delai_pieces_manquantes=DelaiPiecesManquantes(
        15, "donnée de test", a_confirmer=False))
    assert mail_content.delai_pieces(set_, depuis) == "au plus tard le mercredi 16 décembre 2020"
    said = mail_content.suivi_a_faire("incomplete", set_, depuis=depuis)
    assert "au plus tard le mercredi 16 décembre 2020, à l'adresse suivante" in said


def test_each_step_is_announced_once_in_the_words_of_mon_dossier(
        mail_client: FlaskClient, sent_mail: Callable[[], list[SentMail]]) -> None:
    """Issue 27: « confirmation reçue » and « définitive » changed the dossier and told the
    candidate nothing (7 changes, 0 emails). Each is now emailed once, saying what « mon
    dossier » says; going back to « pré-inscrit » sends nothing."""
    numero = submit(mail_client, person("Martin"))
    before = len(sent_mail())
    for statut, subject in (
            ("confirmation-recue",
             f"Votre confirmation d'inscription au CAP a été reçue — n° {numero}"),
            ("definitive", f"Votre inscription au CAP est définitive — n° {numero}")):
        response = change(mail_client, numero, statut)
        assert response.status_code == 200 and response.get_json()["courriel"] == "envoye"
        mail = sent_mail()[-1]
        assert mail.subject == subject
        view = mail_client.get(f"/api/dossiers/{numero}",
                               headers={"X-Date-Naissance": BORN}).get_json()["suivi"]
        for sentence in (f"État de votre dossier : {view['etat']}.", *view["a_faire"]):
            assert html.escape(sentence) in mail.body
    assert len(sent_mail()) == before + 2
    assert change(mail_client, numero, "pre-inscrit").get_json()["courriel"] is None
    assert len(sent_mail()) == before + 2


@pytest.mark.parametrize(("statut", "etat", "subject"), [
    ("refuse", "Dossier refusé", "est refusé"),
    ("sans-suite", "Dossier classé sans suite", "est classé sans suite"),
])
def test_a_refusal_or_a_closing_ends_the_workflow_with_a_reason_the_candidate_reads(
        mail_client: FlaskClient, s3: Any, sent_mail: Callable[[], list[SentMail]],
        statut: str, etat: str, subject: str) -> None:
    """Issue 27: the only way out of the workflow was an erasure. « Refusé » and « classé sans
    suite » keep the dossier, need a reason, tell the candidate, and only « pré-inscrit »
    reopens it."""
    numero = submit(mail_client, person("Martin"))
    assert change(mail_client, numero, "confirmation-recue").status_code == 200
    refused = change(mail_client, numero, statut)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"note": [staff_msg.MOTIF_OBLIGATOIRE]}
    motif = "Vous résidez hors de l'académie (justificatif de domicile du Cher)."
    response = change(mail_client, numero, statut, note=motif)
    assert response.status_code == 200 and response.get_json()["courriel"] == "envoye"
    mail = sent_mail()[-1]
    assert mail.subject == f"Votre dossier d'inscription au CAP {subject} — n° {numero}"
    assert html.escape(motif) in mail.body
    assert "Rectorat de Limoges, Bureau DEC 4" in mail.body
    view = mail_client.get(f"/api/dossiers/{numero}",
                           headers={"X-Date-Naissance": BORN}).get_json()["suivi"]
    assert (view["statut"], view["etat"], view["note"]) == (statut, etat, motif)
    assert view["adresse"] == [] and not view["nouvelle_confirmation_requise"]
    assert all(html.escape(sentence) in mail.body for sentence in view["a_faire"])
    assert stored_suivi(s3, numero)["version_confirmee"] == 1  # kept, not erased
    listed = mail_client.get(f"/api/staff/dossiers?statut={statut}", headers=bearer()).get_json()
    assert [d["numero"] for d in listed["dossiers"]] == [numero]
    assert change(mail_client, numero, "definitive").status_code == 409
    assert change(mail_client, numero, "pre-inscrit").status_code == 200
