"""Proving that a dossier is one's own: its number and the birth date, slowed against guessing.

A birth date is not a secret, only one of some 30,000 plausible values, so guesses are limited:
- per number, shared by every instance (the count is in the bucket, `tentatives/<numero>.json`,
  written with conditional writes): after MAX_FAILURES failures within WINDOW seconds the number
  is locked for LOCK seconds, during which every proof for it answers 429 — right or wrong,
  existing dossier or not, so the lock tells nothing. The count starts afresh after a lock: a
  stranger can hold a candidate off LOCK seconds at a time, no longer, and a guesser gets
  MAX_FAILURES tries per LOCK seconds (weeks to cover the plausible birth dates of one number);
- per client, in-process: CLIENT_FAILURES failures per CLIENT_WINDOW seconds, then 429 (behind
  Lambda each instance counts alone; the WAF's rate rule holds across instances).
Durations use real time, never the calendar clock.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from handler import messages as msg
from handler.errors import ApiError
from handler.numero import canonical
from handler.rate_limit import SlidingWindowLimit
from handler.storage import DossierStore, Stored, WriteConflict

MAX_FAILURES, WINDOW, LOCK = 5, 15 * 60, 5 * 60
CLIENT_FAILURES, CLIENT_WINDOW = 20, 15 * 60
_RETRIES = 3


def _too_many(wait: float) -> ApiError:
    seconds = max(1, math.ceil(wait))
    return ApiError(429, "trop_de_tentatives",
                    msg.TROP_DE_TENTATIVES.format(minutes=max(1, math.ceil(seconds / 60))),
                    headers={"Retry-After": str(seconds)})


def _not_found() -> ApiError:
    return ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)


class OwnershipGuard:
    """Finds a dossier for its owner, counting and limiting failed proofs."""

    def __init__(self, store: DossierStore, *, clients: SlidingWindowLimit | None = None,
                 now: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clients = clients or SlidingWindowLimit(CLIENT_FAILURES, CLIENT_WINDOW)
        self.now = now

    def find(self, typed_numero: str, date_naissance: str, *, client: str) -> Stored:
        """The dossier if the number and birth date match; 404 alike for any mismatch, 429 once
        too many proofs failed for this number or from this client."""
        if (wait := self.clients.wait(client)) is not None:
            raise _too_many(wait)
        numero = canonical(typed_numero)
        if numero is None:  # not a number at all: nothing to count it against but the client
            self.clients.hit(client)
            raise _not_found()
        record = self.store.attempts(numero)
        now = self.now()
        locked_until = record.body.get("bloque_jusqu_a", 0) if record else 0
        if now < locked_until:
            raise _too_many(locked_until - now)
        stored = self.store.dossier(numero)
        if stored and stored.body["dossier"]["etat_civil"]["date_naissance"] == date_naissance:
            return stored
        self.clients.hit(client)
        self._count_failure(numero, record)
        raise _not_found()

    def _count_failure(self, numero: str, record: Stored | None) -> None:
        for _ in range(_RETRIES):
            now = self.now()
            recent = [t for t in (record.body.get("echecs", []) if record else [])
                      if t > now - WINDOW]
            recent.append(now)
            content: dict[str, object] = {"echecs": recent}
            if len(recent) >= MAX_FAILURES:
                content = {"echecs": [], "bloque_jusqu_a": now + LOCK}
            try:
                self.store.record_attempts(numero, content,
                                           etag=record.etag if record else None)
                return
            except WriteConflict:
                record = self.store.attempts(numero)  # another instance counted: count again
