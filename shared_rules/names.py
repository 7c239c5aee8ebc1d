"""Names as candidates type them, and as the service compares them.

A name is kept exactly as typed (the diploma is printed from it), except that surrounding and
repeated spaces are folded and the text is put in Unicode NFC, so that « é » typed as « e » plus a
combining accent is the same letter. Comparing two names for identity is a separate, lossy key.
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "'’"
NAME_SEPARATORS = " -" + APOSTROPHES
# Letters that Unicode does not decompose into a base letter plus an accent.
_TRANSLITERATION = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i",
     "þ": "th", "ß": "ss", "ŀ": "l"}
)
_SPACES = re.compile(r"\s+")


def fold_spaces(text: str) -> str:
    """NFC, surrounding spaces removed, inner runs of spaces folded to one."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold_lines(text: str) -> str:
    """Text on several lines, as « Précisions » keeps it: CR LF and CR read as line breaks,
    each line folded like `fold_spaces`, runs of empty lines folded to one, none at either
    end. Mirrors `replierLignes` of the form's regles.js."""
    lines = [fold_spaces(line) for line in
             unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
             .split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def is_valid_name(name: str) -> bool:
    """What a name is made of, as civil status writes it: letters (any script, any diacritics),
    spaces, hyphens and apostrophes, and at least one letter. Everything else (a digit, a
    comma, a symbol, a control or format character) is refused. Mirrors NAME_PATTERN_JS.

    How these are arranged is not refused (issue 24): « 't Hart » starts with an apostrophe,
    « Martin--Lefèvre » has the double hyphen of French birth records of 2005–2011. An
    arrangement `is_usual_name` doesn't know is a warning the candidate confirms."""
    return (any(_is_letter(c) for c in name)
            and all(_is_letter(c) or _is_mark(c) or c in NAME_SEPARATORS for c in name))


def is_usual_name(name: str) -> bool:
    """The usual arrangement: a letter first (or an apostrophe and a letter: « 't Hart »), then
    letters, each space, hyphen or apostrophe followed by a letter, « -- » followed by a letter
    (« Martin--Lefèvre »). Mirrors USUAL_NAME_PATTERN_JS."""
    position = 1 if name[:1] and name[0] in APOSTROPHES and _letter_at(name, 1) else 0
    if position >= len(name) or not _is_letter(name[position]):
        return False
    while position < len(name):
        char = name[position]
        if _is_letter(char) or _is_mark(char):
            position += 1
        elif name.startswith("--", position) and _letter_at(name, position + 2):
            position += 2
        elif char in NAME_SEPARATORS and _letter_at(name, position + 1):
            position += 1
        else:
            return False
    return True


def _letter_at(name: str, position: int) -> bool:
    return position < len(name) and _is_letter(name[position])


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _is_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L")


def comparison_key(name: str) -> str:
    """The name reduced to lowercase base letters: case, accents, hyphens, apostrophes and spaces
    make no difference (« L'Haÿ-Cœur » and « lhay coeur » compare equal)."""
    lowered = unicodedata.normalize("NFKC", name).casefold().translate(_TRANSLITERATION)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(
        c for c in decomposed
        if not unicodedata.category(c).startswith("M") and c not in NAME_SEPARATORS
        and not c.isspace()
    )


def sort_key(name: str) -> str:
    """The name in lowercase base letters with its separators as single spaces, for sorting
    lists as a reader expects: « Ødegård » with the O's, « L'Haÿ » as « l hay »."""
    lowered = unicodedata.normalize("NFKC", name).casefold().translate(_TRANSLITERATION)
    decomposed = unicodedata.normalize("NFKD", lowered)
    bare = "".join(c if c not in NAME_SEPARATORS and c != "." else " " for c in decomposed
                   if not unicodedata.category(c).startswith("M"))
    return " ".join(bare.split())


# The same rules for the browser (ECMAScript, `u` flag). Both are checked against each other on a
# corpus in the tests; the server stays the judge.
NAME_PATTERN_JS = r"^(?=[^]*\p{L})[\p{L}\p{M} \-'’]+$"
USUAL_NAME_PATTERN_JS = r"^['’]?\p{L}\p{M}*(?:[\p{L}\p{M}]|(?:--|[ \-'’])(?=\p{L}))*$"
