"""Proving that a dossier is one's own: its number and the birth date, slowed against guessing.

A birth date is not a secret, only one of some 30,000 plausible values, so guesses are limited:
- per number, shared by every instance (the count is in the bucket, `tentatives/<numero>.json`,
  written with conditional writes). Every proof is counted BEFORE it is judged: the request
  first adds itself to the number's record with a conditional write, and compares the birth
  date only once that write has succeeded and found fewer than MAX_FAILURES proofs within WINDOW
  seconds. A proof that can't be counted (writes lost to concurrent ones RETRIES times, a
  storage fault) is refused with 503 and Retry-After, never judged uncounted: simultaneous
  requests can't all pass a check made before anything was written. A right date takes its
  count back (the owner's own visits don't add up), a wrong one keeps it. The request that finds
  MAX_FAILURES proofs already counted locks the number for LOCK seconds, during which every
  proof for it answers 429 — right or wrong, existing dossier or not, so the lock tells nothing.
  The count starts afresh after a lock: a guesser gets MAX_FAILURES tries per LOCK seconds at
  most (weeks to cover the plausible birth dates of one number). A stranger can keep a number
  locked; its owner then asks for an access link by email (handler.candidats.access_link),
  which needs no birth date and ignores the lock;
- per client, in-process: CLIENT_FAILURES failures per CLIENT_WINDOW seconds, then 429 (behind
  Lambda each instance counts alone; the WAF's rate rule holds across instances).
Durations use real time, never the calendar clock.
"""

from __future__ import annotations

import math
import random
import secrets
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from handler.dossier.numero import canonical
from handler.platform import messages as msg
from handler.platform.errors import RETRY_AFTER_SECONDS, ApiError
from handler.platform.rate_limit import SlidingWindowLimit
from handler.platform.storage import DossierStore, Stored, WriteConflict
from shared_rules.dates_fr import attente

MAX_FAILURES, WINDOW, LOCK = 5, 15 * 60, 5 * 60
CLIENT_FAILURES, CLIENT_WINDOW = 20, 15 * 60
#: How many times a proof tries to count itself against concurrent writers before 503.
RETRIES = 6

#: Told of every proof judged: (number, whether the date matched, its rank among the proofs
#: counted in the window, 1 to MAX_FAILURES). Tests count the comparisons with it.
Judged = Callable[[str, bool, int], None]


def too_many(wait: float, template: str = msg.TROP_DE_TENTATIVES) -> ApiError:
    """429 with Retry-After in whole seconds and the wait in minutes in `template`."""
    seconds = max(1, math.ceil(wait))
    return ApiError(429, "trop_de_tentatives",
                    template.format(minutes=attente(seconds)),
                    headers={"Retry-After": str(seconds)})


def _not_found() -> ApiError:
    return ApiError(404, "dossier_introuvable", msg.DOSSIER_INTROUVABLE)


def _not_counted() -> ApiError:
    return ApiError(503, "tentative_non_comptee", msg.TENTATIVE_NON_COMPTEE,
                    headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _entries(record: Stored | None) -> list[dict[str, Any]]:
    """The proofs counted in a record (older records listed bare failure times)."""
    if record is None:
        return []
    return [*record.body.get("essais", []),
            *({"id": "", "t": t} for t in record.body.get("echecs", []))]


def _conflicted(exc: ClientError) -> bool:
    return bool(exc.response.get("Error", {}).get("Code") == "ConditionalRequestConflict")


class OwnershipGuard:
    """Finds a dossier for its owner, counting every proof before judging it."""

    def __init__(self, store: DossierStore, *, clients: SlidingWindowLimit | None = None,
                 now: Callable[[], float] = time.time, judged: Judged | None = None) -> None:
        self.store = store
        self.clients = clients or SlidingWindowLimit(CLIENT_FAILURES, CLIENT_WINDOW)
        self.now = now
        self.judged = judged

    def find(self, typed_numero: str, date_naissance: str, *, client: str) -> Stored:
        """The dossier if the number and birth date match; 404 alike for any mismatch, 429 once
        too many proofs failed for this number or from this client, 503 when this proof
        couldn't be counted."""
        if (wait := self.clients.wait(client)) is not None:
            raise too_many(wait, msg.TROP_DE_TENTATIVES_CLIENT)
        numero = canonical(typed_numero)
        if numero is None:  # not a number at all: nothing to count it against but the client
            self.clients.hit(client)
            raise _not_found()
        mine, rank = self._count(numero)
        stored = self.store.dossier(numero)
        matched = stored is not None and (
            stored.body["dossier"]["etat_civil"]["date_naissance"] == date_naissance)
        if self.judged is not None:
            self.judged(numero, matched, rank)
        if stored is not None and matched:
            self._take_back(numero, mine)
            return stored
        self.clients.hit(client)
        raise _not_found()

    def _count(self, numero: str) -> tuple[str, int]:
        """Add one proof to the number's record; its id and rank. 429 when the number is
        locked or this proof would exceed the limit (which locks it), 503 when not counted."""
        mine = secrets.token_hex(8)
        for attempt in range(RETRIES):
            record = self.store.attempts(numero)
            now = self.now()
            locked_until = record.body.get("bloque_jusqu_a", 0) if record else 0
            if now < locked_until:
                raise too_many(locked_until - now)
            recent = [e for e in _entries(record) if e["t"] > now - WINDOW]
            etag = record.etag if record else None
            if len(recent) >= MAX_FAILURES:
                self._lock(numero, etag, now)
                raise too_many(LOCK)
            try:
                self.store.record_attempts(numero, {"essais": [*recent, {"id": mine, "t": now}]},
                                           etag=etag)
                return mine, len(recent) + 1
            except WriteConflict:
                pass  # another request counted first: read again and count again
            except ClientError as exc:
                if not _conflicted(exc):
                    raise
            time.sleep(random.uniform(0, 0.02 * (attempt + 1)))
        raise _not_counted()

    def _lock(self, numero: str, etag: str | None, now: float) -> None:
        """Lock the number from now on (the count starts afresh after the lock). A concurrent
        writer may win: it locked it, or counted a proof that will find the limit reached."""
        try:
            self.store.record_attempts(numero, {"essais": [], "bloque_jusqu_a": now + LOCK},
                                       etag=etag)
        except WriteConflict:
            pass
        except ClientError as exc:
            if not _conflicted(exc):
                raise

    def _take_back(self, numero: str, mine: str) -> None:
        """Remove a right proof from the count; best effort: if it can't be written, the
        owner's visit only stays counted until the window ends."""
        for _ in range(3):
            try:
                record = self.store.attempts(numero)
                if record is None:
                    return
                left = [e for e in _entries(record) if e["id"] != mine]
                if len(left) == len(_entries(record)):
                    return  # gone already (a lock started the count afresh)
                kept = {k: v for k, v in record.body.items() if k != "echecs"}
                self.store.record_attempts(numero, {**kept, "essais": left}, etag=record.etag)
                return
            except WriteConflict:
                continue
            except (ClientError, BotoCoreError):
                return
