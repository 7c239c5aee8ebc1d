"""`python -m shared_rules export` prints the rules the browser uses, from the same data."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import shared_rules
from shared_rules.names import NAME_PATTERN_JS, USUAL_NAME_PATTERN_JS, is_usual_name, is_valid_name
from tests.node import node


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "shared_rules", *args], capture_output=True,
                          text=True, check=False, env={**os.environ, "PYTHONUTF8": "1"})


def test_export_prints_the_session_rules_as_json() -> None:
    result = run_cli("export")
    assert result.returncode == 0, result.stderr
    rules = json.loads(result.stdout)
    assert rules["code"] == "cap-limoges-2021-06"
    assert rules["registre"]["ouverture"] == "2020-10-14T09:00:00+02:00"
    assert rules["registre"]["cloture_texte"] == "vendredi 20 novembre 2020 à 17 h 00"
    assert rules["majorite"]["date_naissance_max"] == "2003-12-31"
    assert [c["activites"] for c in rules["eps"]["combinaisons"]] == [
        ["demi-fond", "badminton"], ["demi-fond", "tennis-de-table"], ["sauvetage", "badminton"],
        ["gymnastique-au-sol", "badminton"], ["gymnastique-au-sol", "tennis-de-table"]]
    assert rules["retour_confirmation"]["adresse"]["a_confirmer"] is True
    session = shared_rules.get_session("cap-limoges-2021-06")
    assert session is not None
    assert rules["retour_confirmation"]["message_retour_tardif"] == (
        shared_rules.late_return_message(session))
    assert [s["code"] for s in rules["specialites"]] == [s.code for s in session.specialites]
    assert rules["messages"]["EMAIL_OBLIGATOIRE"] == shared_rules.messages.EMAIL_OBLIGATOIRE


def test_export_writes_a_file(tmp_path: object) -> None:
    out = f"{tmp_path}/rules.json"
    assert run_cli("export", "--out", out).returncode == 0
    with open(out, encoding="utf-8") as handle:
        assert json.load(handle)["academie"]["code"] == "LIMOGES"


def test_export_of_an_unknown_session_fails_clearly() -> None:
    result = run_cli("export", "--session", "cap-inconnue")
    assert result.returncode == 2
    assert "unknown session 'cap-inconnue'" in result.stderr


def test_check_validates_data_and_example() -> None:
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert "dossier-valide.json: valid" in result.stdout


NAME_CORPUS = [
    "L'Haÿ-Cœur", "Ñúñez-Ødegård", "De La Tour", "O’Connor", "Noe\u0308l", "Μαρία", "Nguyễn",
    "Dupont2", "<b>", "Jean--Pierre", "-Jean", "Jean-", "'Jean", "A\u200dB", "Dupont\u202e",
    "Jean.Pierre", "\u0301Abc", "A B", "A  B", "A' B", "Ab'", "", "é", "漢字", "A\u00a0B",
    # Issue 24: a leading apostrophe, the double hyphen of 2005–2011, a comma, odd runs.
    "'t Hart", "’s Gravesande", "Martin--Lefèvre", "Martin---Lefèvre", "Martin--", "--Martin",
    "Marie, Louise", "Van der Berg-'t Hooft", "ʼAli", "' ", "'", "-", "--", "a-\u0301b",
]


@pytest.mark.parametrize(("pattern", "server"), [(NAME_PATTERN_JS, is_valid_name),
                                                 (USUAL_NAME_PATTERN_JS, is_usual_name)],
                         ids=["refused", "warned"])
def test_browser_name_patterns_agree_with_the_server(pattern: str, server: object) -> None:
    executable = node("check the browser's name pattern")
    script = (
        "const re = new RegExp(process.argv[1], 'u');"
        "const names = JSON.parse(process.argv[2]);"
        "console.log(JSON.stringify(names.map(n => re.test(n))));"
    )
    result = subprocess.run([executable, "-e", script, pattern, json.dumps(NAME_CORPUS)],
                            capture_output=True, text=True, check=True)
    assert callable(server)
    assert json.loads(result.stdout) == [server(n) for n in NAME_CORPUS]
