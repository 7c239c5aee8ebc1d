"""The confirmation email: one per creation and per modification, through SES (moto), recorded
beside the dossier, and never at the dossier's expense."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import shared_rules
from handler import notifications
from handler.dossier import courriels
from handler.dossier.numero import canonical
from handler.platform.clock import FrozenClock
from handler.platform.config import ConfigError, load_config
from tests.factories import make_dossier
from tests.fixtures import (
    BUCKET,
    MAIL_FROM,
    MAIL_FROM_ADDRESS,
    SITE_URL,
    Sent,
    all_keys,
    build_app,
    read_dossier,
)

BORN = "1998-05-17"
EMAIL = "marie-eve.lhay@exemple.fr"
SESSION = shared_rules.get_session("cap-limoges-2021-06")
assert SESSION is not None


def create(client: FlaskClient, dossier: dict[str, Any] | None = None, **headers: str) -> Any:
    return client.post("/api/dossiers", json=dossier or make_dossier(), headers=headers)


def mail_record(s3: Any, numero: str) -> dict[str, Any]:
    key = f"courriels/{canonical(numero)}.json"
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


def test_one_email_per_creation_to_the_candidate_with_the_number(
    mail_app: Flask, s3: Any, sent_mail: Sent,
) -> None:
    response = create(mail_app.test_client())
    assert response.status_code == 201
    body = response.get_json()
    assert body["courriel"] == "envoye"
    sent = sent_mail()
    assert len(sent) == 1
    assert sent[0].to == [EMAIL]
    assert sent[0].source == MAIL_FROM
    assert body["numero"] in sent[0].subject and body["numero"] in sent[0].body
    record = mail_record(s3, body["numero"])
    assert {k: record[k] for k in ("version", "motif", "statut", "tentatives", "erreur")} == {
        "version": 1, "motif": "creation", "statut": "envoye", "tentatives": 1, "erreur": None}
    # The dossier object stays the candidate's: nothing about the email in it.
    assert "courriel" not in read_dossier(s3, body["numero"])


def test_one_more_email_per_modification_to_the_address_now_on_the_dossier(
    mail_app: Flask, s3: Any, sent_mail: Sent,
) -> None:
    client = mail_app.test_client()
    numero = create(client).get_json()["numero"]
    changed = make_dossier({"contact.email": "nouvelle.adresse@exemple.fr"})
    response = client.put(f"/api/dossiers/{numero}", json=changed,
                          headers={"X-Date-Naissance": BORN})
    assert response.status_code == 200
    assert response.get_json()["courriel"] == "envoye"
    sent = sent_mail()
    assert [m.to for m in sent] == [[EMAIL], ["nouvelle.adresse@exemple.fr"]]
    assert numero in sent[1].body and "a été modifié" in sent[1].subject
    assert mail_record(s3, numero)["version"] == 2
    # Consulting sends nothing more: the email of the current version went.
    consulted = client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": BORN})
    assert consulted.get_json()["courriel"] == "envoye"
    assert len(sent_mail()) == 2


def test_the_modification_email_says_what_changed(mail_app: Flask, sent_mail: Sent) -> None:
    """Issue 29, item 11: the modification email didn't say what changed."""
    client = mail_app.test_client()
    numero = create(client).get_json()["numero"]
    changed = make_dossier({"contact.telephone": "06 12 34 56 78", "amenagement": {
        "demande": True, "decision_anterieure": False, "precisions": "Dyslexie reconnue"}})
    response = client.put(f"/api/dossiers/{numero}", json=changed,
                          headers={"X-Date-Naissance": BORN})
    assert response.status_code == 200, response.get_json()
    mail = sent_mail()[-1]
    text = html.unescape(mail.body)
    assert "<h2>Ce qui a changé depuis la version 1</h2>" in text
    assert "Téléphone : " in text and "→ 06 12 34 56 78" in text
    assert "Aménagement d'épreuves : Non demandé → Demandé" in text
    assert "Dyslexie" not in text


def test_a_retry_with_the_same_idempotency_key_sends_no_second_email(
    mail_app: Flask, sent_mail: Sent,
) -> None:
    client = mail_app.test_client()
    key = {"Idempotency-Key": "formulaire-0123456789"}
    assert create(client, **key).status_code == 201
    again = create(client, **key)
    assert again.status_code == 200 and again.get_json()["courriel"] == "envoye"
    assert len(sent_mail()) == 1


def test_the_email_says_what_to_do_in_french(mail_app: Flask, sent_mail: Sent) -> None:
    create(mail_app.test_client())
    html = sent_mail()[0].body
    assert '<html lang="fr">' in html
    for piece in shared_rules.required_pieces(shared_rules.load(make_dossier())):
        assert piece["libelle"].replace("'", "&#x27;") in html
    # Issue 24: received by the 18th (the notice's « au plus tard pour »), not sent by.
    session = shared_rules.get_session("cap-limoges-2021-06")
    assert session is not None
    assert shared_rules.return_deadline(session).replace("'", "&#x27;") in html
    # Issue 29: the links go to « Mon dossier », not the home page.
    page = f"{SITE_URL}mon-dossier.html"
    assert f'<a href="{page}">{page}</a>' in html
    assert "Marie-Ève, Françoise, Ñúñez" in html
    assert "Limoges (code postal « à confirmer »)" in html
    # How to follow the dossier, in the words of « mon dossier ».
    assert ("<h2>Suivi de votre dossier</h2>\n<p>Suivez l&#x27;état de votre dossier (réception "
            "de votre confirmation signée, pièces manquantes, inscription définitive) sur la page "
            "« Consulter ou modifier mon dossier », avec votre numéro d&#x27;inscription et "
            f'votre date de naissance sur le site : <a href="{page}">{page}</a></p>'
            ) in html


def test_the_email_never_carries_the_accommodations_precisions(
        mail_app: Flask, s3: Any, sent_mail: Sent) -> None:
    """Issue 29, item 6: « Tiers-temps, dyslexie reconnue » went in clear in the email; the
    personal-data page says it may concern health. The dossier and its PDF keep it."""
    dossier = make_dossier({"amenagement": {"demande": True, "decision_anterieure": False,
                                            "precisions": "Tiers-temps, dyslexie reconnue"}})
    response = create(mail_app.test_client(), dossier)
    assert response.status_code == 201, response.get_json()
    (mail,) = sent_mail()
    assert "dyslexie" not in mail.body and "Tiers-temps" not in mail.body
    assert "non reprises dans ce courriel car elles peuvent concerner votre santé" in mail.body
    stored = read_dossier(s3, response.get_json()["numero"])
    assert stored["dossier"]["amenagement"]["precisions"] == "Tiers-temps, dyslexie reconnue"


def test_an_ses_failure_leaves_the_dossier_stored_and_the_failure_visible(
    s3: Any, s3_endpoint: str | None, ses: Any, sent_mail: Sent,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    ses.delete_identity(Identity=MAIL_FROM_ADDRESS)  # SES now refuses: MessageRejected
    app = build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM, SITE_URL=SITE_URL)
    client = app.test_client()
    response = create(client)
    assert response.status_code == 201
    numero = response.get_json()["numero"]
    assert response.get_json()["courriel"] == "echec"
    assert read_dossier(s3, numero)["dossier"] == shared_rules.load(make_dossier())
    record = mail_record(s3, numero)
    assert (record["statut"], record["tentatives"], record["erreur"]) == (
        "echec", 1, "MessageRejected")
    assert sent_mail() == []
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("handler"))
    assert "confirmation email failed: MessageRejected" in logged
    for secret in (EMAIL, numero, canonical(numero) or "", "Haÿ", BORN):
        assert secret not in logged

    # SES works again: the next consultation sends the owed email, once.
    ses.verify_email_identity(EmailAddress=MAIL_FROM_ADDRESS)
    consulted = client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": BORN})
    assert consulted.get_json()["courriel"] == "envoye"
    assert len(sent_mail()) == 1
    assert mail_record(s3, numero)["tentatives"] == 2
    client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": BORN})
    assert len(sent_mail()) == 1


def test_consultations_stop_retrying_after_a_few_attempts_and_the_command_goes_on(
    s3: Any, s3_endpoint: str | None, ses: Any, sent_mail: Sent,
) -> None:
    ses.delete_identity(Identity=MAIL_FROM_ADDRESS)
    app = build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM)
    client = app.test_client()
    numero = create(client).get_json()["numero"]
    for _ in range(courriels.AUTO_ATTEMPTS + 2):
        client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": BORN})
    assert mail_record(s3, numero)["tentatives"] == courriels.AUTO_ATTEMPTS

    assert notifications.retry_failed(app)["confirmation"] == {
        "envoye": 0, "echec": 1, "abandonne": 0}
    ses.verify_email_identity(EmailAddress=MAIL_FROM_ADDRESS)
    assert notifications.retry_failed(app)["confirmation"] == {
        "envoye": 1, "echec": 0, "abandonne": 0}
    assert notifications.retry_failed(app)["confirmation"] == {
        "envoye": 0, "echec": 0, "abandonne": 0}
    assert len(sent_mail()) == 1
    # Sent: its retry marker is gone.
    assert not [k for k in all_keys(s3) if k.startswith("courriels/a-renvoyer/")]


def test_the_scheduled_retry_stops_at_its_cap_and_the_command_forces(
    s3: Any, s3_endpoint: str | None, ses: Any, sent_mail: Sent,
) -> None:
    ses.delete_identity(Identity=MAIL_FROM_ADDRESS)
    app = build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM)
    numero = create(app.test_client()).get_json()["numero"]
    # The failure left a marker: the retry lists those, not every email record.
    assert f"courriels/a-renvoyer/{canonical(numero)}.json" in all_keys(s3)
    capped = notifications.retry_failed(app, max_attempts=2)["confirmation"]
    assert capped == {"envoye": 0, "echec": 1, "abandonne": 0}
    ses.verify_email_identity(EmailAddress=MAIL_FROM_ADDRESS)
    capped = notifications.retry_failed(app, max_attempts=2)["confirmation"]
    assert capped == {"envoye": 0, "echec": 0, "abandonne": 1}
    assert sent_mail() == []
    forced = notifications.retry_failed(app)["confirmation"]
    assert forced == {"envoye": 1, "echec": 0, "abandonne": 0}
    assert len(sent_mail()) == 1
    assert mail_record(s3, numero)["tentatives"] == 3


def test_the_command_reads_every_record_and_finds_a_failure_without_its_marker(
    s3: Any, s3_endpoint: str | None, ses: Any, sent_mail: Sent,
) -> None:
    """A failure recorded before markers existed, or whose marker couldn't be written, is left
    by the scheduled retry (markers only) and found by the command (every record)."""
    ses.delete_identity(Identity=MAIL_FROM_ADDRESS)
    app = build_app(s3, s3_endpoint, ses=ses, MAIL_FROM=MAIL_FROM)
    numero = create(app.test_client()).get_json()["numero"]
    s3.delete_object(Bucket=BUCKET, Key=f"courriels/a-renvoyer/{canonical(numero)}.json")
    ses.verify_email_identity(EmailAddress=MAIL_FROM_ADDRESS)
    assert notifications.retry_failed(app)["confirmation"] == {
        "envoye": 0, "echec": 0, "abandonne": 0}
    assert notifications.retry_failed(app, every_record=True)["confirmation"] == {
        "envoye": 1, "echec": 0, "abandonne": 0}
    assert len(sent_mail()) == 1
    assert notifications.retry_failed(app, every_record=True)["confirmation"] == {
        "envoye": 0, "echec": 0, "abandonne": 0}


def test_an_email_never_recorded_is_sent_at_the_next_consultation(
    mail_app: Flask, s3: Any, sent_mail: Sent,
) -> None:
    # As if the request had stopped between writing the dossier and sending the email.
    client = mail_app.test_client()
    numero = create(client).get_json()["numero"]
    s3.delete_object(Bucket=BUCKET, Key=f"courriels/{canonical(numero)}.json")
    consulted = client.get(f"/api/dossiers/{numero}", headers={"X-Date-Naissance": BORN})
    assert consulted.get_json()["courriel"] == "envoye"
    assert len(sent_mail()) == 2


def test_without_mail_from_email_is_cleanly_disabled(client: FlaskClient, s3: Any) -> None:
    response = create(client)
    assert response.status_code == 201
    assert response.get_json()["courriel"] == "desactive"
    assert not [k for k in all_keys(s3) if k.startswith("courriels/")]


def test_the_local_outbox_gets_one_eml_file_per_email(
    s3: Any, s3_endpoint: str | None, tmp_path: Path,
) -> None:
    app = build_app(s3, s3_endpoint, MAIL_FROM=MAIL_FROM, MAIL_OUTBOX_DIR=str(tmp_path),
                    SITE_URL="http://127.0.0.1:8000/")
    response = create(app.test_client())
    assert response.get_json()["courriel"] == "envoye"
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["To"] == EMAIL and message["From"] == MAIL_FROM
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    numero = response.get_json()["numero"]
    assert numero in text.get_content() and numero in html.get_content()
    assert "http://127.0.0.1:8000/" in text.get_content()
    assert "Prénoms (dans l'ordre de l'état civil) : Marie-Ève, Françoise, Ñúñez" in (
        text.get_content())


def test_a_late_dossier_gets_the_late_return_message_by_email(
    s3: Any, s3_endpoint: str | None, tmp_path: Path,
) -> None:
    app = build_app(s3, s3_endpoint, MAIL_FROM=MAIL_FROM, MAIL_OUTBOX_DIR=str(tmp_path),
                    clock=FrozenClock(dt.datetime.fromisoformat("2020-11-19T10:00:00+01:00")))
    create(app.test_client())
    message = email.message_from_bytes(next(tmp_path.glob("*.eml")).read_bytes(),
                                       policy=email.policy.default)
    text = message.get_body(("plain",))
    assert text is not None
    assert shared_rules.late_return_message(SESSION) in text.get_content()


def test_an_outbox_is_refused_in_production() -> None:
    with pytest.raises(ConfigError, match="MAIL_OUTBOX_DIR"):
        load_config({"MAIL_OUTBOX_DIR": "build/outbox"}, environ={})


def test_links_default_to_the_site_origin() -> None:
    config = load_config({"SITE_ORIGIN": "https://cap.exemple.fr"}, environ={})
    assert config["SITE_URL"] == "https://cap.exemple.fr"
    assert load_config({"SITE_URL": "https://a.fr/b/", "SITE_ORIGIN": "https://a.fr"},
                       environ={})["SITE_URL"] == "https://a.fr/b/"
