"""The staff's spreadsheet as an OpenDocument spreadsheet (ODS), for LibreOffice (issue 27).

Written by hand, row by row, into the ZIP that an ODS is (OpenDocument 1.2, part 3: the
`mimetype` entry first and stored, a manifest, the content): the Python libraries that write
ODS (odfpy, odfdo, pyexcel-ods3 over ezodf) all build the whole document as a tree in memory
first, about a kilobyte a cell, 500 MB for 10,000 dossiers, where the CSV and the XLSX keep
memory flat. What is written is the little a table needs, checked by opening it with LibreOffice
(tests/staff/test_export_files.py).

Formulas, as in the XLSX: every text is a string cell (`office:value-type="string"`, never a
`table:formula`) in a cell style whose number format is text (« @ »), so nothing is evaluated,
even after an edit, and the value is kept exactly. Dates are date cells shown dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from handler.staff import columns

MEDIA_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
_NS = (' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
       ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
       ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
       ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
       ' xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
       ' xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
       ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"')
_MANIFEST = (f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest{_NS}'
             ' manifest:version="1.2">'
             f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MEDIA_TYPE}"/>'
             '<manifest:file-entry manifest:full-path="content.xml"'
             ' manifest:media-type="text/xml"/></manifest:manifest>')
# Cell styles: text (format « @ »), date, date and time, and the header (bold).
_STYLES = (
    '<office:automatic-styles>'
    '<number:text-style style:name="N-texte"><number:text-content/></number:text-style>'
    '<number:date-style style:name="N-date"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text>'
    '<number:year number:style="long"/></number:date-style>'
    '<number:date-style style:name="N-date-heure"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text>'
    '<number:year number:style="long"/><number:text> </number:text>'
    '<number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/></number:date-style>'
    '<style:style style:name="texte" style:family="table-cell" style:data-style-name="N-texte"/>'
    '<style:style style:name="date" style:family="table-cell" style:data-style-name="N-date"/>'
    '<style:style style:name="date-heure" style:family="table-cell"'
    ' style:data-style-name="N-date-heure"/>'
    '<style:style style:name="titre" style:family="table-cell" style:data-style-name="N-texte">'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    '</office:automatic-styles>')


#: Characters XML 1.0 cannot carry, even escaped (the form refuses them; a safeguard).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _cell(value: columns.Cell, *, style: str = "texte") -> str:
    if value is None or value == "":
        return '<table:table-cell table:style-name="texte"/>'
    if isinstance(value, dt.datetime):
        return ('<table:table-cell table:style-name="date-heure" office:value-type="date"'
                f' office:date-value="{value:%Y-%m-%dT%H:%M:%S}"><text:p>'
                f'{value:%d/%m/%Y %H:%M}</text:p></table:table-cell>')
    if isinstance(value, dt.date):
        return ('<table:table-cell table:style-name="date" office:value-type="date"'
                f' office:date-value="{value:%Y-%m-%d}"><text:p>{value:%d/%m/%Y}</text:p>'
                '</table:table-cell>')
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (f'<table:table-cell office:value-type="float" office:value={quoteattr(str(value))}>'
                f'<text:p>{value}</text:p></table:table-cell>')
    text = _XML_ILLEGAL.sub("\ufffd", str(value))
    # Each line its paragraph; runs of spaces kept (XML would fold them into one).
    lines = "".join(f"<text:p>{_spaces(escape(line))}</text:p>" for line in text.split("\n"))
    return (f'<table:table-cell table:style-name="{style}" office:value-type="string"'
            f' office:string-value={quoteattr(text)}>{lines}</table:table-cell>')


def _spaces(text: str) -> str:
    out, run = [], 0
    for char in text + "\0":
        if char == " ":
            run += 1
            continue
        if run:
            out.append(" " + (f'<text:s text:c="{run - 1}"/>' if run > 1 else ""))
            run = 0
        out.append(char)
    return "".join(out[:-1])


def write_ods(out: IO[bytes], rows: Iterable[list[columns.Cell]], headers: list[str], *,
              progress: Callable[[int], None] | None = None) -> int:
    """An ODS of one sheet « Dossiers », the header in bold; the rows written."""
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # First and stored, so that a reader knows the type from the file's first bytes.
        archive.writestr("mimetype", MEDIA_TYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
        with archive.open("content.xml", "w", force_zip64=True) as content:
            content.write((
                f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content{_NS}'
                f' office:version="1.2">{_STYLES}<office:body><office:spreadsheet>'
                '<table:table table:name="Dossiers">'
                f'<table:table-column table:number-columns-repeated="{len(headers)}"/>'
                '<table:table-header-rows><table:table-row>'
                + "".join(_cell(h, style="titre") for h in headers)
                + '</table:table-row></table:table-header-rows>').encode("utf-8"))
            for cells in rows:
                content.write(("<table:table-row>" + "".join(_cell(c) for c in cells)
                               + "</table:table-row>").encode("utf-8"))
                count += 1
                if progress is not None:
                    progress(count)
            content.write(b"</table:table></office:spreadsheet></office:body>"
                          b"</office:document-content>")
    return count
