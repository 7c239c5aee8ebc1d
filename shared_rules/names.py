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


def is_valid_name(name: str) -> bool:
    """Letters (any script, any diacritics), inner spaces, hyphens and apostrophes only.

    The name starts with a letter and each space, hyphen or apostrophe is followed by a letter;
    control and format characters (zero-width joiners, direction marks), digits and other
    symbols are refused. Mirrors NAME_PATTERN_JS.
    """
    if not name or not _is_letter(name[0]):
        return False
    for position, char in enumerate(name):
        if _is_letter(char) or unicodedata.category(char).startswith("M"):
            continue
        if char in NAME_SEPARATORS and position + 1 < len(name) and _is_letter(name[position + 1]):
            continue
        return False
    return True


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


# The same rule for the browser (ECMAScript, `u` flag). Both are checked against each other on a
# corpus in the tests; the server stays the judge.
NAME_PATTERN_JS = r"^\p{L}\p{M}*(?:[\p{L}\p{M}]|[ \-'’](?=\p{L}))*$"
