"""« Dossier complet » (issue 28): one PDF per dossier whose pieces come back online — the
confirmation of its current version as the service prints it, then every piece the bureau
accepted, in the order the dossier asks for them (the signed confirmation first): a PDF's
pages as they are, a photo or a scan as one A4 page, fitted within the margins. Each part is
a bookmark named by its piece.

Written under the dossier's own prefix (`pieces/<numero>/dossier-complet.pdf`, erased with it)
and handed out as a short presigned link: a dossier's pieces may weigh 50 Mo, more than an API
answer carries.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from handler.dossier import pieces
from handler.platform.storage import DossierStore
from shared_rules.session import Session

#: A4 in millimetres, and the margin around an image.
A4_WIDTH, A4_HEIGHT, MARGIN = 210, 297, 10
LINK_SECONDS = 5 * 60


def key(numero: str) -> str:
    return f"{pieces.PIECES}{numero}/dossier-complet.pdf"


def complete(record: Mapping[str, Any], entries: Mapping[str, Mapping[str, Any]],
             session: Session) -> bool:
    """Whether every piece the dossier returns online is accepted."""
    return all(pieces.etat(entries.get(p.code)) == pieces.ACCEPTEE
               for p in pieces.expected(record["dossier"], session))


def _image_page(content: bytes) -> bytes:
    """A photo or a scan (JPEG or PNG, checked and cleaned already) on one A4 page."""
    from fpdf import FPDF

    page = FPDF(unit="mm", format="A4")
    page.set_auto_page_break(False)
    page.add_page()
    page.image(io.BytesIO(content), x=MARGIN, y=MARGIN, w=A4_WIDTH - 2 * MARGIN,
               h=A4_HEIGHT - 2 * MARGIN, keep_aspect_ratio=True)
    return bytes(page.output())


def render(store: DossierStore, record: Mapping[str, Any], session: Session) -> tuple[bytes, int]:
    """The dossier complet as PDF bytes, and how many accepted pieces it holds."""
    from pypdf import PdfReader, PdfWriter

    from handler.dossier import confirmation_pdf

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(confirmation_pdf.render(record, session))),
                  outline_item="Confirmation d'inscription (données du dossier)")
    entries = pieces.entries(pieces.read(store, record["numero"]))
    held = 0
    for piece in pieces.expected(record["dossier"], session):
        entry = entries.get(piece.code) or {}
        fichier = entry.get("fichier")
        if entry.get("etat") != pieces.ACCEPTEE or not fichier:
            continue
        content = store.file_bytes(fichier["cle"])
        if content is None:
            continue
        if fichier["type"] != "application/pdf":
            content = _image_page(content)
        writer.append(PdfReader(io.BytesIO(content)), outline_item=piece.libelle)
        held += 1
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), held
