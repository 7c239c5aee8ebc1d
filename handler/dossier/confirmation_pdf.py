"""The confirmation of registration as an A4 PDF: what the candidate checks, signs and posts.

Notice, part B: « Les candidats devront éditer leur confirmation d'inscription … Ces
confirmations, après vérification, sont à retourner … accompagnées des pièces suivantes ».

Built with fpdf2 and DejaVu Sans, shipped in handler/fonts with its licence, so that every letter
a candidate can type (œ, æ, ø, Ÿ…) prints the same on every machine. The registration number is
also printed as a Code 39 barcode, drawn by fpdf2 itself: the bureau's staff can read it with
any hand scanner instead of copying eleven characters by hand. The barcode, and the line under
it, carry the dossier version too (« 7K3M-Q9PA-R-V3 », numero.reference): the bureau records the
reception of the version it holds. The number alone stays large for the candidate; the file's
name carries the same reference.

It ends with the candidate's signature and, on the same page, the bureau's frame. The PDF is not
tagged: « Consulter ou modifier mon dossier » shows the same content in HTML (the accessibility
statement, site/docs/accessibilite.md, says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from handler.dossier import recapitulatif
from handler.dossier.numero import reference
from shared_rules.dates_fr import date_heure_longue
from shared_rules.session import Session

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
MARGIN = 15.0
LABEL_WIDTH = 62.0
GREY = (90, 90, 90)
LIGHT = (235, 235, 235)
RULE = (170, 170, 170)
BARCODE_BAR = 0.9  # mm, the wide bar; narrow bars are a third of it (0.3 mm)
BARCODE_HEIGHT = 13.0


class Batch(FPDF):
    """A4 pages holding one confirmation or several in a row (the bureau's printing, issue 27):
    each confirmation starts on a new page, and every page's footer gives its dossier's number,
    last modification and « Page n/total » counted within that dossier. The fonts are read once
    and embedded once for the whole batch, which is what makes a batch of hundreds cheap (one
    confirmation alone: about 60 % of its time goes to loading and subsetting the fonts).

    `recto`: each confirmation starts on an odd page, a blank page (« page laissée blanche »)
    added after one with an odd number of pages, so that printed on both sides no sheet carries
    two candidates."""

    def __init__(self, *, recto: bool = False) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.set_lang("fr")
        self.recto = recto
        self.footer_text: str | None = None
        self.first_page = 1
        self.count = 0
        self._closed = False

    def start(self, footer_text: str) -> None:
        """Open a new confirmation on a new page, its footer saying `footer_text`."""
        if self.count:
            last = self.page
            self._verso()
            self.add_page()  # draws the previous page's footer, the previous confirmation's
            self._number_pages(last)
        else:
            self.add_page()
        self.footer_text, self.first_page = footer_text, self.page
        self.count += 1

    def _verso(self) -> None:
        # Printed on both sides, a confirmation of an odd number of pages gets a blank verso.
        if self.recto and (self.page - self.first_page) % 2 == 0:
            self.add_page()
            self.footer_text = None

    def _number_pages(self, last: int) -> None:
        # The « n/total » of the confirmation that ended on page `last`, written once its
        # footers are drawn: FPDF's own pass at output would give the whole batch's count.
        total = str(last - self.first_page + 1)
        for number in range(self.first_page, last + 1):
            page = self.pages[number]
            fragments = page.get_text_substitutions()
            for fragment in fragments:
                page.contents = page.contents.replace(  # type: ignore[union-attr]
                    fragment.get_placeholder_string().encode("latin-1"),
                    fragment.render_text_substitution(total).encode("latin-1"))
            del fragments[:]  # type: ignore[attr-defined]

    def footer(self) -> None:
        if self._closed:
            return
        self.set_y(-13)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*GREY)
        if self.footer_text is None:  # the blank verso of a batch printed on both sides
            self.cell(0, 4, "Page laissée blanche", align="C")
        else:
            self.cell(0, 4, self.footer_text, align="L")
            self.cell(0, 4, f"Page {self.page_no() - self.first_page + 1}/{{nb}}", align="R",
                      new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)

    def close_batch(self) -> bytes:
        """The whole batch as PDF bytes."""
        if not self.count:
            self.add_page()
            _paragraph(self, "Aucune confirmation dans cette sélection.")
            self._closed = True  # no footer: it belongs to a confirmation
            return bytes(self.output())
        last = self.page
        self._verso()
        # The last page's footer, drawn here as FPDF's output() would (it then draws nothing),
        # so that its page total can be written before FPDF's own pass.
        self.in_footer = True
        self.footer()
        self.in_footer = False
        self._closed = True
        self._number_pages(last)
        return bytes(self.output())


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.will_page_break(16):
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 11)
    pdf.set_fill_color(*LIGHT)
    pdf.cell(0, 7, f" {text}", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _paragraph(pdf: FPDF, text: str, *, size: float = 9.5, bold: bool = False,
               height: float = 4.8) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.multi_cell(0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _rows(pdf: FPDF, rows: tuple[tuple[str, str], ...]) -> None:
    # The table takes its cells' background from the current fill colour (the heading's grey).
    # Rows are set close (issue 29): with the usual recap and all five pieces, the whole
    # confirmation, the bureau's frame included, holds on one sheet printed on both sides.
    pdf.set_fill_color(255)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    with pdf.table(col_widths=(LABEL_WIDTH, pdf.epw - LABEL_WIDTH), width=pdf.epw,
                   first_row_as_headings=False, borders_layout="HORIZONTAL_LINES",
                   cell_fill_mode="NONE",
                   text_align="LEFT", v_align="TOP", line_height=4.5,
                   padding=(0.9, 1.5, 0.9, 1.5)) as table:
        for label, value in rows:
            row = table.row()
            pdf.set_font(FAMILY, "", 8.5)
            pdf.set_text_color(*GREY)
            row.cell(label)
            pdf.set_font(FAMILY, "B", 9.5)
            pdf.set_text_color(0)
            row.cell(value)
    pdf.set_text_color(0)
    pdf.set_draw_color(0)


def _number_box(pdf: FPDF, numero: str, reference: str, dates: str) -> None:
    top = pdf.get_y() + 2
    pdf.set_fill_color(*LIGHT)
    pdf.rect(MARGIN, top, pdf.epw, 30, style="F")
    pdf.set_xy(MARGIN + 4, top + 3)
    pdf.set_font(FAMILY, "", 9)
    pdf.cell(90, 5, "Numéro d'inscription (à noter soigneusement)",
             new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "B", 26)
    pdf.cell(100, 13, numero, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 8)
    pdf.cell(110, 4.5, dates)
    # Code 39 of the paper's reference (dashes included: they are part of Code 39's set), and
    # the same in letters under it, for a bureau without a scanner.
    code = f"*{reference}*"
    width = len(code) * (BARCODE_BAR * 5 + BARCODE_BAR / 3)
    left = MARGIN + pdf.epw - width - 4
    pdf.set_fill_color(0)
    pdf.code39(code, x=left, y=top + 3, w=BARCODE_BAR, h=BARCODE_HEIGHT)
    pdf.set_xy(left, top + 3.5 + BARCODE_HEIGHT)
    pdf.set_font(FAMILY, "", 8)
    pdf.cell(width, 4, reference, align="C")
    pdf.set_xy(MARGIN, top + 32)


def _pieces(pdf: FPDF, pieces: list[str]) -> None:
    for libelle in pieces:
        if pdf.will_page_break(9):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_draw_color(0)
        pdf.set_line_width(0.3)
        pdf.rect(MARGIN + 1, y + 0.6, 4, 4)
        pdf.set_x(MARGIN + 8)
        pdf.set_font(FAMILY, "", 9.5)
        pdf.multi_cell(pdf.epw - 8, 5.2, libelle, align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.ln(1.2)


SIGNATURE_BOX = (85.0, 26.0)  # mm: width and height of the space for the signature
#: mm, as _signature draws it: heading (3 + 7 + 1), one line of text, a gap, then the place and
#: date beside the signature's caption (7) and box, and 2 under it.
SIGNATURE_HEIGHT = 11 + 4.8 + 3 + 7 + SIGNATURE_BOX[1] + 2


def _signature(pdf: FPDF) -> None:
    _heading(pdf, "Certifié exact")
    _paragraph(pdf, "Je certifie exacts les renseignements portés sur cette confirmation "
                    "d'inscription.")
    pdf.ln(3)
    # Place and date on the left, the signature on the right, as on a letter.
    top = pdf.get_y()
    pdf.set_font(FAMILY, "", 9.5)
    pdf.cell(90, 6, "Fait à : ....................................................",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.cell(90, 6, "le : ........ / ........ / ............")
    width, height = SIGNATURE_BOX
    left = MARGIN + pdf.epw - width
    pdf.set_xy(left, top)
    pdf.cell(width, 6, "Signature du candidat :")
    pdf.set_line_width(0.3)
    pdf.rect(left, top + 7, width, height)
    pdf.set_xy(MARGIN, top + 7 + height + 2)


#: The bureau's frame, in mm. On the left its title, « Pièces vérifiées » and the pieces, whose
#: labels wrap within their column; on the right the date of receipt and the stamp's box.
CADRE_GAP = 3.0  # above the frame
CADRE_PIECES_TOP = 14.5
CADRE_STAMP_TOP = 15.5
CADRE_BOTTOM = 3.5
STAMP_WIDTH = 66.0
STAMP_MIN_HEIGHT = 28.0
PIECE_SIZE = 8.5
PIECE_LINE = 3.9
PIECE_GAP = 1.0


def _stamp_x(pdf: FPDF) -> float:
    return MARGIN + pdf.epw - 4 - STAMP_WIDTH


def _piece_width(pdf: FPDF) -> float:
    # From the label's start (after its tick box) to a gap before the stamp's column.
    return _stamp_x(pdf) - 5 - (MARGIN + 10)


def _lines(pdf: FPDF, libelle: str) -> int:
    # output="LINES" answers the list of the lines the label wraps into.
    return len(cast(list[str], pdf.multi_cell(_piece_width(pdf), PIECE_LINE, libelle,
                                              dry_run=True, output="LINES")))


def _cadre_height(pdf: FPDF, pieces: list[str]) -> float:
    pdf.set_font(FAMILY, "", PIECE_SIZE)
    lines = sum(_lines(pdf, libelle) for libelle in pieces)
    listed = lines * PIECE_LINE + PIECE_GAP * len(pieces)
    return max(CADRE_PIECES_TOP + listed, CADRE_STAMP_TOP + STAMP_MIN_HEIGHT) + CADRE_BOTTOM


def _cadre_rectorat(pdf: FPDF, pieces: list[str], height: float) -> None:
    """The bureau's frame: the date the confirmation was received, the pieces checked, the
    stamp. Left blank: the bureau fills it in by hand on the paper it receives."""
    pdf.ln(CADRE_GAP)
    top = pdf.get_y()
    stamp_x = _stamp_x(pdf)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.6)
    pdf.set_dash_pattern(dash=2, gap=1.2)
    pdf.rect(MARGIN, top, pdf.epw, height)
    pdf.set_dash_pattern()
    pdf.set_xy(MARGIN + 4, top + 2.5)
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(stamp_x - MARGIN - 8, 6, "Cadre réservé au Rectorat")
    pdf.set_font(FAMILY, "", 9.5)
    pdf.set_xy(stamp_x, top + 2.5)
    pdf.cell(STAMP_WIDTH, 6, "Reçue le : ........ / ........ / ............")
    pdf.set_xy(MARGIN + 4, top + 8.5)
    pdf.cell(stamp_x - MARGIN - 8, 6, "Pièces vérifiées :")
    pdf.set_font(FAMILY, "", PIECE_SIZE)
    pdf.set_line_width(0.3)
    pdf.set_y(top + CADRE_PIECES_TOP)
    for libelle in pieces:
        y = pdf.get_y()
        pdf.rect(MARGIN + 5, y + 0.3, 3.4, 3.4)
        pdf.set_xy(MARGIN + 10, y)
        pdf.multi_cell(_piece_width(pdf), PIECE_LINE, libelle, align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(pdf.get_y() + PIECE_GAP)
    pdf.set_font(FAMILY, "", 9.5)
    pdf.set_xy(stamp_x, top + 9)
    pdf.cell(STAMP_WIDTH, 6, "Cachet et visa du bureau :")
    pdf.rect(stamp_x, top + CADRE_STAMP_TOP, STAMP_WIDTH, height - CADRE_STAMP_TOP - CADRE_BOTTOM)
    pdf.set_xy(MARGIN, top + height + 2)


def _signature_et_cadre(pdf: FPDF, pieces: list[str]) -> None:
    # Kept together on one page: the bureau's frame never stands alone on the last page (issue
    # 29), and the candidate signs on the page the bureau stamps.
    height = _cadre_height(pdf, pieces)
    if pdf.will_page_break(SIGNATURE_HEIGHT + CADRE_GAP + height):
        pdf.add_page()
    _signature(pdf)
    _cadre_rectorat(pdf, pieces, height)


def render(record: Mapping[str, Any], session: Session) -> bytes:
    """The confirmation of a stored dossier, as PDF bytes."""
    pdf = Batch()
    pdf.set_title(f"Confirmation d'inscription {recapitulatif.numero(record)}")
    pdf.set_subject(f"{session.examen_code}, académie de {session.academie_libelle}, "
                    f"session {session.session}")
    # The document's own date is the dossier's, so the same version always prints the same.
    pdf.set_creation_date(dt.datetime.fromisoformat(record["modifie_le"]))
    draw(pdf, record, session)
    return pdf.close_batch()


def draw(pdf: Batch, record: Mapping[str, Any], session: Session) -> None:
    """Add the confirmation of a stored dossier to `pdf`, from a new page on."""
    numero = recapitulatif.numero(record)
    modifie = recapitulatif.modifie_le(record)
    cree = date_heure_longue(dt.datetime.fromisoformat(record["cree_le"]))
    pdf.start(f"Confirmation d'inscription n° {numero} — dernière modification le "
              f"{modifie} (version {record['version']})")

    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 5, f"Académie de {session.academie_libelle} — {session.examen_libelle} "
                   f"({session.examen_code}) — session {session.session}",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.set_font(FAMILY, "B", 17)
    pdf.cell(0, 9, "Confirmation d'inscription", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10)
    pdf.cell(0, 5, f"Candidat individuel ({session.categorie})",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _number_box(pdf, numero, reference(record["numero"], record["version"]),
                f"Enregistré le {cree} — dernière modification le {modifie} "
                f"(version {record['version']})")
    _paragraph(pdf, "Vérifiez chaque renseignement : le diplôme sera établi selon votre saisie. "
                    "Si l'un d'eux est inexact, modifiez votre dossier en ligne avec votre "
                    f"numéro d'inscription avant le {date_heure_longue(session.cloture)}, puis "
                    "imprimez la nouvelle confirmation.", size=9)

    for section in recapitulatif.sections(record, session):
        _heading(pdf, section.titre)
        _rows(pdf, section.lignes)

    _heading(pdf, "Pièces à joindre à cette confirmation")
    _paragraph(pdf, "Cochez chaque pièce une fois jointe à votre envoi :", size=9)
    pdf.ln(1.5)
    _pieces(pdf, recapitulatif.pieces(record))

    retour = recapitulatif.retour(record, session)
    if retour.en_ligne_seulement and retour.en_ligne:  # issue 28: nothing goes by post
        _heading(pdf, "Où et quand la déposer")
        _paragraph(pdf, retour.en_ligne)
        pdf.ln(1.5)
    else:
        _heading(pdf, "Où et quand l'envoyer")
        _paragraph(pdf, "Envoyez cette confirmation, datée et signée, avec les pièces, le plus "
                        "rapidement possible, à l'adresse suivante :")
        pdf.ln(1.5)
        pdf.set_x(MARGIN + 8)
        pdf.set_font(FAMILY, "B", 10)
        pdf.multi_cell(pdf.epw - 8, 5.2, "\n".join(retour.adresse), align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
        if retour.en_ligne:
            _paragraph(pdf, retour.en_ligne, size=9)
    _paragraph(pdf, retour.delai, bold=True)
    if retour.adresse_a_confirmer:
        _paragraph(pdf, retour.adresse_a_confirmer, size=9)
    _paragraph(pdf, "À réception, après vérification, votre inscription deviendra définitive.",
               size=9)
    if retour.message_retour_tardif:
        pdf.ln(2)
        pdf.set_draw_color(0)
        pdf.set_line_width(0.6)
        pdf.set_font(FAMILY, "B", 9.5)
        pdf.multi_cell(0, 5, retour.message_retour_tardif, border=1, align="L",
                       padding=2, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    _signature_et_cadre(pdf, recapitulatif.pieces(record))


def filename(record: Mapping[str, Any], session: Session) -> str:
    """« confirmation-inscription-CAP-2021-06-7K3M-Q9PA-R-V3.pdf »: no name, the paper's
    reference (the number and the version, as under the barcode), so that two versions'
    files never share a name."""
    return (f"confirmation-inscription-{session.examen_code}-{session.session}-"
            f"{reference(record['numero'], record['version'])}.pdf")
