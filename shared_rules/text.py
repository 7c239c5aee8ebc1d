"""Text that can be stored: every string of a request must be writable as UTF-8.

A JSON body may carry a lone surrogate (`"\\ud800"`: half of a UTF-16 pair, which no browser
form sends); Python decodes it, but no UTF-8 encoder (the answer, the dossier's hash, the bucket)
can write it back. Such a value is refused on its field, before anything reads it further.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from shared_rules import messages

_SURROGATE = re.compile("[\ud800-\udfff]")


def is_encodable(text: str) -> bool:
    """Whether `text` can be written as UTF-8 (it holds no lone surrogate)."""
    return _SURROGATE.search(text) is None


def unencodable(value: Any, *, whole: str = "dossier") -> dict[str, list[str]]:
    """The dotted paths (as in validation errors: `contact.adresse`, `dispenses.0.diplome`)
    of the strings in a JSON value that can't be written as UTF-8, each with its message;
    empty when every string can. A key that can't be written is reported on its group, and
    the value itself, when it is such a string, on `whole`."""
    errors: dict[str, list[str]] = {}
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if not is_encodable(item):
                errors[path or whole] = [messages.TEXTE_ILLISIBLE]
            continue
        if isinstance(item, Mapping):
            children = list(item.items())
        elif isinstance(item, list | tuple):
            children = list(enumerate(item))
        else:
            continue
        for key, child in children:
            if isinstance(key, str) and not is_encodable(key):
                errors[path or whole] = [messages.TEXTE_ILLISIBLE]
                continue
            pending.append((f"{path}.{key}" if path else str(key), child))
    return errors


# -- free text: what can't be stored or shown ---------------------------------------------------
#
# Free text is free (issue 24): line breaks, tabs, < and > and every printable character are
# accepted, and escaping them is each output's job (HTML, PDF, CSV, email). Refused: the control
# characters other than tab, line feed and carriage return (NUL, a bell, an escape, a form feed:
# they print nothing and break the outputs), the byte-order mark, and the bidirectional
# overrides and isolates, which make a text show in another order than it is stored. The lone
# surrogates are refused before, by `unencodable`.

#: Python's `re` and ECMAScript (flag `u`) read this class alike: the browser gets it as is.
UNSTORABLE_JS = (r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
                 r"\u202a-\u202e\u2066-\u2069\ufeff]")
_UNSTORABLE = re.compile(UNSTORABLE_JS)


def unstorable(text: str) -> str | None:
    """The first character of `text` that can't be stored or shown, or None."""
    found = _UNSTORABLE.search(text)
    return found.group() if found else None


def describe(char: str) -> str:
    """« U+0007, un caractère de contrôle »: how a refused character is named to the person.
    Mirrors `decrireCaractere` of the form's regles.js."""
    point = ord(char)
    if 0x202A <= point <= 0x202E or 0x2066 <= point <= 0x2069:
        kind = "un changement du sens d'écriture"
    elif point == 0xFEFF:
        kind = "un caractère invisible"
    else:
        kind = "un caractère de contrôle"
    return f"U+{point:04X}, {kind}"
