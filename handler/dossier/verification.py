"""What an uploaded file is, or why it is refused (minimal version; the full one lands with
issue 28's verification branch)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PIECE_BYTES = 10 * 1024 * 1024
MEDIA_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class Checked:
    content: bytes
    media_type: str
    extension: str
    pages: int


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def check(content: bytes) -> Checked:
    if not content:
        raise Refused("vide", "Le fichier est vide.")
    if len(content) > MAX_PIECE_BYTES:
        raise Refused("trop_gros", "Le fichier dépasse 10 Mo.")
    if content.startswith(b"%PDF-"):
        return Checked(content, "application/pdf", "pdf", 1)
    if content.startswith(b"\xff\xd8\xff"):
        return Checked(content, "image/jpeg", "jpg", 1)
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return Checked(content, "image/png", "png", 1)
    raise Refused("type", "Envoyez un PDF, ou une photo ou un scan en JPEG ou PNG.")
