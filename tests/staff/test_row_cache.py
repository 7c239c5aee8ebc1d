"""The export's row cache (issue 18): a CSV or XLSX of many dossiers takes each row from a few
objects instead of reading every dossier, and is still exactly what reading every dossier gives:
a row is used only while the dossier and its follow-up are the very objects it was made from.
Erased dossiers leave no row in any version."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from collections import Counter
from typing import Any

import openpyxl
import pytest
from botocore.exceptions import ClientError

import shared_rules
from handler.candidats.registrations import new_record
from handler.dossier import index, suivi
from handler.dossier.numero import new_numero
from handler.platform.storage import DossierStore, Stored
from handler.staff import columns, erasure, exports, row_cache
from handler.staff.row_cache import RowCache
from tests.factories import make_dossier
from tests.fixtures import BUCKET

SESSION = shared_rules.get_session("cap-limoges-2021-06")
assert SESSION is not None
NOW = dt.datetime(2020, 11, 2, 10, tzinfo=dt.UTC)
NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"]


@pytest.fixture
def store(s3: Any) -> DossierStore:
    """The dossiers' store on a versioned bucket, as in production."""
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return DossierStore(s3, BUCKET)


def letters(i: int) -> str:
    """A name's distinct suffix (names hold no digits): « Ba », « Bb »…"""
    return "B" + "".join(chr(ord("a") + int(d)) for d in str(i))


def fill(store: DossierStore, count: int) -> list[str]:
    """`count` dossiers with their index entries, varied names; the numbers."""
    numeros = []
    for i in range(count):
        dossier = shared_rules.load(make_dossier({
            "etat_civil.nom_naissance": f"{NAMES[i % len(NAMES)]}-{letters(i)}",
            "contact.adresse": f"{i} rue de la Paix"}))
        record = new_record(new_numero(), dossier, session=SESSION, now=NOW)
        store.create_dossier(record)
        index.record_written(store, record)
        numeros.append(record["numero"])
    return numeros


def follow(store: DossierStore, numero: str, statut: str = suivi.CONFIRMATION_RECUE) -> None:
    current = suivi.current(store, numero)
    stored = store.dossier(numero)
    assert stored is not None
    suivi.change(store, numero, statut=statut, auteur="secretariat",
                 version_vue=stored.body["version"], revision_vue=current["revision"],
                 pieces_manquantes=[], note="Reçue le 3 novembre", now="2020-11-03T10:00:00+01:00",
                 version_papier=stored.body["version"])


def rename(store: DossierStore, numero: str, name: str) -> None:
    """A new version of the dossier, as a modification writes it."""
    stored = store.dossier(numero)
    assert stored is not None
    record = json.loads(json.dumps(stored.body))
    record["dossier"]["etat_civil"]["nom_naissance"] = name
    record["version"] += 1
    store.update_dossier(record, stored.etag)


def direct_csv(store: DossierStore, numeros: list[str]) -> bytes:
    """The CSV made by reading every dossier and follow-up (the export before the cache)."""
    out = io.BytesIO()
    labels = columns.Labels.of(SESSION)
    exports.write_csv(out, (columns.row(r, f, labels)
                            for r, f in exports.read_items(store, numeros)), columns.HEADERS)
    return out.getvalue()


def cached_csv(store: DossierStore, numeros: list[str]) -> tuple[bytes, int]:
    """The CSV made through the row cache; and how many rows had to be made."""
    out = io.BytesIO()
    rows = RowCache(store, SESSION).rows(numeros)
    exports.write_csv(out, rows.in_order(), columns.HEADERS)
    return out.getvalue(), rows.made


def counted(store: DossierStore) -> Counter[str]:
    """The S3 calls the store's client makes from now on, as « Operation first-folder »."""
    calls: Counter[str] = Counter()

    def seen(params: dict[str, Any], model: Any, **_: Any) -> None:
        where = str(params.get("Key") or params.get("Prefix") or "")
        calls[f"{model.name} {where.split('/')[0]}"] += 1
    store.client.meta.events.register("before-parameter-build.s3", seen)
    return calls


def versions_holding(s3: Any, numero: str, prefix: str = "index/") -> list[str]:
    """Every version, anywhere under `prefix`, whose body names the number."""
    found = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=BUCKET,
                                                                   Prefix=prefix):
        for version in page.get("Versions", []):
            body = s3.get_object(Bucket=BUCKET, Key=version["Key"],
                                 VersionId=version["VersionId"])["Body"].read()
            if numero.encode() in body:
                found.append(version["Key"])
    return found


def test_the_cached_export_is_byte_for_byte_the_export_read_from_the_dossiers(
        store: DossierStore) -> None:
    numeros = fill(store, 12)
    follow(store, numeros[1])
    follow(store, numeros[2], suivi.CONFIRMATION_RECUE)
    rename(store, numeros[3], "Lefèvre")
    wanted = sorted(numeros, reverse=True)[:10]  # an order of its own, a part of the registry

    cold, made_cold = cached_csv(store, wanted)
    warm, made_warm = cached_csv(store, wanted)
    assert cold == warm == direct_csv(store, wanted)
    assert (made_cold, made_warm) == (10, 0)
    assert cold.decode("utf-8-sig").count("\r\n") == 11


def test_the_cached_xlsx_cells_keep_their_types(store: DossierStore) -> None:
    numeros = fill(store, 3)
    RowCache(store, SESSION).rows(numeros)  # made and written back
    rows = list(RowCache(store, SESSION).rows(numeros).in_order())
    labels = columns.Labels.of(SESSION)
    direct = [columns.row(r, f, labels) for r, f in exports.read_items(store, numeros)]
    assert rows == direct
    cells = rows[0]
    assert isinstance(cells[columns.HEADERS.index("Créé le")], dt.datetime)
    assert isinstance(cells[columns.HEADERS.index("Date de naissance")], dt.date)
    assert isinstance(cells[columns.HEADERS.index("Code postal")], columns.Digits)

    def workbook(cells: list[list[columns.Cell]]) -> list[tuple[Any, ...]]:
        out = io.BytesIO()
        exports.write_xlsx(out, cells, columns.HEADERS)
        sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Dossiers"]
        return [tuple((c.value, c.number_format) for c in row) for row in sheet.iter_rows()]
    cached = RowCache(store, SESSION).rows(numeros).in_order()
    assert workbook(list(cached)) == workbook(direct)


def test_a_row_is_made_again_when_its_dossier_or_its_follow_up_changed(
        store: DossierStore) -> None:
    numeros = fill(store, 6)
    assert cached_csv(store, numeros)[1] == 6
    rename(store, numeros[0], "Lefèvre")
    follow(store, numeros[4])

    fresh, made = cached_csv(store, numeros)
    assert made == 2
    assert fresh == direct_csv(store, numeros)
    assert "Lefèvre" in fresh.decode("utf-8-sig")
    assert suivi.STATUTS[suivi.CONFIRMATION_RECUE] in fresh.decode("utf-8-sig")


def test_an_erased_dossier_is_left_out_even_while_its_row_is_still_cached(
        store: DossierStore) -> None:
    numeros = fill(store, 4)
    cached_csv(store, numeros)
    store.delete(store.dossier_key(numeros[2]))  # gone, its row not yet purged

    out, made = cached_csv(store, numeros)
    assert made == 0
    assert out == direct_csv(store, numeros)
    assert out.decode("utf-8-sig").count("\r\n") == 4


def test_a_warm_export_reads_no_dossier_only_the_row_objects(store: DossierStore) -> None:
    numeros = fill(store, 40)
    for numero in numeros[:10]:
        follow(store, numero)
    cached_csv(store, numeros)
    calls = counted(store)

    cached_csv(store, numeros)
    shards = {row_cache.shard_of(n) for n in numeros}
    firsts = {n[0] for n in numeros}
    assert calls == Counter({"GetObject index": len(shards),
                             "ListObjectsV2 dossiers": len(firsts),
                             "ListObjectsV2 suivi": len(firsts),
                             "ListObjectsV2 index": len(firsts)}), calls


def test_rows_of_another_format_are_all_made_again(store: DossierStore) -> None:
    numeros = fill(store, 5)
    cached_csv(store, numeros)
    for shard in {row_cache.shard_of(n) for n in numeros}:
        key = row_cache.shard_key(SESSION.code, shard)
        stored = store.read(key)
        assert stored is not None
        store.write(key, {**stored.body, "empreinte": "un-ancien-format"})

    out, made = cached_csv(store, numeros)
    assert made == 5 and out == direct_csv(store, numeros)
    assert cached_csv(store, numeros)[1] == 0


def test_erasure_leaves_the_dossier_s_row_in_no_version(store: DossierStore, s3: Any) -> None:
    numeros = fill(store, 3)
    cached_csv(store, numeros)
    follow(store, numeros[0])
    cached_csv(store, numeros)  # a second version of its row object
    key = row_cache.shard_key(SESSION.code, row_cache.shard_of(numeros[0]))
    assert key in versions_holding(s3, numeros[0])

    audit = erasure.erase(store, numeros[0], session=SESSION.code, auteur="test")
    assert audit is not None and audit["versions_index_supprimees"] >= 2
    assert versions_holding(s3, numeros[0]) == []
    assert cached_csv(store, numeros[1:])[1] == 0  # the others' rows stay


class ErasedWhileRead(DossierStore):
    """A store on which one dossier is erased right after an export has read it (before the
    export writes its row back)."""

    def __init__(self, client: Any, bucket: str, victim: str) -> None:
        super().__init__(client, bucket)
        self.victim = victim
        self.erased = threading.Event()

    def dossier(self, numero: str) -> Stored | None:
        found = super().dossier(numero)
        if numero == self.victim and found is not None:
            erasure.erase(DossierStore(self.client, self.bucket), numero, session=SESSION.code,
                          auteur="test")
            self.erased.set()
        return found


def test_a_row_written_after_its_dossier_s_erasure_is_purged_by_its_writer(
        store: DossierStore, s3: Any) -> None:
    numeros = fill(store, 3)
    racing = ErasedWhileRead(s3, BUCKET, numeros[1])

    RowCache(racing, SESSION).rows(numeros)
    assert versions_holding(s3, numeros[1]) == []
    assert cached_csv(store, numeros)[0] == direct_csv(store, [numeros[0], numeros[2]])


class FailingSymbol(ErasedWhileRead):
    """As ErasedWhileRead, and the row objects of one other first symbol can't be read."""

    def __init__(self, client: Any, bucket: str, victim: str, failing: str) -> None:
        super().__init__(client, bucket, victim)
        self.failing = failing

    def read(self, key: str) -> Stored | None:
        if key.startswith(row_cache.prefix(SESSION.code) + self.failing):
            # Fails once the victim's symbol is under way (else the failure could cancel it
            # before it begins, and there would be nothing to check).
            assert self.erased.wait(timeout=30)
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "Ralentissez"}},
                              "GetObject")
        return super().read(key)


def test_a_pass_that_fails_elsewhere_still_purges_the_rows_it_wrote_of_erased_dossiers(
        store: DossierStore, s3: Any) -> None:
    numeros = fill(store, 12)
    victim = numeros[0]
    other = next(n for n in numeros if n[0] != victim[0])
    cached_csv(store, [other])  # its row object exists: reading it fails below
    racing = FailingSymbol(s3, BUCKET, victim, failing=other[0])

    # Two first symbols, both begun at once: the victim's is read (and erased meanwhile) and
    # written, the other's fails.
    with pytest.raises(ClientError):
        RowCache(racing, SESSION).rows([victim, other])
    assert store.dossier(victim) is None
    assert versions_holding(s3, victim) == []


def test_a_row_whose_dossier_is_gone_is_purged_from_every_version_by_the_next_pass(
        store: DossierStore, s3: Any) -> None:
    numeros = fill(store, 3)
    cached_csv(store, numeros)
    follow(store, numeros[0])
    cached_csv(store, numeros)  # two versions of its row object hold it
    store.erase(store.dossier_key(numeros[0]))  # gone without its row's purge
    lignes = row_cache.prefix(SESSION.code)
    assert versions_holding(s3, numeros[0], lignes)

    RowCache(store, SESSION).refresh()
    assert versions_holding(s3, numeros[0], lignes) == []
    assert cached_csv(store, numeros[1:])[1] == 0


def test_a_malformed_row_object_is_read_as_empty_and_replaced(store: DossierStore) -> None:
    numeros = fill(store, 2)
    for shard in {row_cache.shard_of(n) for n in numeros}:
        store.write(row_cache.shard_key(SESSION.code, shard),
                    {"empreinte": row_cache.fingerprint(SESSION), "lignes": {"X": 5}})
    assert cached_csv(store, numeros) == (direct_csv(store, numeros), 2)
    assert cached_csv(store, numeros)[1] == 0


def test_a_number_selected_twice_gives_its_row_twice_as_read_one_by_one(
        store: DossierStore) -> None:
    numeros = fill(store, 2)
    twice = [numeros[0], numeros[1], numeros[0]]
    assert cached_csv(store, twice)[0] == direct_csv(store, twice)


def test_the_scheduled_pass_makes_the_rows_of_what_changed_only(store: DossierStore) -> None:
    numeros = fill(store, 20)
    index.SummaryIndex(store, SESSION.code).compact()
    cache = RowCache(store, SESSION)
    assert cache.refresh_changed() == 20
    calls = counted(store)
    assert cache.refresh_changed() == 0
    # Nothing changed: the index's shards listed, the last pass's record read.
    assert calls == Counter({"ListObjectsV2 index": 1, "GetObject index": 1}), calls

    follow(store, numeros[7])
    index.record_written(store, store.dossier(numeros[7]).body,  # type: ignore[union-attr]
                         follow_up=suivi.current(store, numeros[7]))
    index.SummaryIndex(store, SESSION.code).compact()
    calls.clear()
    assert cache.refresh_changed() == 1
    # Only the first symbol whose index shard changed was listed again.
    assert calls["ListObjectsV2 dossiers"] == calls["ListObjectsV2 suivi"] == 1
    assert cached_csv(store, numeros)[1] == 0


def test_the_scheduled_pass_begins_no_symbol_without_the_time_for_it(
        store: DossierStore) -> None:
    fill(store, 5)
    index.SummaryIndex(store, SESSION.code).compact()
    cache = RowCache(store, SESSION)
    assert cache.refresh_changed(time_left=lambda: row_cache.SYMBOL_SECONDS - 1) == 0
    assert store.read(row_cache.prefix(SESSION.code) + row_cache.ETAT) is None
    assert cache.refresh_changed(time_left=lambda: 60.0) == 5


def test_an_export_of_row_cache_min_dossiers_takes_its_rows_from_the_cache(
        store: DossierStore) -> None:
    """The threshold itself, not patched: a selection of ROW_CACHE_MIN numbers (a few stored, the
    rest erased long ago) goes through the cache, one number fewer reads each dossier."""
    numeros = fill(store, 12)
    follow(store, numeros[0])
    erased = [new_numero() for _ in range(exports.ROW_CACHE_MIN - len(numeros))]
    selection = [n for pair in zip(numeros, erased, strict=False) for n in pair] + erased[12:]
    expected = direct_csv(store, numeros)
    out = io.BytesIO()
    assert exports.export(store, SESSION, selection, "csv", out) == 12
    assert out.getvalue() == expected
    calls = counted(store)

    again = io.BytesIO()
    exports.export(store, SESSION, selection, "csv", again)
    assert again.getvalue() == expected
    assert calls["GetObject dossiers"] == calls["GetObject suivi"] == 0
    assert calls["GetObject index"] == len({row_cache.shard_of(n) for n in numeros})
    calls.clear()

    exports.export(store, SESSION, selection[:-1], "csv", io.BytesIO(),
                   followed={numeros[0]})
    assert calls["GetObject index"] == 0
    assert calls["GetObject dossiers"] == exports.ROW_CACHE_MIN - 1
    assert calls["GetObject suivi"] == 1
