"""The staff's summary index: one small entry per dossier, in a fixed number of shards.

Why: through API Gateway and Lambda an answer must fit in 6 MB and 30 s (10 s for this
function); at 20,000 dossiers a list can't read 20,000 objects per request. The index holds what
the list and its filters need, nothing more: number, names, email and phone (the free search),
birth date, speciality, département, whether exam accommodations were asked, creation and
modification dates, the dossier's version; the follow-up's status, revision and the version whose
signed confirmation was received; the agent the dossier is assigned to (`attribution`); where
pieces come back online (issue 28), how many wait for the bureau's judgement and whether one was
infected, so that the bureau finds them at volume without opening every dossier.

Layout: `index/<session>/<symbol>.json`, one shard per first symbol of the number (32 shards,
about 625 entries each at 20,000 dossiers, ~200 KB), read in parallel by a list. The
candidate's path never reads or rewrites a shard (issue 18: its cost would grow with the
registry): each write of a dossier or of its follow-up adds one small object,
`index/<session>/entrees/<numero>/<instant>-<random>.json` (one PUT with IfNoneMatch, a new
name each time so that nothing is overwritten). A compaction merges these pending parts into
their shards (each shard rewritten once with IfMatch, retried on conflict) and deletes them: the
scheduled function of infra/template.yaml runs it every minute, and every list runs it first (so
locally and in tests the list is its own compaction); a list also merges in memory whatever
could not be compacted.

Entries merge monotonically: the dossier's part is replaced only by an equal or newer version,
the follow-up's part only by an equal or newer revision, the assignment's only by an equal or
newer assignment revision, the pieces' only by an equal or newer revision of their record, so
writers racing on one dossier can't set it back, whatever their order.

An entry written before a field was added lacks it: the list reads every added field with a
default (no birth date shown, not found by email or phone, not « aménagement demandé »), and
`rebuild-index` remakes every entry as today's code makes it (README, « The index »).

The dossier is the truth, the index a copy. A failed index update never fails or loses the
dossier: it is logged (no personal data) and a repair marker is left,
`index/<session>/a-reparer/<numero>.json`; every list repairs the marked entries first (one LIST
call, usually empty). A process stopped between the two writes leaves no marker: the next write
of that dossier, or `python -m handler.staff rebuild-index` (rebuilt from the dossiers and their
follow-up, safe while the service runs), repairs it.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

import shared_rules
from handler.dossier import attribution as attribution_mod
from handler.dossier import pieces as pieces_mod
from handler.dossier import suivi as suivi_mod
from handler.dossier.numero import ALPHABET
from handler.platform.errors import StorageUnavailable
from handler.platform.fetch import fetch_ordered
from handler.platform.storage import DOSSIERS, DossierStore, Stored, WriteConflict
from shared_rules.identity import group_of
from shared_rules.telephone import comparable

log = logging.getLogger(__name__)

INDEX = "index/"
SHARDS = ALPHABET  # one shard per first symbol of the number
REPAIR = "a-reparer/"
#: The parts written since the last compaction: `<session>/entrees/<numero>/<instant>-<rand>`.
PENDING = "entrees/"
CONFLICT_ATTEMPTS = 10
#: Rounds of an erasure's index purge (see SummaryIndex.purge): one suffices unless an update
#: of the erased dossier itself was in flight.
PURGE_ROUNDS = 5
Summary = dict[str, Any]
#: Hex digits of the homonym group an entry keeps.
GROUPE_LEN = 16
Progress = Callable[[int, int], None]


def shard_of(numero: str) -> str:
    return numero[0]


def shard_key(session: str, symbol: str) -> str:
    return f"{INDEX}{session}/{symbol}.json"


def pending_prefix(session: str, numero: str) -> str:
    """Every pending part of one dossier lies under this prefix (what an erasure deletes)."""
    return f"{INDEX}{session}/{PENDING}{numero}/"


def repair_key(session: str, numero: str) -> str:
    return f"{INDEX}{session}/{REPAIR}{numero}.json"


def dossier_part(record: Mapping[str, Any]) -> Summary:
    """What the list needs of a stored dossier."""
    d = record["dossier"]
    ec = d["etat_civil"]
    contact = d["contact"]
    return {
        "numero": record["numero"],
        "nom_naissance": ec["nom_naissance"],
        "nom_usage": ec.get("nom_usage"),
        "prenoms": list(ec["prenoms"]),
        # As stored (`1998-05-17`, or `1996` when the papers carry no day and month).
        "date_naissance": ec["date_naissance"],
        # The free search's: the address in lower case, the phone as the search compares it.
        "courriel": str(contact["email"]).lower(),
        **({"telephone": comparable(contact["telephone"])} if contact.get("telephone") else {}),
        "specialite": d["specialite"],
        "departement": d["contact"]["departement"],
        "cree_le": record["cree_le"],
        "modifie_le": record["modifie_le"],
        "version": record["version"],
        # « Ma spécialité n'est pas dans la liste »: the label the candidate typed (issue 13).
        **({"specialite_autre": d["specialite_autre"]} if d.get("specialite_autre") else {}),
        # The homonym group (a hash of the birth name and date): two people in one group are
        # flagged « homonyme possible » by the list (issue 24). Its first 64 bits: enough to
        # tell a session's groups apart, a quarter of the digest's weight in every shard.
        "groupe": group_of(record["identite"])[:GROUPE_LEN],
        # The warnings and whether the candidate confirmed the postcode's (issues 13, 24).
        **({"avertissements": warnings,
            "confirmation_residence": bool(d["contact"].get("confirmation_residence"))}
           if (warnings := shared_rules.stored_warnings(d)) else {}),
        # The candidate asks for exam accommodations (the list's filter « aménagement demandé »).
        **({"amenagement": True} if (d.get("amenagement") or {}).get("demande") else {}),
    }


def suivi_part(suivi: Mapping[str, Any] | None) -> Summary:
    """What the list needs of a dossier's follow-up (a new dossier's when None)."""
    current = suivi or suivi_mod.initial()
    return {"statut": current["statut"], "revision": current["revision"],
            "version_confirmee": current["version_confirmee"]}


def attribution_part(record: Mapping[str, Any] | None) -> Summary:
    """What the list needs of a dossier's assignment: nothing while it never had one (most
    entries: the list reads a missing agent as nobody's), else its agent and revision."""
    if record is None:
        return {}
    return {"attribue_a": record["agent"], "attribution": record["revision"]}


def pieces_part(record: Mapping[str, Any] | None) -> Summary:
    """What the list needs of a dossier's pieces returned online (issue 28): how many were
    deposited and wait for the bureau's judgement, whether one was infected (quarantined: the
    bureau is alerted in the list); nothing while the dossier deposited none."""
    if record is None:
        return {}
    states = [str(entry.get("etat")) for entry in record.get("pieces", {}).values()]
    return {"pieces_revision": int(record.get("revision", 0)),
            "pieces_a_examiner": states.count(pieces_mod.DEPOSEE),
            "piece_infectee": pieces_mod.INFECTEE in states}


def merge(old: Summary | None, new: Summary) -> Summary:
    """`new` over `old`, each part kept from whichever is newer."""
    if old is None:
        return {**suivi_part(None), **new}
    merged = dict(old)
    if "version" in new and new["version"] >= old.get("version", 0):
        # The dossier's part is replaced whole, not updated: a key the new part leaves out (the
        # warnings once the postcode is corrected, the label of « autre » once another
        # speciality is chosen) must go too (issue 26, item 4). The same version replaces it as
        # well, so that `rebuild-index` remakes every entry as today's code makes it.
        merged = {k: old[k] for k in _OTHER_KEYS if k in old}
        merged.update({k: v for k, v in new.items() if k not in _OTHER_KEYS})
    if "revision" in new and new["revision"] >= old.get("revision", 0):
        merged.update({k: new[k] for k in _SUIVI_KEYS})
    if "attribution" in new and new["attribution"] >= old.get("attribution", 0):
        merged.update({k: new[k] for k in _ATTRIBUTION_KEYS})
    if "pieces_revision" in new and new["pieces_revision"] >= old.get("pieces_revision", 0):
        merged.update({k: new[k] for k in _PIECES_KEYS})
    return merged


_SUIVI_KEYS = ("statut", "revision", "version_confirmee")
_ATTRIBUTION_KEYS = ("attribue_a", "attribution")
_PIECES_KEYS = ("pieces_revision", "pieces_a_examiner", "piece_infectee")
#: The keys the dossier's part doesn't own: its replacement keeps them.
_OTHER_KEYS = (*_SUIVI_KEYS, *_ATTRIBUTION_KEYS, *_PIECES_KEYS)


class SummaryIndex:
    """Reads and updates one session's index in the dossiers' bucket."""

    def __init__(self, store: DossierStore, session: str, *, workers: int = 16) -> None:
        self.store = store
        self.session = session
        self.workers = workers

    # -- updates -------------------------------------------------------------------------------
    def _update_shard(self, symbol: str,
                      change: Callable[[dict[str, Summary]], dict[str, Summary]]) -> None:
        key = shard_key(self.session, symbol)
        for attempt in range(CONFLICT_ATTEMPTS):
            stored = self.store.read(key)
            entries = dict(stored.body["entrees"]) if stored else {}
            changed = change(entries)
            body = {"entrees": changed,
                    "maj": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
            try:
                self.store.write(key, body, if_none_match=stored is None,
                                 if_match=stored.etag if stored else None)
                return
            except WriteConflict:
                # Another writer of this shard went first: back off a little, re-read, merge.
                time.sleep(random.uniform(0, 0.02 * (attempt + 1)))
        raise WriteConflict(key)

    def upsert(self, numero: str, part: Summary) -> None:
        """Record a dossier's or a follow-up's part: one new small object under the dossier's
        pending prefix (never a shard: the candidate's path costs one PUT whatever the
        registry's size); the next compaction merges it into its shard."""
        key = (f"{pending_prefix(self.session, numero)}"
               f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.json")
        self.store.write(key, {**part, "numero": numero}, if_none_match=True)

    def pending(self) -> list[tuple[str, Summary]]:
        """The parts written since the last compaction (key, part), read in parallel."""
        keys = list(self.store.keys(f"{INDEX}{self.session}/{PENDING}"))
        if not keys:
            return []
        with ThreadPoolExecutor(max_workers=min(self.workers, len(keys))) as pool:
            read = list(pool.map(self.store.read, keys))
        return [(key, stored.body) for key, stored in zip(keys, read, strict=True)
                if stored is not None]

    def compact(self) -> int:
        """Merge the pending parts into their shards, then delete them; the number merged.

        Each shard is rewritten once, conditionally, with all of its pending parts (the
        monotonic merge makes the order and a second compaction harmless). A dossier erased
        while its parts were being merged is purged again afterwards (one HEAD per dossier
        merged), so a compaction racing an erasure can't bring an entry back.
        """
        found = self.pending()
        if not found:
            return 0
        by_shard: dict[str, list[Summary]] = defaultdict(list)
        for _, part in found:
            by_shard[shard_of(part["numero"])].append(part)
        for symbol, parts in by_shard.items():
            def change(entries: dict[str, Summary],
                       parts: list[Summary] = parts) -> dict[str, Summary]:
                for part in parts:
                    entries[part["numero"]] = merge(entries.get(part["numero"]), part)
                return entries
            self._update_shard(symbol, change)
        numeros = sorted({part["numero"] for _, part in found})
        with ThreadPoolExecutor(max_workers=min(self.workers, len(numeros))) as pool:
            gone = [n for n, taken in zip(numeros, pool.map(self.store.numero_taken, numeros),
                                          strict=True) if not taken]
        keys = [key for key, _ in found]
        for start in range(0, len(keys), 1000):
            self.store.client.delete_objects(
                Bucket=self.store.bucket,
                Delete={"Objects": [{"Key": k} for k in keys[start:start + 1000]],
                        "Quiet": True})
        for numero in gone:
            self.purge(numero)
        return len(found)

    def remove(self, numero: str) -> None:
        """Drop a dossier's entry (erasure) and its repair marker."""
        def change(entries: dict[str, Summary]) -> dict[str, Summary]:
            entries.pop(numero, None)
            return entries
        self._update_shard(shard_of(numero), change)
        self.store.delete(repair_key(self.session, numero))

    def purge(self, numero: str, *, checked: set[str] | None = None) -> int:
        """Drop a dossier's entry from its shard and from every earlier version of that shard,
        and its pending parts with all their versions (erasure); the number of versions
        deleted, the repair marker's included.

        The cleaned shard is written first, then every noncurrent version holding the entry is
        deleted. A writer of the same shard can't bring the entry back from an older version
        (its write is conditional on the version it read), but a late update of this very
        dossier (a modification or a follow-up change in flight when the erasure began) can
        write it again: each round reads the versions written since, and rewrites the current
        one if it holds the entry, until a round finds none, at most PURGE_ROUNDS rounds.
        `checked` keeps the versions already found clean across calls (they never change).
        """
        key = shard_key(self.session, shard_of(numero))
        checked = set() if checked is None else checked

        def holds(body: dict[str, Any]) -> bool:
            return numero in body.get("entrees", {})

        def change(entries: dict[str, Summary]) -> dict[str, Summary]:
            entries.pop(numero, None)
            return entries

        deleted = self.store.erase(repair_key(self.session, numero))
        current = self.store.read(key)
        for _ in range(PURGE_ROUNDS):
            # Its pending parts first (every version), then the shard they may have reached.
            parts = self.store.erase(pending_prefix(self.session, numero), whole_prefix=True)
            if current is not None and holds(current.body):
                self._update_shard(shard_of(numero), change)
            found, current_holds = self.store.erase_versions_holding(key, holds,
                                                                      checked=checked)
            deleted += parts + found
            if not parts and not found and not current_holds:
                return deleted
            current = self.store.read(key)
        raise StorageUnavailable("index entry still written by a concurrent update")

    def mark_for_repair(self, numero: str) -> None:
        self.store.write(repair_key(self.session, numero), {"numero": numero})

    def reindex(self, numero: str) -> None:
        """Rewrite one entry from its dossier and follow-up, or, if the dossier is gone (erased),
        purge it with the shard's versions that hold it."""
        stored = self.store.dossier(numero)
        if stored is None:
            self.purge(numero)
            return
        suivi = suivi_mod.read(self.store, numero)
        assigned = attribution_mod.read(self.store, numero)
        deposited = pieces_mod.read(self.store, numero)
        self.upsert(numero, {**dossier_part(stored.body),
                             **suivi_part(suivi.body if suivi else None),
                             **attribution_part(assigned.body if assigned else None),
                             **pieces_part(deposited.body if deposited else None)})
        self.store.delete(repair_key(self.session, numero))

    # -- reads ---------------------------------------------------------------------------------
    def repair_marked(self) -> int:
        """Reindex the entries whose update failed; how many."""
        prefix = f"{INDEX}{self.session}/{REPAIR}"
        numeros = [key[len(prefix):-len(".json")] for key in self.store.keys(prefix)]
        for numero in numeros:
            self.reindex(numero)
        return len(numeros)

    def _shards(self) -> list[Stored | None]:
        keys = [shard_key(self.session, s) for s in SHARDS]
        with ThreadPoolExecutor(max_workers=min(self.workers, len(keys))) as pool:
            return list(pool.map(self.store.read, keys))

    def entries(self) -> list[Summary]:
        """Every entry: the marked ones repaired and the pending parts compacted first (what
        the scheduled compaction left, usually nothing), then the 32 shards read in
        parallel."""
        try:
            self.repair_marked()
            self.compact()
        except (ClientError, BotoCoreError, WriteConflict, StorageUnavailable) as exc:
            log.warning("index repair postponed: %s", type(exc).__name__)
        shards = self._shards()
        merged = {numero: entry for shard in shards if shard is not None
                  for numero, entry in shard.body["entrees"].items()}
        try:
            # Whatever a failed compaction left pending still shows, merged in memory.
            for _, part in self.pending():
                merged[part["numero"]] = merge(merged.get(part["numero"]), part)
        except (ClientError, BotoCoreError) as exc:
            log.warning("pending index parts not read: %s", type(exc).__name__)
        # An entry with no dossier part (a part of the pieces that landed as its dossier was
        # erased, before the purge that follows it) is no dossier.
        return [entry for entry in merged.values() if "version" in entry]

    # -- rebuild -------------------------------------------------------------------------------
    def rebuild(self, *, progress: Progress | None = None, pieces: bool = False) -> int:
        """Rebuild every shard from the dossiers and their follow-up (and the pieces' records
        where `pieces`: the session takes them online); the number indexed.

        Safe while the service runs: each shard is written with IfMatch and merged with what
        live writes put there meanwhile (the newer part wins); an entry absent from the walk is
        kept only if its dossier still exists (created after the walk began).
        """
        numeros = [key[len(DOSSIERS):-len(".json")] for key in self.store.keys(DOSSIERS)
                   if key.endswith(".json")]
        rebuilt: dict[str, dict[str, Summary]] = defaultdict(dict)

        def read_all(numero: str) -> tuple[Stored | None, ...]:
            return (self.store.dossier(numero), suivi_mod.read(self.store, numero),
                    attribution_mod.read(self.store, numero),
                    pieces_mod.read(self.store, numero) if pieces else None)

        done = 0
        for stored, suivi, assigned, deposited in fetch_ordered(read_all, numeros,
                                                                workers=self.workers):
            done += 1
            if progress is not None:
                progress(done, len(numeros))
            if stored is None or stored.body.get("session") != self.session:
                continue
            numero = stored.body["numero"]
            rebuilt[shard_of(numero)][numero] = {
                **dossier_part(stored.body), **suivi_part(suivi.body if suivi else None),
                **attribution_part(assigned.body if assigned else None),
                **pieces_part(deposited.body if deposited else None)}
        for symbol in SHARDS:
            fresh = rebuilt.get(symbol, {})

            def change(entries: dict[str, Summary],
                       fresh: dict[str, Summary] = fresh) -> dict[str, Summary]:
                result = {n: merge(entries.get(n), e) for n, e in fresh.items()}
                for numero, entry in entries.items():
                    if numero not in result and self.store.numero_taken(numero):
                        result[numero] = entry
                return result
            self._update_shard(symbol, change)
        prefix = f"{INDEX}{self.session}/{REPAIR}"
        for key in list(self.store.keys(prefix)):
            self.store.delete(key)
        return sum(len(x) for x in rebuilt.values())


def record_written(store: DossierStore, record: Mapping[str, Any], *,
                   follow_up: Mapping[str, Any] | None = None,
                   assignment: Mapping[str, Any] | None = None) -> None:
    """Reflect a dossier just written (or its follow-up, `follow_up`, or its assignment,
    `assignment`) in the index; never raises: the dossier and its records are the truth. If
    the dossier was erased meanwhile, the entry is purged again (one HEAD more per write closes
    that race with an erasure)."""
    index = SummaryIndex(store, record["session"])
    part = dossier_part(record)
    if follow_up is not None:
        part.update(suivi_part(follow_up))
    if assignment is not None:
        part.update(attribution_part(assignment))
    try:
        index.upsert(record["numero"], part)
        if not store.numero_taken(record["numero"]):
            # Erased while this write was in flight: the erasure's purge may have run before
            # this entry landed, so it goes again, with the versions that hold it.
            index.purge(record["numero"])
    except (ClientError, BotoCoreError, WriteConflict, StorageUnavailable) as exc:
        _mark_for_repair(index, record["numero"], exc)


def pieces_written(store: DossierStore, session: str, numero: str,
                   record: Mapping[str, Any] | None = None) -> None:
    """Reflect a dossier's pieces record just written (`record`, or read again) in its entry;
    never raises, like record_written: a failure leaves the entry marked for repair."""
    index = SummaryIndex(store, session)
    try:
        if record is None:
            found = pieces_mod.read(store, numero)
            record = found.body if found else None
        if record is None:
            return
        index.upsert(numero, {"numero": numero, **pieces_part(record)})
        if not store.numero_taken(numero):
            index.purge(numero)  # erased while its pieces were being written
    except (ClientError, BotoCoreError, WriteConflict, StorageUnavailable) as exc:
        _mark_for_repair(index, numero, exc)


def _mark_for_repair(index: SummaryIndex, numero: str, exc: Exception) -> None:
    log.warning("index update failed, entry marked for repair: %s", type(exc).__name__)
    try:
        index.mark_for_repair(numero)
    except (ClientError, BotoCoreError) as again:
        log.error("index repair marker not written: %s; run rebuild-index",
                  type(again).__name__)


def write_entries(store: DossierStore, session: str, summaries: Iterable[Summary]) -> None:
    """Write whole shards from summaries at once (the benchmark's fixture; tests)."""
    shards: dict[str, dict[str, Summary]] = defaultdict(dict)
    for summary in summaries:
        shards[shard_of(summary["numero"])][summary["numero"]] = summary
    for symbol, entries in shards.items():
        store.write(shard_key(session, symbol), {"entrees": entries, "maj": ""})
