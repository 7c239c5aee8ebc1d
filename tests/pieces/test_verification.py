"""Issue 28: what an uploaded piece is, or why it is refused — real files made here with fpdf2,
pypdf and Pillow, good ones and hostile ones."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Any

import pytest
from fpdf import FPDF
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from handler.dossier import verification
from handler.dossier.verification import MAX_PIECE_BYTES, Checked, Refused, check

# -- factories --------------------------------------------------------------------------------


def make_pdf(*, pages: int = 1, text: str = "Attestation de recensement") -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"{text} - page {number}")
    return bytes(pdf.output())


def _javascript(code: str) -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                             NameObject("/JS"): TextStringObject(code)})


def make_active_pdf() -> bytes:
    """A PDF that runs scripts on opening, on a page and on a link, and carries a file."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(pages=2))))
    writer.add_attachment("charge.exe", b"MZ-embedded-payload")
    names = writer._root_object["/Names"]
    names[NameObject("/JavaScript")] = DictionaryObject({NameObject("/Names"): ArrayObject([
        TextStringObject("catalogue"), writer._add_object(_javascript("app.alert('nom');"))])})
    writer._root_object[NameObject("/OpenAction")] = _javascript("app.alert('ouverture');")
    writer._root_object[NameObject("/AA")] = DictionaryObject(
        {NameObject("/WC"): _javascript("app.alert('fermeture');")})
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _javascript("app.alert('page');")})
    rect = ArrayObject([FloatObject(10), FloatObject(10), FloatObject(200), FloatObject(40)])
    link = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                             NameObject("/Subtype"): NameObject("/Link"),
                             NameObject("/Rect"): rect,
                             NameObject("/A"): _javascript("app.alert('lien');")})
    jump = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                             NameObject("/Subtype"): NameObject("/Link"),
                             NameObject("/Rect"): rect,
                             NameObject("/A"): DictionaryObject({
                                 NameObject("/S"): NameObject("/GoTo"),
                                 NameObject("/D"): ArrayObject([writer.pages[1].indirect_reference,
                                                                NameObject("/Fit")])})})
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link), writer._add_object(jump)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_encrypted_pdf(*, user_password: str = "secret") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password=user_password, owner_password="proprietaire",
                   algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_empty_pdf() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


def two_colours(size: tuple[int, int] = (40, 20)) -> Image.Image:
    """Red on the left half, blue on the right half."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


def make_phone_jpeg() -> bytes:
    """A JPEG as a phone writes it: EXIF with orientation 6 (turn 90° clockwise to show), a GPS
    position, the camera's make, an ICC profile and XMP."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "TelephoneDeTest"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (45.0, 49.0, 54.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (1.0, 15.0, 43.0)
    out = io.BytesIO()
    two_colours().save(out, format="JPEG", exif=exif, icc_profile=b"profil-icc-de-test",
                       xmp=b"<x:xmpmeta>xmp-de-test</x:xmpmeta>")
    return out.getvalue()


def make_png(*, mode: str = "RGBA", text: dict[str, str] | None = None) -> bytes:
    image = two_colours().convert(mode)
    info = PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
        info.add_itxt(f"{key}-i", value)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def make_png_bomb(width: int, height: int) -> bytes:
    """A real greyscale PNG of one colour, width × height: the pixels are zeros, so the file is
    about a thousandth of the decoded image."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte, then the pixels
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data)
            + _chunk(b"IEND", b""))


def make_noisy_jpeg() -> bytes:
    image = Image.effect_noise((300, 300), 80).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return out.getvalue()


def make_zip(name: str = "piece.txt", data: bytes = b"contenu") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, data)
    return out.getvalue()


def refusal(content: bytes) -> Refused:
    with pytest.raises(Refused) as caught:
        check(content)
    return caught.value


def opened(checked: Checked) -> Image.Image:
    image = Image.open(io.BytesIO(checked.content))
    image.load()
    return image


def text_of(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


# -- accepted pieces --------------------------------------------------------------------------

def test_a_pdf_is_kept_rewritten_with_its_pages_and_text() -> None:
    original = make_pdf(pages=2)

    checked = check(original)

    assert (checked.media_type, checked.extension, checked.pages) == ("application/pdf", "pdf", 2)
    assert checked.content.startswith(b"%PDF-")
    assert text_of(checked.content) == ["Attestation de recensement - page 1",
                                        "Attestation de recensement - page 2"]
    # A new document, not the upload: the original's metadata (here fpdf2's date) is gone.
    assert checked.content != original
    assert PdfReader(io.BytesIO(checked.content)).metadata == {"/Producer": "pypdf"}


def test_a_pdfs_scripts_opening_action_and_attached_file_are_removed() -> None:
    active = make_active_pdf()
    assert b"/JavaScript" in active and b"MZ-embedded-payload" in active

    checked = check(active)

    reader = PdfReader(io.BytesIO(checked.content))
    catalog = reader.trailer["/Root"]
    assert sorted(catalog.keys()) == ["/Pages", "/Type"]
    assert checked.pages == 2
    for page in reader.pages:
        assert "/AA" not in page
    annotations = [a.get_object() for a in reader.pages[0]["/Annots"]]
    # The link's script is gone, the jump to page 2 stays.
    assert [a.get("/A", {}).get("/S") for a in annotations] == [None, "/GoTo"]
    for forbidden in (b"/JavaScript", b"/JS", b"app.alert", b"/OpenAction", b"/EmbeddedFile",
                      b"MZ-embedded-payload"):
        assert forbidden not in checked.content
    assert text_of(checked.content)[1] == "Attestation de recensement - page 2"


def test_a_phone_photo_is_turned_upright_and_loses_exif_gps_icc_and_xmp() -> None:
    original = make_phone_jpeg()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert before.size == (40, 20)

    checked = check(original)

    assert (checked.media_type, checked.extension, checked.pages) == ("image/jpeg", "jpg", 1)
    image = opened(checked)
    assert image.format == "JPEG"
    # Orientation 6 applied: the 40×20 landscape is shown 20×40, its left (red) half on top.
    assert image.size == (20, 40)
    top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom
    assert dict(image.getexif()) == {}
    assert not {"exif", "icc_profile", "xmp"} & set(image.info)
    for trace in (b"Exif", b"TelephoneDeTest", b"profil-icc-de-test", b"xmp-de-test"):
        assert trace not in checked.content


@pytest.mark.parametrize("mode", ["RGBA", "RGB", "L", "P"])
def test_a_png_is_reencoded_without_its_text_chunks(mode: str) -> None:
    original = make_png(mode=mode, text={"Author": "Camille Dupont", "Comment": "GPS 45.83"})

    checked = check(original)

    assert (checked.media_type, checked.extension, checked.pages) == ("image/png", "png", 1)
    image = opened(checked)
    assert image.format == "PNG" and image.size == (40, 20)
    assert getattr(image, "text", {}) == {}
    for trace in (b"tEXt", b"iTXt", b"zTXt", b"Camille Dupont", b"GPS 45.83"):
        assert trace not in checked.content
    assert image.convert("RGB").getpixel((5, 5)) == (255, 0, 0) or mode == "L"


def test_a_png_keeps_its_transparency() -> None:
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, 5, 10))
    out = io.BytesIO()
    image.save(out, format="PNG")

    kept = opened(check(out.getvalue()))

    assert kept.mode == "RGBA"
    assert kept.getpixel((8, 5))[3] == 0 and kept.getpixel((2, 5)) == (0, 128, 0, 255)


def test_a_file_of_exactly_the_limit_is_not_refused_for_its_size() -> None:
    assert refusal(b"GIF89a" + b"\x00" * (MAX_PIECE_BYTES - 6)).code == "type_non_accepte"


# -- refused pieces ---------------------------------------------------------------------------

POLYGLOT_HEAD = b"%PDF-1.4\n%<html><script>fetch('/api/dossiers')</script>\n"
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(("content", "code"), [
    pytest.param(b"", "vide", id="empty"),
    pytest.param(b"%PDF-" + b"\x00" * (MAX_PIECE_BYTES + 1 - 5), "trop_volumineux",
                 id="10 MB + 1 byte"),
    pytest.param(HTML_PAGE, "type_non_accepte", id="HTML named .pdf"),
    pytest.param(b"  %PDF-1.4\n", "type_non_accepte", id="PDF magic not at offset 0"),
    pytest.param(b"%PDX-1.4\n" + make_pdf()[9:], "type_non_accepte", id="wrong PDF magic"),
    pytest.param(b"\xff\xd8" + b"\x00" + make_noisy_jpeg()[3:], "type_non_accepte",
                 id="wrong JPEG magic"),
    pytest.param(b"\x89PNX\r\n\x1a\n" + make_png()[8:], "type_non_accepte", id="wrong PNG magic"),
    pytest.param(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "type_non_accepte", id="GIF"),
    pytest.param(make_zip(), "type_non_accepte", id="zip"),
    pytest.param(make_zip("word/document.xml", b"<w:document/>"), "type_non_accepte",
                 id="docx"),
    pytest.param(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "type_non_accepte",
                 id="AVIF"),
    pytest.param(POLYGLOT_HEAD + make_pdf()[9:], "pdf_suspect", id="polyglot: HTML in the head"),
    pytest.param(make_pdf() + b"\n" + HTML_PAGE, "pdf_suspect",
                 id="polyglot: HTML after %%EOF"),
    pytest.param(make_pdf() + b"<svg onload=alert(1)>", "pdf_suspect",
                 id="polyglot: SVG after %%EOF"),
    pytest.param(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nendobj\ngarbage", "pdf_illisible",
                 id="PDF that doesn't parse"),
    pytest.param(make_pdf()[: len(make_pdf()) // 3], "pdf_illisible", id="truncated PDF"),
    pytest.param(make_encrypted_pdf(), "pdf_protege", id="encrypted PDF"),
    pytest.param(make_encrypted_pdf(user_password=""), "pdf_protege",
                 id="encrypted PDF, empty user password"),
    pytest.param(make_empty_pdf(), "pdf_sans_page", id="PDF without a page"),
    pytest.param(make_noisy_jpeg()[:9000], "image_illisible", id="truncated JPEG"),
    pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 200, "image_illisible", id="JPEG header only"),
    pytest.param(make_png()[:60], "image_illisible", id="truncated PNG"),
])
def test_hostile_or_unusable_files_are_refused(content: bytes, code: str) -> None:
    assert refusal(content).code == code


def test_a_png_bomb_is_refused_before_its_pixels_are_decoded() -> None:
    bomb = make_png_bomb(30_000, 30_000)  # 900 million pixels in under 1 MB
    assert len(bomb) < 1_000_000

    refused = refusal(bomb)

    assert refused.code == "image_trop_grande"
    assert refused.message == (
        "Cette image est trop grande (40 millions de pixels au plus) : réduisez sa taille ou "
        "reprenez la photo en qualité normale, puis déposez-la.")


def test_an_image_over_the_pixel_bound_but_under_pillows_own_is_refused() -> None:
    # 42 million pixels: under Pillow's decompression-bomb limit (89 million), over ours.
    assert refusal(make_png_bomb(7_000, 6_000)).code == "image_trop_grande"


def test_a_pdf_of_too_many_pages_is_refused_with_its_count() -> None:
    refused = refusal(make_pdf(pages=verification.MAX_PDF_PAGES + 1))

    assert refused.code == "pdf_trop_de_pages"
    assert refused.message == (
        "Ce PDF compte 51 pages ; une pièce en compte 50 au plus : déposez seulement les pages "
        "de la pièce demandée.")


def test_a_pdf_at_the_page_bound_is_kept() -> None:
    assert check(make_pdf(pages=verification.MAX_PDF_PAGES)).pages == verification.MAX_PDF_PAGES


@pytest.mark.parametrize("header", [
    pytest.param(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", id="iPhone heic"),
    pytest.param(b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", id="mif1"),
    pytest.param(b"\x00\x00\x00\x1cftypheix\x00\x00\x00\x00mif1heixmiaf", id="heix"),
    pytest.param(b"\x00\x00\x00\x18ftypmsf1\x00\x00\x00\x00msf1hevc", id="HEIF sequence"),
    pytest.param(b"\x00\x00\x00\x18ftypMiHE\x00\x00\x00\x00MiHEheic", id="compatible brand"),
])
def test_a_heic_photo_is_refused_with_how_to_send_it(header: bytes) -> None:
    refused = refusal(header + b"\x00" * 64)

    assert refused.code == "heic"
    assert "Réglages > Appareil photo > Formats > « Le plus compatible »" in refused.message
    assert "PDF, JPEG ou PNG" in refused.message
    assert "capture d'écran" in refused.message


def test_the_size_refusal_says_the_limit_in_megabytes() -> None:
    refused = refusal(b"\xff\xd8\xff" + b"\x00" * MAX_PIECE_BYTES)

    assert refused.code == "trop_volumineux"
    assert refused.message.startswith("Le fichier dépasse 10 Mo : ")


def test_an_unknown_type_is_refused_with_what_is_accepted() -> None:
    refused = refusal(HTML_PAGE)

    assert "PDF, JPEG ou PNG" in refused.message
    assert str(refused) == refused.message


def test_the_encrypted_pdfs_message_says_it_is_password_protected() -> None:
    assert "protégé par un mot de passe" in refusal(make_encrypted_pdf()).message


def _messages() -> dict[str, Any]:
    return {name: value for name, value in vars(verification).items()
            if name.isupper() and isinstance(value, str)}


@pytest.mark.parametrize("name", sorted(_messages()))
def test_every_message_is_french_and_says_what_to_do(name: str) -> None:
    message = _messages()[name]
    assert message[0].isupper() and message.endswith(".")
    # The codebase's typography: a space before a colon, « » with spaces, straight apostrophes.
    assert "’" not in message and " :" in message
