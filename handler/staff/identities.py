"""Each staff account bound to the provider's stable subject (`sub`) at its first sign-in.

An email can change hands at the provider (an address reused, an alias given to someone else);
the `sub` of an OpenID Connect provider names one person for good. Once an account has signed
in, its `sub` is recorded (`gestion/comptes/<SHA-256 of the email>.json`, written once with
If-None-Match: two first sign-ins at once keep one) and a later sign-in with the same email
but another `sub` is refused (issue 25). An operator who moves an account to a new person or a
new provider deletes that record (README, « Staff sign-in »).
"""

from __future__ import annotations

import hashlib

from handler.platform.storage import DossierStore, WriteConflict

PREFIX = "gestion/comptes/"


def _key(email: str) -> str:
    return PREFIX + hashlib.sha256(email.encode("utf-8")).hexdigest() + ".json"


def same_person(store: DossierStore, email: str, sub: str, *, now: str) -> bool:
    """True if `sub` is the one bound to `email` (bound now, on its first sign-in)."""
    stored = store.read(_key(email))
    if stored is None:
        try:
            store.write(_key(email), {"sub": sub, "depuis": now}, if_none_match=True)
            return True
        except WriteConflict:  # another first sign-in won: compare with it
            stored = store.read(_key(email))
            if stored is None:
                return False
    return bool(stored.body.get("sub") == sub)
