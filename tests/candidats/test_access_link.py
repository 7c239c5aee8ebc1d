"""« Recevoir un lien d'accès par courriel »: the owner gets in without the birth date, even
while a stranger keeps the number locked; the request tells nobody whether the number exists."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

import shared_rules
from handler.candidats import access_link, access_tokens
from handler.candidats.ownership import MAX_FAILURES
from handler.dossier.numero import canonical, new_numero
from handler.platform import messages as msg
from tests.factories import make_dossier
from tests.fixtures import BUCKET, SITE_URL, Sent, SentMail, all_keys, build_app

BORN = "1998-05-17"
EMAIL = "marie-eve.lhay@exemple.fr"
DESTINATAIRE = "Rectorat de Limoges, Bureau DEC 4"
#: What an API message puts after « contactez le » (shared_rules.bureau_contact).
CONTACT = shared_rules.bureau_contact(shared_rules.get_session("cap-limoges-2021-06"))
ACCEPTED = {"message": msg.LIEN_ACCES_DEMANDE.format(minutes=15, destinataire=CONTACT)}


def ask(client: FlaskClient, numero: Any, *, ip: str = "198.51.100.1") -> Any:
    return client.post("/api/dossiers/lien-acces", json={"numero": numero},
                       headers={"X-Forwarded-For": ip})


def use(client: FlaskClient, numero: str, jeton: str) -> Any:
    return client.post("/api/dossiers/acces", json={"numero": numero, "jeton": jeton})


def consult(client: FlaskClient, numero: str, headers: dict[str, str],
            ip: str = "192.0.2.50") -> Any:
    return client.get(f"/api/dossiers/{numero}", headers={**headers, "X-Forwarded-For": ip})


def lock(client: FlaskClient, numero: str) -> None:
    """A stranger's wrong dates, each from its own address, until the number is locked."""
    for index in range(MAX_FAILURES):
        assert consult(client, numero, {"X-Date-Naissance": f"1990-01-{index + 1:02d}"},
                       ip=f"203.0.113.{index}").status_code == 404
    assert consult(client, numero, {"X-Date-Naissance": BORN}).status_code == 429


def link_in(mail: SentMail) -> tuple[str, str, str]:
    """The link of an access email: (address before #, numero, jeton)."""
    hrefs = re.findall(r'href="([^"]+mon-dossier\.html#[^"]+)"', mail.body)
    assert len(hrefs) == 1, mail.body
    parts = urlsplit(html.unescape(hrefs[0]))
    fields = parse_qs(parts.fragment)
    assert parts.query == ""  # nothing a server would log
    return (f"{parts.scheme}://{parts.netloc}{parts.path}", fields["numero"][0],
            fields["jeton"][0])


@pytest.fixture
def link_app(s3: Any, s3_endpoint: str | None, ses: Any) -> Flask:
    return build_app(s3, s3_endpoint, ses=ses, MAIL_FROM="ne-pas-repondre@preinscription.test",
                     SITE_URL=SITE_URL, CLIENT_IP_HEADER="X-Forwarded-For")


@pytest.fixture
def numero(link_app: Flask) -> str:
    response = link_app.test_client().post("/api/dossiers", json=make_dossier())
    assert response.status_code == 201
    return str(response.get_json()["numero"])


def test_a_locked_out_owner_gets_in_with_the_emailed_link_and_modifies(
    link_app: Flask, numero: str, sent_mail: Sent, s3: Any,
) -> None:
    client = link_app.test_client()
    lock(client, numero)
    before = len(sent_mail())
    asked = ask(client, numero)
    assert asked.status_code == 202
    assert asked.get_json() == ACCEPTED
    sent = sent_mail()[before:]
    assert len(sent) == 1
    assert sent[0].to == [EMAIL]
    assert numero in sent[0].subject
    page, linked, jeton = link_in(sent[0])
    assert (page, linked) == (f"{SITE_URL}mon-dossier.html", numero)

    opened = use(client, linked, jeton)
    assert opened.status_code == 200
    body = opened.get_json()
    proof = body.pop("acces")
    assert set(proof) == {"jeton", "expire_le"}
    assert body["numero"] == numero and body["version"] == 1
    assert opened.headers["ETag"] == '"v1"'
    # The proof opens the dossier while the number is still locked for birth dates.
    assert consult(client, numero, {"X-Date-Naissance": BORN}).status_code == 429
    read = consult(client, numero, {"X-Acces-Dossier": proof["jeton"]})
    assert read.status_code == 200
    assert read.get_json() == body
    modified = client.put(f"/api/dossiers/{numero}",
                          json=make_dossier({"specialite": "couvreur"}),
                          headers={"X-Acces-Dossier": proof["jeton"], "If-Match": '"v1"'})
    assert modified.status_code == 200
    assert modified.get_json()["version"] == 2
    pdf = client.get(f"/api/dossiers/{numero}/confirmation.pdf",
                     headers={"X-Acces-Dossier": proof["jeton"]})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_link_serves_once_and_only_for_its_number(
    link_app: Flask, numero: str, sent_mail: Sent,
) -> None:
    client = link_app.test_client()
    before = len(sent_mail())
    ask(client, numero)
    _, linked, jeton = link_in(sent_mail()[before])
    assert use(client, new_numero(), jeton).get_json()["code"] == "lien_invalide"
    assert use(client, linked, jeton).status_code == 200
    again = use(client, linked, jeton)
    assert again.status_code == 403
    assert again.get_json() == {"code": "lien_invalide", "message": msg.LIEN_ACCES_INVALIDE,
                                "errors": {}}


def test_a_link_expires_after_15_minutes(
    link_app: Flask, numero: str, sent_mail: Sent, s3: Any,
) -> None:
    client = link_app.test_client()
    before = len(sent_mail())
    sent_at = time.time()
    ask(client, numero)
    _, linked, jeton = link_in(sent_mail()[before])
    key = f"acces/{canonical(numero)}/liens/{hashlib.sha256(jeton.encode()).hexdigest()}.json"
    stored = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    assert stored == {"expire": pytest.approx(sent_at + 15 * 60, abs=5)}
    # Fifteen minutes later (the record says so):
    s3.put_object(Bucket=BUCKET, Key=key, Body=json.dumps({"expire": time.time() - 1}))
    assert use(client, linked, jeton).get_json()["code"] == "lien_invalide"


def test_the_bucket_keeps_only_hashes_under_the_number(
    link_app: Flask, numero: str, sent_mail: Sent, s3: Any,
) -> None:
    client = link_app.test_client()
    before = len(sent_mail())
    ask(client, numero)
    _, linked, jeton = link_in(sent_mail()[before])
    proof = use(client, linked, jeton).get_json()["acces"]["jeton"]
    digest = hashlib.sha256
    prefix = f"acces/{canonical(numero)}/"
    assert [k for k in all_keys(s3) if k.startswith("acces/")] == sorted([
        f"{prefix}envois.json",
        f"{prefix}liens/{digest(jeton.encode()).hexdigest()}.json",
        f"{prefix}preuves/{digest(proof.encode()).hexdigest()}.json",
    ])
    for key in all_keys(s3):
        content = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
        assert jeton not in content and proof not in content


def test_an_unknown_number_gets_the_same_answer_and_nothing_is_sent_or_written(
    link_app: Flask, numero: str, sent_mail: Sent, s3: Any,
) -> None:
    client = link_app.test_client()
    before, keys = len(sent_mail()), all_keys(s3)
    for typed in (new_numero(), "pas un numéro"):
        answer = ask(client, typed)
        assert answer.status_code == 202
        assert answer.get_json() == ACCEPTED
    assert len(sent_mail()) == before
    assert all_keys(s3) == keys


def test_known_or_not_the_answer_takes_the_same_least_time(
    s3: Any, s3_endpoint: str | None, ses: Any, sent_mail: Sent,
) -> None:
    app = build_app(s3, s3_endpoint, ses=ses, MAIL_FROM="ne-pas-repondre@preinscription.test",
                    CLIENT_IP_HEADER="X-Forwarded-For", REMINDER_ANSWER_SECONDS="0.6")
    client = app.test_client()
    known = client.post("/api/dossiers", json=make_dossier()).get_json()["numero"]
    before = len(sent_mail())
    durations = {}
    for name, typed in (("connu", known), ("inconnu", new_numero())):
        started = time.monotonic()
        assert ask(client, typed).status_code == 202
        durations[name] = time.monotonic() - started
    assert len(sent_mail()) == before + 1
    assert min(durations.values()) >= 0.6, durations


def test_a_number_gets_a_few_links_an_hour_then_the_same_answer(
    link_app: Flask, numero: str, sent_mail: Sent,
) -> None:
    client = link_app.test_client()
    before = len(sent_mail())
    for index in range(access_link.NUMBER_LIMIT + 2):
        answer = ask(client, numero, ip=f"198.51.100.{index}")
        assert (answer.status_code, answer.get_json()) == (202, ACCEPTED)
    assert len(sent_mail()) == before + access_link.NUMBER_LIMIT


def test_a_client_asking_too_often_is_told_what_is_limited(link_app: Flask) -> None:
    client = link_app.test_client()
    for _ in range(access_link.CLIENT_LIMIT):
        assert ask(client, new_numero(), ip="203.0.113.9").status_code == 202
    limited = ask(client, new_numero(), ip="203.0.113.9")
    assert limited.status_code == 429
    assert limited.get_json() == {"code": "trop_de_requetes", "message": msg.TROP_DE_LIENS,
                                  "errors": {}}
    assert 0 < int(limited.headers["Retry-After"]) <= access_link.CLIENT_WINDOW
    assert ask(client, new_numero(), ip="203.0.113.10").status_code == 202


def test_a_request_without_a_number_says_what_to_give(link_app: Flask) -> None:
    answer = link_app.test_client().post("/api/dossiers/lien-acces", json={})
    assert answer.status_code == 422
    assert answer.get_json() == {"code": "demande_invalide", "message": msg.DEMANDE_INVALIDE,
                                 "errors": {"numero": [msg.LIEN_NUMERO_OBLIGATOIRE]}}


@pytest.mark.parametrize("proof", ["inconnu-" + "a" * 40, "", "<script>"])
def test_an_unknown_proof_opens_nothing(link_app: Flask, numero: str, proof: str) -> None:
    answer = consult(link_app.test_client(), numero, {"X-Acces-Dossier": proof})
    assert answer.status_code == 403
    assert answer.get_json() == {"code": "acces_expire", "message": msg.ACCES_EXPIRE,
                                 "errors": {}}


def test_a_proof_opens_its_own_number_only_and_ends(
    link_app: Flask, numero: str, sent_mail: Sent, s3: Any,
) -> None:
    client = link_app.test_client()
    other = client.post("/api/dossiers", json=make_dossier({
        "etat_civil.nom_naissance": "Autre"})).get_json()["numero"]
    before = len(sent_mail())
    ask(client, numero)
    _, linked, jeton = link_in(sent_mail()[before])
    proof = use(client, linked, jeton).get_json()["acces"]
    expires = proof["expire_le"]
    assert abs(time.time() + access_tokens.PROOF_SECONDS
               - dt.datetime.fromisoformat(expires).timestamp()) < 5
    assert consult(client, other, {"X-Acces-Dossier": proof["jeton"]}).status_code == 403
    key = (f"acces/{canonical(numero)}/preuves/"
           f"{hashlib.sha256(proof['jeton'].encode()).hexdigest()}.json")
    s3.put_object(Bucket=BUCKET, Key=key, Body=json.dumps({"expire": time.time() - 1}))
    assert consult(client, numero, {"X-Acces-Dossier": proof["jeton"]}).status_code == 403


def exchange(client: FlaskClient, numero: str, headers: dict[str, str],
             ip: str = "192.0.2.50") -> Any:
    return client.post(f"/api/dossiers/{numero}/preuve",
                       headers={**headers, "X-Forwarded-For": ip})


def test_the_birth_date_is_exchanged_for_a_proof_counted_as_a_check(
        link_app: Flask, numero: str) -> None:
    """Issue 28: « mon dossier » exchanges the birth date once for a proof, whose checks cost
    two reads where the birth date's cost its counted check."""
    client = link_app.test_client()
    answer = exchange(client, numero, {"X-Date-Naissance": BORN})
    assert answer.status_code == 200
    acces = answer.get_json()["acces"]
    assert acces["duree_secondes"] == access_tokens.PROOF_SECONDS
    assert abs(time.time() + access_tokens.PROOF_SECONDS
               - dt.datetime.fromisoformat(acces["expire_le"]).timestamp()) < 5
    opened = consult(client, numero, {"X-Acces-Dossier": acces["jeton"]})
    assert opened.status_code == 200 and opened.get_json()["numero"] == numero
    # A proof is not renewed; a missing or wrong birth date gets no proof, and counts.
    renewed = exchange(client, numero, {"X-Acces-Dossier": acces["jeton"]})
    assert renewed.status_code == 400
    assert renewed.get_json()["code"] == "date_naissance_requise"
    assert exchange(client, numero, {}).status_code == 400
    for index in range(MAX_FAILURES):
        assert exchange(client, numero, {"X-Date-Naissance": f"1990-01-{index + 1:02d}"},
                        ip=f"203.0.113.{index}").status_code == 404
    assert exchange(client, numero, {"X-Date-Naissance": BORN}).status_code == 429


@pytest.mark.parametrize("s3_mode", ["server"], indirect=True)
def test_a_link_used_twice_at_once_opens_once(
    link_app: Flask, numero: str, sent_mail: Sent,
) -> None:
    client = link_app.test_client()
    before = len(sent_mail())
    ask(client, numero)
    _, linked, jeton = link_in(sent_mail()[before])
    count = 8
    barrier = threading.Barrier(count)
    statuses: list[int] = []

    def worker() -> None:
        barrier.wait()
        statuses.append(use(link_app.test_client(), linked, jeton).status_code)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] + [403] * (count - 1)


def test_the_access_email_is_french_and_puts_the_link_on_its_own_line() -> None:
    from handler.dossier import mail_content
    from shared_rules import get_session

    session = get_session("cap-limoges-2021-06")
    assert session is not None
    record = {"numero": "KNY4903QB", "version": 1, "dossier": make_dossier()}
    link = "https://preinscription.test/mon-dossier.html#numero=KNY4-903Q-B&jeton=abc"
    mail = mail_content.lien_acces(record, session, link=link, minutes=15)
    assert mail.destinataire == EMAIL
    assert mail.objet == ("Lien d'accès à votre dossier de pré-inscription au CAP — "
                          "n° KNY4-903Q-B")
    assert mail.texte.split("\n\n") == [
        "Bonjour,",
        "Un lien d'accès à votre dossier de pré-inscription au CAP (académie de Limoges, "
        "session 2021-06), n° KNY4-903Q-B, a été demandé sur le site de pré-inscription.",
        "Ce lien ouvre votre dossier sans votre date de naissance, même si l'accès à ce numéro "
        "est momentanément bloqué après des essais infructueux :",
        link,
        "Il est valable 15 minutes et ne sert qu'une fois. Ne le transmettez à personne : il "
        "donne accès à votre dossier.",
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : personne d'autre "
        "que vous ne reçoit ce lien, et votre dossier n'a pas été modifié. Si ces messages se "
        f"répètent, signalez-le au {DESTINATAIRE}.",
        "Ce message vous est envoyé automatiquement : n'y répondez pas. Pour toute question, "
        f"contactez le {CONTACT}.\n",
    ]
    assert f'<a href="{html.escape(link)}">Ouvrir mon dossier</a>' in mail.html
