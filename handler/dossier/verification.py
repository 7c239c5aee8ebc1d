"""What an uploaded piece is, or why it is refused (issue 28): type, size, and a clean copy.

The type comes from the file's first bytes only, never from its name or the type the browser
declared: PDF (`%PDF-`), JPEG (`FF D8 FF`) or PNG (its 8-byte signature). Anything else is
refused with a French reason shown beside the piece.

What is kept is never the uploaded bytes themselves:
- a PDF is parsed with pypdf and its pages copied into a new document, without the catalog's
  JavaScript, /OpenAction, embedded files, form scripts or metadata; page and annotation actions
  other than a jump inside the document are removed too. Encrypted PDFs, PDFs without a page or
  with more than MAX_PDF_PAGES pages, and polyglots (a PDF that is also a web page) are refused;
- an image is decoded with Pillow (bounded: MAX_IMAGE_PIXELS, Pillow's decompression-bomb
  guard as an error), turned upright from its EXIF orientation, then re-encoded without any
  metadata (EXIF with its GPS position, XMP, ICC profile, PNG text chunks).

HEIC/HEIF photos (an iPhone's default) are refused, not converted: converting needs a HEIF
decoder (libheif through pillow-heif), a native dependency the Lambda package would have to
ship; the message tells the candidate how to send a JPEG or a PDF instead.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from shared_rules import pieces

MAX_PIECE_BYTES = pieces.MAX_PIECE_BYTES  # 10 MB per piece (issue 28), shared_rules.pieces
MEDIA_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
#: A piece is a few pages (an identity card, a certificate, the signed confirmation): the bound
#: keeps the copy's work small and refuses a whole scanned file sent by mistake.
MAX_PDF_PAGES = 50
#: A 40-megapixel photo is more than any phone takes (and 10 MB as JPEG); beyond, the decoded
#: image (4 bytes a pixel) would not fit the function's memory.
MAX_IMAGE_PIXELS = 40_000_000
JPEG_QUALITY = 90

_PDF = b"%PDF-"
_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
# ISO base media file format brands (the ftyp box) of HEIF images, ISO/IEC 23008-12: the major
# brand of an iPhone's or another phone's photo, or a compatible brand naming HEVC coding. An
# AVIF image (major brand avif, compatible mif1) is not one: it gets the general refusal.
_HEIF_MAJOR_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm",
                                b"hevs", b"mif1", b"msf1", b"heif"})
_HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm",
                          b"hevs"})
# Markers of a web page or an image with scripts hidden in a PDF: a browser sniffing the file
# would run it. Looked for in the first KB and after the last %%EOF, lower-cased.
_WEB_MARKERS = (b"<html", b"<script", b"<!doctype", b"<svg", b"<body", b"<iframe", b"<head")
_HEAD_BYTES = 1024
# The only action kept on a page's annotation: a jump to another page of the same document.
_SAFE_ACTIONS = frozenset({"/GoTo"})
# Annotations that carry a file, a sound, a film or rich media: removed with what they carry.
_EMBEDDING_ANNOTATIONS = frozenset({"/FileAttachment", "/Sound", "/Movie", "/Screen",
                                    "/RichMedia", "/3D"})

VIDE = "Le fichier est vide : choisissez à nouveau le document, puis déposez-le."
TROP_VOLUMINEUX = (
    "Le fichier dépasse {limite} Mo : réduisez-le (scan en 150 ou 200 ppp, photo moins grande) "
    "puis déposez-le à nouveau."
)
TYPE_NON_ACCEPTE = (
    "Ce type de fichier n'est pas accepté. Formats acceptés : PDF, JPEG ou PNG. Enregistrez ou "
    "scannez le document dans l'un de ces formats, puis déposez-le."
)
HEIC = (
    "Cette photo est au format HEIC (celui des iPhone), qui n'est pas accepté : formats acceptés, "
    "PDF, JPEG ou PNG. Sur un iPhone, choisissez Réglages > Appareil photo > Formats > « Le plus "
    "compatible » puis reprenez la photo ; ou faites une capture d'écran de la photo ; ou scannez "
    "le document en PDF. Puis déposez-le à nouveau."
)
PDF_ILLISIBLE = (
    "Ce PDF est illisible ou endommagé : enregistrez-le à nouveau depuis votre logiciel, ou "
    "scannez le document, puis déposez-le."
)
PDF_PROTEGE = (
    "Ce PDF est protégé par un mot de passe : déposez une copie sans mot de passe (ouvrez-le, "
    "puis enregistrez-le ou imprimez-le en PDF sans protection)."
)
PDF_SANS_PAGE = "Ce PDF ne contient aucune page : vérifiez le document, puis déposez-le à nouveau."
PDF_TROP_DE_PAGES = (
    "Ce PDF compte {pages} pages ; une pièce en compte {limite} au plus : déposez seulement les "
    "pages de la pièce demandée."
)
PDF_SUSPECT = (
    "Ce fichier n'est pas un PDF ordinaire : il contient aussi une page web. Enregistrez le "
    "document en PDF depuis votre logiciel, ou scannez-le, puis déposez-le."
)
IMAGE_ILLISIBLE = (
    "Cette image est illisible ou incomplète : reprenez la photo ou enregistrez-la à nouveau, "
    "puis déposez-la."
)
IMAGE_TROP_GRANDE = (
    "Cette image est trop grande ({limite} millions de pixels au plus) : réduisez sa taille ou "
    "reprenez la photo en qualité normale, puis déposez-la."
)


@dataclass(frozen=True)
class Checked:
    """An accepted piece: the clean copy to keep, and what it is."""

    content: bytes        # a PDF rewritten by pypdf; an image re-encoded by Pillow, no metadata
    media_type: str       # one of MEDIA_TYPES
    extension: str        # pdf | jpg | png
    pages: int            # a PDF's page count, 1 for an image


class Refused(Exception):
    """A refused piece: a stable code for the client, and the French reason shown beside it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def check(content: bytes) -> Checked:
    """The clean copy of an uploaded piece, or Refused with the reason, in French."""
    if not content:
        raise Refused("vide", VIDE)
    if len(content) > MAX_PIECE_BYTES:
        raise Refused("trop_volumineux", TROP_VOLUMINEUX.format(limite=_megabytes(MAX_PIECE_BYTES)))
    if content.startswith(_PDF):
        return _check_pdf(content)
    if content.startswith(_JPEG):
        return _check_image(content, "image/jpeg")
    if content.startswith(_PNG):
        return _check_image(content, "image/png")
    if _is_heif(content):
        raise Refused("heic", HEIC)
    raise Refused("type_non_accepte", TYPE_NON_ACCEPTE)


def _megabytes(size: int) -> str:
    # French number format: a decimal comma, no trailing zero (10 Mo, 2,5 Mo).
    return f"{size / (1024 * 1024):g}".replace(".", ",")


def _is_heif(content: bytes) -> bool:
    # An ISO BMFF file opens with a box: 4 bytes of size, "ftyp", the major brand, a minor
    # version, then the compatible brands until the box's end.
    if content[4:8] != b"ftyp":
        return False
    size = int.from_bytes(content[:4], "big")
    box = content[8:min(max(size, 16), 256)]
    compatible = {box[i:i + 4] for i in range(8, len(box) - 3, 4)}
    return box[:4] in _HEIF_MAJOR_BRANDS or bool(compatible & _HEVC_BRANDS)


# -- PDF -----------------------------------------------------------------------------------------

def _is_polyglot(content: bytes) -> bool:
    head = content[:_HEAD_BYTES].lower()
    end = content.rfind(b"%%EOF")
    tail = content[end + len(b"%%EOF"):].lower() if end >= 0 else b""
    return any(marker in head or marker in tail for marker in _WEB_MARKERS)


def _check_pdf(content: bytes) -> Checked:
    from pypdf import PdfReader

    if _is_polyglot(content):
        raise Refused("pdf_suspect", PDF_SUSPECT)
    # pypdf raises many kinds of exception on a malformed file (PdfReadError, but also
    # ValueError, KeyError, RecursionError…): any of them means the file can't be kept.
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise Refused("pdf_protege", PDF_PROTEGE)
        pages = len(reader.pages)
    except Refused:
        raise
    except Exception as exc:
        raise Refused("pdf_illisible", PDF_ILLISIBLE) from exc
    if pages == 0:
        raise Refused("pdf_sans_page", PDF_SANS_PAGE)
    if pages > MAX_PDF_PAGES:
        raise Refused("pdf_trop_de_pages",
                      PDF_TROP_DE_PAGES.format(pages=pages, limite=MAX_PDF_PAGES))
    try:
        rewritten = _pages_only(reader)
    except Exception as exc:
        raise Refused("pdf_illisible", PDF_ILLISIBLE) from exc
    return Checked(content=rewritten, media_type="application/pdf", extension="pdf", pages=pages)


def _pages_only(reader: Any) -> bytes:
    """A new document holding clones of the reader's pages and nothing else of its catalog."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    # A new writer's catalog has only its page tree: the original's /Names (JavaScript,
    # embedded files), /OpenAction, /AA, /AcroForm, /Metadata and /Info are not copied.
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    for page in writer.pages:
        page.pop(NameObject("/AA"), None)
        if "/Annots" not in page:
            continue
        annotations = page["/Annots"].get_object()
        if not isinstance(annotations, ArrayObject):
            # Malformed: dropped rather than guessed at.
            del page[NameObject("/Annots")]
            continue
        kept = []
        for reference in annotations:
            annotation = reference.get_object()
            if annotation.get("/Subtype") in _EMBEDDING_ANNOTATIONS:
                continue
            annotation.pop(NameObject("/AA"), None)
            action = annotation.get("/A")
            if action is not None and action.get_object().get("/S") not in _SAFE_ACTIONS:
                annotation.pop(NameObject("/A"), None)
            kept.append(reference)
        page[NameObject("/Annots")] = ArrayObject(kept)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- images --------------------------------------------------------------------------------------

def _check_image(content: bytes, media_type: str) -> Checked:
    from PIL import Image, ImageOps

    extension = MEDIA_TYPES[media_type]
    pillow_format = "JPEG" if extension == "jpg" else "PNG"
    too_big = Refused("image_trop_grande",
                      IMAGE_TROP_GRANDE.format(limite=MAX_IMAGE_PIXELS // 1_000_000))
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice it: here that is a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=[pillow_format]) as image:
                # The header's dimensions, before a single pixel is decoded.
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise too_big
                image.load()
                upright = ImageOps.exif_transpose(image)
                clean = _without_metadata(upright, extension)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_big from exc
        except Refused:
            raise
        # A truncated or corrupt image raises OSError, SyntaxError, ValueError… from the decoder.
        except Exception as exc:
            raise Refused("image_illisible", IMAGE_ILLISIBLE) from exc
    out = io.BytesIO()
    if extension == "jpg":
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=True)
    return Checked(content=out.getvalue(), media_type=media_type, extension=extension, pages=1)


def _without_metadata(image: Any, extension: str) -> Any:
    """The image in a mode its format stores, with no EXIF, XMP, ICC profile or text."""
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if extension == "jpg":
        mode = "L" if image.mode in ("1", "L") else "RGB"
    elif alpha:
        mode = "LA" if image.mode == "LA" else "RGBA"
    elif image.mode in ("1", "L"):
        mode = "L"
    else:
        mode = "RGB"
    clean = image.convert(mode) if image.mode != mode else image.copy()
    # Pillow's encoders read the EXIF, the ICC profile and PNG text from `info`: emptied, the
    # saved file holds the pixels only.
    clean.info = {}
    return clean
