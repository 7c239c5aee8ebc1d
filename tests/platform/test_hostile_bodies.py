"""Hostile bodies on every JSON route, the candidates' and the staff's: nesting past the bound
and lone surrogates get the envelope (400, or 422 on the field), never a 500, never a traceback
in the logs, and nothing is stored.

The routes come from the app's url_map: a route added later that reads a body must get its
valid body in VALID_BODIES below, or the enumeration test fails, so it stays covered.
"""

from __future__ import annotations

import itertools
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from handler.platform import messages as msg
from handler.platform.json_body import MAX_DEPTH, depth
from handler.staff import messages as staff_msg
from shared_rules import messages as rules_msg
from tests.factories import make_dossier, with_changes
from tests.fixtures import all_keys, build_app
from tests.staff.conftest import bearer, submit, token_hashes

BIRTH_DATE = make_dossier()["etat_civil"]["date_naissance"]
ILLISIBLE = [rules_msg.TEXTE_ILLISIBLE]
_ADDRESSES = itertools.count()

#: Every route that reads a JSON body: a valid body, and where a lone surrogate may go in it,
#: with the answer's code and message.
VALID_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/dossiers/verification"): make_dossier(),
    ("POST", "/api/dossiers"): make_dossier(),
    ("PUT", "/api/dossiers/<numero>"): make_dossier(),
    ("POST", "/api/dossiers/rappel"): {"nom_naissance": "Dupont", "prenom": "Marie",
                                       "date_naissance": BIRTH_DATE},
    ("POST", "/api/dossiers/lien-acces"): {"numero": "7K3M-Q9PA-R"},
    ("POST", "/api/dossiers/acces"): {"numero": "7K3M-Q9PA-R", "jeton": "x" * 43},
    ("POST", "/api/staff/dossiers/<numero>/suivi"): {
        "statut": "incomplete", "version": 1, "revision": 0,
        "pieces_manquantes": ["piece-identite"], "note": "Copie illisible."},
    ("POST", "/api/staff/dossiers/<numero>/effacement"): {"confirmation": "?"},
    ("POST", "/api/staff/dossiers/<numero>/notes"): {"texte": "Appelée le 3/11."},
    ("POST", "/api/staff/dossiers/<numero>/attribution"): {"agent": None, "revision": 0},
    ("POST", "/api/staff/dossiers/<numero>/restitution"): {
        "confirmation": "?", "action": "remplacer-courriel", "courriel": "a@exemple.fr"},
    ("POST", "/api/staff/exports"): {"format": "csv", "filtres": {"q": "Dupont"},
                                     "colonnes": ["nom-de-naissance", "prenoms"]},
    ("PUT", "/api/staff/preferences"): {"colonnes": ["nom-de-naissance", "prenoms"]},
    ("POST", "/api/staff/guichet/scans"): {"reference": "7K3M-Q9PA-R-V1"},
    ("POST", "/api/staff/guichet/annulations"): {"numero": "7K3M-Q9PA-R", "revision": 1},
    ("POST", "/api/dossiers/<numero>/pieces/<code>/formulaire"): {
        "type": "application/pdf", "taille": 1000},
    ("POST", "/api/dossiers/<numero>/pieces/<code>"): {
        "cle": "televersements/7K3MQ9PAR/piece-identite/x"},
    ("POST", "/api/staff/dossiers/<numero>/pieces/<code>/decision"): {
        "decision": "refusee", "motif": "illisible", "revision": 0},
    ("POST", "/api/staff/lots"): {
        "statut": "incomplete", "pieces_manquantes": ["piece-identite"], "note": "Illisible.",
        "dossiers": [{"numero": "7K3M-Q9PA-R", "version": 1, "revision": 0}]},
}
DOSSIER_422 = ("dossier_invalide", msg.DOSSIER_INVALIDE)
REFUSALS: dict[tuple[str, str], tuple[tuple[str, str], list[str]]] = {
    ("POST", "/api/dossiers/verification"): (DOSSIER_422, [
        "contact.adresse", "dispenses.0.diplome", "etat_civil.prenoms.1",
        "etat_civil.nom_naissance", "specialite"]),
    ("POST", "/api/dossiers"): (DOSSIER_422, ["contact.adresse", "dispenses.0.diplome"]),
    ("PUT", "/api/dossiers/<numero>"): (DOSSIER_422, ["contact.adresse", "etat_civil.prenoms.0"]),
    ("POST", "/api/dossiers/rappel"): (("demande_invalide", msg.DEMANDE_INVALIDE),
                                       ["nom_naissance", "prenom"]),
    ("POST", "/api/dossiers/lien-acces"): (("demande_invalide", msg.DEMANDE_INVALIDE),
                                           ["numero"]),
    ("POST", "/api/dossiers/acces"): (("demande_invalide", msg.DEMANDE_INVALIDE),
                                      ["numero", "jeton"]),
    ("POST", "/api/staff/dossiers/<numero>/suivi"): (
        ("statut_invalide", staff_msg.STATUT_INVALIDE), ["note", "pieces_manquantes.0"]),
    ("POST", "/api/staff/dossiers/<numero>/effacement"): (
        ("effacement_invalide", staff_msg.EFFACEMENT_CONFIRMATION), ["confirmation"]),
    ("POST", "/api/staff/dossiers/<numero>/notes"): (
        ("note_invalide", staff_msg.NOTE_INVALIDE), ["texte"]),
    ("POST", "/api/staff/dossiers/<numero>/attribution"): (
        ("attribution_invalide", staff_msg.ATTRIBUTION_INVALIDE), ["agent"]),
    ("POST", "/api/staff/dossiers/<numero>/restitution"): (
        ("restitution_invalide", staff_msg.RESTITUTION_INVALIDE), ["confirmation", "courriel"]),
    ("POST", "/api/staff/exports"): (("export_invalide", staff_msg.EXPORT_INVALIDE),
                                     ["filtres.q", "colonnes.1"]),
    ("PUT", "/api/staff/preferences"): (
        ("preferences_invalides", staff_msg.PREFERENCES_INVALIDES), ["colonnes.0"]),
    ("POST", "/api/staff/guichet/scans"): (("scan_invalide", staff_msg.GUICHET_INVALIDE),
                                           ["reference"]),
    ("POST", "/api/staff/guichet/annulations"): (
        ("annulation_invalide", staff_msg.ANNULATION_INVALIDE), ["numero"]),
    ("POST", "/api/dossiers/<numero>/pieces/<code>/formulaire"): (
        ("demande_invalide", msg.DEMANDE_INVALIDE), ["type"]),
    ("POST", "/api/dossiers/<numero>/pieces/<code>"): (
        ("demande_invalide", msg.DEMANDE_INVALIDE), ["cle"]),
    ("POST", "/api/staff/dossiers/<numero>/pieces/<code>/decision"): (
        ("decision_invalide", staff_msg.DECISION_INVALIDE), ["motif"]),
    ("POST", "/api/staff/lots"): (("lot_invalide", staff_msg.LOT_INVALIDE),
                                  ["note", "pieces_manquantes.0"]),
}

#: Nesting far past the bound, valid JSON or not.
DEEP_BODIES = {
    "5000 [": b"[" * 5000,
    "5000 {\"a\":": b'{"a":' * 5000,
    "5000 [ closed": b"[" * 5000 + b"]" * 5000,
    "5000 {\"a\": closed": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "deep inside a dossier": json.dumps(make_dossier()).encode()[:-1]
    + b', "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
}
#: A lone surrogate as an object's key, escaped or as raw (surrogate-encoded) bytes.
KEY_BODIES = {
    "escaped key": b'{"\\ud800": 1}',
    "raw key": b'{"\xed\xa0\x80": 1}',
    "key inside a dossier": json.dumps(make_dossier()).encode()[:-1] + b', "\\udfff": "x"}',
}


#: Routes that change state without reading any body: sign-out reads only its cookie; the
#: reminders' button sends to whoever awaits, whatever a body says; a piece's removal names
#: the piece in its path; the « dossier complet » is made from the stored pieces alone.
NO_BODY = {("POST", "/api/staff/deconnexion"), ("POST", "/api/staff/relances"),
           ("POST", "/api/dossiers/<numero>/pieces/<code>/retrait"),
           ("POST", "/api/dossiers/<numero>/preuve"),
           ("POST", "/api/staff/dossiers/<numero>/pieces/dossier-complet")}


def _json_routes(app: Flask) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            for method in (rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}} - NO_BODY


@pytest.fixture
def hostile_app(s3: Any, s3_endpoint: str | None, tmp_path: Path) -> Flask:
    """The app with staff tokens and email (to a folder), so that every route reads its body."""
    return build_app(s3, s3_endpoint, STAFF_TOKEN_HASHES=token_hashes(),
                     SUBMISSIONS_PER_CLIENT="0", MAIL_FROM="Test <ne-pas-repondre@test.fr>",
                     MAIL_OUTBOX_DIR=str(tmp_path / "courriels"))


def _send(client: FlaskClient, method: str, rule: str, numero: str, body: bytes) -> Any:
    path = rule.replace("<numero>", numero).replace("<code>", "piece-identite")
    headers = {"Content-Type": "application/json", "X-Date-Naissance": BIRTH_DATE, **bearer()}
    # Each from its own address: the per-client limits stay out of it.
    address = f"203.0.113.{next(_ADDRESSES) % 250 + 1}"
    return client.open(path, method=method, data=body, headers=headers,
                       environ_base={"REMOTE_ADDR": address})


def _stored(s3: Any) -> list[str]:
    """Every key but the birth-date proofs' counts: a PUT counts its proof before it reads the
    body (handler.candidats.ownership), and that count is all it may write."""
    return [key for key in all_keys(s3) if not key.startswith("tentatives/")]


def _assert_no_trace(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert "Traceback" not in caplog.text


def test_every_route_reading_json_has_a_hostile_body_case(hostile_app: Flask) -> None:
    assert _json_routes(hostile_app) == set(VALID_BODIES) == set(REFUSALS)


@pytest.mark.parametrize("kind", [*DEEP_BODIES, *KEY_BODIES])
def test_deep_nesting_and_unwritable_keys_get_400_on_every_json_route(
        hostile_app: Flask, s3: Any, kind: str, caplog: pytest.LogCaptureFixture) -> None:
    client = hostile_app.test_client()
    numero = submit(client, make_dossier())
    before = _stored(s3)
    caplog.set_level(logging.DEBUG)
    if kind in DEEP_BODIES:
        body, expected = DEEP_BODIES[kind], {
            "code": "json_trop_imbrique", "errors": {},
            "message": msg.JSON_TROP_IMBRIQUE.format(maximum=MAX_DEPTH)}
    else:
        body, expected = KEY_BODIES[kind], {
            "code": "json_cle_invalide", "errors": {}, "message": msg.JSON_CLE_INVALIDE}
    answers = {(method, rule): _send(client, method, rule, numero, body)
               for method, rule in sorted(_json_routes(hostile_app))}
    assert {route: (r.status_code, r.get_json()) for route, r in answers.items()} == {
        route: (400, expected) for route in answers}
    assert _stored(s3) == before
    _assert_no_trace(caplog)


@pytest.mark.parametrize("raw", [False, True], ids=["escaped", "raw bytes"])
def test_a_lone_surrogate_in_a_value_gets_422_on_its_field_on_every_json_route(
        hostile_app: Flask, s3: Any, raw: bool, caplog: pytest.LogCaptureFixture) -> None:
    client = hostile_app.test_client()
    numero = submit(client, make_dossier())
    before = _stored(s3)
    caplog.set_level(logging.DEBUG)
    seen = 0
    for (method, rule), ((code, message), paths) in REFUSALS.items():
        for path in paths:
            marker = "\ud800" if path != "etat_civil.prenoms.1" else "Ève\udc00"
            body = with_changes(VALID_BODIES[(method, rule)], {path: marker})
            text = json.dumps(body, ensure_ascii=not raw)
            data = text.encode("utf-8", "surrogatepass")
            answer = _send(client, method, rule, numero, data)
            assert (answer.status_code, answer.get_json()) == (422, {
                "code": code, "message": message, "errors": {path: ILLISIBLE}}), (rule, path)
            seen += 1
    assert seen == sum(len(paths) for _, paths in REFUSALS.values())
    assert _stored(s3) == before
    _assert_no_trace(caplog)


def test_the_bound_itself_is_parsed_one_more_level_is_refused(hostile_app: Flask) -> None:
    client = hostile_app.test_client()
    at_bound = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    past_bound = b"[" + at_bound + b"]"
    answer = _send(client, "POST", "/api/dossiers/verification", "", at_bound)
    assert (answer.status_code, answer.get_json()["code"]) == (422, "dossier_invalide")
    answer = _send(client, "POST", "/api/dossiers/verification", "", past_bound)
    assert (answer.status_code, answer.get_json()["code"]) == (400, "json_trop_imbrique")


@pytest.mark.parametrize(("text", "expected"), [
    ("{}", 1),
    ('{"a": [1, {"b": []}]}', 4),
    ('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', 1),
    ('["\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]', 1),
    ('"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["', 0),
    ("[" * 40, MAX_DEPTH + 1),  # counting stops past the bound
    ('{"a": "unterminated [[[', 4),  # broken anyway: refused either way
])
def test_depth_counts_brackets_outside_strings_only(text: str, expected: int) -> None:
    assert depth(text) == expected


def _deepest(text: str) -> int | None:
    """The nesting depth, counted the plain way (strings skipped), for comparison; None when
    a string is left open (broken JSON, which depth() may count differently)."""
    level = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            deepest = max(deepest, level)
        elif char in "]}":
            level -= 1
    return None if in_string else deepest


@settings(max_examples=500)
@given(st.text(alphabet='[]{}"\\a,', max_size=60), st.integers(0, 6))
def test_depth_agrees_with_a_plain_count(text: str, bound: int) -> None:
    deepest = _deepest(text)
    if deepest is not None:
        assert depth(text, stop_after=bound) == min(deepest, bound + 1)
