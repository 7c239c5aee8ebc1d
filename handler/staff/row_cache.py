"""The staff's row cache: each dossier's spreadsheet row, made in advance, so that a CSV or XLSX
export of many dossiers reads about one object per ten dossiers at 10,000 (per twenty at
20,000) instead of one or two per dossier (issue 18: 10,000 dossiers in at most a quarter of a
bare list-then-get loop's time). Exports use it from exports.ROW_CACHE_MIN dossiers on.

Layout: `index/<session>/lignes/<ab>.json`, one object per first two symbols of the number
(1,024 of them, about 20 rows each at 20,000 dossiers):
`{"empreinte": <the rows' format>, "lignes": {numero: [dossier ETag, follow-up ETag or null,
row]}}`, the row as JSON text (columns.row's cells, dates and digit codes tagged).

**Never trusted, always checked.** Before using a row, the export lists `dossiers/` and
`suivi/` under the first symbol of its number (a listing gives each object's ETag, one call per
1,000 objects), and the row objects there (only those that exist are read). It takes a cached
row only if the dossier's and the follow-up's ETags are still those it was made from, and if
its format's fingerprint (a hash of the code and session data that make a row) is today's.
Every other row is made again from the dossier and its follow-up, read then, as an export did
before the cache. A cache that is late, partial or missing makes an export slower, never
wrong; a dossier erased meanwhile is left out, as before. The work goes first symbol by first
symbol, a few at a time, so memory holds those symbols' listings, not the registry's, and the
rows go to a temporary file, read back in the selection's order.

**Kept warm** by whoever makes rows: an export writes back the rows it had to make; the
scheduled compaction (every minute, `refresh_changed`) remakes the rows of the first symbols
whose index shard changed since its last pass (one LIST and one GET when nothing changed);
`python -m handler.staff rebuild-index` remakes all. Writes are conditional (IfMatch or
IfNoneMatch): a writer that loses leaves the winner's rows.

**Erasure.** A row is personal data: `purge` drops it from its object and deletes every earlier
version of that object that held it (small objects keep few versions, so this reads little),
like the index's purge; an erasure runs it before and after deleting the dossier. A writer that
read a dossier before its erasure may write its row after the purge: once a first symbol's
objects are written (or its pass failed midway), the writer checks that each dossier whose row
it wrote still exists, and purges the rows of those gone. And a writer that drops a row because
its dossier is gone purges that row's earlier versions too, so whatever escaped goes at the next
pass over its object.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import tempfile
import threading
from array import array
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from botocore.exceptions import BotoCoreError, ClientError

import shared_rules
from handler.dossier import index as summary_index
from handler.dossier import numero as numero_mod
from handler.dossier import recapitulatif, suivi
from handler.platform.errors import StorageUnavailable
from handler.platform.fetch import EXPORT_WORKERS, fetch_ordered
from handler.platform.storage import DOSSIERS, DossierStore, Stored, WriteConflict
from handler.staff import columns
from shared_rules.session import Session

log = logging.getLogger(__name__)

LIGNES = "lignes/"
#: The compaction's last pass: each first symbol's index shard ETag then.
ETAT = "etat.json"
#: A writer checks that the dossiers it wrote rows for still exist: one HEAD each up to this
#: many, else the listings again.
CHECK_BY_HEAD_MAX = 64
#: The scheduled pass begins no first symbol with less time left than this (a symbol holds
#: about 1/32 of the dossiers: about 600 to read at most at 20,000, when all changed).
SYMBOL_SECONDS = 20.0
#: First symbols worked on at once (at most; the reader's `workers` share them), each listed
#: (three listings), then its 32 row objects read in turn. Measured at 10,000 dossiers here: 8
#: at once take the same time as 64 and 4 (7.8 to 8.9 s), and peak at 81.8 MB against
#: 78.7 MB for 4, which keeps the memory budget's margin; in AWS 4 read the 1,024 objects in a
#: few seconds. Stale rows are made `workers // SYMBOL_WORKERS` at a time in each (16 × 4).
SYMBOL_WORKERS = 4
#: Rounds of an erasure's purge (see SummaryIndex.purge).
PURGE_ROUNDS = summary_index.PURGE_ROUNDS

Entry = list[Any]  # [dossier ETag, follow-up ETag or None, row as JSON text]
Truth = dict[str, tuple[str, str | None]]  # numero → (dossier ETag, follow-up ETag or None)


def _well_formed(body: Any) -> bool:
    """A row object as this module writes it (anything else is read as empty, and replaced)."""
    lignes = body.get("lignes") if isinstance(body, dict) else None
    return isinstance(lignes, dict) and all(
        isinstance(e, list) and len(e) == 3 and isinstance(e[2], str) for e in lignes.values())


def shard_of(numero: str) -> str:
    return numero[:2]


def prefix(session: str) -> str:
    return f"{summary_index.INDEX}{session}/{LIGNES}"


def shard_key(session: str, shard: str) -> str:
    return f"{prefix(session)}{shard}.json"


# -- a row as text, and back -------------------------------------------------------------------
def encode(cells: Sequence[columns.Cell]) -> str:
    """A row as JSON text: dates, date-times and digit codes tagged, so each comes back typed."""
    def tagged(cell: columns.Cell) -> Any:
        if isinstance(cell, dt.datetime):
            return {"datetime": cell.isoformat()}
        if isinstance(cell, dt.date):
            return {"date": cell.isoformat()}
        if isinstance(cell, columns.Digits):
            return {"chiffres": str(cell)}
        return cell
    return json.dumps([tagged(c) for c in cells], ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> list[columns.Cell]:
    def typed(cell: Any) -> columns.Cell:
        if isinstance(cell, dict):
            if "datetime" in cell:
                return dt.datetime.fromisoformat(cell["datetime"])
            if "date" in cell:
                return dt.date.fromisoformat(cell["date"])
            return columns.Digits(cell["chiffres"])
        return cell  # type: ignore[no-any-return]
    return [typed(c) for c in json.loads(text)]


@functools.cache
def _code_fingerprint() -> str:
    """A hash of the code and data a row is made from: the columns, the follow-up's labels, the
    number's display, the labels of the candidate's review and every rule and session file. A
    deploy that changes any of them makes every cached row stale at once."""
    digest = hashlib.sha256()
    files = [Path(str(m.__file__)) for m in (columns, suivi, numero_mod, recapitulatif)]
    files.append(Path(__file__))
    rules = Path(str(shared_rules.__file__)).parent
    files += sorted(p for p in rules.rglob("*") if p.suffix in {".py", ".yaml", ".json"}
                    and "examples" not in p.parts and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(session: Session) -> str:
    """The rows' format for this session: the code's fingerprint and the session's code."""
    return hashlib.sha256(f"{_code_fingerprint()}:{session.code}".encode()).hexdigest()[:32]


# -- the rows of an export ----------------------------------------------------------------------
class Rows:
    """The rows of a selection, spooled to a temporary file as they come (in any order, from
    several threads), then read back in the selection's order: memory holds two 8-byte numbers
    per row, not the rows, whatever the count."""

    def __init__(self, numeros: Sequence[str]) -> None:
        self.position: dict[str, int] = {}  # each number's slot (a number listed twice: one)
        self.order = array("q")  # the selection, as slots
        for numero in numeros:
            self.order.append(self.position.setdefault(numero, len(self.position)))
        self.offsets = array("q", [-1]) * len(self.position)  # offset << 24 | length
        self.spool: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115  closed by in_order
        self.made = 0  # rows made from the dossier (not found fresh in the cache)
        self.lock = threading.Lock()

    def add(self, numero: str, text: str) -> None:
        data = text.encode("utf-8")
        with self.lock:
            self.spool.seek(0, 2)
            self.offsets[self.position[numero]] = (self.spool.tell() << _LENGTH_BITS
                                                   | len(data))
            self.spool.write(data)

    def in_order(self) -> Iterator[list[columns.Cell]]:
        """Each present number's row, in the selection's order (erased dossiers left out)."""
        try:
            for slot in self.order:
                found = self.offsets[slot]
                if found < 0:
                    continue
                self.spool.seek(found >> _LENGTH_BITS)
                yield decode(self.spool.read(found & _LENGTH_MASK).decode("utf-8"))
        finally:
            self.spool.close()


_LENGTH_BITS = 24  # a row is far under 16 MB
_LENGTH_MASK = (1 << _LENGTH_BITS) - 1


class RowCache:
    """Reads, checks, makes and writes back the cached rows of one session's dossiers."""

    def __init__(self, store: DossierStore, session: Session, *,
                 workers: int = EXPORT_WORKERS) -> None:
        self.store = store
        self.session = session
        self.workers = workers
        self.labels = columns.Labels.of(session)
        self.format = fingerprint(session)

    # -- what the bucket holds now ----------------------------------------------------------
    def _listing(self, key_prefix: str) -> dict[str, str]:
        """numero → ETag of every `<key_prefix>….json`."""
        start = len(key_prefix) - 1  # the listing's prefix ends with the first symbol
        return {key[start:-len(".json")]: etag for key, etag in self.store.listing(key_prefix)
                if key.endswith(".json") and "/" not in key[start:]}

    def truth(self, symbol: str) -> tuple[Truth, set[str]]:
        """Every dossier whose number starts with `symbol`, with its ETag and its follow-up's
        (None if it has none), and the row objects that exist for it: three listings."""
        dossiers = self._listing(f"{DOSSIERS}{symbol}")
        follow_ups = self._listing(f"{suivi.SUIVI}{symbol}")
        shards = set(self._listing(f"{prefix(self.session.code)}{symbol}"))
        return {n: (e, follow_ups.get(n)) for n, e in dossiers.items()}, shards

    def _make(self, numero: str, has_follow_up: bool) -> tuple[Entry, str] | None:
        """A row made from the dossier and its follow-up read now, as its cache entry, with its
        number; None if erased, or another session's."""
        stored = self.store.dossier(numero)
        if stored is None:
            return None
        if stored.body.get("session") != self.session.code:
            # Another session's dossier (a bucket shared by two sessions): no row here, and
            # nothing of it kept here, so that an erasure run for its session leaves no trace.
            return None
        follow_up = suivi.read(self.store, numero) if has_follow_up else None
        text = encode(columns.row(stored.body, follow_up.body if follow_up else None,
                                  self.labels))
        return [stored.etag, follow_up.etag if follow_up else None, text], numero

    # -- the export's rows ----------------------------------------------------------------------
    def rows(self, numeros: Sequence[str]) -> Rows:
        """The rows of `numeros`, fresh: cached where still true, made (and written back) where
        not. Read them with `Rows.in_order`."""
        rows = Rows(numeros)
        self._pass({shard_of(n) for n in rows.position}, rows.position, rows)
        return rows

    def refresh(self, symbols: Iterable[str] | None = None) -> int:
        """Remake the stale rows of every dossier whose number starts with one of `symbols`
        (all when None), and write them back; the number of rows made."""
        firsts = sorted(set(symbols if symbols is not None else numero_mod.ALPHABET))
        shards = {a + b for a in firsts for b in numero_mod.ALPHABET}
        return self._pass(shards, None, None)

    def _pass(self, shards: set[str], wanted: Container[str] | None, out: Rows | None) -> int:
        """First symbol by first symbol, a few at a time: list what the bucket holds there,
        then each of its shards in turn: read it, keep its true rows, make the others, write it
        back if it changed; the wanted rows go to `out` as they come. Memory holds the symbols
        in flight, not the registry. The rows made."""
        by_symbol: dict[str, list[str]] = defaultdict(list)
        for shard in sorted(shards):
            by_symbol[shard[0]].append(shard)
        symbol_workers = max(1, min(SYMBOL_WORKERS, self.workers))
        make_workers = max(1, self.workers // symbol_workers)

        def symbol_pass(symbol: str) -> int:
            truth, existing = self.truth(symbol)
            by_shard: dict[str, list[str]] = defaultdict(list)
            for numero in sorted(truth):
                by_shard[shard_of(numero)].append(numero)
            made = 0
            written: list[str] = []
            try:
                for shard in by_symbol[symbol]:
                    made += self._shard_pass(shard, by_shard.get(shard, []), truth, wanted,
                                             out, written, read=shard in existing,
                                             workers=make_workers)
            finally:
                # Whatever happened since, the rows this symbol's writes may have put back
                # for a dossier erased meanwhile go now (see the module's « Erasure »).
                self._purge_erased(written)
            return made

        made = sum(fetch_ordered(symbol_pass, sorted(by_symbol), workers=symbol_workers,
                                 window=symbol_workers))
        if out is not None:
            out.made = made
        return made

    def _read_shard(self, shard: str) -> tuple[Stored | None, bool]:
        """A row object, and whether it can be rewritten (False: unreadable, left as it is)."""
        try:
            current = self.store.read(shard_key(self.session.code, shard))
        except ValueError:  # not JSON: its rows are not used, and it is not overwritten blind
            log.warning("export rows unreadable: %s", shard)
            return None, False
        if current is not None and not _well_formed(current.body):
            log.warning("export rows malformed: %s", shard)
            return Stored({}, current.etag), True
        return current, True

    def _shard_pass(self, shard: str, numeros: list[str], truth: Truth,
                    wanted: Container[str] | None, out: Rows | None, written: list[str], *,
                    read: bool, workers: int) -> int:
        """One shard: its wanted rows to `out`; how many were made. Every number whose row a
        write of this shard may have put (or dropped) is added to `written`, before the write,
        so that it is checked whatever the write's outcome."""
        current, writable = self._read_shard(shard) if read else (None, True)
        same_format = current is not None and current.body.get("empreinte") == self.format
        cached: dict[str, Entry] = (current.body.get("lignes", {})
                                    if current is not None and same_format else {})
        # What stays true: the dossier and its follow-up are the objects the row was made of.
        kept = {n: e for n, e in cached.items() if truth.get(n) == (e[0], e[1])}
        chosen = [n for n in numeros if wanted is None or n in wanted]
        stale = [n for n in chosen if n not in kept]
        made: dict[str, Entry] = {}
        for result in fetch_ordered(lambda n: self._make(n, truth[n][1] is not None), stale,
                                    workers=workers) if stale else ():
            if result is not None:  # None: erased since the listing, or another session's
                made[result[1]] = result[0]
        if out is not None:
            for numero in chosen:
                entry = kept.get(numero) or made.get(numero)
                if entry is not None:
                    out.add(numero, entry[2])
        new = {**kept, **made}
        old = current.body.get("lignes", {}) if current is not None else {}
        if not writable or (new == old and same_format) or (not new and current is None):
            return len(made)
        # Rows this write drops because their dossier is gone: purged from the older versions
        # too (an erasure's own purge may have missed one written after it).
        written += [n for n in old if n not in truth and n not in new]
        written += list(made)
        try:
            self.store.write(shard_key(self.session.code, shard),
                             {"empreinte": self.format, "lignes": new},
                             if_none_match=current is None,
                             if_match=current.etag if current else None)
        except WriteConflict:
            pass  # another writer went first (or a retry of ours): its rows stand
        except (ClientError, BotoCoreError) as exc:
            log.warning("export rows not written back: %s", type(exc).__name__)
        return len(made)

    def _purge_erased(self, numeros: list[str]) -> None:
        """Purge the rows of those of `numeros` whose dossier no longer exists; each on its
        own, so that one failure leaves the others purged (logged: the next pass retries)."""
        if not numeros:
            return
        try:
            gone = self._gone(numeros)
        except (ClientError, BotoCoreError) as exc:
            log.error("rows of an erased dossier may remain: %s", type(exc).__name__)
            return
        for numero in gone:
            try:
                self.purge(numero)
            except (ClientError, BotoCoreError, StorageUnavailable) as exc:
                log.error("rows of an erased dossier may remain: %s", type(exc).__name__)

    def _gone(self, numeros: list[str]) -> list[str]:
        """Those of `numeros` whose dossier no longer exists (erased while its row was made)."""
        if len(numeros) <= CHECK_BY_HEAD_MAX:
            with ThreadPoolExecutor(max_workers=min(self.workers, len(numeros))) as pool:
                taken = list(pool.map(self.store.numero_taken, numeros))
            return [n for n, t in zip(numeros, taken, strict=True) if not t]
        listed = {n for first in {n[0] for n in numeros}
                  for n in self._listing(f"{DOSSIERS}{first}")}
        return [n for n in numeros if n not in listed]

    # -- the scheduled pass -------------------------------------------------------------------
    def refresh_changed(self, *, time_left: Callable[[], float] | None = None) -> int:
        """Remake the rows of the first symbols whose index shard changed since the last pass
        (the compaction merged parts there); the rows made. One LIST and one GET when nothing
        changed. Symbol by symbol, each recorded once done, so that a pass stopped by its
        function's timeout keeps what it did; none is begun with less than SYMBOL_SECONDS of
        `time_left()` (seconds)."""
        base = f"{summary_index.INDEX}{self.session.code}/"
        etags = {key[len(base):-len(".json")]: etag
                 for key, etag in self.store.listing(base, delimiter="/")
                 if key.endswith(".json")}
        state_key = prefix(self.session.code) + ETAT
        state = self.store.read(state_key)
        seen: dict[str, str] = {}
        if state is not None and state.body.get("empreinte") == self.format:
            seen = dict(state.body.get("index", {}))
        made = 0
        for symbol in numero_mod.ALPHABET:
            if symbol not in etags or etags[symbol] == seen.get(symbol):
                continue
            if time_left is not None and time_left() < SYMBOL_SECONDS:
                break
            made += self.refresh([symbol])
            seen[symbol] = etags[symbol]
            try:
                etag = self.store.write(state_key, {"empreinte": self.format, "index": seen},
                                        if_none_match=state is None,
                                        if_match=state.etag if state else None)
                state = Stored({"empreinte": self.format, "index": seen}, etag)
            except WriteConflict:
                break  # another pass runs: it goes on from what it read
        return made

    def purge(self, numero: str) -> int:
        return purge(self.store, self.session.code, numero)


def purge(store: DossierStore, session: str, numero: str, *,
          checked: set[str] | None = None) -> int:
    """Drop a dossier's row from its object, and delete every earlier version of that object
    that held it (erasure); the number of versions deleted. In rounds, as SummaryIndex.purge:
    until a round finds the row nowhere (a writer in flight may write it once more).
    `checked` keeps the versions already found clean across calls (they never change)."""
    key = shard_key(session, shard_of(numero))
    checked = set() if checked is None else checked

    def holds(body: dict[str, Any]) -> bool:
        return numero in body.get("lignes", {})

    deleted = 0
    for _ in range(PURGE_ROUNDS):
        current = store.read(key)
        if current is not None and holds(current.body):
            lignes = dict(current.body["lignes"])
            lignes.pop(numero)
            try:
                store.write(key, {**current.body, "lignes": lignes}, if_match=current.etag)
            except WriteConflict:
                continue  # written meanwhile: read it again
        found, current_holds = store.erase_versions_holding(key, holds, checked=checked)
        deleted += found
        if not found and not current_holds:
            return deleted
    raise StorageUnavailable("export row still written by a concurrent update")
