"""The bureau's printing (issue 27): the confirmations of a selection in one PDF, each the very
confirmation its candidate got (`confirmation_pdf.draw`, the current version), in the
selection's order.

Each confirmation starts on a recto: one with an odd number of pages is followed by a page
« laissée blanche », so that the file printed on both sides (the usual setting of the
Rectorat's printers, and what issue 29 laid the confirmation out for: one sheet) never puts two
candidates on one sheet; printed on one side, those blank pages are the only cost.

Rendered one by one, a confirmation costs about 180 ms, 60 % of it loading and subsetting its
two fonts, and weighs 37 KB, mostly those fonts. A batch (`confirmation_pdf.Batch`) loads and
embeds them once: about 40 ms and 6 KB a confirmation. A job of more than jobs.PDF_PART dossiers is
cut into parts run side by side (as the ZIP is, `jobs`), each one batch; the last part to
finish merges them (`merge`): every part's objects are copied as they are, renumbered, each
part's page tree hung under one new root, so no page is rendered twice and memory holds one
part at a time (plus 8 bytes an object for the cross-reference table, written last).
"""

from __future__ import annotations

import io
from array import array
from collections.abc import Callable, Iterable
from typing import IO, Any, cast

from shared_rules.session import Session

Output = IO[bytes] | io.RawIOBase
TITLE = "Confirmations d'inscription"


def write_pdf(out: Output, records: Iterable[dict[str, Any]], session: Session, *,
              progress: Callable[[int], None] | None = None) -> int:
    """The confirmations of `records` (stored dossiers), in order, as one PDF; how many."""
    from handler.dossier import confirmation_pdf

    batch = confirmation_pdf.Batch(recto=True)
    batch.set_title(TITLE)
    batch.set_subject(f"{session.examen_code}, académie de {session.academie_libelle}, "
                      f"session {session.session}")
    count = 0
    for record in records:
        confirmation_pdf.draw(batch, record, session)
        count += 1
        if progress is not None:
            progress(count)
    out.write(batch.close_batch())
    return count


class _Writer:
    """A PDF written object by object to a stream, its cross-reference table kept as offsets."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.position = 0
        self.offsets = array("Q", [0])  # object 0: the free list's head
        # The version said before any part is read: 1.7 covers whatever fpdf2 writes.
        self._put(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _put(self, data: bytes) -> None:
        self.out.write(data)
        self.position += len(data)

    def reserve(self) -> int:
        """A number for an object written later (or never: it stays free)."""
        self.offsets.append(0)
        return len(self.offsets) - 1

    def write(self, number: int, obj: Any, *, base: int = 0) -> None:
        """Write `obj` as object `number`, its references moved up by `base`."""
        from pypdf.generic import NameObject, NumberObject, StreamObject

        buffer = io.BytesIO()
        buffer.write(f"{number} 0 obj\n".encode())
        if isinstance(obj, StreamObject):
            # The stream's bytes as they were read, still compressed: nothing to re-encode
            # (pypdf is pinned exactly: it has no public accessor for them).
            raw = obj._data
            head = _shift(obj, base)
            head[NameObject("/Length")] = NumberObject(len(raw))
            head.write_to_stream(buffer)
            buffer.write(b"\nstream\n")
            buffer.write(raw)
            buffer.write(b"\nendstream")
        else:
            _shift(obj, base).write_to_stream(buffer)
        buffer.write(b"\nendobj\n")
        self.offsets[number] = self.position
        self._put(buffer.getvalue())

    def close(self, *, root: int, info: int) -> None:
        start = self.position
        lines = [f"xref\n0 {len(self.offsets)}\n0000000000 65535 f \n"]
        lines += [f"{offset:010d} 00000 n \n" if offset else "0000000000 65535 f \n"
                  for offset in self.offsets[1:]]
        self._put("".join(lines).encode("ascii"))
        self._put((f"trailer\n<< /Size {len(self.offsets)} /Root {root} 0 R "
                   f"/Info {info} 0 R >>\nstartxref\n{start}\n%%EOF\n").encode("ascii"))


def _shift(obj: Any, base: int) -> Any:
    """`obj` with every reference to object n made a reference to n + base (a stream: its
    dictionary)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if isinstance(obj, IndirectObject):
        return IndirectObject(obj.idnum + base, 0, None)
    if isinstance(obj, DictionaryObject):
        # dict's own items(): the references as stored, not resolved.
        return DictionaryObject({NameObject(k): _shift(v, base) for k, v in dict.items(obj)})
    if isinstance(obj, ArrayObject):
        return ArrayObject(_shift(item, base) for item in obj)
    return obj


def merge(out: Output, parts: Iterable[bytes]) -> int:
    """Write the PDFs `parts`, in order, as one PDF to `out`; its number of pages."""
    from pypdf import PdfReader
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = _Writer(out)
    pages_root, catalog, info = writer.reserve(), writer.reserve(), writer.reserve()
    kids: list[int] = []
    count = 0
    for data in parts:
        reader = PdfReader(io.BytesIO(data))
        base = len(writer.offsets) - 1
        root_ref = reader.trailer.raw_get("/Root")
        part_pages = cast(DictionaryObject, reader.trailer["/Root"]).raw_get("/Pages")
        left_out = {root_ref.idnum}  # the part's catalog and information: the whole has its own
        if "/Info" in reader.trailer:
            left_out.add(reader.trailer.raw_get("/Info").idnum)
        for idnum in range(1, cast(int, reader.trailer["/Size"])):
            number = writer.reserve()
            obj = None if idnum in left_out else reader.get_object(idnum)
            if obj is None:
                continue  # a free entry
            if idnum == part_pages.idnum:  # the part's page tree, hung under the new root
                obj = _shift(obj, base)
                obj[NameObject("/Parent")] = IndirectObject(pages_root, 0, None)
                count += int(obj["/Count"])
                writer.write(number, obj)
            else:
                writer.write(number, obj, base=base)
        kids.append(part_pages.idnum + base)
    writer.write(pages_root, DictionaryObject({
        NameObject("/Type"): NameObject("/Pages"),
        NameObject("/Kids"): ArrayObject(IndirectObject(k, 0, None) for k in kids),
        NameObject("/Count"): NumberObject(count)}))
    writer.write(catalog, DictionaryObject({
        NameObject("/Type"): NameObject("/Catalog"),
        NameObject("/Pages"): IndirectObject(pages_root, 0, None),
        NameObject("/Lang"): TextStringObject("fr")}))
    writer.write(info, DictionaryObject({
        NameObject("/Title"): TextStringObject(TITLE),
        NameObject("/Producer"): TextStringObject("pré-inscription CAP, bureau DEC 4")}))
    writer.close(root=catalog, info=info)
    return count
