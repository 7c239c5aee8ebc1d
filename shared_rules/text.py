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
