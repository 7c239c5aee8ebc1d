"""The « dossier incomplet » email: its outcome recorded in the follow-up, sent again by the
retry (with its cap for the scheduled run), never for a follow-up changed since, and never at
the expense of a status change (races, storage faults)."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flask import Flask
from flask.testing import FlaskClient

from handler import notifications
from handler.dossier import courriels, index, suivi
from handler.dossier.numero import canonical
from handler.platform.storage import DossierStore
from handler.staff import courriel_suivi
from tests.fixtures import (
    BUCKET,
    MAIL_FROM,
    MAIL_FROM_ADDRESS,
    SITE_URL,
    Sent,
    SentMail,
    build_app,
)
from tests.staff.conftest import bearer, person, submit, token_hashes
from tests.staff.test_suivi import change

EMAIL = "marie-eve.lhay@exemple.fr"
SUBJECT = "Votre dossier d'inscription au CAP est incomplet"
NONE = {"envoye": 0, "echec": 0, "abandonne": 0}


@pytest.fixture
def app(s3: Any, s3_endpoint: str | None, ses: Any) -> Flask:
    """The app with email through moto's SES and the two staff members."""
    return build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM, SITE_URL=SITE_URL,
                     STAFF_TOKEN_HASHES=token_hashes())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def ses_down(ses: Any) -> Callable[[bool], None]:
    """Make SES refuse every email (MessageRejected: the sender is no longer verified), or
    accept them again."""
    def switch(down: bool) -> None:
        if down:
            ses.delete_identity(Identity=MAIL_FROM_ADDRESS)
        else:
            ses.verify_email_identity(EmailAddress=MAIL_FROM_ADDRESS)
    return switch


def stored_suivi(s3: Any, numero: str) -> dict[str, Any]:
    key = suivi.key(canonical(numero) or "")
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


def incomplete(client: FlaskClient, numero: str, note: str = "Photocopie illisible.",
               **extra: Any) -> Any:
    return change(client, numero, "incomplete", pieces_manquantes=["piece-identite"],
                  note=note, **extra)


def incomplete_mails(sent_mail: Sent) -> list[SentMail]:
    return [m for m in sent_mail() if m.subject.startswith(SUBJECT)]


def retried(app: Flask, **options: Any) -> dict[str, int]:
    return notifications.retry_failed(app, **options)["suivi"]


def test_a_sent_email_is_recorded_in_the_follow_up_and_shown_to_the_staff(
        client: FlaskClient, s3: Any, sent_mail: Sent) -> None:
    numero = submit(client, person("Martin"))
    response = incomplete(client, numero)
    assert response.status_code == 200
    body = response.get_json()
    assert body["courriel"] == "envoye"
    record = stored_suivi(s3, numero)
    assert record["revision"] == 1
    state = record["courriel"]
    assert {k: v for k, v in state.items() if k != "dernier_essai"} == {
        "revision": 1, "statut": "envoye", "tentatives": 1, "erreur": None}
    assert state["dernier_essai"].endswith("+00:00")
    shown = client.get(f"/api/staff/dossiers/{numero}", headers=bearer()).get_json()
    assert shown["suivi"]["courriel"] == body["suivi"]["courriel"] == {
        "statut": "envoye", "tentatives": 1, "erreur": None,
        "dernier_essai": state["dernier_essai"], "nouvel_essai_automatique": False}
    assert len(incomplete_mails(sent_mail)) == 1


def test_the_incomplete_email_reads_as_one_french_sentence(
        client: FlaskClient, sent_mail: Sent) -> None:
    """Issue 29, item 11: « (…) (n° …) » double parentheses, and no comma after the bureau's
    name in apposition."""
    numero = submit(client, person("Martin"))
    assert incomplete(client, numero).status_code == 200
    (mail,) = incomplete_mails(sent_mail)
    text = html.unescape(mail.body)
    assert ") (n°" not in text
    assert (f"Le Rectorat de Limoges, Bureau DEC 4, a examiné votre dossier n° {numero} "
            "d'inscription au CAP (académie de Limoges, session 2021-06).") in text


def test_a_failed_email_is_recorded_echec_without_personal_data_in_the_logs(
        client: FlaskClient, s3: Any, ses_down: Callable[[bool], None], sent_mail: Sent,
        caplog: pytest.LogCaptureFixture) -> None:
    numero = submit(client, person("Martin"))
    ses_down(True)
    caplog.set_level(logging.DEBUG)
    response = incomplete(client, numero)
    assert response.status_code == 200
    assert response.get_json()["courriel"] == "echec"
    record = stored_suivi(s3, numero)
    assert (record["statut"], record["revision"]) == ("incomplete", 1)
    assert {k: v for k, v in record["courriel"].items() if k != "dernier_essai"} == {
        "revision": 1, "statut": "echec", "tentatives": 1, "erreur": "MessageRejected"}
    shown = client.get(f"/api/staff/dossiers/{numero}", headers=bearer()).get_json()
    assert shown["suivi"]["courriel"]["statut"] == "echec"
    assert shown["suivi"]["courriel"]["nouvel_essai_automatique"] is True
    assert incomplete_mails(sent_mail) == []
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("handler"))
    assert "follow-up email failed: MessageRejected (attempt 1)" in logged
    for secret in (EMAIL, numero, canonical(numero) or "", "Martin", "Photocopie"):
        assert secret not in logged


def test_the_retry_sends_the_failed_email_with_the_same_pieces_and_note(
        app: Flask, client: FlaskClient, s3: Any, ses_down: Callable[[bool], None],
        sent_mail: Sent) -> None:
    numero = submit(client, person("Martin"))
    ses_down(True)
    incomplete(client, numero)
    assert retried(app) == {**NONE, "echec": 1}
    assert stored_suivi(s3, numero)["courriel"]["tentatives"] == 2

    ses_down(False)
    assert retried(app) == {**NONE, "envoye": 1}
    (mail,) = incomplete_mails(sent_mail)
    assert mail.to == [EMAIL]
    assert "Une photocopie d&#x27;une pièce d&#x27;identité" in mail.body
    assert "Photocopie illisible." in mail.body
    record = stored_suivi(s3, numero)
    assert record["revision"] == 1  # the staff's conflict token is untouched
    assert (record["courriel"]["statut"], record["courriel"]["tentatives"],
            record["courriel"]["erreur"]) == ("envoye", 3, None)
    assert retried(app) == NONE
    assert len(incomplete_mails(sent_mail)) == 1
    # The staff can still change the status with the revision they read.
    assert change(client, numero, "confirmation-recue").status_code == 200


@pytest.mark.parametrize(("then", "owed"), [("confirmation-recue", 1), ("pre-inscrit", 0)])
def test_a_follow_up_no_longer_incomplete_is_not_emailed(
        app: Flask, client: FlaskClient, ses_down: Callable[[bool], None], sent_mail: Sent,
        then: str, owed: int) -> None:
    """The superseded « incomplet » email is never sent; the newer change's own (« confirmation
    reçue », issue 27) is owed in its place, and going back to « pré-inscrit » owes none."""
    numero = submit(client, person("Martin"))
    ses_down(True)
    incomplete(client, numero)
    assert change(client, numero, then).status_code == 200
    ses_down(False)
    assert retried(app) == {**NONE, "envoye": owed}
    assert incomplete_mails(sent_mail) == []
    assert len([m for m in sent_mail() if "a été reçue" in m.subject]) == owed


def test_a_newer_incomplete_change_is_emailed_once_with_its_own_note(
        app: Flask, client: FlaskClient, s3: Any, ses_down: Callable[[bool], None],
        sent_mail: Sent) -> None:
    numero = submit(client, person("Martin"))
    ses_down(True)
    incomplete(client, numero, note="Première note.")
    incomplete(client, numero, note="Seconde note.")
    ses_down(False)
    assert retried(app) == {**NONE, "envoye": 1}
    (mail,) = incomplete_mails(sent_mail)
    assert "Seconde note." in mail.body and "Première note." not in mail.body
    assert stored_suivi(s3, numero)["courriel"]["revision"] == 2


def test_the_cap_stops_scheduled_retries_and_the_command_forces(
        app: Flask, client: FlaskClient, s3: Any, ses_down: Callable[[bool], None],
        sent_mail: Sent) -> None:
    numero = submit(client, person("Martin"))
    ses_down(True)
    incomplete(client, numero)
    assert retried(app, max_attempts=3) == {**NONE, "echec": 1}
    assert retried(app, max_attempts=3) == {**NONE, "echec": 1}
    assert retried(app, max_attempts=3) == {**NONE, "abandonne": 1}
    assert stored_suivi(s3, numero)["courriel"]["tentatives"] == 3

    ses_down(False)
    assert retried(app, max_attempts=3) == {**NONE, "abandonne": 1}
    assert incomplete_mails(sent_mail) == []
    assert retried(app) == {**NONE, "envoye": 1}  # the command: no cap
    assert len(incomplete_mails(sent_mail)) == 1


def test_the_staff_see_when_automatic_retries_have_stopped(
        app: Flask, client: FlaskClient, s3: Any, ses_down: Callable[[bool], None]) -> None:
    numero = submit(client, person("Martin"))
    ses_down(True)
    incomplete(client, numero)
    key = suivi.key(canonical(numero) or "")
    record = stored_suivi(s3, numero)
    record["courriel"]["tentatives"] = courriels.SCHEDULED_ATTEMPTS
    s3.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(record).encode())
    shown = client.get(f"/api/staff/dossiers/{numero}", headers=bearer()).get_json()
    assert shown["suivi"]["courriel"]["tentatives"] == courriels.SCHEDULED_ATTEMPTS
    assert shown["suivi"]["courriel"]["nouvel_essai_automatique"] is False
    assert retried(app, max_attempts=courriels.SCHEDULED_ATTEMPTS) == {
        **NONE, "abandonne": 1}


@pytest.mark.parametrize(("minutes_ago", "sent"), [(10, 1), (0, 0)])
def test_an_email_the_request_never_sent_is_sent_once_the_request_is_surely_over(
        app: Flask, client: FlaskClient, s3: Any, sent_mail: Sent, minutes_ago: int,
        sent: int) -> None:
    # As if the request had stopped (its function timed out) between the status change and
    # the email: the change's record says the email is still owed.
    numero = submit(client, person("Martin"))
    store: DossierStore = app.extensions["dossier_store"]
    # The follow-up is dated by the app's calendar clock (a demonstration's, in a local run).
    when = app.extensions["calendar_clock"].now() - dt.timedelta(minutes=minutes_ago)
    changed = suivi.change(store, canonical(numero) or "", statut="incomplete", auteur="dec4",
                           version_vue=1, revision_vue=0, pieces_manquantes=["piece-identite"],
                           note=None, now=when.isoformat(timespec="seconds"),
                           courriel=courriel_suivi.PENDING)
    index.record_written(store, changed.dossier, follow_up=changed.suivi)
    assert stored_suivi(s3, numero)["courriel"] == {
        "revision": 1, "statut": "en-attente", "tentatives": 0, "erreur": None,
        "dernier_essai": None}
    # A change just made may still be sending its email: the retry leaves it alone.
    assert retried(app) == {**NONE, "envoye": sent}
    assert len(incomplete_mails(sent_mail)) == sent


def test_a_staff_change_racing_the_email_record_loses_nothing(
        app: Flask, client: FlaskClient, s3: Any, sent_mail: Sent,
        monkeypatch: pytest.MonkeyPatch) -> None:
    numero = submit(client, person("Martin"))
    sender = app.extensions["notifier"].sender
    original = sender.send

    def then_another_change(courriel: Any) -> None:
        original(courriel)
        monkeypatch.setattr(sender, "send", original)
        # Another staff member records the signed confirmation while the email goes.
        assert change(client, numero, "confirmation-recue", staff="dec4", version=1,
                      revision=1).status_code == 200

    monkeypatch.setattr(sender, "send", then_another_change)
    response = incomplete(client, numero, version=1, revision=0)
    assert response.status_code == 200
    assert response.get_json()["courriel"] == "envoye"
    record = stored_suivi(s3, numero)
    assert (record["statut"], record["revision"]) == ("confirmation-recue", 2)
    assert [(h["statut"], h["auteur"]) for h in record["historique"]] == [
        ("incomplete", "secretariat"), ("confirmation-recue", "dec4")]
    # The « incomplet » outcome is dropped; the record holds the newer change's own email
    # (« confirmation reçue », issue 27), sent once.
    assert (record["courriel"]["revision"], record["courriel"]["statut"]) == (2, "envoye")
    assert retried(app) == NONE
    assert len(incomplete_mails(sent_mail)) == 1
    assert len([m for m in sent_mail() if "a été reçue" in m.subject]) == 1


def test_a_storage_fault_while_recording_still_answers_the_status_change(
        app: Flask, client: FlaskClient, s3: Any, sent_mail: Sent,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    numero = submit(client, person("Martin"))
    original = DossierStore.write

    def failing(self: DossierStore, path: str, body: dict[str, Any], **conditions: Any) -> str:
        if path.startswith(suivi.SUIVI) and body.get("courriel", {}).get("tentatives"):
            raise ClientError({"Error": {"Code": "SlowDown"},
                               "ResponseMetadata": {"HTTPStatusCode": 503}}, "PutObject")
        return original(self, path, body, **conditions)

    monkeypatch.setattr(DossierStore, "write", failing)
    caplog.set_level(logging.WARNING)
    response = incomplete(client, numero)
    assert response.status_code == 200
    assert response.get_json()["courriel"] == "envoye"
    assert "follow-up email status not recorded: ClientError" in caplog.text
    # The change stands; its email is still recorded as owed.
    record = stored_suivi(s3, numero)
    assert (record["statut"], record["courriel"]["statut"]) == ("incomplete", "en-attente")
    assert len(incomplete_mails(sent_mail)) == 1


def test_without_email_nothing_is_owed(s3: Any, s3_endpoint: str | None) -> None:
    app = build_app(s3, s3_endpoint, STAFF_TOKEN_HASHES=token_hashes())
    client = app.test_client()
    numero = submit(client, person("Martin"))
    response = incomplete(client, numero)
    assert response.get_json()["courriel"] == "desactive"
    assert response.get_json()["suivi"]["courriel"] is None
    assert "courriel" not in stored_suivi(s3, numero)
    assert retried(app) == NONE


def test_the_commands_summary_is_french_and_counts_every_kind() -> None:
    counts = {"confirmation": {"envoye": 2, "echec": 1, "abandonne": 0},
              "suivi": {"envoye": 1, "echec": 0, "abandonne": 3},
              "relance": {"envoye": 4, "echec": 0, "abandonne": 1}}
    assert notifications.summary(counts).splitlines() == [
        "Courriels de confirmation renvoyés : 2 ; toujours en échec : 1.",
        "Courriels de suivi (changements de statut) renvoyés : 1 ; toujours en échec : 0 ; "
        "laissés, nombre maximal de tentatives atteint : 3 (python -m handler.notifications les "
        "renvoie).",
        "Relances (confirmation signée attendue) renvoyées : 4 ; toujours en échec : 0 ; "
        "laissées, nombre maximal de tentatives atteint : 1 (python -m handler.notifications les "
        "renvoie)."]
