"""The staff's exports of a list of dossiers: CSV for French Excel, XLSX, ODS (`ods`), a ZIP of
each dossier's JSON and confirmation PDF, and the confirmations in one PDF to print
(`impression`).

The spreadsheets carry the columns the staff member chose (`columns.CHOICES`; every one by
default), in the columns' order.

Each writer takes the dossiers' rows (CSV, XLSX) or the dossiers (ZIP) as a stream and writes
to a binary stream (memory, or an S3 multipart upload), so memory stays flat whatever the
count. The dossiers are read concurrently, in order, a bounded number at a time
(`fetch.fetch_ordered`); a CSV or XLSX of ROW_CACHE_MIN dossiers or more takes its rows from
the row cache (`row_cache`), checked against the dossiers' ETags: about one read per ten
dossiers at 10,000.

Spreadsheet formulas smuggled in through form fields: a CSV cell that would start with `=`, `+`,
`-`, `@`, a tab, CR or LF gets a leading apostrophe, as OWASP's « CSV Injection » page
recommends (Excel then shows it as text); so does one whose first character is one of those
once NFKC-normalised (full-width `＝ ＋ － ＠`, small `﹦`…) or the minus sign `−` (issue 25);
the csv module quotes what needs quoting. In the XLSX (and the ODS, `ods`)
every text cell is written as a string with Excel's « quote prefix » and the text format (@),
so nothing is evaluated, even after an edit, and the value is kept exactly.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import unicodedata
import zipfile
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

from handler.dossier import pieces, suivi
from handler.dossier.numero import display
from handler.platform.fetch import fetch_ordered
from handler.platform.storage import DossierStore
from handler.staff import columns, impression, ods
from shared_rules.session import Session

Item = tuple[dict[str, Any], dict[str, Any] | None]  # (stored dossier, its follow-up or None)
Progress = Callable[[int], None]
Output = IO[bytes] | io.RawIOBase  # a file, a BytesIO, or an S3 multipart upload

#: format → (media type, file extension)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ods": (ods.MEDIA_TYPE, "ods"),
    "zip": ("application/zip", "zip"),
    "pdf": ("application/pdf", "pdf"),
    # Issue 28: the « dossier complet » PDF of each dossier whose pieces are all accepted.
    "complets": ("application/zip", "zip"),
}
#: The formats only a session taking pieces online offers (a paper session has no piece).
ONLINE_ONLY = ("complets",)
#: What is always made in the background (a PDF per dossier: CPU-bound).
BACKGROUND = ("zip", "pdf", "complets")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "\u2212")


def neutralise(text: str) -> str:
    """A cell's text with a leading apostrophe if a spreadsheet would read it as a formula,
    its first character taken in its NFKC form too (« ＝ » is « = » to some spreadsheets)."""
    # NFKC leaves each ASCII trigger and « − » as it is: one test covers them all.
    first = unicodedata.normalize("NFKC", text[:1])
    return "'" + text if first.startswith(_DANGEROUS) else text


def filename(session: Session, fmt: str, *, now: dt.datetime) -> str:
    """« dossiers-CAP-2021-06-20201102-1000.csv », « confirmations-…pdf »."""
    what = {"pdf": "confirmations", "complets": "dossiers-complets"}.get(fmt, "dossiers")
    return (f"{what}-{session.examen_code}-{session.session}-{now:%Y%m%d-%H%M}."
            f"{FORMATS[fmt][1]}")


def read_items(store: DossierStore, numeros: Iterable[str], *, workers: int = 16,
               followed: Container[str] | None = None) -> Iterator[Item]:
    """Each dossier and its follow-up, read concurrently, in the given order (dossiers erased
    meanwhile are skipped). `followed`: the numbers that have a follow-up record, as the index
    says (revision > 0); the others' is not read, which halves the reads of a typical export.
    None: read every one's."""
    def read(numero: str) -> Item | None:
        stored = store.dossier(numero)
        if stored is None:
            return None
        follow_up = suivi.read(store, numero) if followed is None or numero in followed else None
        return stored.body, follow_up.body if follow_up else None

    for item in fetch_ordered(read, numeros, workers=workers):
        if item is not None:
            yield item


def _csv_cell(value: columns.Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, columns.Digits) and value.isascii() and value.isdigit():
        # A formula that yields the text: LibreOffice and Excel keep « 01000 » as text this way
        # (quoted « 01000 » alone becomes the number 1000). Digits only: nothing to inject.
        return f'="{value}"'
    return neutralise(value)


class _Utf8:
    """What the csv module writes text to: each line goes out as UTF-8 bytes."""

    def __init__(self, out: Output) -> None:
        self.out = out

    def write(self, text: str) -> int:
        self.out.write(text.encode("utf-8"))
        return len(text)


def write_csv(out: Output, rows: Iterable[list[columns.Cell]], headers: list[str], *,
              progress: Progress | None = None) -> int:
    """CSV for French Excel: UTF-8 with BOM, `;`, dates dd/mm/yyyy; the rows written."""
    out.write(codecs.BOM_UTF8)  # how Excel knows the file is UTF-8
    writer = csv.writer(_Utf8(out), delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    count = 0
    for cells in rows:
        writer.writerow([_csv_cell(c) for c in cells])
        count += 1
        if progress is not None:
            progress(count)
    return count


def write_xlsx(out: Output, rows: Iterable[list[columns.Cell]], headers: list[str], *,
               progress: Progress | None = None) -> int:
    """An XLSX workbook (openpyxl, write-only: rows go to a temporary file, not memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Dossiers")
    sheet.freeze_panes = "B2"
    bold = Font(bold=True)

    def cell(value: columns.Cell, *, header: bool = False) -> Any:
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # never a formula, whatever it starts with
            written.quotePrefix = True
            written.number_format = "@"
        elif isinstance(value, dt.datetime):
            written.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(value, dt.date):
            written.number_format = "DD/MM/YYYY"
        if header:
            written.font = bold
        return written

    # Write-only rows are streamed out, so the widths are fitted to the header and the first
    # WIDTH_SAMPLE rows, held back until the widths are set (openpyxl writes the <cols> first).
    widths = [_width(h) for h in headers]
    held: list[list[columns.Cell]] = []
    count = 0

    def flush() -> None:
        for i, width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(i + 1)].width = width
        sheet.append([cell(h, header=True) for h in headers])
        for values in held:
            sheet.append([cell(c) for c in values])

    for values in rows:
        count += 1
        if count <= WIDTH_SAMPLE:
            held.append(values)
            widths = [max(w, _width(v)) for w, v in zip(widths, values, strict=True)]
            if count == WIDTH_SAMPLE:
                flush()
        else:
            sheet.append([cell(c) for c in values])
        if progress is not None:
            progress(count)
    if count < WIDTH_SAMPLE:
        flush()
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    workbook.save(out)
    return count


WIDTH_SAMPLE = 200  # rows whose content fits the XLSX's column widths
WIDTH_MIN, WIDTH_MAX = 8, 50  # in characters: a date fits, a long text wraps off the screen


def _width(value: columns.Cell) -> float:
    """A cell's width in characters, bounded (dates with their format, the filter's arrow)."""
    if value is None:
        return WIDTH_MIN
    if isinstance(value, dt.datetime):
        size = 16
    elif isinstance(value, dt.date):
        size = 10
    else:
        size = len(str(value))
    return float(min(WIDTH_MAX, max(WIDTH_MIN, size + 3)))


def write_zip(out: Output, items: Iterable[Item], session: Session, *,
              progress: Progress | None = None) -> int:
    """A ZIP with, per dossier, its stored JSON (every version, its follow-up) and its
    confirmation PDF, named by the number."""
    from handler.dossier import confirmation_pdf

    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record, follow_up in items:
            name = display(record["numero"])
            content = {**record, "suivi": follow_up or suivi.initial()}
            archive.writestr(f"{name}/dossier.json",
                             json.dumps(content, ensure_ascii=False, indent=2))
            # PDFs are compressed already: stored as they are.
            archive.writestr(f"{name}/{confirmation_pdf.filename(record, session)}",
                             confirmation_pdf.render(record, session),
                             compress_type=zipfile.ZIP_STORED)
            count += 1
            if progress is not None:
                progress(count)
    return count


#: The name of a dossier complet in a ZIP (the parts' assembly counts them by it).
COMPLET = "dossier-complet.pdf"


def write_complets(out: Output, store: DossierStore, records: Iterable[dict[str, Any]],
                   session: Session, *, progress: Progress | None = None) -> int:
    """A ZIP with the « dossier complet » PDF of each dossier whose pieces returned online
    are all accepted (issue 28), named by the number; the others are left out. How many."""
    from handler.staff import dossier_complet

    count = seen = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            seen += 1
            entries = pieces.entries(pieces.read(store, record["numero"]))
            if dossier_complet.complete(record, entries, session):
                content, _ = dossier_complet.render(store, record, session)
                archive.writestr(f"{display(record['numero'])}/{COMPLET}", content,
                                 compress_type=zipfile.ZIP_STORED)
                count += 1
            if progress is not None:
                progress(seen)
    return count


#: From this many dossiers on, a CSV or XLSX takes its rows from the row cache. Below, the cache's
#: 96 listings and row objects (about 630 of the 1,024 hold one of 1,000 dossiers) would cost as
#: much as reading the dossiers themselves (measured: 1,000 dossiers 3.6 s from the cache,
#: 3.5 s read one by one); from 2,000 on, the cache reads less than half as many objects, and
#: the API's immediate exports (up to 1,000) never list the bucket.
ROW_CACHE_MIN = 2000
#: The spreadsheet formats: each writes rows (columns.row's cells).
TABLES: Mapping[str, Callable[..., int]] = {"csv": write_csv, "xlsx": write_xlsx,
                                            "ods": ods.write_ods}


def table_rows(store: DossierStore, session: Session, numeros: Sequence[str], *,
               workers: int = 16,
               followed: Container[str] | None = None) -> Iterator[list[columns.Cell]]:
    """The rows of `numeros`, in that order (erased dossiers left out): from the row cache,
    checked, for ROW_CACHE_MIN dossiers or more; else made from each dossier read."""
    if len(numeros) >= ROW_CACHE_MIN:
        from handler.staff import row_cache  # only background jobs come here: not at cold start

        cache = row_cache.RowCache(store, session, workers=workers)
        return cache.rows(numeros).in_order()
    labels = columns.Labels.of(session)
    return (columns.row(record, follow_up, labels)
            for record, follow_up in read_items(store, numeros, workers=workers,
                                                followed=followed))


def export(store: DossierStore, session: Session, numeros: Iterable[str], fmt: str,
           out: Output, *, progress: Progress | None = None, workers: int = 16,
           followed: Container[str] | None = None, colonnes: list[str] | None = None) -> int:
    """Write the dossiers `numeros`, in that order, as `fmt` to `out`; how many (`followed`:
    see read_items; `colonnes`: the spreadsheet's chosen columns, columns.CHOICES' keys, all
    for None)."""
    if fmt == "zip":
        items = read_items(store, numeros, workers=workers, followed=followed)
        return write_zip(out, items, session, progress=progress)
    if fmt == "complets":
        items = read_items(store, numeros, workers=workers, followed=())
        return write_complets(out, store, (record for record, _ in items), session,
                              progress=progress)
    if fmt == "pdf":  # the confirmations alone: no follow-up read
        items = read_items(store, numeros, workers=workers, followed=())
        return impression.write_pdf(out, (record for record, _ in items), session,
                                    progress=progress)
    selected = list(numeros)
    rows = table_rows(store, session, selected, workers=workers, followed=followed)
    kept = columns.positions(colonnes)
    if len(kept) < len(columns.HEADERS):
        rows = ([cells[i] for i in kept] for cells in rows)
    return TABLES[fmt](out, rows, [columns.HEADERS[i] for i in kept], progress=progress)
