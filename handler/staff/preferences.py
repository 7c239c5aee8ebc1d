"""Each staff member's own settings, kept server-side so they follow the agent from one computer
to another (issue 27): for now the spreadsheet's columns they chose (`columns.CHOICES`' keys).

One object per staff member, `preferences/<sha256 of the staff identity>.json`: the key names
nobody (an identity is an email or a token's name), the body holds the identity so that an
administrator can say whose it is. Written with IfNoneMatch / IfMatch and read again on a
conflict: two tabs saving at once leave one whole choice, never a mix, and a revision counts the
saves.
"""

from __future__ import annotations

import hashlib
from typing import Any

from handler.platform.errors import ApiError
from handler.platform.storage import DossierStore, WriteConflict
from handler.staff import columns
from handler.staff import messages as msg

PREFERENCES = "preferences/"
_ATTEMPTS = 5


def key(staff: str) -> str:
    """The staff member's object (the identity hashed: no name in a key)."""
    return f"{PREFERENCES}{hashlib.sha256(staff.encode('utf-8')).hexdigest()}.json"


def read(store: DossierStore, staff: str) -> dict[str, Any]:
    """The staff member's preferences: `colonnes` (None: never chosen, every column), the
    choices offered (`colonnes_disponibles`, key and label in the columns' order)."""
    stored = store.read(key(staff))
    chosen = stored.body.get("colonnes") if stored else None
    known = None if chosen is None else [k for k in chosen if k in columns.CHOICES]
    return {"colonnes": known, "revision": stored.body["revision"] if stored else 0,
            "colonnes_disponibles": [{"cle": k, "libelle": label}
                                     for k, (label, _) in columns.CHOICES.items()]}


def save(store: DossierStore, staff: str, *, colonnes: list[str] | None) -> dict[str, Any]:
    """Record the staff member's choice of columns (None: back to every column); as read."""
    chosen = None if colonnes is None else [k for k in columns.CHOICES if k in set(colonnes)]
    for _ in range(_ATTEMPTS):
        existing = store.read(key(staff))
        revision = (existing.body["revision"] if existing else 0) + 1
        try:
            store.write(key(staff), {"agent": staff, "colonnes": chosen, "revision": revision},
                        if_none_match=existing is None,
                        if_match=existing.etag if existing else None)
        except WriteConflict:
            continue  # another tab saved first: this choice replaces it, on top of it
        return read(store, staff)
    raise ApiError(409, "preferences_concurrentes", msg.PREFERENCES_CONCURRENTES)
