"""The browser's patterns (`motifs` in the export) judge like the server's own rules.

Each exported ECMAScript pattern is run by Node.js on a corpus and compared with the Python rule
it stands for. One known difference is left out of the corpora: Python's `$` also matches
before a final newline, which a single-line input of the form can't contain.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

import pytest

from shared_rules import birth_date, schemas, text
from shared_rules.export import export_rules
from shared_rules.registry import DEFAULT_REGISTRY
from shared_rules.session import DEFAULT_SESSION_CODE
from tests.node import node

DIGITS = ["87000", "8700", "870000", "١٩٠٠٠", "８７０００", "87 000", "A7000", "", "2A", "2a",
          "2B", "975", "97", "9", "20", "0555123456", "+33555123456", "05551234", "+3355",
          "+3355512345678901", "0555１23456", "05.55.12.34.56"]
PLACES = ["Limoges", "Saint-Junien", "L'Haÿ-les-Roses", "Paris 15e", "Aïn Témouchent",
          "Ville (Haute-Vienne)", "St. Denis", "Noe\u0308l", "_Limoges", "Lim_oges", "-Limoges",
          "15e", "Μαρία", "東京", "Ⅻ Ville", "½ ville", "Ville?", "Ville!", "Ville/Autre",
          "O’Brien", "", " Limoges", "Ville\u00a0Nord", "Ville\tNord", "Ĳssel",
          # Issue 24: commas, slashes, a leading apostrophe; digits alone; no letter at all.
          "Washington, D.C.", "'s-Hertogenbosch", "Tbilissi / Tiflis", "1234", "?!", "(   )"]
TEXTS = ["Dupont", "Du<pont", "a>b", "tab\there", "nl\nhere", "cr\rhere", "del\x7f",
         "nel\x85", "zw\u200b", "rtl\u202e", "iso\u2066", "bom\ufeff", "nbsp\u00a0ok", "é",
         "\x1f", "nul\x00", "vt\x0b", "ff\x0c", "zwnj\u200c", "ls\u2028"]
BIRTH_DATES = ["1998-05-17", "1998-05", "1998", "1998-5-17", "98-05-17", "١٩٩٨", "1998-13",
               "1998-00-00", "0000", "1998-02-30", "1998-05-17\n", "", "19980517", "1998-05-"]


def _browser_verdicts(pattern: str, corpus: list[str]) -> list[bool]:
    script = (
        "const re = new RegExp(process.argv[1], 'u');"
        "const corpus = JSON.parse(process.argv[2]);"
        "console.log(JSON.stringify(corpus.map(s => re.test(s))));"
    )
    result = subprocess.run([node("check the browser's patterns"), "-e", script, pattern,
                             json.dumps(corpus)], capture_output=True, text=True, check=True)
    verdicts: list[bool] = json.loads(result.stdout)
    return verdicts


def _motifs() -> dict[str, str]:
    session = DEFAULT_REGISTRY.get(DEFAULT_SESSION_CODE)
    assert session is not None
    motifs: dict[str, str] = export_rules(session)["motifs"]
    return motifs


@pytest.mark.parametrize("name, server", [
    ("code_postal", lambda s: bool(schemas._CODE_POSTAL.match(s))),
    ("telephone", lambda s: bool(schemas._TELEPHONE.match(s))),
    ("departement", lambda s: bool(schemas._DEPARTEMENT.match(s))),
])
def test_browser_code_patterns_agree_with_the_server(
        name: str, server: Callable[[str], bool]) -> None:
    assert _browser_verdicts(_motifs()[name], DIGITS) == [server(s) for s in DIGITS]


def test_browser_place_pattern_agrees_with_the_server() -> None:
    def server(place: str) -> bool:  # schemas.Lieu._check, on text whose spaces are folded
        try:
            schemas.Lieu()._check(place)
        except Exception:  # noqa: BLE001 - marshmallow's ValidationError: refused
            return False
        return True

    folded = [" ".join(p.split()) if p.strip() else p for p in PLACES]
    assert _browser_verdicts(_motifs()["lieu"], folded) == [server(p) for p in folded]


def test_browser_forbidden_characters_agree_with_the_server() -> None:
    verdicts = _browser_verdicts(_motifs()["caracteres_interdits"], TEXTS)
    assert verdicts == [text.unstorable(t) is not None for t in TEXTS]


def test_browser_birth_date_pattern_agrees_with_the_server_on_its_shape() -> None:
    """The pattern is the written form; the calendar (30 February, month 13) is checked after
    it, by both."""
    verdicts = _browser_verdicts(_motifs()["date_naissance"], BIRTH_DATES)
    assert verdicts == [bool(birth_date.PATTERN.fullmatch(d)) for d in BIRTH_DATES]
