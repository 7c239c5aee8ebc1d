"""The staff's browser sessions: a record in the bucket per signed-in person, found by the
SHA-256 of a random identifier that only the browser's cookie holds.

Why a record and not a signed cookie: Lambda instances share nothing in memory, so the session
must verify in any instance, and signing out must really end it. A record in the bucket does
both: any instance reads it, and signing out deletes it, after which the old cookie finds
nothing (a signed cookie would stay valid until it expires unless every instance also read a
revocation list, i.e. a record in the bucket all the same). The bucket holds only the
identifier's SHA-256: whoever reads the bucket can't use it as a cookie. The identifier is 256
random bits (`secrets.token_urlsafe(32)`): a cookie altered by one byte names no record.

Expiry: IDLE_SECONDS without a request (30 minutes), ABSOLUTE_SECONDS after sign-in (8 hours),
whichever comes first; the record's « seen » time is written back at most every
TOUCH_SECONDS, with If-Match so that a session signed out meanwhile is never written back.

What a record holds: the email, the role and two times; never the provider's ID token (issue
25, item 9c: the provider's sign-out is asked with our client_id instead of an id_token_hint).
The bucket is versioned, and each « seen » write leaves the previous version behind: a session
that ends (sign-out, expiry met, account removed) is erased with every version of its record,
so no earlier version keeps the staff member's email. A session nobody comes back to is
removed by the bucket's lifecycle (infra/template.yaml, rule `gestion`: a day, then a day for
its earlier versions).

The same bucket keeps the sign-in flow's pending `state` (Authlib's cache, `StateCache`): the
browser's short-lived signed cookie names it, and it is deleted when used, so a `state` (and the
PKCE verifier and `nonce` kept with it) serves once, within STATE_SECONDS.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handler.platform.storage import DossierStore, WriteConflict

PREFIX = "gestion/sessions/"
STATES = "gestion/etats/"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 8 * 3600
TOUCH_SECONDS = 60
STATE_SECONDS = 10 * 60
COOKIE_MAX = 128


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


#: How many times an ended session's versions are listed and erased: a « seen » write racing
#: the erasure may leave one more version, which the next pass finds.
ERASE_PASSES = 3


@dataclass(frozen=True)
class StaffSession:
    """A signed-in person: their email and role."""

    email: str
    role: str


class SessionStore:
    """Opens, finds and ends the staff's sessions in the bucket."""

    def __init__(self, store: DossierStore, *, clock: Callable[[], float] = time.time) -> None:
        self.store, self.clock = store, clock

    def open(self, *, email: str, role: str) -> str:
        """A new session; the cookie's value (only the browser keeps it)."""
        cookie = secrets.token_urlsafe(32)
        now = self.clock()
        self.store.write(PREFIX + _digest(cookie) + ".json", {
            "email": email, "role": role, "ouverte": now, "vue": now}, if_none_match=True)
        return cookie

    def find(self, cookie: str) -> StaffSession | None:
        """The session a cookie names, if it is still open; an expired one is ended."""
        if not cookie or len(cookie) > COOKIE_MAX:
            return None
        key = PREFIX + _digest(cookie) + ".json"
        stored = self.store.read(key)
        if stored is None:
            return None
        record, now = stored.body, self.clock()
        if now - record["vue"] > IDLE_SECONDS or now - record["ouverte"] > ABSOLUTE_SECONDS:
            self._erase(key)
            return None
        if now - record["vue"] > TOUCH_SECONDS:
            try:
                self.store.write(key, {**record, "vue": now}, if_match=stored.etag)
            except WriteConflict:
                # Signed out (or touched) meanwhile: read again rather than write it back.
                return self.find(cookie) if self.store.read(key) is not None else None
        return StaffSession(record["email"], record["role"])

    def close(self, cookie: str) -> StaffSession | None:
        """End a session (sign-out): its record erased with every version; what it was, or
        None if there was none."""
        found = self.find(cookie)
        if found is not None:
            self._erase(PREFIX + _digest(cookie) + ".json")
        return found

    def _erase(self, key: str) -> None:
        # Every version and delete marker, not only the current one: the earlier « seen »
        # versions hold the email too.
        for _ in range(ERASE_PASSES):
            if not self.store.erase(key):
                break


class StateCache:
    """Authlib's cache for the sign-in flow's pending state, in the bucket (get/set/delete)."""

    def __init__(self, store: DossierStore, *, clock: Callable[[], float] = time.time) -> None:
        self.store, self.clock = store, clock

    def _key(self, key: str) -> str:
        return STATES + _digest(key) + ".json"

    def get(self, key: str) -> Any:
        stored = self.store.read(self._key(key))
        if stored is None or stored.body["expire"] < self.clock():
            return None
        return stored.body["valeur"]

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        expire = self.clock() + min(timeout or STATE_SECONDS, STATE_SECONDS)
        self.store.write(self._key(key), {"valeur": json.loads(json.dumps(value)),
                                          "expire": expire})

    def delete(self, key: str) -> None:
        self.store.delete(self._key(key))
