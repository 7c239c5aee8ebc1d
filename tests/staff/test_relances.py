"""Issue 27, reminders: the candidates whose signed confirmation hasn't arrived are reminded as
the return deadline (18 November 2020) nears — automatically once in the window of
RELANCE_JOURS days before it, by the bureau's button any day until it — never twice the same
day, never after it; a failed email is sent again by the hourly mail retry; the records go
with an erased dossier."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from handler import notifications
from handler.dossier.numero import canonical
from handler.platform.clock import CalendarClock
from handler.staff import relances
from tests.candidats.test_concurrency import run_together
from tests.fixtures import (
    BUCKET,
    MAIL_FROM,
    MAIL_FROM_ADDRESS,
    SITE_URL,
    Sent,
    all_keys,
    build_app,
)
from tests.staff.conftest import bearer, person, submit, token_hashes
from tests.staff.test_suivi import BORN, change

SUBJECT = "Rappel : votre confirmation d'inscription au CAP est attendue"
SESSION = "cap-limoges-2021-06"


class Clock(CalendarClock):
    """A calendar clock the test moves from day to day."""

    def __init__(self, instant: str) -> None:
        self.instant = dt.datetime.fromisoformat(instant)
        super().__init__(self.instant, real_now=lambda: self.instant)

    def set(self, instant: str) -> None:
        self.instant = dt.datetime.fromisoformat(instant)


@pytest.fixture
def clock() -> Clock:
    return Clock("2020-11-02T10:00:00+01:00")


@pytest.fixture
def app(s3: Any, s3_endpoint: str | None, ses: Any, clock: Clock) -> Flask:
    """Email through moto's SES, the staff's tokens, the clock of the test, 7 days' window."""
    return build_app(s3, s3_endpoint, ses=ses, clock=clock, MAIL_FROM=MAIL_FROM,
                     SITE_URL=SITE_URL, STAFF_TOKEN_HASHES=token_hashes(), RELANCE_JOURS="7")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def candidate(client: FlaskClient, nom: str, **changes: Any) -> str:
    return submit(client, person(nom, **{"contact.email": f"{nom.lower()}@exemple.fr",
                                         **changes}))


def reminders_to(sent_mail: Sent) -> list[str]:
    return sorted(m.to[0] for m in sent_mail() if m.subject.startswith(SUBJECT))


def run_job(app: Flask) -> dict[str, int]:
    return relances.Reminders(app.extensions["notifier"], jours=7).send(
        automatic=True, par=relances.AUTOMATIQUE)


def press(client: FlaskClient, staff: str = "gestion") -> Any:
    return client.post("/api/staff/relances", headers=bearer(staff))


def record(s3: Any, day: str, numero: str) -> dict[str, Any]:
    key = f"relances/{SESSION}/{day}/{canonical(numero)}.json"
    return dict(json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


@pytest.fixture
def registry(client: FlaskClient) -> dict[str, str]:
    """Six dossiers of 2 November, one per follow-up situation."""
    numeros = {nom: candidate(client, nom)
               for nom in ("Attente", "Recue", "Revoir", "Incomplet", "Fini", "Tard")}
    assert change(client, numeros["Recue"], "confirmation-recue").status_code == 200
    assert change(client, numeros["Revoir"], "confirmation-recue").status_code == 200
    modified = client.put(f"/api/dossiers/{numeros['Revoir']}", headers={"X-Date-Naissance": BORN},
                          json=person("Revoir", **{"contact.email": "revoir@exemple.fr",
                                                   "contact.adresse": "3 rue"}))
    assert modified.status_code == 200
    assert change(client, numeros["Incomplet"], "incomplete",
                  pieces_manquantes=["piece-identite"]).status_code == 200
    assert change(client, numeros["Fini"], "sans-suite", note="Désistement.").status_code == 200
    assert change(client, numeros["Tard"], "confirmation-recue").status_code == 200
    assert change(client, numeros["Tard"], "pre-inscrit").status_code == 200
    return numeros


def test_the_job_reminds_the_awaiting_dossiers_once_in_the_window_and_never_after(
        app: Flask, client: FlaskClient, clock: Clock, registry: dict[str, str],
        sent_mail: Sent, s3: Any) -> None:
    awaited = ["attente@exemple.fr", "revoir@exemple.fr", "tard@exemple.fr"]
    # The day before the window (7 days before the 18th): nothing.
    clock.set("2020-11-10T08:00:00+01:00")
    assert run_job(app)["envoyes"] == 0
    # Its first day: the pre-inscrit ones and the one modified after reception; not the
    # received, incomplete or ended ones.
    clock.set("2020-11-11T08:00:00+01:00")
    assert run_job(app) == {"envoyes": 3, "deja_relances": 0, "echecs": 0, "plus_attendus": 0,
                            "restants": 0}
    assert reminders_to(sent_mail) == awaited
    state = record(s3, "2020-11-11", registry["Attente"])
    assert {k: v for k, v in state.items() if k != "dernier_essai"} == {
        "statut": "envoye", "tentatives": 1, "erreur": None, "par": "automatique"}
    # The same day again (a scheduled event delivered twice), and the next days: once a window.
    assert run_job(app) == {"envoyes": 0, "deja_relances": 3, "echecs": 0, "plus_attendus": 0,
                            "restants": 0}
    clock.set("2020-11-12T08:00:00+01:00")
    assert run_job(app)["envoyes"] == 0
    # A dossier that awaits again (sent back to « pré-inscrit ») gets its own, the next run.
    assert change(client, registry["Recue"], "pre-inscrit").status_code == 200
    assert run_job(app)["envoyes"] == 1
    assert reminders_to(sent_mail) == sorted([*awaited, "recue@exemple.fr"])
    # After the deadline, nothing.
    clock.set("2020-11-19T08:00:00+01:00")
    assert run_job(app)["envoyes"] == 0
    assert len(reminders_to(sent_mail)) == 4


def test_the_button_reminds_once_a_day_until_the_deadline(
        app: Flask, client: FlaskClient, clock: Clock, registry: dict[str, str],
        sent_mail: Sent, s3: Any) -> None:
    clock.set("2020-11-05T09:30:00+01:00")  # before the window: the bureau may remind all the same
    preview = client.get("/api/staff/relances", headers=bearer("lecture"))
    assert preview.status_code == 200
    body = preview.get_json()
    assert {k: body[k] for k in ("aujourdhui", "date_limite", "jours", "fenetre", "en_attente",
                                 "a_relancer", "a_relancer_automatiquement",
                                 "deja_relances_aujourdhui", "envoi_possible", "terminees",
                                 "heure_automatique")} == {
        "aujourdhui": "2020-11-05", "date_limite": "2020-11-18", "jours": 7,
        "fenetre": {"debut": "2020-11-11", "fin": "2020-11-18",
                    "debut_libelle": "mercredi 11 novembre 2020",
                    "fin_libelle": "mercredi 18 novembre 2020"},
        "en_attente": 3, "a_relancer": 3, "a_relancer_automatiquement": 0,
        "deja_relances_aujourdhui": 0, "envoi_possible": True, "terminees": False,
        "heure_automatique": 8}
    assert body["exemple"]["objet"].startswith(SUBJECT)
    # Reading is for everyone; sending needs the role `gestion`.
    assert press(client, "lecture").status_code == 403
    sent = press(client, "gestion")
    assert sent.status_code == 200
    assert sent.get_json() == {"envoyes": 3, "deja_relances": 0, "echecs": 0,
                               "plus_attendus": 0, "restants": 0}
    assert record(s3, "2020-11-05", registry["Tard"])["par"] == "gestion"
    # Pressed again the same day: already reminded, nothing sent.
    assert press(client).get_json() == {"envoyes": 0, "deja_relances": 3, "echecs": 0,
                                        "plus_attendus": 0, "restants": 0}
    again = client.get("/api/staff/relances", headers=bearer("lecture")).get_json()
    assert (again["a_relancer"], again["deja_relances_aujourdhui"], again["exemple"]) == (0, 3,
                                                                                          None)
    assert len(reminders_to(sent_mail)) == 3
    # The next day, again; the deadline's day still; the day after, refused.
    clock.set("2020-11-06T09:30:00+01:00")
    assert press(client).get_json()["envoyes"] == 3
    clock.set("2020-11-18T23:59:00+01:00")
    assert press(client).get_json()["envoyes"] == 3
    clock.set("2020-11-19T00:00:00+01:00")
    late = press(client)
    assert late.status_code == 409
    assert late.get_json()["code"] == "relances_terminees"
    assert "mercredi 18 novembre 2020" in late.get_json()["message"]
    over = client.get("/api/staff/relances", headers=bearer()).get_json()
    assert (over["terminees"], over["envoi_possible"], over["a_relancer"]) == (True, False, 0)
    assert len(reminders_to(sent_mail)) == 9


def test_the_reminder_says_what_is_missing_by_when_and_where_in_mon_dossiers_words(
        app: Flask, client: FlaskClient, clock: Clock, registry: dict[str, str],
        sent_mail: Sent) -> None:
    clock.set("2020-11-11T08:00:00+01:00")
    run_job(app)
    by_address = {m.to[0]: m for m in sent_mail() if m.subject.startswith(SUBJECT)}
    mail = by_address["attente@exemple.fr"]
    numero = registry["Attente"]
    assert mail.source == MAIL_FROM
    assert mail.subject == f"{SUBJECT} — n° {numero}"
    text = html.unescape(mail.body)
    for sentence in (
            f"Le Rectorat de Limoges, Bureau DEC 4, n'a pas encore reçu la confirmation "
            f"d'inscription signée de votre dossier n° {numero} de pré-inscription au CAP "
            "(académie de Limoges, session 2021-06).",
            "Elle doit parvenir au Rectorat de Limoges, Bureau DEC 4 au plus tard le mercredi 18 "
            "novembre 2020 : c'est la date de réception qui compte, postez-la plusieurs jours "
            "avant.",
            f"{SITE_URL}mon-dossier.html",
            "Rectorat de Limoges", "rue François Chénieux",
            "Pièces à joindre",
            "Si vous l'avez déjà envoyée, vous n'avez rien à faire : sa réception sera indiquée "
            "sur la page « Consulter ou modifier mon dossier »."):
        assert sentence in text, sentence
    # No more personal data than the confirmation email: no name, no birth date.
    for secret in ("Attente", BORN, "17/05/1998"):
        assert secret not in text
    revoir = html.unescape(by_address["revoir@exemple.fr"].body)
    assert ("attend la nouvelle confirmation d'inscription signée de votre dossier n° "
            f"{registry['Revoir']}") in revoir
    assert "vous avez modifié votre dossier après la réception de la précédente, qu'elle " \
           "remplace." in revoir


def test_a_failed_reminder_is_sent_again_by_the_hourly_retry_the_same_day(
        app: Flask, client: FlaskClient, clock: Clock, ses: Any, sent_mail: Sent,
        s3: Any) -> None:
    numero = candidate(client, "Attente")
    clock.set("2020-11-11T08:00:00+01:00")
    ses.delete_identity(Identity=MAIL_FROM_ADDRESS)  # SES refuses every email
    assert run_job(app)["echecs"] == 1
    state = record(s3, "2020-11-11", numero)
    assert (state["statut"], state["tentatives"], state["erreur"]) == ("echec", 1,
                                                                       "MessageRejected")
    marker = f"relances/{SESSION}/a-renvoyer/{canonical(numero)}.json"
    assert marker in all_keys(s3)
    # Still refused an hour later: a second attempt, recorded.
    clock.set("2020-11-11T09:00:00+01:00")
    assert notifications.retry_failed(app, max_attempts=10)["relance"] == {
        "envoye": 0, "echec": 1, "abandonne": 0}
    assert record(s3, "2020-11-11", numero)["tentatives"] == 2
    # SES is back: the next retry sends it, once, and forgets the marker.
    ses.verify_email_identity(EmailAddress=MAIL_FROM_ADDRESS)
    clock.set("2020-11-11T10:00:00+01:00")
    assert notifications.retry_failed(app, max_attempts=10)["relance"] == {
        "envoye": 1, "echec": 0, "abandonne": 0}
    assert record(s3, "2020-11-11", numero)["statut"] == "envoye"
    assert marker not in all_keys(s3)
    assert notifications.retry_failed(app, max_attempts=10)["relance"]["envoye"] == 0
    assert reminders_to(sent_mail) == ["attente@exemple.fr"]
    # The summary of the retry names the reminders too.
    assert "Relances (confirmation signée attendue) renvoyées : 1" in notifications.summary(
        {"confirmation": {"envoye": 0, "echec": 0, "abandonne": 0},
         "suivi": {"envoye": 0, "echec": 0, "abandonne": 0},
         "relance": {"envoye": 1, "echec": 0, "abandonne": 0}})


def test_a_reminder_failed_all_day_goes_the_next_day_unless_the_paper_arrived(
        app: Flask, client: FlaskClient, clock: Clock, ses: Any, sent_mail: Sent,
        s3: Any) -> None:
    first, second = candidate(client, "Attente"), candidate(client, "Recue")
    clock.set("2020-11-11T08:00:00+01:00")
    ses.delete_identity(Identity=MAIL_FROM_ADDRESS)
    assert run_job(app)["echecs"] == 2
    assert notifications.retry_failed(app, max_attempts=1)["relance"]["abandonne"] == 2
    ses.verify_email_identity(EmailAddress=MAIL_FROM_ADDRESS)
    assert change(client, second, "confirmation-recue").status_code == 200
    clock.set("2020-11-12T07:00:00+01:00")
    assert notifications.retry_failed(app, max_attempts=10)["relance"]["envoye"] == 1
    assert record(s3, "2020-11-12", first)["statut"] == "envoye"
    assert reminders_to(sent_mail) == ["attente@exemple.fr"]
    assert not [k for k in all_keys(s3) if "/a-renvoyer/" in k and k.startswith("relances/")]


@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)
def test_two_staff_members_pressing_at_once_remind_each_candidate_once(
        app: Flask, client: FlaskClient, clock: Clock, sent_mail: Sent) -> None:
    for nom in ("Un", "Deux", "Trois", "Quatre"):
        candidate(client, nom)
    clock.set("2020-11-12T10:00:00+01:00")
    answers = run_together(3, lambda i: press(app.test_client(),
                                              ("gestion", "dec4", "secretariat")[i]).get_json())
    assert sum(a["envoyes"] for a in answers) == 4
    assert all(a["envoyes"] + a["deja_relances"] == 4 for a in answers)
    assert reminders_to(sent_mail) == sorted(f"{n}@exemple.fr"
                                             for n in ("un", "deux", "trois", "quatre"))
    # And the job that morning finds them done.
    assert run_job(app)["envoyes"] == 0


def test_an_erased_dossier_loses_its_reminders(
        app: Flask, client: FlaskClient, clock: Clock, ses: Any, s3: Any) -> None:
    numero = candidate(client, "Attente")
    clock.set("2020-11-11T08:00:00+01:00")
    run_job(app)
    clock.set("2020-11-12T08:00:00+01:00")
    ses.delete_identity(Identity=MAIL_FROM_ADDRESS)
    assert press(client).get_json()["echecs"] == 1
    key = canonical(numero) or ""
    assert len([k for k in all_keys(s3) if key in k and k.startswith("relances/")]) == 3
    erased = client.post(f"/api/staff/dossiers/{numero}/effacement", headers=bearer(),
                         json={"confirmation": numero})
    assert erased.status_code == 200
    versions = s3.list_object_versions(Bucket=BUCKET, Prefix="relances/")
    assert [v["Key"] for v in [*versions.get("Versions", []),
                               *versions.get("DeleteMarkers", [])] if key in v["Key"]] == []


def test_without_email_the_button_says_so(s3: Any, s3_endpoint: str | None) -> None:
    client = build_app(s3, s3_endpoint, STAFF_TOKEN_HASHES=token_hashes()).test_client()
    preview = client.get("/api/staff/relances", headers=bearer()).get_json()
    assert (preview["courriels_actifs"], preview["envoi_possible"]) == (False, False)
    refused = press(client)
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "courriels_desactives"


def test_the_command_line_prints_the_figures_and_sends_the_days_reminders(
        app: Flask, clock: Clock, registry: dict[str, str], sent_mail: Sent) -> None:
    from handler.staff.cli import run

    def cli(*argv: str) -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        status = run(["relances", *argv], store=app.extensions["dossier_store"], out=out,
                     err=err, notifier=app.extensions["notifier"])
        assert err.getvalue() == ""
        return status, out.getvalue()

    clock.set("2020-11-11T07:30:00+01:00")
    assert cli() == (0, "Relances, mercredi 11 novembre 2020 : 3 dossier(s) attendent leur "
                        "confirmation signée ; 3 à relancer aujourd'hui, dont 3 par l'envoi "
                        "automatique ; 0 déjà relancé(s) aujourd'hui.\n"
                        "Relances automatiques : une par dossier, chaque jour à 8 h (heure de "
                        "Paris) du mercredi 11 novembre 2020 au mercredi 18 novembre 2020, date "
                        "limite de retour (RELANCE_JOURS = 7).\n")
    assert cli("--envoyer") == (0, "Relances envoyées : 3 ; déjà relancés aujourd'hui : 0 ; "
                                   "échecs (renvoyés par le renvoi horaire des courriels) : 0 ; "
                                   "confirmation reçue ou dossier effacé entre-temps : 0 ; "
                                   "restants faute de temps : 0.\n")
    assert len(reminders_to(sent_mail)) == 3
    assert cli()[1].startswith("Relances, mercredi 11 novembre 2020 : 3 dossier(s) attendent "
                               "leur confirmation signée ; 0 à relancer aujourd'hui, dont 0 par "
                               "l'envoi automatique ; 3 déjà relancé(s) aujourd'hui.")
