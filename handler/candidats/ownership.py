"""Proving that a dossier is one's own: its number and the birth date, slowed against guessing.

A birth date is not a secret, only one of some 30,000 plausible values, so guesses are limited:
- per number, shared by every instance (the count is in the bucket, `tentatives/<numero>.json`,
  written with conditional writes). Every proof is counted BEFORE it is judged: the request
  first adds itself to the number's record, pending, with a conditional write, and compares the
  birth date only once that write has succeeded and found fewer than MAX_FAILURES proofs (failed
  or pending) within WINDOW seconds. Then it settles its entry: a right date takes it back (the
  owner's own visits never add up), a wrong one marks it failed. Only failures lock: the request
  that finds MAX_FAILURES failed proofs locks the number for LOCK seconds, during which every
  proof for it answers 429 — right or wrong, existing dossier or not, so the lock tells nothing.
  A request that finds the free places held by proofs still being judged doesn't lock: those
  settle within moments, so it reads again until one is free (the owner's simultaneous right
  answers, a double click or a phone reloading, all get in). A proof that can't be counted
  within PATIENCE seconds of real time (places held, writes lost to concurrent ones) or for a
  storage fault is refused with 503 and Retry-After, never judged uncounted: simultaneous
  requests can't all pass a check made before anything was written. A proof still pending
  after STALE seconds was never settled (its request died, or couldn't write): it counts as a
  failure, so a guess judged can't escape the count. The count starts afresh after a lock: a
  guesser gets MAX_FAILURES tries per LOCK seconds at most (weeks to cover the plausible birth
  dates of one number). A stranger can keep a number locked; its owner then asks for an access
  link by email (handler.candidats.access_link), which needs no birth date and ignores the lock;
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

from handler.dossier.numero import canonical, flaw
from handler.platform import messages as msg
from handler.platform.errors import RETRY_AFTER_SECONDS, ApiError
from handler.platform.rate_limit import SlidingWindowLimit
from handler.platform.storage import DossierStore, Stored, WriteConflict
from shared_rules.dates_fr import attente

MAX_FAILURES, WINDOW, LOCK = 5, 15 * 60, 5 * 60
CLIENT_FAILURES, CLIENT_WINDOW = 20, 15 * 60
#: Seconds after which a proof still pending counts as failed: judging one takes milliseconds.
STALE = 30
#: Real seconds a proof may take to be counted (then 503), and again to settle its count once
#: judged: both well within the Lambda's 10 s.
PATIENCE = 3.0

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
    """The proofs counted in a record: {id, t}, with "echec" once failed (older records listed
    bare failure times)."""
    if record is None:
        return []
    return [*record.body.get("essais", []),
            *({"id": "", "t": t, "echec": True} for t in record.body.get("echecs", []))]


def _failed(entry: dict[str, Any], now: float) -> bool:
    return bool(entry.get("echec")) or entry["t"] <= now - STALE


def _conflicted(exc: ClientError) -> bool:
    return bool(exc.response.get("Error", {}).get("Code") == "ConditionalRequestConflict")


def _pause(attempt: int) -> None:
    """A random moment, longer as attempts fail, so that concurrent requests spread out."""
    time.sleep(random.uniform(0.005, min(0.2, 0.01 * 2 ** attempt)))


class OwnershipGuard:
    """Finds a dossier for its owner, counting every proof before judging it."""

    def __init__(self, store: DossierStore, *, clients: SlidingWindowLimit | None = None,
                 now: Callable[[], float] = time.time, judged: Judged | None = None,
                 patience: float = PATIENCE) -> None:
        self.store = store
        self.clients = clients or SlidingWindowLimit(CLIENT_FAILURES, CLIENT_WINDOW)
        self.now = now
        self.judged = judged
        self.patience = patience

    def find(self, typed_numero: str, date_naissance: str, *, client: str) -> Stored:
        """The dossier if the number and birth date match; 404 alike for any mismatch, 429 once
        too many proofs failed for this number or from this client, 503 when this proof
        couldn't be counted."""
        if (wait := self.clients.wait(client)) is not None:
            raise too_many(wait, msg.TROP_DE_TENTATIVES_CLIENT)
        numero = canonical(typed_numero)
        if numero is None:  # not a number at all: nothing to count it against but the client
            self.clients.hit(client)
            # Which part is wrong (its length, a character, its check character): a typing
            # error, which says nothing of the numbers that exist (issue 29).
            reason = flaw(typed_numero) or msg.DOSSIER_INTROUVABLE
            raise ApiError(422, "numero_invalide", reason, errors={"numero": [reason]})
        mine, rank = self._count(numero)
        stored = self.store.dossier(numero)
        matched = stored is not None and (
            stored.body["dossier"]["etat_civil"]["date_naissance"] == date_naissance)
        if self.judged is not None:
            self.judged(numero, matched, rank)
        self._settle(numero, mine, matched=matched)
        if stored is not None and matched:
            return stored
        self.clients.hit(client)
        raise _not_found()

    def _count(self, numero: str) -> tuple[str, int]:
        """Add one pending proof to the number's record; its id and rank. 429 when the number is
        locked or has MAX_FAILURES failures (which locks it), 503 when not counted in time."""
        mine = secrets.token_hex(8)
        deadline, attempt = time.monotonic() + self.patience, 0
        while True:
            record = self.store.attempts(numero)
            now = self.now()
            locked_until = record.body.get("bloque_jusqu_a", 0) if record else 0
            if now < locked_until:
                raise too_many(locked_until - now)
            recent = [e for e in _entries(record) if e["t"] > now - WINDOW]
            etag = record.etag if record else None
            if sum(_failed(e, now) for e in recent) >= MAX_FAILURES:
                self._lock(numero, etag, now)
                raise too_many(LOCK)
            if len(recent) < MAX_FAILURES:
                try:
                    self.store.record_attempts(
                        numero, {"essais": [*recent, {"id": mine, "t": now}]}, etag=etag)
                    return mine, len(recent) + 1
                except WriteConflict:
                    pass  # another request wrote first: read again and count again
                except ClientError as exc:
                    if not _conflicted(exc):
                        raise
            # Or the places left are held by proofs being judged, not failed: they settle
            # within moments (a right one frees its place), so read again rather than lock.
            if time.monotonic() >= deadline:
                raise _not_counted()
            _pause(attempt)
            attempt += 1

    def _lock(self, numero: str, etag: str | None, now: float) -> None:
        """Lock the number from now on (the count starts afresh after the lock). A concurrent
        writer may win: it locked it, or wrote a record that the next proof will judge."""
        try:
            self.store.record_attempts(numero, {"essais": [], "bloque_jusqu_a": now + LOCK},
                                       etag=etag)
        except WriteConflict:
            pass
        except ClientError as exc:
            if not _conflicted(exc):
                raise

    def _settle(self, numero: str, mine: str, *, matched: bool) -> None:
        """Take a right proof out of the count, mark a wrong one failed. Best effort: a proof
        whose entry can't be written in time stays pending, and counts as failed once STALE."""
        deadline, attempt = time.monotonic() + self.patience, 0
        while True:
            try:
                record = self.store.attempts(numero)
                entries = _entries(record)
                if record is None or all(e["id"] != mine for e in entries):
                    return  # gone already (a lock started the count afresh)
                settled = ([e for e in entries if e["id"] != mine] if matched else
                           [{**e, "echec": True} if e["id"] == mine else e for e in entries])
                kept = {k: v for k, v in record.body.items() if k != "echecs"}
                self.store.record_attempts(numero, {**kept, "essais": settled},
                                           etag=record.etag)
                return
            except WriteConflict:
                pass
            except ClientError as exc:
                if not _conflicted(exc):
                    return
            except BotoCoreError:
                return
            if time.monotonic() >= deadline:
                return
            _pause(attempt)
            attempt += 1
